//! `credbridge verify` on bundled examples and spec fixtures: verdicts, exit codes, the report
//! schema, DID folders, recipients, folders and streams.

use crate::common::*;

#[test]
fn verify_bundled_example_is_valid_and_tampered_copy_is_invalid() {
    let ok = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "examples/ob3-eddsa-rdfc-2022.json",
    ]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let report = &json_lines(&ok)[0];
    assert_eq!(report["verdict"], "valid");
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "proof")
        .unwrap();
    assert_eq!(proof["outcome"], "passed");

    let bad = credbridge(&["verify", "--offline", "examples/ob3-tampered.json"]);
    assert_eq!(bad.status.code(), Some(1));
    let text = stdout(&bad);
    assert!(text.contains("INVALID"), "{text}");
    assert!(text.contains("signature does not match"), "{text}");
}

#[test]
fn verify_reports_expired_and_unreadable_with_their_exit_codes() {
    let dir = tempdir("expired");
    // A validUntil cannot be added without re-signing, so verify "as of" a time before
    // validFrom instead, which must fail not-before.
    let not_yet = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--at",
        "2020-01-01T00:00:00Z",
        "examples/ob3-eddsa-rdfc-2022.json",
    ]);
    assert_eq!(not_yet.status.code(), Some(1));
    let report = &json_lines(&not_yet)[0];
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "validity.not-before")
        .unwrap();
    assert_eq!(check["outcome"], "failed");

    let garbage = dir.join("garbage.bin");
    std::fs::write(&garbage, [0u8, 159, 146, 150]).unwrap();
    let out = credbridge(&["verify", "--offline", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_json_report_follows_the_published_schema() {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo().join("docs/verification-report.schema.json")).unwrap(),
    )
    .unwrap();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:report", schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("urn:report", &mut schemas).unwrap();

    let out = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--at",
        "2026-11-24T00:00:00Z",
        "examples",
        "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v2",
        "testdata/examples/1edtech-validator/ob30",
    ]);
    let reports: Vec<Value> = json_lines(&out)
        .into_iter()
        .filter(|l| l.get("report_version").is_some())
        .collect();
    assert!(reports.len() > 40, "{}", reports.len());
    let mut verdicts = std::collections::BTreeSet::new();
    for report in &reports {
        if let Err(err) = schemas.validate(report, index) {
            panic!("{err:#}\n{report:#}");
        }
        verdicts.insert(report["verdict"].as_str().unwrap().to_owned());
    }
    // The sample exercises every verdict the schema allows.
    assert!(
        verdicts.contains("valid") && verdicts.contains("invalid"),
        "{verdicts:?}"
    );
}

#[test]
fn offline_did_web_is_indeterminate_until_the_did_document_is_supplied() {
    let credential = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/oidf-noStatus-notExpired.json";
    let offline = credbridge(&["verify", "--offline", credential]);
    assert_eq!(offline.status.code(), Some(3));
    assert!(
        stdout(&offline).contains("--did-dir"),
        "{}",
        stdout(&offline)
    );

    let supplied = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--did-dir",
        "testdata/examples/dcc-vc-test-fixtures/dids/oidf",
        credential,
    ]);
    let report = &json_lines(&supplied)[0];
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "proof")
        .unwrap();
    assert_eq!(proof["outcome"], "passed", "{report:#}");
    assert_eq!(supplied.status.code(), Some(0));
}

#[test]
fn recipient_option_matches_the_salted_identity_hash() {
    let example = "examples/ob3-eddsa-rdfc-2022.json";
    let right = credbridge(&[
        "verify",
        "--offline",
        "--recipient",
        "jordan.lee@example.com",
        example,
    ]);
    assert_eq!(right.status.code(), Some(0), "{}", stdout(&right));
    let wrong = credbridge(&[
        "verify",
        "--offline",
        "--recipient",
        "someone@example.com",
        example,
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stdout(&wrong).contains("issued to someone else"),
        "{}",
        stdout(&wrong)
    );
}

/// A folder of files, a JSON Lines file and a zip: reports come out one per credential, in
/// the order the files are read (what `inspect` lists), whatever the number of workers, and
/// each verdict is the credential's own.
#[test]
fn folder_verification_reports_in_input_order_with_any_number_of_workers() {
    let dir = tempdir("bulk-order");
    let valid = std::fs::read(repo().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap();
    let tampered = std::fs::read(repo().join("examples/ob3-tampered.json")).unwrap();
    let line = |bytes: &[u8]| {
        serde_json::to_string(&serde_json::from_slice::<Value>(bytes).unwrap()).unwrap()
    };
    for i in 0..40 {
        let bytes = if i % 7 == 3 { &tampered } else { &valid };
        std::fs::write(dir.join(format!("a{i:02}.json")), bytes).unwrap();
    }
    let lines: Vec<String> = (0..60)
        .map(|i| {
            if i % 11 == 5 {
                line(&tampered)
            } else {
                line(&valid)
            }
        })
        .collect();
    std::fs::write(dir.join("b.jsonl"), lines.join("\n")).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..20 {
        let bytes = if i % 5 == 1 { &tampered } else { &valid };
        zip.start_file(
            format!("c{i:02}.json"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    std::fs::write(dir.join("c.zip"), zip.finish().unwrap().into_inner()).unwrap();
    let path = dir.to_str().unwrap();

    let listed: Vec<String> = json_lines(&credbridge(&["inspect", "--json", path]))
        .iter()
        .map(|l| l["item"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed.len(), 120);
    let expected_invalid = (0..40).filter(|i| i % 7 == 3).count()
        + (0..60).filter(|i| i % 11 == 5).count()
        + (0..20).filter(|i| i % 5 == 1).count();

    let mut runs = Vec::new();
    for jobs in ["1", "2", "3"] {
        let out = credbridge(&["verify", "--offline", "--json", "--jobs", jobs, path]);
        assert_eq!(out.status.code(), Some(1), "some are tampered");
        let reports = json_lines(&out);
        let items: Vec<String> = reports
            .iter()
            .map(|r| r["item"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(items, listed, "--jobs {jobs}");
        let verdicts: Vec<String> = reports
            .iter()
            .map(|r| r["verdict"].as_str().unwrap().to_owned())
            .collect();
        let invalid = verdicts.iter().filter(|v| *v == "invalid").count();
        assert_eq!(invalid, expected_invalid, "--jobs {jobs}");
        assert!(verdicts.iter().all(|v| v == "valid" || v == "invalid"));
        runs.push(verdicts);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[1], runs[2]);
}

/// Standard input is streamed like a file: a JSON Lines text piped in gets one report per
/// line, in order, named `<stdin>:N`, with each line's own verdict.
#[test]
fn json_lines_on_standard_input_are_verified_line_by_line() {
    use std::io::Write as _;
    let valid = std::fs::read(repo().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap();
    let tampered = std::fs::read(repo().join("examples/ob3-tampered.json")).unwrap();
    let line = |bytes: &[u8]| {
        serde_json::to_string(&serde_json::from_slice::<Value>(bytes).unwrap()).unwrap()
    };
    let text = [line(&valid), line(&tampered), String::new(), line(&valid)].join("\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(["verify", "--offline", "--json", "-"])
        .current_dir(repo())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports = json_lines(&out);
    let seen: Vec<(&str, &str)> = reports
        .iter()
        .map(|r| (r["item"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("<stdin>:1", "valid"),
            ("<stdin>:2", "invalid"),
            ("<stdin>:4", "valid")
        ]
    );
}
