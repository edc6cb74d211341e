//! `data-model` for Open Badges assertions: the required properties of OB 2.0 §Assertion and
//! §IdentityObject (and their OB 1.x / 0.5 counterparts), with a JSON pointer per violation.

use super::terms::term;
use serde_json::Value;

use super::Version;
use crate::report::{Check, Outcome, Severity};

/// The OB 2.0 context URLs (OB 2.0 §JSON-LD; both addresses are published).
const OB_2_0_CONTEXTS: [&str; 2] = [
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
];
/// The OB vocabulary namespace an embedded copy of the context binds to `obi`.
const OB_VOCABULARY: &str = "https://w3id.org/openbadges#";

fn has_ob2_context(value: &Value) -> bool {
    let one = |context: &Value| match context {
        Value::String(url) => OB_2_0_CONTEXTS.contains(&url.as_str()),
        Value::Object(map) => map.get("obi").and_then(Value::as_str) == Some(OB_VOCABULARY),
        _ => false,
    };
    match value.get("@context") {
        Some(Value::Array(items)) => items.iter().any(one),
        Some(context) => one(context),
        None => false,
    }
}

fn has_type(value: &Value, wanted: &str) -> bool {
    let matches = |name: &str| name.rsplit(['#', ':', '/']).next() == Some(wanted);
    match term(value, "type") {
        Some(Value::String(s)) => matches(s),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

/// `<alg>$<hex>` with the hex length of the algorithm (OB 2.0 §IdentityHash).
fn hash_problem(identity: &str) -> Option<String> {
    let Some((alg, hex)) = identity.split_once('$') else {
        return Some("a hashed identity must be <alg>$<hex>, e.g. sha256$…".into());
    };
    let expected = match alg.to_ascii_lowercase().as_str() {
        "sha256" => 64,
        "md5" => 32,
        other => return Some(format!("hash algorithm {other:?} is not sha256 or md5")),
    };
    if hex.len() != expected || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(format!("{alg} hash must be {expected} hex digits"));
    }
    None
}

fn recipient_problems(recipient: Option<&Value>, problems: &mut Vec<String>) {
    let Some(recipient) = recipient else {
        problems.push("/recipient: is required".into());
        return;
    };
    if !recipient.is_object() {
        problems.push("/recipient: must be an IdentityObject {type, identity, hashed}".into());
        return;
    }
    if term(recipient, "type").and_then(Value::as_str).is_none() {
        problems.push("/recipient/type: is required (e.g. email)".into());
    }
    let identity = recipient.get("identity").and_then(Value::as_str);
    if identity.is_none() {
        problems.push("/recipient/identity: is required".into());
    }
    match recipient.get("hashed") {
        Some(Value::Bool(true)) => {
            if let Some(problem) = identity.and_then(hash_problem) {
                problems.push(format!("/recipient/identity: {problem}"));
            }
        }
        Some(Value::Bool(false)) => {}
        Some(_) => problems.push("/recipient/hashed: must be true or false".into()),
        None => problems.push("/recipient/hashed: is required".into()),
    }
    if recipient.get("salt").is_some_and(|s| !s.is_string()) {
        problems.push("/recipient/salt: must be a string".into());
    }
}

fn badge_problems(badge: Option<&Value>, problems: &mut Vec<String>) {
    match badge {
        None => problems.push("/badge: is required".into()),
        Some(Value::String(_) | Value::Object(_)) => {}
        Some(_) => problems.push("/badge: must be a URL or an embedded BadgeClass".into()),
    }
}

fn is_data_uri(value: &Value) -> bool {
    let id = match value {
        Value::String(s) => Some(s.as_str()),
        other => term(other, "id").and_then(Value::as_str),
    };
    id.is_some_and(|s| s.trim_start().to_ascii_lowercase().starts_with("data:"))
}

fn v2_problems(value: &Value, problems: &mut Vec<String>) {
    if !has_ob2_context(value) {
        problems.push(format!(
            "/@context: must include {}",
            OB_2_0_CONTEXTS.first().copied().unwrap_or_default()
        ));
    }
    if !has_type(value, "Assertion") {
        problems.push("/type: must include Assertion".into());
    }
    if value
        .get("id")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push("/id: is required (an IRI)".into());
    }
    recipient_problems(value.get("recipient"), problems);
    badge_problems(value.get("badge"), problems);
    match term(value, "verification") {
        Some(v) if term(v, "type").is_some() => {}
        Some(_) => problems.push("/verification/type: is required (hosted or signed)".into()),
        None => problems.push("/verification: is required".into()),
    }
    if value.get("issuedOn").is_none() {
        problems.push("/issuedOn: is required".into());
    }
    // The 1EdTech validator accepts data: URIs for BadgeClass images but not for the
    // Assertion's image, which should be the baked image's URL (OB 2.0 §Assertion `image`).
    if value.get("image").is_some_and(is_data_uri) {
        problems.push("/image: an assertion's image must be a URL, not embedded data".into());
    }
    if value.get("revoked").is_some_and(|r| !r.is_boolean()) {
        problems.push("/revoked: must be true or false".into());
    }
}

fn v1_problems(value: &Value, problems: &mut Vec<String>) {
    if value.get("uid").is_none() && term(value, "id").is_none() {
        problems.push("/uid: is required in Open Badges 1.x".into());
    }
    recipient_problems(value.get("recipient"), problems);
    badge_problems(value.get("badge"), problems);
    match term(value, "verification") {
        Some(v) if term(v, "type").is_some() => {
            if v.get("url").is_none() && v.get("creator").is_none() {
                problems.push("/verify/url: is required (the assertion or key URL)".into());
            }
        }
        Some(_) => problems.push("/verify/type: is required (hosted or signed)".into()),
        None => problems.push("/verify: is required".into()),
    }
    if value.get("issuedOn").is_none() {
        problems.push("/issuedOn: is required".into());
    }
}

fn v05_problems(value: &Value, problems: &mut Vec<String>) {
    if value.get("recipient").and_then(Value::as_str).is_none() {
        problems.push("/recipient: is required (an email or <alg>$<hash>)".into());
    }
    let Some(badge) = value.get("badge").filter(|b| b.is_object()) else {
        problems.push("/badge: must be an embedded badge".into());
        return;
    };
    for field in ["name", "description", "image", "criteria"] {
        if badge.get(field).is_none() {
            problems.push(format!("/badge/{field}: is required"));
        }
    }
    match badge.get("issuer") {
        Some(issuer) if issuer.is_object() => {
            for field in ["origin", "name"] {
                if issuer.get(field).and_then(Value::as_str).is_none() {
                    problems.push(format!("/badge/issuer/{field}: is required"));
                }
            }
        }
        _ => problems.push("/badge/issuer: is required".into()),
    }
}

/// Checks the required properties of the assertion as written.
pub(super) fn check(value: &Value, version: Version) -> Check {
    let mut problems = Vec::new();
    if value.is_object() {
        match version {
            Version::V2_0 => v2_problems(value, &mut problems),
            Version::V1 => v1_problems(value, &mut problems),
            Version::V0_5 => v05_problems(value, &mut problems),
        }
    } else {
        problems.push("/: an assertion must be a JSON object".into());
    }
    if problems.is_empty() {
        Check::new(
            "data-model",
            Severity::Fatal,
            Outcome::Passed,
            "the badge has the structure the Open Badges specification requires",
        )
    } else {
        Check::new(
            "data-model",
            Severity::Fatal,
            Outcome::Failed(problems.join("; ")),
            "the badge is missing required parts or has them in the wrong shape",
        )
        .with_evidence("violations", problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": "https://example.org/a",
            "recipient": {"type": "email", "hashed": false, "identity": "a@example.org"},
            "badge": "https://example.org/b",
            "verification": {"type": "hosted"},
            "issuedOn": "2016-12-31T23:59:59Z"
        })
    }

    #[test]
    fn minimal_passes_and_each_violation_is_named() {
        assert_eq!(check(&minimal(), Version::V2_0).outcome, Outcome::Passed);
        let mut bad = minimal();
        bad["recipient"] = json!({"type": "email", "hashed": true, "identity": "sha1$00"});
        bad["@context"] = json!("https://w3id.org/openbadges/invalid");
        let outcome = check(&bad, Version::V2_0).outcome;
        let Outcome::Failed(reason) = outcome else {
            panic!("expected a failure, got {outcome:?}");
        };
        assert!(reason.contains("/@context"), "{reason}");
        assert!(reason.contains("/recipient/identity"), "{reason}");
    }
}
