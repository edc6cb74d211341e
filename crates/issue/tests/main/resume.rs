//! A batch killed mid-run and run again gives exactly one credential per row, and no status
//! index is used twice.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use credbridge_issue::*;
use serde_json::Value;

use crate::common::*;

fn credentials(dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect()
}

#[test]
fn crash_after_allocation_then_rerun_gives_exactly_n_distinct_credentials() {
    let dir = temp_dir("resume");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(250);
    // Chunks of 40: the "kill" comes after chunk 3 was allocated and written but before it
    // reached the journal.
    let err = run_batch(
        &dir,
        &issuer,
        &template,
        &roster.rows,
        Delivery {
            json: true,
            ..Delivery::default()
        },
        Some(3),
        40,
    )
    .err()
    .expect("the simulated crash stops the batch");
    assert!(err.to_string().contains("simulated crash"), "{err}");
    let journal = FileJournal::new(dir.join("out/journal.jsonl"));
    assert_eq!(journal.entries().unwrap().len(), 80);
    // The kill also tore the journal's last line mid-write.
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("out/journal.jsonl"))
        .unwrap()
        .write_all(br#"{"credential_id":"urn:uuid:torn"#)
        .unwrap();
    let allocations_before: HashMap<String, Value> = credentials(&dir)
        .into_iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["credentialStatus"]["statusListIndex"].clone(),
            )
        })
        .collect();
    assert_eq!(
        allocations_before.len(),
        120,
        "chunk 3 was written before the crash"
    );

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
        40,
    )
    .unwrap();
    assert_eq!(run.report.already_issued, 80);
    assert_eq!(run.report.issued, 170);
    assert_eq!(run.report.total_credentials, 250);

    let all = credentials(&dir);
    assert_eq!(all.len(), 250);
    let ids: HashSet<&str> = all.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 250);
    let indexes: HashSet<&str> = all
        .iter()
        .map(|c| c["credentialStatus"]["statusListIndex"].as_str().unwrap())
        .collect();
    assert_eq!(indexes.len(), 250, "no status index used twice");
    // Credentials re-signed after the crash kept the index they were first given.
    for c in &all {
        if let Some(before) = allocations_before.get(c["id"].as_str().unwrap()) {
            assert_eq!(&c["credentialStatus"]["statusListIndex"], before);
        }
    }
    // The status log holds one allocation per credential, none twice.
    let events = FileStatusStore::new(dir.join("status-store"))
        .load("college")
        .unwrap();
    let allocated: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            StatusEvent::Allocate { index, .. } => Some(*index),
            StatusEvent::Set { .. } => None,
        })
        .collect();
    assert_eq!(allocated.len(), 250);
    assert_eq!(allocated.iter().collect::<HashSet<_>>().len(), 250);

    // A third run issues nothing.
    let again = run_batch(
        &dir,
        &issuer,
        &template,
        &roster.rows,
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        40,
    )
    .unwrap();
    assert_eq!((again.report.issued, again.report.already_issued), (0, 250));
    assert_eq!(credentials(&dir).len(), 250);
}
