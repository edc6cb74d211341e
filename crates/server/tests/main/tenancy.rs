//! A client of tenant A cannot see, list, read the bytes of, re-verify or erase tenant B's
//! credentials.

use crate::both;
use crate::fixtures::{Backend, TestApp};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

async fn tenants_are_walled(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let a = t.token("tenant-a", &[]).await;
    let b = t.token("tenant-b", &[]).await;
    let upload = t
        .post(
            "/inbox",
            Some(&b),
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text());
    let id = upload.json()["items"][0]["id"].as_str().unwrap().to_owned();

    // List: A sees nothing, B sees one.
    assert_eq!(
        t.get("/inbox/credentials", Some(&a)).await.json()["total"],
        0
    );
    assert_eq!(
        t.get("/inbox/credentials", Some(&b)).await.json()["total"],
        1
    );
    // See, original bytes, re-verify, erase: 404 for A, as for an id that does not exist.
    for uri in [
        format!("/inbox/credentials/{id}"),
        format!("/inbox/credentials/{id}/original"),
    ] {
        t.get(&uri, Some(&a)).await.assert_problem(404, "not-found");
    }
    t.post(
        &format!("/inbox/credentials/{id}/reverify"),
        Some(&a),
        "application/json",
        vec![],
    )
    .await
    .assert_problem(404, "not-found");
    t.delete(&format!("/inbox/credentials/{id}"), Some(&a))
        .await
        .assert_problem(404, "not-found");
    // B's credential is untouched, with its single report.
    let mine = t.get(&format!("/inbox/credentials/{id}"), Some(&b)).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    assert_eq!(mine.json()["history"].as_array().unwrap().len(), 1);
    // The same bytes uploaded by A are A's own credential, not B's.
    let theirs = t
        .post(
            "/inbox",
            Some(&a),
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.json()["items"][0]["id"], id.as_str());
    t.cleanup().await;
}
both!(inbox_routes_are_per_tenant, tenants_are_walled);
