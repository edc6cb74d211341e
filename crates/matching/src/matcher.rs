//! Match reports and ranking.
//!
//! # Rules (versioned as [`MATCH_RULES_VERSION`])
//! For each requirement, the candidate's profile skills are compared with the required concept:
//! - **met-verified**: a *verified* skill (an issuer-declared alignment on a credential that
//!   verified) that is the required concept, is declared equal to it (crosswalk), or is narrower
//!   than it (a "Python" credential meets "computer programming");
//! - **met-inferred**: the same reach from an *unverified* or *inferred* skill;
//! - **partial**: a skill broader than the requirement, a sibling under the same broader concept,
//!   or one the framework declares related;
//! - **not-shown**: nothing reaches it. "Not shown" says what the credentials show, never that the
//!   person lacks the skill.
//!
//! Invalid and revoked credentials never reach this point (the profile excludes them).
//!
//! # Coverage (the documented formula)
//! `coverage_required = Σ factor / number of required requirements`, the same for preferred, with
//! factor 1 for met-verified, 0.5 for met-inferred, 0.5 for a partial by hierarchy (broader or
//! sibling), 0.25 for a partial by relation, 0 for not-shown. Levels never enter the score; each
//! line shows its level gap. Candidates rank by required coverage, then preferred, then by how many
//! requirements are met by verified evidence. No name, photo, address, age or school enters a
//! score: matching sees concept ids and statuses only.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use credbridge_profile::{ProfileSkill, SkillStatus, SkillsProfile, VerificationStatus};
use credbridge_skills::{ConceptId, ConceptStore, Frameworks};
use serde::Serialize;

use crate::job::{Importance, Job, Requirement};

/// The version of the matching rules and coverage formula.
pub const MATCH_RULES_VERSION: &str = "credbridge-match/1";

/// How deep the hierarchy is walked from a requirement (ESCO is at most five levels deep).
const MAX_DEPTH: usize = 16;

/// The most concepts one requirement's reach may hold (a whole pillar under a group).
const MAX_REACH: usize = 50_000;

/// Siblings count as partial only under a broader concept with at most this many narrower ones:
/// under a broad field ("software and applications development and analysis", hundreds of
/// concepts) being a sibling says nothing.
const MAX_SIBLING_FAMILY: usize = 30;

/// A requirement's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchStatus {
    /// Nothing the credentials show reaches it.
    NotShown,
    /// A broader, sibling or related skill.
    Partial,
    /// Reached by unverified or inferred evidence.
    MetInferred,
    /// Reached by verified evidence.
    MetVerified,
}

impl MatchStatus {
    /// The words shown to a recruiter.
    pub fn words(self) -> &'static str {
        match self {
            MatchStatus::MetVerified => "shown by a verified credential",
            MatchStatus::MetInferred => "shown, but not by verified issuer-declared evidence",
            MatchStatus::Partial => "a related or broader skill is shown",
            MatchStatus::NotShown => "not shown by these credentials",
        }
    }
}

/// How a held concept relates to a required one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// The same concept.
    Same,
    /// Declared equal (crosswalk).
    Crosswalk,
    /// Narrower than the requirement (meets it).
    Narrower,
    /// Broader than the requirement (partial).
    Broader,
    /// Under the same broader concept (partial).
    Sibling,
    /// Declared related (partial).
    Related,
}

impl Reach {
    fn meets(self) -> bool {
        matches!(self, Reach::Same | Reach::Crosswalk | Reach::Narrower)
    }

    fn partial_factor(self) -> f64 {
        match self {
            Reach::Broader | Reach::Sibling => 0.5,
            Reach::Related => 0.25,
            _ => 0.0,
        }
    }
}

/// One credential behind a requirement line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineEvidence {
    /// The credential id (or item path).
    pub credential: String,
    /// The achievement's name.
    pub achievement: Option<String>,
    /// The issuer's name as claimed.
    pub issuer: Option<String>,
    /// The credential's verification status.
    pub verification: VerificationStatus,
    /// The held concept and the concepts from it to the requirement.
    pub path: Vec<String>,
    /// How the held concept reaches the requirement.
    pub reach: Reach,
    /// What the evidence itself gives (verified, unverified, inferred).
    pub skill_status: SkillStatus,
}

/// One line of a match report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchLine {
    /// The required concept.
    pub concept: Option<String>,
    /// Its label.
    pub label: String,
    /// Required or preferred.
    pub importance: Importance,
    /// The outcome.
    pub status: MatchStatus,
    /// The outcome in words.
    pub words: &'static str,
    /// The credentials that show it.
    pub evidence: Vec<LineEvidence>,
    /// `min_level - best level shown` in ordinal ranks (positive: below the wanted level); `None`
    /// when either is unknown.
    pub level_gap: Option<i8>,
    /// What the line contributes to coverage.
    pub factor: f64,
}

/// Coverage figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Of required requirements (0-1; 1 when there are none).
    pub required: f64,
    /// Of preferred requirements.
    pub preferred: f64,
    /// Requirements met by verified evidence.
    pub met_verified: usize,
}

/// Everything needed to replay a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchVersions {
    /// [`MATCH_RULES_VERSION`].
    pub rules: &'static str,
    /// The profile rules.
    pub profile: &'static str,
    /// Frameworks.
    pub frameworks: Vec<(String, String)>,
    /// The embedding model, when one was used.
    pub model: Option<String>,
}

/// One candidate against one job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchReport {
    /// The candidate (the person id from the profile; never a name).
    pub candidate: String,
    /// The job id.
    pub job: String,
    /// Coverage.
    pub coverage: Coverage,
    /// One line per requirement, in the job's order.
    pub requirements: Vec<MatchLine>,
    /// Versions.
    pub versions: MatchVersions,
}

/// A job compiled against the frameworks: for every concept that reaches a requirement, how.
#[derive(Debug)]
pub struct JobIndex {
    job: Job,
    /// concept → (requirement index, reach).
    reach: FxHashMap<ConceptId, Vec<(u32, Reach)>>,
    required: usize,
    preferred: usize,
}

impl JobIndex {
    /// Compiles `job` against the loaded frameworks.
    pub fn new(job: Job, fw: &Frameworks) -> JobIndex {
        let store = fw.store();
        let mut reach: FxHashMap<ConceptId, Vec<(u32, Reach)>> = FxHashMap::default();
        for (ri, requirement) in job.requirements.iter().enumerate() {
            let Some(required) = requirement
                .concept
                .as_deref()
                .and_then(|iri| store.id_of(iri))
            else {
                continue;
            };
            let ri = ri as u32;
            let mut add = |id: ConceptId, how: Reach| {
                let entry = reach.entry(id).or_default();
                if let Some(existing) = entry.iter_mut().find(|(r, _)| *r == ri) {
                    if strength(how) > strength(existing.1) {
                        existing.1 = how;
                    }
                } else {
                    entry.push((ri, how));
                }
            };
            add(required, Reach::Same);
            for id in descendants(store, required) {
                add(id, Reach::Narrower);
            }
            for crosswalk in store.crosswalks(required) {
                if let Some(id) = store.id_of(&crosswalk.target_iri) {
                    add(id, Reach::Crosswalk);
                }
            }
            for (from, crosswalk) in store.all_crosswalks() {
                if store.id_of(&crosswalk.target_iri) == Some(required) {
                    add(from, Reach::Crosswalk);
                }
            }
            if let Some(concept) = store.get(required) {
                for &up in &concept.broader {
                    add(up, Reach::Broader);
                    if let Some(parent) = store
                        .get(up)
                        .filter(|p| p.narrower.len() <= MAX_SIBLING_FAMILY)
                    {
                        for &sibling in &parent.narrower {
                            if sibling != required {
                                add(sibling, Reach::Sibling);
                            }
                        }
                    }
                }
                for &(related, _) in &concept.related {
                    add(related, Reach::Related);
                }
            }
            for up in ancestors(store, required).into_iter().skip(1) {
                add(up, Reach::Broader);
            }
        }
        let required = job
            .requirements
            .iter()
            .filter(|r| r.importance == Importance::Required)
            .count();
        let preferred = job.requirements.len() - required;
        JobIndex {
            job,
            reach,
            required,
            preferred,
        }
    }

    /// The job.
    pub fn job(&self) -> &Job {
        &self.job
    }

    /// The explained report of one profile.
    pub fn report(&self, profile: &SkillsProfile, fw: &Frameworks) -> MatchReport {
        let store = fw.store();
        let mut lines: Vec<MatchLine> = self
            .job
            .requirements
            .iter()
            .map(|r| MatchLine {
                concept: r.concept.clone(),
                label: r.label.clone(),
                importance: r.importance,
                status: MatchStatus::NotShown,
                words: MatchStatus::NotShown.words(),
                evidence: Vec::new(),
                level_gap: None,
                factor: 0.0,
            })
            .collect();
        let mut best_levels: Vec<Option<u8>> = vec![None; lines.len()];
        for skill in &profile.skills {
            let Some(held) = store.id_of(&skill.concept) else {
                continue;
            };
            let Some(hits) = self.reach.get(&held) else {
                continue;
            };
            for &(ri, how) in hits {
                let Some(line) = lines.get_mut(ri as usize) else {
                    continue;
                };
                let status = line_status(skill.status, how);
                let factor = line_factor(status, how);
                if (status, factor) > (line.status, line.factor) {
                    line.status = status;
                    line.factor = factor;
                    line.words = status.words();
                }
                let path = explain_path(
                    fw,
                    &skill.concept,
                    line.concept.as_deref().unwrap_or_default(),
                    how,
                );
                for e in &skill.evidence {
                    line.evidence.push(LineEvidence {
                        credential: e.credential.clone(),
                        achievement: e.achievement.clone(),
                        issuer: e.issuer.clone(),
                        verification: e.verification,
                        path: path.clone(),
                        reach: how,
                        skill_status: e.status,
                    });
                }
                if how.meets()
                    && let Some(level) = &skill.best_level
                    && let Some(slot) = best_levels.get_mut(ri as usize)
                {
                    *slot =
                        Some(slot.map_or(level.ordinal.rank(), |b| b.max(level.ordinal.rank())));
                }
            }
        }
        for ((line, requirement), best) in lines
            .iter_mut()
            .zip(&self.job.requirements)
            .zip(&best_levels)
        {
            line.level_gap = match (requirement.min_level, best) {
                (Some(min), Some(best)) => Some(min.rank() as i8 - *best as i8),
                _ => None,
            };
            // Strongest evidence first: verified before inferred, met before partial.
            line.evidence.sort_by(|a, b| {
                b.reach
                    .meets()
                    .cmp(&a.reach.meets())
                    .then(b.skill_status.cmp(&a.skill_status))
            });
        }
        let coverage = self.coverage_of(lines.iter().map(|l| (l.importance, l.factor, l.status)));
        MatchReport {
            candidate: profile.person.id.clone(),
            job: self.job.id.clone(),
            coverage,
            requirements: lines,
            versions: MatchVersions {
                rules: MATCH_RULES_VERSION,
                profile: credbridge_profile::profile::PROFILE_RULES_VERSION,
                frameworks: self.job.frameworks.clone(),
                model: fw.model_id().map(str::to_string),
            },
        }
    }

    fn coverage_of(&self, lines: impl Iterator<Item = (Importance, f64, MatchStatus)>) -> Coverage {
        let (mut req, mut pref, mut met) = (0.0, 0.0, 0);
        for (importance, factor, status) in lines {
            match importance {
                Importance::Required => req += factor,
                Importance::Preferred => pref += factor,
            }
            if status == MatchStatus::MetVerified {
                met += 1;
            }
        }
        Coverage {
            required: if self.required == 0 {
                1.0
            } else {
                req / self.required as f64
            },
            preferred: if self.preferred == 0 {
                1.0
            } else {
                pref / self.preferred as f64
            },
            met_verified: met,
        }
    }

    /// Scores one compact candidate (no explanation): what [`rank`] uses.
    pub fn score(&self, candidate: &CandidateSkills) -> Coverage {
        // Per requirement: the best (status, factor) seen. Small jobs: a stack array would do, but
        // jobs can have hundreds of requirements.
        let mut best: Vec<(MatchStatus, f64)> =
            vec![(MatchStatus::NotShown, 0.0); self.job.requirements.len()];
        for &(held, status) in &candidate.skills {
            if let Some(hits) = self.reach.get(&held) {
                for &(ri, how) in hits {
                    let line = line_status(status, how);
                    let factor = line_factor(line, how);
                    if let Some(slot) = best.get_mut(ri as usize)
                        && (line, factor) > *slot
                    {
                        *slot = (line, factor);
                    }
                }
            }
        }
        self.coverage_of(
            self.job
                .requirements
                .iter()
                .zip(&best)
                .map(|(r, &(s, f))| (r.importance, f, s)),
        )
    }
}

/// A candidate reduced to what matching may see: concept ids and statuses.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateSkills {
    /// The person id.
    pub candidate: String,
    /// `(concept, status)` per profile skill.
    pub skills: Vec<(ConceptId, SkillStatus)>,
}

impl CandidateSkills {
    /// From a profile (skills whose concept the frameworks don't know are dropped).
    pub fn of(profile: &SkillsProfile, fw: &Frameworks) -> CandidateSkills {
        CandidateSkills {
            candidate: profile.person.id.clone(),
            skills: profile
                .skills
                .iter()
                .filter_map(|s: &ProfileSkill| Some((fw.store().id_of(&s.concept)?, s.status)))
                .collect(),
        }
    }
}

/// One row of a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// The person id.
    pub candidate: String,
    /// Coverage.
    pub coverage: Coverage,
}

/// Ranks whole profiles against a job and explains each: [`rank`] over their compact skills,
/// then [`JobIndex::report`] for every profile in rank order. The one loop the CLI's `match`
/// and the server's matches share.
pub fn ranked_reports(
    index: &JobIndex,
    profiles: &[SkillsProfile],
    fw: &Frameworks,
) -> Vec<MatchReport> {
    let compact: Vec<CandidateSkills> = profiles
        .iter()
        .map(|p| CandidateSkills::of(p, fw))
        .collect();
    rank(index, &compact)
        .iter()
        .filter_map(|row| {
            profiles
                .iter()
                .find(|p| p.person.id == row.candidate)
                .map(|p| index.report(p, fw))
        })
        .collect()
}

/// Ranks candidates: required coverage, then preferred, then verified count; ties keep input order.
pub fn rank(index: &JobIndex, candidates: &[CandidateSkills]) -> Vec<Ranked> {
    let mut rows: Vec<(usize, Coverage)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (i, index.score(c)))
        .collect();
    rows.sort_by(|(ia, a), (ib, b)| {
        b.required
            .total_cmp(&a.required)
            .then(b.preferred.total_cmp(&a.preferred))
            .then(b.met_verified.cmp(&a.met_verified))
            .then(ia.cmp(ib))
    });
    rows.into_iter()
        .filter_map(|(i, coverage)| {
            Some(Ranked {
                candidate: candidates.get(i)?.candidate.clone(),
                coverage,
            })
        })
        .collect()
}

fn strength(how: Reach) -> u8 {
    match how {
        Reach::Same => 6,
        Reach::Crosswalk => 5,
        Reach::Narrower => 4,
        Reach::Broader => 3,
        Reach::Sibling => 2,
        Reach::Related => 1,
    }
}

fn line_status(skill: SkillStatus, how: Reach) -> MatchStatus {
    if !how.meets() {
        MatchStatus::Partial
    } else if skill == SkillStatus::Verified {
        MatchStatus::MetVerified
    } else {
        MatchStatus::MetInferred
    }
}

fn line_factor(status: MatchStatus, how: Reach) -> f64 {
    match status {
        MatchStatus::MetVerified => 1.0,
        MatchStatus::MetInferred => 0.5,
        MatchStatus::Partial => how.partial_factor(),
        MatchStatus::NotShown => 0.0,
    }
}

fn descendants(store: &ConceptStore, root: ConceptId) -> Vec<ConceptId> {
    let mut seen: HashSet<ConceptId> = HashSet::new();
    let mut stack: Vec<(ConceptId, usize)> = vec![(root, 0)];
    let mut out = Vec::new();
    while let Some((id, depth)) = stack.pop() {
        if depth >= MAX_DEPTH || out.len() >= MAX_REACH {
            continue;
        }
        for &child in store
            .get(id)
            .map(|c| c.narrower.as_slice())
            .unwrap_or_default()
        {
            if seen.insert(child) {
                out.push(child);
                stack.push((child, depth + 1));
            }
        }
    }
    out
}

fn ancestors(store: &ConceptStore, root: ConceptId) -> Vec<ConceptId> {
    let mut seen: HashSet<ConceptId> = HashSet::from([root]);
    let mut frontier = vec![root];
    let mut out = vec![root];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for id in frontier {
            for &up in store
                .get(id)
                .map(|c| c.broader.as_slice())
                .unwrap_or_default()
            {
                if seen.insert(up) {
                    out.push(up);
                    next.push(up);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    out
}

/// The concepts from the held one to the required one, for the explanation.
fn explain_path(fw: &Frameworks, held: &str, required: &str, how: Reach) -> Vec<String> {
    match how {
        Reach::Same => vec![held.to_string()],
        Reach::Narrower => fw
            .meets(held, required)
            .unwrap_or_else(|| vec![held.to_string(), required.to_string()]),
        Reach::Broader => fw
            .meets(required, held)
            .map(|mut p| {
                p.reverse();
                p
            })
            .unwrap_or_else(|| vec![held.to_string(), required.to_string()]),
        Reach::Crosswalk | Reach::Sibling | Reach::Related => {
            vec![held.to_string(), required.to_string()]
        }
    }
}

impl Requirement {
    /// Whether the requirement can ever be met (it names a concept).
    pub fn is_resolved(&self) -> bool {
        self.concept.is_some()
    }
}
