//! [`FetchStats`]: how the client's fetches ended, counted by [`Purpose`] and [`FetchOutcome`].
//!
//! A fixed table of relaxed atomics, one per (purpose, outcome) pair, owned by each
//! [`crate::GuardedClient`]: counting costs one uncontended add, and reading takes no lock.
//! The counters say what happened on the wire side of a verification (were status lists
//! served from the cache, were fetches refused by the address guard, did hosts time out) and
//! are exported by whoever holds the client (the server's `/metrics`).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{FetchError, Fetched, Purpose};

/// How one fetch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FetchOutcome {
    /// Fetched from the network: 2xx, accepted media type, within the size limit.
    Ok,
    /// Served from the in-memory cache; nothing was sent.
    CacheHit,
    /// The client is offline; nothing was sent.
    Offline,
    /// Refused by the guard: a non-public address ([`FetchError::AddressRefused`]) or a
    /// scheme the policy does not allow ([`FetchError::SchemeRefused`]).
    Refused,
    /// A connect or total timeout expired.
    Timeout,
    /// The server answered with a non-success status.
    HttpError,
    /// The body was larger than the policy allows.
    TooLarge,
    /// Anything else: DNS, connect, TLS, malformed HTTP, media type, redirects, invalid URL,
    /// the snapshot directory.
    OtherError,
}

impl FetchOutcome {
    /// Every outcome, in the order [`FetchStats::counts`] reports them.
    pub const ALL: [FetchOutcome; 8] = [
        FetchOutcome::Ok,
        FetchOutcome::CacheHit,
        FetchOutcome::Offline,
        FetchOutcome::Refused,
        FetchOutcome::Timeout,
        FetchOutcome::HttpError,
        FetchOutcome::TooLarge,
        FetchOutcome::OtherError,
    ];

    /// The outcome of what [`crate::GuardedClient::get`] returned.
    #[must_use]
    pub fn of(result: &Result<Fetched, FetchError>) -> FetchOutcome {
        match result {
            Ok(fetched) if fetched.from_cache => FetchOutcome::CacheHit,
            Ok(_) => FetchOutcome::Ok,
            Err(FetchError::Offline { .. }) => FetchOutcome::Offline,
            Err(FetchError::AddressRefused { .. } | FetchError::SchemeRefused { .. }) => {
                FetchOutcome::Refused
            }
            Err(FetchError::Timeout { .. }) => FetchOutcome::Timeout,
            Err(FetchError::HttpStatus { .. }) => FetchOutcome::HttpError,
            Err(FetchError::TooLarge { .. }) => FetchOutcome::TooLarge,
            Err(_) => FetchOutcome::OtherError,
        }
    }

    /// A metric label: `ok`, `cache_hit`, `offline`, `refused`, `timeout`, `http_error`,
    /// `too_large`, `other_error`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            FetchOutcome::Ok => "ok",
            FetchOutcome::CacheHit => "cache_hit",
            FetchOutcome::Offline => "offline",
            FetchOutcome::Refused => "refused",
            FetchOutcome::Timeout => "timeout",
            FetchOutcome::HttpError => "http_error",
            FetchOutcome::TooLarge => "too_large",
            FetchOutcome::OtherError => "other_error",
        }
    }

    fn index(self) -> usize {
        FetchOutcome::ALL
            .iter()
            .position(|o| *o == self)
            .unwrap_or(FetchOutcome::ALL.len() - 1)
    }
}

/// A metric label for a purpose: `did_document`, `controller_document`, `status_list`,
/// `ob2_assertion`, `ob2_document`, `issuer_registry`, `did_configuration`, `credential`
/// (`other` for a purpose added later and not yet named here).
#[must_use]
pub fn purpose_label(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::DidDocument => "did_document",
        Purpose::ControllerDocument => "controller_document",
        Purpose::StatusList => "status_list",
        Purpose::Ob2Assertion => "ob2_assertion",
        Purpose::Ob2Document => "ob2_document",
        Purpose::IssuerRegistry => "issuer_registry",
        Purpose::DidConfiguration => "did_configuration",
        Purpose::Credential => "credential",
        _ => "other",
    }
}

const PURPOSES: usize = Purpose::ALL.len();
const OUTCOMES: usize = FetchOutcome::ALL.len();

/// Fetch counters by purpose and outcome; see the module doc.
#[derive(Debug, Default)]
pub struct FetchStats {
    counts: [[AtomicU64; OUTCOMES]; PURPOSES],
}

impl FetchStats {
    /// Counts one fetch for `purpose` that ended as `outcome`.
    pub fn record(&self, purpose: Purpose, outcome: FetchOutcome) {
        let Some(row) = Purpose::ALL
            .iter()
            .position(|p| *p == purpose)
            .and_then(|i| self.counts.get(i))
        else {
            return;
        };
        if let Some(counter) = row.get(outcome.index()) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many fetches for `purpose` ended as `outcome`.
    #[must_use]
    pub fn count(&self, purpose: Purpose, outcome: FetchOutcome) -> u64 {
        Purpose::ALL
            .iter()
            .position(|p| *p == purpose)
            .and_then(|i| self.counts.get(i))
            .and_then(|row| row.get(outcome.index()))
            .map_or(0, |counter| counter.load(Ordering::Relaxed))
    }

    /// Every (purpose, outcome, count), purposes in [`Purpose::ALL`] order and outcomes in
    /// [`FetchOutcome::ALL`] order, zeros included (a Prometheus counter should exist from the
    /// start, so that a rate over it is defined).
    #[must_use]
    pub fn counts(&self) -> Vec<(Purpose, FetchOutcome, u64)> {
        let mut all = Vec::with_capacity(PURPOSES * OUTCOMES);
        for (purpose, row) in Purpose::ALL.iter().zip(&self.counts) {
            for (outcome, counter) in FetchOutcome::ALL.iter().zip(row) {
                all.push((*purpose, *outcome, counter.load(Ordering::Relaxed)));
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_their_outcome() {
        let url = || "https://issuer.example/list".to_owned();
        let cases = [
            (
                FetchError::Offline {
                    url: url(),
                    purpose: Purpose::StatusList,
                },
                FetchOutcome::Offline,
            ),
            (
                FetchError::AddressRefused {
                    url: url(),
                    addr: "127.0.0.1".parse().unwrap(),
                    why: crate::classify_address("127.0.0.1".parse().unwrap()).unwrap(),
                },
                FetchOutcome::Refused,
            ),
            (
                FetchError::SchemeRefused {
                    url: url(),
                    scheme: "http".into(),
                    hint: "",
                },
                FetchOutcome::Refused,
            ),
            (
                FetchError::Timeout {
                    url: url(),
                    after: std::time::Duration::from_secs(1),
                    stage: "total",
                },
                FetchOutcome::Timeout,
            ),
            (
                FetchError::HttpStatus {
                    url: url(),
                    status: 404,
                },
                FetchOutcome::HttpError,
            ),
            (
                FetchError::TooLarge {
                    url: url(),
                    limit: 1,
                },
                FetchOutcome::TooLarge,
            ),
            (
                FetchError::Dns {
                    url: url(),
                    reason: "no".into(),
                },
                FetchOutcome::OtherError,
            ),
        ];
        for (error, outcome) in cases {
            assert_eq!(FetchOutcome::of(&Err(error.clone())), outcome, "{error}");
        }
    }

    #[test]
    fn counters_are_kept_per_purpose_and_outcome() {
        let stats = FetchStats::default();
        stats.record(Purpose::StatusList, FetchOutcome::Ok);
        stats.record(Purpose::StatusList, FetchOutcome::Ok);
        stats.record(Purpose::DidDocument, FetchOutcome::Timeout);
        assert_eq!(stats.count(Purpose::StatusList, FetchOutcome::Ok), 2);
        assert_eq!(stats.count(Purpose::DidDocument, FetchOutcome::Timeout), 1);
        assert_eq!(stats.count(Purpose::DidDocument, FetchOutcome::Ok), 0);
        let all = stats.counts();
        assert_eq!(all.len(), Purpose::ALL.len() * FetchOutcome::ALL.len());
        assert_eq!(all.iter().map(|(_, _, n)| n).sum::<u64>(), 3);
        // Every purpose has a label of its own.
        let mut labels: Vec<_> = Purpose::ALL.iter().map(|p| purpose_label(*p)).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), Purpose::ALL.len());
    }
}
