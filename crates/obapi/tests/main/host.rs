//! The resource server: discovery, paging, upsert equality, profile, errors — every body
//! checked against the bundled 1EdTech schemas.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use credbridge_obapi::*;
use serde_json::{Value, json};

use crate::support::*;

const CREDS: &str = "/ims/ob/v3p0/credentials";

fn post_json(env: &Env, token: &str, body: &[u8]) -> HttpResponse {
    env.send("POST", CREDS, token, "application/json", body)
}

#[test]
fn discovery_describes_oauth2acg_with_registration_scopes_terms_and_privacy() {
    let env = Env::new();
    for flavor in ApiFlavor::ALL {
        let response = env.service.handle(&HttpRequest::new(
            "GET",
            &format!("{}/discovery", flavor.base_path()),
        ));
        assert_eq!(response.status, 200);
        let sdd = response.body_json().unwrap();
        assert_eq!(sdd["openapi"], "3.0.1");
        assert_eq!(sdd["info"]["termsOfService"], format!("{BASE}/terms"));
        assert_eq!(
            sdd["info"]["x-imssf-privacyPolicyUrl"],
            format!("{BASE}/privacy")
        );
        assert_eq!(sdd["info"]["x-imssf-image"], format!("{BASE}/logo.png"));
        assert_eq!(
            sdd["servers"][0]["url"],
            format!("{BASE}{}", flavor.base_path())
        );
        let scheme = &sdd["components"]["securitySchemes"]["OAuth2ACG"];
        assert_eq!(scheme["type"], "oauth2");
        assert_eq!(
            scheme["x-imssf-registrationUrl"],
            format!("{BASE}/oauth/register")
        );
        let flow = &scheme["flows"]["authorizationCode"];
        assert_eq!(flow["authorizationUrl"], format!("{BASE}/oauth/authorize"));
        assert_eq!(flow["tokenUrl"], format!("{BASE}/oauth/token"));
        assert_eq!(flow["refreshUrl"], format!("{BASE}/oauth/token"));
        let scopes: Vec<&String> = flow["scopes"].as_object().unwrap().keys().collect();
        let expected: Vec<String> = Permission::ALL.iter().map(|p| flavor.scope(*p)).collect();
        assert_eq!(scopes, expected.iter().collect::<Vec<_>>());
        for (path, method, permission) in [
            ("/credentials", "get", Permission::CredentialReadonly),
            ("/credentials", "post", Permission::CredentialUpsert),
            ("/profile", "get", Permission::ProfileReadonly),
            ("/profile", "put", Permission::ProfileUpdate),
        ] {
            let op = &sdd["paths"][path][method];
            assert_eq!(
                op["security"][0]["OAuth2ACG"][0],
                flavor.scope(permission),
                "{path} {method}"
            );
        }
        assert_eq!(
            sdd["paths"]["/credentials"]["get"]["operationId"],
            "getCredentials"
        );
    }
    let scopes = ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly);
    assert_eq!(
        scopes,
        "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
    );
    assert_eq!(
        ApiFlavor::Clr.scope(Permission::ProfileUpdate),
        "https://purl.imsglobal.org/spec/clr/v2p0/scope/profile.update"
    );
}

#[test]
fn paging_sends_total_and_rfc8288_links_and_schema_valid_pages() {
    let env = Env::new();
    let token = env.token(
        "alice",
        &[
            ob(Permission::CredentialReadonly),
            ob(Permission::CredentialUpsert),
        ],
    );
    let signer = signer();
    for n in 0..5 {
        let body = signed_credential(&signer, n).to_string();
        assert_eq!(post_json(&env, &token, body.as_bytes()).status, 201);
    }
    let page = env.get(&format!("{CREDS}?limit=2"), &token);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("X-Total-Count"), Some("5"));
    let link = page.header("Link").unwrap();
    let url = |offset: usize| format!("<{BASE}{CREDS}?limit=2&offset={offset}>");
    assert_eq!(
        link,
        format!(
            "{}; rel=\"next\", {}; rel=\"last\", {}; rel=\"first\"",
            url(2),
            url(4),
            url(0)
        )
    );
    let body = page.body_json().unwrap();
    assert_schema("ob_v3p0_getopenbadgecredentialsresponse", &body);
    assert_eq!(body["credential"].as_array().unwrap().len(), 2);
    assert_eq!(body["credential"][0]["name"], "Badge number 0");

    let middle = env.get(&format!("{CREDS}?limit=2&offset=2"), &token);
    let link = middle.header("Link").unwrap();
    assert!(
        link.contains(&format!("{}; rel=\"next\"", url(4))),
        "{link}"
    );
    assert!(
        link.contains(&format!("{}; rel=\"prev\"", url(0))),
        "{link}"
    );
    let last = env.get(&format!("{CREDS}?limit=2&offset=4"), &token);
    let link = last.header("Link").unwrap();
    assert!(!link.contains("rel=\"next\""), "{link}");
    assert!(
        link.contains(&format!("{}; rel=\"prev\"", url(2))),
        "{link}"
    );
    assert_eq!(
        last.body_json().unwrap()["credential"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // `since` keeps only what was stored later, and the links keep `since`.
    env.clock.advance(60);
    let since = credbridge_model::format_unix(T0 + 30);
    let body = signed_credential(&signer, 99).to_string();
    assert_eq!(post_json(&env, &token, body.as_bytes()).status, 201);
    let newer = env.get(&format!("{CREDS}?since={since}"), &token);
    assert_eq!(newer.header("X-Total-Count"), Some("1"));
    assert!(
        newer
            .header("Link")
            .unwrap()
            .contains("since=2027-01-15T08%3A00%3A30Z")
    );
    assert_eq!(
        newer.body_json().unwrap()["credential"][0]["name"],
        "Badge number 99"
    );

    // An empty list is still a valid response.
    let bob = env.token("bob", &[ob(Permission::CredentialReadonly)]);
    let empty = env.get(CREDS, &bob);
    assert_eq!(empty.header("X-Total-Count"), Some("0"));
    assert_schema(
        "ob_v3p0_getopenbadgecredentialsresponse",
        &empty.body_json().unwrap(),
    );
}

#[test]
fn malformed_paging_parameters_are_invalid_query_parameter() {
    let env = Env::new();
    let token = env.token("alice", &[ob(Permission::CredentialReadonly)]);
    for query in [
        "limit=0",
        "limit=ten",
        "offset=-1",
        "since=yesterday",
        "since=2026-02-30T00:00:00Z",
    ] {
        let response = env.get(&format!("{CREDS}?{query}"), &token);
        assert_imsx(&response, 400, "invalid_query_parameter");
    }
}

#[test]
fn upsert_creates_then_replaces_by_id_and_issuer_id() {
    let env = Env::new();
    let token = env.token(
        "alice",
        &[
            ob(Permission::CredentialReadonly),
            ob(Permission::CredentialUpsert),
        ],
    );
    let basic = standards("1edtech-spec-examples/basic-openbadgecredential.json");
    let created = post_json(&env, &token, &basic);
    assert_eq!(created.status, 201);
    assert_eq!(
        created.body, basic,
        "the response body is the credential in the request"
    );
    assert_eq!(created.header("Content-Type"), Some("application/json"));
    assert_schema(
        "ob_v3p0_achievementcredential",
        &created.body_json().unwrap(),
    );

    let replaced = env.send("POST", CREDS, &token, "application/vc+ld+json", &basic);
    assert_eq!(replaced.status, 200);
    assert_eq!(
        replaced.header("Content-Type"),
        Some("application/vc+ld+json")
    );

    // Equality after percent-decoding and trimming (OB 3.0 §10): the same credential with its
    // ids written differently replaces it.
    let mut respelled: Value = serde_json::from_slice(&basic).unwrap();
    respelled["id"] = json!(" http://example.com/credentials/%33527 ");
    respelled["issuer"]["id"] = json!("https://example.com/issuers/876543%20");
    respelled["name"] = json!("Renamed");
    let response = post_json(&env, &token, respelled.to_string().as_bytes());
    assert_eq!(response.status, 200);

    // Same id, another issuer: another credential.
    let mut other_issuer: Value = serde_json::from_slice(&basic).unwrap();
    other_issuer["issuer"]["id"] = json!("https://other.example/issuers/1");
    assert_eq!(
        post_json(&env, &token, other_issuer.to_string().as_bytes()).status,
        201
    );

    let complete = standards("1edtech-spec-examples/complete-openbadgecredential.json");
    assert_eq!(post_json(&env, &token, &complete).status, 201);

    let page = env.get(CREDS, &token);
    assert_eq!(page.header("X-Total-Count"), Some("3"));
    let body = page.body_json().unwrap();
    assert_schema("ob_v3p0_getopenbadgecredentialsresponse", &body);
    assert_eq!(
        body["credential"][0]["name"], "Renamed",
        "replaced in place"
    );
}

#[test]
fn a_jwt_and_its_json_twin_are_the_same_credential() {
    let env = Env::new();
    let token = env.token(
        "alice",
        &[
            ob(Permission::CredentialReadonly),
            ob(Permission::CredentialUpsert),
        ],
    );
    let signer = signer();
    let mut credential = credbridge_testkit::ob3_credential(&signer.did.did);
    credential["id"] = json!("urn:uuid:6f3a2b3c-1111-4222-8333-444455556666");
    let jws = signer.sign_vc_jose(&credential).unwrap();

    assert_eq!(
        post_json(&env, &token, credential.to_string().as_bytes()).status,
        201
    );
    let replaced = env.send("POST", CREDS, &token, "text/plain", jws.as_bytes());
    assert_eq!(
        replaced.status,
        200,
        "{}",
        String::from_utf8_lossy(&replaced.body)
    );
    assert_eq!(replaced.header("Content-Type"), Some("text/plain"));
    assert_eq!(replaced.body, jws.as_bytes());

    let body = env.get(CREDS, &token).body_json().unwrap();
    assert_schema("ob_v3p0_getopenbadgecredentialsresponse", &body);
    assert_eq!(body["credential"], json!([]));
    assert_eq!(body["compactJwsString"], json!([jws]));

    // And back: the JSON twin replaces the JWT.
    assert_eq!(
        post_json(&env, &token, credential.to_string().as_bytes()).status,
        200
    );
    let body = env.get(CREDS, &token).body_json().unwrap();
    assert_eq!(body["credential"].as_array().unwrap().len(), 1);
    assert_eq!(body["compactJwsString"], json!([]));
}

#[test]
fn upsert_refuses_what_is_not_a_credential_of_this_api() {
    let env = Env::new();
    let token = env.token("alice", &[ob(Permission::CredentialUpsert)]);
    let mut no_id: Value = serde_json::from_slice(&standards(
        "1edtech-spec-examples/basic-openbadgecredential.json",
    ))
    .unwrap();
    no_id.as_object_mut().unwrap().remove("id");
    let response = post_json(&env, &token, no_id.to_string().as_bytes());
    assert_imsx(&response, 400, "invalid_data");
    assert!(
        response.body_json().unwrap()["imsx_description"]
            .as_str()
            .unwrap()
            .contains("/id")
    );

    let clr = standards("1edtech-validator/clr20/simple.json");
    let response = post_json(&env, &token, &clr);
    assert_imsx(&response, 400, "invalid_data");
    assert!(
        response.body_json().unwrap()["imsx_description"]
            .as_str()
            .unwrap()
            .contains("OpenBadgeCredential")
    );

    assert_imsx(&post_json(&env, &token, b"{not json"), 400, "invalid_data");
    assert_imsx(
        &env.send("POST", CREDS, &token, "text/plain", b"not.a.jws"),
        400,
        "invalid_data",
    );
    assert_imsx(
        &env.send("POST", CREDS, &token, "application/xml", b"<x/>"),
        400,
        "invalid_data",
    );
}

#[test]
fn clr_api_keeps_its_own_list_and_scopes() {
    let env = Env::new();
    let clr_scopes = [
        scope(ApiFlavor::Clr, Permission::CredentialReadonly),
        scope(ApiFlavor::Clr, Permission::CredentialUpsert),
    ];
    let token = env.token("alice", &clr_scopes);
    let path = "/ims/clr/v2p0/credentials";
    let clr = standards("1edtech-validator/clr20/simple.json");
    assert_eq!(
        env.send("POST", path, &token, "application/json", &clr)
            .status,
        201
    );
    // The validator's VC-JWT (VCDM 1.1, `vc` claim, `jti`/`iss`) is the same CLR: it replaces.
    let jwt = standards("1edtech-validator/clr20/simple.jwt");
    let response = env.send("POST", path, &token, "text/plain", &jwt);
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let page = env.get(path, &token);
    assert_eq!(page.status, 200);
    let body = page.body_json().unwrap();
    assert_schema("clr_v2p0_getclrcredentialsresponse", &body);
    assert_eq!(body["credential"], json!([]));
    assert_eq!(body["compactJwsString"].as_array().unwrap().len(), 1);

    // A CLR token reads no Open Badges, and the OB list is separate.
    assert_imsx(&env.get(CREDS, &token), 403, "forbidden");
    let ob_token = env.token("alice", &[ob(Permission::CredentialReadonly)]);
    assert_eq!(env.get(CREDS, &ob_token).header("X-Total-Count"), Some("0"));
}

#[test]
fn users_see_only_their_own_credentials() {
    let env = Env::new();
    let alice = env.token(
        "alice",
        &[
            ob(Permission::CredentialReadonly),
            ob(Permission::CredentialUpsert),
        ],
    );
    let bob = env.token("bob", &[ob(Permission::CredentialReadonly)]);
    let basic = standards("1edtech-spec-examples/basic-openbadgecredential.json");
    assert_eq!(post_json(&env, &alice, &basic).status, 201);
    assert_eq!(env.get(CREDS, &alice).header("X-Total-Count"), Some("1"));
    assert_eq!(env.get(CREDS, &bob).header("X-Total-Count"), Some("0"));
}

#[test]
fn profile_is_404_until_put_then_round_trips_and_is_schema_checked() {
    let env = Env::new();
    let token = env.token(
        "alice",
        &[
            ob(Permission::ProfileReadonly),
            ob(Permission::ProfileUpdate),
        ],
    );
    assert_imsx(&env.get("/ims/ob/v3p0/profile", &token), 404, "not_found");

    let profile = json!({
        "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": "Profile",
        "id": "https://example.edu/issuers/565049",
        "name": "Example University",
        "phone": "111-222-3333"
    });
    let put = env.send(
        "PUT",
        "/ims/ob/v3p0/profile",
        &token,
        "application/json",
        profile.to_string().as_bytes(),
    );
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    assert_schema("ob_v3p0_profile", &put.body_json().unwrap());
    let got = env.get("/ims/ob/v3p0/profile", &token);
    assert_eq!(got.status, 200);
    assert_eq!(got.body_json().unwrap(), profile);
    assert_schema("ob_v3p0_profile", &got.body_json().unwrap());

    let not_a_profile = json!({"name": "No id, no type"});
    let response = env.send(
        "PUT",
        "/ims/ob/v3p0/profile",
        &token,
        "application/json",
        not_a_profile.to_string().as_bytes(),
    );
    assert_imsx(&response, 400, "invalid_data");
}

#[test]
fn a_busy_store_is_503_server_busy_with_retry_after() {
    let repo = Arc::new(BusyRepo {
        inner: MemoryCredentialRepo::new(),
        busy: AtomicU32::new(1),
        retry_after: 120,
    });
    let env = Env::with(repo, OAuthConfig::new(BASE));
    let token = env.token("alice", &[ob(Permission::CredentialReadonly)]);
    let response = env.get(CREDS, &token);
    assert_imsx(&response, 503, "server_busy");
    assert_eq!(response.header("Retry-After"), Some("120"));
    assert_eq!(env.get(CREDS, &token).status, 200);
}

#[test]
fn other_methods_are_405_not_allowed_and_unknown_paths_404() {
    let env = Env::new();
    let response = env.service.handle(&HttpRequest::new("DELETE", CREDS));
    assert_imsx(&response, 405, "not_allowed");
    assert_eq!(response.header("Allow"), Some("GET, POST"));
    let response = env
        .service
        .handle(&HttpRequest::new("GET", "/ims/ob/v3p0/badges"));
    assert_imsx(&response, 404, "not_found");
}

#[test]
fn no_token_is_401_with_a_bare_bearer_challenge() {
    let env = Env::new();
    let response = env.service.handle(&HttpRequest::new("GET", CREDS));
    assert_imsx(&response, 401, "unauthorizedrequest");
    assert_eq!(
        response.header("WWW-Authenticate"),
        Some("Bearer realm=\"credbridge\"")
    );
}
