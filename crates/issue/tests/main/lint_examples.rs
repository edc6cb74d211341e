//! Every 1EdTech example bundled in the repository gets a lint report.

use std::path::{Path, PathBuf};

use credbridge_issue::lint::LintedKind;
use credbridge_issue::*;

use crate::common::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "jwt" | "jws" | "png" | "svg")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn every_1edtech_example_gets_a_lint_report() {
    let mut files = Vec::new();
    for sub in [
        "1edtech-spec-examples",
        "1edtech-spec-test-vectors",
        "1edtech-validator",
        "1edtech-validator-derived",
    ] {
        walk(&examples_dir().join(sub), &mut files);
    }
    files.sort();
    assert!(files.len() >= 120, "{} example files", files.len());
    let mut credentials = 0;
    let mut linted = 0;
    for file in &files {
        let reports = lint_file(file, &IriShapeChecker).unwrap();
        assert!(!reports.is_empty(), "{}", file.display());
        for r in &reports {
            linted += 1;
            assert!(r.report.score <= 100);
            if matches!(
                r.report.kind,
                LintedKind::AchievementCredential | LintedKind::ClrCredential
            ) {
                credentials += 1;
            }
            println!(
                "{:>3} {:?} {} {:?}",
                r.report.score,
                r.report.kind,
                r.path,
                r.report.rules_fired()
            );
        }
    }
    println!(
        "{linted} lint reports over {} files, {credentials} OB 3.0/CLR credentials",
        files.len()
    );
    assert!(credentials >= 30, "{credentials}");

    // The spec's complete example is rich; the basic one is not.
    let complete = &lint_file(
        &examples_dir().join("1edtech-spec-examples/complete-openbadgecredential.json"),
        &IriShapeChecker,
    )
    .unwrap()[0];
    let basic = &lint_file(
        &examples_dir().join("1edtech-spec-examples/basic-openbadgecredential.json"),
        &IriShapeChecker,
    )
    .unwrap()[0];
    assert!(
        complete.report.score > basic.report.score,
        "{}\n{}",
        complete.report,
        basic.report
    );
    let case = &lint_file(
        &examples_dir().join("1edtech-spec-examples/achievement-alignment-case.json"),
        &IriShapeChecker,
    )
    .unwrap()[0];
    assert!(
        !case
            .report
            .rules_fired()
            .contains(&"alignment-known-framework"),
        "{}",
        case.report
    );
}

#[test]
fn yaml_templates_are_linted_as_templates() {
    let reports = lint_file(
        &crate_dir().join("testdata/templates/welding.yaml"),
        &IriShapeChecker,
    )
    .unwrap();
    assert_eq!(reports[0].report.kind, LintedKind::Template);
    assert_eq!(reports[0].report.score, 100, "{}", reports[0].report);
}
