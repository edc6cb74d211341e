//! Health, readiness, metrics, OpenAPI, docs; a closed database answers 503.

use crate::both;
use crate::fixtures::{Backend, TestApp};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

async fn operations(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    assert_eq!(t.get("/healthz", None).await.json()["status"], "ok");
    let ready = t.get("/readyz", None).await.json();
    assert_eq!(
        ready["database"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );

    let body = format!(r#"{{"verifiableCredential": {CREDENTIAL}}}"#).into_bytes();
    assert_eq!(
        t.post("/credentials/verify", None, "application/json", body)
            .await
            .status,
        200
    );
    t.get("/nowhere", None).await;
    let metrics = t.get("/metrics", None).await.text();
    assert!(
        metrics.contains(r#"credbridge_http_requests_total{route="/credentials/verify",method="POST",status="200"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"credbridge_verdicts_total{endpoint="verify",verdict="valid-with-warnings"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("credbridge_http_request_duration_seconds_bucket{route=\"/credentials/verify\",le=\"+Inf\"} 1"));

    let openapi = t.get("/openapi.json", None).await.json();
    for path in [
        "/credentials/verify",
        "/presentations/verify",
        "/challenges",
        "/inbox",
        "/inbox/credentials/{id}/reverify",
        "/oauth2/token",
        "/1.0/identifiers/{did}",
        "/webhooks",
        "/workflows",
        "/workflows/{id}/exchanges/{eid}",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from /openapi.json"
        );
    }
    assert!(
        openapi["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
            .is_object()
    );
    let docs = t.get("/docs", None).await.text();
    assert!(docs.contains("/inbox/credentials/{id}/original"));

    // The database goes away: readiness and store routes answer 503 problems, health stays up.
    t.state.store.close().await;
    t.get("/readyz", None)
        .await
        .assert_problem(503, "database-unavailable");
    t.get("/inbox/credentials", None)
        .await
        .assert_problem(503, "database-unavailable");
    assert_eq!(t.get("/healthz", None).await.status, 200);
    t.cleanup().await;
}
both!(health_metrics_openapi_and_outage, operations);

async fn challenges(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let answer = t
        .post("/challenges", None, "application/json", vec![])
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let challenge = answer.json()["challenge"].as_str().unwrap().to_owned();
    assert!(challenge.len() >= 32);
    // A presentation verified with it counts a use (this one has no valid proof: 422).
    let vp = serde_json::json!({
        "verifiablePresentation": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
        },
        "options": { "challenge": challenge, "domain": "example.org" }
    });
    let answer = t
        .post(
            "/presentations/verify",
            None,
            "application/json",
            vp.to_string().into_bytes(),
        )
        .await;
    let body = answer.json();
    assert_eq!(body["challengeUses"], 1, "{body}");
    assert_eq!(body["verified"], false);
    t.cleanup().await;
}
both!(challenges_are_issued_and_counted, challenges);
