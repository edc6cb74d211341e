//! The crate's one error type.

/// What went wrong building a profile. Normalizing never fails (odd values read as absent); only
/// what a person types in can be refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// An identifier is not `kind:value`, a DID or a URL.
    #[error(
        "identifier `{given}` is not `kind:value` (e.g. `email:jo@example.com`), a DID or a URL"
    )]
    IdentifierShape {
        /// What was given (at most 64 characters).
        given: String,
    },
    /// An identifier is longer than the limit.
    #[error("identifier is {len} bytes long; the limit is {limit}")]
    IdentifierTooLong {
        /// Its length.
        len: usize,
        /// The limit ([`crate::identity::MAX_IDENTIFIER_LEN`]).
        limit: usize,
    },
}
