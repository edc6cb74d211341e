//! From a verified item to what the inbox stores about it: subject identifiers and achievement
//! names (read through `credbridge_model::summarize`, the same digest `credbridge inspect`
//! prints), container path, format, issuer, verdict and the report. When the `profile` crate
//! lands, the unified record comes from there.

use credbridge_store::{NewCredential, Source};
use sha2::{Digest, Sha256};

use crate::verifier::{ItemOutcome, Unit};

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing into the string: no allocation per byte (format! made 32 of them).
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The verdict word stored and filtered on (`valid`, `valid-with-warnings`, `indeterminate`,
/// `invalid`): the report's own serialization.
pub fn verdict_word(verdict: credbridge_verify::Verdict) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "indeterminate".to_owned())
}

/// The record for one verified item of an upload (`None` for an item with no report).
/// `unit` is the file, zip entry or JSON Lines line the item was decoded from: its bytes are
/// the item's original, and the item key is the item's place inside them (so the same bytes
/// uploaded under another name, or inside another archive, are the same credential).
pub fn new_credential(
    outcome: &ItemOutcome,
    unit: &Unit,
    sha256: &str,
    source: Source,
    received_at: i64,
) -> Option<NewCredential> {
    let report = outcome.report.as_ref().ok()?;
    let item = outcome.item.as_ref()?;
    let item_key = unit.item_key(item);
    let (subjects, achievements) = item
        .credential_json()
        .and_then(|json| credbridge_model::parse(json).ok())
        .map(|doc| {
            let summary = credbridge_model::summarize(&doc);
            let mut subjects = Vec::new();
            if let Some(subject) = summary.subject {
                subjects.extend(subject.id);
                subjects.extend(subject.identifiers.into_iter().filter_map(|i| i.identity));
            }
            let achievements = summary
                .achievements
                .into_iter()
                .filter_map(|a| a.name)
                .collect();
            (subjects, achievements)
        })
        .unwrap_or_default();
    Some(NewCredential {
        sha256: sha256.to_owned(),
        original: unit.bytes.clone(),
        item_key,
        container_path: outcome.path.clone(),
        containers: item.containers.iter().map(ToString::to_string).collect(),
        format: report.format_name.to_string(),
        issuer: report.issuer.clone(),
        subjects,
        achievements,
        source,
        received_at,
        verdict: verdict_word(report.verdict),
        report: serde_json::to_string(report).unwrap_or_else(|_| "{}".to_owned()),
    })
}
