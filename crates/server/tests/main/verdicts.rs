//! Every example under `testdata/examples` and `examples/` gets the same verdicts from
//! `POST /credentials/verify` and `POST /inbox` as from the code `credbridge verify` runs
//! (`credbridge_formats` decode + `credbridge_verify::verify_item`, offline).

use std::path::{Path, PathBuf};

use credbridge_server::record::verdict_word;
use credbridge_server::verifier::build_verify_options;
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Backend, TestApp, repo};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The verdicts `credbridge verify --offline FILE` gives, in item order.
fn expected(path: &Path) -> Vec<String> {
    let mut options = build_verify_options(true).unwrap();
    options.now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    credbridge_formats::decode_path(path, &credbridge_formats::Limits::default())
        .filter_map(Result::ok)
        .map(|item| verdict_word(credbridge_verify::verify_item(&item, &options).verdict))
        .collect()
}

fn verdicts_of(answer: &Value) -> Vec<String> {
    if let Some(reports) = answer["reports"].as_array() {
        return reports
            .iter()
            .map(|r| r["verdict"].as_str().unwrap().to_owned())
            .collect();
    }
    match answer["report"]["verdict"].as_str() {
        Some(v) => vec![v.to_owned()],
        None => vec![],
    }
}

async fn same_verdicts(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let mut paths = Vec::new();
    files(&repo().join("testdata/examples"), &mut paths);
    files(&repo().join("examples"), &mut paths);
    let (mut via_verify, mut via_inbox) = (0, 0);
    for path in &paths {
        let want = expected(path);
        let bytes = std::fs::read(path).unwrap();
        let name = path.display();

        let answer = t
            .post("/inbox", None, "application/octet-stream", bytes.clone())
            .await;
        let got: Vec<String> = match answer.status.as_u16() {
            200 | 201 => answer.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["verdict"].as_str().unwrap().to_owned())
                .collect(),
            422 => vec![],
            400 if bytes.is_empty() => vec![],
            other => panic!("{name}: POST /inbox answered {other}: {}", answer.text()),
        };
        assert_eq!(got, want, "POST /inbox verdicts for {name}");
        via_inbox += got.len();

        // The VC API takes JSON, or a compact JWT as a string.
        let document = if path.extension().is_some_and(|e| e == "jwt") {
            json!(String::from_utf8(bytes).unwrap().trim())
        } else if path.extension().is_some_and(|e| e == "json") {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(value @ (Value::Object(_) | Value::Array(_))) => value,
                _ => continue,
            }
        } else {
            continue;
        };
        let body = json!({ "verifiableCredential": document })
            .to_string()
            .into_bytes();
        let answer = t
            .post("/credentials/verify", None, "application/json", body)
            .await;
        let got = match answer.status.as_u16() {
            200 | 422 => verdicts_of(&answer.json()),
            other => panic!(
                "{name}: POST /credentials/verify answered {other}: {}",
                answer.text()
            ),
        };
        assert_eq!(got, want, "POST /credentials/verify verdicts for {name}");
        assert_eq!(
            answer.status == 200,
            !want.is_empty()
                && want
                    .iter()
                    .all(|v| v == "valid" || v == "valid-with-warnings"),
            "{name}: status {} for {want:?}",
            answer.status
        );
        via_verify += got.len();
    }
    eprintln!(
        "{} files: {via_inbox} items via POST /inbox, {via_verify} via /credentials/verify",
        paths.len()
    );
    assert!(via_inbox >= 250, "only {via_inbox} items compared");
    t.cleanup().await;
}
both!(examples_get_the_cli_verdicts, same_verdicts);
