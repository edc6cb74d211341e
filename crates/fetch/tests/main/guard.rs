//! The address guard: loopback refused by default, every redirect hop checked, offline never
//! connects.
use crate::common::*;

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
        FetchError::Offline {
            url: url.clone(),
            purpose: Purpose::StatusList
        }
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
    // The one offline wording, naming the option that supplies a DID document.
    assert!(
        err.to_string()
            .contains("not fetched because verification is offline (--offline); supply a local copy with --did-dir"),
        "{err}"
    );
    assert_eq!(server.connections(), 0);
}
