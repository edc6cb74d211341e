//! `validity.not-before` / `validity.expiration` for Open Badges assertions: `issuedOn` (0.5:
//! `issued_on`) must not be in the future and `expires` must not be past — nor before the
//! issue date (OB 2.0 §Assertion `expires`; §Verification "the Assertion has not expired").

use credbridge_model::{Timestamp, format_unix as format_datetime};
use serde_json::Value;

use super::Version;
use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// Reads an Open Badges date: an ISO 8601 date-time (OB 2.0; seconds optional, as the spec
/// allows), a bare `YYYY-MM-DD` date (OB 0.5), or Unix seconds as a number or digit string
/// (OB 1.x allowed them).
pub(super) fn parse(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => parse_text(text.trim()),
        _ => None,
    }
}

fn parse_text(text: &str) -> Option<i64> {
    if !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    // The one grammar's tolerant reading: date-only (OB 0.5), optional seconds (OB 2.0).
    Timestamp::parse(text).map(|t| t.unix_seconds)
}

fn issued_field(version: Version) -> &'static str {
    match version {
        Version::V0_5 => "issued_on",
        Version::V2_0 | Version::V1 => "issuedOn",
    }
}

fn malformed(id: &str, field: &str, value: &Value) -> Check {
    Check::new(
        id,
        Severity::Fatal,
        Outcome::Failed(format!(
            "{field} {value} is not a date (e.g. 2016-12-31T23:59:59Z)"
        )),
        format!("the badge's {field} date is not a valid date"),
    )
    .with_evidence("field", field)
}

/// Both validity checks for an assertion.
pub(super) fn checks(doc: &Value, version: Version, options: &VerifyOptions) -> Vec<Check> {
    let now = options.now;
    let skew = options.max_clock_skew;
    let now_text = format_datetime(now);
    let field = issued_field(version);

    let issued = doc.get(field);
    let issued_at = issued.and_then(parse);
    let not_before = match (issued, issued_at) {
        (None, _) => Check::new(
            "validity.not-before",
            Severity::Fatal,
            Outcome::NotApplicable,
            "the badge gives no issue date",
        ),
        (Some(value), None) => malformed("validity.not-before", field, value),
        (Some(_), Some(at)) if at > now.saturating_add(skew) => Check::new(
            "validity.not-before",
            Severity::Fatal,
            Outcome::Failed(format!(
                "{field} {} is after the verification time {now_text}",
                format_datetime(at)
            )),
            format!(
                "the badge is dated in the future: it says it was issued on {}",
                format_datetime(at)
            ),
        )
        .with_evidence("field", field)
        .with_evidence("checked_at", now_text.as_str()),
        (Some(_), Some(_)) => Check::new(
            "validity.not-before",
            Severity::Fatal,
            Outcome::Passed,
            "the badge was issued before now",
        )
        .with_evidence("checked_at", now_text.as_str()),
    };

    let expires = doc.get("expires");
    let expiration = match (expires, expires.and_then(parse)) {
        (None, _) => Check::new(
            "validity.expiration",
            Severity::Fatal,
            Outcome::NotApplicable,
            "the badge does not expire",
        ),
        (Some(value), None) => malformed("validity.expiration", "expires", value),
        (Some(_), Some(end)) if issued_at.is_some_and(|start| end < start) => Check::new(
            "validity.expiration",
            Severity::Fatal,
            Outcome::Failed(format!(
                "expires {} is before {field} {}",
                format_datetime(end),
                issued_at.map(format_datetime).unwrap_or_default()
            )),
            "the badge's dates contradict each other: it expires before it was issued",
        )
        .with_evidence("field", "expires"),
        (Some(_), Some(end)) if end.saturating_add(skew) < now => Check::new(
            "validity.expiration",
            Severity::Fatal,
            Outcome::Failed(format!(
                "expires {} is before the verification time {now_text}",
                format_datetime(end)
            )),
            format!(
                "the badge has expired: it was valid until {}",
                format_datetime(end)
            ),
        )
        .with_evidence("field", "expires")
        .with_evidence("checked_at", now_text.as_str()),
        (Some(_), Some(_)) => Check::new(
            "validity.expiration",
            Severity::Fatal,
            Outcome::Passed,
            "the badge has not expired",
        )
        .with_evidence("checked_at", now_text.as_str()),
    };
    vec![not_before, expiration]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_forms() {
        let full = parse(&json!("2016-12-31T23:59:59Z")).unwrap();
        assert_eq!(parse(&json!("2016-12-31T23:59:59+00:00")), Some(full));
        assert_eq!(parse(&json!("2016-12-31T23:59Z")), Some(full - 59));
        assert_eq!(parse(&json!("2016-12-31")), Some(full - 86_399));
        assert_eq!(parse(&json!(1_483_228_799)), Some(full));
        assert_eq!(parse(&json!("1483228799")), Some(full));
        assert_eq!(parse(&json!("last year")), None);
        assert_eq!(parse(&json!(true)), None);
    }
}
