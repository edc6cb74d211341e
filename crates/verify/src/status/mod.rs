//! `status`: has the issuer revoked or suspended the credential? One fatal check, id `status`,
//! whose evidence lists every `credentialStatus` entry.
//!
//! Methods: W3C Bitstring Status List v1.0 (`BitstringStatusListEntry`), its predecessors
//! StatusList2021 (`StatusList2021Entry`) and RevocationList2020 (`RevocationList2020Status`),
//! and the 1EdTech Revocation List (`1EdTechRevocationList`, OB 3.0). Anything else is
//! could-not-check, naming the type.
//!
//! Lists arrive through the options' `DocumentSource` (the guarded client online, local files
//! offline); without one, status is could-not-check ("offline: …"), with the source's last
//! snapshot of the list as evidence when it has one. A list is believed only when it is the
//! right credential type, its own proof verifies and was made by its issuer's key, and it is
//! in its validity window; otherwise the entry is could-not-check with the reason — a list we
//! cannot believe never makes a credential "not revoked".
//!
//! Entries are combined: any revoked or suspended entry fails the check; otherwise any entry
//! that could not be checked makes it could-not-check; otherwise it passes. Each list URL is
//! fetched, verified and decoded once per credential.

/// The bitstring codec lives in `model` (issuing needs its encoder).
use credbridge_model::status_list as bitstring;
mod entry;
mod list;
mod revocation_list_1edtech;

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use bitstring::ListKind;
pub(crate) use bitstring::ListKind as StatusListKind;
pub(crate) use bitstring::decode_bitstring;
use entry::{Entry, ListEntry};
use list::{Fetch, ListDocument, ValidatedList};
use revocation_list_1edtech::Listing;

use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// Most `credentialStatus` entries checked per credential; further entries make the check
/// could-not-check (unless an earlier one is revoked).
pub const MAX_STATUS_ENTRIES: usize = 16;

const ID: &str = "status";

/// What one entry says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Finding {
    /// Checked: not revoked / not suspended (or a purpose that cannot invalidate).
    Clear,
    /// The issuer revoked the credential.
    Revoked(String),
    /// The issuer suspended the credential.
    Suspended(String),
    /// The entry could not be checked.
    CouldNotCheck(String),
}

/// The status check for a credential.
pub fn check(value: &Value, options: &VerifyOptions) -> Check {
    let entries: Vec<&Value> = match value.get("credentialStatus") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single) => vec![single],
    };
    if entries.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::NotApplicable,
            "the credential has no status entry (it cannot be revoked)",
        );
    }
    let credential_id = value.get("id").and_then(Value::as_str);
    let mut run = Run {
        options,
        fetched: HashMap::new(),
        validated: HashMap::new(),
    };
    let mut findings = Vec::new();
    let mut evidence = Vec::new();
    let issuer = crate::issuer_id(value);
    let mut messages = Vec::new();
    for raw in entries.iter().take(MAX_STATUS_ENTRIES) {
        let (finding, mut facts) = run.entry(raw, credential_id);
        // The specs do not require the list's issuer to be the credential's (the DCC lists
        // are not), so this is a fact for trust decisions, not a failure.
        if let (Some(issuer), Some(list_issuer)) =
            (issuer, facts.get("list_issuer").and_then(Value::as_str))
        {
            let same = list_issuer == issuer;
            facts.insert("list_issuer_is_credential_issuer".into(), json!(same));
        }
        if let Some(message) = facts.get("status_message").and_then(Value::as_str) {
            messages.push(message.to_owned());
        }
        findings.push(finding);
        evidence.push(Value::Object(facts));
    }
    if entries.len() > MAX_STATUS_ENTRIES {
        findings.push(Finding::CouldNotCheck(format!(
            "the credential has {} status entries; only the first {MAX_STATUS_ENTRIES} were checked",
            entries.len()
        )));
    }
    let mut check = combine(&findings);
    if check.outcome == Outcome::Passed && !messages.is_empty() {
        check.message = format!(
            "the issuer has not revoked or suspended this credential; its status message: {}",
            messages.join("; ")
        );
    }
    check.with_evidence("entries", evidence)
}

fn combine(findings: &[Finding]) -> Check {
    let pick = |f: fn(&Finding) -> Option<&String>| -> Vec<String> {
        findings.iter().filter_map(f).cloned().collect()
    };
    let revoked = pick(|f| match f {
        Finding::Revoked(r) => Some(r),
        _ => None,
    });
    let suspended = pick(|f| match f {
        Finding::Suspended(r) => Some(r),
        _ => None,
    });
    let unknown = pick(|f| match f {
        Finding::CouldNotCheck(r) => Some(r),
        _ => None,
    });
    if !revoked.is_empty() || !suspended.is_empty() {
        let message = if revoked.is_empty() {
            "the issuer has suspended this credential (it may be reinstated later)"
        } else {
            "the issuer has revoked this credential"
        };
        let reasons: Vec<String> = revoked.into_iter().chain(suspended).collect();
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(reasons.join("; ")),
            message,
        );
    }
    if !unknown.is_empty() {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::CouldNotCheck(unknown.join("; ")),
            "whether the issuer has revoked this credential could not be checked (this is not the same as \"not revoked\")",
        );
    }
    Check::new(
        ID,
        Severity::Fatal,
        Outcome::Passed,
        "the issuer has not revoked or suspended this credential",
    )
}

/// One status check's state: lists fetched and verified so far, by URL.
struct Run<'a> {
    options: &'a VerifyOptions,
    fetched: HashMap<String, Rc<Fetch>>,
    validated: HashMap<(String, ListKind), Arc<ValidatedList>>,
}

/// Most verified status lists a [`StatusListCache`] keeps; when full it starts over.
pub const MAX_CACHED_STATUS_LISTS: usize = 1_024;

/// Verified and decoded status lists shared across the credentials of one verification run,
/// keyed by URL, list kind and the SHA-256 of the body: in bulk verification thousands of
/// credentials point at one list, whose proof check and decompression would otherwise dominate
/// the run. A changed body is a different key, so a re-published list is checked afresh.
#[derive(Debug, Default)]
pub struct StatusListCache {
    lists: Mutex<HashMap<ListKey, Arc<ValidatedList>>>,
}

/// (list URL, list kind, SHA-256 of the body).
type ListKey = (String, ListKind, [u8; 32]);

impl StatusListCache {
    fn get(&self, key: &ListKey) -> Option<Arc<ValidatedList>> {
        self.lists.lock().ok()?.get(key).cloned()
    }

    fn insert(&self, key: ListKey, list: Arc<ValidatedList>) {
        if let Ok(mut lists) = self.lists.lock() {
            if lists.len() >= MAX_CACHED_STATUS_LISTS {
                lists.clear();
            }
            lists.insert(key, list);
        }
    }
}

impl Run<'_> {
    fn fetch(&mut self, url: &str) -> Rc<Fetch> {
        if let Some(done) = self.fetched.get(url) {
            return done.clone();
        }
        let done = Rc::new(list::fetch(url, self.options));
        self.fetched.insert(url.to_owned(), done.clone());
        done
    }

    fn validate(&mut self, url: &str, kind: ListKind, doc: &ListDocument) -> Arc<ValidatedList> {
        let key = (url.to_owned(), kind);
        if let Some(done) = self.validated.get(&key) {
            return done.clone();
        }
        let shared_key = (url.to_owned(), kind, doc.body_sha256);
        let cache = &self.options.status_lists;
        let done = match cache.get(&shared_key) {
            Some(done) => done,
            None => {
                let done = Arc::new(list::validate(doc, kind, self.options));
                cache.insert(shared_key, done.clone());
                done
            }
        };
        self.validated.insert(key, done.clone());
        done
    }

    fn entry(&mut self, raw: &Value, credential_id: Option<&str>) -> (Finding, Map<String, Value>) {
        let mut facts = Map::new();
        let finding = match entry::parse(raw) {
            Entry::List(entry) => self.list_entry(&entry, &mut facts),
            Entry::OneEdTech { url } => self.one_edtech(&url, credential_id, &mut facts),
            Entry::Unknown { type_name } => {
                facts.insert("type".into(), json!(type_name));
                Finding::CouldNotCheck(format!(
                    "status method {type_name} is not supported by this version of credbridge"
                ))
            }
            Entry::Malformed { type_name, reason } => {
                facts.insert("type".into(), json!(type_name));
                Finding::CouldNotCheck(format!(
                    "the {type_name} status entry is malformed: {reason}"
                ))
            }
        };
        facts.insert("outcome".into(), json!(describe(&finding)));
        if let Finding::Revoked(reason)
        | Finding::Suspended(reason)
        | Finding::CouldNotCheck(reason) = &finding
        {
            facts.insert("reason".into(), json!(reason));
        }
        (finding, facts)
    }

    fn list_entry(&mut self, entry: &ListEntry, facts: &mut Map<String, Value>) -> Finding {
        facts.insert("type".into(), json!(entry.kind.entry_type()));
        facts.insert("purpose".into(), json!(entry.purpose));
        facts.insert("list_url".into(), json!(entry.url));
        facts.insert("index".into(), json!(entry.index));
        if entry.size != 1 {
            facts.insert("status_size".into(), json!(entry.size));
        }
        let fetched = self.fetch(&entry.url);
        match fetched.as_ref() {
            Fetch::NotFetched { reason, last_seen } => {
                if let Some(doc) = last_seen {
                    // A fresh validation: the snapshot is a different document than a live one.
                    let validated = list::validate(doc, entry.kind, self.options);
                    let mut seen = Map::new();
                    let finding = read_entry(entry, &validated, &mut seen);
                    facts.insert(
                        "last_seen".into(),
                        json!(format!(
                            "last seen {}: {}",
                            doc.fetched_at,
                            describe(&finding)
                        )),
                    );
                }
                Finding::CouldNotCheck(reason.clone())
            }
            Fetch::Fetched(doc) => {
                doc.provenance(facts);
                let validated = self.validate(&entry.url, entry.kind, doc);
                read_entry(entry, &validated, facts)
            }
        }
    }

    fn one_edtech(
        &mut self,
        url: &str,
        credential_id: Option<&str>,
        facts: &mut Map<String, Value>,
    ) -> Finding {
        facts.insert("type".into(), json!(entry::ONE_EDTECH_REVOCATION_LIST));
        facts.insert("purpose".into(), json!("revocation"));
        facts.insert("list_url".into(), json!(url));
        let fetched = self.fetch(url);
        match fetched.as_ref() {
            Fetch::NotFetched { reason, last_seen } => {
                if let Some(doc) = last_seen {
                    let finding = match doc.value() {
                        Ok(list) => read_1edtech(url, &list, credential_id, &mut Map::new()),
                        Err(reason) => Finding::CouldNotCheck(reason),
                    };
                    facts.insert(
                        "last_seen".into(),
                        json!(format!(
                            "last seen {}: {}",
                            doc.fetched_at,
                            describe(&finding)
                        )),
                    );
                }
                Finding::CouldNotCheck(reason.clone())
            }
            Fetch::Fetched(doc) => {
                doc.provenance(facts);
                match doc.value() {
                    Ok(list) => read_1edtech(url, &list, credential_id, facts),
                    Err(reason) => Finding::CouldNotCheck(format!(
                        "1EdTech revocation list {url} could not be read: {reason}"
                    )),
                }
            }
        }
    }
}

/// A short word for evidence: `not revoked`, `revoked`, `suspended`, `could not check`.
fn describe(finding: &Finding) -> &'static str {
    match finding {
        Finding::Clear => "not revoked",
        Finding::Revoked(_) => "revoked",
        Finding::Suspended(_) => "suspended",
        Finding::CouldNotCheck(_) => "could not check",
    }
}

/// Reads the entry from a validated list (Bitstring Status List v1.0 §3.2 steps 6–13).
fn read_entry(
    entry: &ListEntry,
    validated: &ValidatedList,
    facts: &mut Map<String, Value>,
) -> Finding {
    facts.extend(validated.evidence.clone());
    let url = &entry.url;
    let list = match &validated.result {
        Ok(list) => list,
        Err(reason) => {
            facts.insert("list_verdict".into(), json!(reason));
            return Finding::CouldNotCheck(format!("status list {url}: {reason}"));
        }
    };
    facts.insert("list_verdict".into(), json!("valid"));
    if entry.kind != ListKind::RevocationList2020
        && !list.purposes.iter().any(|p| p == &entry.purpose)
    {
        return Finding::CouldNotCheck(format!(
            "status list {url} is for {:?}, not for the entry's statusPurpose {:?}",
            list.purposes, entry.purpose
        ));
    }
    let value = match list.bitstring.get(entry.index, entry.size) {
        Ok(value) => value,
        Err(err) => return Finding::CouldNotCheck(format!("status list {url}: {err}")),
    };
    facts.insert("value".into(), json!(value));
    let index = entry.index;
    match entry.purpose.as_str() {
        "revocation" if value != 0 => Finding::Revoked(format!(
            "revoked: entry {index} of status list {url} is set"
        )),
        "suspension" if value != 0 => Finding::Suspended(format!(
            "suspended: entry {index} of status list {url} is set"
        )),
        "revocation" | "suspension" => Finding::Clear,
        "message" => {
            let hex = format!("0x{value:x}");
            facts.insert("status_value".into(), json!(hex));
            if let Some((_, message)) = entry.messages.iter().find(|(v, _)| *v == value) {
                facts.insert("status_message".into(), json!(message));
            }
            Finding::Clear
        }
        // Bitstring Status List v1.0 §2.1: a set `refresh` bit means a newer version of the
        // credential can be obtained; it does not make this one invalid.
        "refresh" => {
            if value != 0 {
                facts.insert(
                    "note".into(),
                    json!("the issuer signals that a refreshed version of this credential is available"),
                );
            }
            Finding::Clear
        }
        other => Finding::CouldNotCheck(format!(
            "statusPurpose {other:?} is not one this version understands (revocation, suspension, message, refresh)"
        )),
    }
}

fn read_1edtech(
    url: &str,
    list: &Value,
    credential_id: Option<&str>,
    facts: &mut Map<String, Value>,
) -> Finding {
    match revocation_list_1edtech::lookup(list, credential_id) {
        Ok(Listing::Revoked(reason)) => {
            facts.insert("listed".into(), json!(true));
            let because = match &reason {
                Some(reason) => {
                    facts.insert("revocation_reason".into(), json!(reason));
                    format!(" (reason given: {reason})")
                }
                None => String::new(),
            };
            Finding::Revoked(format!(
                "revoked: the credential is listed in the 1EdTech revocation list {url}{because}"
            ))
        }
        Ok(Listing::ListedNotRevoked) => {
            facts.insert("listed".into(), json!(true));
            facts.insert("revoked".into(), json!(false));
            Finding::Clear
        }
        Ok(Listing::NotListed) => {
            facts.insert("listed".into(), json!(false));
            Finding::Clear
        }
        Err(reason) => Finding::CouldNotCheck(format!("1EdTech revocation list {url}: {reason}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoked_outranks_could_not_check_outranks_passed() {
        let revoked = Finding::Revoked("r".into());
        let suspended = Finding::Suspended("s".into());
        let unknown = Finding::CouldNotCheck("u".into());
        let clear = Finding::Clear;
        assert_eq!(
            combine(std::slice::from_ref(&clear)).outcome,
            Outcome::Passed
        );
        assert_eq!(
            combine(&[clear.clone(), unknown.clone()]).outcome,
            Outcome::CouldNotCheck("u".into())
        );
        assert_eq!(
            combine(&[unknown.clone(), suspended.clone()]).outcome,
            Outcome::Failed("s".into())
        );
        let both = combine(&[suspended, unknown, revoked, clear]);
        assert_eq!(both.outcome, Outcome::Failed("r; s".into()));
        assert_eq!(both.message, "the issuer has revoked this credential");
    }
}
