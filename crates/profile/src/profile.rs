//! A person's records → a skills profile: each skill with its level, the credentials that show
//! it, whether that is verified, unverified or inferred, when it was last demonstrated and when
//! the evidence expires.
//!
//! The rules (versioned as [`PROFILE_RULES_VERSION`]):
//! - **verified**: an issuer-declared alignment, resolved by exact IRI or declared crosswalk, on a
//!   credential that verified (valid, or valid with warnings, shown beside it);
//! - **unverified**: the same on a credential that was not verified or could not be checked;
//! - **inferred**: a concept found from free text (the achievement's name, only for records
//!   whose issuer declared no skill that resolved) or an alignment that only resolved by its
//!   label — never shown as verified;
//! - an invalid or revoked credential shows nothing; it is listed with the reason.
//!
//! A skill takes the strongest status any of its evidence gives, and the highest level.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use crate::identity::{LINK_RULES_VERSION, Person};
use crate::level::{LEVEL_RULES_VERSION, Level};
use crate::record::{AchievementRecord, AlignmentRecord, AlignmentSite, VerificationStatus};

/// The version of the profile rules.
pub const PROFILE_RULES_VERSION: &str = "credbridge-profile/1";

/// How many concepts free text may suggest per achievement.
pub const MAX_INFERRED_PER_RECORD: usize = 3;

/// How a concept was reached (`research/skills-and-employers.md` §4.1, most trusted first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingMethod {
    /// The alignment's IRI is the concept's IRI.
    Exact,
    /// A declared crosswalk (CASE exactMatchOf, RSD alignment, ELM relatedESCOSkill).
    Crosswalk,
    /// Through the framework's hierarchy.
    Hierarchy,
    /// A label or alternative label, normalized.
    Lexical,
    /// Nearest concept by sentence embedding.
    Semantic,
}

impl MappingMethod {
    /// The words shown to people.
    pub fn word(self) -> &'static str {
        match self {
            MappingMethod::Exact => "aligned by the issuer",
            MappingMethod::Crosswalk => "through a declared crosswalk",
            MappingMethod::Hierarchy => "through the framework hierarchy",
            MappingMethod::Lexical => "matched by label",
            MappingMethod::Semantic => "similar in meaning",
        }
    }

    /// Whether a mapping by this method is the issuer's own statement (layers 1-2).
    pub fn is_declared(self) -> bool {
        matches!(self, MappingMethod::Exact | MappingMethod::Crosswalk)
    }
}

/// A concept reached from a credential, with everything needed to replay it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptMapping {
    /// The concept's IRI.
    pub iri: String,
    /// Its preferred label.
    pub label: String,
    /// The framework (`ESCO`, `O*NET`, `CASE`, `RSD`, …).
    pub framework: String,
    /// The framework version the mapping used.
    pub framework_version: String,
    /// How.
    pub method: MappingMethod,
    /// 0 to 1 (1 for exact and crosswalk).
    pub score: f32,
    /// The intermediate item for a crosswalk or hierarchy step, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// What became of one issuer-declared alignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Resolution {
    /// It reached a concept.
    Resolved {
        /// The mapping.
        mapping: ConceptMapping,
    },
    /// It did not, and why (`unknown framework`, `IRI not in ESCO 1.1.1`, …).
    Unresolved {
        /// The reason, in plain words.
        reason: String,
    },
}

/// A concept as a resolver knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptRef {
    /// IRI.
    pub iri: String,
    /// Preferred label.
    pub label: String,
}

/// The seam to the skill frameworks (the `skills` crate implements it).
pub trait SkillResolver {
    /// `(framework, version)` of everything loaded, pinned in every profile.
    fn versions(&self) -> Vec<(String, String)>;
    /// Resolves one issuer-declared alignment (exact IRI, crosswalk, then its label).
    fn resolve_alignment(&self, alignment: &AlignmentRecord) -> Resolution;
    /// Concepts suggested by free text, best first, already thresholded.
    fn infer(&self, text: &str, top: usize) -> Vec<ConceptMapping>;
    /// The broader concepts of `iri`, nearest first (for grouping a profile by hierarchy).
    fn broader(&self, iri: &str) -> Vec<ConceptRef>;
}

/// No frameworks: every alignment is unresolved, nothing is inferred.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFrameworks;

impl SkillResolver for NoFrameworks {
    fn versions(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn resolve_alignment(&self, _: &AlignmentRecord) -> Resolution {
        Resolution::Unresolved {
            reason: "no skill frameworks are loaded".into(),
        }
    }

    fn infer(&self, _: &str, _: usize) -> Vec<ConceptMapping> {
        Vec::new()
    }

    fn broader(&self, _: &str) -> Vec<ConceptRef> {
        Vec::new()
    }
}

/// How far a skill is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkillStatus {
    /// From free text or a label match: a suggestion.
    Inferred,
    /// Declared by an issuer, but the credential was not verified.
    Unverified,
    /// Declared by an issuer on a verified credential.
    Verified,
}

impl SkillStatus {
    /// The word shown to people.
    pub fn word(self) -> &'static str {
        match self {
            SkillStatus::Verified => "verified",
            SkillStatus::Unverified => "unverified",
            SkillStatus::Inferred => "inferred",
        }
    }
}

/// Where in the credential a skill was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Found {
    /// An issuer-declared alignment (kept whole: targetUrl, targetName, targetFramework, targetCode).
    Alignment {
        /// The alignment.
        alignment: AlignmentRecord,
    },
    /// Free text.
    Text {
        /// The field (`achievement.name`).
        field: &'static str,
        /// Its JSON pointer, when known.
        pointer: Option<String>,
    },
}

/// One credential showing one skill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillEvidence {
    /// Index of the record in the profile's `credentials`.
    pub record: usize,
    /// The credential id (else its item path).
    pub credential: String,
    /// The achievement's name.
    pub achievement: Option<String>,
    /// The issuer's name as claimed (else its id).
    pub issuer: Option<String>,
    /// The credential's verification status.
    pub verification: VerificationStatus,
    /// What this piece of evidence gives.
    pub status: SkillStatus,
    /// How the concept was reached.
    pub mapping: ConceptMapping,
    /// Where it was found.
    pub found: Found,
    /// The level this credential shows, if it shows one.
    pub level: Option<Level>,
    /// When it was demonstrated.
    pub demonstrated: Option<String>,
    /// When the credential stops being valid.
    pub expires: Option<String>,
}

/// One skill of the profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSkill {
    /// The concept IRI.
    pub concept: String,
    /// Its label.
    pub label: String,
    /// Its framework.
    pub framework: String,
    /// The top of its framework hierarchy, for grouping (`None` when the framework has none).
    pub group: Option<String>,
    /// The strongest status of its evidence.
    pub status: SkillStatus,
    /// The highest level shown.
    pub best_level: Option<Level>,
    /// How many verified credentials show it.
    pub verified_sources: usize,
    /// The most recent demonstration.
    pub last_demonstrated: Option<String>,
    /// The latest expiry of the verified evidence (`None` when some of it never expires).
    pub expires: Option<String>,
    /// The credentials that show it.
    pub evidence: Vec<SkillEvidence>,
}

/// A declared alignment that reached no concept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnresolvedAlignment {
    /// Index into `credentials`.
    pub record: usize,
    /// The alignment, whole.
    pub alignment: AlignmentRecord,
    /// Why.
    pub reason: String,
}

/// A credential of the profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CredentialEntry {
    /// The record.
    pub record: AchievementRecord,
    /// Why it shows nothing, when it doesn't (`revoked or suspended by its issuer`).
    pub excluded: Option<String>,
}

/// Versions pinned so a profile can be replayed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Versions {
    /// [`PROFILE_RULES_VERSION`].
    pub profile_rules: &'static str,
    /// [`LEVEL_RULES_VERSION`].
    pub level_rules: &'static str,
    /// [`LINK_RULES_VERSION`].
    pub identity_rules: &'static str,
    /// `(framework, version)` of the frameworks used.
    pub frameworks: Vec<(String, String)>,
}

/// A person's skills profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillsProfile {
    /// The person (id, candidate, and why each credential belongs).
    pub person: Person,
    /// Skills, grouped (by `group`), strongest status first.
    pub skills: Vec<ProfileSkill>,
    /// Declared alignments that reached no concept.
    pub unresolved: Vec<UnresolvedAlignment>,
    /// The person's credentials.
    pub credentials: Vec<CredentialEntry>,
    /// Versions.
    pub versions: Versions,
}

/// Builds one person's profile from all records (the person's `links` index into `records`).
pub fn build_profile(
    person: &Person,
    records: &[AchievementRecord],
    resolver: &dyn SkillResolver,
) -> SkillsProfile {
    let mut credentials = Vec::new();
    let mut skills: BTreeMap<String, ProfileSkill> = BTreeMap::new();
    let mut unresolved = Vec::new();
    let mut inferred_cache: HashMap<String, Vec<ConceptMapping>> = HashMap::new();
    for record in person.records().filter_map(|ri| records.get(ri)) {
        let index = credentials.len();
        let status = record.verification.status;
        if status.is_rejected() {
            let why = match status {
                VerificationStatus::Revoked => "revoked or suspended by its issuer",
                _ => "it did not verify",
            };
            credentials.push(CredentialEntry {
                record: record.clone(),
                excluded: Some(why.to_string()),
            });
            continue;
        }
        credentials.push(CredentialEntry {
            record: record.clone(),
            excluded: None,
        });
        let mut declared_any = false;
        for alignment in &record.alignments {
            match resolver.resolve_alignment(alignment) {
                Resolution::Resolved { mapping } => {
                    declared_any = true;
                    let evidence_status = if !mapping.method.is_declared() {
                        SkillStatus::Inferred
                    } else if status.is_verified() {
                        SkillStatus::Verified
                    } else {
                        SkillStatus::Unverified
                    };
                    let level = level_for(record, alignment);
                    let found = Found::Alignment {
                        alignment: alignment.clone(),
                    };
                    add(
                        &mut skills,
                        resolver,
                        evidence(index, record, evidence_status, mapping, found, level),
                    );
                }
                Resolution::Unresolved { reason } => {
                    unresolved.push(UnresolvedAlignment {
                        record: index,
                        alignment: alignment.clone(),
                        reason,
                    });
                }
            }
        }
        // Free text is the fallback (research notes §2): a record whose issuer declared skills
        // that resolved speaks for itself; text only suggests skills for records without them.
        if declared_any {
            continue;
        }
        let Some(name) = record.achievement.name.as_deref() else {
            continue;
        };
        let suggestions = inferred_cache
            .entry(name.to_string())
            .or_insert_with(|| resolver.infer(name, MAX_INFERRED_PER_RECORD))
            .clone();
        for mapping in suggestions {
            // An issuer-declared skill already speaks for this record; text only adds new concepts.
            if declared_any
                && skills
                    .get(&mapping.iri)
                    .is_some_and(|s| s.evidence.iter().any(|e| e.record == index))
            {
                continue;
            }
            let found = Found::Text {
                field: "achievement.name",
                pointer: record.provenance.get("achievement.name").cloned(),
            };
            let level = single_level(record);
            add(
                &mut skills,
                resolver,
                evidence(index, record, SkillStatus::Inferred, mapping, found, level),
            );
        }
    }
    let mut skills: Vec<ProfileSkill> = skills.into_values().map(finish).collect();
    skills.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(b.status.cmp(&a.status))
            .then(a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });
    SkillsProfile {
        person: person.clone(),
        skills,
        unresolved,
        credentials,
        versions: Versions {
            profile_rules: PROFILE_RULES_VERSION,
            level_rules: LEVEL_RULES_VERSION,
            identity_rules: LINK_RULES_VERSION,
            frameworks: resolver.versions(),
        },
    }
}

fn evidence(
    index: usize,
    record: &AchievementRecord,
    status: SkillStatus,
    mapping: ConceptMapping,
    found: Found,
    level: Option<Level>,
) -> SkillEvidence {
    SkillEvidence {
        record: index,
        credential: record
            .source
            .credential_id
            .clone()
            .unwrap_or_else(|| record.source.item.clone()),
        achievement: record.achievement.name.clone(),
        issuer: record
            .issuer
            .name
            .clone()
            .or_else(|| record.issuer.id.clone()),
        verification: record.verification.status,
        status,
        mapping,
        found,
        level,
        demonstrated: record.dates.demonstrated().map(str::to_string),
        expires: record.dates.valid_until.clone(),
    }
}

fn add(
    skills: &mut BTreeMap<String, ProfileSkill>,
    resolver: &dyn SkillResolver,
    evidence: SkillEvidence,
) {
    let entry = skills
        .entry(evidence.mapping.iri.clone())
        .or_insert_with(|| ProfileSkill {
            concept: evidence.mapping.iri.clone(),
            label: evidence.mapping.label.clone(),
            framework: evidence.mapping.framework.clone(),
            group: resolver
                .broader(&evidence.mapping.iri)
                .pop()
                .map(|c| c.label),
            status: SkillStatus::Inferred,
            best_level: None,
            verified_sources: 0,
            last_demonstrated: None,
            expires: None,
            evidence: Vec::new(),
        });
    entry.evidence.push(evidence);
}

fn finish(mut skill: ProfileSkill) -> ProfileSkill {
    skill.status = skill
        .evidence
        .iter()
        .map(|e| e.status)
        .max()
        .unwrap_or(SkillStatus::Inferred);
    skill.best_level = skill
        .evidence
        .iter()
        .filter_map(|e| e.level.as_ref())
        .max_by(|a, b| {
            a.ordinal
                .cmp(&b.ordinal)
                .then(a.fraction.total_cmp(&b.fraction))
        })
        .cloned();
    let verified: Vec<&SkillEvidence> = skill
        .evidence
        .iter()
        .filter(|e| e.status == SkillStatus::Verified)
        .collect();
    skill.verified_sources = verified
        .iter()
        .map(|e| e.record)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    // RFC 3339 timestamps of one form compare as text; mixed forms are rare and only shift display.
    skill.last_demonstrated = skill
        .evidence
        .iter()
        .filter_map(|e| e.demonstrated.clone())
        .max();
    skill.expires = if verified.iter().any(|e| e.expires.is_none()) {
        None
    } else {
        verified.iter().filter_map(|e| e.expires.clone()).max()
    };
    skill
}

/// The level an alignment shows: the level of the result it is attached to, or of the result
/// that links to the description (or rubric level) carrying it; for an achievement-wide alignment,
/// the record's one levelled result.
fn level_for(record: &AchievementRecord, alignment: &AlignmentRecord) -> Option<Level> {
    match alignment.on {
        AlignmentSite::Result => record
            .results
            .iter()
            .find(|r| alignment.pointer.starts_with(&r.pointer))
            .and_then(|r| r.level.clone()),
        AlignmentSite::ResultDescription | AlignmentSite::RubricLevel => record
            .results
            .iter()
            .find(|r| {
                r.level.is_some()
                    && r.result_description.is_some()
                    && r.result_description == alignment.result_description
            })
            .and_then(|r| r.level.clone()),
        AlignmentSite::Achievement | AlignmentSite::LearningOutcome => single_level(record),
    }
}

fn single_level(record: &AchievementRecord) -> Option<Level> {
    let mut levelled = record.results.iter().filter_map(|r| r.level.as_ref());
    match (levelled.next(), levelled.next()) {
        (Some(one), None) => Some(one.clone()),
        _ => None,
    }
}

impl fmt::Display for SkillsProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verified = self
            .skills
            .iter()
            .filter(|s| s.status == SkillStatus::Verified)
            .count();
        writeln!(
            f,
            "Skills profile {}: {} skill(s), {} verified, from {} credential(s)",
            self.person.id,
            self.skills.len(),
            verified,
            self.credentials.len()
        )?;
        let mut group: Option<&Option<String>> = None;
        for skill in &self.skills {
            if group != Some(&skill.group) {
                writeln!(f, "\n  {}", skill.group.as_deref().unwrap_or("(no group)"))?;
                group = Some(&skill.group);
            }
            let level = skill
                .best_level
                .as_ref()
                .map(|l| format!(", {} (\"{}\")", l.ordinal.word(), l.raw))
                .unwrap_or_default();
            writeln!(
                f,
                "    {:<10} {} [{}]{level}",
                skill.status.word(),
                skill.label,
                skill.framework
            )?;
            for e in &skill.evidence {
                let issuer = e.issuer.as_deref().unwrap_or("unknown issuer");
                let achievement = e.achievement.as_deref().unwrap_or("(unnamed)");
                writeln!(
                    f,
                    "               ← {achievement} from {issuer} (credential {}, {})",
                    e.verification.word(),
                    e.mapping.method.word()
                )?;
            }
        }
        if !self.unresolved.is_empty() {
            writeln!(f, "\n  Alignments that reached no skill:")?;
            for u in &self.unresolved {
                let target = u
                    .alignment
                    .target_name
                    .as_deref()
                    .or(u.alignment.target_url.as_deref())
                    .unwrap_or("?");
                writeln!(f, "    {target}: {}", u.reason)?;
            }
        }
        for c in self.credentials.iter().filter(|c| c.excluded.is_some()) {
            let name = c.record.achievement.name.as_deref().unwrap_or("(unnamed)");
            writeln!(
                f,
                "  ✗ {name}: {}",
                c.excluded.as_deref().unwrap_or_default()
            )?;
        }
        Ok(())
    }
}
