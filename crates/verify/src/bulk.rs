//! Bulk verification: a stream of blobs (files, zip entries, JSON Lines lines) verified on a
//! worker pool and handed back in input order, with bounded memory, one panic costing one item
//! rather than the run, and a [`Summary`] of what was seen. The CLI's `verify` and the bulk
//! benchmark run through here, and a server's bulk jobs can too.
//!
//! Nothing is printed: the caller passes a sink that receives every [`ItemReport`] in order
//! (and counts progress there); a sink error stops the run.
//!
//! A batch must not hide a forgery: a file that is not a credential at all (a DID document, a
//! key, a proof, a JSON-LD context, stray text) gets a [`VerificationReport::skipped`] report
//! ("skipped: not a credential"), counted apart from the verdicts, never as invalid or
//! unreadable; and the [`Summary`] keeps the paths of every item that was not plainly valid,
//! class by class, so a closing summary can list them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use credbridge_formats::{Blob, Item, PathSegment, Payload};
use rayon::prelude::*;
use serde_json::Value;

use crate::{Disposition, Outcome, Verdict, VerificationReport, VerifyOptions};

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

/// What a person needs to know about *what* was verified, read from the credential itself (so
/// every value is the credential's own claim): the achievement, the issuer's name, the
/// recipient as the credential identifies them, and the dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The achievement's (or badge's) name, else the credential's own `name`.
    pub achievement: Option<String>,
    /// The issuer's name as the credential states it.
    pub issuer_name: Option<String>,
    /// The recipient: the subject's `id`, else its first identifier (`email: …`, or that it
    /// is hashed).
    pub recipient: Option<String>,
    /// When it was issued or awarded (`validFrom`, `issuanceDate`, `issuedOn`, `awardedDate`).
    pub issued: Option<String>,
    /// When it stops being valid (`validUntil`, `expirationDate`, `expires`).
    pub expires: Option<String>,
}

impl Header {
    /// The header of a decoded item, when it carries a credential the model can read.
    #[must_use]
    pub fn of(item: &Item) -> Option<Header> {
        let document = credbridge_model::parse(item.credential_json()?).ok()?;
        let summary = credbridge_model::summarize(&document);
        let achievement = summary
            .achievements
            .iter()
            .find_map(|a| a.name.clone())
            .or_else(|| summary.name.clone());
        let recipient = summary.subject.as_ref().and_then(|subject| {
            subject.id.clone().or_else(|| {
                subject.identifiers.first().map(|i| {
                    let kind = i.identity_type.as_deref().unwrap_or("identifier");
                    match (&i.identity, i.hashed) {
                        (Some(_), Some(true)) => format!("{kind} (hashed)"),
                        (Some(identity), _) => format!("{kind}: {identity}"),
                        (None, _) => kind.to_owned(),
                    }
                })
            })
        });
        let dates = &summary.dates;
        Some(Header {
            achievement,
            issuer_name: summary.issuer.as_ref().and_then(|i| i.name.clone()),
            recipient,
            issued: dates
                .valid_from
                .clone()
                .or_else(|| dates.issued.clone())
                .or_else(|| dates.awarded.clone()),
            expires: dates.valid_until.clone().or_else(|| dates.expires.clone()),
        })
    }
}

/// One item's outcome with its [`Header`] (when asked for and readable).
#[derive(Debug, Clone)]
pub struct Described {
    /// The report, or why the item could not be read.
    pub report: ItemReport,
    /// What the credential says it is (absent for unreadable and skipped items).
    pub header: Option<Header>,
}

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
    run(blobs, options, pool, false, |described| {
        sink(described.report)
    })
}

/// [`verify_stream`], with each report's [`Header`] (what the credential says it is) for a
/// front end that shows people what was verified.
///
/// # Errors
/// As [`verify_stream`].
pub fn verify_stream_described<E>(
    blobs: impl Iterator<Item = Blob>,
    options: &VerifyOptions,
    pool: &rayon::ThreadPool,
    sink: impl FnMut(Described) -> Result<(), E>,
) -> Result<(), BulkError<E>> {
    run(blobs, options, pool, true, sink)
}

fn run<E>(
    blobs: impl Iterator<Item = Blob>,
    options: &VerifyOptions,
    pool: &rayon::ThreadPool,
    headers: bool,
    mut sink: impl FnMut(Described) -> Result<(), E>,
) -> Result<(), BulkError<E>> {
    /// A finished group: its number, how many blobs and bytes it held, its reports.
    type Done = (u64, usize, usize, Vec<Described>);
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
                            reports.extend(verify_blob(blob, options, headers));
                        }
                        reports
                    })
                    .unwrap_or_else(|()| {
                        vec![Described {
                            report: Err(Unreadable {
                                item: None,
                                message: INTERNAL_ERROR.into(),
                            }),
                            header: None,
                        }]
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
fn verify_blob(blob: Blob, options: &VerifyOptions, headers: bool) -> Vec<Described> {
    let path = blob.path().map(ToString::to_string);
    let Ok(items) = catch(|| blob.decode()) else {
        return vec![Described {
            report: Err(Unreadable {
                item: path,
                message: INTERNAL_ERROR.into(),
            }),
            header: None,
        }];
    };
    if items.is_empty() {
        // An empty JSON array, an empty JSON Lines file: nothing in it, but it is listed.
        let item = path.unwrap_or_else(|| "(unknown item)".to_owned());
        return vec![Described {
            report: Ok(VerificationReport::skipped(
                item,
                "it holds nothing (an empty list)",
                options.now,
            )),
            header: None,
        }];
    }
    let verify = |item: &Result<Item, credbridge_formats::Error>| match item {
        Ok(item) => {
            if let Some(what) = not_a_credential(item) {
                let report = VerificationReport::skipped(item.path.to_string(), &what, options.now);
                return Described {
                    report: Ok(report),
                    header: None,
                };
            }
            let report = catch(|| crate::verify_item(item, options)).map_err(|()| Unreadable {
                item: Some(item.path.to_string()),
                message: INTERNAL_ERROR.into(),
            });
            let header = if headers {
                catch(|| Header::of(item)).ok().flatten()
            } else {
                None
            };
            Described { report, header }
        }
        Err(credbridge_formats::Error::NotACredentialContainer { path, found, .. })
            if !matches!(path.segments.last(), Some(PathSegment::Pointer(_))) =>
        {
            // A whole file, entry or line that is no credential container: not a credential.
            // (Inside a credential, a slot that holds no credential stays unreadable.)
            Described {
                report: Ok(VerificationReport::skipped(
                    path.to_string(),
                    found,
                    options.now,
                )),
                header: None,
            }
        }
        Err(err) => Described {
            report: Err(Unreadable {
                item: err.path().map(ToString::to_string),
                message: err.to_string(),
            }),
            header: None,
        },
    };
    if items.len() > 1 {
        items.par_iter().map(verify).collect()
    } else {
        items.iter().map(verify).collect()
    }
}

/// Members that only a credential, presentation or assertion has: an object with one of them
/// is verified whatever its `type` says, so that a credential whose type was tampered with is
/// reported invalid, never skipped.
const CREDENTIAL_MEMBERS: [&str; 7] = [
    "credentialSubject",
    "issuer",
    "verifiableCredential",
    "holder",
    "badge",
    "recipient",
    "vc",
];

/// Proof types, for recognising a proof kept in a file of its own.
const PROOF_TYPES: [&str; 6] = [
    "DataIntegrityProof",
    "Ed25519Signature2020",
    "Ed25519Signature2018",
    "EcdsaSecp256k1Signature2019",
    "JsonWebSignature2020",
    "RsaSignature2018",
];

/// What a decoded JSON item is when it is not a credential (a DID document, a proof, a
/// context, …), or `None` for anything that may be a credential (it is then verified).
fn not_a_credential(item: &Item) -> Option<String> {
    let Payload::Json { value, .. } = &item.payload else {
        return None;
    };
    let object = value.as_object()?;
    if credbridge_model::classify(value).format != credbridge_model::Format::Unknown
        || CREDENTIAL_MEMBERS.iter().any(|m| object.contains_key(*m))
    {
        return None;
    }
    let types: Vec<&str> = match object.get("type").or_else(|| object.get("@type")) {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is_did = object
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| id.starts_with("did:"));
    let has_keys = ["verificationMethod", "authentication", "assertionMethod"]
        .iter()
        .any(|m| object.contains_key(*m));
    let what = if is_did && (has_keys || types.is_empty()) {
        "a DID document".to_owned()
    } else if has_keys {
        "a controller document".to_owned()
    } else if types.iter().any(|t| PROOF_TYPES.contains(t))
        || object.contains_key("proofValue")
        || object.contains_key("jws")
    {
        "a proof".to_owned()
    } else if object.keys().all(|k| k == "@context") {
        "a JSON-LD context".to_owned()
    } else if let Some(first) = types.first() {
        format!("a JSON document of type {first}")
    } else {
        "a JSON document that is not a credential".to_owned()
    };
    Some(what)
}

fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| ())
}

/// Most paths a [`Summary`] keeps per [`Class`]; the rest are only counted.
pub const MAX_LISTED_PATHS: usize = 1000;

/// The classes a closing summary lists, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A credential whose verdict is `invalid`.
    Invalid,
    /// A credential whose verdict is `indeterminate`.
    Indeterminate,
    /// An item that could not be read.
    Unreadable,
    /// A credential whose verdict is `valid-with-warnings`.
    ValidWithWarnings,
    /// An item that is not a credential.
    Skipped,
}

/// Counts over a bulk run: verdicts of credentials, unreadable and skipped items, per check id
/// how often it failed or could not be checked, and the paths of every item that was not
/// plainly valid, by [`Class`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Credentials per verdict (unreadable and skipped items are not counted here).
    pub verdicts: BTreeMap<Verdict, u64>,
    /// Items that could not be read.
    pub unreadable: u64,
    /// Items that are not credentials (skipped).
    pub skipped: u64,
    /// Check id → (failed, could not check).
    pub not_passed: BTreeMap<String, (u64, u64)>,
    /// Paths per class (at most [`MAX_LISTED_PATHS`] each), in input order.
    pub paths: BTreeMap<Class, Vec<String>>,
}

impl Summary {
    fn list(&mut self, class: Class, path: &str) {
        let paths = self.paths.entry(class).or_default();
        if paths.len() < MAX_LISTED_PATHS {
            paths.push(path.to_owned());
        }
    }

    /// Counts one item.
    pub fn add(&mut self, report: &ItemReport) {
        let report = match report {
            Err(unreadable) => {
                self.unreadable += 1;
                let path = unreadable.item.as_deref().unwrap_or("(unknown item)");
                self.list(Class::Unreadable, path);
                return;
            }
            Ok(report) => report,
        };
        match report.disposition {
            Disposition::Skipped => {
                self.skipped += 1;
                self.list(Class::Skipped, &report.item);
                return;
            }
            Disposition::Unreadable => {
                self.unreadable += 1;
                self.list(Class::Unreadable, &report.item);
                return;
            }
            Disposition::Verified => {}
        }
        *self.verdicts.entry(report.verdict).or_default() += 1;
        let class = match report.verdict {
            Verdict::Invalid => Some(Class::Invalid),
            Verdict::Indeterminate => Some(Class::Indeterminate),
            Verdict::ValidWithWarnings => Some(Class::ValidWithWarnings),
            Verdict::Valid => None,
        };
        if let Some(class) = class {
            self.list(class, &report.item);
        }
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

    /// Items counted: credentials, unreadable and skipped items.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.credentials() + self.unreadable + self.skipped
    }

    /// Credentials verified (items with a verdict of their own).
    #[must_use]
    pub fn credentials(&self) -> u64 {
        self.verdicts.values().sum::<u64>()
    }

    /// How many items of `class` were seen (the listed paths may be fewer).
    #[must_use]
    pub fn class_count(&self, class: Class) -> u64 {
        match class {
            Class::Invalid => self.count(Verdict::Invalid),
            Class::Indeterminate => self.count(Verdict::Indeterminate),
            Class::ValidWithWarnings => self.count(Verdict::ValidWithWarnings),
            Class::Unreadable => self.unreadable,
            Class::Skipped => self.skipped,
        }
    }

    /// Reports with `verdict`.
    #[must_use]
    pub fn count(&self, verdict: Verdict) -> u64 {
        self.verdicts.get(&verdict).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credbridge_formats::ItemPath;
    use serde_json::json;

    fn item(value: Value) -> Item {
        let raw: std::sync::Arc<[u8]> = serde_json::to_vec(&value).unwrap().into();
        Item {
            path: ItemPath::file("x.json"),
            containers: Vec::new(),
            payload: Payload::Json { value, raw },
        }
    }

    #[test]
    fn documents_that_are_not_credentials_are_named_and_credentials_never_are() {
        let did = json!({
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": "did:web:example.edu",
            "verificationMethod": [{"id": "did:web:example.edu#k", "type": "Multikey"}]
        });
        assert_eq!(
            not_a_credential(&item(did)).as_deref(),
            Some("a DID document")
        );
        let proof = json!({"type": "DataIntegrityProof", "proofValue": "z3"});
        assert_eq!(not_a_credential(&item(proof)).as_deref(), Some("a proof"));
        let context = json!({"@context": {"name": "https://schema.org/name"}});
        assert_eq!(
            not_a_credential(&item(context)).as_deref(),
            Some("a JSON-LD context")
        );
        // A credential whose type was tampered with is still verified (and fails), not skipped.
        let retyped = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["Diploma"],
            "issuer": "did:key:z6Mk",
            "credentialSubject": {"id": "did:example:learner"}
        });
        assert_eq!(not_a_credential(&item(retyped)), None);
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"]
        });
        assert_eq!(not_a_credential(&item(credential)), None);
    }

    #[test]
    fn the_summary_counts_skipped_items_apart_and_lists_paths_by_class() {
        let mut summary = Summary::default();
        summary.add(&Ok(VerificationReport::skipped(
            "did.json".into(),
            "a DID document",
            0,
        )));
        summary.add(&Err(Unreadable {
            item: Some("broken.json".into()),
            message: "invalid JSON".into(),
        }));
        summary.add(&Ok(VerificationReport::unreadable(
            "damaged.png".into(),
            "bad PNG".into(),
            0,
        )));
        assert_eq!(summary.skipped, 1);
        assert_eq!(summary.unreadable, 2);
        assert_eq!(summary.credentials(), 0);
        assert_eq!(summary.total(), 3);
        assert_eq!(summary.paths[&Class::Skipped], ["did.json"]);
        assert_eq!(
            summary.paths[&Class::Unreadable],
            ["broken.json", "damaged.png"]
        );
        assert_eq!(summary.class_count(Class::Skipped), 1);
    }
}
