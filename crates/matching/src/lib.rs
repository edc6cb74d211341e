//! credbridge-matching: jobs, explainable per-requirement match reports, and ranking.
//!
//! It owns what a job requires (from an ESCO occupation, an O*NET occupation, a JSON Resume job
//! document or free text, each requirement with an importance and an optional minimum level), how
//! a skills profile meets each requirement (`met-verified`, `met-inferred`, `partial`,
//! `not-shown`, with the credentials and the concept path), the coverage formula, and ranking many
//! candidates fast.
//!
//! **Not here:** turning credentials into profiles (`profile`), frameworks and text resolution
//! (`skills`), verification (`verify`), exports (`export`), storage and HTTP. Matching never sees a
//! name, photo, address, age or school: only concept ids, statuses, levels and the credentials
//! behind them.
//!
//! # Main types
//! - [`Job`] { [`Requirement`]s }, built by [`job::from_esco_occupation`], [`job::from_onet`],
//!   [`job::from_json_resume`], [`job::from_text`].
//! - [`JobIndex`]: a job compiled against the frameworks (every concept that reaches a
//!   requirement, and how), built once per job.
//! - [`JobIndex::report`] → [`MatchReport`] { [`Coverage`], [`MatchLine`]s, pinned versions }.
//! - [`rank`] over [`CandidateSkills`] → [`Ranked`] rows.
//!
//! # Design decisions
//! - **Compile the job, not the candidates.** Walking the hierarchy per candidate would cost a
//!   graph search per skill; walking it once per requirement (descendants, crosswalks, broader,
//!   siblings, related) turns scoring into one hash lookup per candidate skill, so 100,000
//!   profiles rank in tens of milliseconds on one core.
//! - **Rules are data with a version.** The status rules and the coverage formula are documented
//!   in [`matcher`] and pinned as [`MATCH_RULES_VERSION`] in every report, beside the framework
//!   versions, so a report can be replayed.
#![forbid(unsafe_code)]

mod error;
pub mod job;
pub mod matcher;

pub use error::MatchError;
pub use job::{Importance, Job, JobSource, Requirement, RequirementSource};
pub use matcher::{
    CandidateSkills, Coverage, JobIndex, LineEvidence, MATCH_RULES_VERSION, MatchLine, MatchReport,
    MatchStatus, Ranked, Reach, rank, ranked_reports,
};
