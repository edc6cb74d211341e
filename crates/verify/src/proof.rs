//! The `proof` check (embedded Data Integrity proofs or a JOSE envelope) and the
//! `proof.jwt-claims` check. Which key signed is handed on to [`crate::binding`], which ties
//! it to the issuer or holder.

use credbridge_keys::{KeyError, PublicKey, VerificationMethod};
use credbridge_proofs::{
    ClaimFinding, FailReason, JoseVerifyOptions, JwtVerification, KeySource, ProofOutcome,
    ProofPurpose, ProofResult, verify_data_integrity, verify_jwt,
};
use serde_json::{Value, json};

use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// The outcome of the proof check, plus the method that verified (for the key binding).
#[derive(Debug)]
pub struct ProofSummary {
    /// The aggregated `proof` check.
    pub check: Check,
    /// The resolved verification method of a verified proof, if any.
    pub signer: Option<VerificationMethod>,
    /// The key a verified JWT brought in its own `jwk` header (self-asserted), if that is
    /// where the key came from.
    pub embedded_key: Option<PublicKey>,
    /// Whether a verified proof used an RDFC suite, i.e. the document was already expanded
    /// to RDF in safe mode (so no term of it is silently dropped).
    pub expanded_in_safe_mode: bool,
}

/// Whether a proof result comes from a suite that canonicalizes with JSON-LD + RDFC.
fn is_rdfc(result: &ProofResult) -> bool {
    credbridge_proofs::suites::ALL_SUITES.iter().any(|suite| {
        suite.transform == credbridge_proofs::Transform::Rdfc
            && result.proof_type.as_deref() == Some(suite.proof_type)
            && result.cryptosuite.as_deref() == suite.cryptosuite
    })
}

fn proof_evidence(result: &ProofResult) -> Value {
    let outcome = match &result.outcome {
        ProofOutcome::Verified => json!({"outcome": "verified"}),
        ProofOutcome::Failed(reason) => json!({"outcome": "failed", "reason": reason.to_string()}),
        ProofOutcome::Unsupported { reason } => json!({"outcome": "unsupported", "reason": reason}),
        ProofOutcome::CouldNotCheck { reason } => {
            json!({"outcome": "could-not-check", "reason": reason})
        }
        _ => json!({"outcome": "unknown"}),
    };
    let mut entry = json!({
        "index": result.index,
        "type": result.proof_type,
        "cryptosuite": result.cryptosuite,
        "verification_method": result.verification_method,
    });
    if let (Some(map), Some(extra)) = (entry.as_object_mut(), outcome.as_object()) {
        map.extend(extra.clone());
        if let Some(method) = &result.method {
            map.insert(
                "key_type".into(),
                json!(method.public_key.key_type().name()),
            );
            map.insert("controller".into(), json!(method.controller));
        }
    }
    entry
}

/// Combines per-proof results into one fatal check. Any failed proof fails the credential (a
/// genuine credential has no broken proof); otherwise one verified proof suffices (OB 3.0
/// §8.3: "any one valid proof"); otherwise the proof could not be checked.
fn aggregate(results: &[ProofResult]) -> ProofSummary {
    let evidence: Vec<Value> = results.iter().map(proof_evidence).collect();
    let failed = results.iter().find_map(|r| match &r.outcome {
        ProofOutcome::Failed(reason) => Some((r, reason)),
        _ => None,
    });
    let verified = results.iter().find(|r| r.outcome.is_verified());
    let (outcome, message, signer) = if let Some((result, reason)) = failed {
        let suite = result
            .cryptosuite
            .clone()
            .or_else(|| result.proof_type.clone())
            .unwrap_or_else(|| "proof".into());
        (
            Outcome::Failed(format!("proof {} ({suite}): {reason}", result.index)),
            failure_sentence(reason).to_owned(),
            None,
        )
    } else if let Some(result) = verified {
        (
            Outcome::Passed,
            "the digital signature is valid: the credential is unchanged since it was signed"
                .to_owned(),
            result.method.clone(),
        )
    } else if results.is_empty() {
        (
            Outcome::Failed("the credential carries no proof".into()),
            "the credential is not signed, so nothing shows who issued it or that it is unchanged"
                .to_owned(),
            None,
        )
    } else {
        let reasons: Vec<String> = results
            .iter()
            .filter_map(|r| match &r.outcome {
                ProofOutcome::Unsupported { reason } | ProofOutcome::CouldNotCheck { reason } => {
                    Some(reason.clone())
                }
                _ => None,
            })
            .collect();
        (
            Outcome::CouldNotCheck(reasons.join("; ")),
            "the digital signature could not be checked (see the reason); this is not the same as a bad signature".to_owned(),
            None,
        )
    };
    let expanded_in_safe_mode = signer.is_some()
        && results
            .iter()
            .any(|r| r.outcome.is_verified() && is_rdfc(r));
    ProofSummary {
        check: Check::new("proof", Severity::Fatal, outcome, message)
            .with_evidence("proofs", evidence),
        signer,
        embedded_key: None,
        expanded_in_safe_mode,
    }
}

/// Verifies every embedded Data Integrity proof of `document` for `purpose`.
pub fn data_integrity(
    document: &Value,
    options: &VerifyOptions,
    purpose: &dyn ProofPurpose,
) -> ProofSummary {
    let verify_options = credbridge_proofs::VerifyOptions {
        suites: options.suites,
        resolver: options.resolver.as_ref(),
        canonicalizer: Some(options.canonicalizer.as_ref()),
        purpose,
        now: options.now,
        max_clock_skew: options.max_clock_skew,
    };
    match verify_data_integrity(document, &verify_options) {
        Ok(results) => aggregate(&results),
        Err(err) => ProofSummary {
            check: Check::new(
                "proof",
                Severity::Fatal,
                Outcome::Failed(err.to_string()),
                "the proof section of the credential is malformed",
            ),
            signer: None,
            embedded_key: None,
            expanded_in_safe_mode: false,
        },
    }
}

/// Whether any proof of `document` uses a JCS (RFC 8785) cryptosuite.
fn has_jcs_proof(document: &Value) -> bool {
    document.get("proof").is_some_and(|proofs| {
        credbridge_model::json::one_or_many(proofs).any(|proof| {
            proof
                .get("cryptosuite")
                .and_then(Value::as_str)
                .is_some_and(|suite| suite.contains("-jcs-"))
        })
    })
}

/// The JCS suites canonicalize I-JSON, whose member names are unique (RFC 8785 §3.1, RFC 7493
/// §2.3). A parsed document keeps only the last of two equal names, so a signature can cover
/// one value while a reader is shown the other: a document with a JCS proof and a member named
/// twice fails the proof, whatever its signature says. Only the original bytes can tell.
pub fn refuse_duplicate_members_for_jcs(document: &Value, raw: &[u8], summary: &mut ProofSummary) {
    if !has_jcs_proof(document) {
        return;
    }
    let Ok(Some((object, name))) = credbridge_model::json::first_duplicate_member_of(raw, document)
    else {
        return;
    };
    let at = if object.is_empty() {
        "the document"
    } else {
        object.as_str()
    };
    summary.check = Check::new(
        "proof",
        Severity::Fatal,
        Outcome::Failed(format!(
            "{at} has the member {name:?} twice; the JCS cryptosuites require unique member names (RFC 8785 §3.1)"
        )),
        "the credential names the same property twice, so it is ambiguous which value was signed; it cannot be trusted",
    )
    .with_evidence("duplicate_member", name)
    .with_evidence("object", object);
    summary.signer = None;
    summary.embedded_key = None;
    summary.expanded_in_safe_mode = false;
}

/// Verifies a compact JWS credential or presentation. Claim mismatches between the JWT's
/// registered claims and the credential become their own `proof.jwt-claims` check.
pub fn jose(compact: &str, options: &VerifyOptions) -> (ProofSummary, Option<JwtVerification>) {
    let jose_options = JoseVerifyOptions {
        resolver: options.resolver.as_ref(),
        pinned_key: None,
        // OB 3.0 §8.2.4 allows the key in a `jwk` header; key binding then decides trust.
        allow_embedded_jwk: true,
        now: options.now,
        max_clock_skew: options.max_clock_skew,
    };
    match verify_jwt(compact, &jose_options) {
        Ok(verification) => {
            let mut summary = aggregate(std::slice::from_ref(&verification.proof));
            if let Some(source) = &verification.key_source {
                let name = match source {
                    KeySource::Pinned => "pinned",
                    KeySource::Resolved { .. } => "resolved",
                    KeySource::EmbeddedJwkBound { .. } => "embedded-jwk-bound",
                    _ => "other",
                };
                summary
                    .check
                    .evidence
                    .insert("key_source".into(), json!(name));
                // The proofs crate accepts a `jwk` header only when it is bound to the issuer;
                // the key-binding check still re-derives that from the issuer's identifier.
                if matches!(source, KeySource::EmbeddedJwkBound { .. })
                    && summary.check.outcome == Outcome::Passed
                {
                    summary.embedded_key = verification
                        .header
                        .get("jwk")
                        .and_then(|jwk| PublicKey::from_jwk(jwk).ok());
                }
            }
            (summary, Some(verification))
        }
        Err(err) => (
            ProofSummary {
                check: Check::new(
                    "proof",
                    Severity::Fatal,
                    Outcome::Failed(err.to_string()),
                    "the signed token (JWT) is malformed",
                ),
                signer: None,
                embedded_key: None,
                expanded_in_safe_mode: false,
            },
            None,
        ),
    }
}

/// `proof.jwt-claims`: the JWT's `iss`/`jti`/`sub`/`nbf`/`exp` must agree with the credential
/// they stand for (VC-JWT §6.3.1, OB 3.0 §8.2.4.1).
pub fn jwt_claims(verification: &JwtVerification) -> Check {
    const ID: &str = "proof.jwt-claims";
    if verification.claim_findings.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::Passed,
            "the token's claims agree with the credential inside it",
        );
    }
    let words: Vec<String> = verification
        .claim_findings
        .iter()
        .map(claim_finding_words)
        .collect();
    let findings: Vec<Value> = verification
        .claim_findings
        .iter()
        .map(claim_finding_json)
        .collect();
    Check::new(
        ID,
        Severity::Fatal,
        Outcome::Failed(words.join("; ")),
        "the token's claims (issuer, id, subject or dates) disagree with the credential inside it",
    )
    .with_evidence("findings", findings)
}

/// The plain sentence for a failed proof. "Changed after it was issued" is said only of a
/// signature that does not match; every other failure has its own words.
fn failure_sentence(reason: &FailReason) -> &'static str {
    match reason {
        FailReason::Signature(KeyError::SignatureMismatch { .. }) => {
            "the digital signature does not match: the credential was changed after it was issued, or it was not signed by the key it names"
        }
        FailReason::Signature(_) => "the digital signature is malformed, so it proves nothing",
        FailReason::TransformFailed { .. } => {
            "the credential could not be put into the exact form its signature covers (it uses a term its vocabulary does not define, or a vocabulary that is missing), so the signature cannot be confirmed"
        }
        FailReason::PreviousProofMissing { .. } => {
            "the credential's signatures form a chain, and a signature the chain builds on is missing"
        }
        FailReason::NotAuthorized { .. } => {
            "the credential was signed with a key that its owner has not authorized for this purpose"
        }
        FailReason::CreatedInFuture { .. } => {
            "the signature is dated after the time of verification, so it did not exist yet at that time"
        }
        FailReason::ProofExpired { .. } => "the signature itself has expired",
        FailReason::PurposeMismatch { .. } => {
            "the signature was made for another purpose (or another challenge or domain) than the one checked here"
        }
        FailReason::KeyTypeMismatch { .. } => {
            "the signing key is of a type the signature scheme does not accept"
        }
        FailReason::VerificationMethod(_) => "the key the signature names is malformed",
        FailReason::EnvelopedCredential { .. } => {
            "a credential inside the presentation did not verify"
        }
        _ => "the signature section of the credential is malformed, so it proves nothing",
    }
}

/// A JWT claim finding in words (the structured form stays in the evidence).
fn claim_finding_words(finding: &ClaimFinding) -> String {
    match finding {
        ClaimFinding::Mismatch {
            claim,
            property,
            claim_value,
            property_value,
        } => format!(
            "the token's {claim} is {claim_value} but the credential's {property} is {property_value}"
        ),
        ClaimFinding::Expired { exp } => format!(
            "the token expired at {}",
            credbridge_model::format_unix(*exp)
        ),
        ClaimFinding::NotYetValid { nbf } => format!(
            "the token is not valid before {}",
            credbridge_model::format_unix(*nbf)
        ),
        _ => "the token's claims disagree with the credential".to_owned(),
    }
}

fn claim_finding_json(finding: &ClaimFinding) -> Value {
    match finding {
        ClaimFinding::Mismatch {
            claim,
            property,
            claim_value,
            property_value,
        } => json!({"finding": "mismatch", "claim": claim, "property": property,
                    "claim_value": claim_value, "property_value": property_value}),
        ClaimFinding::Expired { exp } => json!({"finding": "expired", "exp": exp}),
        ClaimFinding::NotYetValid { nbf } => json!({"finding": "not-yet-valid", "nbf": nbf}),
        _ => json!({"finding": "other"}),
    }
}
