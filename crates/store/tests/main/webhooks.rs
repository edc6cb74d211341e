//! Webhooks: subscriptions per tenant (secret never serialized), the outbox written in the
//! transaction of the change and only for wanted types, claims under a lease, attempts and the
//! delivery log, digests that emit once per change, and deletion.

use credbridge_store::{
    Attempt, AttemptOutcome, DeliveryState, Digested, NewSubscription, OutboxEvent, Store,
};
use serde_json::json;

use crate::both;
use crate::inbox::credential;

fn subscription(url: &str, events: &[&str]) -> NewSubscription {
    NewSubscription {
        url: url.to_owned(),
        secret: "whsec_test".to_owned(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        description: "ATS".to_owned(),
    }
}

fn attempt(number: u32, at: i64, status: Option<u16>, error: Option<&str>) -> Attempt {
    Attempt {
        attempt: number,
        at,
        status,
        error: error.map(str::to_owned),
        duration_ms: 3,
    }
}

async fn subscriptions(store: &dyn Store) {
    let a = store.ensure_tenant("a").await.unwrap().id;
    let b = store.ensure_tenant("b").await.unwrap().id;
    let created = store
        .add_subscription(
            &a,
            &subscription(
                "https://ats.example/hook",
                &["profile.updated", "credential.received", "profile.updated"],
            ),
            1_000,
        )
        .await
        .unwrap();
    assert_eq!(created.events, ["credential.received", "profile.updated"]);
    assert_eq!(created.secret, "whsec_test");
    let listed = store.list_subscriptions(&a).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&created));
    // The secret is kept (to sign) but never serialized.
    let text = serde_json::to_string(&listed).unwrap();
    assert!(!text.contains("whsec_test"), "{text}");
    assert!(text.contains("https://ats.example/hook"), "{text}");

    // Another tenant sees and deletes nothing.
    assert!(store.list_subscriptions(&b).await.unwrap().is_empty());
    assert_eq!(store.subscription(&b, &created.id).await.unwrap(), None);
    assert!(!store.delete_subscription(&b, &created.id).await.unwrap());
    assert!(store.wants_event(&a, "profile.updated").await.unwrap());
    assert!(!store.wants_event(&b, "profile.updated").await.unwrap());
    assert!(!store.wants_event(&a, "match.updated").await.unwrap());

    assert!(store.delete_subscription(&a, &created.id).await.unwrap());
    assert_eq!(store.subscription(&a, &created.id).await.unwrap(), None);
    assert!(!store.wants_event(&a, "profile.updated").await.unwrap());
}
both!(subscriptions_per_tenant, subscriptions);

async fn outbox(store: &dyn Store) {
    let a = store.ensure_tenant("a").await.unwrap().id;
    let b = store.ensure_tenant("b").await.unwrap().id;
    // Nobody subscribed: the inbox writes no event.
    store
        .add_credentials(&a, &[credential(b"one", "", "did:ex:i", "s", "valid", 10)])
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries(i64::MAX / 2, i64::MAX / 2, 100)
            .await
            .unwrap()
            .is_empty()
    );

    let received = store
        .add_subscription(
            &a,
            &subscription("https://ats.example/r", &["credential.received"]),
            20,
        )
        .await
        .unwrap();
    let both_kinds = store
        .add_subscription(
            &a,
            &subscription(
                "https://crm.example/v",
                &["credential.received", "credential.verified"],
            ),
            21,
        )
        .await
        .unwrap();
    // Tenant b's uploads never reach a's subscriptions.
    store
        .add_credentials(&b, &[credential(b"two", "", "did:ex:i", "s", "valid", 30)])
        .await
        .unwrap();
    let added = store
        .add_credentials(
            &a,
            &[
                credential(b"three", "", "did:ex:i", "s", "invalid", 40),
                credential(b"one", "", "did:ex:i", "s", "valid", 41),
            ],
        )
        .await
        .unwrap();
    assert!(added[0].created);
    assert!(
        !added[1].created,
        "a credential already stored is no new event"
    );

    // Not due yet at 39; due at 40: received → 2 subscriptions, verified → 1.
    assert!(
        store
            .claim_deliveries(39, 1_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.claim_deliveries(40, 1_000, 100).await.unwrap();
    assert_eq!(due.len(), 3, "{due:?}");
    assert!(due.iter().all(|d| d.tenant_id == a && d.attempts == 0));
    let to_received: Vec<_> = due
        .iter()
        .filter(|d| d.subscription_id == received.id)
        .collect();
    assert_eq!(to_received.len(), 1);
    let first = to_received[0].clone();
    assert_eq!(first.event_type, "credential.received");
    assert_eq!(first.url, "https://ats.example/r");
    assert_eq!(first.secret, "whsec_test");
    assert_eq!(first.created_at, 40);
    let data: serde_json::Value = serde_json::from_str(&first.data).unwrap();
    assert_eq!(data["credential"], added[0].id);
    assert_eq!(data["verdict"], "invalid");
    let verified = due
        .iter()
        .find(|d| d.event_type == "credential.verified")
        .unwrap();
    assert_eq!(verified.subscription_id, both_kinds.id);
    // The same event id goes to every subscription that wants it.
    assert!(
        due.iter()
            .filter(|d| d.event_type == "credential.received")
            .all(|d| d.event_id == first.event_id)
    );

    // Leased: a second claim before the lease ends gets nothing.
    assert!(
        store
            .claim_deliveries(500, 1_000, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // A failed attempt reschedules; the next claim hands it out with its attempt count.
    store
        .record_attempt(
            &first.event_id,
            &received.id,
            &attempt(1, 50, None, Some("connection refused")),
            AttemptOutcome::RetryAt(60),
        )
        .await
        .unwrap();
    let again = store.claim_deliveries(60, 2_000, 100).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_id, first.event_id);
    assert_eq!(again[0].attempts, 1);
    store
        .record_attempt(
            &first.event_id,
            &received.id,
            &attempt(2, 70, Some(204), None),
            AttemptOutcome::Delivered,
        )
        .await
        .unwrap();
    // The lease of the other two ends at 1000: due again (a worker died mid-post), not the
    // delivered one.
    let after_lease = store.claim_deliveries(1_000, 3_000, 100).await.unwrap();
    assert_eq!(after_lease.len(), 2);
    assert!(
        after_lease
            .iter()
            .all(|d| d.subscription_id == both_kinds.id)
    );
    for d in &after_lease {
        store
            .record_attempt(
                &d.event_id,
                &d.subscription_id,
                &attempt(1, 1_001, Some(500), Some("HTTP 500: down")),
                AttemptOutcome::GiveUp,
            )
            .await
            .unwrap();
    }
    assert!(
        store
            .claim_deliveries(i64::MAX / 2, i64::MAX / 2, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // The delivery log.
    let log = store.deliveries(&a, &received.id, 50).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].state, DeliveryState::Delivered);
    assert_eq!(log[0].attempts, 2);
    let attempts: Vec<(u32, Option<u16>)> =
        log[0].log.iter().map(|a| (a.attempt, a.status)).collect();
    assert_eq!(attempts, [(1, None), (2, Some(204))]);
    assert_eq!(log[0].log[0].error.as_deref(), Some("connection refused"));
    let failed = store.deliveries(&a, &both_kinds.id, 50).await.unwrap();
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|d| d.state == DeliveryState::Failed));
    assert!(
        store
            .deliveries(&b, &received.id, 50)
            .await
            .unwrap()
            .is_empty()
    );

    // Deleting a subscription deletes its deliveries and their log.
    assert!(store.delete_subscription(&a, &received.id).await.unwrap());
    assert!(
        store
            .deliveries(&a, &received.id, 50)
            .await
            .unwrap()
            .is_empty()
    );
}
both!(outbox_claims_and_log, outbox);

async fn reports_and_digests(store: &dyn Store) {
    let a = store.ensure_tenant("a").await.unwrap().id;
    let added = store
        .add_credentials(&a, &[credential(b"c", "", "did:ex:i", "s", "valid", 10)])
        .await
        .unwrap();
    let id = &added[0].id;
    let sub = store
        .add_subscription(
            &a,
            &subscription(
                "https://ats.example/h",
                &[
                    "credential.verified",
                    "credential.revoked",
                    "profile.updated",
                ],
            ),
            11,
        )
        .await
        .unwrap();
    let revoked = OutboxEvent {
        event_type: "credential.revoked".into(),
        data: json!({"credential": id}),
    };
    let unwanted = OutboxEvent {
        event_type: "match.updated".into(),
        data: json!({}),
    };
    store
        .add_report_with_events(&a, id, "invalid", "{}", 20, &[revoked, unwanted])
        .await
        .unwrap()
        .unwrap();
    let due = store.claim_deliveries(20, 100, 100).await.unwrap();
    let mut types: Vec<&str> = due.iter().map(|d| d.event_type.as_str()).collect();
    types.sort();
    assert_eq!(types, ["credential.revoked", "credential.verified"]);
    let verified = due
        .iter()
        .find(|d| d.event_type == "credential.verified")
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(&verified.data).unwrap();
    assert_eq!(data["previousVerdict"], "valid");
    assert_eq!(data["verdict"], "invalid");
    // No credential, no report, no event.
    assert!(
        store
            .add_report_with_events(&a, "nope", "valid", "{}", 21, &[])
            .await
            .unwrap()
            .is_none()
    );

    // Digests: new → event, same → none, changed → event; only for wanted types.
    let item = |digest: &str| Digested {
        subject: "person:1".into(),
        digest: digest.into(),
        data: json!({"person": "person:1"}),
    };
    assert_eq!(
        store
            .note_digests(&a, "profile.updated", &[item("d1")], 30)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .note_digests(&a, "profile.updated", &[item("d1")], 31)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .note_digests(&a, "profile.updated", &[item("d2")], 32)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .note_digests(&a, "match.updated", &[item("d2")], 33)
            .await
            .unwrap(),
        0
    );
    let events = store
        .add_events(
            &a,
            &[OutboxEvent {
                event_type: "profile.updated".into(),
                data: json!({}),
            }],
            34,
        )
        .await
        .unwrap();
    assert_eq!(events, 1);
    let due = store.claim_deliveries(40, 200, 100).await.unwrap();
    assert_eq!(due.len(), 3);
    assert!(
        due.iter()
            .all(|d| d.event_type == "profile.updated" && d.subscription_id == sub.id)
    );
    // Oldest first.
    let times: Vec<i64> = due.iter().map(|d| d.created_at).collect();
    assert_eq!(times, [30, 32, 34]);
}
both!(reports_and_digests_write_events, reports_and_digests);
