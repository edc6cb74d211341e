//! credbridge-issue: the issuer side. It owns issuer profiles and their keys (generated or
//! imported, sealed at rest under envelope encryption, rotated with old verification methods
//! kept published), achievement templates and the data-quality lint, rosters (CSV with or
//! without a column mapping, OneRoster 1.2 CSV bundles, OneRoster/Edu-API JSON), Bitstring
//! Status List allocation and revocation, and batches: building, signing (in parallel) and
//! delivering OB 3.0 credentials as JSON, VC-JWT, baked PNG/SVG and a zip with a manifest.
//!
//! **Not here:** HTTP and SQL (the server serves DID documents and status lists and runs
//! batches as jobs; the store crate implements [`KeyStore`], [`StatusStore`] and
//! [`BatchJournal`] over SQLite/PostgreSQL — this crate ships file-backed implementations so
//! the CLI works without a server), argv and printing (the CLI; progress comes back through a
//! callback), proof suites and JSON-LD (`credbridge-proofs`, reached with a
//! [`credbridge_proofs::Canonicalizer`]), baking (`credbridge-formats`), verification
//! (`credbridge-verify`), framework concept lookup (the skills crate plugs in through
//! [`AlignmentChecker`]).
//!
//! # Main types
//! - [`MasterKey`], [`KeyStore`] / [`FileKeyStore`], [`create_issuer`], [`rotate_key`],
//!   [`open_issuer`] → [`Issuer`], [`did_document`]; [`IssuerProfile`] is the OB 3.0 Profile.
//! - [`Template`] (YAML or JSON) → an OB 3.0 Achievement; [`lint_template`] and
//!   [`lint_document`] → [`LintReport`] (rules in [`lint::RULES`], `docs/lint-rules.md`).
//! - [`read_csv`], [`read_oneroster_csv`], [`read_oneroster_json`] → [`Roster`] of
//!   [`RosterRow`]s and [`RowError`]s.
//! - [`StatusLists`] over a [`StatusStore`]: allocation, [`StatusLists::set`],
//!   [`publish_status_lists`].
//! - [`issue_batch`] with [`BatchOptions`] → [`BatchReport`]; [`BatchJournal`] makes it
//!   resumable and idempotent; [`build_clr`] wraps a learner's credentials in a CLR 2.0.
//! - [`IssuerHome`]: the file-backed directory the CLI works in; one call per command
//!   (`issuer create`, `issue`, `revoke|suspend|unsuspend`; `lint` is [`lint_file`]).
//! - [`Instances`] → [`Instance`]: VC API issuer instances, one credential at a time
//!   ([`check_issue_input`], [`Instance::prepare`] gives the id and status entry,
//!   [`Instance::secure`] signs in the instance's [`ProofFormat`]), their status lists
//!   (allocation group-committed, [`Instance::status_list`] signed once per change) and the
//!   issued credentials ([`FileCredentialStore`]).
//! - [`BatchJobs`]: batches as asynchronous jobs for the server (`POST /issuers/{name}/batches`):
//!   [`BatchRequest`] (template + roster bytes + options) → [`BatchHandle`] with a
//!   content-derived id; [`BatchJobs::status`] → [`BatchStatus`] (progress, outcome);
//!   interrupted jobs resume by id.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use credbridge_issue::*;
//! use credbridge_keys::KeyType;
//!
//! let dir = std::env::temp_dir().join(format!("credbridge-issue-doc-{}", std::process::id()));
//! let keys = FileKeyStore::new(dir.join("issuers"));
//! let (master, _hex) = MasterKey::generate();
//! create_issuer(&keys, &master, NewIssuer {
//!     name: "acme".into(),
//!     profile: IssuerProfile { name: "Acme College".into(), ..Default::default() },
//!     did_web: None,
//!     key_type: KeyType::Ed25519,
//!     import: None,
//!     now: 1_750_000_000,
//! })?;
//! let issuer = open_issuer(&keys, &master, "acme")?;
//!
//! let template = Template::parse(
//!     "id: https://acme.example/a/1\nname: Safety\ndescription: d\ncriteria: {narrative: n}\n",
//!     std::path::Path::new("t.yaml"),
//! )?;
//! let lint = lint_template(&template.source, &IriShapeChecker);
//! assert!(lint.rules_fired().contains(&"alignment-present"));
//!
//! let roster = roster::parse_csv(
//!     b"email,given_name,family_name,awarded_at\nada@example.edu,Ada,L,2025-06-01\n",
//!     std::path::Path::new("r.csv"), None)?;
//! let mut lists = StatusLists::open(
//!     Arc::new(FileStatusStore::new(dir.join("status"))), "acme", "https://acme.example/status", 0)?;
//! let journal = FileJournal::new(dir.join("out/journal.jsonl"));
//! let canonicalizer = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
//! let report = issue_batch(&template, &issuer, &roster.rows, BatchOptions {
//!     out_dir: dir.join("out"),
//!     delivery: Delivery { json: true, ..Default::default() },
//!     status: Some((&mut lists, StatusOptions { purposes: vec![StatusPurpose::Revocation] })),
//!     journal: &journal,
//!     canonicalizer: &canonicalizer,
//!     now: 1_750_000_100,
//!     lint: &lint,
//!     chunk_rows: DEFAULT_CHUNK_ROWS,
//!     progress: &|_| {},
//!     dangerous_crash_after_chunks: None,
//! })?;
//! assert_eq!(report.issued, 1);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), IssueError>(())
//! ```
//!
//! # Design decisions
//! - **Ids are derived, allocations are logged before use.** A credential id is a UUID from
//!   SHA-256(template id, recipient, award time), so the same award is the same credential; a
//!   status index is appended to the [`StatusStore`] before any credential carries it, and a
//!   credential that already has one keeps it. Together with the journal, a kill at any point
//!   followed by a re-run gives exactly one credential per award and never reuses an index.
//! - **Envelope encryption** (XChaCha20-Poly1305 from RustCrypto `chacha20poly1305`): a data key
//!   per issuer sealed under the master key, secret keys sealed under the data key with the
//!   verification-method id as associated data. Re-keying the master key re-seals only the
//!   data keys.
//! - **Rotation needs did:web.** A did:key *is* its key; a did:web document can list every key
//!   the issuer ever used, so old credentials keep verifying ([`did_document`]).
//! - **The lint score lives in the manifest**, not in the signed credential: OB 3.0 has no
//!   property for it, and the score of the template can change without re-signing.
//! - **Templates use OB 3.0 property names**, so a lint pointer into the template is where the
//!   author fixes it; the few policy keys (`expiry`, `program`, `evidenceRequired`) are removed
//!   from the Achievement.
//! - **One writer per issuer for the file stores.** [`FileStatusStore`] and [`FileJournal`]
//!   take no lock; two processes issuing for the same issuer at once could hand out one index
//!   twice. The CLI runs one batch at a time; the store crate's SQL implementation must make
//!   (issuer, list, index) unique and allocate inside a transaction.
//! - **Measured** (`cargo run --release -p credbridge-issue --example issuer_cli -- bench`:
//!   10,000 rows, eddsa-rdfc-2022, one JSON file each, status allocated, journaled, 2 threads,
//!   mimalloc; 3 runs in fresh directories, each beside raw Ed25519 signing on the same
//!   threads in the same run). On the shared 2-core host at load average ~11.5: 1,787–1,971
//!   credentials/s wall (median 1,938) beside 20,520–21,932 raw signatures/s, ratio
//!   0.081–0.094; per CPU-second 4,673–5,155 credentials beside ~55,000 raw signatures
//!   (ratio 0.084–0.093). At load ~7 the same binary gave 2,554–3,278/s. Per credential, perf
//!   puts ~40 % of the issuing CPU in JSON-LD toRdf + RDFC-1.0 of the credential, ~20 % in
//!   creating its file (kernel), ~13 % in the Ed25519 signature; the proof configuration is
//!   canonicalized once per batch, salts come from the thread CSPRNG, and the journal and
//!   status log are synced once per 1,024-row chunk.
//! - **One status-list codec.** The bitstring of a list credential is encoded by
//!   [`credbridge_model::status_list::encode_bitstring`], the inverse of the decoder the
//!   verifier reads it with; this crate keeps only which indexes are allocated and set.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod batch;
pub mod clr;
mod error;
pub mod home;
pub mod instance;
pub mod issuer;
pub mod jobs;
pub mod journal;
pub mod lint;
pub mod roster;
pub mod status;
pub mod template;

pub use batch::{
    BatchCredential, BatchOptions, BatchReport, DEFAULT_CHUNK_ROWS, Delivery,
    MAX_CREDENTIAL_FILE_BYTES, Progress, StatusOptions, build_credential, credential_id,
    issue_batch, publish_status_lists, read_batch_credentials, suite_for,
};
pub use clr::build_clr;
pub use error::IssueError;
pub use home::{IssueRequest, IssueSummary, IssuerHome, RosterSource};
pub use instance::{
    FileCredentialStore, Instance, InstanceSettings, Instances, IssueOptions, NewInstance,
    PROOF_FORMATS, ProofFormat, SignedList, StoredCredential, check_issue_input,
};
pub use issuer::{
    FileKeyStore, IdentifierEntry, Issuer, IssuerProfile, IssuerRecord, KeyStore, MasterKey,
    NewIssuer, create_issuer, did_document, open_issuer, rotate_key,
};
pub use jobs::{
    BatchHandle, BatchJobs, BatchRequest, BatchStatus, JobOutcome, JobState, RosterFormat,
};
pub use journal::{BatchJournal, FileJournal, JournalEntry};
pub use lint::{
    AlignmentCheck, AlignmentChecker, FileLint, IriShapeChecker, LintReport, lint_document,
    lint_file, lint_template,
};
pub use roster::{
    ColumnMapping, Roster, RosterRow, RowError, read_csv, read_oneroster_csv, read_oneroster_json,
};
pub use status::{
    Allocation, FileStatusStore, MIN_LIST_ENTRIES, StatusEvent, StatusLists, StatusPurpose,
    StatusStore,
};
pub use template::{Expiry, Template};

/// Entry points for fuzzers and property tests: each takes arbitrary bytes and must never panic.
#[doc(hidden)]
pub mod fuzzing {
    use std::path::Path;

    /// Parses `data` as a roster CSV (default header, then a mapping) and as a template.
    pub fn parse_inputs(data: &[u8]) {
        let path = Path::new("fuzz");
        let _ = crate::roster::parse_csv(data, path, None);
        let mapping = crate::ColumnMapping {
            email: Some("a".into()),
            given_name: "b".into(),
            awarded_at: "c".into(),
            ..crate::ColumnMapping::default()
        };
        let _ = crate::roster::parse_csv(data, path, Some(&mapping));
        let text = String::from_utf8_lossy(data);
        let _ = crate::Template::parse(&text, path);
    }

    /// Lints `data` parsed as JSON (any JSON value), as a document and as a template.
    pub fn lint(data: &[u8]) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = crate::lint_document(&value, &crate::IriShapeChecker);
            let _ = crate::lint_template(&value, &crate::IriShapeChecker);
        }
    }

    #[cfg(test)]
    mod tests {
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn roster_template_and_lint_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
                super::parse_inputs(&data);
                super::lint(&data);
                // Mutations of a real roster and a real credential shape reach deeper.
                let mut csv = b"email,given_name,family_name,awarded_at\na@b.example,A,B,2025-06-01\n".to_vec();
                let mut doc = br#"{"type":["OpenBadgeCredential"],"issuer":{"id":"did:web:x"},"credentialSubject":{"achievement":{"criteria":{"narrative":"n"},"alignment":[{"targetUrl":"http://data.europa.eu/esco/skill/x"}],"resultDescription":[{"rubricCriterionLevel":[{}]}]}}}"#.to_vec();
                for (i, byte) in data.iter().enumerate().take(8) {
                    let at = (i * 13 + usize::from(*byte)) % csv.len();
                    csv[at] = *byte;
                    let at = (i * 29 + usize::from(*byte)) % doc.len();
                    doc[at] = *byte;
                }
                super::parse_inputs(&csv);
                super::lint(&doc);
            }
        }
    }
}
