//! Schema verdicts and VCDM versions against `expectations.json` (`json_schema_check_here`:
//! the reference run of Python `jsonschema`, Draft 2019-09, over the same bundled schemas).

use credbridge_model::{SchemaVerdict as Verdict, VcdmVersion, schema_findings};

use crate::fixtures::{examples_dir, expectations, extract};

/// Files of `expectations.json` with a `json_schema_check_here` entry (all must agree).
const EXPECTED_CASES: usize = 134;

/// The first error of a reference result: "FAIL 3: (root): 'validFrom' is a required property;
/// …" → ("", Some("validFrom")).
fn first_reference_error(result: &str) -> (String, Option<String>) {
    let after_count = result.split_once(": ").map_or("", |(_, rest)| rest);
    let (path, message) = after_count.split_once(": ").unwrap_or((after_count, ""));
    let pointer = if path == "(root)" {
        String::new()
    } else {
        format!("/{path}")
    };
    let required = message
        .split_once(" is a required property")
        .map(|(name, _)| name.trim_matches('\'').to_owned());
    (pointer, required)
}

#[test]
fn schema_verdicts_and_vcdm_versions_match_the_reference() {
    let expectations = expectations();
    let files = expectations["files"].as_object().unwrap();
    let mut cases = 0;
    let mut disagreements = Vec::new();
    for (key, entry) in files {
        let Some(check) = entry.get("json_schema_check_here") else {
            continue;
        };
        cases += 1;
        let relative = key.strip_prefix("examples/").unwrap();
        assert!(examples_dir().join(relative).exists(), "{relative} missing");
        let doc = extract(relative)
            .unwrap_or_else(|| panic!("{relative}: no JSON"))
            .parse()
            .unwrap_or_else(|e| panic!("{relative}: {e}"));
        let expected_vcdm = match check["vcdm"].as_str().unwrap() {
            "v2" => Some(VcdmVersion::V2_0),
            "v1.1" => Some(VcdmVersion::V1_1),
            "?" => None,
            other => panic!("{relative}: unknown vcdm {other}"),
        };
        let expected_schema = check["schema"].as_str().unwrap();
        let result = check["result"].as_str().unwrap();
        let report = schema_findings(&doc);

        let mut problems = Vec::new();
        if doc.vcdm() != expected_vcdm {
            problems.push(format!(
                "vcdm: expected {expected_vcdm:?}, got {:?}",
                doc.vcdm()
            ));
        }
        let schema = report.schema.map(|s| s.as_str());
        if schema != Some(expected_schema) {
            problems.push(format!(
                "schema: expected {expected_schema}, got {schema:?}"
            ));
        }
        if result == "PASS" {
            if report.verdict != Verdict::Pass {
                problems.push(format!("expected PASS, got {report}"));
            }
        } else {
            let count: usize = result["FAIL ".len()..]
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let (pointer, required) = first_reference_error(result);
            if report.verdict != Verdict::Fail {
                problems.push(format!("expected {result}, got {report}"));
            } else {
                if report.findings.len() != count {
                    problems.push(format!(
                        "expected {count} findings, got {}:\n{report}",
                        report.findings.len()
                    ));
                }
                let at_pointer: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| f.instance_pointer == pointer)
                    .collect();
                if at_pointer.is_empty() {
                    problems.push(format!("no finding at {pointer:?}:\n{report}"));
                }
                if let Some(name) = required
                    && !at_pointer
                        .iter()
                        .any(|f| f.message.contains(&format!("'{name}'")))
                {
                    problems.push(format!(
                        "no finding naming '{name}' at {pointer:?}:\n{report}"
                    ));
                }
            }
        }
        let status = if problems.is_empty() { "ok  " } else { "DIFF" };
        println!(
            "{status} {relative}: expected {result:.60}; got {:?} ({} findings)",
            report.verdict,
            report.findings.len()
        );
        if !problems.is_empty() {
            disagreements.push(format!("{relative}: {}", problems.join("; ")));
        }
    }
    println!(
        "schema verdicts agree on {}/{cases} files",
        cases - disagreements.len()
    );
    assert_eq!(cases, EXPECTED_CASES, "expectations.json changed");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn vcdm_1_1_failures_carry_a_note() {
    let doc = extract("1edtech-validator/ob30/simple_v1.json")
        .unwrap()
        .parse()
        .unwrap();
    let report = schema_findings(&doc);
    assert_eq!(report.verdict, Verdict::Fail);
    assert!(report.note.is_some());
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.instance_pointer.is_empty() && f.message.contains("'validFrom'"))
    );
}

#[test]
fn one_of_failures_quote_their_likely_causes() {
    let doc = extract("1edtech-validator/ob30/simple-err-credential-subject-type.json")
        .unwrap()
        .parse()
        .unwrap();
    let report = schema_findings(&doc);
    let finding = &report.findings[0];
    assert_eq!(finding.instance_pointer, "/credentialSubject/type");
    assert!(
        finding.message.contains("'AchievementSubject'"),
        "{}",
        finding.message
    );
}

#[test]
fn non_ob_documents_are_not_applicable() {
    let doc = extract("1edtech-validator/ob20/basic-assertion.json")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(schema_findings(&doc).verdict, Verdict::NotApplicable);
}
