//! Revoking 100 credentials: verification reports exactly those 100 revoked; suspension is
//! reversible.

use std::collections::HashSet;
use std::sync::Arc;

use credbridge_issue::*;
use credbridge_verify::Outcome;
use serde_json::Value;

use crate::common::*;

#[test]
fn revoke_100_then_exactly_those_100_verify_as_revoked() {
    let dir = temp_dir("revoke");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(300);
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
        128,
    )
    .unwrap();
    assert_eq!(run.report.issued, 300);

    let mut files: Vec<_> = std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let ids: Vec<String> = files
        .iter()
        .map(|f| {
            serde_json::from_slice::<Value>(&std::fs::read(f).unwrap()).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let revoked: HashSet<String> = ids.iter().step_by(3).take(100).cloned().collect();
    assert_eq!(revoked.len(), 100);

    let store: Arc<dyn StatusStore> = Arc::new(FileStatusStore::new(dir.join("status-store")));
    let mut lists = StatusLists::open(store.clone(), "college", STATUS_BASE, 0).unwrap();
    let to_revoke: Vec<String> = revoked.iter().cloned().collect();
    let touched = lists
        .set(&to_revoke, StatusPurpose::Revocation, true)
        .unwrap();
    let canonicalizer = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    publish_status_lists(
        &lists,
        &touched,
        &[StatusPurpose::Revocation],
        &issuer,
        &canonicalizer,
        NOW,
        &dir.join("out/status"),
    )
    .unwrap();

    // Reopened from the log, the lists agree.
    let reopened = StatusLists::open(store, "college", STATUS_BASE, 0).unwrap();
    for id in &ids {
        let alloc = reopened.allocation_of(id).unwrap();
        assert_eq!(
            reopened.is_set(alloc, StatusPurpose::Revocation),
            revoked.contains(id)
        );
    }

    let options = verify_options(Some(&dir.join("out/status")), &run.lists, &[]);
    let mut reported_revoked = HashSet::new();
    for (file, id) in files.iter().zip(&ids) {
        let report = verify_bytes(
            &std::fs::read(file).unwrap(),
            &file.display().to_string(),
            &options,
        );
        let status = report.checks.iter().find(|c| c.id == "status").unwrap();
        match &status.outcome {
            Outcome::Failed(reason) => {
                assert!(reason.contains("revoked"), "{reason}");
                reported_revoked.insert(id.clone());
            }
            Outcome::Passed => {}
            other => panic!("{id}: {other:?}"),
        }
    }
    assert_eq!(reported_revoked, revoked);
}

#[test]
fn unknown_credential_id_is_an_error_naming_it() {
    let dir = temp_dir("revoke-unknown");
    let store: Arc<dyn StatusStore> = Arc::new(FileStatusStore::new(dir.join("status-store")));
    let mut lists = StatusLists::open(store, "college", STATUS_BASE, 0).unwrap();
    let err = lists
        .set(
            &["urn:uuid:nope".to_owned()],
            StatusPurpose::Suspension,
            true,
        )
        .unwrap_err();
    assert!(err.to_string().contains("urn:uuid:nope"), "{err}");
}

#[test]
fn suspension_is_reversible_and_lists_have_at_least_131072_entries() {
    let dir = temp_dir("suspend");
    let store: Arc<dyn StatusStore> = Arc::new(FileStatusStore::new(dir.join("status-store")));
    let mut lists = StatusLists::open(store.clone(), "college", STATUS_BASE, 1000).unwrap();
    assert_eq!(lists.size(), MIN_LIST_ENTRIES);
    let ids = vec!["urn:uuid:a".to_owned(), "urn:uuid:b".to_owned()];
    let allocs = lists.allocate_all(&ids).unwrap();
    assert_ne!(allocs[0], allocs[1]);
    // Allocating again returns the same entries.
    assert_eq!(lists.allocate_all(&ids).unwrap(), allocs);
    lists
        .set(&ids[..1], StatusPurpose::Suspension, true)
        .unwrap();
    assert!(lists.is_set(allocs[0], StatusPurpose::Suspension));
    lists
        .set(&ids[..1], StatusPurpose::Suspension, false)
        .unwrap();
    let reopened = StatusLists::open(store, "college", STATUS_BASE, 1000).unwrap();
    assert!(!reopened.is_set(allocs[0], StatusPurpose::Suspension));
    assert_eq!(reopened.allocation_of("urn:uuid:b"), Some(allocs[1]));
    let both = reopened.credential_status(
        allocs[0],
        &[StatusPurpose::Revocation, StatusPurpose::Suspension],
    );
    assert_eq!(both.as_array().unwrap().len(), 2);
}

/// The published list, decoded with the verifier's codec (`credbridge_model::status_list`),
/// has exactly the revoked credentials' bits set, and suspension's list is a separate one.
#[test]
fn issue_revoke_n_and_the_verifiers_decoder_sees_exactly_those_n() {
    use credbridge_model::status_list::{ListKind, decode_bitstring};

    let dir = temp_dir("revoke-roundtrip");
    let (_store, issuer) = new_issuer(&dir, "college", None);
    let template = template("welding.yaml");
    let roster = roster(120);
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
        50,
    )
    .unwrap();
    assert_eq!(run.report.issued, 120);
    let store: Arc<dyn StatusStore> = Arc::new(FileStatusStore::new(dir.join("status-store")));
    let mut lists = StatusLists::open(store, "college", STATUS_BASE, 0).unwrap();
    let entries = FileJournal::new(dir.join("out/journal.jsonl"))
        .entries()
        .unwrap();
    assert_eq!(entries.len(), 120);
    // Revoke every 7th credential, suspend two others.
    let revoked: Vec<String> = entries
        .iter()
        .step_by(7)
        .map(|e| e.credential_id.clone())
        .collect();
    let suspended = vec![
        entries[1].credential_id.clone(),
        entries[2].credential_id.clone(),
    ];
    lists
        .set(&revoked, StatusPurpose::Revocation, true)
        .unwrap();
    lists
        .set(&suspended, StatusPurpose::Suspension, true)
        .unwrap();
    // Set and cleared again: not in the list.
    lists
        .set(
            &[entries[3].credential_id.clone()],
            StatusPurpose::Revocation,
            true,
        )
        .unwrap();
    lists
        .set(
            &[entries[3].credential_id.clone()],
            StatusPurpose::Revocation,
            false,
        )
        .unwrap();

    let decoded_set = |purpose: StatusPurpose| -> HashSet<u64> {
        let credential = lists
            .list_credential(1, purpose, &issuer.record.did, "2025-06-15T00:00:00Z")
            .unwrap();
        let encoded = credential["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap();
        assert!(encoded.starts_with('u'), "multibase base64url: {encoded}");
        let bits = decode_bitstring(encoded, ListKind::BitstringStatusList).unwrap();
        assert_eq!(bits.entries(1), MIN_LIST_ENTRIES as u64);
        (0..bits.entries(1))
            .filter(|i| bits.get(*i, 1).unwrap() == 1)
            .collect()
    };
    let index_of = |id: &String| u64::from(lists.allocation_of(id).unwrap().index);
    let expected: HashSet<u64> = revoked.iter().map(index_of).collect();
    assert_eq!(expected.len(), revoked.len());
    assert_eq!(decoded_set(StatusPurpose::Revocation), expected);
    let expected: HashSet<u64> = suspended.iter().map(index_of).collect();
    assert_eq!(decoded_set(StatusPurpose::Suspension), expected);
    // The indexes in the credentials are the allocated ones.
    for e in &entries {
        let (list, index) = e.status.unwrap();
        assert_eq!(list, 1);
        assert_eq!(u64::from(index), index_of(&e.credential_id));
    }
}
