//! The crate's error type.

/// Why frameworks could not be loaded or a query could not be run. A concept that is not found is not an
/// error: resolution reports it as [`crate::Resolution::Unresolved`] with its reason.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A bundled or given table could not be decompressed.
    #[error("{table}: cannot decompress: {source}")]
    Decompress {
        /// The table's file name.
        table: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV/TSV table could not be read.
    #[error("{table}: {source}")]
    Csv {
        /// The table's file name.
        table: &'static str,
        /// The underlying error (it carries the line).
        source: csv::Error,
    },
    /// A table lacks a column the loader needs.
    #[error("{table}: missing column {column:?} (is this the right framework version?)")]
    MissingColumn {
        /// The table's file name.
        table: &'static str,
        /// The column expected.
        column: &'static str,
    },
    /// A JSON document (CASE package, RSD, CTDL-ASN graph) is not JSON.
    #[error("{what}: not JSON: {source}")]
    Json {
        /// What was being read.
        what: &'static str,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// A JSON document lacks a property its format requires.
    #[error("{what}: missing required property {pointer}")]
    MissingProperty {
        /// What was being read.
        what: &'static str,
        /// JSON pointer of the missing property.
        pointer: String,
    },
    /// An input is larger than a named limit allows.
    #[error("{what}: {found} exceeds the limit of {limit}")]
    LimitExceeded {
        /// The dimension limited (see [`crate::limits`]).
        what: &'static str,
        /// The limit.
        limit: usize,
        /// What was found.
        found: usize,
    },
    /// The embedder failed.
    #[error("embedder {model}: {reason}")]
    Embedder {
        /// The model's id.
        model: String,
        /// What went wrong.
        reason: String,
    },
    /// A document source (the fetch seam) could not deliver a document.
    #[error("cannot get {url}: {reason}")]
    Source {
        /// The URL asked for.
        url: String,
        /// What went wrong, as the source reported it.
        reason: String,
    },
}
