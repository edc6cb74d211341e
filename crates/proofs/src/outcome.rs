//! Per-proof results. A failed check is a value, not an `Err` (STYLE §4).

use credbridge_keys::{KeyError, ResolveError, SignatureVerified, VerificationMethod};

/// Why a proof failed: the proof is present and checkable, and it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FailReason {
    /// A required proof property is missing.
    #[error("proof has no {property}")]
    MissingProperty {
        /// The property.
        property: &'static str,
    },
    /// A proof property has the wrong shape or value.
    #[error("proof {property}: {reason}")]
    MalformedProperty {
        /// The property.
        property: &'static str,
        /// Why.
        reason: String,
    },
    /// The proof's purpose (or challenge / domain) is not what the verifier asked for.
    #[error("proof purpose: {reason}")]
    PurposeMismatch {
        /// Why.
        reason: String,
    },
    /// `created` is later than the verification time plus the allowed skew.
    #[error("proof created {created} is in the future (verification time {now})")]
    CreatedInFuture {
        /// The `created` value.
        created: String,
        /// The verification time (RFC 3339).
        now: String,
    },
    /// `expires` is earlier than the verification time.
    #[error("proof expired at {expires} (verification time {now})")]
    ProofExpired {
        /// The `expires` value.
        expires: String,
        /// The verification time (RFC 3339).
        now: String,
    },
    /// The verification method could not be resolved because it is invalid (as opposed to
    /// unreachable, which is [`ProofOutcome::CouldNotCheck`]).
    #[error("verification method: {0}")]
    VerificationMethod(ResolveError),
    /// The key's type does not fit the suite or algorithm.
    #[error("{suite} does not accept a {key_type} key")]
    KeyTypeMismatch {
        /// The suite or algorithm.
        suite: String,
        /// The key type found.
        key_type: String,
    },
    /// The proof's `@context` is not a prefix of the document's (JCS suites).
    #[error("proof @context is not a prefix of the document @context")]
    ContextMismatch,
    /// `previousProof` names a proof that is not in the proof set.
    #[error("previousProof {id:?} is not in the proof set")]
    PreviousProofMissing {
        /// The missing id.
        id: String,
    },
    /// The document or proof configuration could not be transformed (RDFC / JCS).
    #[error("transform failed: {reason}")]
    TransformFailed {
        /// Why.
        reason: String,
    },
    /// The signature is malformed or does not verify.
    #[error("signature: {0}")]
    Signature(KeyError),
    /// A selective-disclosure proof does not cover what is disclosed (a statement whose
    /// signature does not match, or a count that disagrees).
    #[error("selective disclosure: {reason}")]
    SelectiveDisclosure {
        /// Why.
        reason: String,
    },
    /// The proof's terms were redefined: an `@context` makes the proof's `type`,
    /// `proofPurpose`, `verificationMethod` or `cryptosuite` expand to something other than
    /// what the verifier checks (issue 9 item 1).
    #[error(
        "the proof's terms were redefined by an @context: {term} does not expand to {expected}, so the proof does not say what it appears to"
    )]
    TermsRedefined {
        /// The proof term whose expansion is wrong.
        term: &'static str,
        /// The IRI (and value) it must expand to.
        expected: String,
    },
    /// A JWT was signed with the key in its own `jwk` header, and that key is not one of the
    /// keys the issuer's resolved document lists (issue 9 item 0: a key the credential brings
    /// with it proves nothing).
    #[error(
        "the token is signed with the key in its own jwk header, which is not one of the keys of its issuer {issuer}"
    )]
    EmbeddedKeyNotIssuers {
        /// The issuer identifier whose document was resolved.
        issuer: String,
    },
    /// The method verified the signature, but its controller does not authorise it for the
    /// proof's purpose.
    #[error("{reason}")]
    NotAuthorized {
        /// Why.
        reason: String,
    },
    /// A JOSE-level rule is broken (media type, forbidden claim, critical header, …).
    #[error("{rule}: {reason}")]
    JoseRule {
        /// The rule, named by its spec section or header.
        rule: &'static str,
        /// What was found.
        reason: String,
    },
    /// A credential enveloped in a presentation failed.
    #[error("enveloped credential {index}: {reason}")]
    EnvelopedCredential {
        /// Its index in `verifiableCredential`.
        index: usize,
        /// Why it failed.
        reason: String,
    },
}

/// The outcome of checking one proof.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofOutcome {
    /// Signature valid, and every other check passed.
    Verified,
    /// The proof is wrong.
    Failed(FailReason),
    /// The suite or algorithm is not implemented or not allowed; says nothing about validity.
    Unsupported {
        /// Why.
        reason: String,
    },
    /// The proof could not be checked (key unreachable, no canonicalizer, purpose unknowable).
    CouldNotCheck {
        /// Why.
        reason: String,
    },
}

impl ProofOutcome {
    /// Whether the outcome is [`ProofOutcome::Verified`].
    #[must_use]
    pub fn is_verified(&self) -> bool {
        matches!(self, ProofOutcome::Verified)
    }

    /// Whether the outcome is [`ProofOutcome::Failed`].
    #[must_use]
    pub fn is_failed(&self) -> bool {
        matches!(self, ProofOutcome::Failed(_))
    }
}

/// What was found out about one proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofResult {
    /// Index in the proof set (0 for a single proof).
    pub index: usize,
    /// The proof `type` (or the JOSE `alg` for JWTs).
    pub proof_type: Option<String>,
    /// The `cryptosuite` value, if any.
    pub cryptosuite: Option<String>,
    /// The `verificationMethod` id (or JOSE `kid`), as written.
    pub verification_method: Option<String>,
    /// The resolved method, once resolution succeeded.
    pub method: Option<VerificationMethod>,
    /// Present only when a signature check ran and passed.
    pub signature: Option<SignatureVerified>,
    /// The outcome.
    pub outcome: ProofOutcome,
}

impl ProofResult {
    pub(crate) fn new(index: usize) -> ProofResult {
        ProofResult {
            index,
            proof_type: None,
            cryptosuite: None,
            verification_method: None,
            method: None,
            signature: None,
            outcome: ProofOutcome::CouldNotCheck {
                reason: "not checked".into(),
            },
        }
    }
}

/// Maps a resolution error to an outcome: unreachable or unconfigured sources are "could not
/// check"; an invalid DID or key is a failure.
///
/// `NotFound` is "could not check", not a failure: a DID document or controller document that
/// is missing (HTTP 404/410 from a host that is up, or absent from an offline directory) may
/// have moved or been taken down since issuance, and its absence says nothing about whether
/// the signature was made by the issuer's key. A document that *is* found but does not hold
/// the method, or names another id, is a failure (`VerificationMethodNotFound`,
/// `DocumentIdMismatch`).
pub(crate) fn resolve_outcome(err: ResolveError) -> ProofOutcome {
    match err {
        ResolveError::NotHandled { .. }
        | ResolveError::NotFound { .. }
        | ResolveError::Fetch { .. }
        | ResolveError::Io { .. } => ProofOutcome::CouldNotCheck {
            reason: err.to_string(),
        },
        ResolveError::UnsupportedVerificationMethodType { .. }
        | ResolveError::UnsupportedPublicKeyType { .. } => ProofOutcome::Unsupported {
            reason: err.to_string(),
        },
        other => ProofOutcome::Failed(FailReason::VerificationMethod(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_failures_are_could_not_check() {
        let id = || "did:web:issuer.example#key-1".to_owned();
        for err in [
            ResolveError::NotHandled { id: id() },
            ResolveError::NotFound { id: id() },
            ResolveError::Fetch {
                id: id(),
                reason: "https://issuer.example/.well-known/did.json: could not connect".into(),
            },
            ResolveError::Io {
                path: "/dids/issuer.json".into(),
                reason: "permission denied".into(),
            },
        ] {
            let outcome = resolve_outcome(err.clone());
            assert!(
                matches!(outcome, ProofOutcome::CouldNotCheck { ref reason } if *reason == err.to_string()),
                "{err:?} -> {outcome:?}"
            );
        }
        for err in [
            ResolveError::VerificationMethodNotFound { id: id() },
            ResolveError::DocumentIdMismatch {
                requested: "did:web:issuer.example".into(),
                found: "did:web:other.example".into(),
            },
            ResolveError::InvalidDid {
                did: "did:web:".into(),
                reason: "empty".into(),
            },
        ] {
            assert!(resolve_outcome(err.clone()).is_failed(), "{err:?}");
        }
    }
}
