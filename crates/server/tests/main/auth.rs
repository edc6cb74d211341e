//! OAuth client credentials, scopes, expiry, revocation, sessions, `--dev`.

use axum::body::Body;
use axum::http::{Request, header};
use base64::Engine;
use credbridge_server::admin::Admin;
use credbridge_store::Token;

use crate::both;
use crate::fixtures::{Backend, TestApp};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");

fn verify_body() -> Vec<u8> {
    format!(r#"{{"verifiableCredential": {CREDENTIAL}}}"#).into_bytes()
}

async fn tokens_and_scopes(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    // No token, a malformed header, an unknown token.
    t.post(
        "/credentials/verify",
        None,
        "application/json",
        verify_body(),
    )
    .await
    .assert_problem(401, "unauthorized");
    let odd = t
        .send(
            Request::post("/credentials/verify")
                .header(header::AUTHORIZATION, "Token abc")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(verify_body()))
                .unwrap(),
        )
        .await;
    odd.assert_problem(401, "unauthorized");
    let unknown = t
        .post(
            "/credentials/verify",
            Some("not-a-token"),
            "application/json",
            verify_body(),
        )
        .await;
    unknown.assert_problem(401, "unauthorized");
    assert!(unknown.headers.contains_key(header::WWW_AUTHENTICATE));

    // A token with the right scope verifies; one without it gets 403.
    let verifier = t.token("acme", &["write:/credentials/verify"]).await;
    let ok = t
        .post(
            "/credentials/verify",
            Some(&verifier),
            "application/json",
            verify_body(),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["verified"], true);
    let reader = t.token("acme", &["read:/inbox"]).await;
    let denied = t
        .post(
            "/credentials/verify",
            Some(&reader),
            "application/json",
            verify_body(),
        )
        .await
        .assert_problem(403, "insufficient-scope");
    assert!(
        denied["detail"]
            .as_str()
            .unwrap()
            .contains("write:/credentials/verify")
    );
    t.post(
        "/inbox",
        Some(&reader),
        "application/json",
        CREDENTIAL.as_bytes().to_vec(),
    )
    .await
    .assert_problem(403, "insufficient-scope");

    // An expired token.
    let client = t.client("acme", &[]).await;
    let expired = "expired-token-value";
    t.state
        .store
        .add_token(&Token {
            token_hash: credbridge_server::record::sha256_hex(expired.as_bytes()),
            client_id: client.client_id.clone(),
            tenant_id: t
                .state
                .store
                .tenant_by_name("acme")
                .await
                .unwrap()
                .unwrap()
                .id,
            scopes: vec!["read:/inbox".into()],
            created_at: 0,
            expires_at: 1,
        })
        .await
        .unwrap();
    t.get("/inbox/credentials", Some(expired))
        .await
        .assert_problem(401, "unauthorized");
    t.cleanup().await;
}
both!(
    missing_bad_expired_and_wrong_scope_tokens,
    tokens_and_scopes
);

async fn token_endpoint(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let client = t.client("acme", &["read:/inbox"]).await;
    let form = |body: String| {
        Request::post("/oauth2/token")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    // client_secret_basic
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", client.client_id, client.client_secret));
    let answer = t
        .send(
            Request::post("/oauth2/token")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::AUTHORIZATION, format!("Basic {basic}"))
                .body(Body::from("grant_type=client_credentials"))
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read:/inbox");
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(t.get("/inbox/credentials", Some(&token)).await.status, 200);

    // Wrong secret, unknown client, wrong grant, scope not granted.
    let wrong = t
        .send(form(format!(
            "grant_type=client_credentials&client_id={}&client_secret=nope",
            client.client_id
        )))
        .await
        .assert_problem(401, "invalid-client");
    assert_eq!(wrong["error"], "invalid_client");
    t.send(form(
        "grant_type=client_credentials&client_id=x&client_secret=y".into(),
    ))
    .await
    .assert_problem(401, "invalid-client");
    let grant = t
        .send(form("grant_type=password&username=a&password=b".into()))
        .await
        .assert_problem(400, "unsupported-grant-type");
    assert_eq!(grant["error"], "unsupported_grant_type");
    t.send(form(format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=write:/inbox",
        client.client_id, client.client_secret
    )))
    .await
    .assert_problem(400, "invalid-scope");

    // Revocation (by the CLI twin): no new tokens; existing ones stop at the next store check.
    let location = t.location.clone();
    let client_id = client.client_id.clone();
    let revoked = tokio::task::spawn_blocking(move || {
        Admin::open_at(location)
            .unwrap()
            .clients_revoke("acme", &client_id)
            .unwrap()
    })
    .await
    .unwrap();
    assert!(revoked);
    t.send(form(format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client.client_id, client.client_secret
    )))
    .await
    .assert_problem(401, "invalid-client");
    t.cleanup().await;
}
both!(token_endpoint_basic_post_and_errors, token_endpoint);

async fn sessions(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let location = t.location.clone();
    tokio::task::spawn_blocking(move || {
        Admin::open_at(location)
            .unwrap()
            .users_add("acme", "ann@acme.example", "correct horse battery staple")
            .unwrap()
    })
    .await
    .unwrap();
    let login = |password: &str| {
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=ann%40acme.example&password={password}"
            )))
            .unwrap()
    };
    let wrong = t.send(login("wrong")).await;
    assert_eq!(wrong.status, 303);
    assert!(
        wrong.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?error=1")
    );
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));
    t.send(
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"email": "ann@acme.example", "password": "wrong"}"#,
            ))
            .unwrap(),
    )
    .await
    .assert_problem(401, "bad-login");
    let ok = t.send(login("correct+horse+battery+staple")).await;
    assert_eq!(ok.status, 303, "{}", ok.text());
    let cookie = ok.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax")
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let list = t
        .send(
            Request::get("/inbox/credentials")
                .header(header::COOKIE, &pair)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text());
    let out = t
        .send(
            Request::post("/logout")
                .header(header::COOKIE, &pair)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, 303);
    t.send(
        Request::get("/inbox/credentials")
            .header(header::COOKIE, &pair)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .assert_problem(401, "unauthorized");
    t.cleanup().await;
}
both!(password_login_sessions, sessions);

async fn dev_mode(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let answer = t.get("/inbox/credentials", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(
        t.state
            .store
            .tenant_by_name("default")
            .await
            .unwrap()
            .is_some()
    );
    t.cleanup().await;
}
both!(dev_mode_needs_no_token, dev_mode);
