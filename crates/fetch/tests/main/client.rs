//! Successful fetches, and each defect of an answer mapped to its own error.
use crate::common::*;

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
