//! [`DocumentSource`]: how `verify` asks for a document by URL (status lists, OB 2.0 hosted
//! assertions, BadgeClass and Issuer documents, registries) without doing I/O itself.
//!
//! Two sources: the [`GuardedClient`] (the network, guarded) and [`OfflineDocuments`] (a map of
//! URL → local file, for fixtures and air-gapped use). `--offline` means no source or the
//! offline one, never the client.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;

use crate::{Clock, FetchError, Fetched, GuardedClient, Purpose, Snapshot};

/// Largest local document [`OfflineDocuments`] reads, in bytes.
pub const MAX_OFFLINE_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

/// A JSON document obtained for a URL.
#[derive(Debug, Clone)]
pub struct SourcedDocument {
    /// The parsed body.
    pub value: Value,
    /// The raw body (a status list or JWS may need the exact bytes).
    pub body: Vec<u8>,
    /// The URL that answered (after redirects), or the local file.
    pub origin: String,
    /// When it was obtained.
    pub fetched_at: SystemTime,
    /// Whether it came from a cache.
    pub from_cache: bool,
}

/// A body obtained for a URL, not parsed: see [`DocumentSource::get_body`].
#[derive(Debug, Clone)]
pub struct SourcedBody {
    /// The raw body (shared with the cache it may have come from).
    pub body: Arc<[u8]>,
    /// SHA-256 of the body.
    pub body_sha256: [u8; 32],
    /// The URL that answered (after redirects), or the local file.
    pub origin: String,
    /// When it was obtained.
    pub fetched_at: SystemTime,
    /// Whether it came from a cache.
    pub from_cache: bool,
}

impl From<SourcedDocument> for SourcedBody {
    fn from(document: SourcedDocument) -> SourcedBody {
        SourcedBody {
            body_sha256: crate::snapshot::sha256(&document.body),
            body: document.body.into(),
            origin: document.origin,
            fetched_at: document.fetched_at,
            from_cache: document.from_cache,
        }
    }
}

/// Where `verify` gets documents by URL.
pub trait DocumentSource: Send + Sync {
    /// The body at `url`, as JSON (a JWS body is returned as a JSON string).
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, FetchError>;

    /// The body at `url` without parsing it, for a caller that can often answer from the bytes
    /// alone: thousands of credentials in a bulk run point at one status list, whose verdict
    /// is kept under the hash of its body, so parsing it again for each would be wasted. The
    /// caller parses with [`body_to_value`] when it needs the document. The default asks
    /// [`DocumentSource::get_document`] (which has parsed); sources holding bytes override it.
    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, FetchError> {
        self.get_document(url, purpose).map(SourcedBody::from)
    }

    /// What was last seen at `url`, if this source keeps snapshots.
    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        let _ = url;
        None
    }
}

/// Reads a body as JSON, or as a JSON string when it is a compact JWS (OB 2.0 signed
/// assertions and VC-JWT status lists are served as text).
///
/// # Errors
/// [`FetchError::InvalidJson`] naming `url` when it is neither.
pub fn body_to_value(url: &str, body: &[u8]) -> Result<Value, FetchError> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(json_error) => {
            let text = std::str::from_utf8(body).map(str::trim).unwrap_or("");
            let looks_like_jws = text.split('.').count() == 3
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if looks_like_jws {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(FetchError::InvalidJson {
                    url: url.to_owned(),
                    reason: json_error.to_string(),
                })
            }
        }
    }
}

impl DocumentSource for GuardedClient {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, FetchError> {
        let SourcedBody {
            body,
            origin,
            fetched_at,
            from_cache,
            ..
        } = self.get_body(url, purpose)?;
        Ok(SourcedDocument {
            value: body_to_value(&origin, &body)?,
            body: body.to_vec(),
            origin,
            fetched_at,
            from_cache,
        })
    }

    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, FetchError> {
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

/// Documents served from local files, by URL: fixtures, mirrors, air-gapped verification.
pub struct OfflineDocuments {
    files: HashMap<String, PathBuf>,
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
        self.files.insert(url.into(), file.into());
    }

    /// Whether a URL is mapped.
    pub fn contains(&self, url: &str) -> bool {
        self.files.contains_key(url)
    }
}

impl DocumentSource for OfflineDocuments {
    fn get_document(&self, url: &str, _purpose: Purpose) -> Result<SourcedDocument, FetchError> {
        let path = self.files.get(url).ok_or_else(|| FetchError::Offline {
            url: url.to_owned(),
        })?;
        let body = read_bounded(path).map_err(|e| FetchError::Io {
            url: url.to_owned(),
            reason: format!("{}: {e}", path.display()),
        })?;
        Ok(SourcedDocument {
            value: body_to_value(url, &body)?,
            body,
            origin: path.display().to_string(),
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
/// does not have it ([`FetchError::Offline`] from [`OfflineDocuments`]) passes to the next;
/// any other error is the answer (a host that is down must not be masked by a fallback).
pub struct FirstOf(pub Vec<Arc<dyn DocumentSource>>);

impl FirstOf {
    fn first<T>(
        &self,
        url: &str,
        get: impl Fn(&dyn DocumentSource) -> Result<T, FetchError>,
    ) -> Result<T, FetchError> {
        let mut last = FetchError::Offline {
            url: url.to_owned(),
        };
        for source in &self.0 {
            match get(source.as_ref()) {
                Ok(found) => return Ok(found),
                Err(FetchError::Offline { url }) => last = FetchError::Offline { url },
                Err(other) => return Err(other),
            }
        }
        Err(last)
    }
}

impl DocumentSource for FirstOf {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, FetchError> {
        self.first(url, |source| source.get_document(url, purpose))
    }

    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, FetchError> {
        self.first(url, |source| source.get_body(url, purpose))
    }

    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        self.0.iter().find_map(|s| s.last_snapshot(url))
    }
}
