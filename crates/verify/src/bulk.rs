//! Bulk verification: a stream of blobs (files, zip entries, JSON Lines lines) verified on a
//! worker pool and handed back in input order, with bounded memory, one panic costing one item
//! rather than the run, and a [`Summary`] of what was seen. The CLI's `verify` and the bulk
//! benchmark run through here, and a server's bulk jobs can too.
//!
//! Nothing is printed: the caller passes a sink that receives every [`ItemReport`] in order
//! (and counts progress there); a sink error stops the run.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use credbridge_formats::{Blob, Item};
use rayon::prelude::*;

use crate::{Outcome, Verdict, VerificationReport, VerifyOptions};

/// Most blobs (files, zip entries, JSON Lines lines) read but not yet reported: enough to
/// keep every core busy while one slow blob finishes, few enough that memory stays flat.
pub const MAX_IN_FLIGHT: usize = 1024;

/// Blobs handed to a worker at once: per-task and per-message costs (a thread wake-up for
/// each result) were a tenth of a bulk run when every credential was its own task.
pub const GROUP: usize = 16;

/// A group is closed early once it holds this many undecoded bytes, so that a few large
/// files still spread over the workers.
pub const GROUP_BYTES: usize = 256 * 1024;

/// Most undecoded input bytes held in flight (one blob is always let through, whatever its
/// size, so a large file cannot stall the stream).
pub const MAX_IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

/// What a panic becomes: the libraries are built not to panic on input, so this is a bug, and
/// it costs one item its report rather than ending the run.
pub const INTERNAL_ERROR: &str =
    "internal error: verification stopped unexpectedly (please report this input)";

/// An input item that could not be read, so no report could be made: where it was and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The item's path (file → zip entry → …), when known.
    pub item: Option<String>,
    /// Why it could not be read (the decoder's message, which names the limit or defect).
    pub message: String,
}

/// What verifying one input item gave: a report, or why the item could not be read.
pub type ItemReport = Result<VerificationReport, Unreadable>;

/// Why a bulk run stopped before the end of its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkError<E> {
    /// The caller's sink failed (say, stdout closed); the workers skipped what was left.
    #[error("{0}")]
    Sink(E),
    /// A worker stopped without reporting (a bug: panics are caught per item).
    #[error("a verification worker stopped without reporting")]
    WorkerLost,
}

/// Verifies every item of `blobs` on `pool` and hands each outcome to `sink` in input order.
///
/// The calling thread only reads: blobs go to the workers in groups of up to [`GROUP`] (one
/// task and one message per group rather than per credential), each blob decoded *and*
/// verified there (a blob of many items — an array, a CLR — spreads over the workers too);
/// results are put back in reading order as they arrive, and at most [`MAX_IN_FLIGHT`] blobs
/// (and about [`MAX_IN_FLIGHT_BYTES`] of undecoded input) are read but not yet reported, so
/// there is no batch barrier and memory is bounded by them and their reports however long the
/// stream.
///
/// # Errors
/// [`BulkError::Sink`] with the sink's first error, after which the workers skip what is left.
pub fn verify_stream<E>(
    blobs: impl Iterator<Item = Blob>,
    options: &VerifyOptions,
    pool: &rayon::ThreadPool,
    mut sink: impl FnMut(ItemReport) -> Result<(), E>,
) -> Result<(), BulkError<E>> {
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
                    .unwrap_or_else(|()| {
                        vec![Err(Unreadable {
                            item: None,
                            message: INTERNAL_ERROR.into(),
                        })]
                    });
                    // The receiver outlives the scope; a send cannot fail before it ends.
                    let _ = sender.send((number, count, size, reports));
                });
            }
            if groups_reported == groups_read {
                break Ok(());
            }
            // Every spawned group sends exactly once (panics are caught), so this cannot hang.
            let Ok(done) = receiver.recv() else {
                break Err(BulkError::WorkerLost);
            };
            finished.insert(done.0, done);
            let mut failure = None;
            while let Some((_, count, size, reports)) = finished.remove(&groups_reported) {
                blobs_in_flight -= count;
                bytes_in_flight -= size;
                groups_reported += 1;
                for report in reports {
                    if let Err(e) = sink(report) {
                        failure = Some(e);
                        break;
                    }
                }
                if failure.is_some() {
                    break;
                }
            }
            if let Some(e) = failure {
                break Err(BulkError::Sink(e));
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
        return vec![Err(Unreadable {
            item: path,
            message: INTERNAL_ERROR.into(),
        })];
    };
    let verify = |item: &Result<Item, credbridge_formats::Error>| match item {
        Ok(item) => catch(|| crate::verify_item(item, options)).map_err(|()| Unreadable {
            item: Some(item.path.to_string()),
            message: INTERNAL_ERROR.into(),
        }),
        Err(err) => Err(Unreadable {
            item: err.path().map(ToString::to_string),
            message: err.to_string(),
        }),
    };
    if items.len() > 1 {
        items.par_iter().map(verify).collect()
    } else {
        items.iter().map(verify).collect()
    }
}

fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| ())
}

/// Counts over a bulk run: verdicts, unreadable items, and per check id how often it failed or
/// could not be checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Reports per verdict.
    pub verdicts: BTreeMap<Verdict, u64>,
    /// Items that could not be read.
    pub unreadable: u64,
    /// Check id → (failed, could not check).
    pub not_passed: BTreeMap<String, (u64, u64)>,
}

impl Summary {
    /// Counts one item.
    pub fn add(&mut self, report: &ItemReport) {
        let Ok(report) = report else {
            self.unreadable += 1;
            return;
        };
        *self.verdicts.entry(report.verdict).or_default() += 1;
        for check in &report.checks {
            match check.outcome {
                Outcome::Failed(_) => self.not_passed.entry(check.id.clone()).or_default().0 += 1,
                Outcome::CouldNotCheck(_) => {
                    self.not_passed.entry(check.id.clone()).or_default().1 += 1;
                }
                Outcome::Passed | Outcome::NotApplicable => {}
            }
        }
    }

    /// Items counted, readable or not.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.verdicts.values().sum::<u64>() + self.unreadable
    }

    /// Reports with `verdict`.
    #[must_use]
    pub fn count(&self, verdict: Verdict) -> u64 {
        self.verdicts.get(&verdict).copied().unwrap_or(0)
    }
}
