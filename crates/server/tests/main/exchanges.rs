//! VCALM workflows and exchanges over HTTP, the test playing the wallet with real signatures:
//! (1) an employer asks a wallet for a badge — the presentation is verified and the badge goes
//! into the inbox with source `exchange`; (2) an issuer's pickup link hands a credential it
//! issued through `/credentials/issue` to the wallet after DID Authentication. A replayed
//! presentation and an expired exchange are refused with problem details.

use credbridge_exchange::testing::TestWallet;
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Answer, Backend, TestApp};

const BADGE: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn post_json(t: &TestApp, uri: &str, token: Option<&str>, body: &Value) -> Answer {
    t.post(
        uri,
        token,
        "application/json",
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

/// The path of a `Location` or exchange URL (the test app answers in-process).
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    format!("/{}", rest.split_once('/').map_or("", |(_, path)| path))
}

async fn new_exchange(t: &TestApp, token: &str, workflow: &str, body: &Value) -> String {
    let created = post_json(
        t,
        &format!("/workflows/{workflow}/exchanges"),
        Some(token),
        body,
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let location = created.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(created.json()["exchangeUrl"], location.as_str());
    assert_eq!(created.json()["state"], "pending", "{}", created.text());
    path_of(&location)
}

async fn request_flow(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let token = t.token("acme", &[]).await;
    let badge: Value = serde_json::from_str(BADGE).unwrap();
    let issuer = badge["issuer"]["id"].as_str().unwrap().to_owned();

    let workflow = json!({
        "initialStep": "present",
        "steps": {"present": {
            "createChallenge": true,
            "verifiablePresentationRequest": {"query": [
                {"type": "QueryByExample", "credentialQuery": [{
                    "reason": "Acme asks for your badge to consider your application.",
                    "example": {"type": "OpenBadgeCredential"},
                    "trustedIssuer": [{"issuer": issuer, "required": true}]
                }]},
                {"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}
            ]},
            "redirectUrl": "https://jobs.acme.example/thanks"
        }}
    });
    let created = post_json(&t, "/workflows", Some(&token), &workflow).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let workflow_id = created.json()["id"].as_str().unwrap().to_owned();
    // Coordinator routes need an account; the wallet's do not.
    post_json(&t, "/workflows", None, &workflow)
        .await
        .assert_problem(401, "unauthorized");

    let exchange = new_exchange(&t, &token, &workflow_id, &json!({"ttl": 600})).await;

    // The exchange link as a QR code, for the coordinator only.
    let qr = t.get(&format!("{exchange}/qr.svg"), Some(&token)).await;
    assert_eq!(qr.status, 200, "{}", qr.text());
    assert_eq!(qr.headers["content-type"], "image/svg+xml");
    assert!(qr.text().contains("<svg"), "{}", qr.text());
    assert_eq!(t.get(&format!("{exchange}/qr.svg"), None).await.status, 401);

    // The wallet: POST {} → the request with a fresh challenge; then its signed presentation.
    let wallet = TestWallet::from_seed([9; 32]).unwrap();
    let asked = post_json(&t, &exchange, None, &json!({})).await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    let request = asked.json();
    let challenge = request["verifiablePresentationRequest"]["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(challenge.len() >= 43, "{request}");
    let answer = wallet.answer(&request, vec![badge.clone()], now()).unwrap();
    let done = post_json(&t, &exchange, None, &answer).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(
        done.json(),
        json!({"redirectUrl": "https://jobs.acme.example/thanks"})
    );

    // The badge is in the employer's inbox, from the exchange, with its own verdict.
    let inbox = t.get("/inbox/credentials", Some(&token)).await.json();
    assert_eq!(inbox["total"], 1, "{inbox}");
    let item = &inbox["items"][0];
    assert_eq!(item["source"], "exchange", "{item}");
    // Intact and in force; its issuer's identity is not confirmed offline, as for an upload.
    assert_eq!(item["verdict"], "valid-with-warnings", "{item}");
    assert!(
        item["container_path"]
            .as_str()
            .unwrap()
            .ends_with("presentation#/verifiableCredential/0"),
        "{item}"
    );
    assert_eq!(item["issuer"], issuer.as_str(), "{item}");

    // The coordinator sees the exchange complete, with what the wallet sent.
    let state = t.get(&exchange, Some(&token)).await.json();
    assert_eq!(state["state"], "complete", "{state}");

    // The same presentation again is a replay.
    post_json(&t, &exchange, None, &answer)
        .await
        .assert_problem(409, "challenge-replayed");
    // And into a second exchange of the same workflow too.
    let second = new_exchange(&t, &token, &workflow_id, &json!({"ttl": 600})).await;
    post_json(&t, &second, None, &json!({})).await;
    post_json(&t, &second, None, &answer)
        .await
        .assert_problem(409, "challenge-replayed");
    // Nothing more reached the inbox.
    let inbox = t.get("/inbox/credentials", Some(&token)).await.json();
    assert_eq!(inbox["total"], 1, "{inbox}");

    // An expired exchange is gone.
    let short = new_exchange(&t, &token, &workflow_id, &json!({"ttl": 1})).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    post_json(&t, &short, None, &json!({}))
        .await
        .assert_problem(410, "exchange-expired");

    // Another tenant sees none of it.
    let other = t.token("other", &[]).await;
    assert_eq!(t.get(&exchange, Some(&other)).await.status, 404);
    // A client without the workflow scopes may neither create nor read.
    let reader = t.token("acme", &["read:/inbox"]).await;
    post_json(&t, "/workflows", Some(&reader), &workflow)
        .await
        .assert_problem(403, "insufficient-scope");
    t.get(&exchange, Some(&reader))
        .await
        .assert_problem(403, "insufficient-scope");
    t.get(&format!("{exchange}/qr.svg"), Some(&reader))
        .await
        .assert_problem(403, "insufficient-scope");
    t.cleanup().await;
}
both!(
    request_flow_puts_the_wallets_badge_into_the_inbox,
    request_flow
);

async fn offer_flow(backend: Backend) {
    // `--dev` makes issuing work without a master key (a development key in the data folder).
    let t = TestApp::new(backend, true).await;
    let token = t.token("uni", &[]).await;

    // The university issues a credential through the VC API...
    let created = post_json(
        &t,
        "/issuers",
        Some(&token),
        &json!({"name": "pickup-issuer", "profile": {"name": "Example University"},
                "proofFormat": "eddsa-rdfc-2022", "keyType": "Ed25519"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let did = created.json()["did"].as_str().unwrap().to_owned();
    let issued = post_json(
        &t,
        "/issuers/pickup-issuer/credentials/issue",
        Some(&token),
        &json!({"credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": did,
            "credentialSubject": {"id": "urn:example:learner:42", "alumniOf": "Example University"}
        }}),
    )
    .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let credential = issued.json()["verifiableCredential"].clone();

    // ...and hands it out through a pickup link: DID Authentication, then delivery.
    let workflow = json!({
        "initialStep": "didAuth",
        "steps": {
            "didAuth": {
                "createChallenge": true,
                "verifiablePresentationRequest": {"query": {"type": "DIDAuthentication"}},
                "nextStep": "deliver"
            },
            "deliver": {"credentialsVariable": "credentials"}
        }
    });
    let created = post_json(&t, "/workflows", Some(&token), &workflow).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let workflow_id = created.json()["id"].as_str().unwrap().to_owned();
    let exchange = new_exchange(
        &t,
        &token,
        &workflow_id,
        &json!({"ttl": 600, "variables": {"credentials": [credential.clone()]}}),
    )
    .await;

    let wallet = TestWallet::from_seed([4; 32]).unwrap();
    let asked = post_json(&t, &exchange, None, &json!({})).await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    assert_eq!(
        asked.json()["verifiablePresentationRequest"]["query"]["type"],
        "DIDAuthentication"
    );
    let answer = wallet.answer(&asked.json(), vec![], now()).unwrap();
    let delivered = post_json(&t, &exchange, None, &answer).await;
    assert_eq!(delivered.status, 200, "{}", delivered.text());
    let received = delivered.json()["verifiablePresentation"]["verifiableCredential"][0].clone();
    assert_eq!(received, credential);

    // What the wallet received verifies, and the link is spent.
    let verified = post_json(
        &t,
        "/credentials/verify",
        Some(&token),
        &json!({"verifiableCredential": received}),
    )
    .await;
    assert_eq!(verified.status, 200, "{}", verified.text());
    let state = t.get(&exchange, Some(&token)).await.json();
    assert_eq!(state["state"], "complete", "{state}");
    let again = post_json(&t, &exchange, None, &json!({})).await;
    assert!(
        again.status.is_client_error(),
        "a spent pickup link hands out nothing more: {}",
        again.text()
    );
    t.cleanup().await;
}
both!(
    offer_flow_hands_an_issued_credential_to_the_wallet,
    offer_flow
);

async fn bad_workflows_are_problems(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let token = t.token("acme", &[]).await;
    let body = post_json(
        &t,
        "/workflows",
        Some(&token),
        &json!({"initialStep": "nowhere", "steps": {}}),
    )
    .await
    .assert_problem(400, "invalid-request");
    assert!(
        body["detail"].as_str().unwrap().contains("/steps"),
        "{body}"
    );
    t.post(
        "/workflows",
        Some(&token),
        "application/json",
        b"{".to_vec(),
    )
    .await
    .assert_problem(400, "malformed-json");
    post_json(&t, "/workflows/none/exchanges/none", None, &json!({}))
        .await
        .assert_problem(404, "not-found");
    t.cleanup().await;
}
both!(
    bad_workflows_and_unknown_exchanges_are_problems,
    bad_workflows_are_problems
);
