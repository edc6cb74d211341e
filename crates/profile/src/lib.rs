//! credbridge-profile: every credential data model into one [`AchievementRecord`], a person's
//! records into one [`SkillsProfile`], and one person across platforms.
//!
//! It owns the normalized record (issuer, subject identifiers, achievement, results with levels on
//! one ordinal scale, alignments, evidence, dates, the verification verdict, and the JSON pointer
//! every value came from), the rules that link records to a person (DIDs, salted identity hashes
//! checked against identifiers the candidate gives, presentation holders; never names), and the
//! rules that turn a person's records into skills (verified / unverified / inferred).
//!
//! **Not here:** decoding containers (`formats`: CLR inner credentials and presentation members
//! arrive as items of their own), verification rules (`verify`: [`collect`] runs its bulk
//! pipeline or takes reports already made), skill frameworks and resolution (`skills`, behind the [`SkillResolver`] seam, which
//! [`frameworks`] implements over `credbridge_skills::Frameworks`),
//! job matching (`matching`), storage and HTTP.
//!
//! # Main types
//! - [`normalize()`] → [`Normalized`] { [`AchievementRecord`]s, CLR [`Association`]s }.
//! - [`group_people`] → [`Person`]s, each record with its [`LinkReason`]s and confidence.
//! - [`build_profile`] → [`SkillsProfile`] { skills with evidence, unresolved alignments,
//!   credentials, pinned [`Versions`] }.
//! - [`verify_and_collect`] (blobs verified in parallel by `credbridge_verify::bulk`, then
//!   normalized) and [`Collector`] (items with reports already made) → [`Collected`] → people
//!   and profiles: the one loop the CLI and the server share.
//!
//! # Example
//! ```
//! use credbridge_profile::{normalize, Origin, Verification, VerificationStatus};
//! let credential = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2",
//!                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
//!     "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
//!     "issuer": {"id": "did:web:example.edu", "type": "Profile", "name": "Example College"},
//!     "validFrom": "2025-06-01T00:00:00Z",
//!     "credentialSubject": {"type": "AchievementSubject", "id": "did:key:z6MkLearner",
//!         "achievement": {"id": "urn:uuid:2", "type": "Achievement", "name": "Python",
//!             "description": "Writes Python programs", "criteria": {"narrative": "Passed the exam"},
//!             "alignment": [{"type": "Alignment", "targetName": "Python (computer programming)",
//!                 "targetUrl": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"}]}}
//! });
//! let origin = Origin { item: "python.json", ..Origin::default() };
//! let out = normalize(&credential, &origin, &Verification::of(VerificationStatus::Valid));
//! let record = &out.records[0];
//! assert_eq!(record.achievement.name.as_deref(), Some("Python"));
//! assert_eq!(record.provenance["achievement.name"], "/credentialSubject/achievement/name");
//! assert_eq!(record.alignments[0].pointer, "/credentialSubject/achievement/alignment/0");
//! ```
//!
//! # Design decisions
//! - **Provenance by pointer.** Scalars record their JSON pointer in `provenance`; list entries
//!   carry their own. The original credential is never changed, so every value can be shown in
//!   place.
//! - **Verified belongs to the credential, not the mapping.** A label or embedding match never
//!   makes a skill verified, and an invalid or revoked credential shows nothing.
//! - **Pinned rules.** Levels, links and profile rules each carry a version string; frameworks
//!   report theirs through the resolver; a profile can be replayed.
#![forbid(unsafe_code)]

pub mod collect;
mod error;
pub mod frameworks;
pub mod identity;
mod json;
pub mod level;
mod normalize;
pub mod profile;
pub mod record;

pub use collect::{
    CollectError, Collected, Collector, Original, verification_of, verify_and_collect,
};
pub use error::ProfileError;
pub use identity::{
    Candidate, KnownIdentifier, Link, LinkReason, Person, group_people, hash_matches,
};
pub use json::MAX_LIST_VALUES;
pub use level::{Level, Ordinal};
pub use normalize::{Normalized, Origin, normalize};
pub use profile::{
    ConceptMapping, ConceptRef, MappingMethod, NoFrameworks, ProfileSkill, Resolution,
    SkillResolver, SkillStatus, SkillsProfile, Versions, build_profile,
};
pub use record::{
    AchievementRecord, AlignmentRecord, AlignmentSite, Association, SubjectIdentifier,
    Verification, VerificationStatus,
};

/// Attaches each CLR association to the records whose achievement it names (as source or target).
pub fn attach_associations(records: &mut [AchievementRecord], associations: &[Association]) {
    for record in records.iter_mut() {
        let Some(id) = record.achievement.id.clone() else {
            continue;
        };
        for association in associations {
            if (association.source_id == id || association.target_id == id)
                && !record.associations.contains(association)
            {
                record.associations.push(association.clone());
            }
        }
    }
}
