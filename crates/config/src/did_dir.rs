//! Folders of DID documents and controller documents, read recursively into an
//! [`OfflineDirectory`]. A file that is not a usable document (not JSON, no `id`, an index map)
//! is skipped with a [`Warning`] naming it: one stray file must not refuse a whole run.

use std::path::{Path, PathBuf};

use credbridge_keys::OfflineDirectory;
use serde_json::Value;

use crate::{ConfigError, MAX_CONFIG_FILE_BYTES, Warning, read_limited};

/// Deepest folder nesting followed under a DID folder; deeper folders are skipped with a
/// warning (a symlink loop or a mistaken root must not walk forever).
pub const MAX_DID_DIR_DEPTH: usize = 16;

/// Most files read from one DID folder tree.
pub const MAX_DID_DIR_FILES: usize = 100_000;

/// Adds every `*.json` / `*.jsonld` under `dir` (recursively, in name order) to `directory`
/// under its own `id`, and pushes a [`Warning`] for each file skipped.
///
/// # Errors
/// [`ConfigError::DidFolder`] when `dir` itself cannot be listed.
pub fn read_did_dir(
    dir: &Path,
    directory: &mut OfflineDirectory,
    warnings: &mut Vec<Warning>,
) -> Result<(), ConfigError> {
    let mut files = Vec::new();
    list(dir, 0, &mut files, warnings).map_err(|e| ConfigError::DidFolder {
        path: dir.to_owned(),
        reason: e.to_string(),
    })?;
    for file in files {
        match document(&file) {
            Ok((id, document)) => directory.insert(id, document),
            Err(reason) => warnings.push(Warning::SkippedDidFile { path: file, reason }),
        }
    }
    Ok(())
}

/// The JSON files under `dir`, sorted; sub-folders are listed in place. Only `dir` itself must
/// be readable: an unreadable sub-folder is a warning.
fn list(
    dir: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    warnings: &mut Vec<Warning>,
) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        // Symlinks are not followed (a link out of the tree, or a loop).
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if depth + 1 > MAX_DID_DIR_DEPTH {
                warnings.push(Warning::SkippedDidFile {
                    path,
                    reason: format!("nested deeper than {MAX_DID_DIR_DEPTH} folders"),
                });
            } else if let Err(e) = list(&path, depth + 1, files, warnings) {
                warnings.push(Warning::SkippedDidFile {
                    path,
                    reason: format!("cannot list the folder: {e}"),
                });
            }
        } else if meta.is_file()
            && path
                .extension()
                .is_some_and(|x| x == "json" || x == "jsonld")
        {
            if files.len() >= MAX_DID_DIR_FILES {
                warnings.push(Warning::SkippedDidFile {
                    path,
                    reason: format!("more than {MAX_DID_DIR_FILES} files in the DID folder"),
                });
                return Ok(());
            }
            files.push(path);
        }
    }
    Ok(())
}

/// The document in `file` and its `id`, or why it cannot be used.
fn document(file: &Path) -> Result<(String, Value), String> {
    let bytes = read_limited(file, MAX_CONFIG_FILE_BYTES).map_err(|e| match e {
        ConfigError::Read { reason, .. } => reason,
        other => other.to_string(),
    })?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("not a JSON object; a DID document is an object with an \"id\"".into());
    };
    match object.get("id") {
        Some(Value::String(id)) if !id.is_empty() => Ok((id.clone(), value)),
        Some(_) => Err("its \"id\" is not a non-empty string".into()),
        None => Err("no \"id\" (an index or map file?); a DID document must name its DID".into()),
    }
}
