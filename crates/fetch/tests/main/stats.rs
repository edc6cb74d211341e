//! The fetch counters: each way a fetch ends moves its own (purpose, outcome) counter, against
//! the loopback fixture server.

use credbridge_fetch::FetchOutcome;

use crate::common::*;

#[test]
fn each_outcome_moves_its_own_counter() {
    let server = routes_server();
    let policy = FetchPolicy {
        timeout_total: Duration::from_millis(300),
        // The status list (1111 bytes) fits, /big (4096) does not.
        max_body_bytes: 2048,
        ..FetchPolicy::dangerous_loopback_for_tests()
    };
    let client = client(policy);
    let list = server.url(STATUS_PATH);
    client.get(&list, Purpose::StatusList).unwrap();
    let again = client.get(&list, Purpose::StatusList).unwrap();
    assert!(again.from_cache);
    client
        .get(&server.url("/missing"), Purpose::DidDocument)
        .unwrap_err();
    client
        .get(&server.url("/slow"), Purpose::ControllerDocument)
        .unwrap_err();
    client
        .get(&server.url("/big"), Purpose::Ob2Document)
        .unwrap_err();
    client
        .get(&server.url("/html"), Purpose::IssuerRegistry)
        .unwrap_err();

    let stats = client.stats();
    let expected = [
        (Purpose::StatusList, FetchOutcome::Ok),
        (Purpose::StatusList, FetchOutcome::CacheHit),
        (Purpose::DidDocument, FetchOutcome::HttpError),
        (Purpose::ControllerDocument, FetchOutcome::Timeout),
        (Purpose::Ob2Document, FetchOutcome::TooLarge),
        (Purpose::IssuerRegistry, FetchOutcome::OtherError),
    ];
    for (purpose, outcome) in expected {
        assert_eq!(stats.count(purpose, outcome), 1, "{purpose:?} {outcome:?}");
    }
    let total: u64 = stats.counts().iter().map(|(_, _, n)| n).sum();
    assert_eq!(total, expected.len() as u64, "{:?}", stats.counts());
}

#[test]
fn the_guard_and_offline_are_counted_without_a_request() {
    // Strict policy: loopback is refused by the address guard before connecting.
    let strict = client(FetchPolicy::default());
    strict
        .get("https://127.0.0.1:9/list", Purpose::StatusList)
        .unwrap_err();
    strict
        .get("http://issuer.example/list", Purpose::StatusList)
        .unwrap_err();
    assert_eq!(
        strict
            .stats()
            .count(Purpose::StatusList, FetchOutcome::Refused),
        2
    );
    let offline = client(FetchPolicy::offline());
    offline
        .get("https://issuer.example/list", Purpose::StatusList)
        .unwrap_err();
    assert_eq!(
        offline
            .stats()
            .count(Purpose::StatusList, FetchOutcome::Offline),
        1
    );
}
