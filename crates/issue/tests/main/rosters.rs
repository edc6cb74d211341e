//! Rosters from every source: a mapped registrar CSV, a OneRoster 1.2 CSV bundle, and
//! OneRoster/Edu-API JSON; and the CLI path through the issuer home.

use std::path::PathBuf;

use credbridge_issue::*;
use credbridge_keys::KeyType;
use credbridge_verify::Outcome;

use crate::common::*;

fn data(name: &str) -> PathBuf {
    crate_dir().join("testdata").join(name)
}

#[test]
fn a_mapped_registrar_csv_reports_the_bad_date_by_row_and_column() {
    let mapping = ColumnMapping::load(&data("mapping.yaml")).unwrap();
    let roster = read_csv(&data("registrar-export.csv"), Some(&mapping)).unwrap();
    assert_eq!(roster.rows.len(), 1);
    assert_eq!(roster.rows[0].student_id.as_deref(), Some("S1001"));
    assert_eq!(roster.rows[0].result_level.as_deref(), Some("Merit"));
    assert_eq!(roster.errors.len(), 1);
    assert_eq!(
        (roster.errors[0].row, roster.errors[0].column.as_str()),
        (2, "Completion date")
    );
}

#[test]
fn oneroster_csv_bundle_gives_fully_graded_results_of_the_line_item() {
    let roster = read_oneroster_csv(&data("oneroster"), Some("li-weld-1")).unwrap();
    let emails: Vec<&str> = roster
        .rows
        .iter()
        .map(|r| r.email.as_deref().unwrap())
        .collect();
    assert_eq!(
        emails,
        [
            "ada.lovelace@college.example",
            "alan.turing@college.example"
        ]
    );
    assert_eq!(roster.rows[0].awarded_at, "2025-05-30T00:00:00Z");
    assert_eq!(roster.rows[0].student_id.as_deref(), Some("S1001"));
    let errors: Vec<(usize, &str)> = roster
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(errors, [(3, "scoreStatus"), (4, "studentSourcedId")]);
    // All line items: the quiz result joins.
    assert_eq!(
        read_oneroster_csv(&data("oneroster"), None)
            .unwrap()
            .rows
            .len(),
        3
    );
    assert!(read_oneroster_csv(&data("oneroster"), Some("li-nope")).is_err());
}

#[test]
fn oneroster_json_reads_rest_users_and_edu_api_persons() {
    let roster = read_oneroster_json(&data("oneroster.json"), Some("li-weld-1")).unwrap();
    assert_eq!(roster.rows.len(), 2);
    assert_eq!(roster.rows[1].given_name, "Alan");
    assert_eq!(
        roster.rows[1].email.as_deref(),
        Some("alan.turing@college.example")
    );
    assert_eq!(roster.rows[1].awarded_at, "2025-05-31T14:00:00Z");
    assert_eq!(
        (roster.errors[0].row, roster.errors[0].column.as_str()),
        (3, "scoreDate")
    );
}

#[test]
fn the_issuer_home_runs_create_issue_and_revoke_like_the_cli() {
    let dir = temp_dir("home");
    let home = IssuerHome::new(dir.join("home"));
    let record = home
        .create(
            &master(),
            "college",
            profile(),
            Some("college.example".into()),
            KeyType::Ed25519,
            NOW,
        )
        .unwrap();
    assert!(dir.join("home/public/college/did.json").exists());
    let canonicalizer = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    let summary = home
        .issue(
            &master(),
            IssueRequest {
                template: crate_dir().join("testdata/templates/welding.yaml"),
                roster: RosterSource::detect(&data("oneroster"), None),
                issuer: "college".into(),
                out_dir: dir.join("out"),
                delivery: Delivery {
                    json: true,
                    ..Delivery::default()
                },
                purposes: vec![StatusPurpose::Revocation, StatusPurpose::Suspension],
                status_base_url: None,
                now: NOW,
                canonicalizer: &canonicalizer,
                checker: &IriShapeChecker,
                progress: &|_| {},
            },
        )
        .unwrap();
    // The quiz score "9" is not a rubric level of the template: reported, skipped.
    assert_eq!(summary.batch.issued, 2);
    assert_eq!(summary.roster_errors.len(), 2);
    assert_eq!(summary.batch.row_errors.len(), 1);
    assert_eq!(summary.batch.row_errors[0].column, "result_level");
    assert_eq!(summary.status_lists.len(), 2, "one list per purpose");

    let id = credential_id(
        "https://college.example/achievements/welding-level-1",
        "ada.lovelace@college.example",
        "2025-05-30T00:00:00Z",
    );
    home.set_status(
        &master(),
        std::slice::from_ref(&id),
        StatusPurpose::Suspension,
        true,
        None,
        &canonicalizer,
        NOW,
    )
    .unwrap();
    let err = home
        .set_status(
            &master(),
            &[id.clone(), "urn:uuid:unknown".into()],
            StatusPurpose::Revocation,
            true,
            None,
            &canonicalizer,
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, IssueError::UnknownCredential { .. }), "{err}");

    // Verify: lists served from public/college/status at https://college.example/status/N/PURPOSE.
    let did_doc =
        serde_json::from_slice(&std::fs::read(dir.join("home/public/college/did.json")).unwrap())
            .unwrap();
    let options = verify_options(
        Some(&dir.join("home/public/college/status")),
        &[1],
        &[did_doc],
    );
    let mut suspended = 0;
    for entry in std::fs::read_dir(dir.join("out/credentials")).unwrap() {
        let path = entry.unwrap().path();
        let report = verify_bytes(
            &std::fs::read(&path).unwrap(),
            &path.display().to_string(),
            &options,
        );
        let status = report.checks.iter().find(|c| c.id == "status").unwrap();
        let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
        assert_eq!(proof.outcome, Outcome::Passed, "{}", proof.message);
        if path.display().to_string().contains(&batch::file_stem(&id)) {
            assert!(
                matches!(&status.outcome, Outcome::Failed(r) if r.contains("suspended")),
                "{:?}",
                status.outcome
            );
            suspended += 1;
        } else {
            assert_eq!(status.outcome, Outcome::Passed, "{}", status.message);
        }
    }
    assert_eq!(suspended, 1);
    assert_eq!(record.did, "did:web:college.example");
}

/// A did:key issuer has no default place for its lists; a batch issued with an explicit
/// status base must still be revocable later through the API path (`Instances::set_status`,
/// which `POST /credentials/status` calls) and the CLI without `--status-base`, and the
/// re-published list must carry the URL the credentials name.
#[test]
fn a_did_key_batch_with_its_own_status_base_is_revoked_later_without_naming_the_base() {
    let dir = temp_dir("didkey-base");
    let home = IssuerHome::new(dir.join("home"));
    let record = home
        .create(&master(), "quick", profile(), None, KeyType::Ed25519, NOW)
        .unwrap();
    assert!(record.did.starts_with("did:key:"), "{}", record.did);
    let base = "https://badges.example/lists/quick";
    let canonicalizer = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    let summary = home
        .issue(
            &master(),
            IssueRequest {
                template: crate_dir().join("testdata/templates/welding.yaml"),
                roster: RosterSource::detect(&data("oneroster"), None),
                issuer: "quick".into(),
                out_dir: dir.join("out"),
                delivery: Delivery {
                    json: true,
                    ..Delivery::default()
                },
                purposes: vec![StatusPurpose::Revocation],
                status_base_url: Some(format!("{base}/")),
                now: NOW,
                canonicalizer: &canonicalizer,
                checker: &IriShapeChecker,
                progress: &|_| {},
            },
        )
        .unwrap();
    assert_eq!(summary.batch.issued, 2);
    assert_eq!(
        home.remembered_status_base("quick").unwrap().as_deref(),
        Some(base)
    );
    let id = credential_id(
        "https://college.example/achievements/welding-level-1",
        "ada.lovelace@college.example",
        "2025-05-30T00:00:00Z",
    );
    // The API path: the server's issuer instances know nothing of this batch's base.
    let instances = Instances::new(
        IssuerHome::new(dir.join("home")),
        master(),
        "https://elsewhere.example/status",
    );
    instances
        .set_status(&id, StatusPurpose::Revocation, true, &canonicalizer, NOW)
        .unwrap();

    let list_file = dir.join("home/public/quick/status/1/revocation.json");
    let list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&list_file).unwrap()).unwrap();
    assert_eq!(list["id"], format!("{base}/1/revocation"));
    let mut options = verify_options(None, &[], &[]);
    let mut docs =
        credbridge_fetch::OfflineDocuments::new(std::sync::Arc::new(credbridge_fetch::FixedClock(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(LATER as u64),
        )));
    docs.insert(format!("{base}/1/revocation"), list_file);
    options.documents = Some(std::sync::Arc::new(docs));
    let mut revoked = Vec::new();
    for entry in std::fs::read_dir(dir.join("out/credentials")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let credential: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            credential["credentialStatus"]["statusListCredential"],
            format!("{base}/1/revocation")
        );
        let report = verify_bytes(&bytes, &path.display().to_string(), &options);
        let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
        assert_eq!(proof.outcome, Outcome::Passed, "{}", proof.message);
        let status = report.checks.iter().find(|c| c.id == "status").unwrap();
        match &status.outcome {
            Outcome::Failed(r) if r.contains("revoked") => {
                revoked.push(credential["id"].as_str().unwrap().to_owned())
            }
            Outcome::Passed => {}
            other => panic!("{other:?}: {}", status.message),
        }
    }
    assert_eq!(revoked, std::slice::from_ref(&id));
    // And the CLI path without --status-base (unsuspending nothing is still found).
    home.set_status(
        &master(),
        std::slice::from_ref(&id),
        StatusPurpose::Revocation,
        true,
        None,
        &canonicalizer,
        NOW,
    )
    .unwrap();
}
