//! `credbridge verify`: one verdict per credential, for people (one line per check, in words)
//! and programs (`--json`: one report per line), over any number of files in parallel.
//!
//! The flags become [`Settings`] (over the settings file and `CREDBRIDGE_*` variables), which
//! `credbridge-config` builds into options; `credbridge_verify::bulk` verifies the stream in
//! parallel and in input order; this module only prints.

use std::io::{BufWriter, IsTerminal, Write};

use anyhow::{Context, Result, anyhow};
use credbridge_config::Settings;
use credbridge_formats::Limits;
use credbridge_verify::bulk::{BulkError, ItemReport, Summary, verify_stream};
use credbridge_verify::{Check, Outcome, Verdict, VerificationReport};
use serde_json::json;

use crate::args::VerifyArgs;
use crate::cmd::input::{blobs, progress_bar};
use crate::exit::Status;
use crate::output::{DIM, GREEN, RED, YELLOW, clean, paint};

/// The settings file and environment, then the flags on top (file < env < flags).
fn settings(args: &VerifyArgs) -> Result<Settings> {
    let mut settings = Settings::from_env_and_file(args.config.as_deref())?;
    settings.offline |= args.offline;
    settings.dangerous_allow_loopback |= args.dangerous_allow_loopback;
    let flag = |value: &Option<String>, into: &mut Option<String>| {
        if value.is_some() {
            into.clone_from(value);
        }
    };
    flag(&args.at, &mut settings.at);
    flag(&args.recipient, &mut settings.recipient);
    flag(&args.challenge, &mut settings.challenge);
    flag(&args.domain, &mut settings.domain);
    if let Some(skew) = args.max_clock_skew {
        settings.max_clock_skew = skew;
    }
    if !args.did_dir.is_empty() {
        settings.did_dirs.clone_from(&args.did_dir);
    }
    if !args.registry.is_empty() {
        settings.registries.clone_from(&args.registry);
    }
    if !args.allow_issuer.is_empty() {
        settings.allow_issuers.clone_from(&args.allow_issuer);
    }
    if !args.deny_issuer.is_empty() {
        settings.deny_issuers.clone_from(&args.deny_issuer);
    }
    for (flag, into) in [
        (&args.documents, &mut settings.documents),
        (&args.contexts, &mut settings.contexts),
        (&args.snapshots, &mut settings.snapshots),
    ] {
        if flag.is_some() {
            into.clone_from(flag);
        }
    }
    if args.jobs.is_some() {
        settings.jobs = args.jobs;
    }
    Ok(settings)
}

pub fn run(args: &VerifyArgs, as_json: bool) -> Result<Status> {
    let settings = settings(args)?;
    let built = settings.build()?;
    for warning in &built.warnings {
        eprintln!("credbridge: warning: {}", clean(&warning.to_string()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs.unwrap_or(0))
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
        let sink = |report: ItemReport| -> Result<()> {
            progress.inc(1);
            summary.add(&report);
            match &report {
                Ok(report) if as_json => {
                    serde_json::to_writer(&mut out, report)?;
                    writeln!(out)?;
                }
                Ok(report) => write_human(&mut out, report, args.verbose, color)?,
                // JSON strings escape control characters themselves.
                Err(unreadable) if as_json => writeln!(
                    out,
                    "{}",
                    json!({ "item": unreadable.item, "error": unreadable.message })
                )?,
                Err(unreadable) => writeln!(
                    out,
                    "{} {}\n",
                    paint("✗ unreadable", RED, color),
                    clean(&unreadable.message)
                )?,
            }
            Ok(())
        };
        verify_stream(blobs(path, &limits)?, &built.options, &pool, sink).map_err(|e| match e {
            BulkError::Sink(e) => e,
            other => anyhow!(other.to_string()),
        })?;
        out.flush()?;
    }
    progress.finish_and_clear();
    drop(out);

    if summary.total() != 1 {
        eprint!("{}", table(&summary));
    }
    Ok(status(&summary, args.strict))
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

/// One report in words. Everything that may come from the credential (the item path inside a
/// container, the issuer id, messages and reasons that quote its data) goes through [`clean`].
fn write_human(
    out: &mut impl Write,
    report: &VerificationReport,
    verbose: bool,
    color: bool,
) -> Result<()> {
    let (words, code) = verdict_words(report.verdict);
    writeln!(
        out,
        "{}  {}",
        paint(words, code, color),
        clean(&report.item)
    )?;
    let issuer = report.issuer.as_deref().unwrap_or("(no issuer id)");
    writeln!(
        out,
        "   {} from {}",
        clean(report.format_name),
        clean(issuer)
    )?;
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
            clean(&check.id),
            clean(&check.message)
        )?;
        if let Outcome::Failed(reason) | Outcome::CouldNotCheck(reason) = &check.outcome {
            let why = format!("why: {}", clean(reason));
            writeln!(out, "     {}", paint(&why, DIM, color))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn table(summary: &Summary) -> String {
    let mut text = format!(
        "\n{} items: {} valid, {} valid with warnings, {} invalid, {} could not be fully checked, {} unreadable\n",
        summary.total(),
        summary.count(Verdict::Valid),
        summary.count(Verdict::ValidWithWarnings),
        summary.count(Verdict::Invalid),
        summary.count(Verdict::Indeterminate),
        summary.unreadable
    );
    if !summary.not_passed.is_empty() {
        text.push_str(&format!(
            "{:<22} {:>8} {:>16}\n",
            "check", "failed", "could not check"
        ));
        for (id, (failed, unknown)) in &summary.not_passed {
            text.push_str(&format!("{:<22} {failed:>8} {unknown:>16}\n", clean(id)));
        }
    }
    text
}

fn status(summary: &Summary, strict: bool) -> Status {
    if summary.unreadable > 0 || summary.total() == 0 {
        Status::InputError
    } else if summary.count(Verdict::Invalid) > 0
        || (strict && summary.count(Verdict::ValidWithWarnings) > 0)
    {
        Status::CheckFailed
    } else if summary.count(Verdict::Indeterminate) > 0 {
        Status::Indeterminate
    } else {
        Status::Ok
    }
}
