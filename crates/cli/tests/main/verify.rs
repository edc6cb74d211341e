//! `credbridge verify` on bundled examples and spec fixtures: verdicts, exit codes, the report
//! schema, DID folders, recipients, folders and streams.

use crate::common::*;

#[test]
fn verify_bundled_example_is_valid_and_tampered_copy_is_invalid() {
    // Its issuer is confirmed by the example registry; without it the verdict would be
    // valid-with-warnings (see the forged-Harvard test).
    let ok = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--registry",
        "examples/registry.json",
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

    // Every file of testdata/ and examples/, and files that are not credentials or cannot be
    // read: every line is a full report (unreadable and skipped items included).
    let out = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--at",
        "2026-11-24T00:00:00Z",
        "--registry",
        "examples/registry.json",
        "testdata",
        "examples",
        "crates/cli/tests/data",
    ]);
    let reports = json_lines(&out);
    assert!(reports.len() > 1000, "{}", reports.len());
    let mut verdicts = std::collections::BTreeSet::new();
    let mut dispositions = std::collections::BTreeSet::new();
    // Presentations are among them.
    assert!(
        reports
            .iter()
            .any(|r| r["format"] == "VerifiablePresentation"),
        "no presentation report"
    );
    for report in &reports {
        if let Err(err) = schemas.validate(report, index) {
            panic!("{err:#}\n{report:#}");
        }
        verdicts.insert(report["verdict"].as_str().unwrap().to_owned());
        if let Some(d) = report["disposition"].as_str() {
            dispositions.insert(d.to_owned());
        }
    }
    // The sample exercises every verdict and disposition the schema allows.
    assert!(
        verdicts.contains("valid")
            && verdicts.contains("invalid")
            && verdicts.contains("valid-with-warnings")
            && verdicts.contains("indeterminate"),
        "{verdicts:?}"
    );
    assert!(
        dispositions.contains("skipped") && dispositions.contains("unreadable"),
        "{dispositions:?}"
    );
    // Every file gets at least one line.
    let items: Vec<&str> = reports
        .iter()
        .map(|r| r["item"].as_str().unwrap())
        .collect();
    let mut files = Vec::new();
    let mut stack = vec![repo().join("testdata")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(repo()).unwrap().to_owned());
            }
        }
    }
    assert!(files.len() > 1000, "{}", files.len());
    let mut sorted: Vec<&str> = items.clone();
    sorted.sort_unstable();
    for file in &files {
        let name = file.to_str().unwrap();
        let at = sorted.partition_point(|item| *item < name);
        assert!(
            sorted.get(at).is_some_and(|item| item.starts_with(name)),
            "no report for {name}"
        );
    }
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
        let out = credbridge(&[
            "verify",
            "--offline",
            "--json",
            "--registry",
            "examples/registry.json",
            "--jobs",
            jobs,
            path,
        ]);
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
        .args([
            "verify",
            "--offline",
            "--json",
            "--registry",
            "examples/registry.json",
            "-",
        ])
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

/// `credbridge` with extra environment variables.
fn credbridge_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo())
        .output()
        .expect("run credbridge")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} check: {report:#}"))
}

/// A credential signed by `seed`'s did:key (a key in no registry), calling its issuer
/// `issuer_name` and awarding `achievement` to `learner`.
fn signed_credential(seed: u8, issuer_name: &str, achievement: &str, learner: &str) -> Value {
    let signer = credbridge_testkit::Signer::ed25519([seed; 32]).unwrap();
    let mut credential = credbridge_testkit::ob3_credential(&signer.did.did);
    credential["issuer"]["name"] = Value::String(issuer_name.into());
    credential["name"] = Value::String(achievement.into());
    credential["credentialSubject"]["id"] = Value::String(learner.into());
    credential["credentialSubject"]["achievement"]["name"] = Value::String(achievement.into());
    signer
        .sign_data_integrity(
            &credential,
            credbridge_proofs::suites::EDDSA_RDFC_2022,
            1_781_222_400, // 2026-06-12
        )
        .unwrap()
}

/// The forged-Harvard case: a genuine signature by a fresh key that calls itself Harvard is
/// not "valid": it is valid-with-warnings, the words say the name is the issuer's own claim,
/// the header says what was verified, and `--strict` fails.
#[test]
fn a_fresh_key_calling_itself_harvard_is_only_valid_with_warnings() {
    let dir = tempdir("forged-harvard");
    let file = dir.join("mba.json");
    let credential = signed_credential(
        201,
        "Harvard University",
        "Master of Business Administration",
        "did:example:jordan",
    );
    std::fs::write(&file, credential.to_string()).unwrap();
    let path = file.to_str().unwrap();

    let json = credbridge(&["verify", "--offline", "--json", path]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let report = &json_lines(&json)[0];
    assert_eq!(report["verdict"], "valid-with-warnings", "{report:#}");
    assert_eq!(check(report, "proof")["outcome"], "passed");
    let identity = check(report, "issuer.identity");
    assert_eq!(identity["outcome"], "could-not-check", "{identity:#}");
    assert_eq!(identity["severity"], "advisory");
    let words = identity["message"].as_str().unwrap();
    assert!(
        words.contains("unknown key that calls itself Harvard University")
            && words.contains("the issuer's own claim"),
        "{words}"
    );
    assert_eq!(report["issuer_identity"]["status"], "unconfirmed");
    assert_eq!(report["issuer_identity"]["name"], "Harvard University");

    let human = credbridge(&["verify", "--offline", path]);
    assert_eq!(human.status.code(), Some(0));
    let text = stdout(&human);
    assert!(text.starts_with("✓ valid, with warnings"), "{text}");
    for expected in [
        "achievement  Master of Business Administration",
        "issuer       Harvard University (UNCONFIRMED: the name is the issuer's own claim)",
        "recipient    did:example:jordan",
        "dates        issued 2026-06-12T00:00:00Z, does not expire",
        "? issuer.identity",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    // The header comes before the checks.
    assert!(text.find("achievement").unwrap() < text.find("? issuer.identity").unwrap());

    let strict = credbridge(&["verify", "--offline", "--strict", path]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
}

/// The bundled DCC member registry is used by default: a DCC test credential signed by a key it
/// lists is confirmed by registry. A key only in the sandbox registry (test issuers) is not,
/// unless the sandbox registries are asked for.
#[test]
fn bundled_registries_confirm_issuers_and_the_sandbox_only_on_request() {
    let member = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didKey/fourRegistry-noStatus-noExpiry.json";
    let out = credbridge(&["verify", "--offline", "--json", member]);
    let report = &json_lines(&out)[0];
    assert_eq!(
        check(report, "issuer.identity")["outcome"],
        "passed",
        "{report:#}"
    );
    assert_eq!(report["issuer_identity"]["status"], "confirmed");
    assert_eq!(report["issuer_identity"]["confirmed_by"], "registry");
    assert!(
        report["issuer_identity"]["source"]
            .as_str()
            .unwrap()
            .starts_with("DCC Member Registry"),
        "{report:#}"
    );
    let human = stdout(&credbridge(&["verify", "--offline", member]));
    assert!(
        human.contains("(confirmed by DCC Member Registry"),
        "{human}"
    );

    let sandbox_only = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didKey/mixedRegistry-validStatus-noExpiry.json";
    let by_default = credbridge(&["verify", "--offline", "--json", sandbox_only]);
    let report = &json_lines(&by_default)[0];
    assert_eq!(
        report["issuer_identity"]["status"], "unconfirmed",
        "{report:#}"
    );
    let asked = credbridge_env(
        &["verify", "--offline", "--json", sandbox_only],
        &[("CREDBRIDGE_SANDBOX_REGISTRIES", "1")],
    );
    let report = &json_lines(&asked)[0];
    assert_eq!(
        report["issuer_identity"]["confirmed_by"], "registry",
        "{report:#}"
    );
    assert!(
        report["issuer_identity"]["source"]
            .as_str()
            .unwrap()
            .contains("Sandbox"),
        "{report:#}"
    );
    // Switched off, nothing confirms even the member registry's issuer.
    let off = credbridge_env(
        &["verify", "--offline", "--json", member],
        &[("CREDBRIDGE_BUNDLED_REGISTRIES", "0")],
    );
    assert_eq!(
        json_lines(&off)[0]["issuer_identity"]["status"],
        "unconfirmed"
    );
}

/// A DID document for a did:web issuer, as found lying next to credentials.
fn did_document(i: usize) -> Value {
    let did = format!("did:web:issuer{i}.example.edu");
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": format!("{did}#key-1"),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": "z6MkgD4uqHMGqGqKm2oU7E2Uf2dRbY5RjeEkJ1mu5s5wVjro"
        }],
        "assertionMethod": [format!("{did}#key-1")]
    })
}

/// A batch cannot hide a forgery: 100 credentials (one tampered), 10 DID documents and a stray
/// text file exit 1, with the tampered one listed as invalid and the others as skipped; without
/// the tampered one the batch exits 0 and still lists the skipped files.
#[test]
fn a_folder_of_credentials_and_stray_files_cannot_hide_a_tampered_credential() {
    let dir = tempdir("batch-classes");
    for i in 0..100 {
        let mut credential = signed_credential(
            202,
            "Riverside Community College",
            "Data Analysis with Python",
            &format!("did:example:learner{i}"),
        );
        if i == 42 {
            credential["credentialSubject"]["achievement"]["name"] =
                Value::String("Master of Business Administration".into());
        }
        std::fs::write(
            dir.join(format!("credential-{i:03}.json")),
            credential.to_string(),
        )
        .unwrap();
    }
    for i in 0..10 {
        std::fs::write(
            dir.join(format!("did-{i}.json")),
            did_document(i).to_string(),
        )
        .unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "Shortlist: call back on Monday.\n").unwrap();
    let path = dir.to_str().unwrap();
    let tampered = dir.join("credential-042.json");

    let out = credbridge(&["verify", "--offline", path]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains("111 items: 100 credentials (0 valid, 99 valid with warnings, 1 invalid, 0 could not be fully checked), 0 unreadable, 11 skipped (not a credential)"),
        "{summary}"
    );
    let invalid = summary.split("invalid (1):\n").nth(1).expect(&summary);
    assert!(
        invalid.starts_with(&format!("  {}\n", tampered.display())),
        "{summary}"
    );
    let skipped = summary
        .split("skipped: not a credential (11):\n")
        .nth(1)
        .expect(&summary);
    for i in 0..10 {
        assert!(skipped.contains(&format!("did-{i}.json")), "{summary}");
    }
    assert!(skipped.contains("notes.txt"), "{summary}");
    assert!(stdout(&out).contains("- skipped"), "{}", stdout(&out));

    // JSON: one line per item, skipped ones marked so.
    let json = credbridge(&["verify", "--offline", "--json", path]);
    let lines = json_lines(&json);
    assert_eq!(lines.len(), 111);
    let skipped_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| l["disposition"] == "skipped")
        .collect();
    assert_eq!(skipped_lines.len(), 11);
    assert!(
        skipped_lines
            .iter()
            .any(|l| l["checks"][0]["message"] == "skipped: not a credential (a DID document)"),
        "{:#}",
        skipped_lines[0]
    );

    std::fs::remove_file(&tampered).unwrap();
    let clean = credbridge(&["verify", "--offline", path]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let summary = stderr(&clean);
    assert!(
        summary.contains("skipped: not a credential (11):\n"),
        "{summary}"
    );
    assert!(
        summary.contains("notes.txt") && summary.contains("did-9.json"),
        "{summary}"
    );
    assert!(!summary.contains("invalid ("), "{summary}");
}

/// The batch exit code puts invalid before indeterminate before unreadable, and a folder with
/// no credential says so.
#[test]
fn batch_exit_codes_rank_invalid_then_indeterminate_then_unreadable() {
    let broken = "crates/cli/tests/data/broken-credential.json";
    let did_web = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/oidf-noStatus-notExpired.json";
    let unreadable_and_invalid =
        credbridge(&["verify", "--offline", broken, "examples/ob3-tampered.json"]);
    assert_eq!(unreadable_and_invalid.status.code(), Some(1));
    let unreadable_and_indeterminate = credbridge(&["verify", "--offline", broken, did_web]);
    assert_eq!(unreadable_and_indeterminate.status.code(), Some(3));
    let unreadable_only = credbridge(&["verify", "--offline", broken]);
    assert_eq!(unreadable_only.status.code(), Some(2));

    let empty = tempdir("empty-folder");
    let out = credbridge(&["verify", "--offline", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no credential was found"),
        "{}",
        stderr(&out)
    );
    let strays = credbridge(&[
        "verify",
        "--offline",
        "crates/cli/tests/data/not-credentials",
    ]);
    assert_eq!(strays.status.code(), Some(2));
    let text = stderr(&strays);
    assert!(text.contains("no credential was found"), "{text}");
    assert!(text.contains("skipped: not a credential (4):"), "{text}");
}
