//! Jobs: stored whole per tenant, listed newest first, invisible to other tenants, deleted.

use credbridge_store::Store;

use crate::both;

async fn jobs(store: &dyn Store) {
    let a = store.ensure_tenant("a").await.unwrap().id;
    let b = store.ensure_tenant("b").await.unwrap().id;
    let document = r#"{"id":"job:1","title":"Data engineer","requirements":[]}"#;
    let first = store
        .add_job(&a, "Data engineer", "text", document, 1_000)
        .await
        .unwrap();
    let second = store
        .add_job(&a, "Analyst", "esco", "{}", 2_000)
        .await
        .unwrap();
    assert_ne!(first, second);

    let listed = store.list_jobs(&a).await.unwrap();
    let titles: Vec<&str> = listed.iter().map(|j| j.title.as_str()).collect();
    assert_eq!(titles, ["Analyst", "Data engineer"]);
    let one = store.job(&a, &first).await.unwrap().unwrap();
    assert_eq!(one.document, document);
    assert_eq!(one.source, "text");
    assert_eq!(one.created_at, 1_000);

    // Another tenant sees nothing and can delete nothing.
    assert!(store.list_jobs(&b).await.unwrap().is_empty());
    assert_eq!(store.job(&b, &first).await.unwrap(), None);
    assert!(!store.delete_job(&b, &first).await.unwrap());

    assert!(store.delete_job(&a, &first).await.unwrap());
    assert_eq!(store.job(&a, &first).await.unwrap(), None);
    assert!(!store.delete_job(&a, &first).await.unwrap());
    assert_eq!(store.list_jobs(&a).await.unwrap().len(), 1);
}
both!(jobs_per_tenant, jobs);
