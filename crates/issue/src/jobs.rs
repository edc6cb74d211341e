//! Batches as asynchronous jobs: what `POST /issuers/{name}/batches` runs. All the logic is
//! here; the server's route only authenticates, calls [`BatchJobs::submit`] and
//! [`BatchJobs::status`], and turns [`IssueError`]s into problem details.
//!
//! A job is a directory (`HOME/batches/ID/`) holding everything needed to run it again:
//!
//! ```text
//! request.json   the issuer name, options and creation time
//! template.json  the template as submitted (JSON form)
//! roster.csv | roster.json   the roster bytes as submitted
//! out/           journal.jsonl, credentials/, manifest.csv, batch.zip (as `credbridge issue`)
//! state.json     written when the job ends: done or failed, with its outcome
//! ```
//!
//! The batch id is derived from the issuer, the template, the roster and the options
//! (SHA-256), so submitting the same batch again returns the same id: a finished job is
//! reported as it is, and an interrupted one (the process died mid-batch) resumes from its
//! journal, issuing only what is missing ([`crate::issue_batch`] is idempotent).
//! [`BatchJobs::resume`] does the same by id, and [`BatchJobs::resume_interrupted`] resumes every
//! interrupted job of a tenant (call it at start-up).
//!
//! Jobs of one issuer run one at a time (the file-backed status store has one writer); a job
//! submitted while another of the same issuer runs is `queued` until it ends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use credbridge_proofs::Canonicalizer;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::batch::{Delivery, Progress};
use crate::error::IssueError;
use crate::home::{IssueRequest, IssuerHome, RosterSource};
use crate::issuer::{MasterKey, hex_encode, read_bounded, write_atomic};
use crate::lint::AlignmentChecker;
use crate::roster::{ColumnMapping, RowError};
use crate::status::StatusPurpose;
use crate::template::{MAX_TEMPLATE_BYTES, Template};

/// Largest roster accepted by [`BatchJobs::submit`], in bytes (about 500,000 CSV rows).
pub const MAX_ROSTER_BYTES: usize = 64 * 1024 * 1024;

/// Most row errors kept in a job's status (the rest are counted).
pub const MAX_REPORTED_ROW_ERRORS: usize = 1000;

/// How the roster bytes are to be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RosterFormat {
    /// CSV: the default header `email,given_name,family_name,awarded_at`, or a [`ColumnMapping`].
    #[default]
    Csv,
    /// OneRoster 1.2 / Edu-API shaped JSON (users, lineItems, results).
    OneRosterJson,
}

/// What a batch is asked to do (the JSON body of `POST /issuers/{name}/batches`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchRequest {
    /// The achievement template: a JSON object, or YAML/JSON text.
    pub template: Value,
    /// The roster, as text (CSV, or JSON for [`RosterFormat::OneRosterJson`]).
    pub roster: String,
    /// How to read the roster.
    #[serde(default)]
    pub roster_format: RosterFormat,
    /// Column mapping for a CSV with other headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<ColumnMapping>,
    /// Keep only this lineItem's results (OneRoster JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_item: Option<String>,
    /// Also write each credential as a VC-JWT.
    #[serde(default)]
    pub jwt: bool,
    /// Also write one zip with every credential and the manifest.
    #[serde(default)]
    pub zip: bool,
    /// Where the status lists are published; `None`: the issuer's default (did:web), or no
    /// status for a did:key issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_base_url: Option<String>,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for another batch of the same issuer to end.
    Queued,
    /// Issuing.
    Running,
    /// Every row handled (some may have row errors).
    Done,
    /// Stopped by an error (I/O, signing, an unusable template or issuer); resumable.
    Failed,
    /// The process ran it and stopped (crash, restart) before it ended; resumable.
    Interrupted,
}

/// What a finished job did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobOutcome {
    /// Credentials issued by the last run.
    pub issued: usize,
    /// Rows an earlier run had already issued.
    pub already_issued: usize,
    /// Every credential of the batch.
    pub total_credentials: usize,
    /// Rows skipped (roster and batch errors), by row and column; at most
    /// [`MAX_REPORTED_ROW_ERRORS`].
    pub row_errors: Vec<RowError>,
    /// Row errors beyond those listed.
    pub row_errors_omitted: usize,
    /// The template's lint score (0-100; it is also on every manifest line).
    pub lint_score: u8,
    /// The lint rules version.
    pub lint_rules_version: String,
    /// Files of the batch, relative to its output directory (`manifest.csv`, `batch.zip`).
    pub files: Vec<String>,
}

/// A job as [`BatchJobs::status`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchStatus {
    /// The batch id.
    pub id: String,
    /// The issuer name.
    pub issuer: String,
    /// Its state.
    pub state: JobState,
    /// Rows handled so far, of the total, and credentials issued by this run.
    pub progress: Progress,
    /// Set when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<JobOutcome>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Unix seconds when first submitted.
    pub created: i64,
    /// Unix seconds when it last ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<i64>,
}

/// What [`BatchJobs::submit`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchHandle {
    /// The batch id (derived from the content: the same batch gets the same id).
    pub id: String,
    /// Whether this call started (or resumed) the job; `false` when it was already running,
    /// queued or done.
    pub started: bool,
    /// Its status right after the call.
    pub status: BatchStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredRequest {
    issuer: String,
    created: i64,
    roster_format: RosterFormat,
    #[serde(default)]
    mapping: Option<ColumnMapping>,
    #[serde(default)]
    line_item: Option<String>,
    jwt: bool,
    zip: bool,
    #[serde(default)]
    status_base_url: Option<String>,
}

/// (tenant directory name, batch id) or (tenant directory name, issuer name).
type JobKey = (String, String);

/// The batch jobs of every tenant under one directory, with their shared signing machinery.
/// Cheap to share (`Arc`); jobs run on threads of their own (signing inside runs on rayon).
pub struct BatchJobs {
    root: PathBuf,
    master: MasterKey,
    canonicalizer: Arc<dyn Canonicalizer>,
    checker: Arc<dyn AlignmentChecker>,
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
    live: Mutex<HashMap<JobKey, Arc<Mutex<BatchStatus>>>>,
    issuer_locks: Mutex<HashMap<JobKey, Arc<Mutex<()>>>>,
}

impl std::fmt::Debug for BatchJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchJobs")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// A tenant id as a directory name: itself when it is 1-64 of `[A-Za-z0-9_-]`, else the hex
/// SHA-256 of it (no tenant id can climb out of the root).
fn tenant_dir_name(tenant: &str) -> String {
    if (1..=64).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        tenant.to_owned()
    } else {
        hex_encode(&Sha256::digest(tenant.as_bytes()))
    }
}

fn is_batch_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn json_bytes(value: &impl Serialize, path: &Path) -> Result<Vec<u8>, IssueError> {
    serde_json::to_vec_pretty(value).map_err(|e| IssueError::Parse {
        what: "batch job record",
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, IssueError> {
    let bytes = match read_bounded(path, 64 * 1024 * 1024, "batch job record bytes") {
        Ok(bytes) => bytes,
        Err(IssueError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| IssueError::Parse {
            what: "batch job record",
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

impl BatchJobs {
    /// Jobs under `root` (each tenant's issuers in `root/TENANT/`, see [`BatchJobs::home`]),
    /// signing with issuer keys unsealed by `master`.
    pub fn new(
        root: impl Into<PathBuf>,
        master: MasterKey,
        canonicalizer: Arc<dyn Canonicalizer>,
        checker: Arc<dyn AlignmentChecker>,
    ) -> BatchJobs {
        BatchJobs {
            root: root.into(),
            master,
            canonicalizer,
            checker,
            clock: Box::new(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                    .unwrap_or(0)
            }),
            live: Mutex::new(HashMap::new()),
            issuer_locks: Mutex::new(HashMap::new()),
        }
    }

    /// The same with a fixed clock (tests; issuance time is `validFrom` and `proof.created`).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> BatchJobs {
        self.clock = Box::new(clock);
        self
    }

    /// The issuer home of `tenant` (issuers, status logs, published files, batches).
    pub fn home(&self, tenant: &str) -> IssuerHome {
        IssuerHome::new(self.root.join(tenant_dir_name(tenant)))
    }

    fn job_dir(&self, tenant: &str, id: &str) -> PathBuf {
        self.home(tenant).dir().join("batches").join(id)
    }

    /// The output directory of a job (credentials, manifest, zip), for serving its files.
    pub fn out_dir(&self, tenant: &str, id: &str) -> Option<PathBuf> {
        is_batch_id(id).then(|| self.job_dir(tenant, id).join("out"))
    }

    /// Checks and stores a batch for `issuer` and starts it on a thread of its own; returns at
    /// once. Bad input (template, roster header, unknown issuer, sizes) is an `Err` here, before
    /// any job exists; bad rows are reported in the job's outcome. Submitting a batch that
    /// exists returns its id: running, queued or done as it is; failed or interrupted, resumed.
    pub fn submit(
        self: &Arc<Self>,
        tenant: &str,
        issuer: &str,
        request: &BatchRequest,
    ) -> Result<BatchHandle, IssueError> {
        let home = self.home(tenant);
        // The issuer must exist (its key is unsealed when the job runs).
        crate::issuer::check_name(issuer)?;
        if crate::issuer::KeyStore::load(&home.keys(), issuer)?.is_none() {
            return Err(IssueError::UnknownIssuer {
                name: issuer.to_owned(),
            });
        }
        if request.roster.len() > MAX_ROSTER_BYTES {
            return Err(IssueError::LimitExceeded {
                what: "roster bytes",
                found: request.roster.len(),
                limit: MAX_ROSTER_BYTES,
            });
        }
        let memory = Path::new("<request>");
        let template = match &request.template {
            Value::String(text) => {
                if text.len() > usize::try_from(MAX_TEMPLATE_BYTES).unwrap_or(usize::MAX) {
                    return Err(IssueError::LimitExceeded {
                        what: "template bytes",
                        found: text.len(),
                        limit: usize::try_from(MAX_TEMPLATE_BYTES).unwrap_or(usize::MAX),
                    });
                }
                Template::parse(text, memory)?
            }
            other => Template::from_value(other.clone(), memory)?,
        };
        // Read the roster now, so a bad header or mapping is answered before a job exists.
        if request.roster_format == RosterFormat::Csv {
            crate::roster::parse_csv(request.roster.as_bytes(), memory, request.mapping.as_ref())?;
        }
        let stored = StoredRequest {
            issuer: issuer.to_owned(),
            created: (self.clock)(),
            roster_format: request.roster_format,
            mapping: request.mapping.clone(),
            line_item: request.line_item.clone(),
            jwt: request.jwt,
            zip: request.zip,
            status_base_url: request.status_base_url.clone(),
        };
        let template_json =
            serde_json::to_vec(&template.source).map_err(|e| IssueError::Parse {
                what: "template",
                path: memory.to_owned(),
                reason: e.to_string(),
            })?;
        let id = batch_id(&stored, &template_json, request.roster.as_bytes());
        let dir = self.job_dir(tenant, &id);
        let request_path = dir.join("request.json");
        if read_json::<StoredRequest>(&request_path)?.is_none() {
            let roster_name = match request.roster_format {
                RosterFormat::Csv => "roster.csv",
                RosterFormat::OneRosterJson => "roster.json",
            };
            write_atomic(&dir.join("template.json"), &template_json)?;
            write_atomic(&dir.join(roster_name), request.roster.as_bytes())?;
            // Written last: a job exists once its request does.
            write_atomic(&request_path, &json_bytes(&stored, &request_path)?)?;
        }
        self.start(tenant, &id)
    }

    /// Resumes a failed or interrupted job by id (a running, queued or done job is left as it
    /// is). `Ok(None)` when the tenant has no such batch.
    pub fn resume(
        self: &Arc<Self>,
        tenant: &str,
        id: &str,
    ) -> Result<Option<BatchHandle>, IssueError> {
        if !is_batch_id(id)
            || read_json::<StoredRequest>(&self.job_dir(tenant, id).join("request.json"))?.is_none()
        {
            return Ok(None);
        }
        self.start(tenant, id).map(Some)
    }

    /// Resumes every interrupted job of `tenant` (call at start-up); returns their ids.
    pub fn resume_interrupted(self: &Arc<Self>, tenant: &str) -> Result<Vec<String>, IssueError> {
        let dir = self.home(tenant).dir().join("batches");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(IssueError::io(&dir, e)),
        };
        let mut resumed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| IssueError::io(&dir, e))?;
            let id = entry.file_name().to_string_lossy().into_owned();
            if let Some(status) = self.status(tenant, &id)?
                && status.state == JobState::Interrupted
            {
                self.start(tenant, &id)?;
                resumed.push(id);
            }
        }
        resumed.sort();
        Ok(resumed)
    }

    /// The status of a job: live progress while it runs, else what it left on disk. `Ok(None)`
    /// when the tenant has no such batch (another tenant's batch is not found either).
    pub fn status(&self, tenant: &str, id: &str) -> Result<Option<BatchStatus>, IssueError> {
        if !is_batch_id(id) {
            return Ok(None);
        }
        let key = (tenant_dir_name(tenant), id.to_owned());
        if let Some(live) = self.live_get(&key) {
            return Ok(Some(live));
        }
        let dir = self.job_dir(tenant, id);
        let Some(stored) = read_json::<StoredRequest>(&dir.join("request.json"))? else {
            return Ok(None);
        };
        if let Some(status) = read_json::<BatchStatus>(&dir.join("state.json"))? {
            return Ok(Some(status));
        }
        // Stored but never ended in this process: the process that ran it died.
        let journal = crate::journal::FileJournal::new(dir.join("out").join("journal.jsonl"));
        let issued = crate::journal::BatchJournal::entries(&journal)?.len();
        Ok(Some(BatchStatus {
            id: id.to_owned(),
            issuer: stored.issuer,
            state: JobState::Interrupted,
            progress: Progress {
                handled: issued,
                total: 0,
                issued,
            },
            outcome: None,
            error: None,
            created: stored.created,
            finished: None,
        }))
    }

    /// Blocks until the job is neither queued nor running; returns its status (tests, CLI).
    pub fn wait(&self, tenant: &str, id: &str) -> Result<Option<BatchStatus>, IssueError> {
        loop {
            match self.status(tenant, id)? {
                Some(s) if matches!(s.state, JobState::Queued | JobState::Running) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return Ok(other),
            }
        }
    }

    fn live_get(&self, key: &JobKey) -> Option<BatchStatus> {
        let live = self.live.lock().ok()?;
        let status = live.get(key)?.lock().ok()?.clone();
        Some(status)
    }

    fn start(self: &Arc<Self>, tenant: &str, id: &str) -> Result<BatchHandle, IssueError> {
        let key = (tenant_dir_name(tenant), id.to_owned());
        let dir = self.job_dir(tenant, id);
        let stored: StoredRequest = read_json(&dir.join("request.json"))?.ok_or_else(|| {
            IssueError::io(
                dir.join("request.json"),
                std::io::Error::new(std::io::ErrorKind::NotFound, "batch request missing"),
            )
        })?;
        let table = dir.clone();
        let poisoned = move || {
            IssueError::io(
                &table,
                std::io::Error::other("batch job table poisoned by a panic"),
            )
        };
        let shared = {
            let mut live = self.live.lock().map_err(|_| poisoned())?;
            if let Some(existing) = live.get(&key) {
                let status = existing.lock().map_err(|_| poisoned())?.clone();
                if matches!(status.state, JobState::Queued | JobState::Running) {
                    return Ok(BatchHandle {
                        id: id.to_owned(),
                        started: false,
                        status,
                    });
                }
            }
            if let Some(done) = read_json::<BatchStatus>(&dir.join("state.json"))?
                && done.state == JobState::Done
            {
                return Ok(BatchHandle {
                    id: id.to_owned(),
                    started: false,
                    status: done,
                });
            }
            let status = BatchStatus {
                id: id.to_owned(),
                issuer: stored.issuer.clone(),
                state: JobState::Queued,
                progress: Progress {
                    handled: 0,
                    total: 0,
                    issued: 0,
                },
                outcome: None,
                error: None,
                created: stored.created,
                finished: None,
            };
            let shared = Arc::new(Mutex::new(status));
            live.insert(key.clone(), shared.clone());
            shared
        };
        // A re-run replaces the last ending.
        match std::fs::remove_file(dir.join("state.json")) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(IssueError::io(dir.join("state.json"), e)),
        }
        let issuer_lock = {
            let mut locks = self.issuer_locks.lock().map_err(|_| poisoned())?;
            locks
                .entry((key.0.clone(), stored.issuer.clone()))
                .or_default()
                .clone()
        };
        let jobs = self.clone();
        let tenant = tenant.to_owned();
        let job_dir = dir.clone();
        let thread_status = shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("batch-{}", &id[..8.min(id.len())]))
            .spawn(move || {
                let _one_at_a_time = issuer_lock.lock();
                jobs.run(&tenant, &dir, stored, &thread_status);
            });
        if let Err(e) = spawned {
            if let Ok(mut live) = self.live.lock() {
                live.remove(&key);
            }
            return Err(IssueError::io(job_dir, e));
        }
        let status = shared.lock().map_err(|_| poisoned())?.clone();
        Ok(BatchHandle {
            id: id.to_owned(),
            started: true,
            status,
        })
    }

    fn run(&self, tenant: &str, dir: &Path, stored: StoredRequest, shared: &Mutex<BatchStatus>) {
        let update = |f: &dyn Fn(&mut BatchStatus)| {
            if let Ok(mut status) = shared.lock() {
                f(&mut status);
            }
        };
        update(&|s| s.state = JobState::Running);
        let result = self.issue(tenant, dir, &stored, &|p| update(&|s| s.progress = p));
        let finished = (self.clock)();
        update(&|s| {
            s.finished = Some(finished);
            match &result {
                Ok(outcome) => {
                    s.state = JobState::Done;
                    s.outcome = Some(outcome.clone());
                    s.error = None;
                }
                Err(e) => {
                    s.state = JobState::Failed;
                    s.error = Some(e.to_string());
                }
            }
        });
        // Persist the ending, so the status survives a restart. If this write fails the job
        // reads as interrupted after a restart, and resuming it issues nothing twice.
        if let Ok(status) = shared.lock().map(|s| s.clone()) {
            let path = dir.join("state.json");
            if let Ok(bytes) = json_bytes(&status, &path) {
                let _ = write_atomic(&path, &bytes);
            }
        }
    }

    fn issue(
        &self,
        tenant: &str,
        dir: &Path,
        stored: &StoredRequest,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<JobOutcome, IssueError> {
        let roster = match stored.roster_format {
            RosterFormat::Csv => {
                let mapping_path = match &stored.mapping {
                    Some(mapping) => {
                        let path = dir.join("mapping.json");
                        write_atomic(&path, &json_bytes(mapping, &path)?)?;
                        Some(path)
                    }
                    None => None,
                };
                RosterSource::Csv {
                    path: dir.join("roster.csv"),
                    mapping: mapping_path,
                }
            }
            RosterFormat::OneRosterJson => RosterSource::OneRosterJson {
                path: dir.join("roster.json"),
                line_item: stored.line_item.clone(),
            },
        };
        let out_dir = dir.join("out");
        let summary = self.home(tenant).issue(
            &self.master,
            IssueRequest {
                template: dir.join("template.json"),
                roster,
                issuer: stored.issuer.clone(),
                out_dir: out_dir.clone(),
                delivery: Delivery {
                    json: true,
                    jwt: stored.jwt,
                    png: None,
                    svg: None,
                    zip: stored.zip,
                },
                // One purpose: the OB 3.0 schema allows a single `credentialStatus` object.
                purposes: vec![StatusPurpose::Revocation],
                status_base_url: stored.status_base_url.clone(),
                // Issued at submission time, so a resumed job signs what the first run would.
                now: stored.created,
                canonicalizer: self.canonicalizer.as_ref(),
                checker: self.checker.as_ref(),
                progress,
            },
        )?;
        let mut row_errors: Vec<RowError> = summary
            .roster_errors
            .into_iter()
            .chain(summary.batch.row_errors)
            .collect();
        row_errors.sort_by_key(|e| e.row);
        let omitted = row_errors.len().saturating_sub(MAX_REPORTED_ROW_ERRORS);
        row_errors.truncate(MAX_REPORTED_ROW_ERRORS);
        let relative = |p: &Option<PathBuf>| {
            p.as_ref()
                .and_then(|p| p.strip_prefix(&out_dir).ok())
                .map(|p| p.to_string_lossy().into_owned())
        };
        Ok(JobOutcome {
            issued: summary.batch.issued,
            already_issued: summary.batch.already_issued,
            total_credentials: summary.batch.total_credentials,
            row_errors,
            row_errors_omitted: omitted,
            lint_score: summary.lint.score,
            lint_rules_version: summary.lint.rules_version.to_owned(),
            files: [
                relative(&summary.batch.manifest),
                relative(&summary.batch.zip),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
    }
}

/// The batch id: 128 bits of SHA-256 over the issuer, options, template and roster.
fn batch_id(stored: &StoredRequest, template_json: &[u8], roster: &[u8]) -> String {
    let options = serde_json::json!({
        "issuer": stored.issuer,
        "rosterFormat": stored.roster_format,
        "mapping": stored.mapping,
        "lineItem": stored.line_item,
        "jwt": stored.jwt,
        "zip": stored.zip,
        "statusBaseUrl": stored.status_base_url,
    })
    .to_string();
    let mut h = Sha256::new();
    for part in [options.as_bytes(), template_json, roster] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex_encode(h.finalize().get(..16).unwrap_or(&[]))
}
