//! What every module shares: fixtures, clients with a fixed clock, and the routes the
//! loopback fixture server (credbridge-testkit) answers.

pub use std::net::IpAddr;
pub use std::path::PathBuf;
pub use std::sync::Arc;
pub use std::time::{Duration, SystemTime};

pub use credbridge_fetch::{
    AddressClass, DidWebResolver, FetchError, FetchPolicy, Fetched, FixedClock, GuardedClient,
    HttpsControllerResolver, MAX_SNAPSHOTS_PER_URL, Purpose, SnapshotStore, sha256_hex,
};
pub use credbridge_keys::{
    Algorithm, ChainResolver, KeyType, PublicKey, ResolveError, Resolver, SecretKey,
    VerificationRelationship,
};
pub use credbridge_testkit::http::{FixtureServer, Reply};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/examples");
pub const OIDF_DID: &str = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf";
pub const OIDF_KEY: &str = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ";
pub const STATUS_PATH: &str = "/status/e5WK8CbZ1GjycuPombrj";

pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
}

pub fn oidf_did_json() -> Vec<u8> {
    fixture("dcc-vc-test-fixtures/dids/oidf/did.json")
}

pub fn status_list_json() -> Vec<u8> {
    fixture(
        "dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj.json",
    )
}

pub fn key1_json() -> String {
    String::from_utf8(fixture("1edtech-validator/ob20/assets/key1.json")).unwrap()
}

/// A fixed fetch time, so snapshots and `fetched_at` are checkable.
pub fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

pub fn client(policy: FetchPolicy) -> GuardedClient {
    GuardedClient::new(policy, Arc::new(FixedClock(fixed_time())))
}

pub fn loopback_client() -> GuardedClient {
    client(FetchPolicy::dangerous_loopback_for_tests())
}

/// The routes every test server serves.
pub fn routes(path: &str, port: u16) -> Reply {
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
        "/slow" => Reply::ok("application/json", "{}").delayed(Duration::from_secs(2)),
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
        "/big-chunked" => Reply::ok("application/json", vec![b' '; 4096]).chunked(),
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

pub fn routes_server() -> FixtureServer {
    FixtureServer::start(routes).unwrap()
}

pub fn temp_dir(name: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!(
        "credbridge-fetch-{name}-{}-{nanos}",
        std::process::id()
    ))
}
