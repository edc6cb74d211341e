//! Verification online, against a status list served on loopback by the testkit's fixture
//! server: a revoked credential is invalid, a good one valid, and the list is fetched once.

use std::net::TcpListener;

use credbridge_proofs::suites;
use credbridge_testkit::http::{FixtureServer, Limits, Reply};
use credbridge_testkit::{Signer, encoded_status_list, ob3_credential};
use serde_json::json;

use crate::common::*;

/// 2027-01-15: after the template's validFrom.
const AT: &str = "2027-01-15T08:00:00Z";
const CREATED: i64 = 1_790_000_000;

#[test]
fn a_status_list_on_loopback_decides_revocation() {
    let signer = Signer::ed25519([0x3c; 32]).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let list_url = format!("http://{}/status/1", listener.local_addr().unwrap());
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signer.did.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(131_072, [3]).unwrap(),
        }
    });
    let list = signer
        .sign_data_integrity(&list, suites::EDDSA_RDFC_2022, CREATED)
        .unwrap();
    let body = serde_json::to_vec(&list).unwrap();
    let server = FixtureServer::on_listener(listener, Limits::default(), move |path, _| {
        if path == "/status/1" {
            Reply::ok("application/vc+ld+json", body.clone())
        } else {
            Reply::status(404)
        }
    })
    .unwrap();

    let dir = tempdir("online-status");
    let mut files = Vec::new();
    for index in [3, 5] {
        let mut credential = ob3_credential(&signer.did.did);
        credential["id"] = json!(format!("urn:uuid:0b1e5a1c-0000-4000-8000-{index:012}"));
        credential["credentialStatus"] = json!({
            "id": format!("{list_url}#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": list_url,
        });
        let signed = signer
            .sign_data_integrity(&credential, suites::EDDSA_RDFC_2022, CREATED)
            .unwrap();
        let file = dir.join(format!("credential-{index}.json"));
        std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
        files.push(file.to_str().unwrap().to_owned());
    }

    let mut args = vec!["verify", "--json", "--dangerous-allow-loopback", "--at", AT];
    args.extend(files.iter().map(String::as_str));
    let out = credbridge(&args);
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    let status = |report: &Value| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "status")
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(reports[0]["verdict"], "invalid", "{:#}", reports[0]);
    assert_eq!(status(&reports[0]), "failed");
    // Not revoked, signed by a key no registry or domain confirms: valid with warnings.
    assert_eq!(
        reports[1]["verdict"], "valid-with-warnings",
        "{:#}",
        reports[1]
    );
    assert_eq!(status(&reports[1]), "passed");
    assert_eq!(out.status.code(), Some(1));
    let requests = server.requests("/status/1");
    assert!(
        (1..=2).contains(&requests),
        "{requests} requests for one list"
    );
}

/// Issue 12, linked domains: a did:key issuer whose website (served on loopback) publishes a
/// DIF Well-Known DID Configuration linking its DID is confirmed, through `verify --json`;
/// offline the same credential's identity could not be checked and the words name
/// `--documents`; with the file in a `--documents` map it is confirmed offline too.
#[test]
fn a_linked_domain_confirms_a_did_key_issuer() {
    use credbridge_testkit::did_configuration::{
        did_configuration, domain_linkage_credential, sign_domain_linkage_jwt,
    };

    let signer = Signer::ed25519([0x4e; 32]).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let jwt = sign_domain_linkage_jwt(
        &signer.key,
        &signer.did.verification_method_id(),
        &domain_linkage_credential(
            &signer.did.did,
            &origin,
            "2026-01-01T00:00:00Z",
            "2028-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let configuration = serde_json::to_vec(&did_configuration(vec![json!(jwt)])).unwrap();
    let body = configuration.clone();
    let server = FixtureServer::on_listener(listener, Limits::default(), move |path, _| {
        if path == "/.well-known/did-configuration.json" {
            Reply::ok("application/json", body.clone())
        } else {
            Reply::status(404)
        }
    })
    .unwrap();

    let dir = tempdir("online-linked-domain");
    let mut credential = ob3_credential(&signer.did.did);
    credential["id"] = json!("urn:uuid:11d0a1e5-0000-4000-8000-000000000003");
    credential["issuer"]["url"] = json!(format!("{origin}/"));
    let signed = signer
        .sign_data_integrity(&credential, suites::EDDSA_RDFC_2022, CREATED)
        .unwrap();
    let file = dir.join("credential.json");
    std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
    let file = file.to_str().unwrap();

    let out = credbridge(&[
        "verify",
        "--json",
        "--dangerous-allow-loopback",
        "--at",
        AT,
        file,
    ]);
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let report = &reports[0];
    assert_eq!(report["verdict"], "valid", "{report:#}");
    assert_eq!(report["issuer_identity"]["status"], "confirmed");
    assert_eq!(report["issuer_identity"]["confirmed_by"], "linked-domain");
    assert_eq!(
        report["issuer_identity"]["source"],
        json!(origin.trim_start_matches("http://"))
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.requests("/.well-known/did-configuration.json"), 1);

    // Offline: could not check, and --strict fails.
    let out = credbridge(&[
        "verify",
        "--json",
        "--offline",
        "--strict",
        "--at",
        AT,
        file,
    ]);
    let report = &json_lines(&out)[0];
    assert_eq!(report["verdict"], "valid-with-warnings", "{report:#}");
    assert_eq!(report["issuer_identity"]["status"], "unconfirmed");
    let identity = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "issuer.identity")
        .unwrap();
    assert_eq!(identity["outcome"], "could-not-check");
    assert!(
        identity["message"].as_str().unwrap().contains(&format!(
            "whether its website {origin} links this DID could not be checked"
        )),
        "{identity:#}"
    );
    assert!(
        identity["reason"]
            .as_str()
            .unwrap()
            .contains("supply a local copy with --documents"),
        "{identity:#}"
    );
    assert_eq!(out.status.code(), Some(1));

    // Offline with the file in a --documents map: confirmed without the network.
    std::fs::write(dir.join("did-configuration.json"), &configuration).unwrap();
    std::fs::write(
        dir.join("documents.json"),
        json!({format!("{origin}/.well-known/did-configuration.json"): "did-configuration.json"})
            .to_string(),
    )
    .unwrap();
    let map = dir.join("documents.json");
    let out = credbridge(&[
        "verify",
        "--json",
        "--offline",
        "--strict",
        "--documents",
        map.to_str().unwrap(),
        "--at",
        AT,
        file,
    ]);
    let report = &json_lines(&out)[0];
    assert_eq!(
        report["issuer_identity"]["confirmed_by"], "linked-domain",
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.requests("/.well-known/did-configuration.json"), 1);
}
