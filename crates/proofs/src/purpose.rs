//! Proof purposes (<https://www.w3.org/TR/vc-data-integrity/#proof-purposes>): each is a small
//! unit that says which proofs it applies to and, once the signature has passed, whether the
//! verification method may be used for it.

use credbridge_keys::{VerificationMethod, VerificationRelationship};
use serde_json::Value;

/// The result of a proof-purpose check that ran after the signature passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurposeCheck {
    /// The controller document lists the method under the purpose's relationship.
    Authorized,
    /// The controller document does not list it.
    NotAuthorized {
        /// Why, for the report.
        reason: String,
    },
    /// No controller document was consulted, so the relationship is unknown.
    Unknown {
        /// Why, for the report.
        reason: String,
    },
}

/// A proof purpose.
pub trait ProofPurpose: Send + Sync {
    /// The `proofPurpose` term.
    fn term(&self) -> &'static str;
    /// Whether `proof` claims this purpose (and carries what it needs, e.g. a challenge).
    fn matches(&self, proof: &Value) -> Result<(), String>;
    /// Whether `method` may serve this purpose; runs only after the signature passed.
    fn validate(&self, proof: &Value, method: &VerificationMethod) -> PurposeCheck;
}

fn check_relationship(method: &VerificationMethod, rel: VerificationRelationship) -> PurposeCheck {
    match method.allows(rel) {
        Some(true) => PurposeCheck::Authorized,
        Some(false) => PurposeCheck::NotAuthorized {
            reason: format!(
                "the controller document of {} does not list it under {}",
                method.id,
                rel.name()
            ),
        },
        None => PurposeCheck::Unknown {
            reason: format!(
                "{} came without a controller document, so its {} relationship is unknown",
                method.id,
                rel.name()
            ),
        },
    }
}

fn purpose_of(proof: &Value) -> Option<&str> {
    proof.get("proofPurpose").and_then(Value::as_str)
}

/// `assertionMethod`: the purpose of credentials' issuer proofs.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssertionMethodPurpose;

impl ProofPurpose for AssertionMethodPurpose {
    fn term(&self) -> &'static str {
        "assertionMethod"
    }

    fn matches(&self, proof: &Value) -> Result<(), String> {
        match purpose_of(proof) {
            Some("assertionMethod") => Ok(()),
            other => Err(format!(
                "proofPurpose is {other:?}, expected \"assertionMethod\""
            )),
        }
    }

    fn validate(&self, _proof: &Value, method: &VerificationMethod) -> PurposeCheck {
        check_relationship(method, VerificationRelationship::AssertionMethod)
    }
}

/// `authentication`: the purpose of presentation proofs; checks `challenge` and `domain`
/// when the verifier set them.
#[derive(Debug, Clone, Default)]
pub struct AuthenticationPurpose {
    /// The challenge the verifier issued, if any; the proof must carry it exactly.
    pub challenge: Option<String>,
    /// The domain the verifier expects, if any; the proof's `domain` (string or array) must
    /// contain it.
    pub domain: Option<String>,
}

impl ProofPurpose for AuthenticationPurpose {
    fn term(&self) -> &'static str {
        "authentication"
    }

    fn matches(&self, proof: &Value) -> Result<(), String> {
        if purpose_of(proof) != Some("authentication") {
            return Err(format!(
                "proofPurpose is {:?}, expected \"authentication\"",
                purpose_of(proof)
            ));
        }
        if let Some(expected) = &self.challenge
            && proof.get("challenge").and_then(Value::as_str) != Some(expected.as_str())
        {
            return Err(format!(
                "challenge does not match the expected {expected:?}"
            ));
        }
        if let Some(expected) = &self.domain {
            let ok = match proof.get("domain") {
                Some(Value::String(d)) => d == expected,
                Some(Value::Array(a)) => a.iter().any(|d| d.as_str() == Some(expected)),
                _ => false,
            };
            if !ok {
                return Err(format!("domain does not include the expected {expected:?}"));
            }
        }
        Ok(())
    }

    fn validate(&self, _proof: &Value, method: &VerificationMethod) -> PurposeCheck {
        check_relationship(method, VerificationRelationship::Authentication)
    }
}
