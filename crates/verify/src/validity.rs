//! Validity window: `validFrom`/`validUntil` (VCDM 2.0), `issuanceDate`/`expirationDate`
//! (VCDM 1.1), JWT `nbf`/`exp`, OB 2.0 `expires`, against the verification time and the
//! allowed clock skew.

use credbridge_model::{Zone, format_unix as format_datetime, parse_xsd};
use serde_json::Value;

use crate::report::{Check, Outcome, Severity};

/// A date found in the credential or its envelope.
struct Found<'a> {
    field: &'a str,
    text: String,
    unix: Option<i64>,
}

fn read<'a>(doc: &Value, field: &'a str) -> Option<Found<'a>> {
    let value = doc.get(field)?;
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(Found {
        field,
        // The one grammar, as the data-model check reads the same field.
        unix: parse_xsd(&text, Zone::Optional)
            .ok()
            .flatten()
            .map(|t| t.unix_seconds),
        text,
    })
}

fn from_jwt<'a>(claims: Option<&Value>, claim: &'a str) -> Option<Found<'a>> {
    let seconds = claims?.get(claim)?.as_i64()?;
    Some(Found {
        field: claim,
        text: format_datetime(seconds),
        unix: Some(seconds),
    })
}

/// `validity.not-before` and `validity.expiration` for a credential (and the claims of the JWT
/// that carried it, if any).
pub fn checks(doc: &Value, jwt_claims: Option<&Value>, now: i64, skew: i64) -> Vec<Check> {
    let starts: Vec<Found> = ["validFrom", "issuanceDate"]
        .into_iter()
        .filter_map(|f| read(doc, f))
        .chain(from_jwt(jwt_claims, "nbf"))
        .collect();
    let ends: Vec<Found> = ["validUntil", "expirationDate", "expires"]
        .into_iter()
        .filter_map(|f| read(doc, f))
        .chain(from_jwt(jwt_claims, "exp"))
        .collect();
    let now_text = format_datetime(now);
    vec![
        not_before(&starts, now, skew, &now_text),
        expiration(&ends, now, skew, &now_text),
    ]
}

fn malformed(id: &str, found: &Found) -> Check {
    Check::new(
        id,
        Severity::Fatal,
        Outcome::Failed(format!(
            "{} {:?} is not an XML Schema dateTimeStamp (e.g. 2024-05-01T00:00:00Z)",
            found.field, found.text
        )),
        format!("the credential's {} date is not a valid date", found.field),
    )
    .with_evidence("field", found.field)
}

fn not_before(starts: &[Found], now: i64, skew: i64, now_text: &str) -> Check {
    const ID: &str = "validity.not-before";
    if starts.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::NotApplicable,
            "the credential gives no start of validity",
        );
    }
    for found in starts {
        let Some(start) = found.unix else {
            return malformed(ID, found);
        };
        if start > now.saturating_add(skew) {
            return Check::new(
                ID,
                Severity::Fatal,
                Outcome::Failed(format!(
                    "{} {} is after the verification time {now_text}",
                    found.field, found.text
                )),
                format!(
                    "the credential is not valid yet: it starts on {}",
                    found.text
                ),
            )
            .with_evidence("field", found.field)
            .with_evidence("value", found.text.as_str())
            .with_evidence("checked_at", now_text);
        }
    }
    Check::new(
        ID,
        Severity::Fatal,
        Outcome::Passed,
        "the credential's validity has started",
    )
    .with_evidence("checked_at", now_text)
}

fn expiration(ends: &[Found], now: i64, skew: i64, now_text: &str) -> Check {
    const ID: &str = "validity.expiration";
    if ends.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::NotApplicable,
            "the credential does not expire",
        );
    }
    for found in ends {
        let Some(end) = found.unix else {
            return malformed(ID, found);
        };
        if end.saturating_add(skew) < now {
            return Check::new(
                ID,
                Severity::Fatal,
                Outcome::Failed(format!(
                    "{} {} is before the verification time {now_text}",
                    found.field, found.text
                )),
                format!(
                    "the credential has expired: it was valid until {}",
                    found.text
                ),
            )
            .with_evidence("field", found.field)
            .with_evidence("value", found.text.as_str())
            .with_evidence("checked_at", now_text);
        }
    }
    Check::new(
        ID,
        Severity::Fatal,
        Outcome::Passed,
        "the credential has not expired",
    )
    .with_evidence("checked_at", now_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn outcomes(doc: &Value, claims: Option<&Value>) -> Vec<Outcome> {
        checks(doc, claims, NOW, 300)
            .into_iter()
            .map(|c| c.outcome)
            .collect()
    }

    #[test]
    fn window_edges_and_skew() {
        let ok = json!({"validFrom": "2025-01-01T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"});
        assert_eq!(outcomes(&ok, None), vec![Outcome::Passed, Outcome::Passed]);
        let expired = json!({"issuanceDate": "2020-01-01T00:00:00Z", "expirationDate": "2021-01-01T00:00:00Z"});
        assert!(matches!(outcomes(&expired, None)[1], Outcome::Failed(_)));
        // Within the skew: still valid.
        let just = json!({"validFrom": "2026-01-01T00:04:00Z"});
        assert_eq!(outcomes(&just, None)[0], Outcome::Passed);
        let future = json!({"validFrom": "2026-01-01T00:06:00Z"});
        assert!(matches!(outcomes(&future, None)[0], Outcome::Failed(_)));
        let none = json!({});
        assert_eq!(
            outcomes(&none, None),
            vec![Outcome::NotApplicable, Outcome::NotApplicable]
        );
    }

    #[test]
    fn malformed_dates_and_jwt_claims() {
        let bad = json!({"validFrom": "yesterday"});
        let result = checks(&bad, None, NOW, 0);
        assert!(matches!(&result[0].outcome, Outcome::Failed(r) if r.contains("validFrom")));
        let claims = json!({"exp": NOW - 1000});
        assert!(matches!(
            outcomes(&json!({}), Some(&claims))[1],
            Outcome::Failed(_)
        ));
    }
}
