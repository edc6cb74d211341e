//! `inspect --json` against its published schema (docs/inspect-report.schema.json): a line for
//! every item of every file under testdata/ (and the examples), undecodable inputs included,
//! validates; the sample exercises every kind of line the schema allows.

use std::collections::BTreeSet;
use std::path::Path;

use credbridge_formats::{Limits, decode_path};
use credbridge_verify::{inspect, inspect_error_json};
use serde_json::Value;

use crate::common::testdata;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/inspect-report.schema.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_inspect_line_of_testdata_validates() {
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:inspect", schema()).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("urn:inspect", &mut schemas).unwrap();

    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut lines = 0;
    let mut kinds = BTreeSet::new();
    let mut files = BTreeSet::new();
    for root in [testdata(), examples] {
        for result in decode_path(&root, &Limits::default()) {
            let line = match &result {
                Ok(item) => inspect(item).to_json(),
                Err(err) => {
                    inspect_error_json(err.path().map(ToString::to_string), &err.to_string())
                }
            };
            if let Err(err) = schemas.validate(&line, index) {
                panic!("{err:#}\n{line:#}");
            }
            lines += 1;
            let kind = match (line.get("payload"), line.get("error")) {
                (Some(p), None) => p.as_str().unwrap().to_owned(),
                (Some(_), Some(_)) => "unreadable-document".to_owned(),
                (None, _) => "undecodable".to_owned(),
            };
            kinds.insert(kind);
            if let Some(item) = line["item"].as_str() {
                files.insert(item.split(['!', '#', ':']).next().unwrap().to_owned());
            }
        }
    }
    assert!(lines > 2000, "{lines}");
    for kind in ["json", "jws", "url", "unsupported", "undecodable"] {
        assert!(kinds.contains(kind), "no {kind} line in {kinds:?}");
    }
    // Every file under testdata/ has a line of its own.
    let mut missing = Vec::new();
    let mut stack = vec![testdata()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !files.contains(path.to_str().unwrap()) {
                // An empty JSON list holds no item, so it has no line (verify lists it as
                // skipped: "it holds nothing").
                let text = std::fs::read(&path).unwrap();
                let empty_list = serde_json::from_slice::<Value>(&text)
                    .is_ok_and(|v| v.as_array().is_some_and(Vec::is_empty));
                if !empty_list {
                    missing.push(path);
                }
            }
        }
    }
    assert!(missing.is_empty(), "no inspect line for {missing:?}");
}
