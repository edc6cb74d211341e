//! `endorsements`: every embedded `endorsement` (a Data Integrity-signed EndorsementCredential,
//! OB 3.0 §8.3 step 6) is verified on its own, wherever it sits (credential, achievement,
//! issuer profile). A bad endorsement does not make the credential invalid, so the check is
//! advisory; the evidence lists each endorsement's verdict and failing checks.
//! `endorsementJwt` entries are separate items from the decoder and get their own reports.

use serde_json::{Value, json};

use crate::VerifyOptions;
use crate::pipeline::verify_value;
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
            Step::Key(key) => credbridge_model::json::push_escaped(&mut out, key),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// The endorsements found: the first [`MAX_ENDORSEMENTS`] with their pointers, and how many
/// there are in all.
#[derive(Default)]
struct Found<'a> {
    kept: Vec<(String, &'a Value)>,
    total: usize,
}

impl<'a> Found<'a> {
    fn push(&mut self, path: &[Step<'_>], endorsement: &'a Value) {
        self.total = self.total.saturating_add(1);
        if self.kept.len() < MAX_ENDORSEMENTS {
            self.kept.push((pointer(path), endorsement));
        }
    }
}

fn collect<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, out: &mut Found<'a>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key));
                if key == "endorsement" {
                    match child {
                        Value::Array(items) => {
                            for (i, e) in items.iter().enumerate() {
                                path.push(Step::Index(i));
                                out.push(path, e);
                                path.pop();
                            }
                        }
                        Value::Object(_) => out.push(path, child),
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
    let mut found = Found::default();
    collect(value, &mut Vec::new(), &mut found);
    if found.total == 0 {
        return None;
    }
    let mut evidence = Vec::new();
    let mut bad = 0usize;
    for (pointer, endorsement) in &found.kept {
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
    let skipped = found.total.saturating_sub(total);
    let outcome = if bad > 0 {
        Outcome::Failed(format!("{bad} of {total} endorsements did not verify"))
    } else if skipped > 0 {
        Outcome::CouldNotCheck(format!(
            "the credential carries {} endorsements; only the first {MAX_ENDORSEMENTS} were checked",
            found.total
        ))
    } else {
        Outcome::Passed
    };
    let mut message = if bad == 0 {
        format!("all {total} endorsements checked verify")
    } else {
        format!(
            "{bad} of {total} endorsements could not be confirmed; the credential itself is not affected"
        )
    };
    if skipped > 0 {
        message.push_str(&format!(
            "; {skipped} more were not checked (at most {MAX_ENDORSEMENTS} are)"
        ));
    }
    let mut check = Check::new("endorsements", Severity::Advisory, outcome, message)
        .with_evidence("endorsements", evidence);
    if skipped > 0 {
        check = check
            .with_evidence("truncated", true)
            .with_evidence("found", found.total)
            .with_evidence("limit", MAX_ENDORSEMENTS);
    }
    Some(check)
}
