//! The crate's error type. Everything here is bad input: the model has no environment to fail
//! and no API to misuse.

/// Why a JSON value could not be (fully) read as a typed document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The root is not a JSON object, so it is no credential, presentation or assertion.
    #[error(
        "expected a JSON object (a credential, presentation or assertion) at the root, found {found}"
    )]
    NotAnObject {
        /// The JSON type found (`array`, `string`, …).
        found: &'static str,
    },
    /// A property has a JSON type the typed view cannot read.
    #[error("{pointer}: {message} (reading {view})")]
    Shape {
        /// RFC 6901 JSON pointer of the property (in [`crate::Document::json`]).
        pointer: String,
        /// The typed view being read, e.g. `an OB 3.0 AchievementCredential`.
        view: &'static str,
        /// What was expected and what was found.
        message: String,
    },
    /// The JSON nests deeper than [`crate::MAX_DEPTH`].
    #[error("JSON nests deeper than {limit} levels (no credential does; refusing to read it)")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}
