//! The authorization server: registration, the authorization request, the token endpoint,
//! refresh rotation, revocation and bearer validation — each negative with the spec's error.

use credbridge_obapi::*;
use serde_json::{Value, json};

use crate::support::*;

const CREDS: &str = "/ims/ob/v3p0/credentials";

fn register_raw(env: &Env, body: &Value) -> HttpResponse {
    env.service.handle(
        &HttpRequest::new("POST", "/oauth/register")
            .with_header("Content-Type", "application/json")
            .with_body(body.to_string()),
    )
}

fn readonly() -> Vec<String> {
    vec![ob(Permission::CredentialReadonly)]
}

/// A change to the parameters of an authorization request.
type Edit = dyn FnOnce(&mut Vec<(&'static str, String)>);

/// An authorization request query for `client`, with `edit` applied to its parameters.
fn auth_query(
    client: &RegisteredClient,
    edit: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> String {
    let mut params = vec![
        ("response_type", "code".to_owned()),
        ("client_id", client.client_id.clone()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("scope", ob(Permission::CredentialReadonly)),
        ("state", "st-123".to_owned()),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
        ),
        ("code_challenge_method", "S256".to_owned()),
    ];
    edit(&mut params);
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        query.append_pair(k, &v);
    }
    query.finish()
}

fn redirected_error(rejection: &AuthorizeRejection) -> (String, Vec<(String, String)>) {
    match rejection {
        AuthorizeRejection::Redirect { location, error } => {
            assert!(location.starts_with(REDIRECT), "{location}");
            let params = url::form_urlencoded::parse(query_of(location).as_bytes())
                .into_owned()
                .collect();
            (error.error.to_owned(), params)
        }
        AuthorizeRejection::Page(error) => panic!("expected a redirect, got a page: {error}"),
    }
}

#[test]
fn registration_returns_credentials_and_echoes_metadata() {
    let env = Env::new();
    let response = register_raw(&env, &registration_json(&readonly()));
    assert_eq!(response.status, 201);
    assert_eq!(response.header("Cache-Control"), Some("no-store"));
    let body = response.body_json().unwrap();
    assert!(body["client_id"].as_str().is_some_and(|s| s.len() == 43));
    assert!(
        body["client_secret"]
            .as_str()
            .is_some_and(|s| s.len() == 43)
    );
    assert_eq!(body["client_id_issued_at"], T0);
    assert_eq!(body["client_secret_expires_at"], 0);
    assert_eq!(body["redirect_uris"], json!([REDIRECT]));
    assert_eq!(body["scope"], ob(Permission::CredentialReadonly));
    // Only the hash of the secret is kept.
    let stored = env
        .store
        .client(body["client_id"].as_str().unwrap())
        .unwrap()
        .unwrap();
    assert_ne!(
        stored.client_secret_hash.to_vec(),
        body["client_secret"].as_str().unwrap().as_bytes()
    );
}

#[test]
fn registration_with_http_uris_is_refused() {
    let env = Env::new();
    let cases: [(&str, Value, &str); 9] = [
        (
            "redirect_uris",
            json!(["http://hr.example/callback"]),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uris",
            json!(["http://127.0.0.1:8123/callback"]),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uris",
            json!("https://hr.example/callback"),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uris",
            json!(["https://evil.example/callback"]),
            "invalid_redirect_uri",
        ),
        (
            "redirect_uris",
            json!(["https://hr.example/callback#frag"]),
            "invalid_redirect_uri",
        ),
        (
            "client_uri",
            json!("http://hr.example/"),
            "invalid_client_metadata",
        ),
        (
            "logo_uri",
            json!("https://cdn.example/logo.png"),
            "invalid_client_metadata",
        ),
        (
            "tos_uri",
            json!("http://hr.example/terms"),
            "invalid_client_metadata",
        ),
        (
            "grant_types",
            json!("authorization_code"),
            "invalid_client_metadata",
        ),
    ];
    for (field, value, error) in cases {
        let mut body = registration_json(&readonly());
        body[field] = value.clone();
        let response = register_raw(&env, &body);
        assert_oauth_error(&response, 400, error);
        let description = response.body_json().unwrap()["error_description"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            description.contains(field),
            "{field} = {value}: {description}"
        );
    }
    for missing in [
        "client_name",
        "client_uri",
        "logo_uri",
        "tos_uri",
        "policy_uri",
        "software_id",
        "software_version",
        "scope",
    ] {
        let mut body = registration_json(&readonly());
        body.as_object_mut().unwrap().remove(missing);
        let response = register_raw(&env, &body);
        assert_oauth_error(&response, 400, "invalid_client_metadata");
        assert!(
            response.body_json().unwrap()["error_description"]
                .as_str()
                .unwrap()
                .starts_with(missing)
        );
    }
    let mut body = registration_json(&readonly());
    body["scope"] = json!("https://purl.imsglobal.org/spec/ob/v3p0/scope/everything");
    assert_oauth_error(&register_raw(&env, &body), 400, "invalid_client_metadata");
    let mut body = registration_json(&readonly());
    body["token_endpoint_auth_method"] = json!("none");
    assert_oauth_error(&register_raw(&env, &body), 400, "invalid_client_metadata");
}

#[test]
fn loopback_http_redirects_only_with_the_dangerous_option() {
    let mut oauth = OAuthConfig::new(BASE);
    oauth.dangerous_allow_loopback_http_redirects = true;
    let env = Env::with(std::sync::Arc::new(MemoryCredentialRepo::new()), oauth);
    let mut body = registration_json(&readonly());
    body["redirect_uris"] = json!(["http://127.0.0.1:8123/callback"]);
    assert_eq!(register_raw(&env, &body).status, 201);
    body["redirect_uris"] = json!(["http://192.168.1.5/callback"]);
    assert_oauth_error(&register_raw(&env, &body), 400, "invalid_redirect_uri");
}

#[test]
fn the_consent_model_names_the_client_and_says_each_scope_in_words() {
    let env = Env::new();
    let scopes = [
        ob(Permission::CredentialReadonly),
        ob(Permission::ProfileReadonly),
    ];
    let (sd, client) = env.register(&scopes);
    let pending = begin_authorization(
        &sd,
        &client,
        REDIRECT,
        &[scopes[0].clone(), scopes[1].clone(), OFFLINE_ACCESS.into()],
    )
    .unwrap();
    let consent = env
        .authz()
        .authorization_request(query_of(&pending.url))
        .unwrap();
    assert_eq!(consent.client.client_name, "Harbour HR");
    assert_eq!(consent.client.policy_uri, "https://hr.example/privacy");
    let sentences: Vec<&str> = consent.scopes.iter().map(|s| s.sentence.as_str()).collect();
    assert_eq!(
        sentences,
        [
            "See every Open Badge in your account.",
            "See your profile (your name and the other details in it).",
            "Keep this access when you are not using the application, until you take it back.",
        ]
    );
    assert_eq!(consent.state, pending.state);
}

#[test]
fn authorization_without_pkce_or_with_plain_is_invalid_request() {
    let env = Env::new();
    let (_, client) = env.register(&readonly());
    let cases: [(&str, Box<Edit>); 4] = [
        (
            "no code_challenge",
            Box::new(|p| p.retain(|(k, _)| *k != "code_challenge")),
        ),
        (
            "plain",
            Box::new(|p| {
                p.retain(|(k, _)| *k != "code_challenge_method");
                p.push(("code_challenge_method", "plain".into()));
            }),
        ),
        (
            "no method (means plain)",
            Box::new(|p| p.retain(|(k, _)| *k != "code_challenge_method")),
        ),
        ("no state", Box::new(|p| p.retain(|(k, _)| *k != "state"))),
    ];
    for (name, edit) in cases {
        let rejection = env
            .authz()
            .authorization_request(&auth_query(&client, edit))
            .unwrap_err();
        let (error, params) = redirected_error(&rejection);
        assert_eq!(error, "invalid_request", "{name}");
        assert!(
            params.contains(&("error".into(), "invalid_request".into())),
            "{name}"
        );
        if name != "no state" {
            assert!(
                params.contains(&("state".into(), "st-123".into())),
                "{name}: {params:?}"
            );
        }
    }
    let rejection = env
        .authz()
        .authorization_request(&auth_query(&client, |p| p[0].1 = "token".into()))
        .unwrap_err();
    assert_eq!(redirected_error(&rejection).0, "unsupported_response_type");
    let rejection = env
        .authz()
        .authorization_request(&auth_query(&client, |p| {
            p[3].1 = ob(Permission::CredentialUpsert)
        }))
        .unwrap_err();
    assert_eq!(redirected_error(&rejection).0, "invalid_scope");
}

#[test]
fn redirect_uri_mismatch_and_unknown_client_never_redirect() {
    let env = Env::new();
    let (_, client) = env.register(&readonly());
    for edit in [
        |p: &mut Vec<(&'static str, String)>| p[2].1 = "https://hr.example/callback/other".into(),
        |p: &mut Vec<(&'static str, String)>| p[2].1 = "https://hr.example/Callback".into(),
        |p: &mut Vec<(&'static str, String)>| p.retain(|(k, _)| *k != "redirect_uri"),
    ] {
        match env
            .authz()
            .authorization_request(&auth_query(&client, edit))
        {
            Err(AuthorizeRejection::Page(error)) => assert_eq!(error.error, "invalid_request"),
            other => panic!("expected an error page, got {other:?}"),
        }
    }
    match env
        .authz()
        .authorization_request(&auth_query(&client, |p| p[1].1 = "nobody".into()))
    {
        Err(AuthorizeRejection::Page(error)) => assert_eq!(error.error, "invalid_client"),
        other => panic!("expected an error page, got {other:?}"),
    }
}

struct Approved {
    client: RegisteredClient,
    pending: PendingAuthorization,
    code: String,
}

fn approved(env: &Env, scopes: &[String]) -> Approved {
    let (sd, client) = env.register(scopes);
    let pending = begin_authorization(&sd, &client, REDIRECT, scopes).unwrap();
    let consent = env
        .authz()
        .authorization_request(query_of(&pending.url))
        .unwrap();
    let location = env.authz().approve(&consent, "alice").unwrap();
    let code = pending.code_from_redirect(&location).unwrap();
    Approved {
        client,
        pending,
        code,
    }
}

fn exchange(env: &Env, a: &Approved, verifier: &str, redirect: &str) -> HttpResponse {
    env.token_request(
        &a.client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &a.code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
}

#[test]
fn wrong_verifier_is_invalid_grant() {
    let env = Env::new();
    let a = approved(&env, &readonly());
    let other_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_oauth_error(
        &exchange(&env, &a, other_verifier, REDIRECT),
        400,
        "invalid_grant",
    );
}

#[test]
fn the_token_redirect_uri_must_match_the_authorization_request() {
    let env = Env::new();
    let a = approved(&env, &readonly());
    let response = exchange(
        &env,
        &a,
        &a.pending.code_verifier,
        "https://hr.example/other",
    );
    assert_oauth_error(&response, 400, "invalid_grant");
}

#[test]
fn a_reused_code_is_refused_and_revokes_what_it_issued() {
    let env = Env::new();
    let a = approved(&env, &readonly());
    let first = exchange(&env, &a, &a.pending.code_verifier, REDIRECT);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("Cache-Control"), Some("no-store"));
    let body = first.body_json().unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(env.get(CREDS, &access).status, 200);

    // The store knows the token only by its SHA-256.
    use sha2::Digest as _;
    let hash: [u8; 32] = sha2::Sha256::digest(access.as_bytes()).into();
    let record = env
        .store
        .token(&hash)
        .unwrap()
        .expect("stored under its hash");
    assert_eq!(record.kind, oauth::TokenKind::Access);
    assert_eq!(record.user, "alice");
    assert_oauth_error(
        &exchange(&env, &a, &a.pending.code_verifier, REDIRECT),
        400,
        "invalid_grant",
    );
    let response = env.get(CREDS, &access);
    assert_imsx(&response, 401, "unauthorizedrequest");
    assert!(
        response
            .header("WWW-Authenticate")
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
}

#[test]
fn an_expired_code_is_invalid_grant() {
    let env = Env::new();
    let a = approved(&env, &readonly());
    env.clock.advance(61);
    assert_oauth_error(
        &exchange(&env, &a, &a.pending.code_verifier, REDIRECT),
        400,
        "invalid_grant",
    );
}

#[test]
fn a_wrong_client_secret_is_invalid_client() {
    let env = Env::new();
    let mut a = approved(&env, &readonly());
    a.client.client_secret = "not-the-secret".into();
    let response = exchange(&env, &a, &a.pending.code_verifier.clone(), REDIRECT);
    assert_oauth_error(&response, 401, "invalid_client");
    assert!(
        response
            .header("WWW-Authenticate")
            .unwrap()
            .starts_with("Basic")
    );
    let response = env.service.handle(
        &HttpRequest::new("POST", "/oauth/token")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("grant_type=authorization_code"),
    );
    assert_oauth_error(&response, 401, "invalid_client");
}

#[test]
fn expired_and_revoked_access_tokens_are_invalid_token() {
    let env = Env::new();
    let connection = env.connect("alice", &readonly());
    let access = connection.tokens.access_token.clone();
    assert_eq!(env.get(CREDS, &access).status, 200);
    env.clock.advance(3600);
    let response = env.get(CREDS, &access);
    assert_imsx(&response, 401, "unauthorizedrequest");
    let challenge = response.header("WWW-Authenticate").unwrap();
    assert!(
        challenge.contains("error=\"invalid_token\"") && challenge.contains("expired"),
        "{challenge}"
    );

    let connection = env.connect("alice", &readonly());
    let access = connection.tokens.access_token.clone();
    let revoke = env.service.handle(
        &HttpRequest::new("POST", "/oauth/revoke")
            .with_header("Authorization", &basic(&connection.client))
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(format!("token={access}&token_type_hint=access_token")),
    );
    assert_eq!(revoke.status, 200);
    let response = env.get(CREDS, &access);
    assert_imsx(&response, 401, "unauthorizedrequest");
    assert!(
        response
            .header("WWW-Authenticate")
            .unwrap()
            .contains("revoked")
    );
    // RFC 7009 §2.2: an unknown token is also 200.
    let again = env.service.handle(
        &HttpRequest::new("POST", "/oauth/revoke")
            .with_header("Authorization", &basic(&connection.client))
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("token=unknown"),
    );
    assert_eq!(again.status, 200);
}

#[test]
fn the_wrong_scope_is_403_insufficient_scope() {
    let env = Env::new();
    let access = env.token("alice", &readonly());
    let basic = standards("1edtech-spec-examples/basic-openbadgecredential.json");
    let response = env.send("POST", CREDS, &access, "application/json", &basic);
    assert_imsx(&response, 403, "forbidden");
    let challenge = response.header("WWW-Authenticate").unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains(&ob(Permission::CredentialUpsert)),
        "{challenge}"
    );
    assert_imsx(&env.get("/ims/ob/v3p0/profile", &access), 403, "forbidden");
}

#[test]
fn refresh_rotates_and_a_replayed_refresh_token_revokes_the_grant() {
    let env = Env::new();
    let connection = env.connect("alice", &readonly());
    let first_refresh = connection
        .tokens
        .refresh_token
        .clone()
        .expect("refresh token");
    let refresh = |token: &str| {
        env.token_request(
            &connection.client,
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
    };
    let rotated = refresh(&first_refresh);
    assert_eq!(rotated.status, 200);
    let body = rotated.body_json().unwrap();
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    let new_refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, first_refresh);
    assert_eq!(env.get(CREDS, &new_access).status, 200);

    // The old refresh token again: refused, and the whole grant with it.
    assert_oauth_error(&refresh(&first_refresh), 400, "invalid_grant");
    assert_imsx(&env.get(CREDS, &new_access), 401, "unauthorizedrequest");
    assert_oauth_error(&refresh(&new_refresh), 400, "invalid_grant");
    assert_imsx(
        &env.get(CREDS, &connection.tokens.access_token),
        401,
        "unauthorizedrequest",
    );
}

#[test]
fn revoking_a_refresh_token_revokes_its_grant_and_scope_can_only_narrow() {
    let env = Env::new();
    let scopes = [
        ob(Permission::CredentialReadonly),
        ob(Permission::ProfileReadonly),
    ];
    let connection = env.connect("alice", &scopes);
    let refresh_token = connection.tokens.refresh_token.clone().unwrap();
    let widen = env.token_request(
        &connection.client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("scope", &ob(Permission::CredentialUpsert)),
        ],
    );
    assert_oauth_error(&widen, 400, "invalid_scope");
    let revoke = env.service.handle(
        &HttpRequest::new("POST", "/oauth/revoke")
            .with_header("Authorization", &basic(&connection.client))
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(format!(
                "token={refresh_token}&token_type_hint=refresh_token"
            )),
    );
    assert_eq!(revoke.status, 200);
    assert_imsx(
        &env.get(CREDS, &connection.tokens.access_token),
        401,
        "unauthorizedrequest",
    );
}

#[test]
fn deny_sends_access_denied_and_a_forged_state_is_caught() {
    let env = Env::new();
    let (sd, client) = env.register(&readonly());
    let pending = begin_authorization(&sd, &client, REDIRECT, &readonly()).unwrap();
    let consent = env
        .authz()
        .authorization_request(query_of(&pending.url))
        .unwrap();
    let location = env.authz().deny(&consent);
    match pending.code_from_redirect(&location) {
        Err(ConsumerError::AuthorizationRefused { error, .. }) => {
            assert_eq!(error, "access_denied")
        }
        other => panic!("{other:?}"),
    }
    let location = env.authz().approve(&consent, "alice").unwrap();
    let forged = location.replace(&format!("state={}", pending.state), "state=forged");
    assert_eq!(
        pending.code_from_redirect(&forged),
        Err(ConsumerError::StateMismatch)
    );
}
