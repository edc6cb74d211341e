//! The crate's one error type.

/// What went wrong writing an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing the zip archive failed.
    #[error("writing the bundle's zip entry {entry}: {source}")]
    Zip {
        /// The entry.
        entry: String,
        /// The zip writer's error.
        source: zip::result::ZipError,
    },
    /// Writing into the in-memory archive failed.
    #[error("writing the bundle's zip entry {entry}: {source}")]
    Io {
        /// The entry.
        entry: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A JSON export could not be serialized (a bug: every value is plain JSON).
    #[error("serializing {what}: {source}")]
    Json {
        /// What.
        what: &'static str,
        /// serde's error.
        source: serde_json::Error,
    },
}
