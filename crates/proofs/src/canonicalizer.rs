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
    /// Whose fault it is; decides between a failed proof and one that could not be checked.
    pub cause: CanonicalizeCause,
    /// The underlying error's message.
    pub reason: String,
}

/// Whether a canonicalization failure says something about the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CanonicalizeCause {
    /// The document is not valid JSON-LD, or safe mode refuses it (an undefined term, a
    /// relative IRI, a value that would be dropped): no key can make its proof verify.
    Document,
    /// A context the document names could not be loaded (not bundled, not available
    /// offline): the environment's failure, not the document's.
    ContextUnavailable,
    /// A processing limit (depth, output size, RDFC work) stopped the run: the document was
    /// not judged.
    LimitExceeded,
}

/// Turns a JSON-LD document into its RDFC-1.0 canonical N-Quads.
///
/// Implementations must load contexts offline and reject undefined terms ("safe mode"): a
/// term that silently drops out of the RDF would not be covered by the signature.
pub trait Canonicalizer: Send + Sync {
    /// The canonical N-Quads of `document` (one quad per line, each line ending in `\n`).
    fn canonize(&self, document: &Value) -> Result<String, CanonicalizeError>;

    /// Whether `document` goes to RDF in safe mode, without canonicalising it: the JSON-LD
    /// check of a document no RDFC proof has expanded (a JCS or JOSE credential), where the
    /// canonical form itself is not needed. The default canonicalises and drops the result.
    fn check_safe_mode(&self, document: &Value) -> Result<(), CanonicalizeError> {
        self.canonize(document).map(|_| ())
    }
}
