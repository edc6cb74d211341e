//! How the `credbridge` CLI drives credbridge-issue (the integrator moves this glue into
//! `crates/cli/src/cmd/`), plus the issuance benchmark.
//!
//! ```text
//! export CREDBRIDGE_MASTER_KEY=$(openssl rand -hex 32)
//! issuer_cli issuer create NAME [--did-web DOMAIN] [--home DIR]
//! issuer_cli issue --template T --roster R [--mapping M] --issuer NAME --out DIR [--json]
//!                  [--status-base URL] [--jwt] [--png IMG] [--svg IMG] [--zip] [--home DIR]
//! issuer_cli lint FILE...
//! issuer_cli revoke|suspend|unsuspend ID... [--status-base URL] [--home DIR]
//! issuer_cli bench [--rows 10000] [--runs 3] [--dir DIR] [--verify] [--revoke 100]
//! ```
//! `bench` generates a roster, issues it (eddsa-rdfc-2022, one JSON file per credential,
//! status allocated, journaled), and prints the rate beside the raw Ed25519 signing rate of the
//! same run on the same threads, with the load average before and after; `--runs N` (3 unless
//! `--dir` is given) repeats it in fresh directories and prints min/median/max; `--verify` then verifies every credential with credbridge-verify
//! (status lists from the files just published) and checks the OB 3.0 schema; `--revoke N`
//! revokes N and checks exactly those report revoked. `--dir` keeps the state, so a run killed
//! with SIGKILL can be re-run and resumes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use credbridge_issue::*;
use credbridge_keys::{Algorithm, KeyType, SecretKey};
use credbridge_proofs::JsonLdCanonicalizer;
use rayon::prelude::*;

// As in the `credbridge` binary: glibc's allocator spends much of a parallel run in its locks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn master() -> MasterKey {
    match std::env::var("CREDBRIDGE_MASTER_KEY") {
        Ok(text) => MasterKey::parse(&text).unwrap(),
        Err(_) => match std::env::var("CREDBRIDGE_MASTER_KEY_FILE") {
            Ok(path) => MasterKey::from_file(Path::new(&path)).unwrap(),
            Err(_) => {
                eprintln!("no CREDBRIDGE_MASTER_KEY: using an all-zero development key");
                MasterKey::from_bytes([0; 32])
            }
        },
    }
}

struct Args(Vec<String>);

impl Args {
    fn flag(&mut self, name: &str) -> bool {
        match self.0.iter().position(|a| a == name) {
            Some(i) => {
                self.0.remove(i);
                true
            }
            None => false,
        }
    }
    fn value(&mut self, name: &str) -> Option<String> {
        let i = self.0.iter().position(|a| a == name)?;
        self.0.remove(i);
        Some(self.0.remove(i))
    }
}

fn main() {
    let mut args = Args(std::env::args().skip(1).collect());
    let home = IssuerHome::new(
        args.value("--home")
            .unwrap_or_else(|| "credbridge-home".into()),
    );
    let command = if args.0.is_empty() {
        String::new()
    } else {
        args.0.remove(0)
    };
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    match command.as_str() {
        "issuer" => {
            assert_eq!(
                args.0.first().map(String::as_str),
                Some("create"),
                "issuer create NAME"
            );
            let did_web = args.value("--did-web");
            let name = args.0[1].clone();
            let profile = IssuerProfile {
                name: args.value("--display-name").unwrap_or_else(|| name.clone()),
                ..IssuerProfile::default()
            };
            let record = home
                .create(&master(), &name, profile, did_web, KeyType::Ed25519, now())
                .unwrap();
            println!(
                "{}",
                serde_json::to_string_pretty(&did_document(&record).unwrap()).unwrap()
            );
        }
        "issue" => {
            let json = args.flag("--json");
            let delivery = Delivery {
                json: true,
                jwt: args.flag("--jwt"),
                png: args.value("--png").map(|p| std::fs::read(p).unwrap()),
                svg: args.value("--svg").map(|p| std::fs::read(p).unwrap()),
                zip: args.flag("--zip"),
            };
            let mapping = args.value("--mapping").map(PathBuf::from);
            let roster = PathBuf::from(args.value("--roster").expect("--roster"));
            let summary = home
                .issue(
                    &master(),
                    IssueRequest {
                        template: args.value("--template").expect("--template").into(),
                        roster: RosterSource::detect(&roster, mapping),
                        issuer: args.value("--issuer").expect("--issuer"),
                        out_dir: args.value("--out").expect("--out").into(),
                        delivery,
                        purposes: vec![StatusPurpose::Revocation],
                        status_base_url: args.value("--status-base"),
                        now: now(),
                        canonicalizer: &canonicalizer,
                        checker: &IriShapeChecker,
                        progress: &|p| {
                            eprint!("\r{}/{} rows, {} issued", p.handled, p.total, p.issued)
                        },
                    },
                )
                .unwrap();
            eprintln!();
            if json {
                println!("{}", serde_json::to_string_pretty(&summary).unwrap());
            } else {
                println!(
                    "issued {}, already issued {}, skipped rows {}, template lint {}/100",
                    summary.batch.issued,
                    summary.batch.already_issued,
                    summary.batch.row_errors.len() + summary.roster_errors.len(),
                    summary.lint.score
                );
                for e in summary
                    .roster_errors
                    .iter()
                    .chain(&summary.batch.row_errors)
                {
                    println!("  {e}");
                }
            }
        }
        "lint" => {
            for file in &args.0 {
                for r in lint_file(Path::new(file), &IriShapeChecker).unwrap() {
                    println!("{}: {}", r.path, r.report);
                }
            }
        }
        "revoke" | "suspend" | "unsuspend" => {
            let base = args.value("--status-base");
            let (purpose, value) = match command.as_str() {
                "revoke" => (StatusPurpose::Revocation, true),
                "suspend" => (StatusPurpose::Suspension, true),
                _ => (StatusPurpose::Suspension, false),
            };
            let files = home
                .set_status(
                    &master(),
                    &args.0,
                    purpose,
                    value,
                    base.as_deref(),
                    &canonicalizer,
                    now(),
                )
                .unwrap();
            for f in files {
                println!("re-signed {}", f.display());
            }
        }
        "bench" => bench(&mut args),
        _ => eprintln!("usage: see the doc comment of examples/issuer_cli.rs"),
    }
}

const STATUS_BASE: &str = "https://bench.example/status";

/// CPU seconds (user + system) this process has used so far, from /proc/self/stat (Linux;
/// 0 elsewhere). With the host shared by other jobs, wall-clock rates swing with the load;
/// rates per CPU-second do not.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

fn bench(args: &mut Args) {
    let rows: usize = args
        .value("--rows")
        .map(|r| r.parse().unwrap())
        .unwrap_or(10_000);
    let verify = args.flag("--verify");
    let revoke: usize = args
        .value("--revoke")
        .map(|r| r.parse().unwrap())
        .unwrap_or(0);
    let keep = args.value("--dir").map(PathBuf::from);
    let runs: usize = args
        .value("--runs")
        .map(|r| r.parse().unwrap())
        .unwrap_or(if keep.is_some() { 1 } else { 3 });
    let base = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("credbridge-issue-bench-{}", std::process::id()))
    });
    let mut results = Vec::new();
    for run in 0..runs {
        // A fresh directory per run, never one just emptied: ext4 skips recently freed inodes
        // when creating files, which would charge the deletion of a previous run to this one.
        let dir = if keep.is_some() && runs == 1 {
            base.clone()
        } else {
            base.join(format!("run-{run}"))
        };
        let result = bench_once(&dir, rows);
        println!("{result}");
        results.push(result);
        if run + 1 == runs && (verify || revoke > 0) {
            let home = IssuerHome::new(dir.join("home"));
            let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
            check_batch(
                &dir,
                &home,
                &MasterKey::from_bytes([1; 32]),
                &canonicalizer,
                revoke,
            );
        }
    }
    let summary = |key: &str| {
        let mut values: Vec<f64> = results.iter().map(|r| r[key].as_f64().unwrap()).collect();
        values.sort_by(f64::total_cmp);
        serde_json::json!({
            "min": values[0],
            "median": values[values.len() / 2],
            "max": values[values.len() - 1],
        })
    };
    println!(
        "{}",
        serde_json::json!({
            "runs": runs,
            "credentials_per_second": summary("credentials_per_second"),
            "baseline_raw_ed25519_sign_per_second": summary("baseline_raw_ed25519_sign_per_second"),
            "ratio_to_raw_sign": summary("ratio_to_raw_sign"),
            "credentials_per_cpu_second": summary("credentials_per_cpu_second"),
            "ratio_per_cpu_second": summary("ratio_per_cpu_second"),
            "loadavg_per_run": results.iter().map(|r| r["loadavg"].clone()).collect::<Vec<_>>(),
        })
    );
    if keep.is_none() {
        std::fs::remove_dir_all(&base).ok();
    }
}

/// One run in `dir`: issue `rows` credentials, then as many raw Ed25519 signatures on the
/// same threads; the rates of both and their ratio, with the load average at the end.
fn bench_once(dir: &Path, rows: usize) -> serde_json::Value {
    let home = IssuerHome::new(dir.join("home"));
    let master = MasterKey::from_bytes([1; 32]);
    let created = home.keys().load("bench").unwrap().is_some();
    if !created {
        let profile = IssuerProfile {
            name: "Bench College".into(),
            url: Some("https://bench.example".into()),
            email: Some("registry@bench.example".into()),
            ..IssuerProfile::default()
        };
        home.create(
            &master,
            "bench",
            profile,
            None,
            KeyType::Ed25519,
            1_750_000_000,
        )
        .unwrap();
    }
    let template_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/templates/welding.yaml");
    let roster_path = dir.join("roster.csv");
    if !roster_path.exists() {
        let mut csv =
            String::from("email,given_name,family_name,awarded_at,result_level,evidence_url\n");
        for i in 0..rows {
            csv.push_str(&format!(
                "learner{i}@example.edu,Given{i},Family{i},2025-06-{:02},{},https://bench.example/evidence/{i}\n",
                1 + i % 28,
                if i % 2 == 0 { "Pass" } else { "Merit" }
            ));
        }
        std::fs::write(&roster_path, csv).unwrap();
    }
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let threads = rayon::current_num_threads();
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let issued_at = 1_750_000_100;
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let summary = home
        .issue(
            &master,
            IssueRequest {
                template: template_path,
                roster: RosterSource::Csv {
                    path: roster_path,
                    mapping: None,
                },
                issuer: "bench".into(),
                out_dir: dir.join("out"),
                delivery: Delivery {
                    json: true,
                    ..Delivery::default()
                },
                purposes: vec![StatusPurpose::Revocation],
                status_base_url: Some(STATUS_BASE.into()),
                now: issued_at,
                canonicalizer: &canonicalizer,
                checker: &IriShapeChecker,
                progress: &|_| {},
            },
        )
        .unwrap();
    let issue_secs = start.elapsed().as_secs_f64();
    let issue_cpu = cpu_seconds() - cpu_start;
    let issued = summary.batch.issued;

    // Baseline, same run, same threads: raw Ed25519 signatures over 64 bytes (the two SHA-256
    // hashes eddsa-rdfc-2022 signs), as many as credentials issued.
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let n = issued.max(20_000);
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    (0..n).into_par_iter().for_each(|i| {
        let mut msg = [0u8; 64];
        msg[..8].copy_from_slice(&(i as u64).to_le_bytes());
        std::hint::black_box(key.sign(Algorithm::EdDsa, &msg).unwrap());
    });
    let raw_rate = n as f64 / start.elapsed().as_secs_f64();
    let raw_cpu = cpu_seconds() - cpu_start;
    let rate = issued as f64 / issue_secs;
    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let per_cpu = issued as f64 / issue_cpu.max(0.01);
    let raw_per_cpu = n as f64 / raw_cpu.max(0.01);
    serde_json::json!({
        "benchmark": "issue eddsa-rdfc-2022, JSON file per credential, status allocated",
        "threads": threads,
        "rows": rows,
        "issued": issued,
        "already_issued": summary.batch.already_issued,
        "total_credentials": summary.batch.total_credentials,
        "seconds": issue_secs,
        "credentials_per_second": rate.round(),
        "baseline_raw_ed25519_sign_per_second": raw_rate.round(),
        "ratio_to_raw_sign": (rate / raw_rate * 1000.0).round() / 1000.0,
        "cpu_seconds": issue_cpu,
        "credentials_per_cpu_second": per_cpu.round(),
        "baseline_raw_ed25519_sign_per_cpu_second": raw_per_cpu.round(),
        "ratio_per_cpu_second": (per_cpu / raw_per_cpu * 1000.0).round() / 1000.0,
        "template_lint_score": summary.lint.score,
        "loadavg_before": load_before.trim(),
        "loadavg": load_after.trim(),
    })
}

fn check_batch(
    dir: &Path,
    home: &IssuerHome,
    master: &MasterKey,
    canonicalizer: &JsonLdCanonicalizer,
    revoke: usize,
) {
    use credbridge_verify::{Outcome, Verdict};
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut revoked = HashSet::new();
    if revoke > 0 {
        let ids: Vec<String> = files
            .iter()
            .take(revoke)
            .map(|f| {
                serde_json::from_slice::<serde_json::Value>(&std::fs::read(f).unwrap()).unwrap()
                        ["id"]
                        .as_str()
                        .unwrap()
                        .to_owned()
            })
            .collect();
        home.set_status(
            master,
            &ids,
            StatusPurpose::Revocation,
            true,
            Some(STATUS_BASE),
            canonicalizer,
            1_750_000_200,
        )
        .unwrap();
        revoked.extend(ids);
    }
    let status_dir = home.public_dir("bench").join("status");
    let clock = Arc::new(credbridge_fetch::FixedClock(
        UNIX_EPOCH + std::time::Duration::from_secs(1_750_100_000),
    ));
    let mut docs = credbridge_fetch::OfflineDocuments::new(clock);
    for entry in std::fs::read_dir(&status_dir).unwrap() {
        let n = entry.unwrap().file_name().to_string_lossy().into_owned();
        docs.insert(
            format!("{STATUS_BASE}/{n}/revocation"),
            status_dir.join(&n).join("revocation.json"),
        );
    }
    let options = credbridge_verify::VerifyOptions {
        now: 1_750_100_000,
        max_clock_skew: 300,
        resolver: Arc::new(credbridge_keys::ChainResolver::offline_default()),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: credbridge_proofs::suites::ALL_SUITES,
        documents: Some(Arc::new(docs)),
        trust: credbridge_verify::TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    };
    let (valid, schema_pass, revoked_ok, wrong) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let indexes = std::sync::Mutex::new(HashSet::new());
    let start = Instant::now();
    files.par_iter().for_each(|f| {
        let bytes = std::fs::read(f).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        indexes.lock().unwrap().insert(
            value["credentialStatus"]["statusListIndex"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let doc = credbridge_model::parse(&value).unwrap();
        if credbridge_model::schema_findings(&doc).verdict == credbridge_model::Verdict::Pass {
            schema_pass.fetch_add(1, Ordering::Relaxed);
        }
        let item = credbridge_formats::decode_bytes(
            &bytes,
            &f.display().to_string(),
            &credbridge_formats::Limits::default(),
        )
        .next()
        .unwrap()
        .unwrap();
        let report = credbridge_verify::verify_item(&item, &options);
        let is_revoked = revoked.contains(value["id"].as_str().unwrap());
        let status = report.checks.iter().find(|c| c.id == "status").unwrap();
        match (&status.outcome, is_revoked) {
            (Outcome::Failed(_), true) => {
                revoked_ok.fetch_add(1, Ordering::Relaxed);
            }
            (Outcome::Passed, false)
                if matches!(report.verdict, Verdict::Valid | Verdict::ValidWithWarnings) =>
            {
                valid.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                wrong.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    println!(
        "{}",
        serde_json::json!({
            "verified_files": files.len(),
            "distinct_status_indexes": indexes.lock().unwrap().len(),
            "valid_not_revoked": valid.load(Ordering::Relaxed),
            "revoked_as_expected": revoked_ok.load(Ordering::Relaxed),
            "revoked_requested": revoked.len(),
            "unexpected": wrong.load(Ordering::Relaxed),
            "ob3_schema_pass": schema_pass.load(Ordering::Relaxed),
            "verify_seconds": start.elapsed().as_secs_f64(),
        })
    );
}
