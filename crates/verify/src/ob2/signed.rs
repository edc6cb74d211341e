//! Signed verification (OB 2.0 §SignedBadge Verification): the JWS signature with the issuer's
//! key, the key's tie to the issuer, and the issuer's revocation list.

use super::terms::term;
use credbridge_keys::Purpose;
use credbridge_keys::{Algorithm, KeyError, VerificationMethod, parse_verification_method};
use credbridge_proofs::jose::decode_compact_jws;
use serde_json::{Value, json};

use super::documents::{self, Graph, Node};
use super::{CHECK_REVOCATION, Version};
use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// Most keys tried from an issuer Profile's `publicKey` when the assertion names none.
pub const MAX_ISSUER_KEYS: usize = 8;

/// The signature check and, when it verified, the key-binding check.
pub(super) struct SignedOutcome {
    /// `proof`.
    pub proof: Check,
    /// `issuer.key-binding`, when a key verified the signature.
    pub key_binding: Option<Check>,
}

fn proof(outcome: Outcome, message: &str) -> SignedOutcome {
    SignedOutcome {
        proof: Check::new("proof", Severity::Fatal, outcome, message),
        key_binding: None,
    }
}

/// The key ids (and embedded key documents) an issuer Profile declares in `publicKey`.
fn issuer_keys(issuer: &Node) -> Vec<(String, Option<Value>)> {
    let entries: Vec<&Value> = match issuer.value.get("publicKey") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|entry| match entry {
            Value::String(id) => Some((id.clone(), None)),
            Value::Object(_) => entry
                .get("id")
                .and_then(Value::as_str)
                .map(|id| (id.to_owned(), Some(entry.clone()))),
            _ => None,
        })
        .collect()
}

/// Where a key came from, for the evidence.
#[derive(Debug, Clone, Copy)]
enum KeySource {
    Embedded,
    Resolver,
    Fetched,
}

impl KeySource {
    fn name(self) -> &'static str {
        match self {
            KeySource::Embedded => "embedded in the issuer profile",
            KeySource::Resolver => "key resolver",
            KeySource::Fetched => "fetched",
        }
    }
}

/// Obtains the key `id`: from its embedded document, the caller's resolver (an offline
/// directory, or https resolution online), or the document source.
fn obtain_key(
    id: &str,
    embedded: Option<&Value>,
    options: &VerifyOptions,
) -> Result<(VerificationMethod, KeySource), String> {
    if let Some(document) = embedded.filter(|d| d.get("publicKeyPem").is_some()) {
        return parse_verification_method(id, document)
            .map(|m| (m, KeySource::Embedded))
            .map_err(|e| e.to_string());
    }
    match options.resolver.resolve_verification_method(id) {
        Ok(method) => return Ok((method, KeySource::Resolver)),
        Err(err) if !err.is_not_handled() => return Err(err.to_string()),
        Err(_) => {}
    }
    let retrieved = documents::fetch(options, id, Purpose::ControllerDocument)
        .map_err(|e| format!("the key could not be fetched: {e}"))?;
    if let Some(found) = term(&retrieved.value, "id").and_then(Value::as_str)
        && found != id
        && found != retrieved.origin
    {
        return Err(format!(
            "the key document at {id} describes another key ({found})"
        ));
    }
    parse_verification_method(id, &retrieved.value)
        .map(|m| (m, KeySource::Fetched))
        .map_err(|e| e.to_string())
}

/// Checks the JWS with the key named by `creator` (or, when none is named, the keys the
/// issuer Profile declares), then ties that key to the issuer.
pub(super) fn verify(
    creator: Option<&str>,
    jws: Option<&str>,
    graph: &Graph,
    options: &VerifyOptions,
) -> SignedOutcome {
    let Some(compact) = jws else {
        return proof(
            Outcome::CouldNotCheck(
                "the assertion declares signed verification but arrived without its JWS".into(),
            ),
            "the badge says it is signed, but its signature did not come with it, so it could not be verified (ask for the signed version of the badge)",
        );
    };
    let token = match decode_compact_jws(compact) {
        Ok(token) => token,
        Err(err) => {
            return proof(
                Outcome::Failed(err.to_string()),
                "the badge's signature is malformed",
            );
        }
    };
    let alg_name = token.alg().unwrap_or("(none)").to_owned();
    let Some(alg) = Algorithm::from_jose_name(&alg_name) else {
        return proof(
            Outcome::Failed(format!(
                "JWS alg {alg_name:?} is not a signature algorithm credbridge accepts"
            )),
            "the badge's signature uses a method that cannot be trusted or is not supported",
        );
    };

    let candidates: Vec<(String, Option<Value>)> = match creator {
        Some(id) => vec![(id.to_owned(), None)],
        None => match &graph.issuer {
            Ok(issuer) => issuer_keys(issuer)
                .into_iter()
                .take(MAX_ISSUER_KEYS)
                .collect(),
            Err(missing) => {
                return proof(
                    Outcome::CouldNotCheck(format!(
                        "the assertion names no key (verification.creator) and the issuer's keys are not available: {}",
                        missing.reason()
                    )),
                    "the key the badge was signed with could not be found, so the signature could not be checked",
                );
            }
        },
    };
    if candidates.is_empty() {
        return proof(
            Outcome::Failed(
                "the assertion names no key (verification.creator) and the issuer's profile declares no publicKey".into(),
            ),
            "nothing tells which key signed the badge, so its signature cannot be trusted",
        );
    }

    let mut unobtainable = Vec::new();
    let mut mismatched = Vec::new();
    for (id, embedded) in &candidates {
        let (method, source) = match obtain_key(id, embedded.as_ref(), options) {
            Ok(found) => found,
            Err(reason) => {
                unobtainable.push(format!("{id}: {reason}"));
                continue;
            }
        };
        match method
            .public_key
            .verify(alg, token.signing_input.as_bytes(), &token.signature)
        {
            Ok(verified) => {
                let proof = Check::new(
                    "proof",
                    Severity::Fatal,
                    Outcome::Passed,
                    "the digital signature is valid: the badge is unchanged since it was signed",
                )
                .with_evidence("key", id.as_str())
                .with_evidence("alg", verified.algorithm().jose_name())
                .with_evidence("key_source", source.name());
                return SignedOutcome {
                    proof,
                    key_binding: Some(key_binding(&method, graph)),
                };
            }
            Err(err @ KeyError::SignatureMismatch { .. }) => {
                mismatched.push(format!("{id}: {err}"));
            }
            Err(err) => mismatched.push(format!("{id}: {err}")),
        }
    }
    if !mismatched.is_empty() {
        let mut check = Check::new(
            "proof",
            Severity::Fatal,
            Outcome::Failed(mismatched.join("; ")),
            "the digital signature does not match: the badge was changed after it was issued, or it was not signed by the issuer's key",
        );
        if !unobtainable.is_empty() {
            check = check.with_evidence("keys_not_obtained", unobtainable);
        }
        return SignedOutcome {
            proof: check,
            key_binding: None,
        };
    }
    proof(
        Outcome::CouldNotCheck(unobtainable.join("; ")),
        "the key the badge was signed with could not be obtained, so the signature could not be checked (this is not the same as a bad signature)",
    )
}

/// `issuer.key-binding`: the key's `owner` is the issuer, and the issuer's Profile lists the
/// key in `publicKey` ("Do not trust a key that is not properly linked from the issuer
/// Profile", OB 2.0 §SignedBadge Verification step 4).
fn key_binding(method: &VerificationMethod, graph: &Graph) -> Check {
    const ID: &str = "issuer.key-binding";
    let issuer = match &graph.issuer {
        Ok(issuer) => issuer,
        Err(missing) => {
            return Check::new(
                ID,
                Severity::Fatal,
                Outcome::CouldNotCheck(format!(
                    "the issuer's profile is needed: {}",
                    missing.reason()
                )),
                "whether the signing key belongs to the badge's issuer could not be checked",
            )
            .with_evidence("key", method.id.as_str())
            .with_evidence("owner", method.controller.as_str());
        }
    };
    let issuer_id = issuer.id().unwrap_or_default();
    let listed = issuer_keys(issuer).iter().any(|(id, _)| *id == method.id);
    let owner = method.controller.as_str();
    let problem = if !owner.is_empty() && owner != issuer_id {
        Some(format!(
            "key {} is owned by {owner}, but the issuer is {issuer_id}",
            method.id
        ))
    } else if !listed {
        Some(format!(
            "the issuer profile {issuer_id} does not list key {} in publicKey",
            method.id
        ))
    } else {
        None
    };
    let check = match problem {
        None => Check::new(
            ID,
            Severity::Fatal,
            Outcome::Passed,
            "the signing key belongs to the badge's issuer",
        ),
        Some(problem) => Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(problem),
            "the badge was signed with a key that does not belong to its issuer",
        ),
    };
    check
        .with_evidence("issuer", issuer_id)
        .with_evidence("key", method.id.as_str())
        .with_evidence("owner", owner)
}

/// Whether a `revokedAssertions` entry names the assertion (by `id`, or by the legacy `uid`).
fn names(entry: &Value, id: Option<&str>, uid: Option<&str>) -> bool {
    match entry {
        Value::String(s) => Some(s.as_str()) == id,
        Value::Object(_) => {
            let by_id = id.is_some() && term(entry, "id").and_then(Value::as_str) == id;
            let by_uid = uid.is_some() && entry.get("uid").and_then(Value::as_str) == uid;
            let revoked = entry.get("revoked").and_then(Value::as_bool) != Some(false);
            (by_id || by_uid) && revoked
        }
        _ => false,
    }
}

fn uid_of(assertion: &Value) -> Option<String> {
    match assertion.get("uid")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `status.revocation` for a signed assertion: the issuer Profile's `revocationList` must not
/// list it (OB 2.0 §SignedBadge Verification step 7, §RevocationList). An OB 1.x list is an
/// object mapping `uid` → reason.
pub(super) fn revocation(
    assertion: &Value,
    version: Version,
    graph: &Graph,
    options: &VerifyOptions,
) -> Check {
    let issuer = match &graph.issuer {
        Ok(issuer) => issuer,
        Err(missing) => {
            return Check::new(
                CHECK_REVOCATION,
                Severity::Fatal,
                Outcome::CouldNotCheck(format!(
                    "the issuer's profile is needed: {}",
                    missing.reason()
                )),
                "whether the issuer has revoked this badge could not be checked",
            );
        }
    };
    let (list_url, list) = match issuer.value.get("revocationList") {
        None => {
            return Check::new(
                CHECK_REVOCATION,
                Severity::Fatal,
                Outcome::NotApplicable,
                "the issuer publishes no revocation list",
            );
        }
        Some(Value::String(url)) => match documents::fetch(options, url, Purpose::Ob2Document) {
            Ok(retrieved) => (url.clone(), retrieved.value),
            Err(failure) => {
                return Check::new(
                    CHECK_REVOCATION,
                    Severity::Fatal,
                    Outcome::CouldNotCheck(failure.to_string()),
                    "whether the issuer has revoked this badge could not be checked: its revocation list could not be fetched",
                )
                .with_evidence("revocation_list", url.as_str());
            }
        },
        Some(embedded) => (
            term(embedded, "id")
                .and_then(Value::as_str)
                .unwrap_or("(embedded)")
                .to_owned(),
            embedded.clone(),
        ),
    };
    let id = term(assertion, "id").and_then(Value::as_str);
    let uid = uid_of(assertion);
    let found: Option<Value> = match list.get("revokedAssertions") {
        Some(Value::Array(entries)) => entries
            .iter()
            .find(|e| names(e, id, uid.as_deref()))
            .cloned(),
        Some(one) => names(one, id, uid.as_deref()).then(|| one.clone()),
        None if version != Version::V2_0 && list.is_object() => uid
            .as_deref()
            .and_then(|uid| list.get(uid))
            .map(|reason| json!({"uid": uid, "revocationReason": reason})),
        None => {
            return Check::new(
                CHECK_REVOCATION,
                Severity::Fatal,
                Outcome::CouldNotCheck(format!(
                    "{list_url} has no revokedAssertions list"
                )),
                "whether the issuer has revoked this badge could not be checked: its revocation list is malformed",
            )
            .with_evidence("revocation_list", list_url);
        }
    };
    match found {
        Some(entry) => {
            let reason = entry
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|r| format!(" with reason: {r}"))
                .unwrap_or_default();
            Check::new(
                CHECK_REVOCATION,
                Severity::Fatal,
                Outcome::Failed(format!("listed in revocation list {list_url}{reason}")),
                format!("the issuer has revoked this badge{reason}"),
            )
            .with_evidence("revocation_list", list_url)
            .with_evidence("entry", entry)
        }
        None => Check::new(
            CHECK_REVOCATION,
            Severity::Fatal,
            Outcome::Passed,
            "the issuer's revocation list does not list this badge",
        )
        .with_evidence("revocation_list", list_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocation_entries_by_id_and_uid() {
        let id = Some("urn:uuid:1");
        assert!(names(&json!("urn:uuid:1"), id, None));
        assert!(names(&json!({"id": "urn:uuid:1"}), id, None));
        assert!(!names(
            &json!({"id": "urn:uuid:1", "revoked": false}),
            id,
            None
        ));
        assert!(names(&json!({"uid": "abc"}), None, Some("abc")));
        assert!(!names(&json!({"uid": "abc"}), None, None));
        assert!(!names(&json!(42), id, None));
    }
}
