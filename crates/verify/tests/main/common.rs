//! Shared test setup: offline verification options over the bundled contexts and the test data.

use std::path::PathBuf;
use std::sync::Arc;

use credbridge_formats::{Limits, decode_bytes};
use credbridge_keys::ChainResolver;
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_verify::{TrustPolicy, VerificationReport, VerifyOptions, verify_item};
use serde_json::Value;

/// `testdata/` at the repository root.
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Offline options at a fixed time: did:key/did:jwk only, no document source.
pub fn offline_options(now: i64) -> VerifyOptions {
    VerifyOptions {
        now,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(ChainResolver::offline_default()),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: suites::ALL_SUITES,
        documents: None,
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    }
}

/// Verifies `document` as the file `name` would be: serialized, decoded, verified offline at
/// `now`.
pub fn verify_document(document: &Value, name: &str, now: i64) -> VerificationReport {
    let bytes = serde_json::to_vec(document).unwrap();
    let item = decode_bytes(&bytes, name, &Limits::default())
        .next()
        .unwrap()
        .unwrap();
    let report = verify_item(&item, &offline_options(now));
    assert_in_table(&report);
    report
}

/// Every check of `report` is in the table of checks, with the table's severity (unless the
/// table says it varies): the typed report's promise, held on every report the tests make.
pub fn assert_in_table(report: &VerificationReport) {
    for check in &report.checks {
        let kind = credbridge_verify::check_kind(&check.id)
            .unwrap_or_else(|| panic!("{}: check {} is not in CHECKS", report.item, check.id));
        if kind.severity_varies.is_none() {
            assert_eq!(
                check.severity, kind.severity,
                "{}: {}",
                report.item, check.id
            );
        }
    }
}

/// Verifies `bytes` as the file `name` would be, offline at `now`: one report per item
/// (a presentation's members and a credential's `endorsementJwt` entries are items too).
pub fn verify_bytes(bytes: &[u8], name: &str, now: i64) -> Vec<VerificationReport> {
    let options = offline_options(now);
    decode_bytes(bytes, name, &Limits::default())
        .map(|item| {
            let report = verify_item(&item.unwrap(), &options);
            assert_in_table(&report);
            report
        })
        .collect()
}

/// The outcome of the check `id` in `report`.
pub fn outcome<'a>(report: &'a VerificationReport, id: &str) -> &'a credbridge_verify::Outcome {
    &report
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} check in {report:#?}"))
        .outcome
}
