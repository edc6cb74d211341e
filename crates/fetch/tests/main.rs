//! Integration tests: the guarded client against a real HTTP server on 127.0.0.1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod server;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use credbridge_fetch::{
    AddressClass, DidWebResolver, FetchError, FetchPolicy, Fetched, FixedClock, GuardedClient,
    HttpsControllerResolver, MAX_SNAPSHOTS_PER_URL, Purpose, SnapshotStore, sha256_hex,
};
use credbridge_keys::{
    Algorithm, ChainResolver, KeyType, PublicKey, ResolveError, Resolver, SecretKey,
    VerificationRelationship,
};
use server::{Reply, TestServer};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/examples");
const OIDF_DID: &str = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf";
const OIDF_KEY: &str = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ";
const STATUS_PATH: &str = "/status/e5WK8CbZ1GjycuPombrj";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

fn oidf_did_json() -> Vec<u8> {
    fixture("dcc-vc-test-fixtures/dids/oidf/did.json")
}

fn status_list_json() -> Vec<u8> {
    fixture(
        "dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj.json",
    )
}

fn key1_json() -> String {
    String::from_utf8(fixture("1edtech-validator/ob20/assets/key1.json")).unwrap()
}

/// A fixed fetch time, so snapshots and `fetched_at` are checkable.
fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

fn client(policy: FetchPolicy) -> GuardedClient {
    GuardedClient::new(policy, Arc::new(FixedClock(fixed_time())))
}

fn loopback_client() -> GuardedClient {
    client(FetchPolicy::dangerous_loopback_for_tests())
}

/// The routes every test server serves.
fn routes(path: &str, port: u16) -> Reply {
    let base = format!("http://127.0.0.1:{port}");
    match path {
        "/vc-test-fixtures/dids/oidf/did.json" => {
            Reply::ok("application/did+json", oidf_did_json())
        }
        // A real document served under another DID's path: its id does not match.
        "/vc-test-fixtures/dids/oidf-impostor/did.json" => {
            Reply::ok("application/did+json", oidf_did_json())
        }
        p if p == STATUS_PATH => Reply::ok("application/vc+ld+json", status_list_json()),
        "/hop1" => Reply::redirect("/hop2"),
        "/hop2" => Reply::redirect(&format!("{base}{STATUS_PATH}")),
        "/loop" => Reply::redirect("/loop"),
        "/to-unspecified" => Reply::redirect(&format!("http://0.0.0.0:{port}{STATUS_PATH}")),
        "/slow" => Reply::Http {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: b"{}".to_vec(),
            chunked: false,
            delay: Duration::from_secs(2),
        },
        "/garbage" => Reply::ok("application/json", "this is {not json"),
        "/html" => Reply::ok(
            "text/html; charset=utf-8",
            "<html><body>hello</body></html>",
        ),
        "/no-type" => Reply::Http {
            status: 200,
            headers: Vec::new(),
            body: b"{}".to_vec(),
            chunked: false,
            delay: Duration::ZERO,
        },
        "/big" => Reply::ok("application/json", vec![b' '; 4096]),
        "/exact" => Reply::ok("application/json", format!("{{}}{}", " ".repeat(1022))),
        "/big-chunked" => Reply::Http {
            status: 200,
            headers: vec![("Content-Type", "application/json".into())],
            body: vec![b' '; 4096],
            chunked: true,
            delay: Duration::ZERO,
        },
        "/not-http" => Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()),
        "/server-error" => Reply::status(503),
        "/key1.json" => Reply::ok(
            "application/ld+json",
            key1_json()
                .replace("http://example.org", &base)
                .replace("https://example.org", &base),
        ),
        "/key1-as-published.json" => Reply::ok("application/ld+json", key1_json()),
        _ => Reply::status(404),
    }
}

fn routes_server() -> TestServer {
    TestServer::start(routes)
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "credbridge-fetch-{name}-{}-{nanos}",
        std::process::id()
    ))
}

// ---------------------------------------------------------------------------------------------
// Successful fetches

#[test]
fn status_list_is_fetched_and_parsed() {
    let server = routes_server();
    let url = server.url(STATUS_PATH);
    let (value, fetched) = loopback_client()
        .get_json(&url, Purpose::StatusList)
        .unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&status_list_json()).unwrap();
    assert_eq!(value, expected);
    assert_eq!(
        value["credentialSubject"]["type"], "BitstringStatusList",
        "the real fixture came through"
    );
    assert_eq!(fetched.url, url);
    assert_eq!(fetched.final_url, url);
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.content_type, "application/vc+ld+json");
    assert_eq!(fetched.fetched_at, fixed_time());
    assert_eq!(fetched.sha256(), sha256_hex(&status_list_json()));
    assert!(!fetched.from_cache);
}

#[test]
fn redirects_are_followed_within_the_limit() {
    let server = routes_server();
    let fetched = loopback_client()
        .get(&server.url("/hop1"), Purpose::StatusList)
        .unwrap();
    assert_eq!(fetched.url, server.url("/hop1"));
    assert_eq!(fetched.final_url, server.url(STATUS_PATH));
    assert_eq!(*fetched.body, *status_list_json());
    assert_eq!(
        fetched.body_sha256,
        credbridge_fetch::sha256(&status_list_json())
    );
    assert_eq!(server.connections(), 3);
}

#[test]
fn body_of_exactly_the_limit_is_accepted() {
    let server = routes_server();
    let policy = FetchPolicy {
        max_body_bytes: 1024,
        ..FetchPolicy::dangerous_loopback_for_tests()
    };
    let fetched = client(policy)
        .get(&server.url("/exact"), Purpose::StatusList)
        .unwrap();
    assert_eq!(fetched.body.len(), 1024);
}

// ---------------------------------------------------------------------------------------------
// Each defect → its error

#[test]
fn redirect_loop_is_too_many_redirects() {
    let server = routes_server();
    let url = server.url("/loop");
    let err = loopback_client()
        .get(&url, Purpose::StatusList)
        .unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects { url, limit: 3 });
    assert_eq!(
        server.connections(),
        4,
        "the first request and three redirects"
    );
}

#[test]
fn not_found_is_http_status() {
    let server = routes_server();
    let url = server.url("/nothing-here");
    let err = loopback_client()
        .get(&url, Purpose::DidDocument)
        .unwrap_err();
    assert_eq!(err, FetchError::HttpStatus { url, status: 404 });
    assert!(!err.is_unreachable());

    let err = loopback_client()
        .get(&server.url("/server-error"), Purpose::DidDocument)
        .unwrap_err();
    assert!(
        matches!(err, FetchError::HttpStatus { status: 503, .. }),
        "{err}"
    );
    assert!(err.is_unreachable(), "a 5xx is the host failing");
}

#[test]
fn wrong_or_missing_content_type_is_refused() {
    let server = routes_server();
    let url = server.url("/html");
    let err = loopback_client()
        .get(&url, Purpose::DidDocument)
        .unwrap_err();
    match &err {
        FetchError::UnexpectedContentType {
            url: got_url,
            found,
            expected,
            ..
        } => {
            assert_eq!(got_url, &url);
            assert_eq!(found, "text/html; charset=utf-8");
            assert!(expected.contains(&"application/did+json".to_owned()));
        }
        other => panic!("expected UnexpectedContentType, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("DID document served as \"text/html"),
        "{err}"
    );

    let err = loopback_client()
        .get(&server.url("/no-type"), Purpose::StatusList)
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::UnexpectedContentType { found, .. } if found.is_empty()),
        "{err:?}"
    );

    // The same body is fine once the policy accepts the type.
    let policy = FetchPolicy::dangerous_loopback_for_tests()
        .with_content_types(Purpose::DidDocument, &["text/html"]);
    assert!(client(policy).get(&url, Purpose::DidDocument).is_ok());
}

#[test]
fn garbage_body_is_invalid_json() {
    let server = routes_server();
    let url = server.url("/garbage");
    let client = loopback_client();
    // `get` is content with the bytes; `get_json` is not.
    assert_eq!(
        *client.get(&url, Purpose::StatusList).unwrap().body,
        *b"this is {not json"
    );
    let err = client.get_json(&url, Purpose::StatusList).unwrap_err();
    assert!(
        matches!(&err, FetchError::InvalidJson { url: u, .. } if *u == url),
        "{err:?}"
    );
}

#[test]
fn non_http_answer_is_a_protocol_error() {
    let server = routes_server();
    let err = loopback_client()
        .get(&server.url("/not-http"), Purpose::StatusList)
        .unwrap_err();
    assert!(matches!(err, FetchError::Protocol { .. }), "{err:?}");
}

#[test]
fn oversize_body_is_too_large() {
    let server = routes_server();
    let policy = FetchPolicy {
        max_body_bytes: 1024,
        ..FetchPolicy::dangerous_loopback_for_tests()
    };
    let client = client(policy);
    for path in ["/big", "/big-chunked"] {
        let url = server.url(path);
        let err = client.get(&url, Purpose::StatusList).unwrap_err();
        assert_eq!(err, FetchError::TooLarge { url, limit: 1024 }, "{path}");
    }
}

#[test]
fn slow_endpoint_times_out() {
    let server = routes_server();
    let policy = FetchPolicy {
        timeout_total: Duration::from_millis(300),
        ..FetchPolicy::dangerous_loopback_for_tests()
    };
    let url = server.url("/slow");
    let err = client(policy).get(&url, Purpose::StatusList).unwrap_err();
    match &err {
        FetchError::Timeout { url: u, after, .. } => {
            assert_eq!(u, &url);
            assert_eq!(*after, Duration::from_millis(300));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(err.is_unreachable());
}

#[test]
fn closed_port_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/.well-known/did.json");
    let err = loopback_client()
        .get(&url, Purpose::DidDocument)
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::Connect { url: u, .. } if *u == url),
        "{err:?}"
    );
    assert!(err.is_unreachable());
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_error() {
    let server = routes_server();
    let policy = FetchPolicy {
        dangerous_allow_loopback: true,
        ..FetchPolicy::default()
    };
    let url = format!("https://{}{STATUS_PATH}", server.addr);
    let err = client(policy).get(&url, Purpose::StatusList).unwrap_err();
    assert!(matches!(err, FetchError::Tls { .. }), "{err:?}");
    assert_eq!(
        server.connections(),
        1,
        "the address was allowed; the handshake failed"
    );
}

#[test]
fn invalid_urls_and_schemes_are_refused_before_any_connection() {
    let client = client(FetchPolicy::default());
    for url in [
        "not a url",
        "/relative/path",
        "https://",
        "file:///etc/passwd",
    ] {
        let err = client.get(url, Purpose::DidDocument).unwrap_err();
        assert!(
            matches!(err, FetchError::InvalidUrl { .. }),
            "{url}: {err:?}"
        );
    }
    for (url, scheme) in [
        ("ftp://example.com/did.json", "ftp"),
        ("file://localhost/etc/passwd", "file"),
        ("http://example.com/did.json", "http"),
    ] {
        let err = client.get(url, Purpose::DidDocument).unwrap_err();
        assert!(
            matches!(&err, FetchError::SchemeRefused { scheme: s, .. } if s == scheme),
            "{url}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The address guard

#[test]
fn loopback_is_refused_by_default() {
    let server = routes_server();
    let port = server.addr.port();

    // Strict default: https-only, and the loopback address is refused before any connection.
    let err = client(FetchPolicy::default())
        .get(
            &format!("https://127.0.0.1:{port}{STATUS_PATH}"),
            Purpose::StatusList,
        )
        .unwrap_err();
    match err {
        FetchError::AddressRefused { addr, why, .. } => {
            assert_eq!(addr, "127.0.0.1".parse::<IpAddr>().unwrap());
            assert_eq!(why.class, AddressClass::Loopback);
            assert_eq!(why.range, "127.0.0.0/8");
        }
        other => panic!("expected AddressRefused, got {other:?}"),
    }

    // http allowed, loopback still refused — by literal address and by name.
    let http_only = client(FetchPolicy {
        allow_http: true,
        ..FetchPolicy::default()
    });
    for host in ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"] {
        let url = format!("http://{host}:{port}{STATUS_PATH}");
        let err = http_only.get(&url, Purpose::StatusList).unwrap_err();
        match &err {
            FetchError::AddressRefused { url: u, why, .. } => {
                assert_eq!(why.class, AddressClass::Loopback, "{host}");
                assert!(u.contains(host), "{u} names {host}");
            }
            other => panic!("{host}: expected AddressRefused, got {other:?}"),
        }
    }
    assert_eq!(server.connections(), 0, "nothing reached the server");

    // Only the explicit option lets it through.
    assert!(
        loopback_client()
            .get(&server.url(STATUS_PATH), Purpose::StatusList)
            .is_ok()
    );
    let private = client(FetchPolicy {
        allow_http: true,
        dangerous_allow_private_addresses: true,
        ..FetchPolicy::default()
    });
    assert!(
        private
            .get(&server.url(STATUS_PATH), Purpose::StatusList)
            .is_ok()
    );
    assert_eq!(server.connections(), 2);
}

#[test]
fn every_redirect_hop_is_checked() {
    let server = routes_server();
    let err = loopback_client()
        .get(&server.url("/to-unspecified"), Purpose::StatusList)
        .unwrap_err();
    match err {
        FetchError::AddressRefused { url, addr, why } => {
            assert_eq!(
                url,
                format!("http://0.0.0.0:{}{STATUS_PATH}", server.addr.port())
            );
            assert_eq!(addr, "0.0.0.0".parse::<IpAddr>().unwrap());
            assert_eq!(why.class, AddressClass::Unspecified);
        }
        other => panic!("expected AddressRefused for the redirect target, got {other:?}"),
    }
    assert_eq!(server.connections(), 1, "only the first hop connected");
}

#[test]
fn offline_never_connects() {
    let server = routes_server();
    let offline = Arc::new(client(FetchPolicy {
        offline: true,
        ..FetchPolicy::dangerous_loopback_for_tests()
    }));
    let url = server.url(STATUS_PATH);
    assert_eq!(
        offline.get(&url, Purpose::StatusList).unwrap_err(),
        FetchError::Offline { url: url.clone() }
    );
    assert!(matches!(
        offline.get_json(&url, Purpose::StatusList).unwrap_err(),
        FetchError::Offline { .. }
    ));
    // Offline is checked before the URL, so even a refused address is not looked up.
    assert!(matches!(
        offline
            .get("https://10.0.0.1/x", Purpose::StatusList)
            .unwrap_err(),
        FetchError::Offline { .. }
    ));
    let resolver = DidWebResolver::new(offline)
        .dangerous_with_origin_override("https://digitalcredentials.github.io", &server.base());
    let err = resolver
        .resolve_verification_method(&format!("{OIDF_DID}#{OIDF_KEY}"))
        .unwrap_err();
    assert!(err.to_string().contains("offline"), "{err}");
    assert_eq!(server.connections(), 0);
}

// ---------------------------------------------------------------------------------------------
// Cache and snapshots

#[test]
fn cache_serves_repeat_fetches() {
    let server = routes_server();
    let url = server.url(STATUS_PATH);
    let client = loopback_client();
    let first = client.get(&url, Purpose::StatusList).unwrap();
    let second = client.get(&url, Purpose::StatusList).unwrap();
    assert!(!first.from_cache);
    assert!(second.from_cache);
    assert_eq!(second.body, first.body);
    assert_eq!(second.fetched_at, first.fetched_at);
    assert_eq!(server.connections(), 1);

    // Another purpose is another entry (its media types differ).
    client.get(&url, Purpose::Ob2Document).unwrap_err();
    assert_eq!(server.connections(), 2);

    // A zero TTL or a zero-entry cache fetches every time.
    for policy in [
        FetchPolicy {
            cache_ttl: Duration::ZERO,
            ..FetchPolicy::dangerous_loopback_for_tests()
        },
        FetchPolicy {
            cache_max_entries: 0,
            ..FetchPolicy::dangerous_loopback_for_tests()
        },
    ] {
        let before = server.connections();
        let c = self::client(policy);
        c.get(&url, Purpose::StatusList).unwrap();
        assert!(!c.get(&url, Purpose::StatusList).unwrap().from_cache);
        assert_eq!(server.connections(), before + 2);
    }
}

#[test]
fn snapshot_outlives_the_server() {
    let dir = temp_dir("snapshot");
    let did_url;
    let status_url;
    {
        let server = routes_server();
        let client = Arc::new(loopback_client().with_snapshots(SnapshotStore::open(&dir).unwrap()));
        let resolver = DidWebResolver::new(client.clone())
            .dangerous_with_origin_override("https://digitalcredentials.github.io", &server.base());
        did_url = resolver.document_url(OIDF_DID).unwrap();
        assert_eq!(did_url, server.url("/vc-test-fixtures/dids/oidf/did.json"));
        resolver.resolve_document(OIDF_DID).unwrap();
        status_url = server.url(STATUS_PATH);
        client.get_json(&status_url, Purpose::StatusList).unwrap();
        // Not every purpose is snapshotted.
        client
            .get(&server.url("/garbage"), Purpose::Ob2Assertion)
            .unwrap();
    } // The server stops; its port closes.

    let later = loopback_client().with_snapshots(SnapshotStore::open(&dir).unwrap());
    let err = later.get(&did_url, Purpose::DidDocument).unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");

    let seen = later
        .last_snapshot(&did_url)
        .unwrap()
        .expect("a snapshot of the DID document");
    assert_eq!(seen.url, did_url);
    assert_eq!(seen.body, oidf_did_json());
    assert_eq!(seen.sha256, sha256_hex(&oidf_did_json()));
    assert_eq!(seen.fetched_at, fixed_time());
    assert_eq!(seen.content_type, "application/did+json");

    let seen = later.last_snapshot(&status_url).unwrap().unwrap();
    assert_eq!(seen.body, status_list_json());
    let garbage_url = status_url.replace(STATUS_PATH, "/garbage");
    assert_eq!(later.last_snapshot(&garbage_url).unwrap(), None);

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_a_store_the_cache_remembers_what_was_seen() {
    let server = routes_server();
    let url = server.url(STATUS_PATH);
    let client = loopback_client();
    assert_eq!(client.last_snapshot(&url).unwrap(), None);
    client.get(&url, Purpose::StatusList).unwrap();
    drop(server);
    let seen = client.last_snapshot(&url).unwrap().unwrap();
    assert_eq!(seen.sha256, sha256_hex(&status_list_json()));
}

fn fetched_at(url: &str, secs: u64, body: &[u8]) -> Fetched {
    Fetched {
        url: url.to_owned(),
        final_url: url.to_owned(),
        purpose: Purpose::StatusList,
        status: 200,
        content_type: "application/vc+ld+json".into(),
        body: body.into(),
        body_sha256: credbridge_fetch::sha256(body),
        fetched_at: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
        from_cache: false,
    }
}

#[test]
fn snapshots_are_dated_and_pruned() {
    let dir = temp_dir("prune");
    let store = SnapshotStore::open(&dir).unwrap();
    let url = "https://issuer.example/status/1";
    for i in 0..12u64 {
        store
            .record(&fetched_at(
                url,
                1_700_000_000 + i,
                format!("{{\"n\":{i}}}").as_bytes(),
            ))
            .unwrap();
    }
    let last = store.last(url).unwrap().unwrap();
    assert_eq!(last.body, b"{\"n\":11}");
    assert_eq!(
        last.fetched_at,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_011)
    );
    let url_dir = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::read_dir(&url_dir).unwrap().count(),
        MAX_SNAPSHOTS_PER_URL
    );
    assert_eq!(store.last("https://issuer.example/other").unwrap(), None);

    // An edited snapshot is reported, not believed.
    let newest = std::fs::read_dir(&url_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let text = std::fs::read_to_string(&newest).unwrap();
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["body_base64"] = "eyJuIjo5OX0=".into(); // {"n":99}
    std::fs::write(&newest, file.to_string()).unwrap();
    let err = store.last(url).unwrap_err();
    assert!(
        matches!(&err, FetchError::Snapshot { reason, .. } if reason.contains("damaged or edited")),
        "{err:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Resolvers

fn did_web_resolver(server: &TestServer) -> DidWebResolver {
    DidWebResolver::new(Arc::new(loopback_client()))
        .dangerous_with_origin_override("https://digitalcredentials.github.io", &server.base())
}

#[test]
fn did_web_resolves_the_dcc_fixture() {
    let server = routes_server();
    let resolver = ChainResolver::offline_default().with(Box::new(did_web_resolver(&server)));
    let method = resolver
        .resolve_verification_method(&format!("{OIDF_DID}#{OIDF_KEY}"))
        .unwrap();
    assert_eq!(method.id, format!("{OIDF_DID}#{OIDF_KEY}"));
    assert_eq!(method.method_type, "Multikey");
    assert_eq!(method.controller, OIDF_DID);
    assert_eq!(
        method.public_key,
        PublicKey::from_multikey(OIDF_KEY).unwrap()
    );
    assert_eq!(
        method.allows(VerificationRelationship::AssertionMethod),
        Some(true)
    );
    assert_eq!(
        method.allows(VerificationRelationship::Authentication),
        Some(false)
    );

    let document = resolver.resolve_document(OIDF_DID).unwrap();
    assert_eq!(document.id, OIDF_DID);
    // did:key still goes to its own resolver, before did:web is asked.
    let did_key = credbridge_keys::DidKey::from_public_key(&method.public_key);
    assert!(
        resolver
            .resolve_verification_method(&did_key.verification_method_id())
            .is_ok()
    );
}

#[test]
fn did_web_document_must_state_its_did() {
    let server = routes_server();
    let impostor = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf-impostor";
    let err = did_web_resolver(&server)
        .resolve_document(impostor)
        .unwrap_err();
    assert_eq!(
        err,
        ResolveError::DocumentIdMismatch {
            requested: impostor.to_owned(),
            found: OIDF_DID.to_owned(),
        }
    );
}

#[test]
fn did_web_missing_and_foreign_ids() {
    let server = routes_server();
    let resolver = did_web_resolver(&server);
    let missing = "did:web:digitalcredentials.github.io:nobody";
    assert_eq!(
        resolver.resolve_document(missing).unwrap_err(),
        ResolveError::NotFound {
            id: missing.to_owned()
        }
    );
    assert!(
        resolver
            .resolve_verification_method("did:key:z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ")
            .unwrap_err()
            .is_not_handled()
    );
    let err = resolver
        .resolve_verification_method(&format!("{OIDF_DID}#not-a-key"))
        .unwrap_err();
    assert!(
        matches!(err, ResolveError::VerificationMethodNotFound { .. }),
        "{err:?}"
    );
    // Without the override the DID names the real host; only the mapping is checked (tests
    // never leave loopback).
    assert_eq!(
        DidWebResolver::new(Arc::new(loopback_client()))
            .document_url(OIDF_DID)
            .unwrap(),
        "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"
    );
}

#[test]
fn https_controller_document_with_a_generated_key() {
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let public = secret.public_key();
    let multikey = public.to_multikey();
    let server = TestServer::start(move |path, port| {
        let base = format!("http://127.0.0.1:{port}/keys/controller");
        if path != "/keys/controller" {
            return Reply::status(404);
        }
        let doc = serde_json::json!({
            "@context": "https://www.w3.org/ns/cid/v1",
            "id": base,
            "verificationMethod": [{
                "id": format!("{base}#key-1"),
                "type": "Multikey",
                "controller": base,
                "publicKeyMultibase": multikey,
            }],
            "assertionMethod": ["#key-1"],
        });
        Reply::ok("application/json", doc.to_string())
    });
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let id = server.url("/keys/controller#key-1");
    let method = resolver.resolve_verification_method(&id).unwrap();
    assert_eq!(method.public_key, public);
    assert_eq!(
        method.allows(VerificationRelationship::AssertionMethod),
        Some(true)
    );
    let signature = secret.sign(Algorithm::EdDsa, b"credential bytes").unwrap();
    assert!(
        method
            .public_key
            .verify(Algorithm::EdDsa, b"credential bytes", &signature)
            .is_ok()
    );

    assert!(
        resolver
            .resolve_document(&server.url("/keys/controller"))
            .is_ok()
    );
    assert_eq!(
        resolver
            .resolve_document(&server.url("/keys/none"))
            .unwrap_err(),
        ResolveError::NotFound {
            id: server.url("/keys/none")
        }
    );
    // https resolver does not take DIDs; with a strict policy it does not take http either.
    assert!(
        resolver
            .resolve_document(OIDF_DID)
            .unwrap_err()
            .is_not_handled()
    );
    let strict = HttpsControllerResolver::new(Arc::new(client(FetchPolicy::default())));
    assert!(
        strict
            .resolve_verification_method(&id)
            .unwrap_err()
            .is_not_handled()
    );
}

#[test]
fn ob2_cryptographic_key_document() {
    let server = routes_server();
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let id = server.url("/key1.json");
    let method = resolver.resolve_verification_method(&id).unwrap();
    assert_eq!(method.method_type, "CryptographicKey");
    assert_eq!(method.public_key.key_type(), KeyType::Rsa);
    let published: serde_json::Value = serde_json::from_str(&key1_json()).unwrap();
    let pem = published["publicKeyPem"].as_str().unwrap();
    assert_eq!(method.public_key, PublicKey::from_pem(pem).unwrap());
    assert_eq!(
        method.relationships, None,
        "a bare key document lists no relationships"
    );

    // Published as-is, the document names example.org, not where it was fetched from.
    let err = resolver
        .resolve_verification_method(&server.url("/key1-as-published.json"))
        .unwrap_err();
    assert!(
        matches!(err, ResolveError::DocumentIdMismatch { .. }),
        "{err:?}"
    );
}

#[test]
fn fetch_errors_map_to_resolve_errors() {
    let server = routes_server();
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let err = resolver
        .resolve_document(&server.url("/garbage"))
        .unwrap_err();
    assert!(matches!(err, ResolveError::Document { .. }), "{err:?}");
    // Environment failures: the media type, a server error, and offline mode.
    let err = resolver.resolve_document(&server.url("/html")).unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == server.url("/html") && reason.contains("text/html")),
        "{err:?}"
    );
    let err = resolver
        .resolve_document(&server.url("/server-error"))
        .unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == server.url("/server-error") && reason.contains("503")),
        "{err:?}"
    );
    let offline = HttpsControllerResolver::new(Arc::new(client(FetchPolicy {
        offline: true,
        ..FetchPolicy::dangerous_loopback_for_tests()
    })));
    let url = server.url("/keys/controller");
    let err = offline.resolve_document(&url).unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == url && reason.contains("offline")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(&url), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Property test over the fuzzing entry points

mod fuzzing {
    use proptest::prelude::*;

    fn real_snapshot() -> Vec<u8> {
        static SNAPSHOT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        SNAPSHOT.get_or_init(write_real_snapshot).clone()
    }

    fn write_real_snapshot() -> Vec<u8> {
        let dir = super::temp_dir("proptest");
        let store = credbridge_fetch::SnapshotStore::open(&dir).unwrap();
        let url = "https://issuer.example/status/1";
        store
            .record(&super::fetched_at(
                url,
                1_700_000_000,
                &super::status_list_json(),
            ))
            .unwrap();
        let url_dir = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let file = std::fs::read_dir(&url_dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let bytes = std::fs::read(file).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
            credbridge_fetch::fuzzing::parse_snapshot(&data);
            credbridge_fetch::fuzzing::classify_address(&data);
            credbridge_fetch::fuzzing::content_type(&data);
        }

        #[test]
        fn mutated_snapshot_never_panics(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
            cut in any::<usize>(),
        ) {
            let mut data = real_snapshot();
            for (at, byte) in edits {
                let len = data.len();
                data[at % len] = byte;
            }
            data.truncate(cut % (data.len() + 1));
            credbridge_fetch::fuzzing::parse_snapshot(&data);
        }
    }

    #[test]
    fn the_real_snapshot_parses() {
        // The seed of the mutation test is itself valid, so mutations start from real data.
        let data = real_snapshot();
        let value: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert_eq!(value["url"], "https://issuer.example/status/1");
    }
}
