//! Batch jobs (what `POST /issuers/{name}/batches` runs): submit, progress, idempotent
//! re-submission, tenant isolation, input errors before a job exists, resume after a crash.

use std::collections::HashSet;
use std::sync::Arc;

use credbridge_issue::*;
use credbridge_keys::KeyType;
use serde_json::Value;

use crate::common::*;

fn jobs(dir: &std::path::Path) -> Arc<BatchJobs> {
    Arc::new(
        BatchJobs::new(
            dir.join("jobs"),
            master(),
            Arc::new(credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts()),
            Arc::new(IriShapeChecker),
        )
        .with_clock(|| NOW),
    )
}

fn request(rows: usize) -> BatchRequest {
    let template =
        std::fs::read_to_string(crate_dir().join("testdata/templates/welding.yaml")).unwrap();
    let mut roster = roster_csv(rows);
    // One row with a bad date, one repeating an award: reported, skipped, the batch goes on.
    roster.push_str("bad@example.edu,Bad,Row,not-a-date,Pass,https://college.example/e\n");
    roster.push_str(
        "learner0@example.edu,Given0,Family0,2025-06-01,Pass,https://college.example/evidence/0\n",
    );
    BatchRequest {
        template: Value::String(template),
        roster,
        status_base_url: Some(STATUS_BASE.into()),
        zip: true,
        ..BatchRequest::default()
    }
}

fn credential_files(out: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(out.join("credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn a_submitted_batch_runs_to_done_and_resubmitting_it_issues_nothing_twice() {
    let dir = temp_dir("jobs-submit");
    let jobs = jobs(&dir);
    jobs.home("tenant-a")
        .create(&master(), "college", profile(), None, KeyType::Ed25519, NOW)
        .unwrap();
    let handle = jobs.submit("tenant-a", "college", &request(300)).unwrap();
    assert!(handle.started);
    assert!(matches!(
        handle.status.state,
        JobState::Queued | JobState::Running
    ));
    let status = jobs.wait("tenant-a", &handle.id).unwrap().unwrap();
    assert_eq!(status.state, JobState::Done, "{status:?}");
    // The roster reader skips the bad date; the batch handles the other 301 rows.
    assert_eq!(status.progress.handled, 301);
    assert_eq!(status.progress.total, 301);
    let outcome = status.outcome.unwrap();
    assert_eq!(outcome.issued, 300);
    assert_eq!(outcome.total_credentials, 300);
    assert_eq!(outcome.files, ["manifest.csv", "batch.zip"]);
    let rows: Vec<(usize, &str)> = outcome
        .row_errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(rows, [(301, "awarded_at"), (302, "email")]);
    assert!(outcome.lint_score > 0);

    // Every credential verifies, with its status list as published by the job.
    let out = jobs.out_dir("tenant-a", &handle.id).unwrap();
    let files = credential_files(&out);
    assert_eq!(files.len(), 300);
    let status_dir = jobs.home("tenant-a").public_dir("college").join("status");
    let options = verify_options(Some(&status_dir), &[1], &[]);
    for file in files.iter().step_by(15) {
        let report = verify_bytes(&std::fs::read(file).unwrap(), "c.json", &options);
        assert!(
            matches!(
                report.verdict,
                credbridge_verify::Verdict::Valid | credbridge_verify::Verdict::ValidWithWarnings
            ),
            "{}: {:?}",
            file.display(),
            report.verdict
        );
    }

    // The same batch again: the same id, nothing started, nothing issued.
    let again = jobs.submit("tenant-a", "college", &request(300)).unwrap();
    assert_eq!(again.id, handle.id);
    assert!(!again.started);
    assert_eq!(again.status.state, JobState::Done);
    assert_eq!(credential_files(&out).len(), 300);

    // Another tenant sees no such batch and no such issuer.
    assert_eq!(jobs.status("tenant-b", &handle.id).unwrap(), None);
    assert!(matches!(
        jobs.submit("tenant-b", "college", &request(3)),
        Err(IssueError::UnknownIssuer { .. })
    ));
    // Ids that are not batch ids are simply not found.
    assert_eq!(jobs.status("tenant-a", "../../etc").unwrap(), None);
    assert_eq!(jobs.out_dir("tenant-a", "../x"), None);
}

#[test]
fn bad_input_is_refused_before_a_job_exists() {
    let dir = temp_dir("jobs-bad-input");
    let jobs = jobs(&dir);
    jobs.home("t")
        .create(&master(), "college", profile(), None, KeyType::Ed25519, NOW)
        .unwrap();
    let mut bad_header = request(2);
    bad_header.roster = "mail,name\na@b.example,A\n".into();
    assert!(matches!(
        jobs.submit("t", "college", &bad_header),
        Err(IssueError::RosterHeader { .. })
    ));
    let mut bad_template = request(2);
    bad_template.template = Value::String("[1, 2".into());
    assert!(matches!(
        jobs.submit("t", "college", &bad_template),
        Err(IssueError::Parse { .. })
    ));
    let mut not_a_mapping = request(2);
    not_a_mapping.template = serde_json::json!(["a"]);
    assert!(matches!(
        jobs.submit("t", "college", &not_a_mapping),
        Err(IssueError::TemplateInvalid { .. })
    ));
    assert!(matches!(
        jobs.submit("t", "../college", &request(2)),
        Err(IssueError::IssuerName { .. })
    ));
    assert!(!jobs.home("t").dir().join("batches").exists());
}

/// A process that dies mid-batch leaves the job interrupted; a new process resumes it and the
/// batch ends with exactly one credential per row and no status index used twice.
#[test]
fn an_interrupted_job_resumes_after_a_restart() {
    let dir = temp_dir("jobs-resume");
    let first = jobs(&dir);
    first
        .home("t")
        .create(&master(), "college", profile(), None, KeyType::Ed25519, NOW)
        .unwrap();
    let handle = first.submit("t", "college", &request(2100)).unwrap();
    let done = first.wait("t", &handle.id).unwrap().unwrap();
    assert_eq!(done.outcome.unwrap().issued, 2100);
    // Make it look like the process died after the first chunk: no ending written, the
    // journal holding only the first 1024 credentials, the later files half there.
    let job = first.home("t").dir().join("batches").join(&handle.id);
    std::fs::remove_file(job.join("state.json")).unwrap();
    let journal = job.join("out/journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    let kept: Vec<&str> = text.lines().take(1024).collect();
    std::fs::write(&journal, format!("{}\n", kept.join("\n"))).unwrap();
    let out = job.join("out");
    let journaled: HashSet<String> = kept
        .iter()
        .map(|line| serde_json::from_str::<JournalEntry>(line).unwrap().files[0].clone())
        .collect();
    let mut torn = 0;
    for entry in std::fs::read_dir(out.join("credentials")).unwrap() {
        let name = format!(
            "credentials/{}",
            entry.unwrap().file_name().to_string_lossy()
        );
        if !journaled.contains(&name) && torn < 500 {
            std::fs::write(out.join(&name), b"{\"torn").unwrap();
            torn += 1;
        }
    }
    assert_eq!(torn, 500);
    drop(first);

    let second = jobs(&dir);
    let status = second.status("t", &handle.id).unwrap().unwrap();
    assert_eq!(status.state, JobState::Interrupted);
    assert_eq!(status.progress.issued, 1024);
    assert_eq!(
        second.resume_interrupted("t").unwrap(),
        vec![handle.id.clone()]
    );
    let status = second.wait("t", &handle.id).unwrap().unwrap();
    assert_eq!(status.state, JobState::Done, "{status:?}");
    let outcome = status.outcome.unwrap();
    assert_eq!(outcome.issued, 2100 - 1024);
    assert_eq!(outcome.already_issued, 1024);
    assert_eq!(outcome.total_credentials, 2100);

    let mut ids = HashSet::new();
    let mut indexes = HashSet::new();
    for file in credential_files(&out) {
        let credential: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert!(ids.insert(credential["id"].as_str().unwrap().to_owned()));
        assert!(
            indexes.insert(
                credential["credentialStatus"]["statusListIndex"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            )
        );
    }
    assert_eq!(ids.len(), 2100);
    // Resuming a done job does nothing.
    let again = second.resume("t", &handle.id).unwrap().unwrap();
    assert!(!again.started);
}
