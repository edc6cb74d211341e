//! W3C Verifiable Credentials Data Model envelope, for VCDM 1.1 and 2.0 at once.
//!
//! One [`Credential`] struct carries the properties of both versions (`issuanceDate` /
//! `expirationDate` of 1.1, `validFrom` / `validUntil` of 2.0) and the envelope additions of
//! OB 3.0 and CLR 2.0 (`awardedDate`, `endorsement`, `endorsementJwt`, `partial`). It is generic
//! over the subject only, so an OB 3.0 credential is `Credential<AchievementSubject>`, a CLR is
//! `Credential<ClrSubject>`, and any other VC is `Credential<GenericSubject>`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::datetime::DateTime;
use crate::tolerant::{IdOr, LangString, OneOrMany, spec_enum};

/// A verifiable credential (VCDM 1.1 §4, VCDM 2.0 §4) with subject type `S`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential<S> {
    /// `@context`, kept as written (strings and embedded context objects).
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `name` (VCDM 2.0 §4.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `description` (VCDM 2.0 §4.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `image` (OB 3.0 / CLR 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `issuer`: an IRI or a profile object (VCDM 2.0 §4.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IdOr<Profile>>,
    /// `issuanceDate` (VCDM 1.1 §4.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuance_date: Option<DateTime>,
    /// `validFrom` (VCDM 2.0 §4.9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime>,
    /// `expirationDate` (VCDM 1.1 §7.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// `validUntil` (VCDM 2.0 §4.9).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime>,
    /// `awardedDate` (OB 3.0: the original award date; `validFrom` changes on re-issue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awarded_date: Option<DateTime>,
    /// `credentialSubject`: one or many subjects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_subject: Option<OneOrMany<S>>,
    /// `credentialStatus` (VCDM 2.0 §4.10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<OneOrMany<CredentialStatus>>,
    /// `credentialSchema` (VCDM 2.0 §4.11).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_schema: Option<OneOrMany<TypedReference>>,
    /// `evidence` (VCDM 2.0 §5.6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<OneOrMany<Evidence>>,
    /// `termsOfUse` (VCDM 2.0 §5.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_use: Option<OneOrMany<TypedReference>>,
    /// `refreshService` (VCDM 2.0 §5.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_service: Option<OneOrMany<TypedReference>>,
    /// `proof`: embedded proofs (VC Data Integrity §2.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<OneOrMany<Proof>>,
    /// `endorsement` (OB 3.0 / CLR 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<Endorsements>,
    /// `endorsementJwt` (OB 3.0 / CLR 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement_jwt: Option<OneOrMany<String>>,
    /// `partial` (CLR 2.0: not all of the learner's assertions are included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<bool>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<S> Credential<S> {
    /// The `type` values.
    pub fn types(&self) -> &[String] {
        self.type_.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// The subjects.
    pub fn subjects(&self) -> &[S] {
        self.credential_subject
            .as_ref()
            .map_or(&[], OneOrMany::as_slice)
    }

    /// The issuer's id, whether given as an IRI or in a profile.
    pub fn issuer_id(&self) -> Option<&str> {
        self.issuer.as_ref().and_then(IdOr::<Profile>::id)
    }

    /// When the credential starts to be valid: `validFrom`, else `issuanceDate`.
    pub fn valid_from_or_issued(&self) -> Option<&DateTime> {
        self.valid_from.as_ref().or(self.issuance_date.as_ref())
    }

    /// When the credential stops being valid: `validUntil`, else `expirationDate`.
    pub fn valid_until_or_expires(&self) -> Option<&DateTime> {
        self.valid_until.as_ref().or(self.expiration_date.as_ref())
    }
}

/// The subject of a credential of no more specific format: its `id`, `type` and the rest as
/// JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GenericSubject {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The subject of a `BitstringStatusListCredential` (Bitstring Status List v1.0 §2.2) or a
/// `StatusList2021Credential`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusListSubject {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `BitstringStatusList` or `StatusList2021`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `statusPurpose`: `revocation`, `suspension`, `message`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_purpose: Option<OneOrMany<String>>,
    /// `encodedList`: multibase base64url of the GZIP-compressed bitstring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_list: Option<String>,
    /// `ttl` in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<Value>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A bitstring or list status credential.
pub type StatusListCredential = Credential<StatusListSubject>;

/// Any other verifiable credential.
pub type GenericCredential = Credential<GenericSubject>;

/// A `credentialStatus` entry: `BitstringStatusListEntry`, `StatusList2021Entry`,
/// `1EdTechRevocationList`, … (VCDM 2.0 §4.10; Bitstring Status List §2.1; 1EdTech VCRL).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    /// `id` (optional in VCDM 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `statusPurpose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_purpose: Option<String>,
    /// `statusListIndex`: a decimal string by the spec, a number is tolerated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_list_index: Option<Value>,
    /// `statusListCredential`: the URL of the status list credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_list_credential: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CredentialStatus {
    /// `statusListIndex` as a number, when it is a decimal string or a non-negative integer.
    pub fn index(&self) -> Option<u64> {
        match self.status_list_index.as_ref()? {
            Value::String(text) => text.parse().ok(),
            Value::Number(number) => number.as_u64(),
            _ => None,
        }
    }
}

/// An `{id, type}` reference: `credentialSchema`, `termsOfUse`, `refreshService`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TypedReference {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`, e.g. `1EdTechJsonSchemaValidator2019`, `1EdTechCredentialRefresh`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An embedded proof (VC Data Integrity §2.1; also the legacy `Ed25519Signature2020` shape).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`, e.g. `DataIntegrityProof`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `cryptosuite`, e.g. `eddsa-rdfc-2022`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cryptosuite: Option<String>,
    /// `created`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime>,
    /// `expires`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime>,
    /// `verificationMethod`: a URL (or, rarely, an embedded method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<IdOr<Map<String, Value>>>,
    /// `proofPurpose`, e.g. `assertionMethod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_purpose: Option<String>,
    /// `proofValue` (multibase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_value: Option<String>,
    /// `jws` (detached JWS of `JsonWebSignature2020` and older suites).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jws: Option<String>,
    /// `challenge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// `domain` (a string or a set of strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<OneOrMany<String>>,
    /// `nonce`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// `previousProof` (proof chains).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_proof: Option<OneOrMany<String>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Proof {
    /// The verification method URL (the `id` of an embedded method).
    pub fn verification_method_id(&self) -> Option<&str> {
        match self.verification_method.as_ref()? {
            IdOr::Iri(iri) => Some(iri),
            IdOr::Object(method) => method.get("id").and_then(Value::as_str),
        }
    }
}

/// A verifiable presentation (VCDM 1.1 §4.10, VCDM 2.0 §4.13). Its credentials stay JSON: each
/// is a document of its own, to [`crate::parse`] separately.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presentation {
    /// `@context`, as written.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `holder`: an IRI or an object with an `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<IdOr<Profile>>,
    /// `verifiableCredential`: embedded credentials (objects, or JWT strings in some wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verifiable_credential: Option<OneOrMany<Value>>,
    /// `termsOfUse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms_of_use: Option<OneOrMany<TypedReference>>,
    /// `proof`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<OneOrMany<Proof>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
// ---- The OB 3.0 parts the envelope names (re-exported from `ob3`). ----

/// An `EndorsementCredential` (OB 3.0 §B.1.x EndorsementCredential).
pub type EndorsementCredential = Credential<EndorsementSubject>;

/// Embedded endorsements: boxed because a credential's profile may carry endorsements of its own.
pub type Endorsements = OneOrMany<Box<EndorsementCredential>>;

/// `Profile`: an issuer, creator, endorser or source (OB 3.0 §B.1.x Profile).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// `id` (required by the spec): an https URL or a DID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type` (required): contains `Profile`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `url`: the homepage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `phone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `endorsement`: embedded Data Integrity endorsements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<Endorsements>,
    /// `endorsementJwt`: endorsements as compact JWS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement_jwt: Option<OneOrMany<String>>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `address` (kept as JSON: only displayed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Value>,
    /// `otherIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_identifier: Option<OneOrMany<IdentifierEntry>>,
    /// `official`: the name of the authorized official.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official: Option<String>,
    /// `parentOrg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_org: Option<Box<IdOr<Profile>>>,
    /// `familyName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// `givenName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// `dateOfBirth` (a date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<DateTime>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Image` (OB 3.0 §B.1.x Image).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `id`: the URI or `data:` URL of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `Image`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `caption`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<LangString>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `IdentifierEntry` (OB 3.0 §B.1.x IdentifierEntry, in `otherIdentifier`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    /// `type`: `IdentifierEntry`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `identifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// `identifierType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier_type: Option<IdentifierTypeEnum>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Evidence` (OB 3.0 §B.1.x Evidence; also used for any VC's `evidence`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// `id`: a URL or `data:` URL of the evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type` (required): contains `Evidence`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `narrative`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<LangString>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `genre`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// `audience`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `EndorsementSubject` (OB 3.0 §B.1.x EndorsementSubject).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndorsementSubject {
    /// `id` of the endorsed credential, achievement or profile (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: contains `EndorsementSubject`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `endorsementComment` (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement_comment: Option<LangString>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

spec_enum! {
    /// `IdentifierTypeEnum` (OB 3.0 §B.2; extensible with `ext:`).
    IdentifierTypeEnum {
        Name => "name",
        SourcedId => "sourcedId",
        SystemId => "systemId",
        ProductId => "productId",
        UserName => "userName",
        AccountId => "accountId",
        EmailAddress => "emailAddress",
        NationalIdentityNumber => "nationalIdentityNumber",
        Isbn => "isbn",
        Issn => "issn",
        LisSourcedId => "lisSourcedId",
        OneRosterSourcedId => "oneRosterSourcedId",
        SisSourcedId => "sisSourcedId",
        LtiContextId => "ltiContextId",
        LtiDeploymentId => "ltiDeploymentId",
        LtiToolId => "ltiToolId",
        LtiPlatformId => "ltiPlatformId",
        LtiUserId => "ltiUserId",
        Identifier => "identifier",
    }
}

impl IdOr<Profile> {
    /// The profile's id, whether given as an IRI or embedded.
    pub fn id(&self) -> Option<&str> {
        match self {
            IdOr::Iri(iri) => Some(iri),
            IdOr::Object(profile) => profile.id.as_deref(),
        }
    }
}

impl IdOr<Image> {
    /// The image's URI, whether given as an IRI or embedded.
    pub fn id(&self) -> Option<&str> {
        match self {
            IdOr::Iri(iri) => Some(iri),
            IdOr::Object(image) => image.id.as_deref(),
        }
    }
}
