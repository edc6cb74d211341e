//! Uploads → stored credentials: decode, verify and describe every item of every upload, then
//! store them all in one transaction. Shared by `POST /inbox` and `credbridge inbox add`.
//!
//! Each credential's original is the unit it came in: the uploaded file, the zip entry (of the
//! innermost archive), or the JSON Lines line, with that unit's SHA-256; its item key is its
//! place inside those bytes (`""`, or a pointer into a CLR or presentation). Re-verification
//! decodes those bytes alone and finds the item by its key.

use std::sync::Arc;

use credbridge_store::{Added, NewCredential, Source, Store};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::record::{new_credential, sha256_hex, verdict_word};
use crate::verifier::Verifier;

/// One upload: a name (file name or `body`) and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name, used as the first segment of item paths.
    pub name: String,
    /// The bytes as received.
    pub bytes: Arc<Vec<u8>>,
}

/// What happened to one stored item.
#[derive(Debug, Clone, Serialize)]
pub struct IngestedItem {
    /// The credential id.
    pub id: String,
    /// `false` when it was already in the inbox.
    pub created: bool,
    /// Where it sat in the upload.
    pub path: String,
    /// The verdict.
    pub verdict: String,
    /// The detected format.
    pub format: String,
    /// The issuer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// The result of an ingest.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    /// Stored items, in input order.
    pub items: Vec<IngestedItem>,
    /// Items that could not be read: `{item, error}`.
    pub errors: Vec<Value>,
}

/// Decodes and verifies every upload (blocking work) into the records to store and the
/// per-item errors.
pub fn prepare(
    verifier: &Verifier,
    uploads: &[Upload],
    source: Source,
    now_ms: i64,
) -> (Vec<NewCredential>, Vec<Value>) {
    let options = verifier.options(now_ms / 1000, None, None);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for upload in uploads {
        for unit in verifier.verify_units(&upload.bytes, &upload.name, &options) {
            let sha256 = unit.unit.as_ref().map(|u| sha256_hex(&u.bytes));
            for outcome in unit.items {
                let record = unit
                    .unit
                    .as_ref()
                    .zip(sha256.as_deref())
                    .and_then(|(u, sha256)| new_credential(&outcome, u, sha256, source, now_ms));
                match record {
                    Some(record) => records.push(record),
                    None => errors.push(json!({
                        "item": outcome.path,
                        "error": outcome.report.err().unwrap_or_else(|| "no credential".to_owned()),
                    })),
                }
            }
        }
    }
    (records, errors)
}

/// Stores prepared records for `tenant_id` and says what happened to each.
pub async fn store(
    store: &dyn Store,
    tenant_id: &str,
    records: Vec<NewCredential>,
    errors: Vec<Value>,
) -> Result<Ingested, ApiError> {
    if records.is_empty() {
        return Err(ApiError::NoCredential { errors });
    }
    let added: Vec<Added> = store.add_credentials(tenant_id, &records).await?;
    let items = records
        .into_iter()
        .zip(added)
        .map(|(record, added)| IngestedItem {
            id: added.id,
            created: added.created,
            path: record.container_path,
            verdict: record.verdict,
            format: record.format,
            issuer: record.issuer,
        })
        .collect();
    Ok(Ingested { items, errors })
}

/// The report of the item at `item_key` in `original`, verified again now.
pub fn reverify(
    verifier: &Verifier,
    original: &[u8],
    item_key: &str,
    now_ms: i64,
) -> Option<(String, String)> {
    const NAME: &str = "stored";
    let options = verifier.options(now_ms / 1000, None, None);
    verifier
        .verify_bytes(original, NAME, &options)
        .into_iter()
        .find(|o| o.path.strip_prefix(NAME).unwrap_or(&o.path) == item_key)
        .and_then(|o| o.report.ok())
        .map(|report| {
            (
                verdict_word(report.verdict),
                serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_owned()),
            )
        })
}
