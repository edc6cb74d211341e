//! [`CredentialRepo`]: each user's credential lists (one per API) and profile, and
//! [`MemoryCredentialRepo`].

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::api::ApiFlavor;

/// What makes two credentials "the same" (OB 3.0 §10 Credential equality and comparison): the
/// issuer `id` and the credential `id`, each percent-decoded and trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CredentialKey {
    /// The issuer's `id`, normalized.
    pub issuer_id: String,
    /// The credential's `id`, normalized.
    pub id: String,
}

impl CredentialKey {
    /// The key of a credential with these ids: percent-decoded (RFC 3986), then leading and
    /// trailing whitespace removed, as OB 3.0 §10 says.
    #[must_use]
    pub fn new(issuer_id: &str, id: &str) -> CredentialKey {
        CredentialKey {
            issuer_id: normalize(issuer_id),
            id: normalize(id),
        }
    }
}

fn normalize(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .trim()
        .to_owned()
}

/// How a credential travels in `GET /credentials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialFormat {
    /// A JSON credential (embedded proof): goes in `credential[]`.
    Json,
    /// A VC-JWT compact JWS: goes in `compactJwsString[]`.
    CompactJws,
}

/// One credential as the host keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// The equality key.
    pub key: CredentialKey,
    /// JSON or compact JWS.
    pub format: CredentialFormat,
    /// The exact text received (JSON without surrounding whitespace, or the compact JWS): the
    /// API hands out these bytes and no others.
    pub text: String,
    /// `validFrom` (or VCDM 1.1 `issuanceDate`), Unix seconds, when it parses.
    pub issued_at: Option<i64>,
    /// When this host stored (or last replaced) it, Unix seconds: what `since` filters on.
    pub stored_at: i64,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialPage {
    /// The credentials of the page, in list order.
    pub items: Vec<StoredCredential>,
    /// How many credentials match the filter in all.
    pub total: usize,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    /// No equal credential existed; it was appended (201).
    Created,
    /// An equal credential was replaced in place (200).
    Replaced,
}

/// The repository could not answer: an environment error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    /// Overloaded; the client should come back after this many seconds (503 `server_busy`
    /// with `Retry-After`).
    #[error("the credential store is busy; retry after {retry_after_seconds} s")]
    Busy {
        /// Seconds to wait.
        retry_after_seconds: u64,
    },
    /// Anything else (500 `internal_server_error`; the message is logged, not sent).
    #[error("the credential store failed: {0}")]
    Failed(String),
}

/// Each user's credentials (one ordered list per API) and profile. The SQL implementation
/// lives in `credbridge-store`.
pub trait CredentialRepo: Send + Sync {
    /// The credentials of `owner`'s `flavor` list stored after `since` (all when `None`),
    /// skipping `offset`, at most `limit`, in list order (the order they were first stored).
    ///
    /// # Errors
    /// [`RepoError`].
    fn list(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        since: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Result<CredentialPage, RepoError>;

    /// Stores `credential`, replacing the one with the same key in place, if any.
    ///
    /// # Errors
    /// [`RepoError`].
    fn upsert(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        credential: StoredCredential,
    ) -> Result<UpsertOutcome, RepoError>;

    /// `owner`'s profile JSON text, if one was put.
    ///
    /// # Errors
    /// [`RepoError`].
    fn profile(&self, owner: &str) -> Result<Option<String>, RepoError>;

    /// Replaces `owner`'s profile.
    ///
    /// # Errors
    /// [`RepoError`].
    fn put_profile(&self, owner: &str, profile: String) -> Result<(), RepoError>;
}

/// [`CredentialRepo`] in memory.
#[derive(Debug, Default)]
pub struct MemoryCredentialRepo {
    inner: Mutex<Lists>,
}

type Lists = (
    HashMap<(String, ApiFlavor), Vec<StoredCredential>>,
    HashMap<String, String>,
);

impl MemoryCredentialRepo {
    /// An empty repository.
    #[must_use]
    pub fn new() -> MemoryCredentialRepo {
        MemoryCredentialRepo::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Lists>, RepoError> {
        self.inner
            .lock()
            .map_err(|_| RepoError::Failed("a thread panicked while holding the repository".into()))
    }
}

impl CredentialRepo for MemoryCredentialRepo {
    fn list(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        since: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Result<CredentialPage, RepoError> {
        let lists = self.lock()?;
        let Some(list) = lists.0.get(&(owner.to_owned(), flavor)) else {
            return Ok(CredentialPage {
                items: Vec::new(),
                total: 0,
            });
        };
        let matching = || {
            list.iter()
                .filter(|c| since.is_none_or(|since| c.stored_at > since))
        };
        Ok(CredentialPage {
            items: matching().skip(offset).take(limit).cloned().collect(),
            total: matching().count(),
        })
    }

    fn upsert(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        credential: StoredCredential,
    ) -> Result<UpsertOutcome, RepoError> {
        let mut lists = self.lock()?;
        let list = lists.0.entry((owner.to_owned(), flavor)).or_default();
        match list.iter_mut().find(|c| c.key == credential.key) {
            Some(existing) => {
                *existing = credential;
                Ok(UpsertOutcome::Replaced)
            }
            None => {
                list.push(credential);
                Ok(UpsertOutcome::Created)
            }
        }
    }

    fn profile(&self, owner: &str) -> Result<Option<String>, RepoError> {
        Ok(self.lock()?.1.get(owner).cloned())
    }

    fn put_profile(&self, owner: &str, profile: String) -> Result<(), RepoError> {
        self.lock()?.1.insert(owner.to_owned(), profile);
        Ok(())
    }
}
