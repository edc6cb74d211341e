//! The seam to JSON-LD → RDF → RDFC-1.0, which the RDFC suites need. Implemented over
//! `credbridge-jsonld` and `credbridge-rdf` (or anything else) by the caller; the proofs crate
//! never processes JSON-LD itself.

use serde_json::Value;

/// Why a document could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{stage}: {reason}")]
pub struct CanonicalizeError {
    /// The stage that failed (`expand`, `toRdf`, `rdfc`).
    pub stage: &'static str,
    /// The underlying error's message.
    pub reason: String,
}

/// Turns a JSON-LD document into its RDFC-1.0 canonical N-Quads.
///
/// Implementations must load contexts offline and reject undefined terms ("safe mode"): a
/// term that silently drops out of the RDF would not be covered by the signature.
pub trait Canonicalizer: Send + Sync {
    /// The canonical N-Quads of `document` (one quad per line, each line ending in `\n`).
    fn canonize(&self, document: &Value) -> Result<String, CanonicalizeError>;
}
