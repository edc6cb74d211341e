//! Open Badges 2.0 classes (OB 2.0 §"Open Badges Vocabulary"), which also carry OB 1.x and
//! OB 0.5 assertions with a [`SourceVersion`].
//!
//! OB 1.0/1.1 assertions read directly into [`Assertion`]: their differences are two property
//! names (`uid`, `verify`), kept in their own fields so that writing back gives the original.
//! OB 0.5 assertions have another shape (`recipient` a string, `issued_on`, the badge and its
//! issuer embedded with `origin`/`org`/`contact`) and are mapped by [`assertion_from_ob05`];
//! their typed view therefore does not write back to the original JSON (which the
//! [`crate::Document`] keeps).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::datetime::DateTime;
use crate::tolerant::{IdOr, LangString, OneOrMany};

/// Which Open Badges version an [`Assertion`] was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[non_exhaustive]
pub enum SourceVersion {
    /// OB 2.0 (or 2.1).
    #[default]
    #[serde(rename = "2.0")]
    V2_0,
    /// OB 1.0 or 1.1.
    #[serde(rename = "1.x")]
    V1,
    /// OB 0.5 (mapped, see [`assertion_from_ob05`]).
    #[serde(rename = "0.5")]
    V0_5,
}

/// `Assertion` (OB 2.0 §Assertion; OB 1.x Assertion).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assertion {
    /// `@context`, as written.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `type`: `Assertion`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`: the hosted URL or a `urn:uuid:` for signed assertions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `uid` (OB 1.x only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<Value>,
    /// `recipient`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<IdentityObject>,
    /// `badge`: the BadgeClass, by URL or embedded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<IdOr<BadgeClass>>,
    /// `verification` (OB 2.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationObject>,
    /// `verify` (the OB 1.x name of `verification`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerificationObject>,
    /// `issuedOn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<DateTime>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `evidence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<OneOrMany<IdOr<Evidence>>>,
    /// `narrative`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<LangString>,
    /// `expires`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime>,
    /// `revoked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
    /// `revocationReason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// Every other property (extensions, `endorsement`), as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The version the assertion was written in (not a JSON property).
    #[serde(skip)]
    pub source_version: SourceVersion,
}

impl Assertion {
    /// `verification`, or the OB 1.x `verify`.
    pub fn verification_object(&self) -> Option<&VerificationObject> {
        self.verification.as_ref().or(self.verify.as_ref())
    }
}

/// `BadgeClass` (OB 2.0 §BadgeClass).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BadgeClass {
    /// `@context`, as written.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `type`: `BadgeClass`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `criteria`: a URL or a Criteria object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<IdOr<Criteria>>,
    /// `issuer`: a URL or the issuer profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IdOr<Profile>>,
    /// `alignment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<OneOrMany<Alignment>>,
    /// `tags`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<OneOrMany<String>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Profile` / `Issuer` (OB 2.0 §Profile).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// `@context`, as written.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// `type`: `Issuer` or `Profile`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `url`: the homepage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `telephone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `publicKey`: URL(s) or embedded CryptographicKey(s), kept as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<Value>,
    /// `verification`: the issuer's hosted-verification policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationObject>,
    /// `revocationList`: the URL of the issuer's revocation list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_list: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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

/// `IdentityObject`: the recipient (OB 2.0 §IdentityObject).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    /// `type`: `email`, `url`, `telephone` or `id`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `identity`: the identifier, or `<alg>$<hex>` when hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// `hashed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hashed: Option<bool>,
    /// `salt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `VerificationObject` (OB 2.0 §VerificationObject; OB 1.x `verify` with `url`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationObject {
    /// `type`: `hosted`/`HostedBadge` or `signed`/`SignedBadge`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `url` (OB 1.x: the hosted assertion or the public key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `creator`: the key that signed (signed verification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// `verificationProperty` (issuer policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_property: Option<String>,
    /// `startsWith` (issuer policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<OneOrMany<String>>,
    /// `allowedOrigins` (issuer policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<OneOrMany<String>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Image` (OB 2.0 §Image).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`: the image URL or `data:` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `caption`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<LangString>,
    /// `author`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Criteria` (OB 2.0 §Criteria).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`: the criteria page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `narrative` (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<LangString>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `AlignmentObject` (OB 2.0 §AlignmentObject).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// `targetName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_name: Option<LangString>,
    /// `targetUrl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// `targetDescription`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<LangString>,
    /// `targetFramework`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<LangString>,
    /// `targetCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Evidence` (OB 2.0 §Evidence).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `id`: the evidence URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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

/// Rewrites an OB 0.5 assertion into the OB 2.0 shape, for [`Assertion`] to read.
///
/// OB 0.5 (Mozilla Backpack, 2011–2013): `recipient` is an email or `<alg>$<hash>` with a
/// top-level `salt`; `issued_on`, `expires`, `evidence` are top level; `badge` embeds `version`,
/// `name`, `image`, `description`, `criteria` (a URL) and `issuer` {`origin`, `name`, `org`,
/// `contact`}. Relative URLs stay relative (they are relative to `issuer.origin`). Properties
/// with no OB 2.0 home (`badge.version`, `issuer.org`) stay in `extra`.
pub fn assertion_from_ob05(value: &Value) -> Value {
    let get = |key: &str| value.get(key).cloned();
    let mut out = Map::new();
    if let Some(Value::String(recipient)) = value.get("recipient") {
        let hashed = recipient.contains('$');
        let mut identity = json!({"type": "email", "identity": recipient, "hashed": hashed});
        if let (Some(salt), Some(object)) = (get("salt"), identity.as_object_mut()) {
            object.insert("salt".into(), salt);
        }
        out.insert("recipient".into(), identity);
    }
    if let Some(issued) = get("issued_on") {
        out.insert("issuedOn".into(), issued);
    }
    for key in ["evidence", "expires"] {
        if let Some(v) = get(key) {
            out.insert(key.into(), v);
        }
    }
    if let Some(Value::Object(badge)) = value.get("badge") {
        let mut class = badge.clone();
        if let Some(Value::Object(issuer)) = badge.get("issuer") {
            let mut profile = issuer.clone();
            if let Some(origin) = profile.remove("origin") {
                profile.insert("url".into(), origin);
            }
            if let Some(contact) = profile.remove("contact") {
                profile.insert("email".into(), contact);
            }
            class.insert("issuer".into(), Value::Object(profile));
        }
        out.insert("badge".into(), Value::Object(class));
    }
    for (key, v) in value.as_object().into_iter().flatten() {
        let mapped = matches!(
            key.as_str(),
            "recipient" | "salt" | "issued_on" | "evidence" | "expires" | "badge"
        );
        if !mapped {
            out.insert(key.clone(), v.clone());
        }
    }
    Value::Object(out)
}
