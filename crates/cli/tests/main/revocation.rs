//! Revocation through the API, seen by `credbridge verify` after one list fetch (issue 16): a
//! running server issues credentials with Bitstring Status List entries, 100 of them are revoked
//! with `POST /credentials/status`, and the CLI — online, reading the lists from the server —
//! reports exactly those 100 as revoked, having fetched each list once.

use std::collections::BTreeSet;

use serde_json::json;

use crate::common::{Serve, credbridge, json_lines, tempdir};

const ISSUED: usize = 300;
const REVOKED: usize = 100;

/// The count of requests the server's metrics give for a route.
fn route_requests(metrics: &str, route_prefix: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("credbridge_http_requests_total{"))
        .filter(|l| l.contains(&format!("route=\"{route_prefix}")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[test]
fn revoke_100_through_the_api_then_verify_sees_exactly_those_after_one_list_fetch() {
    let data = tempdir("revoke-online");
    let server = Serve::start(&data, &[]);

    let (status, created) = server.json(
        "POST",
        "/issuers",
        Some(
            &json!({"name": "registrar", "profile": {"name": "Registrar"},
                     "proofFormat": "eddsa-rdfc-2022", "keyType": "Ed25519"}),
        ),
    );
    assert_eq!(status, 201, "{created}");
    let did = created["did"].as_str().unwrap().to_owned();

    let mut lines = String::new();
    let mut ids = Vec::new();
    for i in 0..ISSUED {
        let (status, issued) = server.json(
            "POST",
            "/issuers/registrar/credentials/issue",
            Some(&json!({
                "credential": {
                    "@context": ["https://www.w3.org/ns/credentials/v2",
                                 "https://www.w3.org/ns/credentials/examples/v2"],
                    "type": ["VerifiableCredential", "ExampleAlumniCredential"],
                    "issuer": did,
                    "credentialSubject": {"id": format!("urn:example:learner:{i}"),
                                          "alumniOf": "Example University"}
                },
                "options": {"credentialStatus": {"type": "BitstringStatusListEntry",
                                                 "statusPurpose": "revocation"}}
            })),
        );
        assert_eq!(status, 201, "{issued}");
        let vc = &issued["verifiableCredential"];
        assert_eq!(
            vc["credentialStatus"]["statusPurpose"], "revocation",
            "{vc}"
        );
        ids.push(vc["id"].as_str().unwrap().to_owned());
        lines.push_str(&vc.to_string());
        lines.push('\n');
    }

    // Revoke every third credential, 100 in all.
    let revoked: BTreeSet<String> = ids.iter().step_by(3).take(REVOKED).cloned().collect();
    assert_eq!(revoked.len(), REVOKED);
    for id in &revoked {
        let (status, body) = server.json(
            "POST",
            "/credentials/status",
            Some(&json!({"credentialId": id, "credentialStatus": [
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "status": true}
            ]})),
        );
        assert_eq!(status, 200, "{body}");
    }

    let (_, before) = server.request("GET", "/metrics", None).unwrap();
    let file = data.join("issued.jsonl");
    std::fs::write(&file, lines).unwrap();
    let out = credbridge(&[
        "verify",
        "--json",
        "--dangerous-allow-loopback",
        file.to_str().unwrap(),
    ]);
    let reports = json_lines(&out);
    assert_eq!(
        reports.len(),
        ISSUED,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut seen_revoked = BTreeSet::new();
    for report in &reports {
        let status = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"].as_str().is_some_and(|id| id.starts_with("status")))
            .unwrap_or_else(|| panic!("no status check: {report:#}"));
        let proof_ok = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"].as_str().is_some_and(|id| id.starts_with("proof")))
            .all(|c| c["outcome"] == "passed");
        assert!(proof_ok, "{report:#}");
        let credential_id = ids[reports.iter().position(|r| r == report).unwrap()].clone();
        match report["verdict"].as_str().unwrap() {
            "invalid" => {
                assert_eq!(status["outcome"], "failed", "{report:#}");
                seen_revoked.insert(credential_id);
            }
            other => {
                assert_eq!(status["outcome"], "passed", "{other}: {report:#}");
            }
        }
    }
    assert_eq!(
        seen_revoked, revoked,
        "exactly the revoked ones are invalid"
    );

    // One list fetch for the whole run (every credential shares the instance's list).
    let (_, after) = server.request("GET", "/metrics", None).unwrap();
    let fetched = route_requests(&after, "/status/") - route_requests(&before, "/status/");
    assert_eq!(fetched, 1, "{after}");
    drop(server);
}
