//! A batch: template + roster + issuer → signed credentials on disk, in parallel, resumable.
//!
//! Per chunk of rows: credential ids are derived ([`credential_id`]); rows the journal already
//! lists are skipped; status entries are allocated and persisted; the credentials are built,
//! signed and written in parallel (rayon); then the chunk is recorded in the journal. A crash
//! anywhere leaves either an entry in the journal (done) or an allocation the re-run reuses,
//! so a re-run issues exactly the missing credentials and never uses a status index twice.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use credbridge_formats::{BakePayload, bake_png, bake_svg};
use credbridge_keys::KeyType;
use credbridge_proofs::{
    Canonicalizer, Cryptosuite, JwtKind, JwtSignOptions, SignOptions, format_datetime,
    sign_data_integrity, sign_jwt, suites,
};
use rand::RngCore;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::error::IssueError;
use crate::issuer::{Issuer, hex_encode, write_atomic};
use crate::journal::{BatchJournal, JournalEntry};
use crate::lint::LintReport;
use crate::roster::{RosterRow, RowError};
use crate::status::{StatusLists, StatusPurpose};
use crate::template::{Expiry, Template};

/// The OB 3.0 context every credential carries (the version the spec's examples use).
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The VCDM 2.0 context.
pub const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// Rows per chunk (one status append and one journal append each).
pub const DEFAULT_CHUNK_ROWS: usize = 1024;

/// Largest PNG or SVG image baked into, in bytes.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// The suite an issuer key signs with: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for
/// P-256/P-384.
pub fn suite_for(key_type: KeyType) -> &'static Cryptosuite {
    match key_type {
        KeyType::P256 | KeyType::P384 => suites::ECDSA_RDFC_2019,
        _ => suites::EDDSA_RDFC_2022,
    }
}

/// Which files each credential is delivered as.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// `ID.json`, the credential with its Data Integrity proof (on by default in the CLI).
    pub json: bool,
    /// `ID.jwt`: the credential (without embedded proof) secured as VC-JOSE `vc+jwt`, whose
    /// payload is the credential itself. The OB 3.0 JWT flavour adds `jti`/`iss`/`nbf` claims
    /// beside the credential's properties, which the OB 3.0 context does not define, so a
    /// JSON-LD safe-mode verifier rejects it; `vc+jwt` adds none.
    pub jwt: bool,
    /// `ID.png`, the signed JSON baked into this PNG (the template's image).
    pub png: Option<Vec<u8>>,
    /// `ID.svg`, the signed JSON baked into this SVG.
    pub svg: Option<Vec<u8>>,
    /// `batch.zip` with every file and `manifest.csv`, written when the batch ends.
    pub zip: bool,
}

/// Status entries for the batch's credentials.
#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// Purposes; one purpose gives an OB 3.0-schema-valid single `credentialStatus` object.
    pub purposes: Vec<StatusPurpose>,
}

/// Progress reported to the caller after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Progress {
    /// Rows handled so far (issued, skipped as done, or failed).
    pub handled: usize,
    /// Rows in the roster.
    pub total: usize,
    /// Credentials issued in this run so far.
    pub issued: usize,
}

/// Everything a batch runs with.
pub struct BatchOptions<'a> {
    /// Output directory (`credentials/` inside it holds the files).
    pub out_dir: PathBuf,
    /// Formats.
    pub delivery: Delivery,
    /// Status lists; `None` issues without `credentialStatus`.
    pub status: Option<(&'a mut StatusLists, StatusOptions)>,
    /// Progress journal (resume and idempotency).
    pub journal: &'a dyn BatchJournal,
    /// JSON-LD canonicalizer for the RDFC suites.
    pub canonicalizer: &'a dyn Canonicalizer,
    /// The issuance time, Unix seconds (`validFrom`, `proof.created`).
    pub now: i64,
    /// The template's lint, whose score goes into the manifest.
    pub lint: &'a LintReport,
    /// Rows per chunk.
    pub chunk_rows: usize,
    /// Called after every chunk.
    pub progress: &'a (dyn Fn(Progress) + Sync),
    /// Test hook: stop with [`IssueError::Io`] (`Interrupted`) after allocating status entries
    /// and writing the files of this many chunks, before recording the last one in the
    /// journal, as a kill at the worst moment would.
    #[doc(hidden)]
    pub dangerous_crash_after_chunks: Option<usize>,
}

/// What a batch did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchReport {
    /// Credentials issued in this run.
    pub issued: usize,
    /// Rows skipped because the journal lists their credential (issued by an earlier run).
    pub already_issued: usize,
    /// Rows skipped for errors, by row and column.
    pub row_errors: Vec<RowError>,
    /// Every credential of the batch (this run and earlier ones).
    pub total_credentials: usize,
    /// The manifest written.
    pub manifest: Option<PathBuf>,
    /// The zip written.
    pub zip: Option<PathBuf>,
}

/// The credential id: a UUID (version 8, RFC 9562 §5.8) from SHA-256 of the template id, the
/// recipient key and the award time, so the same award always has the same id and a re-run
/// issues nothing twice, while the id reveals nothing about the learner.
pub fn credential_id(template_id: &str, recipient_key: &str, awarded_at: &str) -> String {
    let mut h = Sha256::new();
    for part in [template_id, recipient_key, awarded_at] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(d.get(..16).unwrap_or(&[0; 16]));
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex_encode(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        x.get(0..8).unwrap_or(""),
        x.get(8..12).unwrap_or(""),
        x.get(12..16).unwrap_or(""),
        x.get(16..20).unwrap_or(""),
        x.get(20..32).unwrap_or("")
    )
}

/// `sha256$hex` of the email and salt (OB 3.0 IdentityHash), with a fresh random salt from
/// the thread's CSPRNG (ChaCha, seeded and periodically reseeded from the OS: one system call
/// per thread rather than one per credential).
pub fn identity_object(email: &str) -> Value {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = hex_encode(&salt);
    let hash = Sha256::digest(format!("{email}{salt}").as_bytes());
    json!({
        "type": "IdentityObject",
        "hashed": true,
        "identityHash": format!("sha256${}", hex_encode(&hash)),
        "identityType": "emailAddress",
        "salt": salt,
    })
}

/// The rubric level of `template` named by `level` (its id or name, case-insensitive):
/// (resultDescription id, level id).
fn find_level(template: &Template, level: &str) -> Option<(String, String)> {
    let rds = template.achievement.get("resultDescription")?.as_array()?;
    rds.iter().find_map(|rd| {
        let rd_id = rd.get("id")?.as_str()?;
        rd.get("rubricCriterionLevel")?
            .as_array()?
            .iter()
            .find_map(|l| {
                let id = l.get("id")?.as_str()?;
                let name = l.get("name").and_then(Value::as_str).unwrap_or("");
                (id.eq_ignore_ascii_case(level) || name.eq_ignore_ascii_case(level))
                    .then(|| (rd_id.to_owned(), id.to_owned()))
            })
    })
}

/// Builds the unsigned OB 3.0 `OpenBadgeCredential` of one row.
pub fn build_credential(
    template: &Template,
    issuer_profile: &Value,
    row: &RosterRow,
    id: &str,
    now: i64,
    status: Option<Value>,
) -> Result<Value, RowError> {
    let mut subject = Map::new();
    if let Some(did) = &row.did {
        subject.insert("id".into(), did.clone().into());
    }
    subject.insert("type".into(), json!(["AchievementSubject"]));
    if let Some(email) = &row.email {
        subject.insert("identifier".into(), json!([identity_object(email)]));
    }
    subject.insert("achievement".into(), template.achievement.clone());
    if let Some(level) = &row.result_level {
        let (rd, level_id) = find_level(template, level).ok_or_else(|| RowError {
            row: row.row,
            column: "result_level".into(),
            message: format!(
                "{level:?} is not a rubric level (id or name) of the template's resultDescription"
            ),
        })?;
        subject.insert(
            "result".into(),
            json!([{"type": ["Result"], "resultDescription": rd, "achievedLevel": level_id}]),
        );
    }
    if template.evidence_required && row.evidence_url.is_none() {
        return Err(RowError {
            row: row.row,
            column: "evidence_url".into(),
            message: "the template requires evidence and the row has none".into(),
        });
    }
    let mut c = Map::new();
    c.insert("@context".into(), json!([VC2_CONTEXT, OB3_CONTEXT]));
    c.insert("id".into(), id.into());
    c.insert(
        "type".into(),
        json!(["VerifiableCredential", "OpenBadgeCredential"]),
    );
    c.insert("name".into(), template.name.clone().into());
    c.insert("issuer".into(), issuer_profile.clone());
    c.insert("validFrom".into(), format_datetime(now).into());
    if let Some(Expiry::Days(days)) = template.expiry {
        let until = row.awarded_unix.max(now) + i64::from(days) * 86_400;
        c.insert("validUntil".into(), format_datetime(until).into());
    }
    c.insert("awardedDate".into(), row.awarded_at.clone().into());
    c.insert("credentialSubject".into(), Value::Object(subject));
    if let Some(url) = &row.evidence_url {
        c.insert(
            "evidence".into(),
            json!([{"id": url, "type": ["Evidence"]}]),
        );
    }
    if let Some(status) = status {
        c.insert("credentialStatus".into(), status);
    }
    Ok(Value::Object(c))
}

/// The file stem of a credential id (`urn:uuid:X` → `X`).
pub fn file_stem(id: &str) -> String {
    id.rsplit(':')
        .next()
        .unwrap_or(id)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

struct Signed {
    entry: JournalEntry,
}

/// The canonicalizer a batch signs with: the caller's, plus one memory. Every credential of a
/// batch has the same proof configuration (suite, `created`, verification method, purpose,
/// `@context`), so its canonical form is computed once rather than once per credential. Any
/// other document (the credentials themselves) goes to the caller's canonicalizer.
struct BatchCanonicalizer<'a> {
    inner: &'a dyn Canonicalizer,
    proof_config: std::sync::OnceLock<(Value, String)>,
}

impl BatchCanonicalizer<'_> {
    fn is_proof_config(document: &Value) -> bool {
        document.get("proofPurpose").is_some()
            && document.get("verificationMethod").is_some()
            && document.get("credentialSubject").is_none()
    }
}

impl Canonicalizer for BatchCanonicalizer<'_> {
    fn canonize(&self, document: &Value) -> Result<String, credbridge_proofs::CanonicalizeError> {
        if let Some((config, text)) = self.proof_config.get()
            && config == document
        {
            return Ok(text.clone());
        }
        let text = self.inner.canonize(document)?;
        if Self::is_proof_config(document) {
            // The first one wins; the batch's configurations are all equal anyway.
            let _ = self.proof_config.set((document.clone(), text.clone()));
        }
        Ok(text)
    }

    fn check_safe_mode(
        &self,
        document: &Value,
    ) -> Result<(), credbridge_proofs::CanonicalizeError> {
        self.inner.check_safe_mode(document)
    }
}

/// Writes a credential file. Not via a temporary file and a rename: a credential file is only
/// trusted once the journal lists it, and a re-run rewrites (truncates) every file it does
/// not list, so a file torn by a crash is never kept; one system call less per file.
fn write_credential_file(path: &Path, bytes: &[u8]) -> Result<(), IssueError> {
    std::fs::write(path, bytes).map_err(|e| IssueError::io(path, e))
}

fn sign_and_write(
    canonicalizer: &dyn Canonicalizer,
    issuer: &Issuer,
    credential: &Value,
    id: &str,
    options: &BatchOptions<'_>,
    row: &RosterRow,
    status: Option<(u32, u32)>,
) -> Result<Signed, IssueError> {
    let suite = suite_for(issuer.secret.key_type());
    let sign_err = |source| IssueError::Sign {
        what: id.to_owned(),
        source,
    };
    let signed = sign_data_integrity(
        credential,
        suite,
        &issuer.secret,
        &SignOptions {
            verification_method: issuer.verification_method.clone(),
            proof_purpose: "assertionMethod".into(),
            created: Some(options.now),
            canonicalizer: Some(canonicalizer),
            ..SignOptions::default()
        },
    )
    .map_err(sign_err)?;
    let stem = file_stem(id);
    let dir = options.out_dir.join("credentials");
    let mut files = Vec::new();
    let json_bytes = serde_json::to_vec(&signed).map_err(|e| IssueError::Parse {
        what: "credential",
        path: PathBuf::from(id),
        reason: e.to_string(),
    })?;
    let mut write = |name: String, bytes: &[u8]| -> Result<(), IssueError> {
        write_credential_file(&dir.join(&name), bytes)?;
        files.push(format!("credentials/{name}"));
        Ok(())
    };
    if options.delivery.json {
        write(format!("{stem}.json"), &json_bytes)?;
    }
    if options.delivery.jwt {
        let jwt = sign_jwt(
            credential,
            &issuer.secret,
            &JwtSignOptions {
                kind: JwtKind::VcJose,
                alg: None,
                kid: Some(issuer.verification_method.clone()),
                embed_jwk: false,
                audience: None,
                nonce: None,
                issued_at: Some(options.now),
            },
        )
        .map_err(sign_err)?;
        write(format!("{stem}.jwt"), jwt.as_bytes())?;
    }
    let bake_err = |e: credbridge_formats::Error| IssueError::Bake {
        credential_id: id.to_owned(),
        reason: e.to_string(),
    };
    if let Some(png) = &options.delivery.png {
        let baked = bake_png(png, &BakePayload::Json(&json_bytes)).map_err(bake_err)?;
        write(format!("{stem}.png"), &baked)?;
    }
    if let Some(svg) = &options.delivery.svg {
        let baked = bake_svg(svg, &BakePayload::Json(&json_bytes)).map_err(bake_err)?;
        write(format!("{stem}.svg"), &baked)?;
    }
    Ok(Signed {
        entry: JournalEntry {
            credential_id: id.to_owned(),
            row: row.row,
            recipient: row
                .did
                .clone()
                .or_else(|| row.email.clone())
                .unwrap_or_default(),
            files,
            status,
        },
    })
}

/// Issues one credential per roster row. Rows the journal already lists are skipped; bad rows
/// are reported in [`BatchReport::row_errors`]; an `Err` means the batch could not go on
/// (I/O, signing) and a re-run resumes it.
pub fn issue_batch(
    template: &Template,
    issuer: &Issuer,
    rows: &[RosterRow],
    mut options: BatchOptions<'_>,
) -> Result<BatchReport, IssueError> {
    for (what, image) in [
        ("png", &options.delivery.png),
        ("svg", &options.delivery.svg),
    ] {
        if let Some(bytes) = image
            && bytes.len() > MAX_IMAGE_BYTES
        {
            return Err(IssueError::LimitExceeded {
                what: if what == "png" {
                    "PNG image bytes"
                } else {
                    "SVG image bytes"
                },
                found: bytes.len(),
                limit: MAX_IMAGE_BYTES,
            });
        }
    }
    let done: HashSet<String> = options
        .journal
        .entries()?
        .into_iter()
        .map(|e| e.credential_id)
        .collect();
    let profile = issuer.profile_json();
    let credentials_dir = options.out_dir.join("credentials");
    std::fs::create_dir_all(&credentials_dir).map_err(|e| IssueError::io(&credentials_dir, e))?;
    let canonicalizer = BatchCanonicalizer {
        inner: options.canonicalizer,
        proof_config: std::sync::OnceLock::new(),
    };
    let mut report = BatchReport::default();
    let mut seen_in_run: HashSet<String> = HashSet::new();
    let total = rows.len();
    let mut handled = 0;
    let chunk_rows = options.chunk_rows.max(1);
    for (chunk_no, chunk) in rows.chunks(chunk_rows).enumerate() {
        let mut todo: Vec<(&RosterRow, String)> = Vec::new();
        for row in chunk {
            let id = credential_id(&template.id, row.recipient_key(), &row.awarded_at);
            // A repeated award is an error on every run, not "already issued" on the re-run.
            if !seen_in_run.insert(id.clone()) {
                report.row_errors.push(RowError {
                    row: row.row,
                    column: "email".into(),
                    message: "the same learner and award date appear on an earlier row".into(),
                });
            } else if done.contains(&id) {
                report.already_issued += 1;
            } else {
                todo.push((row, id));
            }
        }
        let ids: Vec<String> = todo.iter().map(|(_, id)| id.clone()).collect();
        type StatusOf = (Vec<Option<(u32, u32)>>, Vec<Option<Value>>);
        let (allocs, status_values): StatusOf = match options.status.as_mut() {
            Some((lists, status_options)) => {
                let allocs = lists.allocate_all(&ids)?;
                allocs
                    .into_iter()
                    .map(|a| {
                        (
                            Some((a.list, a.index)),
                            Some(lists.credential_status(a, &status_options.purposes)),
                        )
                    })
                    .unzip()
            }
            None => (vec![None; ids.len()], vec![None; ids.len()]),
        };
        let opts = &options;
        let results: Vec<Result<Result<Signed, RowError>, IssueError>> = todo
            .par_iter()
            .zip(allocs.par_iter())
            .zip(status_values.into_par_iter())
            .map(|(((row, id), alloc), status)| {
                match build_credential(template, &profile, row, id, opts.now, status) {
                    Err(row_error) => Ok(Err(row_error)),
                    Ok(credential) => {
                        sign_and_write(&canonicalizer, issuer, &credential, id, opts, row, *alloc)
                            .map(Ok)
                    }
                }
            })
            .collect();
        let mut entries = Vec::new();
        for result in results {
            match result? {
                Ok(signed) => entries.push(signed.entry),
                Err(row_error) => report.row_errors.push(row_error),
            }
        }
        if options.dangerous_crash_after_chunks == Some(chunk_no + 1) {
            return Err(IssueError::io(
                options.out_dir.clone(),
                std::io::Error::new(std::io::ErrorKind::Interrupted, "simulated crash"),
            ));
        }
        options.journal.record(&entries)?;
        report.issued += entries.len();
        handled += chunk.len();
        (options.progress)(Progress {
            handled,
            total,
            issued: report.issued,
        });
    }
    report.row_errors.sort_by_key(|e| e.row);
    let entries = options.journal.entries()?;
    report.total_credentials = entries.len();
    let manifest = write_manifest(&options.out_dir, &entries, options.lint)?;
    report.manifest = Some(manifest.clone());
    if options.delivery.zip {
        report.zip = Some(write_zip(&options.out_dir, &entries, &manifest)?);
    }
    Ok(report)
}

/// Writes `manifest.csv`: one line per credential with its files, status entry, and the lint
/// score of its template (the score is kept here, not in the signed credential: OB 3.0 has no
/// property for it and adding one would need an extension context).
pub fn write_manifest(
    out_dir: &Path,
    entries: &[JournalEntry],
    lint: &LintReport,
) -> Result<PathBuf, IssueError> {
    let path = out_dir.join("manifest.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| IssueError::Parse {
        what: "manifest",
        path: path.clone(),
        reason: e.to_string(),
    };
    w.write_record([
        "credential_id",
        "row",
        "recipient",
        "files",
        "status_list",
        "status_index",
        "lint_score",
        "lint_rules_version",
    ])
    .map_err(csv_err)?;
    let mut sorted: Vec<&JournalEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.row);
    let score = lint.score.to_string();
    for e in sorted {
        let (list, index) = e
            .status
            .map(|(l, i)| (l.to_string(), i.to_string()))
            .unwrap_or_default();
        w.write_record([
            e.credential_id.as_str(),
            &e.row.to_string(),
            &e.recipient,
            &e.files.join(" "),
            &list,
            &index,
            &score,
            lint.rules_version,
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| IssueError::Parse {
        what: "manifest",
        path: path.clone(),
        reason: e.to_string(),
    })?;
    write_atomic(&path, &bytes)?;
    Ok(path)
}

/// Most bytes of one issued credential file [`read_batch_credentials`] reads.
pub const MAX_CREDENTIAL_FILE_BYTES: usize = 16 * 1024 * 1024;

/// One credential of a finished batch, as its manifest lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCredential {
    /// The credential id.
    pub credential_id: String,
    /// The roster row it came from.
    pub row: usize,
    /// Who it was issued to (the roster's recipient key: an email or a DID).
    pub recipient: String,
    /// The signed credential (its JSON delivery file).
    pub credential: Value,
}

/// The credentials of a finished batch in `out_dir`, in roster order, read from its
/// `manifest.csv` and each entry's JSON file (what a learner's pickup link hands out). A batch
/// delivered without JSON files has nothing to hand out: [`IssueError::Parse`] says so.
pub fn read_batch_credentials(out_dir: &Path) -> Result<Vec<BatchCredential>, IssueError> {
    let path = out_dir.join("manifest.csv");
    let parse = |reason: String| IssueError::Parse {
        what: "manifest",
        path: path.clone(),
        reason,
    };
    let bytes = std::fs::read(&path).map_err(|e| parse(e.to_string()))?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| parse(e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
        let json_file = field(3)
            .split(' ')
            .find(|f| f.ends_with(".json"))
            .map(str::to_owned)
            .ok_or_else(|| {
                parse(format!(
                    "credential {} has no JSON file (issue the batch with JSON delivery)",
                    field(0)
                ))
            })?;
        // The manifest names files inside the batch folder; anything else is refused.
        if json_file.contains("..") || json_file.starts_with('/') {
            return Err(parse(format!("{json_file:?} is not a file of this batch")));
        }
        let file = out_dir.join(&json_file);
        let size = std::fs::metadata(&file)
            .map_err(|e| parse(format!("{json_file}: {e}")))?
            .len();
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if size > MAX_CREDENTIAL_FILE_BYTES {
            return Err(IssueError::LimitExceeded {
                what: "credential file bytes",
                found: size,
                limit: MAX_CREDENTIAL_FILE_BYTES,
            });
        }
        let text = std::fs::read(&file).map_err(|e| parse(format!("{json_file}: {e}")))?;
        let credential =
            serde_json::from_slice(&text).map_err(|e| parse(format!("{json_file}: {e}")))?;
        out.push(BatchCredential {
            credential_id: field(0),
            row: field(1).parse().unwrap_or_default(),
            recipient: field(2),
            credential,
        });
    }
    Ok(out)
}

fn write_zip(
    out_dir: &Path,
    entries: &[JournalEntry],
    manifest: &Path,
) -> Result<PathBuf, IssueError> {
    use std::io::Write;
    let path = out_dir.join("batch.zip");
    let zip_err = |reason: String| IssueError::Zip {
        path: path.clone(),
        reason,
    };
    let tmp = path.with_extension("zip.tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| IssueError::io(&tmp, e))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut add = |name: &str, source: &Path| -> Result<(), IssueError> {
        let bytes = std::fs::read(source).map_err(|e| IssueError::io(source, e))?;
        zip.start_file(name, options)
            .map_err(|e| zip_err(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| zip_err(e.to_string()))
    };
    add("manifest.csv", manifest)?;
    for e in entries {
        for f in &e.files {
            add(f, &out_dir.join(f))?;
        }
    }
    zip.finish().map_err(|e| zip_err(e.to_string()))?;
    std::fs::rename(&tmp, &path).map_err(|e| IssueError::io(&path, e))?;
    Ok(path)
}

/// Re-signs the status list credentials of `lists` (after a revoke/suspend/unsuspend, or to
/// publish them the first time) and writes them to `dir/{n}/{purpose}.json`, the path part of
/// their URL. Returns the files written.
pub fn publish_status_lists(
    lists: &StatusLists,
    numbers: &[u32],
    purposes: &[StatusPurpose],
    issuer: &Issuer,
    canonicalizer: &dyn Canonicalizer,
    now: i64,
    dir: &Path,
) -> Result<Vec<PathBuf>, IssueError> {
    let mut written = Vec::new();
    for &n in numbers {
        for &purpose in purposes {
            let unsigned =
                lists.list_credential(n, purpose, &issuer.record.did, &format_datetime(now))?;
            let signed = sign_data_integrity(
                &unsigned,
                suite_for(issuer.secret.key_type()),
                &issuer.secret,
                &SignOptions {
                    verification_method: issuer.verification_method.clone(),
                    proof_purpose: "assertionMethod".into(),
                    created: Some(now),
                    canonicalizer: Some(canonicalizer),
                    ..SignOptions::default()
                },
            )
            .map_err(|source| IssueError::Sign {
                what: lists.list_url(n, purpose),
                source,
            })?;
            let path = dir
                .join(n.to_string())
                .join(format!("{}.json", purpose.as_str()));
            let bytes = serde_json::to_vec_pretty(&signed).map_err(|e| IssueError::Parse {
                what: "status list",
                path: path.clone(),
                reason: e.to_string(),
            })?;
            write_atomic(&path, &bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}
