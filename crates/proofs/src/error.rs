//! Errors that stop an operation before any per-proof result can be made: malformed input
//! documents and tokens, API misuse when signing, and limits.

use credbridge_keys::KeyError;

/// Why no result could be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The secured document is not a JSON object.
    #[error("the document must be a JSON object, found {found}")]
    DocumentNotObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// `proof` is neither an object nor an array of objects.
    #[error("proof must be an object or an array of objects, found {found}")]
    ProofShape {
        /// What was found.
        found: &'static str,
    },
    /// An input exceeds a limit.
    #[error("{what} is {found}, more than the limit of {limit}")]
    LimitExceeded {
        /// Which input.
        what: &'static str,
        /// The size found.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// The token is not a compact JWS (three base64url parts).
    #[error("not a compact JWS: {reason}")]
    MalformedJws {
        /// Why.
        reason: String,
    },
    /// Signing: the key does not fit the suite (API misuse).
    #[error("{suite} cannot sign with a {key_type} key (accepts: {accepted})")]
    KeyDoesNotFitSuite {
        /// The suite.
        suite: &'static str,
        /// The key type given.
        key_type: &'static str,
        /// The key types the suite accepts.
        accepted: String,
    },
    /// Signing: an RDFC suite was asked to sign without a canonicalizer (API misuse).
    #[error("{suite} needs a canonicalizer (JSON-LD → RDFC-1.0); pass one in the sign options")]
    NoCanonicalizer {
        /// The suite.
        suite: &'static str,
    },
    /// Signing: the document could not be transformed.
    #[error("transform failed: {reason}")]
    TransformFailed {
        /// Why.
        reason: String,
    },
    /// Signing: a required input is missing or malformed (API misuse).
    #[error("{what}: {reason}")]
    InvalidSignInput {
        /// Which input.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// Signing failed in the key layer.
    #[error("signing: {0}")]
    Key(#[from] KeyError),
}

pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
