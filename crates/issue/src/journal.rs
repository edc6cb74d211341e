//! The progress journal of a batch: which credentials are written, so a re-run after a crash
//! (or a plain re-run) issues nothing twice. Append-only; the file-backed journal is JSON
//! Lines, synced after each chunk; a line torn by a crash (the last one, without its newline)
//! is ignored on reading.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::IssueError;

/// Largest journal read, in bytes (about 4 million entries).
pub const MAX_JOURNAL_BYTES: u64 = 1 << 30;

/// One credential written by a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The credential id.
    pub credential_id: String,
    /// 1-based roster row (data rows, header excluded).
    pub row: usize,
    /// Recipient label for the manifest (email or DID; never shown inside the credential).
    pub recipient: String,
    /// Files written, relative to the output directory.
    pub files: Vec<String>,
    /// Status list number and index, if the credential has a status entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<(u32, u32)>,
}

/// Persistence of batch progress. [`FileJournal`] serves the CLI; the store crate implements
/// it over SQL for server batches.
pub trait BatchJournal: Send + Sync {
    /// Every entry recorded so far.
    fn entries(&self) -> Result<Vec<JournalEntry>, IssueError>;
    /// Records entries durably (they must survive a crash once this returns).
    fn record(&self, entries: &[JournalEntry]) -> Result<(), IssueError>;
}

/// A journal in one JSON Lines file.
#[derive(Debug, Clone)]
pub struct FileJournal {
    path: PathBuf,
}

impl FileJournal {
    /// The journal at `path` (created on first record).
    pub fn new(path: impl Into<PathBuf>) -> FileJournal {
        FileJournal { path: path.into() }
    }

    /// Its file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl BatchJournal for FileJournal {
    fn entries(&self) -> Result<Vec<JournalEntry>, IssueError> {
        read_jsonl(&self.path, MAX_JOURNAL_BYTES)
    }

    fn record(&self, entries: &[JournalEntry]) -> Result<(), IssueError> {
        append_jsonl(&self.path, entries)
    }
}

pub(crate) fn read_jsonl<T: DeserializeOwned>(
    path: &Path,
    limit: u64,
) -> Result<Vec<T>, IssueError> {
    let bytes = match crate::issuer::read_bounded(path, limit, "journal bytes") {
        Ok(bytes) => bytes,
        Err(IssueError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(e),
    };
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let count = lines.len();
    let mut out = Vec::with_capacity(count);
    for (i, line) in lines.into_iter().enumerate() {
        match serde_json::from_slice(line) {
            Ok(value) => out.push(value),
            // A crash mid-append leaves a torn last line: that record never happened.
            Err(_) if i + 1 == count && !complete => {}
            Err(e) => {
                return Err(IssueError::JournalDamaged {
                    path: path.to_owned(),
                    line: i + 1,
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

pub(crate) fn append_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<(), IssueError> {
    if items.is_empty() {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| IssueError::io(parent, e))?;
    }
    let mut text = Vec::new();
    for item in items {
        serde_json::to_writer(&mut text, item).map_err(|e| IssueError::JournalDamaged {
            path: path.to_owned(),
            line: 0,
            reason: e.to_string(),
        })?;
        text.push(b'\n');
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| IssueError::io(path, e))?;
    // A torn last line from an earlier crash is a record that never happened: cut it off so it
    // neither swallows the first new record nor sits damaged in the middle of the file.
    let len = file.metadata().map_err(|e| IssueError::io(path, e))?.len();
    if len > 0 {
        let keep = complete_prefix_len(path, len)?;
        if keep < len {
            file.set_len(keep).map_err(|e| IssueError::io(path, e))?;
        }
    }
    file.write_all(&text).map_err(|e| IssueError::io(path, e))?;
    file.sync_data().map_err(|e| IssueError::io(path, e))
}

/// The length of the file up to and including its last newline (0 when it has none).
fn complete_prefix_len(path: &Path, len: u64) -> Result<u64, IssueError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(|e| IssueError::io(path, e))?;
    // Records are short; scan back at most 1 MiB (a longer torn tail is cut entirely).
    let start = len.saturating_sub(1 << 20);
    f.seek(SeekFrom::Start(start))
        .map_err(|e| IssueError::io(path, e))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail)
        .map_err(|e| IssueError::io(path, e))?;
    Ok(match tail.iter().rposition(|b| *b == b'\n') {
        Some(i) => start + i as u64 + 1,
        None => start,
    })
}
