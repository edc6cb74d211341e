//! The normalized record: one [`AchievementRecord`] per awarded achievement, whatever data model
//! carried it, with the JSON pointer every value came from.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::level::Level;

/// Where a record came from: the item (file → zip entry → pointer, as `formats` names it) and
/// the credential inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The item path, e.g. `bundle.zip!transcript.json#/credentialSubject/verifiableCredential/2`.
    pub item: String,
    /// The credential's own `id`, when it has one.
    pub credential_id: Option<String>,
    /// The data model, as `credbridge_model::Format::name` spells it (`Open Badges 3.0 credential`).
    pub format: String,
    /// The SHA-256 of the original bytes, when the caller knows them (hex).
    pub sha256: Option<String>,
}

/// What verification said about the credential a record came from. The caller fills it from
/// the verification report; a record never claims more than its credential earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationStatus {
    /// Every check passed.
    Valid,
    /// The signature and data are genuine; something is only a warning (an unconfirmed issuer).
    ValidWithWarnings,
    /// A check failed: the record shows nothing.
    Invalid,
    /// The issuer revoked or suspended it: the record shows nothing.
    Revoked,
    /// Something could not be checked.
    Indeterminate,
    /// Nobody verified it (normalized on its own).
    NotChecked,
}

impl VerificationStatus {
    /// The word shown to people.
    pub fn word(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::ValidWithWarnings => "valid with warnings",
            Self::Invalid => "invalid",
            Self::Revoked => "revoked",
            Self::Indeterminate => "could not be fully checked",
            Self::NotChecked => "not verified",
        }
    }

    /// Whether the credential counts as verified evidence (valid, or valid with warnings).
    pub fn is_verified(self) -> bool {
        matches!(self, Self::Valid | Self::ValidWithWarnings)
    }

    /// Whether the credential must show nothing at all (invalid or revoked).
    pub fn is_rejected(self) -> bool {
        matches!(self, Self::Invalid | Self::Revoked)
    }
}

/// The verification verdict a record carries, with the warnings a reader should see beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The status.
    pub status: VerificationStatus,
    /// Plain-words warnings shown next to the evidence (e.g. the issuer's name is unconfirmed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Verification {
    /// A credential nobody verified.
    pub fn not_checked() -> Verification {
        Verification {
            status: VerificationStatus::NotChecked,
            warnings: Vec::new(),
        }
    }

    /// A verdict without warnings.
    pub fn of(status: VerificationStatus) -> Verification {
        Verification {
            status,
            warnings: Vec::new(),
        }
    }
}

/// The issuer as the credential states it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Issuer {
    /// `id` (a DID or URL).
    pub id: Option<String>,
    /// `name`, as claimed by the issuer itself.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// Official identifiers (`otherIdentifier[]`): `(identifierType, identifier)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub official_identifiers: Vec<OfficialIdentifier>,
}

/// An issuer's official identifier (OB 3.0 `IdentifierEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialIdentifier {
    /// `identifierType` (`sourcedId`, `nationalIdentityNumber`, `ext:…`).
    pub identifier_type: Option<String>,
    /// `identifier`.
    pub identifier: String,
}

/// How a credential names its subject. A name is kept for display only; it never links people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SubjectIdentifier {
    /// A DID (`credentialSubject.id`, a VP holder).
    Did {
        /// The DID.
        did: String,
    },
    /// Any other IRI naming the subject (a URL, a `urn:`).
    Iri {
        /// The IRI.
        iri: String,
    },
    /// A hashed identity (OB 3.0 `IdentityObject` with `hashed: true`, OB 2.0 hashed recipient).
    Hashed {
        /// The identity type as written (`emailAddress`, `email`, `studentId`, …).
        identity_type: String,
        /// `alg$hex` as written.
        identity_hash: String,
        /// The salt, when there is one.
        salt: Option<String>,
    },
    /// An identity in plain text (an unhashed `IdentityObject` or OB 2.0 recipient).
    Plain {
        /// The identity type.
        identity_type: String,
        /// The identity.
        identity: String,
    },
}

/// The subject (learner) of a record.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Subject {
    /// Every identifier the credential gives.
    pub identifiers: Vec<SubjectIdentifier>,
    /// A name, for display only.
    pub display_name: Option<String>,
}

/// `criteria`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Criteria {
    /// `criteria.id` (or an OB 2.0 criteria URL).
    pub id: Option<String>,
    /// `criteria.narrative`.
    pub narrative: Option<String>,
}

/// The achievement that was awarded.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Achievement {
    /// `id`.
    pub id: Option<String>,
    /// `achievementType` (OB 3.0), e.g. `Certificate`, `ext:Program`.
    pub achievement_type: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `criteria`.
    pub criteria: Criteria,
    /// `creditsAvailable`.
    pub credits_available: Option<f64>,
    /// The subject's `creditsEarned`.
    pub credits_earned: Option<f64>,
    /// `fieldOfStudy`.
    pub field_of_study: Option<String>,
    /// `specialization`.
    pub specialization: Option<String>,
    /// A level the achievement names (ELM `hasEQFLevel`, a degree level), as written.
    pub level: Option<String>,
    /// `image` (its id / URL).
    pub image: Option<String>,
    /// `tag` (OB 3.0) / `tags` (OB 2.0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `inLanguage` / OB 2.0 `@language`.
    pub in_language: Option<String>,
    /// `humanCode`.
    pub human_code: Option<String>,
    /// `creator` id, when the creator is another party than the issuer.
    pub creator: Option<String>,
}

/// An alignment to a framework item, as the issuer declared it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlignmentRecord {
    /// `targetUrl` (OB 3.0 requires it; an ELM ESCO skill IRI).
    pub target_url: Option<String>,
    /// `targetName`.
    pub target_name: Option<String>,
    /// `targetFramework`.
    pub target_framework: Option<String>,
    /// `targetCode`.
    pub target_code: Option<String>,
    /// `targetType` (`CFItem`, `ceasn:Competency`, `CTDL`, `ext:…`).
    pub target_type: Option<String>,
    /// `targetDescription`.
    pub target_description: Option<String>,
    /// Where it sits: on the achievement, a result description, a rubric level, a result.
    pub on: AlignmentSite,
    /// The id of the result description it sits under (for `result-description` and
    /// `rubric-level` alignments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    /// The JSON pointer of the alignment object (or IRI) in the credential.
    pub pointer: String,
}

/// Which part of the credential an alignment is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlignmentSite {
    /// `achievement.alignment` (the whole achievement shows the skill).
    Achievement,
    /// `resultDescription[].alignment`.
    ResultDescription,
    /// `rubricCriterionLevel[].alignment`.
    RubricLevel,
    /// `result[].alignment`.
    Result,
    /// An ELM learning outcome (`relatedESCOSkill`, `relatedSkill`).
    LearningOutcome,
}

/// A result the learner achieved, with its level normalized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRecord {
    /// `resultDescription` (the id it links to).
    pub result_description: Option<String>,
    /// The linked description's `name`.
    pub name: Option<String>,
    /// The linked description's `resultType`.
    pub result_type: Option<String>,
    /// `value`, as written.
    pub value: Option<String>,
    /// `status` (`Completed`, `Failed`, …).
    pub status: Option<String>,
    /// `achievedLevel` (the rubric level's id), as written.
    pub achieved_level: Option<String>,
    /// The level on the one ordinal scale, with the raw value kept; `None` when unknown.
    pub level: Option<Level>,
    /// The JSON pointer of the result.
    pub pointer: String,
}

/// An evidence entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRecord {
    /// `id` (a URL or `data:` URL).
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `narrative`.
    pub narrative: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The JSON pointer.
    pub pointer: String,
}

/// The dates, as written (each in the data model's own field).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Dates {
    /// `awardedDate` (OB 3.0) / `issuedOn` (OB 2.0) / `issued_on` (OB 0.5): when it was awarded.
    pub awarded: Option<String>,
    /// `validFrom` / `issuanceDate`.
    pub valid_from: Option<String>,
    /// `validUntil` / `expirationDate` / `expires`.
    pub valid_until: Option<String>,
}

impl Dates {
    /// The date the achievement was demonstrated: the award date, else the start of validity.
    pub fn demonstrated(&self) -> Option<&str> {
        self.awarded.as_deref().or(self.valid_from.as_deref())
    }
}

/// A CLR association between two achievements (`isChildOf`, `precedes`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Association {
    /// `associationType`.
    pub association_type: String,
    /// `sourceId`.
    pub source_id: String,
    /// `targetId`.
    pub target_id: String,
    /// The CLR it was declared in (its id or item path).
    pub declared_in: String,
    /// The JSON pointer of the association.
    pub pointer: String,
}

/// One awarded achievement, normalized from any data model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AchievementRecord {
    /// The credential it came from.
    pub source: Source,
    /// The issuer as stated.
    pub issuer: Issuer,
    /// The subject.
    pub subject: Subject,
    /// The achievement.
    pub achievement: Achievement,
    /// The learner's results.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ResultRecord>,
    /// Every alignment the issuer declared, wherever it sits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignments: Vec<AlignmentRecord>,
    /// Evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRecord>,
    /// CLR associations that name this achievement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<Association>,
    /// The dates.
    pub dates: Dates,
    /// The verification verdict of the credential.
    pub verification: Verification,
    /// The holder that presented it, when it came inside a verified presentation.
    pub presented_by: Option<String>,
    /// Where each scalar value came from: a dotted field name (`achievement.name`) → the JSON
    /// pointer in the credential. Lists carry their own `pointer`.
    pub provenance: BTreeMap<&'static str, String>,
}
