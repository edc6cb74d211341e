//! The file-backed issuer home the CLI works in, without a server: one directory holding
//! issuer records, status logs and the files to publish.
//!
//! ```text
//! HOME/issuers/NAME.json                 sealed issuer record (KeyStore)
//! HOME/status/NAME.status.jsonl          status events (StatusStore)
//! HOME/public/NAME/did.json              the did:web document to serve
//! HOME/public/NAME/status/N/PURPOSE.json signed status list credentials to serve
//! ```
//!
//! Each CLI command is one call here: `credbridge issuer create` → [`IssuerHome::create`],
//! `credbridge issue` → [`IssuerHome::issue`], `credbridge revoke|suspend|unsuspend` →
//! [`IssuerHome::set_status`], `credbridge lint` → [`crate::lint_file`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use credbridge_keys::KeyType;
use credbridge_proofs::Canonicalizer;
use serde::Serialize;

use crate::batch::{
    BatchOptions, BatchReport, Delivery, Progress, StatusOptions, issue_batch, publish_status_lists,
};
use crate::error::IssueError;
use crate::issuer::{
    FileKeyStore, IssuerProfile, IssuerRecord, KeyStore, MasterKey, NewIssuer, did_document,
    open_issuer, write_atomic,
};
use crate::journal::FileJournal;
use crate::lint::{AlignmentChecker, LintReport, lint_template};
use crate::roster::{ColumnMapping, Roster, read_csv, read_oneroster_csv, read_oneroster_json};
use crate::status::{FileStatusStore, StatusLists, StatusPurpose, StatusStore};
use crate::template::Template;

/// Where a roster comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterSource {
    /// A CSV file, with an optional column-mapping file.
    Csv {
        /// The CSV.
        path: PathBuf,
        /// The mapping (YAML/JSON); `None` needs the default header.
        mapping: Option<PathBuf>,
    },
    /// A OneRoster 1.2 CSV bundle directory, optionally one lineItem.
    OneRosterCsv {
        /// The directory.
        dir: PathBuf,
        /// Keep only this lineItem's results.
        line_item: Option<String>,
    },
    /// OneRoster/Edu-API JSON.
    OneRosterJson {
        /// The file.
        path: PathBuf,
        /// Keep only this lineItem's results.
        line_item: Option<String>,
    },
}

impl RosterSource {
    /// Picks the source from a path: a directory is a OneRoster CSV bundle, `.json` is
    /// OneRoster/Edu-API JSON, anything else CSV.
    pub fn detect(path: &Path, mapping: Option<PathBuf>) -> RosterSource {
        if path.is_dir() {
            RosterSource::OneRosterCsv {
                dir: path.to_owned(),
                line_item: None,
            }
        } else if path.extension().and_then(|e| e.to_str()) == Some("json") {
            RosterSource::OneRosterJson {
                path: path.to_owned(),
                line_item: None,
            }
        } else {
            RosterSource::Csv {
                path: path.to_owned(),
                mapping,
            }
        }
    }

    /// Reads it.
    pub fn read(&self) -> Result<Roster, IssueError> {
        match self {
            RosterSource::Csv { path, mapping } => {
                let mapping = mapping.as_deref().map(ColumnMapping::load).transpose()?;
                read_csv(path, mapping.as_ref())
            }
            RosterSource::OneRosterCsv { dir, line_item } => {
                read_oneroster_csv(dir, line_item.as_deref())
            }
            RosterSource::OneRosterJson { path, line_item } => {
                read_oneroster_json(path, line_item.as_deref())
            }
        }
    }
}

/// One `credbridge issue` run.
pub struct IssueRequest<'a> {
    /// The template file.
    pub template: PathBuf,
    /// The roster.
    pub roster: RosterSource,
    /// The issuer name.
    pub issuer: String,
    /// Output directory.
    pub out_dir: PathBuf,
    /// Formats.
    pub delivery: Delivery,
    /// Status purposes (empty: no `credentialStatus`).
    pub purposes: Vec<StatusPurpose>,
    /// Where the status lists are published; `None` uses the issuer's default (did:web:
    /// `https://DOMAIN/status`); a did:key issuer without one issues without status.
    pub status_base_url: Option<String>,
    /// Issuance time, Unix seconds.
    pub now: i64,
    /// JSON-LD canonicalizer.
    pub canonicalizer: &'a dyn Canonicalizer,
    /// Framework check for the template lint.
    pub checker: &'a dyn AlignmentChecker,
    /// Progress callback (the CLI draws a bar).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// What `credbridge issue` reports (`--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct IssueSummary {
    /// The batch.
    pub batch: BatchReport,
    /// Rows the roster reader skipped (row, column, why).
    pub roster_errors: Vec<crate::roster::RowError>,
    /// The template's lint (its score is in every manifest line).
    pub lint: LintReport,
    /// Status list files (re)published.
    pub status_lists: Vec<PathBuf>,
}

/// The issuer home directory.
#[derive(Debug, Clone)]
pub struct IssuerHome {
    dir: PathBuf,
}

/// The status-list URL base of a did:web issuer: `did:web:a.example:x` → `https://a.example/x/status`.
pub fn default_status_base(record: &IssuerRecord) -> Option<String> {
    let rest = record.did.strip_prefix("did:web:")?;
    let path = rest
        .split(':')
        .map(|p| p.replace("%3A", ":"))
        .collect::<Vec<_>>()
        .join("/");
    Some(format!("https://{path}/status"))
}

impl IssuerHome {
    /// A home at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> IssuerHome {
        IssuerHome { dir: dir.into() }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key store.
    pub fn keys(&self) -> FileKeyStore {
        FileKeyStore::new(self.dir.join("issuers"))
    }

    /// The status store.
    pub fn status_store(&self) -> Arc<dyn StatusStore> {
        Arc::new(FileStatusStore::new(self.dir.join("status")))
    }

    /// Where the files to serve for `name` go.
    pub fn public_dir(&self, name: &str) -> PathBuf {
        self.dir.join("public").join(name)
    }

    /// The file that remembers the status-list URL base `name` last issued with, so that a
    /// later revocation (the CLI without `--status-base`, or `POST /credentials/status`)
    /// re-publishes each list under the URL its credentials name.
    fn status_base_file(&self, name: &str) -> PathBuf {
        self.dir.join("status").join(format!("{name}.base"))
    }

    /// The status-list URL base `name`'s batches were issued with, if one was given.
    pub fn remembered_status_base(&self, name: &str) -> Result<Option<String>, IssueError> {
        let path = self.status_base_file(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text.trim().to_owned()).filter(|b| !b.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(IssueError::io(path, e)),
        }
    }

    fn remember_status_base(&self, name: &str, base: &str) -> Result<(), IssueError> {
        if self.remembered_status_base(name)?.as_deref() == Some(base) {
            return Ok(());
        }
        let path = self.status_base_file(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| IssueError::io(parent, e))?;
        }
        write_atomic(&path, base.as_bytes())
    }

    /// `credbridge issuer create NAME [--did-web DOMAIN] [--key-type p256]`: creates the issuer
    /// and writes its DID document to `public/NAME/did.json`.
    pub fn create(
        &self,
        master: &MasterKey,
        name: &str,
        profile: IssuerProfile,
        did_web: Option<String>,
        key_type: KeyType,
        now: i64,
    ) -> Result<IssuerRecord, IssueError> {
        let record = crate::issuer::create_issuer(
            &self.keys(),
            master,
            NewIssuer {
                name: name.to_owned(),
                profile,
                did_web,
                key_type,
                import: None,
                now,
            },
        )?;
        self.write_did_document(&record)?;
        Ok(record)
    }

    /// Rotates the key of a did:web issuer and re-writes its DID document.
    pub fn rotate(
        &self,
        master: &MasterKey,
        name: &str,
        key_type: KeyType,
        now: i64,
    ) -> Result<IssuerRecord, IssueError> {
        let record = crate::issuer::rotate_key(&self.keys(), master, name, key_type, now)?;
        self.write_did_document(&record)?;
        Ok(record)
    }

    fn write_did_document(&self, record: &IssuerRecord) -> Result<PathBuf, IssueError> {
        let path = self.public_dir(&record.name).join("did.json");
        let doc = did_document(record)?;
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| IssueError::Parse {
            what: "DID document",
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &bytes)?;
        Ok(path)
    }

    /// `credbridge issue`: reads the template and roster, lints the template, issues the batch
    /// into `out_dir` (journal `out_dir/journal.jsonl`), and publishes the status lists.
    pub fn issue(
        &self,
        master: &MasterKey,
        request: IssueRequest<'_>,
    ) -> Result<IssueSummary, IssueError> {
        let template = Template::load(&request.template)?;
        let lint = lint_template(&template.source, request.checker);
        let roster = request.roster.read()?;
        let issuer = open_issuer(&self.keys(), master, &request.issuer)?;
        let base = request
            .status_base_url
            .clone()
            .or_else(|| default_status_base(&issuer.record));
        let journal = FileJournal::new(request.out_dir.join("journal.jsonl"));
        if let (Some(base), false) = (&request.status_base_url, request.purposes.is_empty()) {
            self.remember_status_base(&issuer.record.name, base.trim_end_matches('/'))?;
        }
        let mut lists = match (&base, request.purposes.is_empty()) {
            (Some(base), false) => Some(StatusLists::open(
                self.status_store(),
                &issuer.record.name,
                base,
                0,
            )?),
            _ => None,
        };
        let status = lists.as_mut().map(|l| {
            (
                l,
                StatusOptions {
                    purposes: request.purposes.clone(),
                },
            )
        });
        let batch = issue_batch(
            &template,
            &issuer,
            &roster.rows,
            BatchOptions {
                out_dir: request.out_dir.clone(),
                delivery: request.delivery,
                status,
                journal: &journal,
                canonicalizer: request.canonicalizer,
                now: request.now,
                lint: &lint,
                chunk_rows: crate::batch::DEFAULT_CHUNK_ROWS,
                progress: request.progress,
                dangerous_crash_after_chunks: None,
            },
        )?;
        let status_lists = match &lists {
            Some(l) => publish_status_lists(
                l,
                &l.list_numbers(),
                &request.purposes,
                &issuer,
                request.canonicalizer,
                request.now,
                &self.public_dir(&issuer.record.name).join("status"),
            )?,
            None => Vec::new(),
        };
        Ok(IssueSummary {
            batch,
            roster_errors: roster.errors,
            lint,
            status_lists,
        })
    }

    /// `credbridge revoke|suspend|unsuspend ID…`: finds the issuer of each id (by its status
    /// entries), sets or clears the bit, and re-signs the touched lists into
    /// `public/NAME/status`. Returns the files written. `status_base_url` as in
    /// [`IssueRequest::status_base_url`].
    #[expect(
        clippy::too_many_arguments,
        reason = "one flat call per CLI command; a struct would only rename the flags"
    )]
    pub fn set_status(
        &self,
        master: &MasterKey,
        credential_ids: &[String],
        purpose: StatusPurpose,
        value: bool,
        status_base_url: Option<&str>,
        canonicalizer: &dyn Canonicalizer,
        now: i64,
    ) -> Result<Vec<PathBuf>, IssueError> {
        let keys = self.keys();
        let mut remaining: Vec<String> = credential_ids.to_vec();
        // First find the owner of every id, so an unknown id changes nothing.
        let mut owners = Vec::new();
        for name in keys.names()? {
            if remaining.is_empty() {
                break;
            }
            let Some(record) = keys.load(&name)? else {
                continue;
            };
            let remembered = self.remembered_status_base(&name)?;
            let Some(base) = status_base_url
                .map(str::to_owned)
                .or(remembered)
                .or_else(|| default_status_base(&record))
            else {
                continue;
            };
            let lists = StatusLists::open(self.status_store(), &name, &base, 0)?;
            let mine: Vec<String> = remaining
                .iter()
                .filter(|id| lists.allocation_of(id).is_some())
                .cloned()
                .collect();
            if !mine.is_empty() {
                remaining.retain(|id| !mine.contains(id));
                owners.push((name, lists, mine));
            }
        }
        if let Some(credential_id) = remaining.into_iter().next() {
            return Err(IssueError::UnknownCredential { credential_id });
        }
        let mut written = Vec::new();
        for (name, mut lists, mine) in owners {
            let touched = lists.set(&mine, purpose, value)?;
            let issuer = open_issuer(&keys, master, &name)?;
            written.extend(publish_status_lists(
                &lists,
                &touched,
                &[purpose],
                &issuer,
                canonicalizer,
                now,
                &self.public_dir(&name).join("status"),
            )?);
        }
        Ok(written)
    }
}
