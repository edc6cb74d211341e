//! One `credentialStatus` entry, parsed: which method, which list, which index.

use serde_json::Value;

use super::bitstring::{ListKind, MAX_STATUS_SIZE};

/// The 1EdTech Revocation List Status Method type (OB 3.0 §9.10, VCRL 1.0).
pub const ONE_EDTECH_REVOCATION_LIST: &str = "1EdTechRevocationList";

/// What a status entry asks the verifier to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Look one entry up in a bitstring list (Bitstring Status List, StatusList2021,
    /// RevocationList2020).
    List(ListEntry),
    /// GET the URL and look for the credential's id (1EdTech Revocation List).
    OneEdTech {
        /// The revocation list URL (`credentialStatus.id`).
        url: String,
    },
    /// A status method this build does not implement.
    Unknown {
        /// The entry's `type` (all of them, joined), or `(none)`.
        type_name: String,
    },
    /// A known method, but the entry lacks or misstates a property.
    Malformed {
        /// The entry's type.
        type_name: String,
        /// What is wrong.
        reason: String,
    },
}

/// An entry pointing into a bitstring list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The list format.
    pub kind: ListKind,
    /// `statusPurpose` (`revocation` for RevocationList2020, which has none).
    pub purpose: String,
    /// `statusListCredential` / `revocationListCredential`.
    pub url: String,
    /// `statusListIndex` / `revocationListIndex`.
    pub index: u64,
    /// `statusSize` (Bitstring Status List only; 1 otherwise).
    pub size: u32,
    /// `statusMessage`: (status value, message) pairs.
    pub messages: Vec<(u64, String)>,
}

fn types(entry: &Value) -> Vec<&str> {
    match entry.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Parses one entry of `credentialStatus`.
pub fn parse(entry: &Value) -> Entry {
    let names = types(entry);
    let type_name = if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    };
    if !entry.is_object() {
        return Entry::Malformed {
            type_name,
            reason: "the status entry is not a JSON object".to_owned(),
        };
    }
    let kind = [
        ListKind::BitstringStatusList,
        ListKind::StatusList2021,
        ListKind::RevocationList2020,
    ]
    .into_iter()
    .find(|k| names.contains(&k.entry_type()));
    if let Some(kind) = kind {
        return match list_entry(entry, kind) {
            Ok(list) => Entry::List(list),
            Err(reason) => Entry::Malformed { type_name, reason },
        };
    }
    if names.contains(&ONE_EDTECH_REVOCATION_LIST) {
        return match entry.get("id").and_then(Value::as_str) {
            Some(url) if !url.trim().is_empty() => Entry::OneEdTech {
                url: url.trim().to_owned(),
            },
            _ => Entry::Malformed {
                type_name,
                reason: "a 1EdTechRevocationList entry needs the list URL in \"id\"".to_owned(),
            },
        };
    }
    Entry::Unknown { type_name }
}

fn list_entry(entry: &Value, kind: ListKind) -> Result<ListEntry, String> {
    let (index_field, url_field) = match kind {
        ListKind::RevocationList2020 => ("revocationListIndex", "revocationListCredential"),
        _ => ("statusListIndex", "statusListCredential"),
    };
    let url = entry
        .get(url_field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| format!("{url_field} (the list's URL) is missing or not a string"))?
        .to_owned();
    let index =
        entry
            .get(index_field)
            .ok_or_else(|| format!("{index_field} is missing"))
            .and_then(|v| {
                non_negative_integer(v).ok_or_else(|| {
            format!("{index_field} must be a non-negative integer (a string of digits), found {v}")
        })
            })?;
    let purpose = match kind {
        ListKind::RevocationList2020 => "revocation".to_owned(),
        _ => entry
            .get("statusPurpose")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| "statusPurpose is missing or not a string".to_owned())?
            .to_owned(),
    };
    let size = match (kind, entry.get("statusSize")) {
        (ListKind::BitstringStatusList, Some(v)) => non_negative_integer(v)
            .and_then(|s| u32::try_from(s).ok())
            .filter(|s| (1..=MAX_STATUS_SIZE).contains(s))
            .ok_or_else(|| {
                format!("statusSize must be an integer from 1 to {MAX_STATUS_SIZE}, found {v}")
            })?,
        _ => 1,
    };
    let messages = match entry.get("statusMessage") {
        Some(Value::Array(items)) => items.iter().filter_map(status_message).collect(),
        _ => Vec::new(),
    };
    Ok(ListEntry {
        kind,
        purpose,
        url,
        index,
        size,
        messages,
    })
}

/// `statusListIndex` is a string of base-10 digits in the specs; numbers are common too
/// (the 1EdTech validator's fixture uses `23`).
fn non_negative_integer(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}

/// One `statusMessage` item: `{"status": "0x1", "message": "…"}` (Bitstring Status List v1.0
/// §2.1: `status` is a hexadecimal string with a `0x` prefix).
fn status_message(item: &Value) -> Option<(u64, String)> {
    let status = item.get("status")?;
    let value = match status {
        Value::String(s) => {
            let s = s.trim();
            let hex = s
                .strip_prefix("0x")
                .or_else(|| s.strip_prefix("0X"))
                .unwrap_or(s);
            u64::from_str_radix(hex, 16).ok()?
        }
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    let message = item.get("message")?.as_str()?.to_owned();
    Some((value, message))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bitstring_entry_with_string_or_number_index() {
        for index in [json!("94567"), json!(94567)] {
            let entry = parse(&json!({
                "type": "BitstringStatusListEntry",
                "statusPurpose": "message",
                "statusListIndex": index,
                "statusListCredential": "https://example.com/status/3",
                "statusSize": 2,
                "statusMessage": [
                    {"status": "0x0", "message": "pending"},
                    {"status": "0x2", "message": "accepted"}
                ]
            }));
            assert_eq!(
                entry,
                Entry::List(ListEntry {
                    kind: ListKind::BitstringStatusList,
                    purpose: "message".into(),
                    url: "https://example.com/status/3".into(),
                    index: 94567,
                    size: 2,
                    messages: vec![(0, "pending".into()), (2, "accepted".into())],
                })
            );
        }
    }

    #[test]
    fn revocation_list_2020_fields() {
        let entry = parse(&json!({
            "id": "https://example.com/status/2#0",
            "type": "RevocationList2020Status",
            "revocationListIndex": "0",
            "revocationListCredential": "https://example.com/status/2"
        }));
        let Entry::List(list) = entry else {
            panic!("{entry:?}")
        };
        assert_eq!(list.kind, ListKind::RevocationList2020);
        assert_eq!(list.purpose, "revocation");
        assert_eq!(list.url, "https://example.com/status/2");
    }

    #[test]
    fn other_methods_and_defects() {
        assert_eq!(
            parse(&json!({"type": "1EdTechRevocationList", "id": "https://x.example/rl"})),
            Entry::OneEdTech {
                url: "https://x.example/rl".into()
            }
        );
        assert_eq!(
            parse(&json!({"type": "TokenStatusList", "id": "x"})),
            Entry::Unknown {
                type_name: "TokenStatusList".into()
            }
        );
        for (bad, needle) in [
            (
                json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "-1", "statusListCredential": "https://x"}),
                "statusListIndex",
            ),
            (
                json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "1"}),
                "statusListCredential",
            ),
            (
                json!({"type": "StatusList2021Entry", "statusListIndex": "1", "statusListCredential": "https://x"}),
                "statusPurpose",
            ),
            (
                json!({"type": "BitstringStatusListEntry", "statusPurpose": "message", "statusListIndex": "1", "statusListCredential": "https://x", "statusSize": 0}),
                "statusSize",
            ),
            (
                json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "99999999999999999999999", "statusListCredential": "https://x"}),
                "statusListIndex",
            ),
            (json!({"type": "1EdTechRevocationList"}), "\"id\""),
            (json!("BitstringStatusListEntry"), "JSON object"),
        ] {
            match parse(&bad) {
                Entry::Malformed { reason, .. } => assert!(reason.contains(needle), "{reason}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
