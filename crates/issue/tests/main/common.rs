//! Shared test support: temporary directories, issuers, rosters, verification options.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use credbridge_fetch::{FixedClock, OfflineDocuments};
use credbridge_formats::{Limits, decode_bytes};
use credbridge_issue::*;
use credbridge_keys::{ChainResolver, KeyType, OfflineDirectory};
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_verify::{TrustPolicy, VerificationReport, VerifyOptions, verify_item};

/// Issuance time used by the tests (2025-06-15T00:00:00Z).
pub const NOW: i64 = 1_749_945_600;

/// Verification time: a day later.
pub const LATER: i64 = NOW + 86_400;

pub const STATUS_BASE: &str = "https://college.example/status";

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn examples_dir() -> PathBuf {
    crate_dir().join("../../testdata/examples")
}

/// A fresh directory under the target dir, removed first if a previous run left it.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("issue-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn master() -> MasterKey {
    MasterKey::from_bytes([7u8; 32])
}

pub fn profile() -> IssuerProfile {
    IssuerProfile {
        name: "Example Technical College".into(),
        url: Some("https://college.example".into()),
        email: Some("registry@college.example".into()),
        other_identifier: vec![IdentifierEntry {
            identifier: "123456".into(),
            identifier_type: "ext:UKPRN".into(),
        }],
        ..IssuerProfile::default()
    }
}

pub fn new_issuer(dir: &Path, name: &str, did_web: Option<&str>) -> (FileKeyStore, Issuer) {
    let store = FileKeyStore::new(dir.join("issuers"));
    create_issuer(
        &store,
        &master(),
        NewIssuer {
            name: name.into(),
            profile: profile(),
            did_web: did_web.map(str::to_owned),
            key_type: KeyType::Ed25519,
            import: None,
            now: NOW,
        },
    )
    .unwrap();
    let issuer = open_issuer(&store, &master(), name).unwrap();
    (store, issuer)
}

pub fn template(name: &str) -> Template {
    Template::load(&crate_dir().join("testdata/templates").join(name)).unwrap()
}

/// A roster of `n` learners in the default header.
pub fn roster_csv(n: usize) -> String {
    let mut csv =
        String::from("email,given_name,family_name,awarded_at,result_level,evidence_url\n");
    for i in 0..n {
        let level = if i % 2 == 0 { "Pass" } else { "merit" };
        csv.push_str(&format!(
            "learner{i}@example.edu,Given{i},Family{i},2025-06-{:02},{level},https://college.example/evidence/{i}\n",
            1 + i % 28
        ));
    }
    csv
}

pub fn roster(n: usize) -> Roster {
    roster::parse_csv(roster_csv(n).as_bytes(), Path::new("roster.csv"), None).unwrap()
}

/// Verification options: offline, status lists served from `status_dir` (published by
/// `publish_status_lists`), DID documents from `did_docs`.
pub fn verify_options(
    status_dir: Option<&Path>,
    lists: &[u32],
    did_docs: &[serde_json::Value],
) -> VerifyOptions {
    let mut directory = OfflineDirectory::new();
    for doc in did_docs {
        directory.insert(doc["id"].as_str().unwrap(), doc.clone());
    }
    let resolver = ChainResolver::offline_default().with(Box::new(directory));
    let documents = status_dir.map(|dir| {
        let clock = Arc::new(FixedClock(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(LATER as u64),
        ));
        let mut docs = OfflineDocuments::new(clock);
        for n in lists {
            for purpose in ["revocation", "suspension"] {
                let file = dir.join(n.to_string()).join(format!("{purpose}.json"));
                if file.exists() {
                    docs.insert(format!("{STATUS_BASE}/{n}/{purpose}"), file);
                }
            }
        }
        Arc::new(docs) as Arc<dyn credbridge_fetch::DocumentSource>
    });
    VerifyOptions {
        now: LATER,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(resolver),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: suites::ALL_SUITES,
        documents,
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    }
}

/// Verifies a file's bytes the way `credbridge verify` does.
pub fn verify_bytes(bytes: &[u8], name: &str, options: &VerifyOptions) -> VerificationReport {
    let item = decode_bytes(bytes, name, &Limits::default())
        .next()
        .unwrap()
        .unwrap();
    verify_item(&item, options)
}

pub struct Run {
    pub report: BatchReport,
    pub lists: Vec<u32>,
}

/// Issues `rows` with status (revocation) into `out`, publishing the lists in `out/status`.
pub fn run_batch(
    dir: &Path,
    issuer: &Issuer,
    template: &Template,
    rows: &[RosterRow],
    delivery: Delivery,
    crash_after: Option<usize>,
    chunk_rows: usize,
) -> Result<Run, IssueError> {
    let store: Arc<dyn StatusStore> = Arc::new(FileStatusStore::new(dir.join("status-store")));
    let mut lists = StatusLists::open(store, &issuer.record.name, STATUS_BASE, 0)?;
    let journal = FileJournal::new(dir.join("out/journal.jsonl"));
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let lint = lint_template(&template.source, &IriShapeChecker);
    let report = issue_batch(
        template,
        issuer,
        rows,
        BatchOptions {
            out_dir: dir.join("out"),
            delivery,
            status: Some((
                &mut lists,
                StatusOptions {
                    purposes: vec![StatusPurpose::Revocation],
                },
            )),
            journal: &journal,
            canonicalizer: &canonicalizer,
            now: NOW,
            lint: &lint,
            chunk_rows,
            progress: &|_| {},
            dangerous_crash_after_chunks: crash_after,
        },
    )?;
    let numbers = lists.list_numbers();
    publish_status_lists(
        &lists,
        &numbers,
        &[StatusPurpose::Revocation],
        issuer,
        &canonicalizer,
        NOW,
        &dir.join("out/status"),
    )?;
    Ok(Run {
        report,
        lists: numbers,
    })
}
