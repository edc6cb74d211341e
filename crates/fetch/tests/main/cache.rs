//! The in-memory cache and the dated snapshots.
use crate::common::*;

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
fn failures_are_remembered_briefly() {
    let server = routes_server();
    let missing = server.url("/no-such-status-list");
    let client = loopback_client();
    let first = client.get(&missing, Purpose::StatusList).unwrap_err();
    let second = client.get(&missing, Purpose::StatusList).unwrap_err();
    assert_eq!(first, second);
    assert_eq!(
        server.connections(),
        1,
        "the second answer came from memory"
    );
    // Another URL, or a client without a cache, asks again.
    client
        .get(&server.url("/another-missing-list"), Purpose::StatusList)
        .unwrap_err();
    assert_eq!(server.connections(), 2);
    let uncached = self::client(FetchPolicy {
        cache_ttl: Duration::ZERO,
        ..FetchPolicy::dangerous_loopback_for_tests()
    });
    uncached.get(&missing, Purpose::StatusList).unwrap_err();
    uncached.get(&missing, Purpose::StatusList).unwrap_err();
    assert_eq!(server.connections(), 4);
}

#[test]
fn concurrent_requests_for_one_document_fetch_it_once() {
    let server = routes_server();
    let url = server.url(STATUS_PATH);
    let client = Arc::new(loopback_client());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            std::thread::spawn(move || client.get(&url, Purpose::StatusList).map(|f| f.body))
        })
        .collect();
    let bodies: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().unwrap().unwrap())
        .collect();
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(
        server.connections(),
        1,
        "eight workers asking at once make one request"
    );
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

pub fn fetched_at(url: &str, secs: u64, body: &[u8]) -> Fetched {
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
