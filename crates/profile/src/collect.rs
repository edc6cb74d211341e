//! Credentials in, people out: the load → verify → normalize → group loop that the CLI's
//! `normalize`, `profile`, `match` and `export` and the server's profiles share.
//!
//! Two ways in:
//! - [`verify_and_collect`] reads a stream of blobs (files, zip entries, JSON Lines lines),
//!   verifies them in parallel with [`credbridge_verify::bulk::verify_stream`] (ordered, bounded
//!   memory, one panic costing one item), then decodes the same input again on the pool to
//!   normalize each credential that was verified, with its verdict.
//! - [`Collector::add`] takes one decoded item with a report already made (the server's inbox
//!   keeps every report, so its profiles show the stored verdicts, never one made at display
//!   time).
//!
//! Either way [`Collected::people`] groups the records into people ([`group_people`]) and
//! [`Collected::profiles`] builds their [`SkillsProfile`]s.

use std::collections::{HashMap, VecDeque};

use credbridge_formats::{Blob, Item};
use credbridge_verify::bulk::{BulkError, Unreadable, verify_stream};
use credbridge_verify::{Disposition, Outcome, Verdict, VerificationReport, VerifyOptions};
use rayon::prelude::*;
use serde_json::Value;

use crate::identity::{Candidate, Person, group_people};
use crate::normalize::{Origin, normalize};
use crate::profile::{SkillResolver, SkillsProfile, build_profile};
use crate::record::{AchievementRecord, Association, Verification, VerificationStatus};

/// A credential as it was received, kept for exports (the ATS bundle embeds it).
#[derive(Debug, Clone, PartialEq)]
pub struct Original {
    /// A file name for it in a bundle (`credential-1.json`, `badge.json`).
    pub file_name: String,
    /// The credential's `id`, to connect it with profile records.
    pub credential_id: Option<String>,
    /// The item path, likewise.
    pub item: String,
    /// The credential JSON, when it is JSON (a JWT's claims are not embedded as a credential).
    pub json: Option<Value>,
    /// The credential's bytes (its JSON as read).
    pub bytes: Vec<u8>,
}

/// A credential's verification as a profile reads it: revoked when a status check failed;
/// the warnings of a valid-with-warnings report kept in plain words.
#[must_use]
pub fn verification_of(report: &VerificationReport) -> Verification {
    let revoked = report
        .checks
        .iter()
        .any(|c| c.id.starts_with("status") && matches!(c.outcome, Outcome::Failed(_)));
    let status = match report.verdict {
        _ if revoked => VerificationStatus::Revoked,
        Verdict::Valid => VerificationStatus::Valid,
        Verdict::ValidWithWarnings => VerificationStatus::ValidWithWarnings,
        Verdict::Invalid => VerificationStatus::Invalid,
        _ => VerificationStatus::Indeterminate,
    };
    let warnings = if status == VerificationStatus::ValidWithWarnings {
        report
            .checks
            .iter()
            .filter(|c| !matches!(c.outcome, Outcome::Passed | Outcome::NotApplicable))
            .map(|c| c.message.clone())
            .collect()
    } else {
        Vec::new()
    };
    Verification { status, warnings }
}

/// What was read: the records (each with its verification), the originals, and what could not
/// be read.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// One record per awarded achievement, CLR associations attached.
    pub records: Vec<AchievementRecord>,
    /// The credentials that gave at least one record, in input order.
    pub originals: Vec<Original>,
    /// Items that could not be read (with why).
    pub unreadable: Vec<Unreadable>,
    /// Items that were read but hold no credential (a DID document, a context, …) or were not
    /// verified for another reason: counted, not normalized.
    pub skipped: u64,
}

impl Collected {
    /// The records grouped into people (DIDs, salted hashes checked against the candidates'
    /// identifiers, presentation holders; never names).
    #[must_use]
    pub fn people(&self, candidates: &[Candidate]) -> Vec<Person> {
        group_people(&self.records, candidates)
    }

    /// Every person's skills profile.
    #[must_use]
    pub fn profiles(
        &self,
        candidates: &[Candidate],
        resolver: &dyn SkillResolver,
    ) -> Vec<SkillsProfile> {
        self.people(candidates)
            .iter()
            .map(|person| build_profile(person, &self.records, resolver))
            .collect()
    }

    /// The originals of one profile's credentials (for its exports).
    #[must_use]
    pub fn originals_of(&self, profile: &SkillsProfile) -> Vec<Original> {
        let items: std::collections::HashSet<&str> = profile
            .person
            .records()
            .filter_map(|i| self.records.get(i))
            .map(|r| r.source.item.as_str())
            .collect();
        self.originals
            .iter()
            .filter(|o| items.contains(o.item.as_str()))
            .cloned()
            .collect()
    }
}

/// Builds a [`Collected`] one verified item at a time.
#[derive(Debug, Default)]
pub struct Collector {
    records: Vec<AchievementRecord>,
    associations: Vec<Association>,
    originals: Vec<Original>,
    unreadable: Vec<Unreadable>,
    skipped: u64,
}

impl Collector {
    /// An empty collector.
    #[must_use]
    pub fn new() -> Collector {
        Collector::default()
    }

    /// Normalizes one decoded item with its report; returns how many records it gave. An item
    /// that was not verified (skipped, unreadable) or holds no credential JSON gives none.
    pub fn add(&mut self, item: &Item, report: &VerificationReport) -> usize {
        let path = item.path.to_string();
        self.add_as(
            item,
            report,
            &Origin {
                item: &path,
                ..Origin::default()
            },
        )
    }

    /// [`Collector::add`], with the origin given: a caller that stored the credential names it
    /// its own way (the server: `/inbox/credentials/{id}`) and knows its bytes' SHA-256.
    pub fn add_as(
        &mut self,
        item: &Item,
        report: &VerificationReport,
        origin: &Origin<'_>,
    ) -> usize {
        if report.disposition != Disposition::Verified {
            self.skipped += 1;
            return 0;
        }
        let Some(json) = item.credential_json() else {
            self.skipped += 1;
            return 0;
        };
        let item_path = origin.item.to_owned();
        let out = normalize(json, origin, &verification_of(report));
        let count = out.records.len();
        if count > 0 {
            self.originals.push(Original {
                file_name: file_name(&item_path, self.originals.len()),
                credential_id: report.credential_id.clone(),
                item: item_path,
                json: Some(json.clone()),
                bytes: serde_json::to_vec(json).unwrap_or_default(),
            });
        }
        self.records.extend(out.records);
        self.associations.extend(out.associations);
        count
    }

    /// Counts an item that could not be read.
    pub fn unreadable(&mut self, unreadable: Unreadable) {
        self.unreadable.push(unreadable);
    }

    /// The records (CLR associations attached) and originals.
    #[must_use]
    pub fn finish(mut self) -> Collected {
        crate::attach_associations(&mut self.records, &self.associations);
        Collected {
            records: self.records,
            originals: self.originals,
            unreadable: self.unreadable,
            skipped: self.skipped,
        }
    }
}

/// A bundle file name for the credential at `item` (the last file or entry name, numbered so
/// that names stay unique).
fn file_name(item: &str, index: usize) -> String {
    // The container part only: before any JSON pointer (`#…`); then its last file or entry.
    let outer = item.split('#').next().unwrap_or(item);
    let last = outer
        .rsplit(['/', '!', '\\'])
        .find(|s| !s.is_empty())
        .unwrap_or("credential");
    let last = last.split(':').next().unwrap_or(last);
    let stem = last.rsplit_once('.').map_or(last, |(stem, _)| stem);
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let stem = if stem.is_empty() {
        "credential".to_owned()
    } else {
        stem
    };
    format!("{}-{stem}.json", index + 1)
}

/// Why [`verify_and_collect`] stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// A verification worker stopped without reporting (a bug: panics are caught per item).
    #[error("a verification worker stopped without reporting")]
    WorkerLost,
}

/// Verifies every item of the input in parallel on `pool` (the bulk pipeline, in input order)
/// and normalizes each verified credential with its verdict.
///
/// `open` gives the input's blobs and is called twice: once for verification, once to decode
/// the credentials to normalize (a [`Blob`] is consumed by decoding). Both reads must yield the
/// same items (a file read twice, or bytes held in memory).
///
/// # Errors
/// [`CollectError::WorkerLost`] when the pool lost a worker.
pub fn verify_and_collect<I>(
    open: impl Fn() -> I,
    options: &VerifyOptions,
    pool: &rayon::ThreadPool,
) -> Result<Collected, CollectError>
where
    I: Iterator<Item = Blob>,
{
    // Pass 1: verification, in input order.
    let mut reports: HashMap<String, VecDeque<VerificationReport>> = HashMap::new();
    let mut collector = Collector::new();
    verify_stream(
        open(),
        options,
        pool,
        |report| -> Result<(), std::convert::Infallible> {
            match report {
                // Skipped (not a credential) and unreadable items are counted here: some never
                // decode to an item, so pass 2 would not see them.
                Ok(report) if report.disposition != Disposition::Verified => {
                    collector.skipped += 1;
                }
                Ok(report) => reports
                    .entry(report.item.clone())
                    .or_default()
                    .push_back(report),
                Err(unreadable) => collector.unreadable(unreadable),
            }
            Ok(())
        },
    )
    .map_err(|e| match e {
        BulkError::Sink(never) => match never {},
        _ => CollectError::WorkerLost,
    })?;
    // Pass 2: decode again on the pool (cheap next to verification), normalize in order.
    let blobs: Vec<Blob> = open().collect();
    let decoded: Vec<Vec<_>> = pool.install(|| blobs.into_par_iter().map(Blob::decode).collect());
    for item in decoded.into_iter().flatten() {
        let Ok(item) = item else { continue };
        let Some(report) = reports
            .get_mut(&item.path.to_string())
            .and_then(VecDeque::pop_front)
        else {
            continue;
        };
        collector.add(&item, &report);
    }
    Ok(collector.finish())
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn bundle_names_are_unique_and_plain() {
        assert_eq!(file_name("examples/badge.json", 0), "1-badge.json");
        assert_eq!(file_name("in.zip!dir/a b.png", 1), "2-a_b.json");
        assert_eq!(
            file_name("clr.json#/credentialSubject/x/0", 2),
            "3-clr.json"
        );
        assert_eq!(file_name("", 3), "4-credential.json");
    }
}
