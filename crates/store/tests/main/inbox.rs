//! The credential inbox: idempotence, bytes, filters, paging, reports, erasure, tenancy.

use std::sync::Arc;

use credbridge_store::{CredentialFilter, NewCredential, Source, Store};

use crate::both;

fn sha256_hex(bytes: &[u8]) -> String {
    // The store takes the hash as given; a distinct, stable string per content is all these
    // tests need.
    format!(
        "{:064x}",
        bytes.iter().fold(0u128, |a, b| a
            .wrapping_mul(131)
            .wrapping_add(u128::from(*b)))
    )
}

pub(crate) fn credential(
    bytes: &[u8],
    item_key: &str,
    issuer: &str,
    subject: &str,
    verdict: &str,
    at: i64,
) -> NewCredential {
    NewCredential {
        sha256: sha256_hex(bytes),
        original: Arc::new(bytes.to_vec()),
        item_key: item_key.to_owned(),
        container_path: format!("upload.json{item_key}"),
        containers: vec!["json".into()],
        format: "OpenBadges3".into(),
        issuer: Some(issuer.to_owned()),
        subjects: vec![subject.to_owned(), subject.to_owned()],
        achievements: vec!["Welding 101".into()],
        source: Source::Api,
        received_at: at,
        verdict: verdict.to_owned(),
        report: format!(r#"{{"verdict":"{verdict}"}}"#),
    }
}

fn all() -> CredentialFilter {
    CredentialFilter {
        limit: 100,
        ..CredentialFilter::default()
    }
}

async fn idempotent(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let globex = store.ensure_tenant("globex").await.unwrap();
    let bytes = b"{\"a\": 1}\x00\xff binary-safe";
    let first = store
        .add_credentials(
            &acme.id,
            &[credential(bytes, "", "did:web:i", "did:key:s", "valid", 1)],
        )
        .await
        .unwrap();
    assert!(first[0].created);
    let again = store
        .add_credentials(
            &acme.id,
            &[credential(bytes, "", "did:web:i", "did:key:s", "valid", 2)],
        )
        .await
        .unwrap();
    assert_eq!(again[0].id, first[0].id);
    assert!(!again[0].created);
    // The same bytes in another tenant are another credential.
    let theirs = store
        .add_credentials(
            &globex.id,
            &[credential(bytes, "", "did:web:i", "did:key:s", "valid", 3)],
        )
        .await
        .unwrap();
    assert!(theirs[0].created);
    assert_ne!(theirs[0].id, first[0].id);
    assert_eq!(
        store
            .list_credentials(&acme.id, &all())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store
            .original(&acme.id, &first[0].id)
            .await
            .unwrap()
            .unwrap(),
        bytes.to_vec()
    );
    let record = store
        .credential(&acme.id, &first[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.subjects, vec!["did:key:s".to_owned()]);
    assert_eq!(record.achievements, vec!["Welding 101".to_owned()]);
    assert_eq!(record.received_at, 1);
    assert_eq!(record.source, Source::Api);
}
both!(adding_is_idempotent_per_tenant, idempotent);

async fn filters(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let array = b"[cred-a, cred-b]";
    let items = vec![
        credential(array, "#/0", "did:web:one", "alice", "valid", 10),
        credential(array, "#/1", "did:web:two", "bob", "invalid", 20),
        credential(b"third", "", "did:web:one", "bob", "valid", 30),
    ];
    let added = store.add_credentials(&acme.id, &items).await.unwrap();
    assert!(added.iter().all(|a| a.created));
    let ids = |page: credbridge_store::CredentialPage| -> Vec<String> {
        page.items.into_iter().map(|c| c.id).collect()
    };
    let page = store.list_credentials(&acme.id, &all()).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        ids(page),
        vec![
            added[2].id.clone(),
            added[1].id.clone(),
            added[0].id.clone()
        ],
        "newest first"
    );
    let valid = by(
        store,
        &acme.id,
        CredentialFilter {
            verdict: Some("valid".into()),
            ..all()
        },
    )
    .await;
    assert_eq!(ids(valid), vec![added[2].id.clone(), added[0].id.clone()]);
    let one = by(
        store,
        &acme.id,
        CredentialFilter {
            issuer: Some("did:web:one".into()),
            ..all()
        },
    )
    .await;
    assert_eq!(one.total, 2);
    let bob = by(
        store,
        &acme.id,
        CredentialFilter {
            subject: Some("bob".into()),
            ..all()
        },
    )
    .await;
    assert_eq!(ids(bob), vec![added[2].id.clone(), added[1].id.clone()]);
    let recent = by(
        store,
        &acme.id,
        CredentialFilter {
            received_since: Some(20),
            ..all()
        },
    )
    .await;
    assert_eq!(recent.total, 2);
    let second_page = by(
        store,
        &acme.id,
        CredentialFilter {
            limit: 1,
            offset: 1,
            ..all()
        },
    )
    .await;
    assert_eq!(second_page.total, 3);
    assert_eq!(ids(second_page), vec![added[1].id.clone()]);
    // Both array items share the original bytes; erasing one keeps them for the other.
    assert!(
        store
            .delete_credential(&acme.id, &added[0].id)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .original(&acme.id, &added[1].id)
            .await
            .unwrap()
            .unwrap(),
        array.to_vec()
    );
    assert!(
        store
            .delete_credential(&acme.id, &added[1].id)
            .await
            .unwrap()
    );
    assert_eq!(store.original(&acme.id, &added[1].id).await.unwrap(), None);
    // Adding the bytes again after erasure stores them again.
    let back = store.add_credentials(&acme.id, &items[..1]).await.unwrap();
    assert!(back[0].created);
    assert_eq!(
        store
            .original(&acme.id, &back[0].id)
            .await
            .unwrap()
            .unwrap(),
        array.to_vec()
    );
}
both!(filters_paging_and_shared_originals, filters);

async fn by(
    store: &dyn Store,
    tenant_id: &str,
    filter: CredentialFilter,
) -> credbridge_store::CredentialPage {
    store.list_credentials(tenant_id, &filter).await.unwrap()
}

async fn reports_and_erasure(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let globex = store.ensure_tenant("globex").await.unwrap();
    let added = store
        .add_credentials(
            &acme.id,
            &[credential(b"x", "", "did:web:i", "s", "valid", 1)],
        )
        .await
        .unwrap();
    let id = &added[0].id;
    assert_eq!(
        store
            .add_report(&globex.id, id, "invalid", "{}", 5)
            .await
            .unwrap(),
        None,
        "tenant"
    );
    let second = store
        .add_report(&acme.id, id, "invalid", r#"{"verdict":"invalid"}"#, 5)
        .await
        .unwrap()
        .unwrap();
    let history = store.reports(&acme.id, id).await.unwrap();
    assert_eq!(history.len(), 2, "history kept");
    assert_eq!(history[0], second, "newest first");
    assert_eq!(history[1].verdict, "valid");
    assert_eq!(
        store
            .credential(&acme.id, id)
            .await
            .unwrap()
            .unwrap()
            .verdict,
        "invalid"
    );
    // Tenancy on every read and on erasure.
    assert_eq!(store.credential(&globex.id, id).await.unwrap(), None);
    assert_eq!(store.original(&globex.id, id).await.unwrap(), None);
    assert!(store.reports(&globex.id, id).await.unwrap().is_empty());
    assert_eq!(
        store
            .list_credentials(&globex.id, &all())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(!store.delete_credential(&globex.id, id).await.unwrap());
    assert!(store.delete_credential(&acme.id, id).await.unwrap());
    assert_eq!(store.credential(&acme.id, id).await.unwrap(), None);
    assert!(
        store.reports(&acme.id, id).await.unwrap().is_empty(),
        "reports erased"
    );
    assert_eq!(
        store.original(&acme.id, id).await.unwrap(),
        None,
        "bytes erased"
    );
    assert!(!store.delete_credential(&acme.id, id).await.unwrap());
}
both!(reports_history_tenancy_and_erasure, reports_and_erasure);

/// Group commit: concurrent adds share a transaction. The same content from several callers
/// (also within one batch) is stored once, with one report, and every caller gets its id; a
/// caller whose write fails (an unknown tenant breaks a foreign key) fails alone while the
/// others of its batch are stored.
async fn group_commit(store: &dyn Store) {
    let acme = store.ensure_tenant("acme").await.unwrap();
    let globex = store.ensure_tenant("globex").await.unwrap();
    let same = credential(b"same", "", "did:web:i", "did:key:s", "valid", 1);
    let other = credential(b"other", "", "did:web:i", "did:key:t", "invalid", 1);
    let first = credential(b"first", "", "did:web:i", "did:key:u", "valid", 1);
    let pair = [same.clone(), other.clone()];
    // The first call leads a batch of its own; the others queue behind it and go in the next.
    let (a, b, c, d, e, f) = tokio::join!(
        store.add_credentials(&acme.id, std::slice::from_ref(&first)),
        store.add_credentials(&acme.id, std::slice::from_ref(&same)),
        store.add_credentials(&acme.id, &pair),
        store.add_credentials(&globex.id, std::slice::from_ref(&same)),
        store.add_credentials(&acme.id, std::slice::from_ref(&same)),
        store.add_credentials(&acme.id, &[]),
    );
    let (a, b, c, d, e, f) = (
        a.unwrap(),
        b.unwrap(),
        c.unwrap(),
        d.unwrap(),
        e.unwrap(),
        f.unwrap(),
    );
    assert!(a[0].created && b[0].created && c[1].created && d[0].created);
    assert_eq!((c[0].id.as_str(), c[0].created), (b[0].id.as_str(), false));
    assert_eq!((e[0].id.as_str(), e[0].created), (b[0].id.as_str(), false));
    assert_ne!(d[0].id, b[0].id, "another tenant's copy is its own");
    assert!(f.is_empty());
    assert_eq!(
        store
            .list_credentials(&acme.id, &all())
            .await
            .unwrap()
            .total,
        3
    );
    assert_eq!(
        store
            .list_credentials(&globex.id, &all())
            .await
            .unwrap()
            .total,
        1
    );
    for id in [&a[0].id, &b[0].id, &c[1].id] {
        assert_eq!(store.reports(&acme.id, id).await.unwrap().len(), 1, "{id}");
    }
    let record = store.credential(&acme.id, &c[1].id).await.unwrap().unwrap();
    assert_eq!(record.verdict, "invalid");
    assert_eq!(record.subjects, vec!["did:key:t".to_owned()]);

    // One bad caller in a batch: the others are stored, it alone gets the error.
    let lone = credential(b"lone", "", "did:web:i", "did:key:v", "valid", 2);
    let later = credential(b"later", "", "did:web:i", "did:key:w", "valid", 2);
    let (lead, good, bad) = tokio::join!(
        store.add_credentials(&acme.id, std::slice::from_ref(&lone)),
        store.add_credentials(&acme.id, std::slice::from_ref(&later)),
        store.add_credentials("no-such-tenant", std::slice::from_ref(&later)),
    );
    assert!(lead.unwrap()[0].created);
    assert!(good.unwrap()[0].created);
    let error = bad.unwrap_err();
    assert!(!error.is_unavailable(), "{error}");
    assert_eq!(
        store
            .list_credentials(&acme.id, &all())
            .await
            .unwrap()
            .total,
        5
    );
}
both!(concurrent_adds_share_a_transaction, group_commit);
