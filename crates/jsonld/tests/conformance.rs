//! The W3C JSON-LD 1.1 toRdf conformance suite
//! (`testdata/vectors/json-ld-api/tests/toRdf-manifest.jsonld`), run against
//! [`Processor::to_rdf`] with the suite's base URL mapped to the local copy.

use std::path::PathBuf;
use std::sync::Arc;

use credbridge_jsonld::{
    DocumentLoader, LoadError, Options, ProcessingMode, Processor, RdfDirection, RemoteDocument,
};
use serde_json::Value;

use crate::nquads;

const SUITE_BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors/json-ld-api/tests")
}

/// Serves `https://w3c.github.io/json-ld-api/tests/…` from the local copy of the suite.
struct SuiteLoader {
    root: PathBuf,
}

impl DocumentLoader for SuiteLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let not_found = || LoadError::NotFound {
            url: url.to_owned(),
        };
        let rel = url.strip_prefix(SUITE_BASE).ok_or_else(not_found)?;
        let path = self.root.join(rel);
        let bytes = std::fs::read(&path).map_err(|_| not_found())?;
        let document: Value = serde_json::from_slice(&bytes)
            .map_err(|source| LoadError::InvalidJson { path, source })?;
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document: Arc::new(document),
        })
    }
}

/// Tests not run, each with the reason (the only place skips are decided).
fn skip_reason(test: &Value) -> Option<&'static str> {
    let option = &test["option"];
    if option["specVersion"] == "json-ld-1.0" {
        return Some("JSON-LD 1.0 only (specVersion json-ld-1.0)");
    }
    if option["processingMode"] == "json-ld-1.0" {
        return Some("json-ld-1.0 processing mode");
    }
    if test["input"].as_str().is_some_and(|i| i.ends_with(".html")) {
        return Some("HTML input");
    }
    if option.get("contentType").is_some()
        || option.get("httpLink").is_some()
        || option.get("redirectTo").is_some()
    {
        return Some("remote-document HTTP behaviour");
    }
    None
}

pub struct Outcome {
    pub passed: Vec<String>,
    pub failed: Vec<(String, String)>,
    pub skipped: Vec<(String, &'static str)>,
}

pub fn run_manifest(manifest: &str, to_rdf: bool) -> Outcome {
    let dir = suite_dir();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join(manifest)).unwrap()).unwrap();
    let loader = Arc::new(SuiteLoader { root: dir.clone() });
    let processor = Processor::new(loader.clone());
    let mut out = Outcome {
        passed: Vec::new(),
        failed: Vec::new(),
        skipped: Vec::new(),
    };
    for test in manifest["sequence"].as_array().unwrap() {
        let id = test["@id"].as_str().unwrap().to_owned();
        if let Some(reason) = skip_reason(test) {
            out.skipped.push((id, reason));
            continue;
        }
        let types: Vec<&str> = test["@type"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let input_rel = test["input"].as_str().unwrap();
        let input: Value =
            serde_json::from_slice(&std::fs::read(dir.join(input_rel)).unwrap()).unwrap();
        let option = &test["option"];
        let mut options = Options::default();
        options.base = Some(
            option["base"]
                .as_str()
                .map_or_else(|| format!("{SUITE_BASE}{input_rel}"), str::to_owned),
        );
        if let Some(ec) = option["expandContext"].as_str() {
            let doc = loader.load(&format!("{SUITE_BASE}{ec}")).unwrap();
            options.expand_context = Some(doc.document);
        }
        options.rdf_direction = match option["rdfDirection"].as_str() {
            Some("i18n-datatype") => Some(RdfDirection::I18nDatatype),
            Some("compound-literal") => Some(RdfDirection::CompoundLiteral),
            _ => None,
        };
        options.produce_generalized_rdf = option["produceGeneralizedRdf"] == true;
        if option["processingMode"] == "json-ld-1.0" {
            options.processing_mode = ProcessingMode::JsonLd10;
        }
        let verdict: Result<(), String> = if to_rdf {
            let result = processor.to_rdf(&input, &options);
            if types.contains(&"jld:NegativeEvaluationTest") {
                let want = test["expectErrorCode"].as_str().unwrap();
                match result {
                    Err(e) if e.code().map(|c| c.as_str()) == Some(want) => Ok(()),
                    Err(e) => Err(format!("expected error {want}, got {e}")),
                    Ok(q) => Err(format!(
                        "expected error {want}, got {} quads:\n{}",
                        q.len(),
                        nquads::to_nquads(&q)
                    )),
                }
            } else if types.contains(&"jld:PositiveSyntaxTest") {
                result
                    .map(|_| ())
                    .map_err(|e| format!("unexpected error {e}"))
            } else {
                let expect_rel = test["expect"].as_str().unwrap();
                let expected =
                    nquads::parse(&std::fs::read_to_string(dir.join(expect_rel)).unwrap());
                match result {
                    Ok(q) if same_dataset(&q, &expected) => Ok(()),
                    Ok(q) => Err(format!(
                        "got:\n{}\nexpected:\n{}",
                        nquads::to_nquads(&q),
                        nquads::to_nquads(&expected)
                    )),
                    Err(e) => Err(format!("unexpected error {e}")),
                }
            }
        } else {
            let result = processor.expand(&input, &options);
            if types.contains(&"jld:NegativeEvaluationTest") {
                let want = test["expectErrorCode"].as_str().unwrap();
                match result {
                    Err(e) if e.code().map(|c| c.as_str()) == Some(want) => Ok(()),
                    Err(e) => Err(format!("expected error {want}, got {e}")),
                    Ok(v) => Err(format!("expected error {want}, got {v}")),
                }
            } else {
                let expect_rel = test["expect"].as_str().unwrap();
                let expected: Value =
                    serde_json::from_slice(&std::fs::read(dir.join(expect_rel)).unwrap()).unwrap();
                match result {
                    Ok(v) if json_equal_unordered(&v, &expected) => Ok(()),
                    Ok(v) => Err(format!("got:\n{v}\nexpected:\n{expected}")),
                    Err(e) => Err(format!("unexpected error {e}")),
                }
            }
        };
        match verdict {
            Ok(()) => out.passed.push(id),
            Err(why) => out.failed.push((id, why)),
        }
    }
    out
}

/// Dataset equality up to blank-node renaming: equal RDFC-1.0 canonical forms
/// (credbridge-rdf); where canonicalization refuses the data (generalized RDF), the test's
/// own isomorphism check.
fn same_dataset(got: &[credbridge_rdf::Quad], expected: &[credbridge_rdf::Quad]) -> bool {
    let options = credbridge_rdf::CanonOptions::default();
    match (
        credbridge_rdf::canonical_nquads(got, &options),
        credbridge_rdf::canonical_nquads(expected, &options),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => nquads::isomorphic(got, expected),
    }
}

/// JSON equality where arrays compare as multisets, except `@list` arrays (ordered).
fn json_equal_unordered(a: &Value, b: &Value) -> bool {
    fn eq(a: &Value, b: &Value, ordered: bool) -> bool {
        match (a, b) {
            (Value::Array(x), Value::Array(y)) => {
                if x.len() != y.len() {
                    return false;
                }
                if ordered {
                    return x.iter().zip(y).all(|(p, q)| eq(p, q, false));
                }
                let mut used = vec![false; y.len()];
                x.iter().all(|p| {
                    for (i, q) in y.iter().enumerate() {
                        if !used[i] && eq(p, q, false) {
                            used[i] = true;
                            return true;
                        }
                    }
                    false
                })
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| eq(v, w, k == "@list")))
            }
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            _ => a == b,
        }
    }
    eq(a, b, false)
}

fn report(name: &str, out: &Outcome) -> f64 {
    for id in &out.passed {
        println!("{name} PASS {id}");
    }
    for (id, reason) in &out.skipped {
        println!("{name} SKIP {id}: {reason}");
    }
    for (id, why) in &out.failed {
        println!("{name} FAIL {id}: {why}");
    }
    let applicable = out.passed.len() + out.failed.len();
    let rate = out.passed.len() as f64 / applicable.max(1) as f64;
    println!(
        "{name}: {} passed, {} failed, {} skipped ({:.1}% of applicable tests pass)",
        out.passed.len(),
        out.failed.len(),
        out.skipped.len(),
        rate * 100.0
    );
    rate
}

/// Lowest toRdf pass count accepted (of the applicable tests).
const TO_RDF_PASS_FLOOR: usize = 448;
/// Lowest expand pass count accepted.
const EXPAND_PASS_FLOOR: usize = 367;

#[test]
fn to_rdf_manifest() {
    let out = run_manifest("toRdf-manifest.jsonld", true);
    report("toRdf", &out);
    assert!(
        out.passed.len() >= TO_RDF_PASS_FLOOR,
        "{} toRdf tests passed, floor is {TO_RDF_PASS_FLOOR}",
        out.passed.len()
    );
}

#[test]
fn expand_manifest() {
    let out = run_manifest("expand-manifest.jsonld", false);
    report("expand", &out);
    assert!(
        out.passed.len() >= EXPAND_PASS_FLOOR,
        "{} expand tests passed, floor is {EXPAND_PASS_FLOOR}",
        out.passed.len()
    );
}
