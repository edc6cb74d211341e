//! Webhook delivery: the worker that [`crate::serve`] starts, and the small hooks the routes call
//! where changes happen. The events themselves are written by the store in the transaction of
//! the change (the outbox); what they mean, how they are signed and when they are retried is
//! `credbridge_export::webhook`; the POST goes through the guarded client of `credbridge-fetch`.
//!
//! The worker claims due deliveries under a lease (twice the delivery timeout), posts each one
//! signed, records the attempt in the delivery log and, on failure, schedules the next attempt
//! by the retry schedule (exponential backoff with jitter) or gives up after the last one. A
//! server killed mid-delivery leaves the lease to expire: the delivery is made again after the
//! restart (at least once; receivers drop duplicates by the `Credbridge-Event-Id` header).

use std::sync::Arc;
use std::time::{Duration, Instant};

use credbridge_export::webhook::{
    self, EVENT_ID_HEADER, EVENT_TYPE_HEADER, EventType, MAX_LOGGED_RESPONSE_BYTES, Recomputed,
    SIGNATURE_HEADER,
};
use credbridge_fetch::{FetchPolicy, GuardedClient, SystemClock};
use credbridge_store::{
    Attempt, AttemptOutcome, Digested, DueDelivery, OutboxEvent, Store, StoreError,
};
use serde_json::Value;
use tokio::sync::watch;

use crate::settings::WebhookSettings;
use crate::state::now_ms;

/// Most deliveries claimed (and attempted concurrently) per round.
pub const DELIVERY_BATCH: u32 = 16;

/// The guarded client deliveries go through: strict by default (https, public addresses);
/// `allow_http` and `dangerous_allow_loopback` only as the settings say. No cache, no
/// snapshots, no proxy from the environment (the library reads none).
pub fn delivery_client(settings: &WebhookSettings) -> GuardedClient {
    let policy = FetchPolicy {
        timeout_connect: settings.timeout.min(Duration::from_secs(5)),
        timeout_total: settings.timeout,
        allow_http: settings.allow_http,
        dangerous_allow_loopback: settings.dangerous_allow_loopback,
        cache_max_entries: 0,
        ..FetchPolicy::default()
    };
    GuardedClient::new(policy, Arc::new(SystemClock))
}

/// The delivery worker's parts.
pub struct Deliverer {
    store: Arc<dyn Store>,
    client: Arc<GuardedClient>,
    settings: WebhookSettings,
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deliverer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A random number in `[0, 1)` for the retry jitter (0.5 if the system has no randomness).
fn jitter() -> f64 {
    // 53 random bits are exactly representable in an f64's mantissa.
    getrandom::u64().map_or(0.5, |bits| (bits >> 11) as f64 / (1u64 << 53) as f64)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Deliverer {
    /// A worker over `store`, delivering under `settings`.
    pub fn new(store: Arc<dyn Store>, settings: WebhookSettings) -> Deliverer {
        Deliverer {
            client: Arc::new(delivery_client(&settings)),
            store,
            settings,
        }
    }

    /// Runs until `stop` turns true: a round of due deliveries, then a pause of the poll
    /// interval (none when the round was full). An attempt in flight when `stop` comes is
    /// finished and recorded.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let pause = match self.round().await {
                Ok(n) if n >= DELIVERY_BATCH as usize => Duration::ZERO,
                Ok(_) => self.settings.poll_interval,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery round");
                    self.settings.poll_interval
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Claims the due deliveries and attempts each (concurrently); returns how many.
    pub async fn round(&self) -> Result<usize, StoreError> {
        let now = now_ms();
        let lease = millis(self.settings.timeout.saturating_mul(2)).max(1000);
        let due = self
            .store
            .claim_deliveries(now, now.saturating_add(lease), DELIVERY_BATCH)
            .await?;
        let count = due.len();
        let mut attempts = tokio::task::JoinSet::new();
        for delivery in due {
            let store = self.store.clone();
            let client = self.client.clone();
            let retry = self.settings.retry;
            attempts.spawn(async move { attempt(store, client, retry, delivery).await });
        }
        while let Some(done) = attempts.join_next().await {
            match done {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "recording a webhook attempt"),
                Err(e) => tracing::error!(error = %e, "a webhook attempt stopped"),
            }
        }
        Ok(count)
    }
}

/// Posts one delivery, signed, and records the attempt.
async fn attempt(
    store: Arc<dyn Store>,
    client: Arc<GuardedClient>,
    retry: webhook::RetrySchedule,
    delivery: DueDelivery,
) -> Result<(), StoreError> {
    let data: Value = serde_json::from_str(&delivery.data).unwrap_or(Value::Null);
    let body = webhook::payload(&webhook::Event {
        id: &delivery.event_id,
        event_type: &delivery.event_type,
        created_at_ms: delivery.created_at,
        data: &data,
    });
    let started_ms = now_ms();
    let signature = webhook::signature_header(&delivery.secret, started_ms / 1000, &body);
    let url = delivery.url.clone();
    let event_id = delivery.event_id.clone();
    let event_type = delivery.event_type.clone();
    let started = Instant::now();
    let posted = tokio::task::spawn_blocking(move || {
        client.post(
            &url,
            "application/json",
            &[
                (SIGNATURE_HEADER, signature.as_str()),
                (EVENT_ID_HEADER, event_id.as_str()),
                (EVENT_TYPE_HEADER, event_type.as_str()),
            ],
            &body,
        )
    })
    .await;
    let number = delivery.attempts.saturating_add(1);
    let (status, error) = match posted {
        Ok(Ok(answer)) if webhook::delivered(answer.status) => (Some(answer.status), None),
        Ok(Ok(answer)) => {
            let start = answer
                .body
                .get(..answer.body.len().min(MAX_LOGGED_RESPONSE_BYTES))
                .unwrap_or_default();
            let text = String::from_utf8_lossy(start);
            (
                Some(answer.status),
                Some(format!("HTTP {}: {}", answer.status, text.trim())),
            )
        }
        Ok(Err(e)) => (None, Some(e.to_string())),
        Err(e) => (None, Some(format!("the delivery task stopped: {e}"))),
    };
    let finished = now_ms();
    let outcome = if error.is_none() {
        AttemptOutcome::Delivered
    } else {
        match retry.next_delay(number, jitter()) {
            Some(delay) => AttemptOutcome::RetryAt(finished.saturating_add(millis(delay))),
            None => AttemptOutcome::GiveUp,
        }
    };
    tracing::info!(
        event = %delivery.event_id,
        subscription = %delivery.subscription_id,
        attempt = number,
        status = status.unwrap_or(0),
        outcome = ?outcome,
        "webhook delivery"
    );
    store
        .record_attempt(
            &delivery.event_id,
            &delivery.subscription_id,
            &Attempt {
                attempt: number,
                at: started_ms,
                status,
                error,
                duration_ms: millis(started.elapsed()),
            },
            outcome,
        )
        .await
}

/// The extra events of a re-verification: `credential.revoked` when the new report finds the
/// credential revoked or suspended and the previous one (`previous`, the latest stored report
/// as JSON text) did not.
pub fn reverification_events(id: &str, previous: Option<&str>, report: &str) -> Vec<OutboxEvent> {
    let new: Value = serde_json::from_str(report).unwrap_or(Value::Null);
    let old: Value = previous
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null);
    if !webhook::revocation_found(&new) || webhook::revocation_found(&old) {
        return Vec::new();
    }
    vec![OutboxEvent {
        event_type: EventType::CredentialRevoked.as_str().to_owned(),
        data: serde_json::json!({
            "credential": id,
            "check": webhook::revocation_check(&new),
        }),
    }]
}

/// Records recomputed objects (profiles, a job's matches) for `event_type`, writing an event
/// for each one that changed. Failures are logged, not answered: the digest is not updated
/// either, so the next recomputation writes the event.
pub async fn note_recomputed(
    store: &dyn Store,
    tenant: &str,
    event_type: EventType,
    items: Vec<Recomputed>,
) {
    let items: Vec<Digested> = items
        .into_iter()
        .map(|r| Digested {
            subject: r.subject,
            digest: r.digest,
            data: r.data,
        })
        .collect();
    if let Err(e) = store
        .note_digests(tenant, event_type.as_str(), &items, now_ms())
        .await
    {
        tracing::warn!(error = %e, event = %event_type, "recording recomputed objects for webhooks");
    }
}

/// Whether a subscription of the tenant wants `event_type` (so that digests are only computed
/// for someone); `false` on a store error.
pub async fn wanted(store: &dyn Store, tenant: &str, event_type: EventType) -> bool {
    store
        .wants_event(tenant, event_type.as_str())
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_event_names_are_webhook_event_types() {
        for name in [
            credbridge_store::EVENT_CREDENTIAL_RECEIVED,
            credbridge_store::EVENT_CREDENTIAL_VERIFIED,
        ] {
            assert!(EventType::parse(name).is_some(), "{name}");
        }
    }

    #[test]
    fn revoked_only_when_newly_revoked() {
        let revoked = r#"{"checks":[{"id":"status","outcome":"failed","reason":"bit set"}]}"#;
        let fine = r#"{"checks":[{"id":"status","outcome":"passed"}]}"#;
        let events = reverification_events("c1", Some(fine), revoked);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_type, "credential.revoked");
        assert_eq!(events[0].data["check"]["reason"], "bit set");
        assert!(reverification_events("c1", Some(revoked), revoked).is_empty());
        assert!(reverification_events("c1", Some(fine), fine).is_empty());
        assert_eq!(reverification_events("c1", None, revoked).len(), 1);
    }

    #[test]
    fn jitter_is_a_fraction() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
