//! Webhooks: delivery of inbox, profile and match events into hiring systems, as rules only
//! (sans-IO). The server stores events in an outbox, claims them, and posts what this module
//! builds; nothing here opens a socket, reads the clock or draws random numbers: the caller
//! passes the time and the jitter.
//!
//! - [`EventType`]: the events a subscription can ask for, with their wire names.
//! - [`payload`]: the JSON body of one delivery (`{id, type, created, version, data}`).
//! - [`signature_header`] / [`verify_signature`]: the signing recipe. The
//!   `Credbridge-Signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256>` where the MAC is
//!   computed with the subscription's secret (its text, as bytes) over `"<t>.<raw body>"`. A
//!   receiver recomputes it over the raw body it received and refuses a timestamp outside its
//!   replay window ([`DEFAULT_TOLERANCE_SECONDS`]); the event id header lets it drop the
//!   duplicates that at-least-once delivery can bring. See `docs/webhooks.md`.
//! - [`RetrySchedule`]: exponential backoff with jitter and a give-up rule.
//! - [`revocation_found`]: whether a verification report says the issuer revoked (or
//!   suspended) the credential, which turns a re-verification into a `credential.revoked` event.
//!
//! # Example
//! ```
//! use credbridge_export::webhook::{signature_header, verify_signature};
//! let body = br#"{"id":"e1","type":"credential.received"}"#;
//! let header = signature_header("whsec_test", 1_700_000_000, body);
//! assert!(header.starts_with("t=1700000000,v1="));
//! assert!(verify_signature("whsec_test", &header, body, 1_700_000_060, 300).is_ok());
//! // Ten minutes later the same request is a replay.
//! assert!(verify_signature("whsec_test", &header, body, 1_700_000_600, 300).is_err());
//! ```
//!
//! # Design decisions
//! - **The timestamp is inside the MAC** (`"<t>.<body>"`), so a captured request cannot be
//!   replayed later with a fresh `t`; the replay window bounds how long a captured request stays
//!   usable, and the event id lets a receiver refuse a replay inside the window.
//! - **The recipe is the one receivers already know** (Stripe's and Standard Webhooks' shape:
//!   `t=…,v1=…`, HMAC-SHA256, hex), so it checks with `openssl dgst -sha256 -hmac` and any
//!   language's standard library. Several `v1=` entries may appear (secret rotation); any one
//!   matching is enough.
//! - **Equal jitter** (half the delay fixed, half random): deliveries to a receiver that was
//!   down spread out instead of arriving together when it comes back, and the delay still
//!   grows with every attempt.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

/// The header that carries the signature: `t=<unix seconds>,v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "Credbridge-Signature";

/// The header that carries the event id (the same on every attempt and every subscription).
pub const EVENT_ID_HEADER: &str = "Credbridge-Event-Id";

/// The header that carries the event type (also in the body).
pub const EVENT_TYPE_HEADER: &str = "Credbridge-Event-Type";

/// The replay window a receiver should use, in seconds, and the one [`verify_signature`] is
/// documented with: a signature older (or further in the future) than this is refused.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// The version tag written into every payload; bump on incompatible changes.
pub const PAYLOAD_VERSION: &str = "credbridge/webhook/v1";

/// The prefix of generated secrets (so they are recognisable in a leak scan).
pub const SECRET_PREFIX: &str = "whsec_";

/// The most bytes of a receiver's answer kept in the delivery log.
pub const MAX_LOGGED_RESPONSE_BYTES: usize = 1024;

/// An event a subscription can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// A credential was added to the inbox (upload, API, exchange).
    #[serde(rename = "credential.received")]
    CredentialReceived,
    /// A verification report was stored for a credential (its first, or a re-verification).
    #[serde(rename = "credential.verified")]
    CredentialVerified,
    /// A re-verification found the credential revoked or suspended where the previous report
    /// did not.
    #[serde(rename = "credential.revoked")]
    CredentialRevoked,
    /// A person's skills profile changed when it was rebuilt.
    #[serde(rename = "profile.updated")]
    ProfileUpdated,
    /// A job's ranked matches changed when they were recomputed.
    #[serde(rename = "match.updated")]
    MatchUpdated,
}

impl EventType {
    /// Every event type, in documentation order.
    pub const ALL: [EventType; 5] = [
        EventType::CredentialReceived,
        EventType::CredentialVerified,
        EventType::CredentialRevoked,
        EventType::ProfileUpdated,
        EventType::MatchUpdated,
    ];

    /// The wire name (`credential.received`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::CredentialReceived => "credential.received",
            EventType::CredentialVerified => "credential.verified",
            EventType::CredentialRevoked => "credential.revoked",
            EventType::ProfileUpdated => "profile.updated",
            EventType::MatchUpdated => "match.updated",
        }
    }

    /// The event type with this wire name.
    #[must_use]
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a subscription request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubscriptionError {
    /// An event type that does not exist.
    #[error("events: unknown event type {found:?} (expected one of {expected})")]
    UnknownEvent {
        /// The name given.
        found: String,
        /// The names accepted.
        expected: String,
    },
    /// No event type at all.
    #[error("events: at least one event type is required")]
    NoEvents,
    /// The URL is not an absolute http(s) URL.
    #[error("url: {url:?} is not an absolute https:// URL ({reason})")]
    Url {
        /// The URL given (truncated).
        url: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The most characters of a subscription URL.
pub const MAX_URL_CHARS: usize = 2048;

/// The event types of a subscription request, checked, sorted and deduplicated.
pub fn parse_event_types(names: &[String]) -> Result<Vec<EventType>, SubscriptionError> {
    let mut types = Vec::with_capacity(names.len());
    for name in names {
        let found =
            EventType::parse(name.trim()).ok_or_else(|| SubscriptionError::UnknownEvent {
                found: name.chars().take(100).collect(),
                expected: EventType::ALL.map(EventType::as_str).join(", "),
            })?;
        types.push(found);
    }
    types.sort();
    types.dedup();
    if types.is_empty() {
        return Err(SubscriptionError::NoEvents);
    }
    Ok(types)
}

/// Checks the shape of a subscription URL: absolute, `https://` (or `http://` when
/// `allow_http`), with a host, at most [`MAX_URL_CHARS`]. Where it may point (the address
/// guard) is the delivering client's business, checked on every attempt.
pub fn check_url(url: &str, allow_http: bool) -> Result<(), SubscriptionError> {
    let refuse = |reason| SubscriptionError::Url {
        url: url.chars().take(200).collect(),
        reason,
    };
    if url.len() > MAX_URL_CHARS {
        return Err(refuse("too long"));
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        if !allow_http {
            return Err(refuse("http is not allowed: use https"));
        }
        rest
    } else {
        return Err(refuse("the scheme must be https"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(refuse("no host"));
    }
    if url.chars().any(char::is_control) {
        return Err(refuse("control characters"));
    }
    Ok(())
}

/// A new subscription secret from 32 random bytes: [`SECRET_PREFIX`] and 64 hex digits. The
/// secret's text is the HMAC key.
#[must_use]
pub fn new_secret(random: [u8; 32]) -> String {
    format!("{SECRET_PREFIX}{}", hex::encode(random))
}

/// One event as stored in the outbox.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Its id (unique; the receiver's deduplication key).
    pub id: &'a str,
    /// Its type's wire name (kept as text: an outbox row written by a newer server still
    /// delivers).
    pub event_type: &'a str,
    /// When the change happened, Unix milliseconds.
    pub created_at_ms: i64,
    /// What changed (see `docs/webhooks.md` for each type's fields).
    pub data: &'a Value,
}

/// The body of a delivery: `{"id", "type", "created" (RFC 3339), "version", "data"}`, as
/// compact JSON bytes. The same event gives the same bytes on every attempt.
#[must_use]
pub fn payload(event: &Event<'_>) -> Vec<u8> {
    let body = json!({
        "id": event.id,
        "type": event.event_type,
        "created": credbridge_model::format_unix(event.created_at_ms.div_euclid(1000)),
        "version": PAYLOAD_VERSION,
        "data": event.data,
    });
    // A `Value` always serializes; an empty body would fail every receiver's JSON parse loudly.
    serde_json::to_vec(&body).unwrap_or_default()
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
#[must_use]
pub fn signature_hex(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// The `Credbridge-Signature` header value: `t=<timestamp>,v1=<hex>`.
#[must_use]
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        signature_hex(secret, timestamp, body)
    )
}

/// Why a received request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header has no `t=` with a whole number.
    #[error("the signature header has no timestamp (expected t=<unix seconds>,v1=<hex>)")]
    NoTimestamp,
    /// The header has no `v1=` entry.
    #[error("the signature header has no v1= signature")]
    NoSignature,
    /// The timestamp is outside the replay window.
    #[error(
        "the signature's timestamp {timestamp} is {age} s from now ({now}), outside the {tolerance} s window (a replay, or a clock far off)"
    )]
    OutsideWindow {
        /// The header's timestamp.
        timestamp: i64,
        /// The receiver's time.
        now: i64,
        /// How far apart, seconds.
        age: i64,
        /// The window.
        tolerance: i64,
    },
    /// No `v1=` entry matches the body under this secret.
    #[error("no v1 signature matches the body under this secret")]
    Mismatch,
}

/// Checks a received request: `header` (the `Credbridge-Signature` value) against the raw
/// `body` under `secret`, at `now` (Unix seconds) with a replay window of `tolerance` seconds
/// ([`DEFAULT_TOLERANCE_SECONDS`]). The comparison is constant-time.
pub fn verify_signature(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    let age = now.saturating_sub(timestamp).saturating_abs();
    if age > tolerance {
        return Err(SignatureError::OutsideWindow {
            timestamp,
            now,
            age,
            tolerance,
        });
    }
    let matches = signatures.iter().any(|hex_mac| {
        hex::decode(hex_mac)
            .is_ok_and(|expected| mac(secret, timestamp, body).verify_slice(&expected).is_ok())
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// When to try a delivery again, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// The delay before the second attempt (before jitter).
    pub base: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// Attempts in all; after the last failed one the delivery is given up (`failed` in the
    /// delivery log).
    pub max_attempts: u32,
}

impl Default for RetrySchedule {
    /// 30 s, doubling, at most 6 h apart, 12 attempts: a receiver down for about a day still
    /// gets its events.
    fn default() -> RetrySchedule {
        RetrySchedule {
            base: Duration::from_secs(30),
            max_delay: Duration::from_secs(6 * 3600),
            max_attempts: 12,
        }
    }
}

impl RetrySchedule {
    /// The delay after the `attempts`-th failed attempt (1 for the first), or `None` when the
    /// delivery should be given up. `jitter` in `[0, 1]` (the caller's random draw) spreads the
    /// second half of the delay: `d/2 + jitter·d/2` where `d = min(base·2^(attempts-1),
    /// max_delay)`.
    #[must_use]
    pub fn next_delay(&self, attempts: u32, jitter: f64) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = attempts.saturating_sub(1).min(40);
        let full = self
            .base
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.max_delay);
        let half = full / 2;
        // `mul_f64` panics on NaN: a NaN draw counts as the middle.
        let jitter = if jitter.is_nan() {
            0.5
        } else {
            jitter.clamp(0.0, 1.0)
        };
        Some(half + half.mul_f64(jitter))
    }
}

/// Whether a receiver's status means "delivered": any 2xx. Everything else (3xx included:
/// redirects are not followed for a signed POST) is retried.
#[must_use]
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Whether a verification report (as JSON) says the issuer revoked or suspended the
/// credential: its `status` (status list) or `status.revocation` (Open Badges 2.0 revocation
/// list) check failed. A status that could not be checked is not a revocation.
#[must_use]
pub fn revocation_found(report: &Value) -> bool {
    report
        .get("checks")
        .and_then(Value::as_array)
        .is_some_and(|checks| {
            checks.iter().any(|check| {
                matches!(
                    check.get("id").and_then(Value::as_str),
                    Some("status" | "status.revocation")
                ) && check.get("outcome").and_then(Value::as_str) == Some("failed")
            })
        })
}

/// The failed status check of a report, for a `credential.revoked` event's data:
/// `{id, reason, message}`.
#[must_use]
pub fn revocation_check(report: &Value) -> Option<Value> {
    report
        .get("checks")?
        .as_array()?
        .iter()
        .find(|check| {
            matches!(
                check.get("id").and_then(Value::as_str),
                Some("status" | "status.revocation")
            ) && check.get("outcome").and_then(Value::as_str) == Some("failed")
        })
        .map(|check| {
            json!({
                "id": check.get("id"),
                "reason": check.get("reason"),
                "message": check.get("message"),
            })
        })
}

/// A recomputed object (a person's profile, a job's matches) as the outbox compares it: what it
/// is about, a digest of its content, and the event's data should it have changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    /// The person id or the job id.
    pub subject: String,
    /// Hex SHA-256 of the object's JSON.
    pub digest: String,
    /// The `profile.updated` / `match.updated` event's data.
    pub data: Value,
}

/// Hex SHA-256 of `value`'s JSON: two computations of the same object give the same digest
/// (the types serialize their fields in declaration order and their lists sorted).
#[must_use]
pub fn digest(value: &impl Serialize) -> String {
    use sha2::Digest as _;
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// A person's profile for `profile.updated`: data `{person, skills, verifiedSkills,
/// credentials}` (counts; the receiver reads the profile itself with `GET /profiles/{id}`).
#[must_use]
pub fn profile_recomputed(profile: &credbridge_profile::SkillsProfile) -> Recomputed {
    let verified = profile
        .skills
        .iter()
        .filter(|s| s.status == credbridge_profile::SkillStatus::Verified)
        .count();
    Recomputed {
        subject: profile.person.id.clone(),
        digest: digest(profile),
        data: json!({
            "person": profile.person.id,
            "skills": profile.skills.len(),
            "verifiedSkills": verified,
            "credentials": profile.credentials.len(),
        }),
    }
}

/// Most candidates a `match.updated` event lists.
pub const MAX_EVENT_CANDIDATES: usize = 10;

/// A job's ranked matches for `match.updated`: data `{job, candidates, top: [{candidate,
/// coverage}]}` (the best [`MAX_EVENT_CANDIDATES`]; the full explanation is at
/// `GET /jobs/{id}/matches`).
#[must_use]
pub fn matches_recomputed(job_id: &str, ranked: &[credbridge_matching::MatchReport]) -> Recomputed {
    let top: Vec<Value> = ranked
        .iter()
        .take(MAX_EVENT_CANDIDATES)
        .map(|r| json!({ "candidate": r.candidate, "coverage": r.coverage }))
        .collect();
    Recomputed {
        subject: job_id.to_owned(),
        digest: digest(&ranked),
        data: json!({ "job": job_id, "candidates": ranked.len(), "top": top }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_round_trip() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(EventType::parse("credential.deleted"), None);
        let err = parse_event_types(&["profile.updated".into(), "nope".into()]).unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
        assert_eq!(
            parse_event_types(&["match.updated".into(), "match.updated".into()]).unwrap(),
            [EventType::MatchUpdated]
        );
        assert_eq!(parse_event_types(&[]), Err(SubscriptionError::NoEvents));
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://hr.example/hooks", false).is_ok());
        assert!(check_url("http://127.0.0.1:9/x", false).is_err());
        assert!(check_url("http://127.0.0.1:9/x", true).is_ok());
        assert!(check_url("ftp://x", true).is_err());
        assert!(check_url("https:///path", false).is_err());
        assert!(check_url("https://a\nb", false).is_err());
    }

    // The hmac crate against RFC 4231 test case 2, then the recipe: HMAC over exactly the
    // bytes "<t>.<body>".
    #[test]
    fn signature_is_hmac_sha256_over_timestamp_dot_body() {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // "1.2" is t = 1 and body "2": the recipe's input is exactly "1.2".
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        mac.update(b"1.2");
        assert_eq!(
            signature_hex("k", 1, b"2"),
            hex::encode(mac.finalize().into_bytes())
        );
    }

    #[test]
    fn verification_refuses_tampering_replays_and_junk() {
        let body = br#"{"id":"x"}"#;
        let header = signature_header("s1", 1000, body);
        assert_eq!(verify_signature("s1", &header, body, 1000, 300), Ok(()));
        assert_eq!(verify_signature("s1", &header, body, 1300, 300), Ok(()));
        assert!(matches!(
            verify_signature("s1", &header, body, 1301, 300),
            Err(SignatureError::OutsideWindow { age: 301, .. })
        ));
        assert!(matches!(
            verify_signature("s1", &header, body, 600, 300),
            Err(SignatureError::OutsideWindow { .. })
        ));
        assert_eq!(
            verify_signature("s2", &header, body, 1000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("s1", &header, br#"{"id":"y"}"#, 1000, 300),
            Err(SignatureError::Mismatch)
        );
        // A re-dated header with the old MAC does not verify.
        let redated = header.replacen("t=1000", "t=1200", 1);
        assert_eq!(
            verify_signature("s1", &redated, body, 1200, 300),
            Err(SignatureError::Mismatch)
        );
        // Rotation: any v1 matching is enough.
        let rotated = format!("{header},v1={}", signature_hex("s2", 1000, body));
        assert_eq!(verify_signature("s2", &rotated, body, 1000, 300), Ok(()));
        assert_eq!(
            verify_signature("s1", "v1=ab", body, 1000, 300),
            Err(SignatureError::NoTimestamp)
        );
        assert_eq!(
            verify_signature("s1", "t=1000", body, 1000, 300),
            Err(SignatureError::NoSignature)
        );
        assert_eq!(
            verify_signature("s1", "t=1000,v1=zz", body, 1000, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn backoff_doubles_with_equal_jitter_and_gives_up() {
        let schedule = RetrySchedule {
            base: Duration::from_secs(10),
            max_delay: Duration::from_secs(100),
            max_attempts: 6,
        };
        assert_eq!(schedule.next_delay(1, 0.0), Some(Duration::from_secs(5)));
        assert_eq!(schedule.next_delay(1, 1.0), Some(Duration::from_secs(10)));
        assert_eq!(schedule.next_delay(2, 0.0), Some(Duration::from_secs(10)));
        assert_eq!(schedule.next_delay(3, 0.5), Some(Duration::from_secs(30)));
        // Capped at max_delay.
        assert_eq!(schedule.next_delay(5, 1.0), Some(Duration::from_secs(100)));
        assert_eq!(schedule.next_delay(6, 0.0), None);
        // Out-of-range jitter is clamped; huge attempt counts do not overflow.
        let long = RetrySchedule {
            max_attempts: u32::MAX,
            ..schedule
        };
        assert_eq!(long.next_delay(1000, 7.0), Some(Duration::from_secs(100)));
        assert_eq!(
            long.next_delay(1, f64::NAN),
            Some(Duration::from_millis(7500))
        );
    }

    #[test]
    fn payload_is_stable_and_dated() {
        let data = json!({"credential": "c1"});
        let event = Event {
            id: "e1",
            event_type: "credential.received",
            created_at_ms: 1_262_304_000_500,
            data: &data,
        };
        let body = payload(&event);
        assert_eq!(body, payload(&event));
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["created"], "2010-01-01T00:00:00Z");
        assert_eq!(value["data"]["credential"], "c1");
        assert_eq!(value["version"], PAYLOAD_VERSION);
    }

    #[test]
    fn revocation_is_a_failed_status_check() {
        let report = |id: &str, outcome: &str| json!({"checks": [{"id": "proof", "outcome": "passed"}, {"id": id, "outcome": outcome, "reason": "bit 7 set"}]});
        assert!(revocation_found(&report("status", "failed")));
        assert!(revocation_found(&report("status.revocation", "failed")));
        assert!(!revocation_found(&report("status", "could-not-check")));
        assert!(!revocation_found(&report("proof", "failed")));
        assert!(!revocation_found(&json!({})));
        assert_eq!(
            revocation_check(&report("status", "failed")).unwrap()["reason"],
            "bit 7 set"
        );
    }
}
