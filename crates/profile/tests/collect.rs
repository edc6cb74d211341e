//! The shared load → verify → normalize loop: many credentials verified on a worker pool (the
//! bulk pipeline), each normalized with its own verdict, in input order; what is not a
//! credential is skipped and what cannot be read is reported; people come out grouped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;

use credbridge_formats::Limits;
use credbridge_keys::ChainResolver;
use credbridge_profile::{Collector, VerificationStatus, verify_and_collect};
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_testkit::{Signer, ob3_credential};
use credbridge_verify::{TrustPolicy, VerifyOptions, verify_item};
use serde_json::json;

const CREATED: i64 = 1_781_222_400; // 2026-06-12
const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

fn options() -> VerifyOptions {
    VerifyOptions {
        now: CREATED + 86_400,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(ChainResolver::offline_default()),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: suites::ALL_SUITES,
        documents: None,
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Arc::default(),
    }
}

/// `n` credentials, alternating between two learners' DIDs; the third is altered after signing.
fn folder(n: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "credbridge-profile-collect-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let signer = Signer::ed25519([7; 32]).unwrap();
    for i in 0..n {
        let mut credential = ob3_credential(&signer.did.did);
        credential["id"] = json!(format!("urn:uuid:00000000-0000-4000-8000-{i:012}"));
        credential["credentialSubject"]["id"] = json!(if i % 2 == 0 {
            "did:key:z6MkLearnerA"
        } else {
            "did:key:z6MkLearnerB"
        });
        credential["credentialSubject"]["achievement"]["alignment"] = json!([{
            "type": ["Alignment"], "targetName": "Python", "targetUrl": PYTHON
        }]);
        let mut signed = signer
            .sign_data_integrity(&credential, suites::EDDSA_RDFC_2022, CREATED)
            .unwrap();
        if i == 2 {
            signed["credentialSubject"]["achievement"]["name"] = json!("Altered");
        }
        std::fs::write(dir.join(format!("{i:03}.json")), signed.to_string()).unwrap();
    }
    // Not a credential (skipped), and not readable (reported).
    std::fs::write(
        dir.join("did.json"),
        json!({"id": "did:web:x.example", "verificationMethod": []}).to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("zz-broken.json"), "{ not json").unwrap();
    dir
}

#[test]
fn parallel_collection_matches_one_by_one_verification() {
    let dir = folder(24);
    let limits = Limits::default();
    let options = options();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let collected = verify_and_collect(
        || credbridge_formats::read_path(&dir, &limits),
        &options,
        &pool,
    )
    .unwrap();

    // One by one, the way people.rs used to.
    let mut one_by_one = Collector::new();
    for item in credbridge_formats::decode_path(&dir, &limits).flatten() {
        one_by_one.add(&item, &verify_item(&item, &options));
    }
    let one_by_one = one_by_one.finish();

    assert_eq!(collected.records.len(), 24);
    assert_eq!(collected.records, one_by_one.records);
    assert_eq!(collected.originals.len(), 24);
    assert_eq!(collected.unreadable.len(), 1, "{:?}", collected.unreadable);
    assert!(
        collected.unreadable[0]
            .item
            .as_deref()
            .unwrap_or_default()
            .contains("zz-broken.json")
    );
    assert_eq!(collected.skipped, 1, "the DID document is skipped");
    // Input order, each with its own verdict.
    for (i, record) in collected.records.iter().enumerate() {
        assert!(
            record.source.item.ends_with(&format!("{i:03}.json")),
            "{}",
            record.source.item
        );
        let expected = if i == 2 {
            VerificationStatus::Invalid
        } else {
            // No trust registries are configured here, so nothing warns about the issuer.
            VerificationStatus::Valid
        };
        assert_eq!(record.verification.status, expected, "{i}");
    }
    // Two learners, by DID; the altered credential is listed but shows nothing.
    let profiles = collected.profiles(&[], &credbridge_profile::NoFrameworks);
    assert_eq!(profiles.len(), 2);
    let a = profiles
        .iter()
        .find(|p| p.person.id.contains("LearnerA"))
        .unwrap();
    assert_eq!(a.credentials.len(), 12);
    assert_eq!(
        a.credentials
            .iter()
            .filter(|c| c.excluded.is_some())
            .count(),
        1
    );
    assert_eq!(collected.originals_of(a).len(), 12);
    std::fs::remove_dir_all(dir).ok();
}
