//! `recipient`: was the credential issued to the person the caller knows?
//!
//! The recipient is named in one of three ways, all read here:
//! - OB 3.0 `credentialSubject.identifier[]`: `IdentityObject`s with `identityHash`, `hashed`,
//!   `salt`, `identityType` (OB 3.0 §B.1 IdentityObject);
//! - OB 3.0 / VCDM `credentialSubject.id` (a DID or URL), compared as is;
//! - OB 2.0 / 1.x `recipient` {`type`, `identity`, `hashed`, `salt`} (OB 2.0 §IdentityObject),
//!   and the OB 0.5 `recipient` string with a top-level `salt`.
//!
//! A hashed identity is `<alg>$<hex>` with alg `sha256` or `md5`, over the UTF-8 bytes of
//! identifier + salt; the hex may be upper or lower case (OB 2.0 §IdentityHash). The known value
//! is compared whatever its `identityType`/`type` says: the caller knows "an email" or "a DID",
//! and the hash either matches or not.

use credbridge_model::identity::identity_hash;
use serde_json::{Value, json};

use crate::report::{Check, Outcome, Severity};

const ID: &str = "recipient";

/// Most identifiers read from one credential; the rest are ignored (and counted).
pub const MAX_RECIPIENT_IDENTIFIERS: usize = 64;

/// One way the credential names its recipient.
#[derive(Debug)]
struct Identifier<'a> {
    /// Where it was found (a JSON pointer).
    pointer: String,
    /// `identityType` / `type`, when given.
    kind: Option<&'a str>,
    /// The plaintext identifier or the `<alg>$<hex>` hash.
    identity: &'a str,
    hashed: bool,
    salt: &'a str,
}

/// What comparing the known value with one identifier gave.
#[derive(Debug, PartialEq, Eq)]
enum Comparison {
    Match,
    NoMatch,
    /// The hash algorithm is not one OB defines, or the hash is malformed.
    Unreadable(String),
}

/// The spellings of the known value worth trying: as given (trimmed), and lower-cased when it
/// is an email address, because issuers commonly normalise emails before hashing.
fn candidates(known: &str) -> Vec<String> {
    let trimmed = known.trim();
    let mut out = vec![trimmed.to_owned()];
    let plain = trimmed.strip_prefix("mailto:").unwrap_or(trimmed);
    if plain.contains('@') && !plain.contains(':') {
        for candidate in [plain.to_owned(), plain.to_lowercase()] {
            if !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

fn compare(identifier: &Identifier<'_>, known: &[String]) -> Comparison {
    if !identifier.hashed {
        let found = identifier.identity.trim();
        let found_plain = found.strip_prefix("mailto:").unwrap_or(found);
        let matched = known.iter().any(|k| {
            k == found
                || k == found_plain
                || (k.contains('@') && k.eq_ignore_ascii_case(found_plain))
        });
        return if matched {
            Comparison::Match
        } else {
            Comparison::NoMatch
        };
    }
    let Some((alg, hex)) = identifier.identity.split_once('$') else {
        return Comparison::Unreadable(format!(
            "{}: hashed identity {:?} is not <alg>$<hex>",
            identifier.pointer, identifier.identity
        ));
    };
    let mut any_alg = false;
    for candidate in known {
        let Some(expected) = identity_hash(alg, candidate, identifier.salt) else {
            break;
        };
        any_alg = true;
        if expected.eq_ignore_ascii_case(hex.trim()) {
            return Comparison::Match;
        }
    }
    if any_alg {
        Comparison::NoMatch
    } else {
        Comparison::Unreadable(format!(
            "{}: hash algorithm {alg:?} is not sha256 or md5 (OB 2.0 §IdentityHash)",
            identifier.pointer
        ))
    }
}

/// Reads an IdentityObject (OB 3.0 or OB 2.0 shape) at `pointer`.
fn identity_object<'a>(object: &'a Value, pointer: String) -> Option<Identifier<'a>> {
    let identity = object
        .get("identityHash")
        .or_else(|| object.get("identity"))
        .and_then(Value::as_str)?;
    let kind = object
        .get("identityType")
        .or_else(|| object.get("type"))
        .and_then(Value::as_str);
    // `hashed` is required by both versions; when it is missing, the `<alg>$<hex>` shape says
    // it (OB 1.0 issuers sometimes left it out).
    let hashed = object
        .get("hashed")
        .and_then(Value::as_bool)
        .unwrap_or_else(|| looks_hashed(identity));
    Some(Identifier {
        pointer,
        kind,
        identity,
        hashed,
        salt: object.get("salt").and_then(Value::as_str).unwrap_or(""),
    })
}

fn looks_hashed(identity: &str) -> bool {
    identity.split_once('$').is_some_and(|(alg, hex)| {
        matches!(alg.to_ascii_lowercase().as_str(), "sha256" | "md5")
            && !hex.is_empty()
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Every recipient identifier of a credential or assertion, in document order.
fn identifiers(value: &Value) -> Vec<Identifier<'_>> {
    let mut out = Vec::new();
    if let Some(subjects) = value.get("credentialSubject") {
        for (i, subject) in as_list(subjects).into_iter().enumerate() {
            let base = if subjects.is_array() {
                format!("/credentialSubject/{i}")
            } else {
                "/credentialSubject".to_owned()
            };
            if let Some(id) = subject.get("id").and_then(Value::as_str) {
                out.push(Identifier {
                    pointer: format!("{base}/id"),
                    kind: Some("id"),
                    identity: id,
                    hashed: false,
                    salt: "",
                });
            }
            if let Some(list) = subject.get("identifier") {
                for (j, object) in as_list(list).into_iter().enumerate() {
                    let pointer = if list.is_array() {
                        format!("{base}/identifier/{j}")
                    } else {
                        format!("{base}/identifier")
                    };
                    out.extend(identity_object(object, pointer));
                }
            }
        }
    }
    match value.get("recipient") {
        Some(object @ Value::Object(_)) => {
            out.extend(identity_object(object, "/recipient".to_owned()));
        }
        // OB 0.5: the recipient is an email or `<alg>$<hash>`, salted by a top-level `salt`.
        Some(Value::String(identity)) => out.push(Identifier {
            pointer: "/recipient".to_owned(),
            kind: Some("email"),
            identity,
            hashed: looks_hashed(identity),
            salt: value.get("salt").and_then(Value::as_str).unwrap_or(""),
        }),
        _ => {}
    }
    out
}

/// Compares the credential's recipient identifiers with a known identifier (an email, a DID,
/// a URL, a phone number…).
pub fn check(value: &Value, known: &str) -> Check {
    let mut found = identifiers(value);
    let total = found.len();
    found.truncate(MAX_RECIPIENT_IDENTIFIERS);
    if found.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::CouldNotCheck(
                "the credential names no recipient (no identifier, subject id or recipient)".into(),
            ),
            "the credential does not say who received it, so it cannot be confirmed that it was issued to the person given",
        );
    }
    let known_forms = candidates(known);
    let mut unreadable = Vec::new();
    let described: Vec<Value> = found
        .iter()
        .map(|i| json!({"pointer": i.pointer, "type": i.kind, "hashed": i.hashed}))
        .collect();
    for identifier in &found {
        match compare(identifier, &known_forms) {
            Comparison::Match => {
                return Check::new(
                    ID,
                    Severity::Fatal,
                    Outcome::Passed,
                    "the credential was issued to the person you named",
                )
                .with_evidence("matched", identifier.pointer.as_str())
                .with_evidence("hashed", identifier.hashed)
                .with_evidence("identifier_type", json!(identifier.kind));
            }
            Comparison::NoMatch => {}
            Comparison::Unreadable(reason) => unreadable.push(reason),
        }
    }
    let check = if unreadable.is_empty() {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(format!(
                "none of the {} recipient identifier(s) matches the known value",
                found.len()
            )),
            "this credential was issued to someone else",
        )
    } else {
        Check::new(
            ID,
            Severity::Fatal,
            Outcome::CouldNotCheck(unreadable.join("; ")),
            "whether the credential belongs to this person could not be checked: the recipient is recorded in a way credbridge cannot read",
        )
    };
    let check = check.with_evidence("identifiers", described);
    if total > found.len() {
        check.with_evidence("ignored_identifiers", total.saturating_sub(found.len()))
    } else {
        check
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(value: &Value, known: &str) -> Outcome {
        check(value, known).outcome
    }

    #[test]
    fn spec_vector_sha256_salted() {
        // OB 3.0 schema $comment: SHA-256("a@example.com" + "Kosher").
        assert_eq!(
            identity_hash("sha256", "a@example.com", "Kosher").as_deref(),
            Some("b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399")
        );
        // OB 2.0 §IdentityHash: SHA-256("mayze"), unsalted.
        assert_eq!(
            identity_hash("sha256", "mayze", "").as_deref(),
            Some("7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6")
        );
        // RFC 1321 test suite: MD5("abc").
        assert_eq!(
            identity_hash("md5", "abc", "").as_deref(),
            Some("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(identity_hash("sha1", "abc", ""), None);
    }

    #[test]
    fn ob3_identifier_hashed_any_case() {
        let credential = json!({"credentialSubject": {"identifier": [{
            "type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
            "salt": "Kosher",
            "identityHash": "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399"
        }]}});
        assert_eq!(outcome(&credential, "a@example.com"), Outcome::Passed);
        assert!(matches!(
            outcome(&credential, "b@example.com"),
            Outcome::Failed(_)
        ));
    }

    #[test]
    fn subject_id_and_no_identifier() {
        let credential =
            json!({"credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"}});
        assert_eq!(
            outcome(&credential, "did:example:ebfeb1f712ebc6f1c276e12ec21"),
            Outcome::Passed
        );
        assert!(matches!(
            outcome(&credential, "did:example:other"),
            Outcome::Failed(_)
        ));
        let anonymous = json!({"credentialSubject": {"type": "AchievementSubject"}});
        // Asked "was it issued to a@example.com?", a credential naming nobody can't answer.
        assert!(matches!(
            outcome(&anonymous, "a@example.com"),
            Outcome::CouldNotCheck(_)
        ));
    }

    #[test]
    fn unknown_algorithm_is_could_not_check() {
        let assertion =
            json!({"recipient": {"type": "email", "hashed": true, "identity": "sha1$abcd"}});
        assert!(matches!(
            outcome(&assertion, "a@example.com"),
            Outcome::CouldNotCheck(_)
        ));
    }

    #[test]
    fn ob05_string_recipient_with_top_level_salt() {
        let hash = identity_hash("sha256", "a@example.com", "pepper").unwrap();
        let assertion = json!({"recipient": format!("sha256${hash}"), "salt": "pepper"});
        assert_eq!(outcome(&assertion, "a@example.com"), Outcome::Passed);
        let plain = json!({"recipient": "A@Example.com"});
        assert_eq!(outcome(&plain, "a@example.com"), Outcome::Passed);
    }
}
