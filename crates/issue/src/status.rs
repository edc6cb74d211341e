//! Bitstring Status List (W3C, v1.0) on the issuing side: random index allocation without
//! reuse, revoke/suspend/unsuspend, and the signed list credential.
//!
//! Lists are numbered per issuer (`1`, `2`, …), each with [`StatusLists::size`] ≥
//! [`MIN_LIST_ENTRIES`] entries, and exist once per purpose at
//! `{base_url}/{n}/{purpose}`. A credential gets one index in list `n`, used in every purpose's
//! list (so revocation and suspension share it). Every change is an event appended to a
//! [`StatusStore`] *before* it is used, so a crash can waste an index but never hand it out
//! twice: on reopen, every index ever allocated is taken.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use credbridge_model::status_list::{ListKind, encode_bitstring};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::IssueError;

/// The spec's minimum list length for herd privacy (Bitstring Status List v1.0 §4: 131,072
/// entries, 16 KB).
pub const MIN_LIST_ENTRIES: usize = 131_072;

/// Most entries one list may have (16 Mi: a 2 MiB bitstring).
pub const MAX_LIST_ENTRIES: usize = 16 * 1024 * 1024;

/// Most lists one issuer may have.
pub const MAX_LISTS: u32 = 4096;

/// Largest status event log read, in bytes.
pub const MAX_STATUS_LOG_BYTES: u64 = 1 << 30;

/// Why a status bit is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// Permanent (`revocation`).
    Revocation,
    /// Reversible (`suspension`).
    Suspension,
}

impl StatusPurpose {
    /// The spec string.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }
}

/// One change to an issuer's status lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum StatusEvent {
    /// `index` of list `list` now belongs to `credential_id`.
    Allocate {
        /// List number.
        list: u32,
        /// Index in it.
        index: u32,
        /// The credential.
        credential_id: String,
    },
    /// The bit of `purpose` for that entry is now `value`.
    Set {
        /// List number.
        list: u32,
        /// Index.
        index: u32,
        /// Which list.
        purpose: StatusPurpose,
        /// Set or cleared.
        value: bool,
    },
}

/// Persistence of status events per issuer (append-only). [`FileStatusStore`] writes JSON
/// Lines; the store crate implements it over SQL.
pub trait StatusStore: Send + Sync {
    /// Every event of `issuer`, oldest first.
    fn load(&self, issuer: &str) -> Result<Vec<StatusEvent>, IssueError>;
    /// Appends events durably (they must survive a crash once this returns).
    fn append(&self, issuer: &str, events: &[StatusEvent]) -> Result<(), IssueError>;
}

/// Status events as JSON Lines in `DIR/ISSUER.status.jsonl`, flushed and synced per append.
#[derive(Debug, Clone)]
pub struct FileStatusStore {
    dir: PathBuf,
}

impl FileStatusStore {
    /// A store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> FileStatusStore {
        FileStatusStore { dir: dir.into() }
    }

    fn path(&self, issuer: &str) -> PathBuf {
        self.dir.join(format!("{issuer}.status.jsonl"))
    }
}

impl StatusStore for FileStatusStore {
    fn load(&self, issuer: &str) -> Result<Vec<StatusEvent>, IssueError> {
        crate::journal::read_jsonl(&self.path(issuer), MAX_STATUS_LOG_BYTES)
    }

    fn append(&self, issuer: &str, events: &[StatusEvent]) -> Result<(), IssueError> {
        crate::journal::append_jsonl(&self.path(issuer), events)
    }
}

/// Where a credential's entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    /// List number.
    pub list: u32,
    /// Index in the list.
    pub index: u32,
}

#[derive(Debug, Clone)]
struct ListState {
    /// Indexes handed out (to a credential, or wasted by a crash): never handed out again.
    allocated: HashSet<u32>,
    /// Per purpose, the indexes whose bit is set. The bitstring itself is only built when the
    /// list credential is (by the model crate's codec, the one the verifier decodes with).
    set: HashMap<StatusPurpose, BTreeSet<u32>>,
}

/// An issuer's status lists in memory, backed by a [`StatusStore`].
pub struct StatusLists {
    store: Arc<dyn StatusStore>,
    issuer: String,
    base_url: String,
    size: usize,
    lists: Vec<ListState>,
    by_credential: HashMap<String, Allocation>,
    rng: StdRng,
}

impl std::fmt::Debug for StatusLists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusLists")
            .field("issuer", &self.issuer)
            .field("lists", &self.lists.len())
            .finish_non_exhaustive()
    }
}

impl StatusLists {
    /// Opens the lists of `issuer`, replaying its events. `base_url` is where the lists are
    /// published (`https://example.edu/status`); `size` is clamped to
    /// [`MIN_LIST_ENTRIES`]..=[`MAX_LIST_ENTRIES`] and rounded up to whole bytes.
    pub fn open(
        store: Arc<dyn StatusStore>,
        issuer: &str,
        base_url: &str,
        size: usize,
    ) -> Result<StatusLists, IssueError> {
        let size = size.clamp(MIN_LIST_ENTRIES, MAX_LIST_ENTRIES).div_ceil(8) * 8;
        let events = store.load(issuer)?;
        let mut lists = StatusLists {
            store,
            issuer: issuer.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            size,
            lists: Vec::new(),
            by_credential: HashMap::new(),
            rng: StdRng::from_entropy(),
        };
        for event in &events {
            lists.apply(event)?;
        }
        Ok(lists)
    }

    /// Entries per list.
    pub fn size(&self) -> usize {
        self.size
    }

    fn list_mut(&mut self, list: u32) -> Result<&mut ListState, IssueError> {
        if list == 0 || list > MAX_LISTS {
            return Err(IssueError::LimitExceeded {
                what: "status list number",
                found: list as usize,
                limit: MAX_LISTS as usize,
            });
        }
        while self.lists.len() < list as usize {
            self.lists.push(ListState {
                allocated: HashSet::new(),
                set: HashMap::new(),
            });
        }
        let state = self
            .lists
            .get_mut(list as usize - 1)
            .ok_or(IssueError::LimitExceeded {
                what: "status list number",
                found: list as usize,
                limit: MAX_LISTS as usize,
            })?;
        Ok(state)
    }

    fn apply(&mut self, event: &StatusEvent) -> Result<(), IssueError> {
        let size = self.size;
        match event {
            StatusEvent::Allocate {
                list,
                index,
                credential_id,
            } => {
                let state = self.list_mut(*list)?;
                if (*index as usize) < size {
                    state.allocated.insert(*index);
                }
                self.by_credential.insert(
                    credential_id.clone(),
                    Allocation {
                        list: *list,
                        index: *index,
                    },
                );
            }
            StatusEvent::Set {
                list,
                index,
                purpose,
                value,
            } => {
                if (*index as usize) >= size {
                    return Err(IssueError::LimitExceeded {
                        what: "status list index",
                        found: *index as usize,
                        limit: size,
                    });
                }
                let state = self.list_mut(*list)?;
                let set = state.set.entry(*purpose).or_default();
                if *value {
                    set.insert(*index);
                } else {
                    set.remove(index);
                }
            }
        }
        Ok(())
    }

    /// The allocation of `credential_id`, if it has one.
    pub fn allocation_of(&self, credential_id: &str) -> Option<Allocation> {
        self.by_credential.get(credential_id).copied()
    }

    /// Allocates entries for credentials that have none (a credential that already has one
    /// keeps it: a re-run after a crash reuses the entry it was given), persists the new
    /// allocations in one append, and returns every credential's allocation in order.
    pub fn allocate_all(
        &mut self,
        credential_ids: &[String],
    ) -> Result<Vec<Allocation>, IssueError> {
        let mut events = Vec::new();
        let mut out = Vec::with_capacity(credential_ids.len());
        for id in credential_ids {
            if let Some(existing) = self.by_credential.get(id) {
                out.push(*existing);
                continue;
            }
            let alloc = self.pick()?;
            let event = StatusEvent::Allocate {
                list: alloc.list,
                index: alloc.index,
                credential_id: id.clone(),
            };
            self.apply(&event)?;
            events.push(event);
            out.push(alloc);
        }
        if !events.is_empty() {
            self.store.append(&self.issuer, &events)?;
        }
        Ok(out)
    }

    /// Allocates an entry for `credential_id` in memory only (one it already has is returned
    /// as is, with no event) and returns the event the caller must append to
    /// [`StatusLists::store`] under [`StatusLists::log_name`] before the entry is used. For
    /// callers that group the appends of many concurrent allocations into one durable write;
    /// the entry is taken at once, so no other allocation can get it, and if the append
    /// fails it is wasted, never reused.
    pub fn allocate_unlogged(
        &mut self,
        credential_id: &str,
    ) -> Result<(Allocation, Option<StatusEvent>), IssueError> {
        if let Some(existing) = self.by_credential.get(credential_id) {
            return Ok((*existing, None));
        }
        let alloc = self.pick()?;
        let event = StatusEvent::Allocate {
            list: alloc.list,
            index: alloc.index,
            credential_id: credential_id.to_owned(),
        };
        self.apply(&event)?;
        Ok((alloc, Some(event)))
    }

    /// The store events are appended to.
    pub fn store(&self) -> Arc<dyn StatusStore> {
        self.store.clone()
    }

    /// The name the events are kept under in the store.
    pub fn log_name(&self) -> &str {
        &self.issuer
    }

    /// A random free index: in the newest list that has room, else a new list. Random probes
    /// first; when the list is crowded, a scan from a random start (so a list can fill up).
    fn pick(&mut self) -> Result<Allocation, IssueError> {
        let size = self.size;
        let list = match self.lists.iter().rposition(|l| l.allocated.len() < size) {
            Some(i) => u32::try_from(i + 1).unwrap_or(u32::MAX),
            None => u32::try_from(self.lists.len() + 1).unwrap_or(u32::MAX),
        };
        let start = self.rng.gen_range(0..size);
        let probes: Vec<usize> = (0..32).map(|_| self.rng.gen_range(0..size)).collect();
        let state = self.list_mut(list)?;
        let taken = |i: &usize| u32::try_from(*i).map_or(true, |i| state.allocated.contains(&i));
        let free = probes
            .into_iter()
            .find(|i| !taken(i))
            .or_else(|| (0..size).map(|k| (start + k) % size).find(|i| !taken(i)))
            .ok_or_else(|| IssueError::StatusListFull {
                list_id: list.to_string(),
                size,
            })?;
        Ok(Allocation {
            list,
            index: u32::try_from(free).unwrap_or(u32::MAX),
        })
    }

    /// The URL of list `list` for `purpose` (its status list credential id).
    pub fn list_url(&self, list: u32, purpose: StatusPurpose) -> String {
        format!("{}/{list}/{}", self.base_url, purpose.as_str())
    }

    /// The `credentialStatus` value for an allocation: one `BitstringStatusListEntry` per
    /// purpose; a single purpose gives an object (the OB 3.0 schema allows only one), several
    /// an array (VCDM 2.0).
    pub fn credential_status(&self, alloc: Allocation, purposes: &[StatusPurpose]) -> Value {
        let entries: Vec<Value> = purposes
            .iter()
            .map(|p| {
                let url = self.list_url(alloc.list, *p);
                json!({
                    "id": format!("{url}#{}", alloc.index),
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": p.as_str(),
                    "statusListIndex": alloc.index.to_string(),
                    "statusListCredential": url,
                })
            })
            .collect();
        match <[Value; 1]>::try_from(entries) {
            Ok([one]) => one,
            Err(many) => Value::Array(many),
        }
    }

    /// Sets or clears `purpose` for each credential, persisting the changes in one append.
    /// Returns the list numbers touched (their list credentials must be re-signed).
    pub fn set(
        &mut self,
        credential_ids: &[String],
        purpose: StatusPurpose,
        value: bool,
    ) -> Result<Vec<u32>, IssueError> {
        let mut events = Vec::new();
        for id in credential_ids {
            let alloc = self
                .allocation_of(id)
                .ok_or_else(|| IssueError::UnknownCredential {
                    credential_id: id.clone(),
                })?;
            events.push(StatusEvent::Set {
                list: alloc.list,
                index: alloc.index,
                purpose,
                value,
            });
        }
        self.store.append(&self.issuer, &events)?;
        let mut touched = Vec::new();
        for event in &events {
            self.apply(event)?;
            if let StatusEvent::Set { list, .. } = event {
                touched.push(*list);
            }
        }
        touched.sort_unstable();
        touched.dedup();
        Ok(touched)
    }

    /// Whether `purpose` is set for the entry.
    pub fn is_set(&self, alloc: Allocation, purpose: StatusPurpose) -> bool {
        self.lists
            .get((alloc.list as usize).wrapping_sub(1))
            .and_then(|l| l.set.get(&purpose))
            .is_some_and(|set| set.contains(&alloc.index))
    }

    /// Numbers of every list that exists.
    pub fn list_numbers(&self) -> Vec<u32> {
        (1..=u32::try_from(self.lists.len()).unwrap_or(0)).collect()
    }

    /// The unsigned `BitstringStatusListCredential` of list `list` for `purpose`.
    pub fn list_credential(
        &self,
        list: u32,
        purpose: StatusPurpose,
        issuer_did: &str,
        valid_from: &str,
    ) -> Result<Value, IssueError> {
        let set: Vec<(u64, u64)> = self
            .lists
            .get((list as usize).wrapping_sub(1))
            .and_then(|l| l.set.get(&purpose))
            .map(|set| set.iter().map(|i| (u64::from(*i), 1)).collect())
            .unwrap_or_default();
        let url = self.list_url(list, purpose);
        // One bit per entry, padded to the list's size (≥ the spec's 131,072 for herd privacy).
        let encoded = encode_bitstring(
            ListKind::BitstringStatusList,
            1,
            u64::try_from(self.size).unwrap_or(u64::MAX),
            &set,
        )
        .map_err(|source| IssueError::StatusList {
            list_id: url.clone(),
            source,
        })?;
        Ok(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_did,
            "validFrom": valid_from,
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": purpose.as_str(),
                "encodedList": encoded,
            }
        }))
    }
}
