//! The in-memory response cache: bounded by entries and bytes, entries fresh for a TTL.
//!
//! Keyed by `(purpose, url)` because the media-type check depends on the purpose. Eviction is
//! oldest-inserted first — a verification run touches each document a few times in a burst, so
//! recency of insertion is a good enough proxy for recency of use, and it keeps the bookkeeping
//! to one queue.
//!
//! Failures are remembered too, for at most [`MAX_FAILURE_TTL`]: a run that meets the same
//! unreachable document for every credential (an issuer website without a DID configuration, a
//! status list host that is down) asks the network once, not once per credential.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use crate::{FetchError, Fetched, Purpose};

type Key = (Purpose, String);

/// Longest a failed fetch is answered from memory (never longer than the cache's TTL).
pub const MAX_FAILURE_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub(crate) struct Cache {
    entries: HashMap<Key, Fetched>,
    order: VecDeque<Key>,
    bytes: usize,
    failures: HashMap<Key, (SystemTime, FetchError)>,
}

impl Cache {
    /// A fresh entry for `key`, or `None`. A clock that went backwards counts as stale.
    pub(crate) fn fresh(
        &self,
        purpose: Purpose,
        url: &str,
        now: SystemTime,
        ttl: Duration,
    ) -> Option<Fetched> {
        let entry = self.entries.get(&(purpose, url.to_owned()))?;
        let age = now.duration_since(entry.fetched_at).ok()?;
        (age < ttl).then(|| entry.clone())
    }

    /// The newest entry for `url` under any purpose, fresh or not.
    pub(crate) fn any(&self, url: &str) -> Option<&Fetched> {
        self.entries
            .iter()
            .filter(|((_, u), _)| u == url)
            .map(|(_, f)| f)
            .max_by_key(|f| f.fetched_at)
    }

    pub(crate) fn insert(&mut self, fetched: &Fetched, max_entries: usize, max_bytes: usize) {
        let size = fetched.body.len();
        if max_entries == 0 || size > max_bytes {
            return;
        }
        let key = (fetched.purpose, fetched.url.clone());
        self.remove(&key);
        while self.entries.len() >= max_entries || self.bytes.saturating_add(size) > max_bytes {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.entries.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(old.body.len());
            }
        }
        self.bytes = self.bytes.saturating_add(size);
        self.order.push_back(key.clone());
        let mut stored = fetched.clone();
        stored.from_cache = true;
        self.entries.insert(key, stored);
    }

    /// The failure of a fetch of `url` for `purpose` within `ttl` (capped at
    /// [`MAX_FAILURE_TTL`]), to answer again without asking the network.
    pub(crate) fn recent_failure(
        &self,
        purpose: Purpose,
        url: &str,
        now: SystemTime,
        ttl: Duration,
    ) -> Option<FetchError> {
        let (at, error) = self.failures.get(&(purpose, url.to_owned()))?;
        let age = now.duration_since(*at).ok()?;
        (age < ttl.min(MAX_FAILURE_TTL)).then(|| error.clone())
    }

    /// Remembers a failed fetch; at most `max_entries` failures are kept (the oldest goes).
    pub(crate) fn remember_failure(
        &mut self,
        purpose: Purpose,
        url: &str,
        now: SystemTime,
        error: &FetchError,
        max_entries: usize,
    ) {
        if max_entries == 0 {
            return;
        }
        while self.failures.len() >= max_entries {
            let Some(oldest) = self
                .failures
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.failures.remove(&oldest);
        }
        self.failures
            .insert((purpose, url.to_owned()), (now, error.clone()));
    }

    fn remove(&mut self, key: &Key) {
        if let Some(old) = self.entries.remove(key) {
            self.bytes = self.bytes.saturating_sub(old.body.len());
            self.order.retain(|k| k != key);
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched(url: &str, body: usize, at: u64) -> Fetched {
        Fetched {
            url: url.to_owned(),
            final_url: url.to_owned(),
            purpose: Purpose::StatusList,
            status: 200,
            content_type: "application/json".into(),
            body_sha256: crate::snapshot::sha256(&vec![b'x'; body]),
            body: vec![b'x'; body].into(),
            fetched_at: SystemTime::UNIX_EPOCH + Duration::from_secs(at),
            from_cache: false,
        }
    }

    #[test]
    fn bounded_by_entries_and_bytes() {
        let mut cache = Cache::default();
        for i in 0..5 {
            cache.insert(&fetched(&format!("https://e/{i}"), 10, 0), 3, 1000);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.any("https://e/0").is_none());
        assert!(cache.any("https://e/4").is_some());

        cache.insert(&fetched("https://e/big", 995, 0), 3, 1000);
        assert_eq!(cache.len(), 1, "the byte budget evicts the others");
        cache.insert(&fetched("https://e/huge", 2000, 0), 3, 1000);
        assert!(
            cache.any("https://e/huge").is_none(),
            "larger than the budget: not kept"
        );
        cache.insert(&fetched("https://e/off", 1, 0), 0, 1000);
        assert!(
            cache.any("https://e/off").is_none(),
            "0 entries turns the cache off"
        );
    }

    #[test]
    fn ttl_and_backwards_clock() {
        let mut cache = Cache::default();
        cache.insert(&fetched("https://e/a", 1, 100), 8, 100);
        let ttl = Duration::from_secs(10);
        let at = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert!(
            cache
                .fresh(Purpose::StatusList, "https://e/a", at(105), ttl)
                .unwrap()
                .from_cache
        );
        assert!(
            cache
                .fresh(Purpose::StatusList, "https://e/a", at(110), ttl)
                .is_none()
        );
        assert!(
            cache
                .fresh(Purpose::StatusList, "https://e/a", at(99), ttl)
                .is_none()
        );
        assert!(
            cache
                .fresh(Purpose::DidDocument, "https://e/a", at(105), ttl)
                .is_none()
        );
    }

    #[test]
    fn replacing_an_entry_keeps_the_byte_count() {
        let mut cache = Cache::default();
        for _ in 0..10 {
            cache.insert(&fetched("https://e/a", 40, 0), 8, 100);
        }
        cache.insert(&fetched("https://e/b", 60, 0), 8, 100);
        assert_eq!(cache.len(), 2);
    }
}
