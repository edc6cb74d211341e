//! `endorsements`: every embedded `endorsement` (a Data Integrity-signed EndorsementCredential,
//! OB 3.0 §8.3 step 6) is verified on its own, wherever it sits (credential, achievement,
//! issuer profile). A bad endorsement does not make the credential invalid, so the check is
//! advisory; the evidence lists each endorsement's verdict and failing checks.
//! `endorsementJwt` entries are separate items from the decoder and get their own reports.

use serde_json::{Value, json};

use crate::VerifyOptions;
use crate::credential::verify_value;
use crate::report::{Check, Outcome, Severity, Verdict};

/// Most endorsements verified per credential.
pub const MAX_ENDORSEMENTS: usize = 64;

/// One step of the JSON pointer to where the walk is: built into a string only for the
/// endorsements found, since most credentials have none and the walk visits every node.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

fn collect<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key));
                if key == "endorsement" {
                    match child {
                        Value::Array(items) => {
                            for (i, e) in items.iter().enumerate() {
                                path.push(Step::Index(i));
                                out.push((pointer(path), e));
                                path.pop();
                            }
                        }
                        Value::Object(_) => out.push((pointer(path), child)),
                        _ => {}
                    }
                } else if key != "proof" && key != "verifiableCredential" {
                    collect(child, path, out);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                collect(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The `endorsements` check, or `None` when the credential carries no embedded endorsement.
pub fn check(value: &Value, options: &VerifyOptions, depth: usize) -> Option<Check> {
    let mut found = Vec::new();
    collect(value, &mut Vec::new(), &mut found);
    if found.is_empty() {
        return None;
    }
    let mut evidence = Vec::new();
    let mut bad = 0usize;
    for (pointer, endorsement) in found.iter().take(MAX_ENDORSEMENTS) {
        let decode = Check::new(
            "decode",
            Severity::Fatal,
            Outcome::Passed,
            "embedded endorsement",
        );
        let report = verify_value(
            pointer.clone(),
            endorsement,
            None,
            decode,
            options,
            depth + 1,
        );
        if matches!(report.verdict, Verdict::Invalid | Verdict::Indeterminate) {
            bad += 1;
        }
        let failing: Vec<String> = report
            .checks
            .iter()
            .filter(|c| !matches!(c.outcome, Outcome::Passed | Outcome::NotApplicable))
            .map(|c| c.id.clone())
            .collect();
        evidence.push(json!({
            "pointer": pointer,
            "issuer": report.issuer,
            "verdict": report.verdict,
            "not_passed": failing,
        }));
    }
    let total = evidence.len();
    let outcome = if bad == 0 {
        Outcome::Passed
    } else {
        Outcome::Failed(format!("{bad} of {total} endorsements did not verify"))
    };
    let message = if bad == 0 {
        format!("all {total} endorsements verify")
    } else {
        format!(
            "{bad} of {total} endorsements could not be confirmed; the credential itself is not affected"
        )
    };
    Some(
        Check::new("endorsements", Severity::Advisory, outcome, message)
            .with_evidence("endorsements", evidence),
    )
}
