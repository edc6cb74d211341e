//! The fetch side of the keys crate's document seam ([`credbridge_keys::DocumentSource`]):
//! the [`GuardedClient`] (the network, guarded), [`OfflineDocuments`] (a map of URL → local
//! file, for fixtures and air-gapped use) and [`FirstOf`] (several in order). `--offline`
//! means no source or the offline one, never the client.
//!
//! Every source holds each body once with its SHA-256: the client in its cache, the offline
//! map after the first read of a file. A bulk run of thousands of credentials pointing at one
//! status list reads and hashes that list once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use credbridge_keys::{
    DocumentSource, Purpose, Snapshot, SourceError, SourcedBody, SourcedDocument, body_to_value,
    sha256,
};
use serde_json::Value;

use crate::{Clock, FetchError, Fetched, GuardedClient};

/// Largest local document [`OfflineDocuments`] reads, in bytes.
pub const MAX_OFFLINE_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Turns a fetch failure into the keys crate's document-source error.
///
/// - offline → [`SourceError::Offline`]; 404 → [`SourceError::NotFound`]; 410 →
///   [`SourceError::Gone`]; a body that is not JSON → [`SourceError::InvalidJson`];
/// - everything else → [`SourceError::Unavailable`] carrying the fetch error's message, which
///   names the URL and the defect.
#[must_use]
pub fn source_error(err: FetchError) -> SourceError {
    match err {
        FetchError::Offline { url, purpose } => SourceError::Offline { url, purpose },
        FetchError::HttpStatus { url, status: 404 } => SourceError::NotFound { url },
        FetchError::HttpStatus { url, status: 410 } => SourceError::Gone { url },
        FetchError::InvalidJson { url, reason } => SourceError::InvalidJson { url, reason },
        other => SourceError::Unavailable {
            url: other.url().unwrap_or_default().to_owned(),
            message: other.to_string(),
        },
    }
}

impl From<FetchError> for SourceError {
    fn from(err: FetchError) -> SourceError {
        source_error(err)
    }
}

impl DocumentSource for GuardedClient {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, SourceError> {
        let SourcedBody {
            body,
            origin,
            fetched_at,
            from_cache,
            ..
        } = self.get_body(url, purpose)?;
        Ok(SourcedDocument {
            value: body_to_value(&origin, &body)?,
            body,
            origin,
            fetched_at,
            from_cache,
        })
    }

    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, SourceError> {
        let Fetched {
            final_url,
            body,
            body_sha256,
            fetched_at,
            from_cache,
            ..
        } = self.get(url, purpose)?;
        Ok(SourcedBody {
            body,
            body_sha256,
            origin: final_url,
            fetched_at,
            from_cache,
        })
    }

    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        GuardedClient::last_snapshot(self, url).ok().flatten()
    }
}

/// A local file once read: its bytes, their SHA-256 and the parsed document.
#[derive(Debug)]
struct Loaded {
    body: Arc<[u8]>,
    body_sha256: [u8; 32],
    value: Value,
}

#[derive(Debug)]
struct Entry {
    path: PathBuf,
    loaded: OnceLock<Result<Arc<Loaded>, SourceError>>,
}

/// Documents served from local files, by URL: fixtures, mirrors, air-gapped verification.
///
/// Each file is read, hashed and parsed once, at the first request for its URL; later requests
/// share the bytes (files are assumed not to change during a run).
pub struct OfflineDocuments {
    files: HashMap<String, Entry>,
    clock: Arc<dyn Clock>,
}

impl OfflineDocuments {
    /// An empty map; `clock` stamps `fetched_at`.
    pub fn new(clock: Arc<dyn Clock>) -> OfflineDocuments {
        OfflineDocuments {
            files: HashMap::new(),
            clock,
        }
    }

    /// Serves `file` for `url`.
    pub fn insert(&mut self, url: impl Into<String>, file: impl Into<PathBuf>) {
        self.files.insert(
            url.into(),
            Entry {
                path: file.into(),
                loaded: OnceLock::new(),
            },
        );
    }

    /// Whether a URL is mapped.
    pub fn contains(&self, url: &str) -> bool {
        self.files.contains_key(url)
    }

    fn load(&self, url: &str, purpose: Purpose) -> Result<(&Entry, Arc<Loaded>), SourceError> {
        let entry = self.files.get(url).ok_or_else(|| SourceError::Offline {
            url: url.to_owned(),
            purpose,
        })?;
        let loaded = entry.loaded.get_or_init(|| {
            let body = read_bounded(&entry.path).map_err(|e| {
                source_error(FetchError::Io {
                    url: url.to_owned(),
                    reason: format!("{}: {e}", entry.path.display()),
                })
            })?;
            Ok(Arc::new(Loaded {
                value: body_to_value(url, &body)?,
                body_sha256: sha256(&body),
                body: body.into(),
            }))
        });
        loaded.clone().map(|loaded| (entry, loaded))
    }
}

impl DocumentSource for OfflineDocuments {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, SourceError> {
        let (entry, loaded) = self.load(url, purpose)?;
        Ok(SourcedDocument {
            value: loaded.value.clone(),
            body: Arc::clone(&loaded.body),
            origin: entry.path.display().to_string(),
            fetched_at: self.clock.now(),
            from_cache: false,
        })
    }

    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, SourceError> {
        let (entry, loaded) = self.load(url, purpose)?;
        Ok(SourcedBody {
            body: Arc::clone(&loaded.body),
            body_sha256: loaded.body_sha256,
            origin: entry.path.display().to_string(),
            fetched_at: self.clock.now(),
            from_cache: false,
        })
    }
}

fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut body = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_OFFLINE_DOCUMENT_BYTES + 1)
        .read_to_end(&mut body)?;
    if body.len() as u64 > MAX_OFFLINE_DOCUMENT_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than the {MAX_OFFLINE_DOCUMENT_BYTES}-byte limit for local documents"
        )));
    }
    Ok(body)
}

/// Several sources tried in order: the first that has the document answers. A source that
/// does not have it ([`SourceError::Offline`] from [`OfflineDocuments`]) passes to the next;
/// any other error is the answer (a host that is down must not be masked by a fallback).
pub struct FirstOf(pub Vec<Arc<dyn DocumentSource>>);

impl FirstOf {
    fn first<T>(
        &self,
        url: &str,
        purpose: Purpose,
        get: impl Fn(&dyn DocumentSource) -> Result<T, SourceError>,
    ) -> Result<T, SourceError> {
        let mut last = SourceError::Offline {
            url: url.to_owned(),
            purpose,
        };
        for source in &self.0 {
            match get(source.as_ref()) {
                Ok(found) => return Ok(found),
                Err(offline @ SourceError::Offline { .. }) => last = offline,
                Err(other) => return Err(other),
            }
        }
        Err(last)
    }
}

impl DocumentSource for FirstOf {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, SourceError> {
        self.first(url, purpose, |source| source.get_document(url, purpose))
    }

    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, SourceError> {
        self.first(url, purpose, |source| source.get_body(url, purpose))
    }

    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        self.0.iter().find_map(|s| s.last_snapshot(url))
    }
}
