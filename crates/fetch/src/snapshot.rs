//! Dated snapshots of fetched DID documents, controller documents and status lists, on disk in
//! a directory the caller names.
//!
//! When an issuer's host disappears, a verification can still say what it saw before: "the
//! DID document fetched on 2026-03-01 (sha256 …) listed this key". Layout:
//! `<dir>/<sha256 of the URL, hex>/<fetch time in unix nanoseconds, 20 digits>.json`, one JSON
//! file per fetch holding the URL, the time, the body's SHA-256 and the body (base64). The
//! newest [`MAX_SNAPSHOTS_PER_URL`] are kept per URL. Files are written to a temporary name and
//! renamed, so a reader never sees half a snapshot; the hash is checked on every read.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::{FetchError, Fetched};

/// Snapshots kept per URL; older ones are deleted when a new one is written.
pub const MAX_SNAPSHOTS_PER_URL: usize = 8;
/// Largest body kept as a snapshot.
pub const MAX_SNAPSHOT_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Largest snapshot file read back (base64 body plus metadata).
pub const MAX_SNAPSHOT_FILE_BYTES: u64 = 24 * 1024 * 1024;

pub use credbridge_keys::Snapshot;

/// The snapshot of a fetch.
pub(crate) fn snapshot_of(fetched: &Fetched) -> Snapshot {
    Snapshot {
        url: fetched.url.clone(),
        final_url: fetched.final_url.clone(),
        content_type: fetched.content_type.clone(),
        fetched_at: fetched.fetched_at,
        sha256: hex(&fetched.body_sha256),
        body: fetched.body.to_vec(),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SnapshotFile {
    url: String,
    final_url: String,
    content_type: String,
    fetched_at_unix_secs: u64,
    fetched_at_subsec_nanos: u32,
    sha256: String,
    body_base64: String,
}

/// Lower-case hex SHA-256 of `data`.
#[must_use]
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

pub use credbridge_keys::sha256;

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A directory of dated snapshots.
#[derive(Debug, Clone)]
pub struct SnapshotStore {
    dir: PathBuf,
}

impl SnapshotStore {
    /// Uses `dir` (created if missing) for snapshots.
    pub fn open(dir: impl Into<PathBuf>) -> Result<SnapshotStore, FetchError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        Ok(SnapshotStore { dir })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn url_dir(&self, url: &str) -> PathBuf {
        self.dir.join(sha256_hex(url.as_bytes()))
    }

    /// Writes a snapshot of `fetched` and prunes the oldest beyond [`MAX_SNAPSHOTS_PER_URL`].
    /// Bodies over [`MAX_SNAPSHOT_BODY_BYTES`] are not kept.
    pub fn record(&self, fetched: &Fetched) -> Result<(), FetchError> {
        if fetched.body.len() > MAX_SNAPSHOT_BODY_BYTES {
            return Ok(());
        }
        let snapshot = snapshot_of(fetched);
        let since_epoch = snapshot
            .fetched_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        let file = SnapshotFile {
            url: snapshot.url,
            final_url: snapshot.final_url,
            content_type: snapshot.content_type,
            fetched_at_unix_secs: since_epoch.as_secs(),
            fetched_at_subsec_nanos: since_epoch.subsec_nanos(),
            sha256: snapshot.sha256,
            body_base64: STANDARD.encode(&snapshot.body),
        };
        let dir = self.url_dir(&fetched.url);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        let name = format!("{:020}", since_epoch.as_nanos());
        let path = dir.join(format!("{name}.json"));
        let tmp = dir.join(format!("{name}.json.tmp"));
        let text = serde_json::to_vec_pretty(&file).map_err(|e| FetchError::Snapshot {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        std::fs::write(&tmp, text).map_err(|e| io_error(&tmp, &e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, &e))?;
        let mut names = snapshot_names(&dir)?;
        while names.len() > MAX_SNAPSHOTS_PER_URL {
            let oldest = names.remove(0);
            let old = dir.join(oldest);
            std::fs::remove_file(&old).map_err(|e| io_error(&old, &e))?;
        }
        Ok(())
    }

    /// The newest snapshot of `url`, if any.
    pub fn last(&self, url: &str) -> Result<Option<Snapshot>, FetchError> {
        let dir = self.url_dir(url);
        if !dir.is_dir() {
            return Ok(None);
        }
        let Some(newest) = snapshot_names(&dir)?.pop() else {
            return Ok(None);
        };
        let path = dir.join(newest);
        let len = std::fs::metadata(&path)
            .map_err(|e| io_error(&path, &e))?
            .len();
        if len > MAX_SNAPSHOT_FILE_BYTES {
            return Err(FetchError::Snapshot {
                path,
                reason: format!(
                    "file is {len} bytes, more than the limit of {MAX_SNAPSHOT_FILE_BYTES}"
                ),
            });
        }
        let bytes = std::fs::read(&path).map_err(|e| io_error(&path, &e))?;
        let snapshot = parse_snapshot(&bytes).map_err(|reason| FetchError::Snapshot {
            path: path.clone(),
            reason,
        })?;
        if snapshot.url != url {
            return Err(FetchError::Snapshot {
                path,
                reason: format!("file is for {:?}, not {url:?}", snapshot.url),
            });
        }
        Ok(Some(snapshot))
    }
}

/// Parses a snapshot file and checks the body against its hash.
pub(crate) fn parse_snapshot(bytes: &[u8]) -> Result<Snapshot, String> {
    let file: SnapshotFile =
        serde_json::from_slice(bytes).map_err(|e| format!("not a snapshot file: {e}"))?;
    let body = STANDARD
        .decode(file.body_base64.as_bytes())
        .map_err(|e| format!("body_base64: {e}"))?;
    let sha256 = sha256_hex(&body);
    if sha256 != file.sha256 {
        return Err(format!(
            "body hashes to {sha256}, the file says {} (damaged or edited)",
            file.sha256
        ));
    }
    let fetched_at = SystemTime::UNIX_EPOCH
        .checked_add(Duration::new(file.fetched_at_unix_secs, 0))
        .and_then(|t| {
            t.checked_add(Duration::from_nanos(u64::from(
                file.fetched_at_subsec_nanos,
            )))
        })
        .ok_or_else(|| "fetch time out of range".to_owned())?;
    Ok(Snapshot {
        url: file.url,
        final_url: file.final_url,
        content_type: file.content_type,
        fetched_at,
        sha256,
        body,
    })
}

/// Snapshot file names in `dir`, oldest first.
fn snapshot_names(dir: &Path) -> Result<Vec<String>, FetchError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| io_error(dir, &e))?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| {
            name.strip_suffix(".json")
                .is_some_and(|stem| stem.len() == 20 && stem.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    names.sort();
    Ok(names)
}

fn io_error(path: &Path, err: &std::io::Error) -> FetchError {
    FetchError::Snapshot {
        path: path.to_owned(),
        reason: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn damaged_file_is_refused() {
        let body = b"{\"id\":\"did:web:example.com\"}";
        let good = serde_json::json!({
            "url": "https://example.com/.well-known/did.json",
            "final_url": "https://example.com/.well-known/did.json",
            "content_type": "application/did+json",
            "fetched_at_unix_secs": 1_700_000_000u64,
            "fetched_at_subsec_nanos": 5u32,
            "sha256": sha256_hex(body),
            "body_base64": STANDARD.encode(body),
        });
        let parsed = parse_snapshot(good.to_string().as_bytes()).unwrap();
        assert_eq!(parsed.body, body);
        assert_eq!(
            parsed.fetched_at,
            SystemTime::UNIX_EPOCH + Duration::new(1_700_000_000, 5)
        );

        let mut edited = good.clone();
        edited["body_base64"] = STANDARD.encode(b"{\"id\":\"did:web:evil.example\"}").into();
        let err = parse_snapshot(edited.to_string().as_bytes()).unwrap_err();
        assert!(err.contains("damaged or edited"), "{err}");
        assert!(parse_snapshot(b"not json").is_err());
    }
}
