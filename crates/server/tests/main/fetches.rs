//! Issue 11, fetch outcomes in `/metrics`: a verification that fetches a status list from a
//! loopback fixture server moves the `status_list` counter of the outcome it had (fetched,
//! HTTP error, refused by the address guard).

use std::net::TcpListener;

use credbridge_config::Settings;
use credbridge_proofs::suites;
use credbridge_server::verifier::Verifier;
use credbridge_testkit::http::{FixtureServer, Limits, Reply};
use credbridge_testkit::{Signer, encoded_status_list, ob3_credential};
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Backend, TestApp};

const CREATED: i64 = 1_790_000_000;

/// A credential with status entry `index` on the list at `list_url`, signed by `signer`.
fn credential(signer: &Signer, list_url: &str, index: usize) -> Vec<u8> {
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
    serde_json::to_vec(&json!({ "verifiableCredential": signed })).unwrap()
}

/// The value of `credbridge_fetches_total{purpose="status_list",outcome=…}`.
fn status_list_fetches(metrics: &str, outcome: &str) -> u64 {
    let prefix =
        format!("credbridge_fetches_total{{purpose=\"status_list\",outcome=\"{outcome}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {prefix} in {metrics}"))
        .parse()
        .unwrap()
}

fn status_check(answer: &Value) -> Value {
    answer["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "status")
        .unwrap_or_else(|| panic!("no status check: {answer}"))
        .clone()
}

async fn fetch_outcomes(backend: Backend) {
    let signer = Signer::ed25519([0x3c; 32]).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let list_url = format!("{base}/status/1");
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

    // Online, loopback allowed (as `credbridge verify --dangerous-allow-loopback`).
    let mut settings = Settings::default();
    settings.dangerous_allow_loopback = true;
    let t = TestApp::with_verifier(backend, Verifier::from_settings(&settings).unwrap(), |s| {
        s.dev = true;
        s.offline = false;
    })
    .await;
    let metrics = t.get("/metrics", None).await.text();
    assert_eq!(status_list_fetches(&metrics, "ok"), 0, "{metrics}");

    // Entry 3 is revoked: the list was fetched and decided the verdict.
    let revoked = t
        .post(
            "/credentials/verify",
            None,
            "application/json",
            credential(&signer, &list_url, 3),
        )
        .await;
    assert_eq!(revoked.status, 422, "{}", revoked.text());
    assert_eq!(status_check(&revoked.json())["outcome"], "failed");
    let metrics = t.get("/metrics", None).await.text();
    assert_eq!(status_list_fetches(&metrics, "ok"), 1, "{metrics}");
    assert_eq!(status_list_fetches(&metrics, "http_error"), 0, "{metrics}");
    assert_eq!(server.requests("/status/1"), 1);

    // A list that is not there: an HTTP error, and the status could not be checked.
    let missing = t
        .post(
            "/credentials/verify",
            None,
            "application/json",
            credential(&signer, &format!("{base}/status/gone"), 5),
        )
        .await;
    assert_eq!(
        status_check(&missing.json())["outcome"],
        "could-not-check",
        "{}",
        missing.text()
    );
    let metrics = t.get("/metrics", None).await.text();
    assert_eq!(status_list_fetches(&metrics, "http_error"), 1, "{metrics}");
    assert_eq!(status_list_fetches(&metrics, "ok"), 1, "{metrics}");
    t.cleanup().await;

    // The default policy: the same list on loopback is refused by the address guard, and
    // nothing reaches the fixture server.
    let strict = TestApp::with_verifier(
        backend,
        Verifier::from_settings(&Settings::default()).unwrap(),
        |s| {
            s.dev = true;
            s.offline = false;
        },
    )
    .await;
    let https_list = list_url.replace("http://", "https://");
    strict
        .post(
            "/credentials/verify",
            None,
            "application/json",
            credential(&signer, &https_list, 5),
        )
        .await;
    let metrics = strict.get("/metrics", None).await.text();
    assert_eq!(status_list_fetches(&metrics, "refused"), 1, "{metrics}");
    assert_eq!(status_list_fetches(&metrics, "ok"), 0, "{metrics}");
    assert_eq!(server.requests("/status/1"), 1);
    strict.cleanup().await;
}
both!(
    a_fetching_verification_moves_its_fetch_counter,
    fetch_outcomes
);
