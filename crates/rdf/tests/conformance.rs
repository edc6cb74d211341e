//! Runs every entry of the W3C RDFC-1.0 test manifest
//! (`testdata/vectors/rdf-canon/tests/manifest.jsonld`).

use credbridge_rdf::{CanonError, CanonOptions, HashAlgorithm, canonicalize_nquads};
use serde_json::Value;

use crate::suite_dir;

/// Entries we do not run, each with the reason. Empty: every RDFC-1.0 test runs.
const SKIPS: &[(&str, &str)] = &[];

#[derive(Debug, PartialEq)]
enum Outcome {
    Passed,
    Failed(String),
    Skipped(&'static str),
}

fn run_entry(entry: &Value) -> Outcome {
    let id = entry["id"].as_str().unwrap();
    if let Some((_, reason)) = SKIPS.iter().find(|(skip, _)| *skip == id) {
        return Outcome::Skipped(reason);
    }
    let dir = suite_dir();
    let action = std::fs::read_to_string(dir.join(entry["action"].as_str().unwrap())).unwrap();
    let hash = match entry.get("hashAlgorithm").and_then(Value::as_str) {
        None | Some("SHA256") => HashAlgorithm::Sha256,
        Some("SHA384") => HashAlgorithm::Sha384,
        Some(other) => return Outcome::Failed(format!("unknown hashAlgorithm {other}")),
    };
    let options = CanonOptions {
        hash,
        ..CanonOptions::default()
    };
    let result = canonicalize_nquads(&action, &options);
    let expected_file = entry
        .get("result")
        .and_then(Value::as_str)
        .map(|r| std::fs::read_to_string(dir.join(r)).unwrap());
    match (entry["type"].as_str().unwrap(), result) {
        ("rdfc:RDFC10EvalTest", Ok(canonical)) => {
            let expected = expected_file.unwrap();
            if canonical.nquads == expected {
                Outcome::Passed
            } else {
                Outcome::Failed(format!("expected:\n{expected}got:\n{}", canonical.nquads))
            }
        }
        ("rdfc:RDFC10MapTest", Ok(canonical)) => {
            let expected: Value = serde_json::from_str(&expected_file.unwrap()).unwrap();
            let got = Value::Object(
                canonical
                    .issued_identifiers
                    .iter()
                    .map(|(input, c14n)| (input.clone(), Value::String(c14n.clone())))
                    .collect(),
            );
            // Compare as maps: key order in the expected file is not significant.
            let sorted = |v: &Value| {
                let mut pairs: Vec<(String, Value)> = v
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
                pairs
            };
            if sorted(&got) == sorted(&expected) {
                Outcome::Passed
            } else {
                Outcome::Failed(format!("expected map {expected}, got {got}"))
            }
        }
        ("rdfc:RDFC10NegativeEvalTest", Err(err)) => match err {
            CanonError::HndqCallLimitExceeded { .. }
            | CanonError::PermutationLimitExceeded { .. }
            | CanonError::HndqDepthLimitExceeded { .. } => Outcome::Passed,
            other => Outcome::Failed(format!("expected a computation limit error, got {other}")),
        },
        ("rdfc:RDFC10NegativeEvalTest", Ok(_)) => {
            Outcome::Failed("expected an error, canonicalization succeeded".to_owned())
        }
        (_, Err(err)) => Outcome::Failed(format!("unexpected error: {err}")),
        (other, Ok(_)) => Outcome::Failed(format!("unknown test type {other}")),
    }
}

#[test]
fn rdfc10_manifest() {
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(suite_dir().join("manifest.jsonld")).unwrap(),
    )
    .unwrap();
    let entries = manifest["entries"].as_array().unwrap();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), 0);
    for entry in entries {
        let id = entry["id"].as_str().unwrap();
        let name = entry["name"].as_str().unwrap_or_default();
        match run_entry(entry) {
            Outcome::Passed => {
                passed += 1;
                println!("PASS {id} {name}");
            }
            Outcome::Skipped(reason) => {
                skipped += 1;
                println!("SKIP {id} {name}: {reason}");
            }
            Outcome::Failed(why) => {
                println!("FAIL {id} {name}: {why}");
                failed.push(id.to_owned());
            }
        }
    }
    println!(
        "RDFC-1.0: {passed} passed, {} failed, {skipped} skipped of {}",
        failed.len(),
        entries.len()
    );
    assert!(failed.is_empty(), "failed: {failed:?}");
    // Every entry of the suite must run and pass; the suite has 86 entries today.
    assert_eq!(passed, entries.len());
    assert!(passed >= 86, "only {passed} entries found");
}
