//! The consumer against our own host through the in-process adapter: the 1,000-credential
//! round trip, incremental pulls, retries and refresh.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use credbridge_obapi::*;

use crate::support::*;

fn sleeper(env: &Env) -> ClockSleeper {
    ClockSleeper {
        clock: env.clock.clone(),
        waits: RefCell::new(Vec::new()),
    }
}

fn upsert_all(env: &Env, token: &str, bodies: &[(bool, String)]) {
    for (is_jws, body) in bodies {
        let (ct, path) = if *is_jws {
            ("text/plain", "/ims/ob/v3p0/credentials")
        } else {
            ("application/json", "/ims/ob/v3p0/credentials")
        };
        let response = env.send("POST", path, token, ct, body.as_bytes());
        assert_eq!(
            response.status,
            201,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
    }
}

/// `count` credentials numbered from `first`: every tenth a VC-JOSE JWS, the rest JSON with an
/// eddsa-jcs-2022 proof, each serialized its own way (pretty, compact) to make byte identity
/// mean something.
fn credentials(first: usize, count: usize) -> Vec<(bool, String)> {
    let signer = signer();
    (first..first + count)
        .map(|n| {
            let credential = signed_credential(&signer, n);
            if n % 10 == 9 {
                (true, signer.sign_vc_jose(&credential).unwrap())
            } else if n % 2 == 0 {
                (false, serde_json::to_string_pretty(&credential).unwrap())
            } else {
                (false, credential.to_string())
            }
        })
        .collect()
}

fn pulled_text(c: &PulledCredential) -> (bool, String) {
    match c {
        PulledCredential::Json(t) => (false, t.clone()),
        PulledCredential::CompactJws(t) => (true, t.clone()),
    }
}

#[test]
fn pulls_1000_credentials_in_pages_of_100_byte_identical_then_only_new_ones() {
    let env = Env::new();
    let scopes = [
        ob(Permission::CredentialReadonly),
        ob(Permission::CredentialUpsert),
    ];
    let uploader = env.token("alice", &scopes);
    let originals = credentials(0, 1000);
    upsert_all(&env, &uploader, &originals);
    env.clock.advance(10);

    let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);
    let http = env.client();
    let mut got = Vec::new();
    let report = pull(
        &http,
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |c| got.push(pulled_text(&c)),
    )
    .unwrap();
    assert_eq!(report.pages, 10);
    assert_eq!(report.credentials, 1000);
    assert_eq!(report.retries, 0);
    // JSON and JWS travel in separate arrays of each page; compare as sets of exact texts.
    let mut expected = originals.clone();
    expected.sort();
    let mut sorted = got.clone();
    sorted.sort();
    assert!(
        sorted == expected,
        "the pulled texts differ from the posted ones"
    );
    // Within a page, the JSON credentials keep list order.
    let json_order: Vec<&String> = got.iter().filter(|(j, _)| !j).map(|(_, t)| t).collect();
    let posted_order: Vec<&String> = originals
        .iter()
        .filter(|(j, _)| !j)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(json_order, posted_order);
    // Every page followed the host's next link and validated against the schema.
    let sent = http.sent.borrow();
    let pages: Vec<&OutgoingRequest> = sent
        .iter()
        .filter(|r| r.url.contains("/credentials"))
        .collect();
    assert_eq!(pages.len(), 10);
    assert!(
        pages[9].url.ends_with("limit=100&offset=900"),
        "{}",
        pages[9].url
    );
    drop(sent);
    let page = env.get(
        "/ims/ob/v3p0/credentials?limit=100&offset=500",
        &connection.tokens.access_token,
    );
    assert_schema(
        "ob_v3p0_getopenbadgecredentialsresponse",
        &page.body_json().unwrap(),
    );
    assert_eq!(
        connection.last_sync.as_deref(),
        Some("2027-01-15T08:00:09Z")
    );

    // Seven new credentials later: the next pull returns exactly those.
    env.clock.advance(300);
    let new = credentials(1000, 7);
    upsert_all(&env, &uploader, &new);
    env.clock.advance(5);
    let mut got = Vec::new();
    let report = pull(
        &http,
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |c| got.push(pulled_text(&c)),
    )
    .unwrap();
    assert_eq!(report.credentials, 7);
    assert_eq!(report.pages, 1);
    got.sort();
    let mut expected = new;
    expected.sort();
    assert_eq!(got, expected);

    // Nothing new: nothing pulled.
    env.clock.advance(60);
    let report = pull(
        &http,
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.credentials, 0);
}

#[test]
fn busy_host_is_retried_after_retry_after_twice_then_given_up() {
    let repo = Arc::new(BusyRepo {
        inner: MemoryCredentialRepo::new(),
        busy: AtomicU32::new(0),
        retry_after: 90,
    });
    let env = Env::with(repo.clone(), OAuthConfig::new(BASE));
    let uploader = env.token("alice", &[ob(Permission::CredentialUpsert)]);
    upsert_all(&env, &uploader, &credentials(0, 3));
    let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);

    repo.busy.store(2, std::sync::atomic::Ordering::SeqCst);
    let sleep = sleeper(&env);
    let report = pull(
        &env.client(),
        env.clock.as_ref(),
        &sleep,
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.credentials, 3);
    assert_eq!(report.retries, 2);
    assert_eq!(*sleep.waits.borrow(), vec![90, 90]);

    repo.busy.store(3, std::sync::atomic::Ordering::SeqCst);
    connection.last_sync = None;
    let error = pull(
        &env.client(),
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            ConsumerError::GaveUp {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn without_retry_after_the_wait_is_thirty_minutes() {
    let env = Env::new();
    let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);
    let http = env.client();
    http.inject(HttpResponse::empty(503));
    http.inject(
        HttpResponse::empty(429).with_header("Retry-After", "Fri, 15 Jan 2027 08:45:00 GMT"),
    );
    let sleep = sleeper(&env);
    let report = pull(
        &http,
        env.clock.as_ref(),
        &sleep,
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.retries, 2);
    // 1800 s, then until 08:45:00 from 08:30:00 (T0 + 1800).
    assert_eq!(*sleep.waits.borrow(), vec![1800, 900]);
}

#[test]
fn an_expired_access_token_is_refreshed_once_and_rotated() {
    let env = Env::new();
    let uploader = env.token("alice", &[ob(Permission::CredentialUpsert)]);
    upsert_all(&env, &uploader, &credentials(0, 2));
    let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);
    let before = connection.tokens.clone();
    env.clock.advance(7200);
    let report = pull(
        &env.client(),
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.refreshed);
    assert_eq!(report.credentials, 2);
    assert_ne!(connection.tokens.access_token, before.access_token);
    assert_ne!(connection.tokens.refresh_token, before.refresh_token);

    // An access token the host refuses before its time (revoked) is refreshed on the 401.
    let revoke = |token: &str| {
        env.service.handle(
            &HttpRequest::new("POST", "/oauth/revoke")
                .with_header("Authorization", &basic(&connection.client))
                .with_header("Content-Type", "application/x-www-form-urlencoded")
                .with_body(format!("token={token}")),
        )
    };
    assert_eq!(revoke(&connection.tokens.access_token).status, 200);
    let http = env.client();
    let before = connection.tokens.clone();
    let report = pull(
        &http,
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.refreshed);
    assert_ne!(connection.tokens.access_token, before.access_token);
    let statuses: Vec<&str> = http
        .sent
        .borrow()
        .iter()
        .map(|r| {
            if r.url.ends_with("/oauth/token") {
                "token"
            } else {
                "page"
            }
        })
        .collect();
    assert_eq!(statuses, ["page", "token", "page"], "401, refresh, retry");

    // A revoked grant cannot be refreshed: the user must connect again.
    env.clock.advance(7200);
    let revoke = env.service.handle(
        &HttpRequest::new("POST", "/oauth/revoke")
            .with_header("Authorization", &basic(&connection.client))
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(format!(
                "token={}",
                connection.tokens.refresh_token.clone().unwrap()
            )),
    );
    assert_eq!(revoke.status, 200);
    let error = pull(
        &env.client(),
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(error, ConsumerError::Unauthorized { .. }),
        "{error:?}"
    );
}

#[test]
fn a_next_link_off_the_api_origin_is_not_followed() {
    let env = Env::new();
    let mut connection = env.connect("alice", &[ob(Permission::CredentialReadonly)]);
    let http = env.client();
    http.inject(
        HttpResponse::bytes(
            200,
            "application/json",
            br#"{"credential":[],"compactJwsString":[]}"#.to_vec(),
        )
        .with_header(
            "Link",
            "<https://attacker.example/steal?offset=1>; rel=\"next\"",
        ),
    );
    let error = pull(
        &http,
        env.clock.as_ref(),
        &sleeper(&env),
        &mut connection,
        &PullOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(error, ConsumerError::LinkOffOrigin { .. }),
        "{error:?}"
    );
}

#[test]
fn registration_errors_reach_the_consumer_with_the_spec_code() {
    let env = Env::new();
    let http = env.client();
    let sd = discover(&http, &format!("{BASE}/ims/ob/v3p0")).unwrap();
    let mut bad = registration(&[ob(Permission::CredentialReadonly)]);
    bad.redirect_uris = vec!["http://hr.example/callback".into()];
    match register(&http, &sd, &bad) {
        Err(ConsumerError::Status {
            status: 400,
            description: Some(d),
            ..
        }) => {
            assert!(d.starts_with("invalid_redirect_uri"), "{d}");
        }
        other => panic!("{other:?}"),
    }
}
