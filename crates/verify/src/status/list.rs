//! Getting a status list document and deciding whether it can be believed: the list
//! credential's type, its own proof and key binding, its validity window, and its
//! `encodedList` (Bitstring Status List v1.0 §3.2 "Validate Algorithm", steps 4–9).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use credbridge_keys::{Purpose, Snapshot, SourceError, SourcedBody};
use credbridge_proofs::AssertionMethodPurpose;
use serde_json::{Map, Value, json};

use super::bitstring::{Bitstring, ListKind, SPEC_MINIMUM_ENTRIES, decode_bitstring};
use crate::binding::{Party, Signer};
use crate::report::Outcome;
use crate::{VerifyOptions, proof, validity};

/// A document as obtained from the document source (or from its last snapshot), not yet
/// parsed: its verdict is shared under the hash of its body, so most credentials of a bulk run
/// never need the parsed list.
#[derive(Debug, Clone)]
pub struct ListDocument {
    /// The URL asked for.
    pub url: String,
    /// The raw body: a JSON document, or a compact JWS.
    pub body: Arc<[u8]>,
    /// Where it came from (the final URL, or a local file).
    pub origin: String,
    /// When it was obtained (RFC 3339).
    pub fetched_at: String,
    /// Whether it came from a cache.
    pub from_cache: bool,
    /// SHA-256 of the body: the key under which its verdict is shared across credentials.
    pub body_sha256: [u8; 32],
}

impl ListDocument {
    /// The body as JSON (a compact JWS as a JSON string), or why it is neither, in the words
    /// of a fetch error.
    pub fn value(&self) -> Result<Value, String> {
        credbridge_keys::body_to_value(&self.url, &self.body).map_err(|e| e.to_string())
    }

    /// The facts about where the document came from, for evidence.
    pub fn provenance(&self, evidence: &mut Map<String, Value>) {
        evidence.insert("origin".into(), json!(self.origin));
        evidence.insert("fetched_at".into(), json!(self.fetched_at));
        evidence.insert("from_cache".into(), json!(self.from_cache));
    }
}

/// The result of asking the document source for a URL.
#[derive(Debug)]
pub enum Fetch {
    /// The document arrived.
    Fetched(ListDocument),
    /// It did not; `reason` says why, and `last_seen` is the source's last snapshot, if any.
    NotFetched {
        /// Why (offline, or the fetch error).
        reason: String,
        /// The last snapshot of the URL, if the source keeps them.
        last_seen: Option<ListDocument>,
    },
}

fn rfc3339(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    credbridge_model::format_unix(seconds)
}

fn from_snapshot(snapshot: &Snapshot) -> Option<ListDocument> {
    Some(ListDocument {
        url: snapshot.url.clone(),
        body: snapshot.body.as_slice().into(),
        origin: format!("snapshot of {}", snapshot.final_url),
        fetched_at: rfc3339(snapshot.fetched_at),
        from_cache: true,
        body_sha256: credbridge_keys::sha256(&snapshot.body),
    })
}

/// Fetches `url` through the options' document source. Never fetches when there is none.
pub fn fetch(url: &str, options: &VerifyOptions) -> Fetch {
    let offline = || credbridge_keys::not_fetched_offline(url, Purpose::StatusList);
    let Some(source) = &options.documents else {
        return Fetch::NotFetched {
            reason: offline(),
            last_seen: None,
        };
    };
    match source.get_body(url, Purpose::StatusList) {
        Ok(SourcedBody {
            body,
            body_sha256,
            origin,
            fetched_at,
            from_cache,
        }) => Fetch::Fetched(ListDocument {
            url: url.to_owned(),
            body_sha256,
            body,
            origin,
            fetched_at: rfc3339(fetched_at),
            from_cache,
        }),
        Err(err) => Fetch::NotFetched {
            reason: match err {
                SourceError::Offline { .. } => offline(),
                other => format!("status list {url} could not be fetched: {other}"),
            },
            last_seen: source.last_snapshot(url).as_ref().and_then(from_snapshot),
        },
    }
}

/// A list that passed every check, ready to be read.
#[derive(Debug)]
pub struct ValidList {
    /// The decoded bitstring.
    pub bitstring: Bitstring,
    /// The list's `credentialSubject.statusPurpose` values (empty for RevocationList2020).
    pub purposes: Vec<String>,
}

/// The list credential's own verdict, with the facts behind it.
#[derive(Debug)]
pub struct ValidatedList {
    /// A usable list, or why it is not usable.
    pub result: Result<ValidList, String>,
    /// `list_id`, `list_issuer`, `list_proof`, `list_validity`, `list_encoding`, `list_entries`.
    pub evidence: Map<String, Value>,
}

fn type_names(doc: &Value) -> Vec<&str> {
    match doc.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

use credbridge_model::json::kind_with_article as json_type;

fn outcome_evidence(outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Passed => json!("passed"),
        Outcome::Failed(reason) => json!(format!("failed: {reason}")),
        Outcome::CouldNotCheck(reason) => json!(format!("could-not-check: {reason}")),
        Outcome::NotApplicable => json!("not-applicable"),
    }
}

/// Checks a fetched list document of `kind` and decodes its bitstring.
pub fn validate(doc: &ListDocument, kind: ListKind, options: &VerifyOptions) -> ValidatedList {
    let mut evidence = Map::new();
    let result = validate_into(doc, kind, options, &mut evidence);
    ValidatedList { result, evidence }
}

fn validate_into(
    doc: &ListDocument,
    kind: ListKind,
    options: &VerifyOptions,
    evidence: &mut Map<String, Value>,
) -> Result<ValidList, String> {
    let wanted = kind.credential_type();
    // The credential, the proof check, and the JWT claims when it came as a VC-JWT.
    let (credential, summary, claims) = match doc.value()? {
        Value::String(compact) => {
            let (summary, verification) = proof::jose(&compact, options);
            let verification = verification.ok_or_else(|| match &summary.check.outcome {
                Outcome::Failed(reason) | Outcome::CouldNotCheck(reason) => {
                    format!("the status list is not a readable signed token: {reason}")
                }
                _ => "the status list is not a readable signed token".to_owned(),
            })?;
            let credential = verification
                .credential
                .clone()
                .ok_or("the status list's signed token carries no credential")?;
            let claims = Value::Object(verification.payload.clone());
            check_type(&credential, wanted)?;
            (credential, summary, Some(claims))
        }
        value @ Value::Object(_) => {
            check_type(&value, wanted)?;
            let summary = proof::data_integrity(&value, options, &AssertionMethodPurpose);
            (value, summary, None)
        }
        other => {
            return Err(format!(
                "the status list document is {}, not a {wanted}",
                json_type(&other)
            ));
        }
    };
    let issuer = crate::issuer_id(&credential);
    if let Some(id) = credential.get("id").and_then(Value::as_str) {
        evidence.insert("list_id".into(), json!(id));
    }
    evidence.insert("list_issuer".into(), json!(issuer));
    evidence.insert(
        "list_proof".into(),
        outcome_evidence(&summary.check.outcome),
    );
    match &summary.check.outcome {
        Outcome::Passed => {}
        Outcome::Failed(reason) => {
            return Err(format!(
                "the status list's signature is not valid: {reason}"
            ));
        }
        Outcome::CouldNotCheck(reason) => {
            return Err(format!(
                "the status list's signature could not be checked: {reason}"
            ));
        }
        Outcome::NotApplicable => return Err("the status list is not signed".to_owned()),
    }
    // Like every verified signature, the list's ends in the binding check, whatever the signer.
    let signer = match (&summary.signer, &summary.embedded_key) {
        (Some(method), _) => Signer::Method(method),
        (None, Some(key)) => Signer::Embedded(key),
        (None, None) => Signer::Unknown,
    };
    let binding = crate::binding::check(
        Party::Issuer,
        issuer,
        signer,
        true,
        options.resolver.as_ref(),
    );
    if let Outcome::Failed(reason) | Outcome::CouldNotCheck(reason) = &binding.outcome {
        return Err(format!(
            "the status list was not signed by its issuer: {reason}"
        ));
    }
    for check in validity::checks(
        &credential,
        claims.as_ref(),
        options.now,
        options.max_clock_skew,
    ) {
        evidence.insert(
            format!("list_{}", check.id.replace(['.', '-'], "_")),
            outcome_evidence(&check.outcome),
        );
        if let Outcome::Failed(reason) | Outcome::CouldNotCheck(reason) = &check.outcome {
            return Err(format!("the status list is not in force: {reason}"));
        }
    }
    let subject = match credential.get("credentialSubject") {
        Some(Value::Array(items)) => items.first(),
        other => other,
    }
    .filter(|s| s.is_object())
    .ok_or("the status list has no credentialSubject object")?;
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or("the status list has no credentialSubject.encodedList string")?;
    let bitstring = decode_bitstring(encoded, kind)
        .map_err(|e| format!("the status list cannot be read: {e}"))?;
    let entries = bitstring.entries(1);
    evidence.insert("list_encoding".into(), json!(bitstring.encoding()));
    evidence.insert("list_bits".into(), json!(entries));
    if entries < SPEC_MINIMUM_ENTRIES {
        evidence.insert(
            "list_note".into(),
            json!(format!(
                "the list has {entries} bits, fewer than the {SPEC_MINIMUM_ENTRIES} the specification requires for herd privacy; it is read anyway"
            )),
        );
    }
    let purposes = match subject.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.trim().to_owned()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|p| p.trim().to_owned())
            .collect(),
        _ => Vec::new(),
    };
    if kind != ListKind::RevocationList2020 && purposes.is_empty() {
        return Err("the status list has no credentialSubject.statusPurpose".to_owned());
    }
    Ok(ValidList {
        bitstring,
        purposes,
    })
}

fn check_type(credential: &Value, wanted: &str) -> Result<(), String> {
    let types = type_names(credential);
    if types.contains(&wanted) {
        Ok(())
    } else {
        Err(format!(
            "the status list is not a {wanted} (its type is {types:?})"
        ))
    }
}
