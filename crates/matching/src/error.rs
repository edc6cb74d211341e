//! The crate's one error type.

/// What went wrong building a job or reading a job file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchError {
    /// The occupation is not in the loaded framework.
    #[error(
        "{framework} has no occupation `{given}` (check the IRI or code; ESCO IRIs start with http://data.europa.eu/esco/occupation/, O*NET codes look like 15-1252.00)"
    )]
    UnknownOccupation {
        /// What was given.
        given: String,
        /// The framework looked in.
        framework: &'static str,
    },
    /// The input gave no requirement.
    #[error("no requirements: {what}")]
    NoRequirements {
        /// Why.
        what: String,
    },
    /// A job file is not a job.
    #[error("the job file is not a credbridge job: {detail}")]
    JobJson {
        /// serde's message (line and column).
        detail: String,
    },
    /// A job has more requirements than the limit.
    #[error("the job has {found} requirements; the limit is {limit}")]
    TooManyRequirements {
        /// How many.
        found: usize,
        /// [`crate::job::MAX_REQUIREMENTS`].
        limit: usize,
    },
    /// A job text is longer than the limit.
    #[error("the job text is {found} bytes; the limit is {limit}")]
    TextTooLong {
        /// How long.
        found: usize,
        /// [`crate::job::MAX_JOB_TEXT_BYTES`].
        limit: usize,
    },
}
