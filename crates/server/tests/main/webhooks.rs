//! Webhooks over real loopback HTTP: a receiver that is down at first gets the events after
//! retries with growing, jittered delays, each event id once, signed so that an independent
//! HMAC-SHA256 (the `hmac` crate and the `openssl` command) checks the documented recipe; the
//! subscription API (validation, secrets shown once, scopes, tenancy); `profile.updated` written
//! once per change.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use credbridge_export::webhook::{SignatureError, verify_signature};
use credbridge_server::webhooks::Deliverer;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Backend, TestApp};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    signature: String,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Received>>>;

async fn hook(State(log): State<Log>, headers: HeaderMap, body: axum::body::Bytes) -> &'static str {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    log.lock().unwrap().push(Received {
        event_id: header("credbridge-event-id"),
        signature: header("credbridge-signature"),
        body: body.to_vec(),
    });
    "ok"
}

/// A port nobody listens on (yet): bound, then released.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_receiver(port: u16, log: Log) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(log);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    })
}

fn test_settings(s: &mut credbridge_server::ServeSettings) {
    s.dev = true;
    s.webhooks.allow_http = true;
    s.webhooks.dangerous_allow_loopback = true;
    s.webhooks.timeout = Duration::from_secs(5);
    s.webhooks.retry.base = Duration::from_millis(400);
    s.webhooks.retry.max_delay = Duration::from_secs(2);
    s.webhooks.retry.max_attempts = 50;
}

fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The recipe through `openssl dgst -sha256 -hmac`, as docs/webhooks.md shows it; `None` when
/// the command is not installed.
fn openssl_hex(secret: &str, message: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", secret])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(message).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    Some(text.rsplit("= ").next().unwrap().trim().to_owned())
}

/// Checks a delivered request with implementations of the recipe other than ours.
fn check_signature(secret: &str, request: &Received) {
    let parts: Vec<(&str, &str)> = request
        .signature
        .split(',')
        .filter_map(|p| p.split_once('='))
        .collect();
    let t: i64 = parts
        .iter()
        .find(|(k, _)| *k == "t")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let v1 = parts.iter().find(|(k, _)| *k == "v1").unwrap().1;
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(&request.body);
    assert_eq!(hmac_hex(secret, &message), v1, "hmac crate");
    if let Some(openssl) = openssl_hex(secret, &message) {
        assert_eq!(openssl, v1, "openssl dgst -sha256 -hmac");
    }
    // The documented verifier: inside the window, then a replay 301 s later.
    assert_eq!(
        verify_signature(secret, &request.signature, &request.body, t + 5, 300),
        Ok(())
    );
    assert!(matches!(
        verify_signature(secret, &request.signature, &request.body, t + 301, 300),
        Err(SignatureError::OutsideWindow { .. })
    ));
    assert_eq!(
        verify_signature("whsec_other", &request.signature, &request.body, t, 300),
        Err(SignatureError::Mismatch)
    );
}

async fn deliveries(t: &TestApp, subscription: &str) -> Vec<Value> {
    let answer = t
        .get(&format!("/webhooks/{subscription}/deliveries"), None)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["items"].as_array().unwrap().clone()
}

async fn down_then_delivered(backend: Backend) {
    let t = TestApp::with(backend, test_settings).await;
    let port = free_port();
    let created = t
        .post(
            "/webhooks",
            None,
            "application/json",
            json!({
                "url": format!("http://127.0.0.1:{port}/hook"),
                "events": ["credential.received", "credential.verified"],
            })
            .to_string()
            .into_bytes(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let secret = created.json()["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let subscription = created.json()["id"].as_str().unwrap().to_owned();

    let upload = t
        .post(
            "/inbox",
            None,
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text());
    let credential = upload.json()["items"][0]["id"].as_str().unwrap().to_owned();

    // The receiver is down: two rounds, two failed attempts per delivery, each rescheduled
    // with the equal-jitter delay of the schedule (base 400 ms, doubling).
    let deliverer = Deliverer::new(t.state.store.clone(), t.state.settings.webhooks.clone());
    assert_eq!(deliverer.round().await.unwrap(), 2);
    let log = deliveries(&t, &subscription).await;
    assert_eq!(log.len(), 2);
    for delivery in &log {
        assert_eq!(delivery["state"], "pending", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
        let attempt = &delivery["log"][0];
        assert!(attempt["status"].is_null(), "{attempt}");
        assert!(
            attempt["error"].as_str().unwrap().contains("connect"),
            "{attempt}"
        );
        let wait = delivery["nextAttemptAt"].as_i64().unwrap() - attempt["at"].as_i64().unwrap();
        let took = attempt["durationMs"].as_i64().unwrap();
        assert!(
            (200..=400 + took + 50).contains(&wait),
            "first delay {wait} ms"
        );
    }
    // Not due before its time: an immediate round claims nothing unless the machine paused
    // past the delay, so only the second attempt's delay is asserted, from the log.
    let mut rounds = 0;
    while deliveries(&t, &subscription)
        .await
        .iter()
        .any(|d| d["attempts"] == 1)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
        deliverer.round().await.unwrap();
        rounds += 1;
        assert!(rounds < 100, "second attempts never came");
    }
    for delivery in deliveries(&t, &subscription).await {
        assert_eq!(delivery["attempts"], 2, "{delivery}");
        let second = &delivery["log"][1];
        let wait = delivery["nextAttemptAt"].as_i64().unwrap() - second["at"].as_i64().unwrap();
        let took = second["durationMs"].as_i64().unwrap();
        assert!(
            (400..=800 + took + 50).contains(&wait),
            "second delay {wait} ms"
        );
    }

    // The receiver comes up: the next due attempts succeed.
    let received: Log = Arc::default();
    let receiver = start_receiver(port, received.clone()).await;
    let mut rounds = 0;
    while deliveries(&t, &subscription)
        .await
        .iter()
        .any(|d| d["state"] != "delivered")
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
        deliverer.round().await.unwrap();
        rounds += 1;
        assert!(rounds < 100, "never delivered");
    }
    // More rounds deliver nothing again.
    for _ in 0..3 {
        assert_eq!(deliverer.round().await.unwrap(), 0);
    }
    let log = deliveries(&t, &subscription).await;
    for delivery in &log {
        let attempts = delivery["log"].as_array().unwrap();
        assert_eq!(attempts.last().unwrap()["status"], 200, "{delivery}");
        assert!(attempts.last().unwrap()["error"].is_null());
        assert!(attempts.len() >= 3, "{delivery}");
    }

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "each event once: {received:?}");
    let mut types = Vec::new();
    for request in &received {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["id"], request.event_id);
        assert_eq!(body["data"]["credential"], credential);
        assert_eq!(body["version"], "credbridge/webhook/v1");
        types.push(body["type"].as_str().unwrap().to_owned());
        check_signature(&secret, request);
    }
    types.sort();
    assert_eq!(types, ["credential.received", "credential.verified"]);
    assert_ne!(received[0].event_id, received[1].event_id);

    receiver.abort();
    t.cleanup().await;
}
both!(down_receiver_gets_retries_then_success, down_then_delivered);

async fn subscriptions_api(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let a = t.token("tenant-a", &[]).await;
    let b = t.token("tenant-b", &[]).await;
    let reader = t.token("tenant-a", &["read:/webhooks"]).await;
    let inbox_only = t.token("tenant-a", &["read:/inbox"]).await;
    let body = |value: Value| value.to_string().into_bytes();

    // Validation: each field named.
    let bad_url = t
        .post(
            "/webhooks",
            Some(&a),
            "application/json",
            body(json!({"url": "http://ats.example/h", "events": ["credential.received"]})),
        )
        .await
        .assert_problem(400, "invalid-request");
    assert!(
        bad_url["detail"].as_str().unwrap().contains("https"),
        "{bad_url}"
    );
    let bad_event = t
        .post(
            "/webhooks",
            Some(&a),
            "application/json",
            body(json!({"url": "https://ats.example/h", "events": ["credential.deleted"]})),
        )
        .await
        .assert_problem(400, "invalid-request");
    assert!(
        bad_event["detail"]
            .as_str()
            .unwrap()
            .contains("credential.deleted"),
        "{bad_event}"
    );
    t.post(
        "/webhooks",
        Some(&a),
        "application/json",
        body(json!({"url": "https://ats.example/h", "events": []})),
    )
    .await
    .assert_problem(400, "invalid-request");
    t.post(
        "/webhooks",
        Some(&a),
        "application/json",
        body(json!({"url": "https://ats.example/h", "events": ["profile.updated"], "extra": 1})),
    )
    .await
    .assert_problem(400, "invalid-request");

    let created = t
        .post(
            "/webhooks",
            Some(&a),
            "application/json",
            body(json!({"url": "https://ats.example/h", "events": ["profile.updated", "match.updated"], "description": "ATS"})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        created["events"],
        json!(["match.updated", "profile.updated"])
    );

    // Listed and read without the secret.
    let listed = t.get("/webhooks", Some(&reader)).await;
    assert_eq!(listed.status, 200);
    assert!(!listed.text().contains(&secret));
    assert_eq!(listed.json()["items"][0]["id"], id);
    assert_eq!(listed.json()["eventTypes"].as_array().unwrap().len(), 5);
    let read = t.get(&format!("/webhooks/{id}"), Some(&a)).await;
    assert_eq!(read.status, 200);
    assert!(!read.text().contains(&secret));
    assert_eq!(read.json()["description"], "ATS");

    // Scopes.
    t.get("/webhooks", Some(&inbox_only))
        .await
        .assert_problem(403, "insufficient-scope");
    t.delete(&format!("/webhooks/{id}"), Some(&reader))
        .await
        .assert_problem(403, "insufficient-scope");

    // Another tenant: nothing to list, 404 for the id, as for an id that does not exist.
    assert_eq!(
        t.get("/webhooks", Some(&b)).await.json()["items"],
        json!([])
    );
    for uri in [
        format!("/webhooks/{id}"),
        format!("/webhooks/{id}/deliveries"),
    ] {
        t.get(&uri, Some(&b)).await.assert_problem(404, "not-found");
    }
    t.delete(&format!("/webhooks/{id}"), Some(&b))
        .await
        .assert_problem(404, "not-found");

    // profile.updated: written when a rebuilt profile differs, once per change.
    let upload = t
        .post(
            "/inbox",
            Some(&a),
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text());
    for _ in 0..2 {
        assert_eq!(t.get("/profiles", Some(&a)).await.status, 200);
    }
    let log = t
        .get(&format!("/webhooks/{id}/deliveries"), Some(&a))
        .await
        .json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    assert_eq!(items[0]["eventType"], "profile.updated");
    assert_eq!(items[0]["state"], "pending");
    // Tenant b's profiles write nothing into a's subscription.
    t.get("/profiles", Some(&b)).await;
    let log = t
        .get(&format!("/webhooks/{id}/deliveries"), Some(&a))
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);

    assert_eq!(
        t.delete(&format!("/webhooks/{id}"), Some(&a)).await.status,
        204
    );
    t.get(&format!("/webhooks/{id}"), Some(&a))
        .await
        .assert_problem(404, "not-found");
    t.cleanup().await;
}
both!(
    subscription_api_validation_scopes_tenancy,
    subscriptions_api
);
