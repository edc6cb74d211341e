//! `related-resource`: VCDM 2.0 §5.3 Integrity of Related Resources. Each `relatedResource`
//! entry names a resource by `id` and gives its digest (`digestSRI`, `digestMultibase`); a
//! verifier that uses the resource "MUST compute the digest of the retrieved resource" and
//! produce an error when it differs.
//!
//! **Not here:** the shape of the entries (an object, a unique URL `id`, at least one digest) is
//! the `data-model` check's (`data_model::credential`); this check reads only entries of that
//! shape and skips the rest.
//!
//! What is compared with what:
//! - The resources this verifier holds byte for byte are the JSON-LD contexts it processes
//!   credentials with: the bundled contexts and the earlier published revisions of them that
//!   `credbridge_jsonld` keeps ([`credbridge_jsonld::published_revisions`]). A digest that
//!   matches one of them passes, naming the revision; one that matches none is a failure
//!   (fatal), with the digest found and the digests of what is held.
//! - A resource not held here (an image, a schema, an unknown context) could not be checked
//!   (advisory): the verifier neither uses it nor fetches it, and a digest it cannot compute is
//!   never reported as a match. Retrieving arbitrary related resources over the network needs a
//!   fetch purpose of its own in `credbridge_keys::Purpose`, which does not exist yet.
//!
//! Design decision, an earlier revision counts as a match: a context URL's published bytes
//! change (`https://www.w3.org/ns/credentials/v2` was re-published between VCDM 2.0 CR2 in 2024
//! and the REC in 2025, each snapshot printing its own SHA2-256). An issuer that pinned the CR2
//! bytes pinned a genuine publication of the URL, which the W3C VCDM 2.0 test suite does too
//! (`tests/fixtures.js`); the evidence says which revision matched.
//!
//! Digest encodings read: `digestSRI` is an SRI hash expression list (`sha256-`, `sha384-`,
//! `sha512-` and standard base64; the strongest algorithm listed decides, as in SRI §3.3.4);
//! `digestMultibase` is one or more multibase strings (`u` base64url, `z` base58btc) holding
//! either a multihash (sha2-256, sha2-384, sha2-512) or, as the VCDM 2.0 test suite writes it,
//! the bare digest (32, 48 or 64 bytes). A value that is neither is a failure.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::Digest as _;

use crate::report::{Check, Outcome, Severity};

const ID: &str = "related-resource";
const SECTION: &str = "VCDM 2.0 §5.3";

/// A hash function a digest may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn sri_name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn from_sri_name(name: &str) -> Option<Algorithm> {
        match name {
            "sha256" => Some(Algorithm::Sha256),
            "sha384" => Some(Algorithm::Sha384),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    fn from_length(length: usize) -> Option<Algorithm> {
        match length {
            32 => Some(Algorithm::Sha256),
            48 => Some(Algorithm::Sha384),
            64 => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    /// The multihash code and digest length (multicodec table: sha2-256 0x12, sha2-512 0x13,
    /// sha2-384 0x20).
    fn from_multihash(bytes: &[u8]) -> Option<(Algorithm, &[u8])> {
        let (&code, rest) = bytes.split_first()?;
        let (&length, digest) = rest.split_first()?;
        let algorithm = match code {
            0x12 => Algorithm::Sha256,
            0x20 => Algorithm::Sha384,
            0x13 => Algorithm::Sha512,
            _ => return None,
        };
        (usize::from(length) == digest.len()
            && Algorithm::from_length(digest.len()) == Some(algorithm))
        .then_some((algorithm, digest))
    }

    fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Algorithm::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            Algorithm::Sha384 => sha2::Sha384::digest(bytes).to_vec(),
            Algorithm::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
        }
    }
}

/// One digest the issuer gave: where, how it was written, and what it decodes to.
#[derive(Debug)]
struct Expected<'a> {
    /// `digestSRI` or `digestMultibase`.
    property: &'static str,
    /// The value as written.
    written: &'a str,
    algorithm: Algorithm,
    digest: Vec<u8>,
}

/// What one entry came to.
enum EntryResult {
    /// The digests match the held revision named.
    Matched(&'static str),
    /// A failure, written for the report.
    Failed(String),
    /// Not checkable here; why.
    Unchecked(String),
}

/// The `related-resource` check, or `None` when the document has no `relatedResource`.
pub(crate) fn check(value: &Value) -> Option<Check> {
    let related = value.get("relatedResource")?;
    let (entries, is_array) = match related {
        Value::Array(items) => (items.as_slice(), true),
        single => (std::slice::from_ref(single), false),
    };
    let mut failed = Vec::new();
    let mut unchecked = Vec::new();
    let mut evidence = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let pointer = if is_array {
            format!("/relatedResource/{i}")
        } else {
            "/relatedResource".to_owned()
        };
        let Some(object) = entry.as_object() else {
            continue; // a data-model violation
        };
        let Some(id) = object.get("id").and_then(Value::as_str) else {
            continue; // a data-model violation
        };
        if !object.contains_key("digestSRI") && !object.contains_key("digestMultibase") {
            continue; // a data-model violation
        }
        let result = check_entry(&pointer, id, object);
        let (outcome, detail) = match &result {
            EntryResult::Matched(revision) => ("matched", *revision),
            EntryResult::Failed(_) => ("failed", ""),
            EntryResult::Unchecked(_) => ("could-not-check", ""),
        };
        evidence.push(json!({"id": id, "outcome": outcome, "revision": detail}));
        match result {
            EntryResult::Matched(_) => {}
            EntryResult::Failed(reason) => failed.push(reason),
            EntryResult::Unchecked(reason) => unchecked.push(reason),
        }
    }
    if evidence.is_empty() {
        return None;
    }
    let check = if !failed.is_empty() {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(failed.join("; ")),
            "a resource the credential pins by its digest (such as a vocabulary) is not the one it names, so the credential may not mean what its issuer signed",
        )
    } else if !unchecked.is_empty() {
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::CouldNotCheck(unchecked.join("; ")),
            "the credential pins related resources by their digest that are not available here, so they were not compared",
        )
    } else {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::Passed,
            "every related resource the credential pins by its digest is the one it names",
        )
    };
    Some(check.with_evidence("resources", evidence))
}

fn check_entry(pointer: &str, id: &str, object: &serde_json::Map<String, Value>) -> EntryResult {
    let mut expected = Vec::new();
    if let Some(sri) = object.get("digestSRI") {
        match parse_sri(sri) {
            Ok(Some(strongest)) => expected.push(strongest),
            Ok(None) => {
                return EntryResult::Unchecked(format!(
                    "{pointer}/digestSRI: no hash algorithm this verifier knows (sha256, sha384, sha512) in {sri} ({SECTION})"
                ));
            }
            Err(reason) => {
                return EntryResult::Failed(format!("{pointer}/digestSRI: {reason} ({SECTION})"));
            }
        }
    }
    if let Some(multibase) = object.get("digestMultibase") {
        match parse_multibase(multibase) {
            Ok(mut digests) => expected.append(&mut digests),
            Err(reason) => {
                return EntryResult::Failed(format!(
                    "{pointer}/digestMultibase: {reason} ({SECTION})"
                ));
            }
        }
    }
    let held = credbridge_jsonld::published_revisions(id);
    if held.is_empty() {
        return EntryResult::Unchecked(format!(
            "{pointer}: {id} is not held here (only the bundled JSON-LD contexts are compared offline), so its digest was not checked"
        ));
    }
    for (revision, bytes) in &held {
        if expected
            .iter()
            .all(|e| e.algorithm.digest(bytes) == e.digest)
        {
            return EntryResult::Matched(revision);
        }
    }
    // Name the first digest that matches no held revision, and what the held bytes give.
    let mismatch = expected
        .iter()
        .find(|e| {
            held.iter()
                .all(|(_, bytes)| e.algorithm.digest(bytes) != e.digest)
        })
        .or_else(|| expected.first());
    let Some(e) = mismatch else {
        return EntryResult::Unchecked(format!("{pointer}: no digest to compare ({SECTION})"));
    };
    let computed: Vec<String> = held
        .iter()
        .map(|(revision, bytes)| {
            format!(
                "{}-{} ({revision})",
                e.algorithm.sri_name(),
                STANDARD.encode(e.algorithm.digest(bytes))
            )
        })
        .collect();
    EntryResult::Failed(format!(
        "{pointer}/{}: {:?} does not match {id}: the published bytes held here give {} ({SECTION})",
        e.property,
        e.written,
        computed.join(" or ")
    ))
}

/// The strongest hash expression of an SRI metadata string (`None` when it names only
/// algorithms this verifier does not know, which SRI says to ignore).
fn parse_sri(value: &Value) -> Result<Option<Expected<'_>>, String> {
    let Some(text) = value.as_str() else {
        return Err(format!(
            "must be a string of SRI hash expressions, found {value}"
        ));
    };
    let mut strongest: Option<Expected<'_>> = None;
    let mut any = false;
    for expression in text.split_ascii_whitespace() {
        any = true;
        // SRI §3.5: hash-expression = hash-algo "-" base64-value ["?" options]
        let expression_only = expression.split('?').next().unwrap_or(expression);
        let Some((name, encoded)) = expression_only.split_once('-') else {
            return Err(format!(
                "{expression:?} is not an SRI hash expression (algorithm-base64, such as sha384-…)"
            ));
        };
        let Some(algorithm) = Algorithm::from_sri_name(name) else {
            continue;
        };
        let digest = STANDARD.decode(encoded).map_err(|e| {
            format!("{expression:?} does not hold standard base64 after \"{name}-\" ({e})")
        })?;
        if Algorithm::from_length(digest.len()) != Some(algorithm) {
            return Err(format!(
                "{expression:?} holds {} bytes, not a {name} digest",
                digest.len()
            ));
        }
        if strongest.as_ref().is_none_or(|s| algorithm > s.algorithm) {
            strongest = Some(Expected {
                property: "digestSRI",
                written: expression,
                algorithm,
                digest,
            });
        }
    }
    if !any {
        return Err("must hold at least one SRI hash expression, found an empty string".to_owned());
    }
    Ok(strongest)
}

/// Every digest of a `digestMultibase` value (a string or an array of strings).
fn parse_multibase(value: &Value) -> Result<Vec<Expected<'_>>, String> {
    let values: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    if values.is_empty() {
        return Err("must hold at least one multibase digest, found []".to_owned());
    }
    values
        .into_iter()
        .map(|v| {
            let Some(text) = v.as_str() else {
                return Err(format!("must be a multibase string, found {v}"));
            };
            let bytes = decode_multibase(text)?;
            let (algorithm, digest) = match Algorithm::from_multihash(&bytes) {
                Some((algorithm, digest)) => (algorithm, digest.to_vec()),
                None => match Algorithm::from_length(bytes.len()) {
                    Some(algorithm) => (algorithm, bytes),
                    None => {
                        return Err(format!(
                            "{text:?} decodes to {} bytes, neither a sha2 multihash nor a sha256/384/512 digest",
                            bytes.len()
                        ));
                    }
                },
            };
            Ok(Expected {
                property: "digestMultibase",
                written: text,
                algorithm,
                digest,
            })
        })
        .collect()
}

fn decode_multibase(text: &str) -> Result<Vec<u8>, String> {
    let mut chars = text.chars();
    match chars.next() {
        Some('u') => URL_SAFE_NO_PAD
            .decode(chars.as_str())
            .map_err(|e| format!("{text:?} is not multibase base64url (u…): {e}")),
        Some('z') => credbridge_keys::multikey::decode_base58(chars.as_str())
            .map_err(|e| format!("{text:?} is not multibase base58btc (z…): {e}")),
        _ => Err(format!(
            "{text:?} is not a multibase string this verifier reads (u… base64url or z… base58btc)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = "https://www.w3.org/ns/credentials/v2";

    fn vc(related: Value) -> Value {
        json!({
            "@context": [V2],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"name": "Alice"},
            "relatedResource": related,
        })
    }

    fn digests(bytes: &[u8]) -> (String, String, String) {
        (
            format!("sha384-{}", STANDARD.encode(sha2::Sha384::digest(bytes))),
            format!("u{}", URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(bytes))),
            credbridge_keys::multikey::encode_multibase_base58btc(
                &[&[0x12u8, 0x20][..], &sha2::Sha256::digest(bytes)].concat(),
            ),
        )
    }

    fn outcome(value: &Value) -> Outcome {
        check(value)
            .map(|c| c.outcome)
            .unwrap_or(Outcome::NotApplicable)
    }

    #[test]
    fn no_related_resource_is_no_check() {
        assert!(check(&json!({"@context": [V2]})).is_none());
    }

    /// The W3C VCDM 2.0 test suite's fixture (tests/fixtures.js): digests of the CR2 base
    /// context, and the wrong digests of its negative test (5-advanced-concepts.js).
    #[test]
    fn the_vcdm_test_suite_digests() {
        for good in [
            json!({"id": V2, "digestSRI": "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"}),
            json!({"id": V2, "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}),
            json!([{"id": V2, "mediaType": "application/ld+json", "digestSRI": "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"}]),
        ] {
            let c = check(&vc(good.clone())).unwrap();
            assert_eq!(c.outcome, Outcome::Passed, "{good}");
            assert!(
                Value::Object(c.evidence.clone())
                    .to_string()
                    .contains("8d0ee107"),
                "{:?}",
                c.evidence
            );
        }
        let wrong_multibase = vc(
            json!([{"id": V2, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}]),
        );
        let Outcome::Failed(reason) = outcome(&wrong_multibase) else {
            panic!("a wrong digestMultibase passed");
        };
        assert!(
            reason.starts_with("/relatedResource/0/digestMultibase: \"uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0\" does not match https://www.w3.org/ns/credentials/v2: the published bytes held here give sha256-"),
            "{reason}"
        );
        let wrong_sri = vc(
            json!([{"id": V2, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"}]),
        );
        let Outcome::Failed(reason) = outcome(&wrong_sri) else {
            panic!("a wrong digestSRI passed");
        };
        assert!(reason.contains("does not hold standard base64"), "{reason}");
    }

    #[test]
    fn the_bundled_bytes_match_in_every_encoding() {
        let held = credbridge_jsonld::published_revisions(V2);
        let (sri, multibase, multihash) = digests(held[0].1);
        let c = check(&vc(
            json!({"id": V2, "digestSRI": sri, "digestMultibase": [multibase, multihash]}),
        ))
        .unwrap();
        assert_eq!(c.outcome, Outcome::Passed);
        assert_eq!(c.severity, Severity::Fatal);
        assert!(
            Value::Object(c.evidence.clone())
                .to_string()
                .contains("\"bundled\""),
            "{:?}",
            c.evidence
        );
        // SRI: the strongest algorithm decides; an unknown one is ignored.
        let sha256 = format!("sha256-{}", STANDARD.encode(sha2::Sha256::digest(b"other")));
        let (sri384, _, _) = digests(held[0].1);
        assert_eq!(
            outcome(&vc(
                json!({"id": V2, "digestSRI": format!("{sha256} {sri384} md5-AAAA")})
            )),
            Outcome::Passed
        );
    }

    #[test]
    fn a_wrong_digest_of_a_held_context_fails_naming_both() {
        let (sri, multibase, _) = digests(b"not the context");
        let Outcome::Failed(reason) = outcome(&vc(json!({"id": V2, "digestSRI": sri}))) else {
            panic!("passed");
        };
        assert!(
            reason.starts_with("/relatedResource/digestSRI: \"sha384-"),
            "{reason}"
        );
        assert!(reason.contains("(bundled) or sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg (w3c/vc-data-model 8d0ee107"), "{reason}");
        assert!(reason.ends_with("(VCDM 2.0 §5.3)"), "{reason}");
        // Both digests must agree with one revision: a right SRI does not excuse a wrong multibase.
        let held = credbridge_jsonld::published_revisions(V2);
        let (good_sri, _, _) = digests(held[0].1);
        let Outcome::Failed(reason) = outcome(&vc(
            json!({"id": V2, "digestSRI": good_sri, "digestMultibase": multibase}),
        )) else {
            panic!("passed");
        };
        assert!(
            reason.contains("/relatedResource/digestMultibase"),
            "{reason}"
        );
    }

    #[test]
    fn a_resource_not_held_is_could_not_check_never_passed() {
        let (sri, _, _) = digests(b"an image");
        let c = check(&vc(
            json!([{"id": "https://example.org/logo.png", "digestSRI": sri}]),
        ))
        .unwrap();
        let Outcome::CouldNotCheck(reason) = &c.outcome else {
            panic!("{:?}", c.outcome);
        };
        assert!(
            reason.contains("https://example.org/logo.png is not held here"),
            "{reason}"
        );
        assert_eq!(c.severity, Severity::Advisory);
        // A failure elsewhere still fails the check.
        let (bad, _, _) = digests(b"x");
        let mixed = vc(json!([
            {"id": "https://example.org/logo.png", "digestSRI": sri},
            {"id": V2, "digestSRI": bad},
        ]));
        assert!(
            matches!(outcome(&mixed), Outcome::Failed(r) if r.starts_with("/relatedResource/1/digestSRI"))
        );
        // Only unknown SRI algorithms: nothing to compare.
        assert!(matches!(
            outcome(&vc(json!({"id": V2, "digestSRI": "md5-AAAA"}))),
            Outcome::CouldNotCheck(r) if r.contains("no hash algorithm")
        ));
    }

    #[test]
    fn malformed_digests_fail() {
        for (value, needle) in [
            (
                json!({"id": V2, "digestSRI": ""}),
                "at least one SRI hash expression",
            ),
            (
                json!({"id": V2, "digestSRI": "sha384"}),
                "is not an SRI hash expression",
            ),
            (
                json!({"id": V2, "digestSRI": "sha384-AAAA"}),
                "holds 3 bytes, not a sha384 digest",
            ),
            (json!({"id": V2, "digestSRI": 5}), "must be a string"),
            (
                json!({"id": V2, "digestMultibase": "fabc"}),
                "is not a multibase string this verifier reads",
            ),
            (
                json!({"id": V2, "digestMultibase": "uAAAA"}),
                "decodes to 3 bytes",
            ),
            (
                json!({"id": V2, "digestMultibase": []}),
                "at least one multibase digest",
            ),
            (
                json!({"id": V2, "digestMultibase": "z0OIl"}),
                "is not multibase base58btc",
            ),
        ] {
            match outcome(&vc(value.clone())) {
                Outcome::Failed(reason) => assert!(reason.contains(needle), "{value}: {reason}"),
                other => panic!("{value}: {other:?}"),
            }
        }
    }

    #[test]
    fn entries_of_the_wrong_shape_are_left_to_the_data_model_check() {
        assert!(check(&vc(json!([V2]))).is_none());
        assert!(check(&vc(json!([{"id": V2}]))).is_none());
        assert!(check(&vc(json!([{"digestSRI": "sha384-x"}]))).is_none());
    }
}
