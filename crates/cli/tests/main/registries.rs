//! `credbridge registries update`: the DCC registries refreshed through the guarded client
//! from a loopback copy of where the DCC publishes them, written as dated snapshots that
//! `verify` then prefers to the bundled ones; offline and unreachable are specific errors.

use credbridge_testkit::http::{FixtureServer, Reply};
use serde_json::json;

use crate::common::*;

const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";
const EXAMPLE_ISSUER: &str = "did:key:z6MkgD4uqHMGqGqKm2oU7E2Uf2dRbY5RjeEkJ1mu5s5wVjro";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn bundled(id: &str) -> Value {
    let path = repo().join(format!("crates/verify/registries/{id}/registry.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn run(args: &[&str], snapshots: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(args)
        .current_dir(repo())
        .env("CREDBRIDGE_REGISTRY_SNAPSHOTS", snapshots)
        .output()
        .unwrap()
}

#[test]
fn update_writes_dated_snapshots_that_verify_prefers() {
    // The published member registry, one issuer newer than the bundled copy: the example's.
    let mut member = bundled("dcc-registry");
    member["registry"][EXAMPLE_ISSUER] = json!({
        "name": "Riverside Community College",
        "url": "https://riverside.example.edu",
        "location": "Riverside, CA, USA"
    });
    let community = bundled("community-registry");
    let server = FixtureServer::routes([
        (
            "/dcc-registry/registry.json",
            Reply::ok("application/json", serde_json::to_vec(&member).unwrap()),
        ),
        (
            "/community-registry/registry.json",
            Reply::ok("application/json", serde_json::to_vec(&community).unwrap()),
        ),
    ])
    .unwrap();
    let dir = tempdir("registries-update");

    // Before: the bundled snapshots do not know the example's issuer.
    let before = run(&["verify", "--offline", "--strict", EXAMPLE], &dir);
    assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));

    let update = run(
        &[
            "registries",
            "update",
            "--json",
            "--dangerous-allow-loopback",
            "--dangerous-registry-base",
            &server.base(),
        ],
        &dir,
    );
    assert_eq!(update.status.code(), Some(0), "{}", stderr(&update));
    let lines = json_lines(&update);
    assert_eq!(lines.len(), 2, "member and community, not the sandbox");
    assert_eq!(lines[0]["registry"], "DCC Member Registry");
    assert_eq!(
        lines[0]["entries"].as_u64().unwrap() as usize,
        member["registry"].as_object().unwrap().len()
    );
    let snapshot: Value =
        serde_json::from_slice(&std::fs::read(dir.join("dcc-registry.json")).unwrap()).unwrap();
    assert_eq!(
        snapshot["source"],
        server.url("/dcc-registry/registry.json")
    );
    assert_eq!(snapshot["registry"], member);
    let date = &snapshot["fetched_at"].as_str().unwrap()[..10];
    assert!(!dir.join("sandbox-registry.json").exists());

    // After: confirmed by the updated snapshot, its date in the words.
    let after = run(&["verify", "--offline", "--strict", EXAMPLE], &dir);
    assert_eq!(after.status.code(), Some(0), "{}", stdout(&after));
    assert!(
        stdout(&after).contains(&format!(
            "confirmed by DCC Member Registry (updated snapshot {date})"
        )),
        "{}",
        stdout(&after)
    );
    assert_eq!(server.requests("/dcc-registry/registry.json"), 1);
}

#[test]
fn offline_unreachable_and_not_a_registry_are_specific_errors() {
    let dir = tempdir("registries-errors");
    let offline = run(&["registries", "update", "--offline"], &dir);
    assert_eq!(offline.status.code(), Some(2));
    assert!(
        stderr(&offline).contains(
            "could not update the DCC Member Registry from https://digitalcredentials.github.io/dcc-registry/registry.json: https://digitalcredentials.github.io/dcc-registry/registry.json: not fetched because verification is offline (--offline); supply a local copy with --registry"
        ),
        "{}",
        stderr(&offline)
    );

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = run(
        &[
            "registries",
            "update",
            "--dangerous-allow-loopback",
            "--dangerous-registry-base",
            &base,
        ],
        &dir,
    );
    assert_eq!(unreachable.status.code(), Some(2));
    assert!(
        stderr(&unreachable).contains("could not connect")
            && stderr(&unreachable).contains("the snapshot in use before stays in use"),
        "{}",
        stderr(&unreachable)
    );

    // Served, but not a registry: refused, and nothing written.
    let server = FixtureServer::routes([(
        "/dcc-registry/registry.json",
        Reply::ok("application/json", b"{\"issuers\": []}".to_vec()),
    )])
    .unwrap();
    let wrong = run(
        &[
            "registries",
            "update",
            "--dangerous-allow-loopback",
            "--dangerous-registry-base",
            &server.base(),
        ],
        &dir,
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("\"registry\" object"),
        "{}",
        stderr(&wrong)
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);

    // Without the test flag, the loopback server is refused by the address guard.
    let https = server.base().replacen("http://", "https://", 1);
    let guarded = run(
        &["registries", "update", "--dangerous-registry-base", &https],
        &dir,
    );
    assert_eq!(guarded.status.code(), Some(2));
    assert!(
        stderr(&guarded).contains("refused to connect to 127.0.0.1"),
        "{}",
        stderr(&guarded)
    );
}
