//! `credbridge verify`: one verdict per credential, for people (one line per check, in words)
//! and programs (`--json`: one report per line), over any number of files in parallel.
//!
//! The input is read as a stream of blobs (files, zip entries, lines), each decoded and
//! verified on a rayon pool while the next are read, and printed in input order; memory stays
//! flat however large the folder or archive.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use anyhow::{Context, Result, anyhow};
use credbridge_fetch::{
    DidWebResolver, DocumentSource, FetchPolicy, FirstOf, GuardedClient, HttpsControllerResolver,
    OfflineDocuments, SnapshotStore, SystemClock,
};
use credbridge_formats::{Blob, Item, Limits};
use credbridge_keys::{ChainResolver, OfflineDirectory, ResolveError, Resolver};
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_verify::{
    Check, Outcome, Registry, TrustPolicy, Verdict, VerificationReport, VerifyOptions,
};
use rayon::prelude::*;
use serde_json::json;

use crate::args::VerifyArgs;
use crate::cmd::canonize::loader;
use crate::cmd::input::{blobs, progress_bar, read_json, unix_time};
use crate::exit::Status;

/// Most blobs (files, zip entries, JSON Lines lines) read but not yet reported: enough to
/// keep every core busy while one slow blob finishes, few enough that memory stays flat.
const MAX_IN_FLIGHT: usize = 1024;

/// Blobs handed to a worker at once: per-task and per-message costs (a thread wake-up for
/// each result) were a tenth of a bulk run when every credential was its own task.
const GROUP: usize = 16;

/// A group is closed early once it holds this many undecoded bytes, so that a few large
/// files still spread over the workers.
const GROUP_BYTES: usize = 256 * 1024;

/// Most undecoded input bytes held in flight (one blob is always let through, whatever its
/// size, so a large file cannot stall the stream).
const MAX_IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

/// Configuration files (maps, registries, DID documents) are small; this guards a wrong path.
const MAX_CONFIG_BYTES: u64 = 64 * 1024 * 1024;

/// What verifying one input item gave: a report, or why the item could not be read (its path
/// and the error).
pub type ItemReport = Result<VerificationReport, (Option<String>, String)>;

/// Verifies every item of `blobs` on `pool` and hands each outcome to `each` in input order.
///
/// The calling thread only reads: blobs go to the workers in groups of up to [`GROUP`] (one
/// task and one message per group rather than per credential), each blob decoded *and*
/// verified there (a blob of many items — an array, a CLR — spreads over the workers too);
/// results are put back in reading order as they arrive, and at most [`MAX_IN_FLIGHT`] blobs
/// (and about [`MAX_IN_FLIGHT_BYTES`] of undecoded input) are read but not yet reported, so
/// there is no batch barrier and memory is bounded by them and their reports however long the
/// stream. If `each` fails (say, stdout closed), the workers skip what
/// is left and the error is returned. `credbridge verify` and `credbridge bench --bulk` both
/// run through here.
pub fn verify_stream(
    blobs: impl Iterator<Item = Blob>,
    options: &VerifyOptions,
    pool: &rayon::ThreadPool,
    mut each: impl FnMut(ItemReport) -> Result<()>,
) -> Result<()> {
    /// A finished group: its number, how many blobs and bytes it held, its reports.
    type Done = (u64, usize, usize, Vec<ItemReport>);
    let (sender, receiver) = mpsc::channel::<Done>();
    let stop = AtomicBool::new(false);
    let mut blobs = blobs.fuse();
    pool.in_place_scope(|scope| {
        let mut groups_read: u64 = 0;
        let mut groups_reported: u64 = 0;
        let mut blobs_in_flight = 0usize;
        let mut bytes_in_flight = 0usize;
        let mut finished: BTreeMap<u64, Done> = BTreeMap::new();
        let result = loop {
            while blobs_in_flight < MAX_IN_FLIGHT
                && (bytes_in_flight < MAX_IN_FLIGHT_BYTES || blobs_in_flight == 0)
            {
                let mut group = Vec::with_capacity(GROUP);
                let mut size = 0usize;
                while group.len() < GROUP
                    && size < GROUP_BYTES
                    && blobs_in_flight + group.len() < MAX_IN_FLIGHT
                    && (bytes_in_flight + size < MAX_IN_FLIGHT_BYTES || group.is_empty())
                {
                    let Some(blob) = blobs.next() else { break };
                    size += blob.len();
                    group.push(blob);
                }
                if group.is_empty() {
                    break;
                }
                let count = group.len();
                blobs_in_flight += count;
                bytes_in_flight += size;
                let number = groups_read;
                groups_read += 1;
                let sender = sender.clone();
                let stop = &stop;
                scope.spawn(move |_| {
                    // Panics are caught per item in verify_blob; this outer catch only makes
                    // sure the reader, waiting for every group, always hears back.
                    let reports = catch(|| {
                        let mut reports = Vec::with_capacity(group.len());
                        for blob in group {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            reports.extend(verify_blob(blob, options));
                        }
                        reports
                    })
                    .unwrap_or_else(|()| vec![Err((None, INTERNAL_ERROR.into()))]);
                    // The receiver outlives the scope; a send cannot fail before it ends.
                    let _ = sender.send((number, count, size, reports));
                });
            }
            if groups_reported == groups_read {
                break Ok(());
            }
            // Every spawned group sends exactly once (panics are caught), so this cannot hang.
            let Ok(done) = receiver.recv() else {
                break Err(anyhow!("a verification worker stopped"));
            };
            finished.insert(done.0, done);
            let mut failure = None;
            while let Some((_, count, size, reports)) = finished.remove(&groups_reported) {
                blobs_in_flight -= count;
                bytes_in_flight -= size;
                groups_reported += 1;
                for report in reports {
                    if let Err(e) = each(report) {
                        failure = Some(e);
                        break;
                    }
                }
                if failure.is_some() {
                    break;
                }
            }
            if let Some(e) = failure {
                break Err(e);
            }
        };
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        result
    })
}

/// Decodes one blob and verifies its items (in parallel when there are several). A panic —
/// a bug, since no library panics on input by design — becomes that blob's error instead of
/// ending the run.
fn verify_blob(blob: Blob, options: &VerifyOptions) -> Vec<ItemReport> {
    let path = blob.path().map(ToString::to_string);
    let Ok(items) = catch(|| blob.decode()) else {
        return vec![Err((path, INTERNAL_ERROR.into()))];
    };
    let verify = |item: &Result<Item, credbridge_formats::Error>| match item {
        Ok(item) => catch(|| credbridge_verify::verify_item(item, options))
            .map_err(|()| (Some(item.path.to_string()), INTERNAL_ERROR.into())),
        Err(err) => Err((err.path().map(ToString::to_string), err.to_string())),
    };
    if items.len() > 1 {
        items.par_iter().map(verify).collect()
    } else {
        items.iter().map(verify).collect()
    }
}

/// What a panic becomes: the libraries are built not to panic on input, so this is a bug, and
/// it costs one item its report rather than ending the run.
const INTERNAL_ERROR: &str =
    "internal error: verification stopped unexpectedly (please report this input)";

fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| ())
}

pub fn run(args: &VerifyArgs, as_json: bool) -> Result<Status> {
    let options = build_options(args)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let limits = Limits::default();
    let progress = progress_bar(
        args.no_progress,
        "{spinner} {pos} credentials verified ({per_sec})",
    );
    let color = !as_json && std::io::stdout().is_terminal();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut summary = Summary::default();

    for path in &args.paths {
        verify_stream(blobs(path, &limits)?, &options, &pool, |report| {
            progress.inc(1);
            match report {
                Ok(report) => {
                    summary.add(&report);
                    if as_json {
                        serde_json::to_writer(&mut out, &report)?;
                        writeln!(out)?;
                    } else {
                        write_human(&mut out, &report, args.verbose, color)?;
                    }
                }
                Err((item, message)) => {
                    summary.unreadable += 1;
                    if as_json {
                        writeln!(out, "{}", json!({ "item": item, "error": message }))?;
                    } else {
                        writeln!(out, "{} {message}\n", paint("✗ unreadable", RED, color))?;
                    }
                }
            }
            Ok(())
        })?;
        out.flush()?;
    }
    progress.finish_and_clear();
    drop(out);

    if summary.total() > 1 || summary.total() == 0 {
        eprint!("{}", summary.table());
    }
    Ok(summary.status(args.strict))
}

/// Turns what the user typed into built objects: clock, resolvers, document sources, trust.
fn build_options(args: &VerifyArgs) -> Result<VerifyOptions> {
    let now = unix_time(args.at.as_deref(), "--at")?;

    let client = if args.offline {
        None
    } else {
        let mut policy = FetchPolicy::default();
        if args.dangerous_allow_loopback {
            policy = FetchPolicy::dangerous_loopback_for_tests();
        }
        let mut client = GuardedClient::new(policy, Arc::new(SystemClock));
        if let Some(dir) = &args.snapshots {
            client = client.with_snapshots(
                SnapshotStore::open(dir)
                    .with_context(|| format!("opening the snapshot folder {}", dir.display()))?,
            );
        }
        Some(Arc::new(client))
    };

    // Local documents come before the network, so a folder of DID documents answers even
    // when online (and an offline client would stop the chain with an error).
    let mut resolver = ChainResolver::offline_default();
    for dir in &args.did_dir {
        resolver = resolver.with(Box::new(did_directory(dir)?));
    }
    if let Some(client) = &client {
        resolver = resolver
            .with(Box::new(DidWebResolver::new(client.clone())))
            .with(Box::new(HttpsControllerResolver::new(client.clone())));
    } else {
        resolver = resolver.with(Box::new(OfflineNotice));
    }
    let resolver: Arc<dyn Resolver> = Arc::new(resolver);

    let mut sources: Vec<Arc<dyn DocumentSource>> = Vec::new();
    if let Some(map) = &args.documents {
        sources.push(Arc::new(document_map(map)?));
    }
    if let Some(client) = &client {
        sources.push(client.clone());
    }
    let documents: Option<Arc<dyn DocumentSource>> = match sources.len() {
        0 => None,
        _ => Some(Arc::new(FirstOf(sources))),
    };

    let mut registries = Vec::new();
    for file in &args.registry {
        let value = read_json(file, MAX_CONFIG_BYTES)?;
        let name = file.display().to_string();
        registries.push(
            Registry::from_dcc_json(&name, &value)
                .with_context(|| format!("reading the registry {name}"))?,
        );
    }

    let canonicalizer = JsonLdCanonicalizer::new(
        loader(args.contexts.as_deref())?,
        credbridge_rdf::CanonOptions::default(),
    );
    Ok(VerifyOptions {
        now,
        max_clock_skew: args.max_clock_skew,
        resolver,
        canonicalizer: Arc::new(canonicalizer),
        suites: suites::ALL_SUITES,
        documents,
        trust: TrustPolicy {
            allow: args.allow_issuer.clone(),
            deny: args.deny_issuer.clone(),
            registries,
        },
        known_recipient: args.recipient.clone(),
        challenge: args.challenge.clone(),
        domain: args.domain.clone(),
        status_lists: Default::default(),
    })
}

/// Last in the offline chain: says why a did:web or https key was not resolved (instead of
/// "no resolver handles this id"), as an environment failure, so the proof is reported as
/// "could not check" with a hint.
struct OfflineNotice;

impl OfflineNotice {
    fn refuse(id: &str) -> ResolveError {
        if id.starts_with("did:web:") || id.starts_with("https://") || id.starts_with("http://") {
            ResolveError::Fetch {
                id: id.to_owned(),
                reason: "--offline: not fetched (supply the document with --did-dir)".to_owned(),
            }
        } else {
            ResolveError::NotHandled { id: id.to_owned() }
        }
    }
}

impl Resolver for OfflineNotice {
    fn resolve_verification_method(
        &self,
        id: &str,
    ) -> Result<credbridge_keys::VerificationMethod, ResolveError> {
        Err(OfflineNotice::refuse(id))
    }

    fn resolve_document(
        &self,
        id: &str,
    ) -> Result<credbridge_keys::ControllerDocument, ResolveError> {
        Err(OfflineNotice::refuse(id))
    }
}

/// Every `*.json` in `dir` (not recursive), registered under its own `id`.
fn did_directory(dir: &Path) -> Result<OfflineDirectory> {
    let mut directory = OfflineDirectory::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading the DID folder {}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "jsonld"))
        .collect();
    files.sort();
    for file in files {
        let document = read_json(&file, MAX_CONFIG_BYTES)?;
        let id = document
            .get("id")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                anyhow!(
                    "{} has no \"id\"; a DID document must name its DID",
                    file.display()
                )
            })?
            .to_owned();
        directory.insert(id, document);
    }
    Ok(directory)
}

/// A `{ "URL": "relative/file" }` map read into an offline document source.
fn document_map(map: &Path) -> Result<OfflineDocuments> {
    let value = read_json(map, MAX_CONFIG_BYTES)?;
    let entries = value
        .as_object()
        .ok_or_else(|| anyhow!("{} must be a JSON object of URL → file", map.display()))?;
    let base = map.parent().unwrap_or(Path::new("."));
    let mut documents = OfflineDocuments::new(Arc::new(SystemClock));
    for (url, file) in entries {
        let file = file
            .as_str()
            .ok_or_else(|| anyhow!("{}: the file for {url} must be a string", map.display()))?;
        documents.insert(url.clone(), base.join(file));
    }
    Ok(documents)
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const DIM: &str = "2";

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn verdict_words(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Valid => ("✓ valid", GREEN),
        Verdict::ValidWithWarnings => ("✓ valid, with warnings", YELLOW),
        Verdict::Indeterminate => ("? could not be fully checked", YELLOW),
        Verdict::Invalid => ("✗ INVALID", RED),
    }
}

fn check_mark(check: &Check) -> (&'static str, &'static str) {
    match check.outcome {
        Outcome::Passed => ("✓", GREEN),
        Outcome::Failed(_) => ("✗", RED),
        Outcome::CouldNotCheck(_) => ("?", YELLOW),
        Outcome::NotApplicable => ("-", DIM),
    }
}

fn write_human(
    out: &mut impl Write,
    report: &VerificationReport,
    verbose: bool,
    color: bool,
) -> Result<()> {
    let (words, code) = verdict_words(report.verdict);
    writeln!(out, "{}  {}", paint(words, code, color), report.item)?;
    let issuer = report.issuer.as_deref().unwrap_or("(no issuer id)");
    writeln!(out, "   {} from {issuer}", report.format)?;
    for check in &report.checks {
        let quiet = matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable);
        if quiet && !verbose {
            continue;
        }
        let (mark, code) = check_mark(check);
        writeln!(
            out,
            "   {} {:<20} {}",
            paint(mark, code, color),
            check.id,
            check.message
        )?;
        if let Outcome::Failed(reason) | Outcome::CouldNotCheck(reason) = &check.outcome {
            writeln!(out, "     {}", paint(&format!("why: {reason}"), DIM, color))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

#[derive(Default)]
struct Summary {
    verdicts: BTreeMap<Verdict, u64>,
    unreadable: u64,
    /// Check id → (failed, could not check).
    not_passed: BTreeMap<String, (u64, u64)>,
}

impl Summary {
    fn add(&mut self, report: &VerificationReport) {
        *self.verdicts.entry(report.verdict).or_default() += 1;
        for check in &report.checks {
            match check.outcome {
                Outcome::Failed(_) => self.not_passed.entry(check.id.clone()).or_default().0 += 1,
                Outcome::CouldNotCheck(_) => {
                    self.not_passed.entry(check.id.clone()).or_default().1 += 1;
                }
                _ => {}
            }
        }
    }

    fn total(&self) -> u64 {
        self.verdicts.values().sum::<u64>() + self.unreadable
    }

    fn count(&self, verdict: Verdict) -> u64 {
        self.verdicts.get(&verdict).copied().unwrap_or(0)
    }

    fn table(&self) -> String {
        let mut text = format!(
            "\n{} items: {} valid, {} valid with warnings, {} invalid, {} could not be fully checked, {} unreadable\n",
            self.total(),
            self.count(Verdict::Valid),
            self.count(Verdict::ValidWithWarnings),
            self.count(Verdict::Invalid),
            self.count(Verdict::Indeterminate),
            self.unreadable
        );
        if !self.not_passed.is_empty() {
            text.push_str(&format!(
                "{:<22} {:>8} {:>16}\n",
                "check", "failed", "could not check"
            ));
            for (id, (failed, unknown)) in &self.not_passed {
                text.push_str(&format!("{id:<22} {failed:>8} {unknown:>16}\n"));
            }
        }
        text
    }

    fn status(&self, strict: bool) -> Status {
        if self.unreadable > 0 || self.total() == 0 {
            Status::InputError
        } else if self.count(Verdict::Invalid) > 0
            || (strict && self.count(Verdict::ValidWithWarnings) > 0)
        {
            Status::CheckFailed
        } else if self.count(Verdict::Indeterminate) > 0 {
            Status::Indeterminate
        } else {
            Status::Ok
        }
    }
}
