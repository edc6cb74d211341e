//! `credbridge verify`: one verdict per credential, for people (one line per check, in words)
//! and programs (`--json`: one report per line), over any number of files in parallel.
//!
//! The flags become [`Settings`] (over the settings file and `CREDBRIDGE_*` variables), which
//! `credbridge-config` builds into options; `credbridge_verify::bulk` verifies the stream in
//! parallel and in input order; this module only prints.
//!
//! Each credential's block names what was verified (the achievement, the issuer's name with
//! whether anything confirms it, the recipient, the dates) before its checks. A batch ends with
//! a summary that lists, class by class, the paths of every item that was not plainly valid,
//! files that are not credentials among them ("skipped: not a credential"); its exit code puts
//! invalid (1) before indeterminate (3) before unreadable (2), so a stray file cannot hide a
//! forgery.

use std::io::{BufWriter, IsTerminal, Write};

use anyhow::{Context, Result, anyhow};
use credbridge_config::Settings;
use credbridge_formats::Limits;
use credbridge_verify::bulk::{
    BulkError, Class, Described, Header, Summary, verify_stream, verify_stream_described,
};
use credbridge_verify::{
    Check, ConfirmedBy, Disposition, IdentityStatus, IssuerIdentity, Outcome, Verdict,
    VerificationReport,
};

use crate::args::VerifyArgs;
use crate::cmd::input::{blobs, progress_bar};
use crate::exit::Status;
use crate::output::{DIM, GREEN, RED, YELLOW, clean, paint};

/// The settings file and environment, then the flags on top (file < env < flags).
fn settings(args: &VerifyArgs) -> Result<Settings> {
    let mut settings = Settings::from_env_and_file(args.config.as_deref())?;
    settings.offline |= args.offline;
    settings.dangerous_allow_loopback |= args.dangerous_allow_loopback;
    settings.bundled_registries &= !args.no_bundled_registries;
    settings.sandbox_registries |= args.sandbox_registries;
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
    if settings.registry_snapshots.is_none() {
        settings.registry_snapshots = credbridge_config::default_registry_dir();
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

    let now = built.options.now;
    for path in &args.paths {
        let sink = |described: Described| -> Result<()> {
            progress.inc(1);
            summary.add(&described.report);
            // Every JSON line is a full report, unreadable items included (JSON strings
            // escape control characters themselves).
            let report = match described.report {
                Ok(report) => report,
                Err(unreadable) => {
                    if !as_json {
                        writeln!(
                            out,
                            "{} {}\n",
                            paint("✗ unreadable", RED, color),
                            clean(&unreadable.message)
                        )?;
                        return Ok(());
                    }
                    let item = unreadable
                        .item
                        .unwrap_or_else(|| "(unknown item)".to_owned());
                    VerificationReport::unreadable(item, unreadable.message, now)
                }
            };
            if as_json {
                serde_json::to_writer(&mut out, &report)?;
                writeln!(out)?;
            } else {
                let header = described.header.as_ref();
                write_human(&mut out, &report, header, args.verbose, color)?;
            }
            Ok(())
        };
        let blobs = blobs(path, &limits, &built)?;
        // Headers (what each credential says it is) are for people; a JSON report is the
        // whole report already, so JSON output skips reading every credential a second time.
        if as_json {
            let mut sink = sink;
            verify_stream(blobs, &built.options, &pool, |report| {
                sink(Described {
                    report,
                    header: None,
                })
            })
        } else {
            verify_stream_described(blobs, &built.options, &pool, sink)
        }
        .map_err(|e| match e {
            BulkError::Sink(e) => e,
            other => anyhow!(other.to_string()),
        })?;
        out.flush()?;
    }
    progress.finish_and_clear();
    drop(out);

    if summary.total() != 1 || summary.credentials() == 0 {
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
    header: Option<&Header>,
    verbose: bool,
    color: bool,
) -> Result<()> {
    if report.disposition == Disposition::Skipped {
        let what = report.checks.first().map_or("", |c| c.message.as_str());
        writeln!(
            out,
            "{}  {}\n   {}\n",
            paint("- skipped", DIM, color),
            clean(&report.item),
            clean(what)
        )?;
        return Ok(());
    }
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
    write_header(out, report, header)?;
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

/// What the issuer's identity status says, in words.
fn identity_words(identity: &IssuerIdentity) -> String {
    let source = identity.source.as_deref().map(clean);
    match (identity.status, identity.confirmed_by) {
        (IdentityStatus::Confirmed, Some(ConfirmedBy::Registry)) => match source {
            Some(source) => format!("confirmed by {source}"),
            None => "confirmed by a registry".to_owned(),
        },
        (IdentityStatus::Confirmed, Some(ConfirmedBy::AllowList)) => {
            "confirmed: on your list of trusted issuers".to_owned()
        }
        (IdentityStatus::Confirmed, Some(ConfirmedBy::Domain | ConfirmedBy::HostedDomain)) => {
            match source {
                Some(domain) => format!("confirmed by its domain {domain}"),
                None => "confirmed by its domain".to_owned(),
            }
        }
        (IdentityStatus::Confirmed, Some(ConfirmedBy::LinkedDomain)) => match source {
            Some(domain) => format!("confirmed by its linked domain {domain}"),
            None => "confirmed by its linked domain".to_owned(),
        },
        (IdentityStatus::Confirmed, _) => "confirmed".to_owned(),
        (IdentityStatus::Denied, _) => "on your list of issuers not to accept".to_owned(),
        (IdentityStatus::Unconfirmed, _) => {
            "UNCONFIRMED: the name is the issuer's own claim".to_owned()
        }
    }
}

/// What was verified: the achievement, the issuer's name and identity status, the recipient
/// and the dates, each as the credential states it (through [`clean`]).
fn write_header(
    out: &mut impl Write,
    report: &VerificationReport,
    header: Option<&Header>,
) -> Result<()> {
    let line = |out: &mut dyn Write, label: &str, value: &str| -> std::io::Result<()> {
        writeln!(out, "   {label:<12} {value}")
    };
    if let Some(achievement) = header.and_then(|h| h.achievement.as_deref()) {
        line(out, "achievement", &clean(achievement))?;
    }
    let name = report
        .issuer_identity
        .as_ref()
        .and_then(|i| i.name.as_deref())
        .or_else(|| header.and_then(|h| h.issuer_name.as_deref()));
    match (name, &report.issuer_identity) {
        (Some(name), Some(identity)) => line(
            out,
            "issuer",
            &format!("{} ({})", clean(name), identity_words(identity)),
        )?,
        (None, Some(identity)) => line(
            out,
            "issuer",
            &format!("(no name given) ({})", identity_words(identity)),
        )?,
        (Some(name), None) => line(out, "issuer", &clean(name))?,
        (None, None) => {}
    }
    let Some(header) = header else {
        return Ok(());
    };
    if let Some(recipient) = &header.recipient {
        line(out, "recipient", &clean(recipient))?;
    }
    let dates = match (&header.issued, &header.expires) {
        (Some(issued), Some(expires)) => Some(format!(
            "issued {}, expires {}",
            clean(issued),
            clean(expires)
        )),
        (Some(issued), None) => Some(format!("issued {}, does not expire", clean(issued))),
        (None, Some(expires)) => Some(format!("expires {}", clean(expires))),
        (None, None) => None,
    };
    if let Some(dates) = dates {
        line(out, "dates", &dates)?;
    }
    Ok(())
}

/// Most paths printed per class in the closing summary.
const SUMMARY_PATHS: usize = 50;

fn table(summary: &Summary) -> String {
    if summary.credentials() == 0 && summary.unreadable == 0 {
        let mut text = format!(
            "\nno credential was found ({} items read)\n",
            summary.total()
        );
        if summary.skipped > 0 {
            text.push_str(&class_list(summary, Class::Skipped));
        }
        return text;
    }
    let mut text = format!(
        "\n{} items: {} credentials ({} valid, {} valid with warnings, {} invalid, {} could not be fully checked), {} unreadable, {} skipped (not a credential)\n",
        summary.total(),
        summary.credentials(),
        summary.count(Verdict::Valid),
        summary.count(Verdict::ValidWithWarnings),
        summary.count(Verdict::Invalid),
        summary.count(Verdict::Indeterminate),
        summary.unreadable,
        summary.skipped
    );
    for class in [
        Class::Invalid,
        Class::Indeterminate,
        Class::Unreadable,
        Class::ValidWithWarnings,
        Class::Skipped,
    ] {
        text.push_str(&class_list(summary, class));
    }
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

/// One class of the closing summary: its name, count and paths (at most [`SUMMARY_PATHS`]).
fn class_list(summary: &Summary, class: Class) -> String {
    let count = summary.class_count(class);
    if count == 0 {
        return String::new();
    }
    let name = match class {
        Class::Invalid => "invalid",
        Class::Indeterminate => "could not be fully checked",
        Class::Unreadable => "unreadable",
        Class::ValidWithWarnings => "valid with warnings",
        Class::Skipped => "skipped: not a credential",
    };
    let mut text = format!("{name} ({count}):\n");
    let paths = summary.paths.get(&class).map_or(&[][..], Vec::as_slice);
    for path in paths.iter().take(SUMMARY_PATHS) {
        text.push_str(&format!("  {}\n", clean(path)));
    }
    let shown = u64::try_from(paths.len().min(SUMMARY_PATHS)).unwrap_or(u64::MAX);
    if count > shown {
        text.push_str(&format!("  … and {} more\n", count - shown));
    }
    text
}

/// The batch's exit code: invalid (1; with `--strict` also a warning) before indeterminate
/// (3) before unreadable (2), so that no stray file hides a forgery; no credential at all is 2.
fn status(summary: &Summary, strict: bool) -> Status {
    if summary.count(Verdict::Invalid) > 0
        || (strict && summary.count(Verdict::ValidWithWarnings) > 0)
    {
        Status::CheckFailed
    } else if summary.count(Verdict::Indeterminate) > 0 {
        Status::Indeterminate
    } else if summary.unreadable > 0 || summary.credentials() == 0 {
        Status::InputError
    } else {
        Status::Ok
    }
}
