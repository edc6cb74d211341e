//! HTTP tests of the issuing routes (`crates/server/src/routes/issuers.rs`): create an issuer,
//! start a batch, follow it to done, tenancy, scopes, bad input, no master key.
//!
//! The tests run the app under `--dev`, so issuer keys are sealed under the
//! generated development key (no CREDBRIDGE_MASTER_KEY needed); bearer tokens still pick the
//! tenant.

use std::time::{Duration, Instant};

use crate::both;
use crate::fixtures::{Answer, Backend, TestApp, repo};
use serde_json::{Value, json};

fn roster(n: usize) -> String {
    let mut csv =
        String::from("email,given_name,family_name,awarded_at,result_level,evidence_url\n");
    for i in 0..n {
        csv.push_str(&format!(
            "learner{i}@example.edu,Given{i},Family{i},2025-06-{:02},Pass,https://college.example/evidence/{i}\n",
            1 + i % 28
        ));
    }
    csv
}

fn batch_body(rows: usize) -> Vec<u8> {
    let template =
        std::fs::read_to_string(repo().join("crates/issue/testdata/templates/welding.yaml"))
            .unwrap();
    serde_json::to_vec(&json!({
        "template": template,
        "roster": roster(rows),
        "statusBaseUrl": "https://college.example/status",
        "zip": true,
    }))
    .unwrap()
}

async fn post_json(t: &TestApp, uri: &str, token: &str, body: Vec<u8>) -> Answer {
    t.post(uri, Some(token), "application/json", body).await
}

/// Polls the batch until it is neither queued nor running.
async fn wait_done(t: &TestApp, uri: &str, token: &str) -> Value {
    let start = Instant::now();
    loop {
        let answer = t.get(uri, Some(token)).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        if !matches!(body["state"].as_str(), Some("queued" | "running")) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "batch still {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_batch_runs_to_done_within_its_tenant(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let a = t.token("tenant-a", &[]).await;
    let b = t.token("tenant-b", &[]).await;
    let created = post_json(
        &t,
        "/issuers",
        &a,
        serde_json::to_vec(&json!({"name": "college", "profile": {"name": "Example College", "url": "https://college.example"}})).unwrap(),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(
        created.json()["did"]
            .as_str()
            .unwrap()
            .starts_with("did:key:z6Mk")
    );
    // The name is taken within the tenant.
    post_json(
        &t,
        "/issuers",
        &a,
        serde_json::to_vec(&json!({"name": "college", "profile": {"name": "X"}})).unwrap(),
    )
    .await
    .assert_problem(400, "invalid-request");

    let started = post_json(&t, "/issuers/college/batches", &a, batch_body(40)).await;
    assert_eq!(started.status, 202, "{}", started.text());
    let location = started.headers["location"].to_str().unwrap().to_owned();
    let id = started.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/issuers/college/batches/{id}"));

    let done = wait_done(&t, &location, &a).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["outcome"]["issued"], 40, "{done}");
    assert_eq!(done["outcome"]["totalCredentials"], 40, "{done}");
    assert_eq!(done["progress"]["handled"], 40, "{done}");
    assert_eq!(
        done["outcome"]["files"],
        json!(["manifest.csv", "batch.zip"])
    );
    // By id alone, the same.
    let by_id = t.get(&format!("/batches/{id}"), Some(&a)).await;
    assert_eq!(by_id.status, 200, "{}", by_id.text());
    assert_eq!(by_id.json()["outcome"], done["outcome"]);
    // The same batch again: 200, nothing started, the outcome as it was.
    let again = post_json(&t, "/issuers/college/batches", &a, batch_body(40)).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["id"], id.as_str());
    assert_eq!(again.json()["state"], "done");

    // Per learner, a wallet pickup link: the wallet authenticates and gets that learner's badge.
    let made = post_json(&t, &format!("{location}/pickups"), &a, Vec::new()).await;
    assert_eq!(made.status, 201, "{}", made.text());
    let pickups = made.json()["pickups"].as_array().unwrap().clone();
    assert_eq!(pickups.len(), 40, "{}", made.text());
    let learner = &pickups[7];
    assert_eq!(learner["recipient"], "learner7@example.edu", "{learner}");
    let link = learner["exchangeUrl"].as_str().unwrap();
    let path = format!("/{}", link.splitn(4, '/').nth(3).unwrap());
    let wallet = credbridge_exchange::testing::TestWallet::from_seed([7; 32]).unwrap();
    let asked = t
        .post(&path, None, "application/json", b"{}".to_vec())
        .await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let answer = wallet.answer(&asked.json(), vec![], now).unwrap();
    let delivered = t
        .post(
            &path,
            None,
            "application/json",
            serde_json::to_vec(&answer).unwrap(),
        )
        .await;
    assert_eq!(delivered.status, 200, "{}", delivered.text());
    let badge = &delivered.json()["verifiablePresentation"]["verifiableCredential"][0];
    assert_eq!(badge["id"], learner["credentialId"], "{badge}");
    // Without the workflow scope, no links (the issuing scope alone is not enough).
    let issue_only = t.token("tenant-a", &["write:/issuers"]).await;
    post_json(&t, &format!("{location}/pickups"), &issue_only, Vec::new())
        .await
        .assert_problem(403, "insufficient-scope");
    // Tenant B cannot make links for tenant A's batch.
    post_json(&t, &format!("{location}/pickups"), &b, Vec::new())
        .await
        .assert_problem(404, "not-found");

    // Tenant B sees neither the batch nor the issuer.
    t.get(&location, Some(&b))
        .await
        .assert_problem(404, "not-found");
    t.get(&format!("/batches/{id}"), Some(&b))
        .await
        .assert_problem(404, "not-found");
    post_json(&t, "/issuers/college/batches", &b, batch_body(2))
        .await
        .assert_problem(404, "not-found");
    // Another issuer name in the path does not reach the batch.
    t.get(&format!("/issuers/other/batches/{id}"), Some(&a))
        .await
        .assert_problem(404, "not-found");
    t.cleanup().await;
}
both!(a_batch_runs_to_done, a_batch_runs_to_done_within_its_tenant);

async fn bad_input_and_scopes_are_problems(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let a = t.token("tenant-a", &[]).await;
    post_json(
        &t,
        "/issuers",
        &a,
        serde_json::to_vec(&json!({"name": "college", "profile": {"name": "C"}})).unwrap(),
    )
    .await;
    let bad_header = serde_json::to_vec(&json!({"template": {"id": "https://x.example/a", "name": "A", "description": "d", "criteria": {"narrative": "n"}}, "roster": "mail,name\na@b.example,A\n"})).unwrap();
    let problem = post_json(&t, "/issuers/college/batches", &a, bad_header)
        .await
        .assert_problem(400, "invalid-request");
    assert!(
        problem["detail"].as_str().unwrap().contains("awarded_at"),
        "{problem}"
    );
    post_json(
        &t,
        "/issuers/college/batches",
        &a,
        b"{\"roster\": 1}".to_vec(),
    )
    .await
    .assert_problem(400, "invalid-request");
    post_json(&t, "/issuers/college/batches", &a, b"{".to_vec())
        .await
        .assert_problem(400, "malformed-json");
    post_json(&t, "/issuers/nobody/batches", &a, batch_body(1))
        .await
        .assert_problem(404, "not-found");
    t.get("/batches/0123456789abcdef0123456789abcdef", Some(&a))
        .await
        .assert_problem(404, "not-found");
    t.get("/batches/not-an-id", Some(&a))
        .await
        .assert_problem(404, "not-found");
    // A token without the issuing scopes.
    let reader = t.token("tenant-a", &["read:/inbox"]).await;
    post_json(&t, "/issuers/college/batches", &reader, batch_body(1))
        .await
        .assert_problem(403, "insufficient-scope");
    t.get("/batches/0123456789abcdef0123456789abcdef", Some(&reader))
        .await
        .assert_problem(403, "insufficient-scope");
    t.cleanup().await;
}
both!(bad_input_and_scopes, bad_input_and_scopes_are_problems);

/// Outside `--dev`, without CREDBRIDGE_MASTER_KEY(_FILE), issuing answers 503.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_master_key_issuing_is_not_configured() {
    if std::env::var_os("CREDBRIDGE_MASTER_KEY").is_some()
        || std::env::var_os("CREDBRIDGE_MASTER_KEY_FILE").is_some()
    {
        return;
    }
    let t = TestApp::with(Backend::Sqlite, |s| {
        s.dev = false;
        s.data_dir = std::env::temp_dir().join(crate::fixtures::unique("issuers_no_key"));
    })
    .await;
    let a = t.token("tenant-a", &[]).await;
    let problem = post_json(&t, "/issuers/college/batches", &a, batch_body(1))
        .await
        .assert_problem(503, "issuing-not-configured");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("CREDBRIDGE_MASTER_KEY"),
        "{problem}"
    );
    t.cleanup().await;
}
