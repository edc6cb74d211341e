//! Updated snapshots of the Digital Credentials Consortium issuer registries: fetched through
//! the guarded client from where the DCC publishes them ([`credbridge_verify::DCC_REGISTRIES`]),
//! checked to be registries, and written with their date into a folder that
//! [`Settings::build`](crate::Settings::build) reads, preferring each one to its bundled copy.
//!
//! A snapshot file (`<folder>/<id>.json`) holds the source URL, when it was fetched, the
//! SHA-256 of the body as fetched, and the registry document:
//! `{"source": "https://…/registry.json", "fetched_at": "2026-12-07T14:00:00Z", "sha256": "…",
//! "registry": {…}}`.

use std::path::{Path, PathBuf};

use credbridge_fetch::{GuardedClient, Purpose};
use credbridge_verify::{DCC_REGISTRIES, Registry};
use serde_json::{Value, json};

use crate::{ConfigError, MAX_CONFIG_FILE_BYTES, read_limited};

/// Where the DCC publishes its registries; [`update_registries`] may be pointed elsewhere
/// (a mirror, or a test server).
pub const DCC_REGISTRY_BASE: &str = "https://digitalcredentials.github.io";

/// The platform's user data folder for credbridge (`~/.local/share/credbridge` on Linux), as
/// the server uses it; `None` when the platform has no home folder.
#[must_use]
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "credbridge", "credbridge")
        .map(|dirs| dirs.data_dir().to_owned())
}

/// `<data folder>/registries`: where `credbridge registries update` writes by default.
#[must_use]
pub fn default_registry_dir() -> Option<PathBuf> {
    default_data_dir().map(|dir| dir.join("registries"))
}

/// One updated snapshot read back.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrySnapshot {
    /// Which registry (`dcc-registry`, …).
    pub id: String,
    /// The day it was fetched (`YYYY-MM-DD`), shown in reports.
    pub date: String,
    /// The registry document.
    pub document: Value,
}

/// One registry written by [`update_registries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// The registry's name.
    pub title: &'static str,
    /// Where it came from.
    pub url: String,
    /// The snapshot file written.
    pub path: PathBuf,
    /// Issuers it lists.
    pub entries: usize,
    /// When it was fetched (RFC 3339).
    pub fetched_at: String,
}

/// Fetches the DCC member and community registries (and the sandbox registry when `sandbox`)
/// through `client`, from `base` (default [`DCC_REGISTRY_BASE`]) + `/<id>/registry.json`, and
/// writes each as a dated snapshot into `dir` (created if missing). Nothing is written unless
/// every registry was fetched and read: a half-updated set is not left behind.
///
/// # Errors
/// [`ConfigError::RegistryUpdate`] naming the registry and URL (offline, unreachable, refused
/// by the address guard, not a registry); [`ConfigError::RegistrySnapshot`] when the folder
/// cannot be written.
pub fn update_registries(
    client: Option<&GuardedClient>,
    dir: &Path,
    sandbox: bool,
    base: Option<&str>,
    now: i64,
) -> Result<Vec<Updated>, ConfigError> {
    let base = base.unwrap_or(DCC_REGISTRY_BASE).trim_end_matches('/');
    let fetched_at = credbridge_model::format_unix(now);
    let mut fetched = Vec::new();
    for dcc in DCC_REGISTRIES.iter().filter(|r| sandbox || !r.sandbox) {
        let url = format!("{base}/{}/registry.json", dcc.id);
        let failed = |reason: String| ConfigError::RegistryUpdate {
            title: dcc.title,
            url: url.clone(),
            reason,
        };
        let (document, response) = match client {
            Some(client) => client
                .get_json(&url, Purpose::IssuerRegistry)
                .map_err(|e| failed(e.to_string()))?,
            None => {
                return Err(failed(credbridge_keys::not_fetched_offline(
                    &url,
                    Purpose::IssuerRegistry,
                )));
            }
        };
        let registry =
            Registry::from_dcc_json(dcc.title, &document).map_err(|e| failed(e.to_string()))?;
        fetched.push((
            dcc,
            url,
            document,
            response.sha256(),
            registry.issuers.len(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| ConfigError::RegistrySnapshot {
        path: dir.to_owned(),
        reason: e.to_string(),
    })?;
    let mut written = Vec::new();
    for (dcc, url, document, sha256, entries) in fetched {
        let path = dir.join(format!("{}.json", dcc.id));
        let snapshot = json!({
            "source": url,
            "fetched_at": fetched_at,
            "sha256": sha256,
            "registry": document,
        });
        let text = serde_json::to_vec_pretty(&snapshot).map_err(|e| snapshot_error(&path, e))?;
        // Written beside, then renamed: a reader never sees half a file.
        let partial = dir.join(format!(".{}.json.partial", dcc.id));
        std::fs::write(&partial, text).map_err(|e| snapshot_error(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| snapshot_error(&path, e))?;
        written.push(Updated {
            title: dcc.title,
            url,
            path,
            entries,
            fetched_at: fetched_at.clone(),
        });
    }
    Ok(written)
}

fn snapshot_error(path: &Path, e: impl std::fmt::Display) -> ConfigError {
    ConfigError::RegistrySnapshot {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// The updated snapshots in `dir` (none when the folder does not exist). Only files named
/// after a known registry are read.
///
/// # Errors
/// [`ConfigError::RegistrySnapshot`] for a snapshot file that cannot be read or is damaged:
/// a registry the verifier relies on is not silently replaced by the bundled copy.
pub fn read_snapshots(dir: &Path) -> Result<Vec<RegistrySnapshot>, ConfigError> {
    let mut snapshots = Vec::new();
    for dcc in &DCC_REGISTRIES {
        let path = dir.join(format!("{}.json", dcc.id));
        if !path.is_file() {
            continue;
        }
        let bytes = read_limited(&path, MAX_CONFIG_FILE_BYTES)?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| snapshot_error(&path, e))?;
        let date = value
            .get("fetched_at")
            .and_then(Value::as_str)
            .and_then(|t| t.get(..10))
            .filter(|d| credbridge_model::Timestamp::parse(d).is_some())
            .ok_or_else(|| snapshot_error(&path, "no fetched_at date"))?
            .to_owned();
        let document = value
            .get("registry")
            .cloned()
            .ok_or_else(|| snapshot_error(&path, "no registry document"))?;
        snapshots.push(RegistrySnapshot {
            id: dcc.id.to_owned(),
            date,
            document,
        });
    }
    Ok(snapshots)
}
