//! The typed report against its published schema (issue 10 item 3): the schema's check ids and
//! formats are the types' own lists, and every report made from the bundled examples validates
//! and uses only checks of the table, with the table's severity.

use std::path::Path;

use credbridge_formats::{Limits, decode_path};
use credbridge_verify::{CHECKS, VerificationReport, check_kind, verify_item};
use serde_json::Value;

use crate::common::{offline_options, testdata};

const NOW: i64 = 1_790_000_000;

fn schema() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/verification-report.schema.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_schema_lists_exactly_the_checks_and_formats_of_the_types() {
    let schema = schema();
    let mut listed: Vec<&str> = schema["$defs"]["check"]["properties"]["id"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut table: Vec<&str> = CHECKS.iter().map(|k| k.id).collect();
    listed.sort_unstable();
    table.sort_unstable();
    assert_eq!(listed, table);

    use credbridge_model::Format::*;
    let formats: Vec<&str> = [
        OpenBadges3,
        Endorsement3,
        Clr2,
        OpenBadges2Assertion,
        OpenBadges2BadgeClass,
        OpenBadges2Issuer,
        OpenBadges1Assertion,
        OpenBadges05Assertion,
        VerifiableCredential,
        VerifiablePresentation,
        BitstringStatusListCredential,
        StatusList2021Credential,
        Unknown,
    ]
    .into_iter()
    .map(|f| f.machine_name())
    .collect();
    let in_schema: Vec<&str> = schema["properties"]["format"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(in_schema, formats);
}

#[test]
fn every_report_of_the_examples_validates_and_uses_the_table() {
    let schema = schema();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:report", schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("urn:report", &mut schemas).unwrap();

    let options = offline_options(NOW);
    let mut reports: Vec<VerificationReport> = Vec::new();
    for dir in [
        "examples/1edtech-validator",
        "examples/1edtech-spec-examples",
        "examples/dcc-vc-test-fixtures",
    ] {
        for item in decode_path(&testdata().join(dir), &Limits::default()).flatten() {
            reports.push(verify_item(&item, &options));
        }
    }
    assert!(reports.len() > 100, "{} reports", reports.len());
    // Unreadable and skipped items are reports too, in the same schema.
    reports.push(VerificationReport::unreadable(
        "broken.png".into(),
        "the PNG is truncated".into(),
        NOW,
    ));
    reports.push(VerificationReport::skipped(
        "did.json".into(),
        "a DID document",
        NOW,
    ));
    for report in &reports {
        let json = serde_json::to_value(report).unwrap();
        if let Err(err) = schemas.validate(&json, index) {
            panic!("{}: {err}", report.item);
        }
        for check in &report.checks {
            let kind = check_kind(&check.id).unwrap_or_else(|| {
                panic!("{}: check {} is not in the table", report.item, check.id)
            });
            if kind.severity_varies.is_none() {
                assert_eq!(
                    check.severity, kind.severity,
                    "{}: {}",
                    report.item, check.id
                );
            }
            assert!(
                !check.message.contains(" { ") && !check.message.contains("Some("),
                "{}: {}: {}",
                report.item,
                check.id,
                check.message
            );
        }
    }
}
