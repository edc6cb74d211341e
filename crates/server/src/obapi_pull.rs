//! The consumer side of the Open Badges 3.0 / CLR 2.0 API in the server: connections to other
//! hosts (saved with their client secret and tokens sealed) and pulls that put each pulled
//! credential into the inbox through the same path as an upload ([`ingest::prepare`], source
//! [`Source::Pull`], the host in the item's path), then save the connection's next `since`.
//!
//! The protocol (paging, `since`, retries, refresh) is `credbridge_obapi::pull`; this module
//! only loads, ingests and saves. A pull is three steps, so that each caller can run them on
//! its own kind of runtime: [`load`] (async, the store), [`fetch`] (blocking: HTTP through the
//! caller's [`HttpClient`], decoding and verification), [`finish`] (async: the inbox and the
//! connection). [`pull`] runs the three for async callers (a scheduled task);
//! [`crate::admin::Admin::obapi_pull`] runs them for the CLI.

use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use credbridge_obapi::{
    Connection, ConsumerError, HttpClient, PullOptions, PullReport, PulledCredential, Sleeper,
};
use credbridge_store::{ConnectionRecord, NewCredential, Source, Store, StoreError};
use serde::Serialize;
use serde_json::Value;

use crate::ingest::{self, Ingested, Upload};
use crate::state::SystemClock;
use crate::verifier::Verifier;

/// Seals and opens a connection's secrets (the client secret and the tokens) for storage.
/// `context` names the row (owner and connection name), so a sealed value copied to another
/// row does not open there.
pub trait ConnectionSeal: Send + Sync {
    /// The sealed form of `plaintext`, bound to `context`.
    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8>;
    /// The plaintext again; `None` when `sealed` was not sealed with this key and `context`,
    /// or was altered.
    fn open(&self, sealed: &[u8], context: &[u8]) -> Option<Vec<u8>>;
}

/// The context a connection's secrets are sealed for: its owner and its name (the owner is a
/// tenant id, which holds no NUL, so the pair reads back one way only).
fn seal_context(owner: &str, name: &str) -> Vec<u8> {
    [owner.as_bytes(), b"\0", name.as_bytes()].concat()
}

/// XChaCha20-Poly1305 under a 32-byte key: a random 24-byte nonce, then the ciphertext and tag
/// (the same AEAD the issuer keys are sealed with). The associated data names the use, so a
/// value sealed for something else under the same key does not open here.
pub struct KeySeal {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for KeySeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySeal(..)")
    }
}

/// The associated data of a sealed connection secret.
const SEAL_AAD: &[u8] = b"credbridge obapi connection v1";
const NONCE_BYTES: usize = 24;

/// The label `credbridge_issue::MasterKey::derive_key` derives the connection-sealing key
/// with, in the CLI and the server alike.
pub const CONNECTION_SEAL_LABEL: &str = "credbridge obapi connection seal v1";

impl KeySeal {
    /// The seal of the CLI and the server: a key derived from the master key (which itself
    /// seals only issuer keys) with [`CONNECTION_SEAL_LABEL`].
    pub fn from_master(master: &credbridge_issue::MasterKey) -> KeySeal {
        KeySeal::new(master.derive_key(CONNECTION_SEAL_LABEL))
    }

    /// A seal under `key` (keep it apart from other uses of the same secret: derive it).
    pub fn new(key: [u8; 32]) -> KeySeal {
        KeySeal {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }
}

impl ConnectionSeal for KeySeal {
    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let aad = [SEAL_AAD, b"\0", context].concat();
        let mut nonce = [0u8; NONCE_BYTES];
        // Without randomness nothing can be sealed safely; an empty value fails to open later
        // rather than a nonce being reused now.
        if getrandom::fill(&mut nonce).is_err() {
            return Vec::new();
        }
        match self.cipher.encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        ) {
            Ok(ciphertext) => nonce.iter().copied().chain(ciphertext).collect(),
            Err(_) => Vec::new(),
        }
    }

    fn open(&self, sealed: &[u8], context: &[u8]) -> Option<Vec<u8>> {
        let aad = [SEAL_AAD, b"\0", context].concat();
        if sealed.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
    }
}

/// What went wrong with a connection or a pull.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PullError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No connection of that name.
    #[error("no connection named {name:?} (connect first: `credbridge obapi connect URL`)")]
    NoSuchConnection {
        /// The name.
        name: String,
    },
    /// The stored connection cannot be read (another sealing key, or damage).
    #[error(transparent)]
    Unreadable(#[from] credbridge_store::ConnectionUnreadable),
    /// The host or the protocol failed; the connection (with any rotated tokens) was saved.
    #[error("pulling from {api_root}: {source}")]
    Consumer {
        /// The host's API root.
        api_root: String,
        /// Why.
        #[source]
        source: ConsumerError,
    },
    /// The pulled credentials could not be stored in the inbox (the connection was not moved
    /// on, so the next pull brings them again).
    #[error("storing the pulled credentials: {0}")]
    Inbox(#[source] crate::error::ApiError),
    /// The blocking part could not run.
    #[error("the pull stopped unexpectedly: {0}")]
    Join(String),
}

/// One saved connection, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionSummary {
    /// The connection's name.
    pub name: String,
    /// The host's API root.
    pub api_root: String,
    /// The host's name, from its discovery document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_name: Option<String>,
    /// Our client id at the host.
    pub client_id: String,
    /// The `since` of the next pull (RFC 3339, the host's clock); `None` before the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sync: Option<String>,
    /// When it was last saved, Unix milliseconds.
    pub updated_at: i64,
}

/// What a pull did.
#[derive(Debug, Clone, Serialize)]
pub struct PullOutcome {
    /// The connection.
    pub name: String,
    /// The host's API root.
    pub api_root: String,
    /// Credentials pulled.
    pub pulled: usize,
    /// Pages fetched.
    pub pages: usize,
    /// Whether the access token was refreshed.
    pub refreshed: bool,
    /// What the inbox did with them (`created: false` for ones it already had).
    pub ingested: Ingested,
    /// The `since` saved for the next pull.
    pub next_since: String,
}

/// What [`fetch`] hands to [`finish`].
#[derive(Debug)]
pub struct Fetched {
    /// The connection, its tokens and `last_sync` as the pull left them.
    pub connection: Connection,
    /// The protocol's report; `Err` when the pull failed (the connection must still be saved:
    /// its tokens may have rotated).
    pub report: Result<PullReport, ConsumerError>,
    /// The inbox records of the pulled credentials.
    pub records: Vec<NewCredential>,
    /// The pulled items that could not be read.
    pub errors: Vec<Value>,
}

fn record_of(
    owner: &str,
    name: &str,
    connection: &Connection,
    seal: &dyn ConnectionSeal,
    now_ms: i64,
) -> ConnectionRecord {
    let context = seal_context(owner, name);
    ConnectionRecord::seal(owner, name, connection, now_ms, |bytes| {
        seal.seal(bytes, &context)
    })
}

/// Saves `connection` for `owner` (a tenant id) under `name`, replacing one of the same name.
pub async fn save_connection(
    store: &dyn Store,
    owner: &str,
    name: &str,
    connection: &Connection,
    seal: &dyn ConnectionSeal,
    now_ms: i64,
) -> Result<(), PullError> {
    let record = record_of(owner, name, connection, seal, now_ms);
    store.obapi_save_connection(&record).await?;
    Ok(())
}

/// `owner`'s connections by name, without secrets.
pub async fn list_connections(
    store: &dyn Store,
    owner: &str,
) -> Result<Vec<ConnectionSummary>, PullError> {
    Ok(store
        .obapi_connections(owner)
        .await?
        .into_iter()
        .map(|record| ConnectionSummary {
            host_name: serde_json::from_str::<credbridge_obapi::ServiceDescription>(
                &record.service,
            )
            .ok()
            .and_then(|sd| sd.name),
            name: record.name,
            api_root: record.api_root,
            client_id: record.client_id,
            last_sync: record.last_sync,
            updated_at: record.updated_at,
        })
        .collect())
}

/// Step 1: the connection `name` of `owner`, its secrets opened.
pub async fn load(
    store: &dyn Store,
    owner: &str,
    name: &str,
    seal: &dyn ConnectionSeal,
) -> Result<Connection, PullError> {
    let record =
        store
            .obapi_connection(owner, name)
            .await?
            .ok_or_else(|| PullError::NoSuchConnection {
                name: name.to_owned(),
            })?;
    let context = seal_context(owner, name);
    Ok(record.open(|sealed| seal.open(sealed, &context))?)
}

/// The upload name of the `n`th pulled credential: the host's API root, so the inbox records
/// where it came from (`obapi:https://host/ims/ob/v3p0#3`).
pub fn pulled_name(api_root: &str, n: usize) -> String {
    format!("obapi:{api_root}#{n}")
}

/// Step 2 (blocking): pulls through `client` and decodes and verifies every pulled
/// credential as an upload would be (source [`Source::Pull`]).
pub fn fetch(
    verifier: &Verifier,
    client: &dyn HttpClient,
    sleeper: &dyn Sleeper,
    options: &PullOptions,
    mut connection: Connection,
    now_ms: i64,
) -> Fetched {
    let api_root = connection.service.api_root.clone();
    let mut uploads = Vec::new();
    let report = credbridge_obapi::pull(
        client,
        &SystemClock,
        sleeper,
        &mut connection,
        options,
        &mut |credential| {
            let text = match credential {
                PulledCredential::Json(text) | PulledCredential::CompactJws(text) => text,
            };
            uploads.push(Upload {
                name: pulled_name(&api_root, uploads.len()),
                bytes: Arc::new(text.into_bytes()),
            });
        },
    );
    // A failed pull stored nothing yet: what came before the failure comes again next time.
    let (records, errors) = match &report {
        Ok(_) => ingest::prepare(verifier, &uploads, Source::Pull, now_ms),
        Err(_) => (Vec::new(), Vec::new()),
    };
    Fetched {
        connection,
        report,
        records,
        errors,
    }
}

/// Step 3: stores the pulled credentials in `owner`'s inbox and saves the connection (its new
/// `since` and tokens); on a failed pull, saves the connection and returns the error.
pub async fn finish(
    store: &dyn Store,
    owner: &str,
    name: &str,
    fetched: Fetched,
    seal: &dyn ConnectionSeal,
    now_ms: i64,
) -> Result<PullOutcome, PullError> {
    let api_root = fetched.connection.service.api_root.clone();
    let report = match fetched.report {
        Ok(report) => report,
        Err(source) => {
            save_connection(store, owner, name, &fetched.connection, seal, now_ms).await?;
            return Err(PullError::Consumer { api_root, source });
        }
    };
    let ingested = if fetched.records.is_empty() {
        Ingested {
            items: Vec::new(),
            errors: fetched.errors,
        }
    } else {
        ingest::store(store, owner, fetched.records, fetched.errors)
            .await
            .map_err(PullError::Inbox)?
    };
    // Only after the inbox has them does the connection move on.
    save_connection(store, owner, name, &fetched.connection, seal, now_ms).await?;
    Ok(PullOutcome {
        name: name.to_owned(),
        api_root,
        pulled: report.credentials,
        pages: report.pages,
        refreshed: report.refreshed,
        ingested,
        next_since: report.next_since,
    })
}

/// What a pull needs from the server: the store, the verifier and the sealing key.
#[derive(Clone)]
pub struct Puller {
    /// Persistence (the inbox and the connections).
    pub store: Arc<dyn Store>,
    /// Verification of the pulled credentials.
    pub verifier: Arc<Verifier>,
    /// The connections' sealing key.
    pub seal: Arc<dyn ConnectionSeal>,
}

impl std::fmt::Debug for Puller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Puller").finish_non_exhaustive()
    }
}

/// All three steps for an async caller: the blocking step runs on the blocking pool.
pub async fn pull(
    puller: &Puller,
    owner: &str,
    name: &str,
    client: Arc<dyn HttpClient + Send + Sync>,
    sleeper: Arc<dyn Sleeper + Send + Sync>,
    options: PullOptions,
) -> Result<PullOutcome, PullError> {
    let connection = load(puller.store.as_ref(), owner, name, puller.seal.as_ref()).await?;
    let now = crate::state::now_ms();
    let verifier = puller.verifier.clone();
    let fetched = tokio::task::spawn_blocking(move || {
        fetch(
            &verifier,
            client.as_ref(),
            sleeper.as_ref(),
            &options,
            connection,
            now,
        )
    })
    .await
    .map_err(|e| PullError::Join(e.to_string()))?;
    finish(
        puller.store.as_ref(),
        owner,
        name,
        fetched,
        puller.seal.as_ref(),
        now,
    )
    .await
}

/// A [`Sleeper`] that sleeps the thread (the CLI; a scheduled task should rather pass
/// `PullOptions { retries: 0, .. }` and come back later).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, seconds: u64) {
        std::thread::sleep(std::time::Duration::from_secs(seconds));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_for_its_own_row() {
        let seal = KeySeal::new([7; 32]);
        let alice = seal_context("tenant-1", "riverside");
        let sealed = seal.seal(b"refresh-token", &alice);
        assert!(!sealed.windows(13).any(|w| w == b"refresh-token"));
        assert_eq!(
            seal.open(&sealed, &alice).as_deref(),
            Some(&b"refresh-token"[..])
        );
        // Copied to another connection name, or to another tenant: refused.
        assert_eq!(
            seal.open(&sealed, &seal_context("tenant-1", "harbour")),
            None
        );
        assert_eq!(
            seal.open(&sealed, &seal_context("tenant-2", "riverside")),
            None
        );
        // Another key never opens it.
        assert_eq!(KeySeal::new([8; 32]).open(&sealed, &alice), None);
        // Altered bytes: refused.
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(seal.open(&altered, &alice), None);
        assert_eq!(seal.open(&sealed[..10], &alice), None);
    }
}
