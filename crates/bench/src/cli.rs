//! `credbridge-bench --cli N`: the real CLI path. Generates N credentials exactly as `--bulk`
//! does (the same mix, intents and status list), lays them out three ways — one JSON Lines
//! file, a folder of one file per credential, a zip of the same files — and runs the shipped
//! `credbridge verify --offline --json` binary over each, checking every verdict it prints.
//!
//! Each run is measured from process start to exit (so start-up, reading, decoding, report
//! serialization and the pipe to this process are all in the figure) beside the same-run
//! baseline: raw Ed25519 verifications per second on every core, measured just before that
//! run. The child's peak resident set is sampled from `/proc/<pid>/status` (`VmHWM`, which only
//! grows) every few milliseconds while it runs.
//!
//! The status list is served from a local file through `--documents`, as an air-gapped
//! verifier would; the list URL is never fetched (`--offline`).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use credbridge_keys::{DidKey, KeyType, SecretKey};
use serde_json::{Value, json};

use crate::bulk::{
    Intent, LIST_BITS, SEED, generate, parallel_ed25519_baseline, signed_status_list,
};

/// The list URL the credentials name; `--documents` maps it to a local file.
const LIST_URL: &str = "https://status.bench.credbridge.invalid/status/1";
/// `NOW` as the CLI's `--at` takes it.
const AT: &str = "2027-01-15T08:00:00Z";
/// Raw verifications in each baseline measurement.
const BASELINE_COUNT: usize = 100_000;

/// The three ways the same credentials are handed to the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One JSON Lines file.
    Jsonl,
    /// A folder with one file per credential.
    Folder,
    /// A zip archive with one entry per credential.
    Zip,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Jsonl => "jsonl",
            Layout::Folder => "folder",
            Layout::Zip => "zip",
        }
    }

    /// Parses `jsonl`, `folder` or `zip`.
    pub fn parse(text: &str) -> Result<Layout> {
        match text {
            "jsonl" => Ok(Layout::Jsonl),
            "folder" => Ok(Layout::Folder),
            "zip" => Ok(Layout::Zip),
            other => bail!("--layouts takes jsonl, folder and zip, found {other:?}"),
        }
    }
}

/// The `credbridge` binary to run: the one given, else the one built beside this benchmark.
fn credbridge_binary(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_owned());
    }
    let exe = std::env::current_exe().context("locating credbridge-bench")?;
    let beside = exe
        .parent()
        .map(|dir| dir.join("credbridge"))
        .ok_or_else(|| anyhow!("credbridge-bench has no parent folder"))?;
    if !beside.is_file() {
        bail!(
            "no credbridge binary at {} (build it: cargo build --release -p credbridge-cli, or pass --credbridge PATH)",
            beside.display()
        );
    }
    Ok(beside)
}

/// File name of credential `i` in the folder and the zip: zero-padded so that the walk's name
/// order is the generation order.
fn entry_name(i: usize, line: &str) -> String {
    if line.starts_with('"') {
        format!("c{i:07}.jwt")
    } else {
        format!("c{i:07}.json")
    }
}

/// A JSON Lines line as a file's content: a JWT line is a JSON string, stored as the bare token.
fn entry_body(line: &str) -> Result<Vec<u8>> {
    if line.starts_with('"') {
        let token: String = serde_json::from_str(line)?;
        Ok(token.into_bytes())
    } else {
        Ok(line.as_bytes().to_vec())
    }
}

fn write_folder(jsonl: &Path, folder: &Path) -> Result<()> {
    std::fs::create_dir_all(folder)?;
    let reader = BufReader::new(std::fs::File::open(jsonl)?);
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        std::fs::write(folder.join(entry_name(i, &line)), entry_body(&line)?)?;
    }
    Ok(())
}

fn write_zip(jsonl: &Path, file: &Path) -> Result<()> {
    let mut zip = zip::ZipWriter::new(BufWriter::new(std::fs::File::create(file)?));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    let reader = BufReader::new(std::fs::File::open(jsonl)?);
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        zip.start_file(entry_name(i, &line), options)?;
        zip.write_all(&entry_body(&line)?)?;
    }
    zip.finish()?.flush()?;
    Ok(())
}

/// The value of the first `"outcome"` after the check with this id in a JSON report line, or
/// the report's verdict for `id == None` (a scan, not a parse: this process shares the cores
/// with the one measured).
fn field_after<'l>(line: &'l str, anchor: &str, field: &str) -> Option<&'l str> {
    let at = line.find(anchor)?;
    let rest = line.get(at..)?;
    let key = format!("\"{field}\":\"");
    let start = rest.find(&key)? + key.len();
    let value = rest.get(start..)?;
    value.get(..value.find('"')?)
}

fn verdict_is_right(line: &str, intent: Intent) -> bool {
    let verdict = field_after(line, "\"verdict\":", "verdict");
    let failed =
        |id: &str| field_after(line, &format!("{{\"id\":\"{id}\""), "outcome") == Some("failed");
    match intent {
        Intent::Valid => verdict == Some("valid"),
        Intent::Revoked => verdict == Some("invalid") && failed("status"),
        Intent::Expired => verdict == Some("invalid") && failed("validity.expiration"),
        Intent::Tampered => verdict == Some("invalid") && failed("proof"),
    }
}

/// `VmHWM` of a running process, in bytes.
fn peak_rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

struct Run {
    seconds: f64,
    per_second: f64,
    baseline: f64,
    peak_rss: u64,
    wrong: usize,
    first_wrong: Option<String>,
    seen: usize,
}

fn run_once(
    binary: &Path,
    input: &Path,
    documents: &Path,
    intents: &[Intent],
    key: &SecretKey,
) -> Result<Run> {
    let baseline = parallel_ed25519_baseline(key, BASELINE_COUNT)?;
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["verify", "--offline", "--json", "--no-progress"])
        .args(["--no-bundled-registries", "--at", AT, "--documents"])
        .arg(documents)
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id();
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Some(rss) = peak_rss_of(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("the child's stdout was not piped"))?;
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut line = String::new();
    let (mut seen, mut wrong, mut first_wrong) = (0usize, 0usize, None);
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let right = intents
            .get(seen)
            .is_some_and(|intent| verdict_is_right(&line, *intent));
        if !right {
            wrong += 1;
            if first_wrong.is_none() {
                let cut: String = line.chars().take(600).collect();
                first_wrong = Some(format!("item {seen} ({:?}): {cut}", intents.get(seen)));
            }
        }
        seen += 1;
    }
    let status = child.wait()?;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    // 0: all valid; 1: some check failed (the revoked, expired and tampered ones).
    if !matches!(status.code(), Some(0 | 1)) {
        bail!(
            "credbridge verify exited with {status} on {}",
            input.display()
        );
    }
    if seen != intents.len() {
        wrong += intents.len().abs_diff(seen);
    }
    Ok(Run {
        seconds: elapsed.as_secs_f64(),
        per_second: seen as f64 / elapsed.as_secs_f64(),
        baseline,
        peak_rss: peak.load(Ordering::Relaxed),
        wrong,
        first_wrong,
        seen,
    })
}

fn min_median_max(mut values: Vec<f64>) -> Value {
    values.sort_by(f64::total_cmp);
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let at = |i: usize| values.get(i).copied().map(round);
    json!({
        "min": at(0),
        "median": at(values.len() / 2),
        "max": at(values.len().saturating_sub(1)),
    })
}

/// Runs the CLI benchmark: one JSON line per layout.
pub fn run(
    count: usize,
    runs: usize,
    layouts: &[Layout],
    binary: Option<&Path>,
    out: &mut impl Write,
) -> Result<()> {
    if count == 0 || count > LIST_BITS {
        bail!("--cli takes 1 to {LIST_BITS} credentials (one status list's entries)");
    }
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    let binary = credbridge_binary(binary)?;
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &SEED)?;
    let did = DidKey::from_public_key(&key.public_key());
    let dir = std::env::temp_dir().join(format!("credbridge-cli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = (|| -> Result<()> {
        let list = signed_status_list(count, LIST_URL, &key, &did)?;
        std::fs::write(dir.join("status-1.json"), serde_json::to_vec(&list)?)?;
        let documents = dir.join("documents.json");
        std::fs::write(
            &documents,
            serde_json::to_vec(&json!({ LIST_URL: "status-1.json" }))?,
        )?;
        let jsonl = dir.join("credentials.jsonl");
        let generated = generate(count, LIST_URL, &jsonl, &key, &did)?;
        for layout in layouts {
            let input = match layout {
                Layout::Jsonl => jsonl.clone(),
                Layout::Folder => {
                    let folder = dir.join("folder");
                    write_folder(&jsonl, &folder)?;
                    folder
                }
                Layout::Zip => {
                    let file = dir.join("credentials.zip");
                    write_zip(&jsonl, &file)?;
                    file
                }
            };
            let mut done = Vec::with_capacity(runs);
            for _ in 0..runs {
                done.push(run_once(
                    &binary,
                    &input,
                    &documents,
                    &generated.intents,
                    &key,
                )?);
            }
            let wrong: usize = done.iter().map(|r| r.wrong).sum();
            let line = json!({
                "name": format!("cli-verify-{}", layout.name()),
                "credentials": count,
                "runs": runs,
                "command": format!(
                    "{} verify --offline --json --no-progress --no-bundled-registries --at {AT} --documents MAP {}",
                    binary.display(),
                    layout.name()
                ),
                "per_second": min_median_max(done.iter().map(|r| r.per_second.round()).collect()),
                "seconds": min_median_max(done.iter().map(|r| r.seconds).collect()),
                "baseline": {
                    "name": "raw-ed25519-verify-parallel",
                    "per_second": min_median_max(done.iter().map(|r| r.baseline.round()).collect()),
                },
                "ratio_to_baseline": min_median_max(
                    done.iter().map(|r| r.per_second / r.baseline).collect()
                ),
                "peak_rss_mb": min_median_max(
                    done.iter().map(|r| r.peak_rss as f64 / 1_048_576.0).collect()
                ),
                "reports": done.first().map(|r| r.seen),
                "wrong_verdicts": wrong,
                "first_wrong": done.iter().find_map(|r| r.first_wrong.clone()),
            });
            writeln!(out, "{line}")?;
            out.flush()?;
            if layout == &Layout::Folder {
                let _ = std::fs::remove_dir_all(dir.join("folder"));
            }
            if wrong > 0 {
                bail!(
                    "{wrong} verdicts were wrong over {runs} runs of {}",
                    layout.name()
                );
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_scan_reads_the_verdict_and_a_named_checks_outcome() {
        let line = r#"{"item":"x","verdict":"invalid","checks":[{"id":"proof","severity":"error","outcome":"passed"},{"id":"status","severity":"error","outcome":"failed","reason":"revoked"}]}"#;
        assert!(verdict_is_right(line, Intent::Revoked));
        assert!(!verdict_is_right(line, Intent::Tampered));
        assert!(!verdict_is_right(line, Intent::Valid));
        let valid = r#"{"verdict":"valid","checks":[]}"#;
        assert!(verdict_is_right(valid, Intent::Valid));
        assert!(!verdict_is_right(valid, Intent::Expired));
    }

    #[test]
    fn entry_names_sort_in_generation_order_and_jwts_are_stored_bare() {
        assert!(entry_name(9, "{}") < entry_name(10, "\"e\""));
        assert_eq!(entry_body("\"a.b.c\"").unwrap(), b"a.b.c");
        assert_eq!(entry_body("{\"a\":1}").unwrap(), b"{\"a\":1}");
    }
}
