//! `credbridge inspect`: decode every credential found under the given paths and summarize it
//! (the summary is `credbridge_verify::inspect`'s; this module only prints and counts).
//!
//! Items are printed as they are decoded (never collected), so a folder of any size runs in
//! constant memory; with `--json` each item is one JSON line (`docs/inspect-report.schema.json`).

use std::io::{BufWriter, Write};

use anyhow::Result;
use credbridge_formats::Limits;
use credbridge_verify::{InspectOutcome, inspect, inspect_error_json};

use crate::args::InspectArgs;
use crate::cmd::input::{items, progress_bar};
use crate::exit::Status;
use crate::output::clean;

pub fn run(args: &InspectArgs, as_json: bool) -> Result<Status> {
    let limits = Limits::default();
    let progress = progress_bar(
        args.no_progress,
        "{spinner} {pos} items decoded ({per_sec})",
    );
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut status = Status::Ok;
    let mut counts = Counts::default();

    for path in &args.paths {
        for result in items(path, &limits)? {
            progress.inc(1);
            let item_status = match result {
                Ok(item) => {
                    let inspected = inspect(&item);
                    if as_json {
                        writeln!(out, "{}", inspected.to_json())?;
                    } else {
                        // Line breaks are the summary's layout; inside a line is the
                        // credential's text, escaped.
                        for line in inspected.to_string().lines() {
                            writeln!(out, "{}", clean(line))?;
                        }
                        writeln!(out)?;
                    }
                    match inspected.outcome() {
                        InspectOutcome::Read => Status::Ok,
                        InspectOutcome::SchemaFailed => Status::CheckFailed,
                        InspectOutcome::Unsupported => Status::Indeterminate,
                        InspectOutcome::Unreadable => Status::InputError,
                    }
                }
                Err(err) => {
                    if as_json {
                        let item = err.path().map(ToString::to_string);
                        writeln!(out, "{}", inspect_error_json(item, &err.to_string()))?;
                    } else {
                        writeln!(out, "✗ {}\n", clean(&err.to_string()))?;
                    }
                    Status::InputError
                }
            };
            counts.add(item_status);
            status = status.worst(item_status);
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    if !as_json && counts.total() > 1 {
        eprintln!(
            "{} items: {} read cleanly, {} with schema findings, {} unreadable",
            counts.total(),
            counts.ok,
            counts.schema_failed,
            counts.unreadable
        );
    }
    Ok(status)
}

#[derive(Default)]
struct Counts {
    ok: u64,
    schema_failed: u64,
    unreadable: u64,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Ok | Status::Indeterminate => self.ok += 1,
            Status::CheckFailed => self.schema_failed += 1,
            Status::InputError => self.unreadable += 1,
        }
    }

    fn total(&self) -> u64 {
        self.ok + self.schema_failed + self.unreadable
    }
}
