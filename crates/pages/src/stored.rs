//! A stored report (the JSON `credbridge verify --json` and the inbox write) read back into a
//! [`VerificationReport`], so that the page of a stored credential shows the verdict that was
//! stored, not one made again at display time.
//!
//! This belongs in credbridge-verify as `Deserialize` for the report types (their
//! `report_version: &'static str` stops a derive today); it is here until then, reading only
//! the fields the published schema (`docs/verification-report.schema.json`) makes required.

use credbridge_verify::{Check, Outcome, Severity, VerificationReport};
use serde_json::Value;

/// The most checks read from one stored report.
pub const MAX_STORED_CHECKS: usize = 1_000;

/// Why a stored report could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoredReportError {
    /// The text is not JSON.
    #[error("the stored report is not JSON: {reason}")]
    NotJson {
        /// The parser's message.
        reason: String,
    },
    /// A required field is missing or has the wrong JSON type.
    #[error("the stored report's {field} is missing or not {expected}")]
    Field {
        /// A JSON pointer to the field.
        field: String,
        /// What it should be.
        expected: &'static str,
    },
    /// A check's `outcome` or `severity` is not one the schema lists.
    #[error("the stored report's {field} is {found:?}, not one of {expected}")]
    UnknownValue {
        /// A JSON pointer to the field.
        field: String,
        /// What was found.
        found: String,
        /// The values allowed.
        expected: &'static str,
    },
    /// More checks than [`MAX_STORED_CHECKS`].
    #[error("the stored report has {found} checks, more than the {limit} read")]
    TooManyChecks {
        /// How many.
        found: usize,
        /// [`MAX_STORED_CHECKS`].
        limit: usize,
    },
}

fn string<'a>(value: &'a Value, pointer: &str) -> Result<&'a str, StoredReportError> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| StoredReportError::Field {
            field: pointer.to_owned(),
            expected: "a string",
        })
}

/// Reads a report from its JSON text. The verdict is derived again from the checks (as
/// [`VerificationReport::new`] always does), so it cannot disagree with them.
pub fn report_from_json(text: &str) -> Result<VerificationReport, StoredReportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| StoredReportError::NotJson {
        reason: e.to_string(),
    })?;
    let checks = value
        .get("checks")
        .and_then(Value::as_array)
        .ok_or_else(|| StoredReportError::Field {
            field: "/checks".to_owned(),
            expected: "an array",
        })?;
    if checks.len() > MAX_STORED_CHECKS {
        return Err(StoredReportError::TooManyChecks {
            found: checks.len(),
            limit: MAX_STORED_CHECKS,
        });
    }
    let mut read = Vec::with_capacity(checks.len());
    for (index, check) in checks.iter().enumerate() {
        let at = |field: &str| format!("/checks/{index}/{field}");
        let severity = match string(check, "/severity").map_err(|_| StoredReportError::Field {
            field: at("severity"),
            expected: "a string",
        })? {
            "fatal" => Severity::Fatal,
            "advisory" => Severity::Advisory,
            other => {
                return Err(StoredReportError::UnknownValue {
                    field: at("severity"),
                    found: other.to_owned(),
                    expected: "fatal, advisory",
                });
            }
        };
        let reason = || {
            check
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let outcome = match string(check, "/outcome").map_err(|_| StoredReportError::Field {
            field: at("outcome"),
            expected: "a string",
        })? {
            "passed" => Outcome::Passed,
            "failed" => Outcome::Failed(reason()),
            "could-not-check" => Outcome::CouldNotCheck(reason()),
            "not-applicable" => Outcome::NotApplicable,
            other => {
                return Err(StoredReportError::UnknownValue {
                    field: at("outcome"),
                    found: other.to_owned(),
                    expected: "passed, failed, could-not-check, not-applicable",
                });
            }
        };
        let id = string(check, "/id").map_err(|_| StoredReportError::Field {
            field: at("id"),
            expected: "a string",
        })?;
        let message = check.get("message").and_then(Value::as_str).unwrap_or("");
        let mut built = Check::new(id, severity, outcome, message);
        if let Some(evidence) = check.get("evidence").and_then(Value::as_object) {
            built.evidence = evidence.clone();
        }
        read.push(built);
    }
    let optional = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let item = string(&value, "/item")?.to_owned();
    let format_name = string(&value, "/format")?;
    let format = credbridge_model::Format::from_machine_name(format_name).ok_or_else(|| {
        StoredReportError::UnknownValue {
            field: "/format".to_owned(),
            found: format_name.to_owned(),
            expected: "a credbridge_model::Format machine name",
        }
    })?;
    Ok(VerificationReport::new(
        item,
        (format, format.display_name()),
        optional("credential_id"),
        optional("issuer"),
        string(&value, "/checked_at")?.to_owned(),
        read,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_round_trips_through_its_json() {
        let report = VerificationReport::new(
            "a.json".into(),
            (
                credbridge_model::Format::OpenBadges3,
                "Open Badges 3.0 credential",
            ),
            Some("urn:uuid:1".into()),
            Some("did:key:z6Mk".into()),
            "2026-11-24T00:00:00Z".into(),
            vec![
                Check::new(
                    "proof",
                    Severity::Fatal,
                    Outcome::Failed("bad".into()),
                    "changed",
                )
                .with_evidence("suite", "eddsa-rdfc-2022"),
                Check::new(
                    "issuer.trust",
                    Severity::Advisory,
                    Outcome::NotApplicable,
                    "none",
                ),
            ],
        );
        let text = serde_json::to_string(&report).unwrap();
        assert_eq!(report_from_json(&text).unwrap(), report);
    }

    #[test]
    fn unknown_outcomes_and_missing_fields_are_named() {
        let err =
            report_from_json(r#"{"checks":[{"id":"x","severity":"fatal","outcome":"maybe"}]}"#)
                .unwrap_err();
        assert!(
            matches!(err, StoredReportError::UnknownValue { ref field, .. } if field == "/checks/0/outcome"),
            "{err}"
        );
        let err = report_from_json(r#"{"checks":[]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the stored report's /item is missing or not a string"
        );
        assert!(matches!(
            report_from_json("{"),
            Err(StoredReportError::NotJson { .. })
        ));
    }
}
