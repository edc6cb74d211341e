//! A roster becomes credentials that verify, pass the OB 3.0 schema and carry their template's
//! lint score in the manifest; every delivery format verifies.

use std::collections::HashSet;

use credbridge_issue::*;
use credbridge_model::{Verdict as SchemaVerdict, schema_findings};
use credbridge_verify::{Outcome, Severity, Verdict};
use serde_json::Value;

use crate::common::*;

fn assert_verifies(report: &credbridge_verify::VerificationReport) {
    let bad: Vec<String> = report
        .checks
        .iter()
        .filter(|c| {
            c.severity == Severity::Fatal
                && !matches!(c.outcome, Outcome::Passed | Outcome::NotApplicable)
        })
        .map(|c| format!("{}: {:?} {}", c.id, c.outcome, c.message))
        .collect();
    assert!(
        matches!(report.verdict, Verdict::Valid | Verdict::ValidWithWarnings) && bad.is_empty(),
        "{}: {:?} {bad:?}",
        report.item,
        report.verdict
    );
    let status = report
        .checks
        .iter()
        .find(|c| c.id == "status")
        .expect("a status check");
    assert_eq!(status.outcome, Outcome::Passed, "{}", status.message);
}

#[test]
fn roster_of_300_becomes_300_credentials_that_verify_and_pass_the_schema() {
    let dir = temp_dir("batch-300");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(300);
    assert!(roster.errors.is_empty(), "{:?}", roster.errors);
    let run = run_batch(
        &dir,
        &issuer,
        &template,
        &roster.rows,
        Delivery {
            json: true,
            zip: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();
    assert_eq!(run.report.issued, 300);
    assert_eq!(run.report.total_credentials, 300);
    assert!(
        run.report.row_errors.is_empty(),
        "{:?}",
        run.report.row_errors
    );

    let options = verify_options(Some(&dir.join("out/status")), &run.lists, &[]);
    let files: Vec<_> = std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 300);
    let mut ids = HashSet::new();
    let mut indexes = HashSet::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        ids.insert(value["id"].as_str().unwrap().to_owned());
        indexes.insert(
            value["credentialStatus"]["statusListIndex"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let doc = credbridge_model::parse(&value).unwrap();
        let schema = schema_findings(&doc);
        assert_eq!(
            schema.verdict,
            SchemaVerdict::Pass,
            "{}: {schema}",
            file.display()
        );
        assert_verifies(&verify_bytes(&bytes, &file.display().to_string(), &options));
    }
    assert_eq!(ids.len(), 300);
    assert_eq!(indexes.len(), 300, "no status index is used twice");

    // The manifest carries the template's lint score on every line.
    let lint = lint_template(&template.source, &IriShapeChecker);
    let manifest = std::fs::read_to_string(dir.join("out/manifest.csv")).unwrap();
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(lines.len(), 301);
    assert!(lines[0].contains("lint_score"));
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(&format!(",{},{}", lint.score, lint::RULES_VERSION))),
        "{}",
        lines[1]
    );
    assert!(dir.join("out/batch.zip").exists());
}

#[test]
fn results_hashes_and_evidence_are_in_the_credential() {
    let dir = temp_dir("batch-content");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(2);
    run_batch(
        &dir,
        &issuer,
        &template,
        &roster.rows,
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();
    let id = credential_id(
        &template.id,
        "learner1@example.edu",
        &roster.rows[1].awarded_at,
    );
    let path = dir
        .join("out/credentials")
        .join(format!("{}.json", batch::file_stem(&id)));
    let c: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let subject = &c["credentialSubject"];
    // The email travels only as a salted SHA-256 hash.
    let identity = &subject["identifier"][0];
    assert_eq!(identity["identityType"], "emailAddress");
    let salt = identity["salt"].as_str().unwrap();
    use sha2::Digest;
    let expected = format!(
        "sha256${:x}",
        sha2::Sha256::digest(format!("learner1@example.edu{salt}"))
    );
    assert_eq!(identity["identityHash"], expected.as_str());
    assert!(!c.to_string().contains("learner1@example.edu"));
    // "merit" matched the rubric level by name, case-insensitively.
    assert_eq!(
        subject["result"][0]["achievedLevel"],
        "https://college.example/achievements/welding-level-1/levels/merit"
    );
    assert_eq!(c["evidence"][0]["id"], "https://college.example/evidence/1");
    assert_eq!(
        c["validUntil"].as_str().unwrap(),
        "2028-06-14T00:00:00Z",
        "expiry {{days: 1095}} from issuance"
    );
}

#[test]
fn bad_rows_are_reported_by_row_and_column_and_the_batch_goes_on() {
    let dir = temp_dir("batch-bad-rows");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let csv = "email,given_name,family_name,awarded_at,result_level\n\
               a@example.edu,A,A,2025-06-01,Pass\n\
               b@example,B,B,2025-06-01,Pass\n\
               c@example.edu,C,C,2025-06-01,Distinction\n\
               d@example.edu,D,D,2025-13-01,Pass\n\
               a@example.edu,A,A,2025-06-01,Pass\n\
               e@example.edu,E,E,2025-06-01,\n";
    let roster = roster::parse_csv(csv.as_bytes(), std::path::Path::new("r.csv"), None).unwrap();
    let mut errors: Vec<(usize, String)> = roster
        .errors
        .iter()
        .map(|e| (e.row, e.column.clone()))
        .collect();
    let run = run_batch(
        &dir,
        &issuer,
        &template,
        &roster.rows,
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();
    errors.extend(
        run.report
            .row_errors
            .iter()
            .map(|e| (e.row, e.column.clone())),
    );
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (2, "email".to_owned()),
            (3, "result_level".to_owned()),
            (4, "awarded_at".to_owned()),
            (5, "email".to_owned())
        ]
    );
    assert_eq!(run.report.issued, 2);
}

#[test]
fn jwt_png_and_svg_deliveries_verify() {
    let dir = temp_dir("batch-formats");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(3);
    let delivery = Delivery {
        json: true,
        jwt: true,
        png: Some(std::fs::read(crate_dir().join("testdata/badge.png")).unwrap()),
        svg: Some(std::fs::read(crate_dir().join("testdata/badge.svg")).unwrap()),
        zip: true,
    };
    let run = run_batch(&dir, &issuer, &template, &roster.rows, delivery, None, 64).unwrap();
    assert_eq!(run.report.issued, 3);
    let options = verify_options(Some(&dir.join("out/status")), &run.lists, &[]);
    let mut kinds = HashSet::new();
    for entry in std::fs::read_dir(dir.join("out/credentials")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        kinds.insert(path.extension().unwrap().to_str().unwrap().to_owned());
        assert_verifies(&verify_bytes(&bytes, &path.display().to_string(), &options));
    }
    assert_eq!(
        kinds,
        ["json", "jwt", "png", "svg"]
            .map(str::to_owned)
            .into_iter()
            .collect()
    );
    // The zip holds the manifest and every file.
    let zip = std::fs::read(dir.join("out/batch.zip")).unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(archive.len(), 1 + 3 * 4);
}

#[test]
fn program_clr_holds_the_learners_credentials_with_associations_and_verifies() {
    let dir = temp_dir("batch-clr");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let program = template("program.yaml");
    let parts = [template("welding.yaml"), template("welding2.yaml")];
    let roster = roster(1);
    let mut credentials = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let part_dir = dir.join(format!("part{i}"));
        let mut row = roster.rows[0].clone();
        row.result_level = None;
        run_batch(
            &part_dir,
            &issuer,
            part,
            &[row.clone()],
            Delivery {
                json: true,
                ..Delivery::default()
            },
            None,
            64,
        )
        .unwrap();
        let id = credential_id(&part.id, row.recipient_key(), &row.awarded_at);
        let path = part_dir
            .join("out/credentials")
            .join(format!("{}.json", batch::file_stem(&id)));
        credentials.push(serde_json::from_slice::<Value>(&std::fs::read(path).unwrap()).unwrap());
    }
    let canonicalizer = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    let part_refs: Vec<&Template> = parts.iter().collect();
    let clr = build_clr(
        &program,
        &part_refs,
        &roster.rows[0],
        &credentials,
        &issuer,
        &canonicalizer,
        NOW,
    )
    .unwrap();
    let kinds: Vec<(&str, &str, &str)> = clr["credentialSubject"]["association"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["associationType"].as_str().unwrap(),
                a["sourceId"].as_str().unwrap(),
                a["targetId"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(kinds.contains(&("isParentOf", program.id.as_str(), parts[0].id.as_str())));
    assert!(kinds.contains(&("isChildOf", parts[1].id.as_str(), program.id.as_str())));
    assert!(kinds.contains(&("precedes", parts[0].id.as_str(), parts[1].id.as_str())));
    let doc = credbridge_model::parse(&clr).unwrap();
    let schema = schema_findings(&doc);
    assert_eq!(schema.verdict, SchemaVerdict::Pass, "{schema}");
    // Inner credentials point at status lists of their own batches; verify the CLR offline
    // for its proof and structure.
    let report = verify_bytes(
        &serde_json::to_vec(&clr).unwrap(),
        "clr.json",
        &verify_options(None, &[], &[]),
    );
    let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
    assert_eq!(proof.outcome, Outcome::Passed, "{report:#?}");
}

#[test]
fn a_did_recipient_is_the_subject_id_and_a_rerun_counts_duplicates_once() {
    let dir = temp_dir("batch-did");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let csv = "did,given_name,family_name,awarded_at\n\
               did:example:ebfeb1f712ebc6f1c276e12ec21,Ada,L,2025-06-01\n\
               did:example:ebfeb1f712ebc6f1c276e12ec21,Ada,L,2025-06-01\n";
    let roster = roster::parse_csv(csv.as_bytes(), std::path::Path::new("r.csv"), None).unwrap();
    assert_eq!(roster.rows.len(), 2);
    for round in 0..2 {
        let run = run_batch(
            &dir,
            &issuer,
            &template,
            &roster.rows,
            Delivery {
                json: true,
                ..Delivery::default()
            },
            None,
            64,
        )
        .unwrap();
        assert_eq!(
            (run.report.issued, run.report.already_issued),
            if round == 0 { (1, 0) } else { (0, 1) }
        );
        assert_eq!(run.report.row_errors.len(), 1);
        assert_eq!(run.report.row_errors[0].row, 2);
    }
    let file = std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let c: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(
        c["credentialSubject"]["id"],
        "did:example:ebfeb1f712ebc6f1c276e12ec21"
    );
    assert!(c["credentialSubject"].get("identifier").is_none());
}
