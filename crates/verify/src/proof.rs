//! The `proof` check (embedded Data Integrity proofs or a JOSE envelope) and the
//! `issuer.key-binding` check that ties the key that signed to the issuer named.

use credbridge_keys::VerificationMethod;
use credbridge_proofs::{
    JoseVerifyOptions, JwtVerification, ProofOutcome, ProofPurpose, ProofResult,
    verify_data_integrity, verify_jwt,
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
        ProofOutcome::Failed(reason) => Some((r, reason.to_string())),
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
            "the digital signature does not match: the credential was changed after it was issued, or it was not signed by the key it names".to_owned(),
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
            expanded_in_safe_mode: false,
        },
    }
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
                summary.check.evidence.insert(
                    "key_source".into(),
                    json!(format!("{source:?}").to_lowercase()),
                );
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
    let findings: Vec<String> = verification
        .claim_findings
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
    Check::new(
        ID,
        Severity::Fatal,
        Outcome::Failed(findings.join("; ")),
        "the token's claims (issuer, id, subject or dates) disagree with the credential inside it",
    )
    .with_evidence("findings", findings)
}

/// The DID (or URL without fragment) a verification method or controller belongs to.
fn base_id(id: &str) -> &str {
    id.split('#').next().unwrap_or(id)
}

/// `issuer.key-binding`: the key that signed must belong to the issuer the credential names:
/// the method's controller is the issuer, or the method is a fragment of the issuer's DID or
/// URL (OB 3.0 §8.3 "Key provenance"; VC Data Integrity §4.5).
pub fn key_binding(issuer: Option<&str>, signer: &VerificationMethod) -> Check {
    const ID: &str = "issuer.key-binding";
    let Some(issuer) = issuer else {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed("the credential names no issuer id".into()),
            "the credential does not say who issued it, so the signing key cannot be tied to an issuer",
        );
    };
    let bound = signer.controller == issuer
        || base_id(&signer.controller) == base_id(issuer)
        || base_id(&signer.id) == base_id(issuer);
    let check = if bound {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::Passed,
            "the signing key belongs to the issuer named in the credential",
        )
    } else {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(format!(
                "signed by {} (controller {}), but the issuer is {issuer}",
                signer.id, signer.controller
            )),
            "the credential was signed with a key that does not belong to the issuer it names",
        )
    };
    check
        .with_evidence("issuer", issuer)
        .with_evidence("verification_method", signer.id.as_str())
        .with_evidence("controller", signer.controller.as_str())
}
