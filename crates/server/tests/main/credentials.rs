//! HTTP tests of the VC API issuing routes (`crates/server/src/routes/credentials.rs`): issue in
//! every proof format and verify with our own verifier, bad requests as problems naming the
//! field, GET/DELETE of issued credentials, status changes that the served list and the
//! verifier see, presentations signed as holder.

use crate::both;
use crate::fixtures::{Answer, Backend, TestApp};
use serde_json::{Value, json};

async fn post(t: &TestApp, uri: &str, token: &str, body: &Value) -> Answer {
    t.post(
        uri,
        Some(token),
        "application/json",
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

/// Creates instance `name` and returns its DID.
async fn instance(t: &TestApp, token: &str, name: &str, settings: Value) -> String {
    let mut body = json!({"name": name, "profile": {"name": format!("Issuer {name}")}});
    for (k, v) in settings.as_object().unwrap() {
        body[k] = v.clone();
    }
    let created = post(t, "/issuers", token, &body).await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["did"].as_str().unwrap().to_owned()
}

fn credential_v2(did: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "alumniOf": "Example University"}
    })
}

fn credential_v1(did: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": did},
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r"}
    })
}

async fn verify(t: &TestApp, token: &str, vc: &Value) -> Answer {
    post(
        t,
        "/credentials/verify",
        token,
        &json!({"verifiableCredential": vc, "options": {"checks": ["proof", "credentialStatus"]}}),
    )
    .await
}

async fn every_format_issues_and_verifies_with_our_verifier(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let token = t.token("tenant-a", &[]).await;
    let formats: &[(&str, &str, &str, bool)] = &[
        ("eddsa-rdfc", "eddsa-rdfc-2022", "Ed25519", true),
        ("eddsa-jcs", "eddsa-jcs-2022", "Ed25519", true),
        ("ecdsa-rdfc-p256", "ecdsa-rdfc-2019", "P-256", true),
        ("ecdsa-rdfc-p384", "ecdsa-rdfc-2019", "P-384", true),
        ("ecdsa-jcs", "ecdsa-jcs-2019", "P-256", true),
        ("ed2020", "Ed25519Signature2020", "Ed25519", true),
        ("jose", "vc-jose", "P-256", false),
    ];
    for (name, format, key_type, also_v1) in formats {
        let did = instance(
            &t,
            &token,
            name,
            json!({"proofFormat": format, "keyType": key_type}),
        )
        .await;
        let info = t.get(&format!("/issuers/{name}"), Some(&token)).await;
        assert_eq!(info.status, 200, "{}", info.text());
        assert_eq!(info.json()["proofFormat"], *format);
        let mut inputs = vec![credential_v2(&did)];
        if *also_v1 {
            inputs.push(credential_v1(&did));
        }
        for input in inputs {
            let issued = post(
                &t,
                &format!("/issuers/{name}/credentials/issue"),
                &token,
                &json!({"credential": input}),
            )
            .await;
            assert_eq!(issued.status, 201, "{format}: {}", issued.text());
            let vc = issued.json()["verifiableCredential"].clone();
            if *format == "vc-jose" {
                assert_eq!(vc["type"], "EnvelopedVerifiableCredential", "{vc}");
                assert!(
                    vc["id"]
                        .as_str()
                        .unwrap()
                        .starts_with("data:application/vc+jwt,ey")
                );
            } else {
                let proof = &vc["proof"];
                assert_eq!(
                    proof["verificationMethod"]
                        .as_str()
                        .unwrap()
                        .split('#')
                        .next(),
                    Some(did.as_str()),
                    "{vc}"
                );
                let suite = proof["cryptosuite"]
                    .as_str()
                    .unwrap_or_else(|| proof["type"].as_str().unwrap());
                assert_eq!(suite, *format, "{vc}");
            }
            let verified = verify(&t, &token, &vc).await;
            assert_eq!(verified.status, 200, "{format}: {}", verified.text());
            assert_eq!(verified.json()["verified"], true);

            // Stored, readable by id, deletable.
            if *format != "vc-jose" {
                let id = vc["id"].as_str().unwrap().to_owned();
                let uri = format!("/credentials/{}", urlencode(&id));
                let got = t.get(&uri, Some(&token)).await;
                assert_eq!(got.status, 200, "{}", got.text());
                assert_eq!(got.json(), vc);
                let gone = t.delete(&uri, Some(&token)).await;
                assert_eq!(gone.status, 204, "{}", gone.text());
                t.get(&uri, Some(&token))
                    .await
                    .assert_problem(404, "not-found");
                t.delete(&uri, Some(&token))
                    .await
                    .assert_problem(404, "not-found");
            }
        }
    }
    // A credential of tenant A is not tenant B's.
    let b = t.token("tenant-b", &[]).await;
    let did = instance(
        &t,
        &token,
        "kept",
        json!({"proofFormat": "eddsa-rdfc-2022"}),
    )
    .await;
    let mut input = credential_v2(&did);
    input["id"] = json!("urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0");
    let issued = post(
        &t,
        "/issuers/kept/credentials/issue",
        &token,
        &json!({"credential": input}),
    )
    .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let uri = "/credentials/urn%3Auuid%3A6a9c92a9-2530-4e2b-9776-530467e9bbe0";
    assert_eq!(t.get(uri, Some(&token)).await.status, 200);
    t.get(uri, Some(&b)).await.assert_problem(404, "not-found");
    t.cleanup().await;
}
both!(
    every_format_issues_and_verifies,
    every_format_issues_and_verifies_with_our_verifier
);

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn bad_issue_requests_are_problems_naming_the_field(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let token = t.token("tenant-a", &[]).await;
    let did = instance(
        &t,
        &token,
        "default",
        json!({"proofFormat": "eddsa-rdfc-2022"}),
    )
    .await;
    let issue = |body: Value| {
        let t = &t;
        let token = token.clone();
        async move { post(t, "/credentials/issue", &token, &body).await }
    };
    // No `credential`.
    let p = issue(json!({"verifiableCredential": credential_v2(&did)}))
        .await
        .assert_problem(400, "invalid-request");
    assert!(p["detail"].as_str().unwrap().contains("credential"), "{p}");
    // Shapes the VC API requires, each named by its pointer.
    let cases: Vec<(&str, Value, &str)> = vec![
        ("@context", json!(4), "/credential/@context"),
        ("@context", json!({"foo": true}), "/credential/@context"),
        ("@context", json!([4]), "/credential/@context/0"),
        ("type", json!(4), "/credential/type"),
        ("type", json!([]), "/credential/type"),
        ("type", json!(["Foo"]), "/credential/type"),
        ("issuer", json!(4), "/credential/issuer"),
        ("issuer", json!([]), "/credential/issuer"),
        (
            "issuer",
            json!("did:key:z6MkotherIssuer"),
            "/credential/issuer",
        ),
        (
            "credentialSubject",
            json!("did:example:1"),
            "/credential/credentialSubject",
        ),
        (
            "credentialSubject",
            json!([]),
            "/credential/credentialSubject",
        ),
        (
            "credentialSubject",
            json!({}),
            "/credential/credentialSubject",
        ),
    ];
    for (field, value, pointer) in cases {
        let mut credential = credential_v2(&did);
        credential[field] = value.clone();
        let p = issue(json!({"credential": credential}))
            .await
            .assert_problem(422, "credential-rejected");
        assert_eq!(p["pointer"], pointer, "{field} = {value}: {p}");
    }
    for field in ["@context", "type", "issuer", "credentialSubject"] {
        let mut credential = credential_v2(&did);
        credential.as_object_mut().unwrap().remove(field);
        let p = issue(json!({"credential": credential}))
            .await
            .assert_problem(422, "credential-rejected");
        assert!(
            p["pointer"]
                .as_str()
                .unwrap()
                .starts_with(&format!("/credential/{field}")),
            "{p}"
        );
    }
    // A term no context defines would be dropped by JSON-LD: refused, not signed.
    let mut unmapped = credential_v2(&did);
    unmapped["@context"] = json!(["https://www.w3.org/ns/credentials/v2", {"@vocab": null}]);
    unmapped["type"] = json!(["VerifiableCredential", "ExampleTestCredential"]);
    let p = issue(json!({"credential": unmapped}))
        .await
        .assert_problem(422, "credential-rejected");
    assert!(!p["errors"].as_array().unwrap().is_empty(), "{p}");
    // A data-model rule: validUntil before validFrom.
    let mut window = credential_v2(&did);
    window["validUntil"] = json!("2024-01-01T00:00:00Z");
    issue(json!({"credential": window}))
        .await
        .assert_problem(422, "credential-rejected");
    // Options: unknown names and bad values.
    issue(json!({"credential": credential_v2(&did), "options": {"foo": 1}}))
        .await
        .assert_problem(400, "invalid-request");
    issue(json!({"credential": credential_v2(&did), "options": {"credentialStatus": {"type": "StatusList2021Entry"}}}))
        .await
        .assert_problem(400, "invalid-request");
    // The credentialId option must agree with the credential's own id.
    let mut with_id = credential_v2(&did);
    with_id["id"] = json!("urn:uuid:1");
    let p = issue(json!({"credential": with_id, "options": {"credentialId": "urn:uuid:2"}}))
        .await
        .assert_problem(422, "option-rejected");
    assert_eq!(p["pointer"], "/options/credentialId");
    // An unknown instance; a body that is not JSON.
    post(
        &t,
        "/issuers/nobody/credentials/issue",
        &token,
        &json!({"credential": credential_v2(&did)}),
    )
    .await
    .assert_problem(404, "not-found");
    t.post(
        "/credentials/issue",
        Some(&token),
        "application/json",
        b"{".to_vec(),
    )
    .await
    .assert_problem(400, "malformed-json");
    // Scope.
    let verifier_only = t.token("tenant-a", &["write:/credentials/verify"]).await;
    post(
        &t,
        "/credentials/issue",
        &verifier_only,
        &json!({"credential": credential_v2(&did)}),
    )
    .await
    .assert_problem(403, "insufficient-scope");
    t.cleanup().await;
}
both!(
    bad_issue_requests_are_problems,
    bad_issue_requests_are_problems_naming_the_field
);

async fn a_status_change_changes_the_served_list_and_the_verdict(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let token = t.token("tenant-a", &[]).await;
    let did = instance(
        &t,
        &token,
        "status",
        json!({"proofFormat": "eddsa-rdfc-2022", "statusPurposes": ["revocation", "suspension"]}),
    )
    .await;
    let issued = post(
        &t,
        "/issuers/status/credentials/issue",
        &token,
        &json!({"credential": credential_v2(&did)}),
    )
    .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let vc = issued.json()["verifiableCredential"].clone();
    let entries = vc["credentialStatus"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2, "{vc}");
    let revocation = entries
        .iter()
        .find(|e| e["statusPurpose"] == "revocation")
        .unwrap();
    assert_eq!(revocation["type"], "BitstringStatusListEntry");
    let index: u32 = revocation["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(index < 131_072 * 8);
    let url = revocation["statusListCredential"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = url
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap()
        .to_owned();

    // The list is public, signed, with an ETag; unchanged → 304.
    let list = t.get(&path, None).await;
    assert_eq!(list.status, 200, "{}", list.text());
    let etag = list.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(list.headers["cache-control"], "public, no-cache");
    let body = list.json();
    assert_eq!(body["credentialSubject"]["statusPurpose"], "revocation");
    assert!(body["proof"]["proofValue"].is_string(), "{body}");
    let again = t
        .send(
            axum::http::Request::get(&path)
                .header("if-none-match", &etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, 304);

    let verified = verify(&t, &token, &vc).await;
    assert_eq!(verified.status, 200, "{}", verified.text());

    // Revoke: the list changes (new ETag, re-signed) and the verifier says revoked.
    let id = vc["id"].as_str().unwrap();
    let changed = post(
        &t,
        "/credentials/status",
        &token,
        &json!({"credentialId": id, "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}]}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let list = t.get(&path, None).await;
    assert_eq!(list.status, 200);
    assert_ne!(list.headers["etag"].to_str().unwrap(), etag);
    let verified = verify(&t, &token, &vc).await;
    assert_eq!(verified.status, 422, "{}", verified.text());
    assert!(verified.text().contains("revoked"), "{}", verified.text());

    // Bad status requests.
    post(
        &t,
        "/credentials/status",
        &token,
        &json!({"credentialStatus": []}),
    )
    .await
    .assert_problem(400, "invalid-request");
    post(
        &t,
        "/credentials/status",
        &token,
        &json!({"credentialId": id, "credentialStatus": [{"statusPurpose": "revocation", "status": false}]}),
    )
    .await
    .assert_problem(400, "invalid-request");
    post(
        &t,
        "/credentials/status",
        &token,
        &json!({"credentialId": "urn:uuid:unknown", "credentialStatus": [{"statusPurpose": "suspension"}]}),
    )
    .await
    .assert_problem(404, "not-found");
    t.get("/status/not-a-tenant/status/1/revocation", None)
        .await
        .assert_problem(404, "not-found");
    t.cleanup().await;
}
both!(
    a_status_change_is_served_and_verified,
    a_status_change_changes_the_served_list_and_the_verdict
);

async fn a_presentation_is_signed_as_holder_and_verifies(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    let token = t.token("tenant-a", &[]).await;
    let did = instance(
        &t,
        &token,
        "default",
        json!({"proofFormat": "eddsa-rdfc-2022"}),
    )
    .await;
    let issued = post(
        &t,
        "/credentials/issue",
        &token,
        &json!({"credential": credential_v2(&did)}),
    )
    .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let vc = issued.json()["verifiableCredential"].clone();
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc],
    });
    let signed = post(
        &t,
        "/presentations",
        &token,
        &json!({"presentation": vp, "options": {"challenge": "c-123", "domain": "example.org"}}),
    )
    .await;
    assert_eq!(signed.status, 201, "{}", signed.text());
    let vp = signed.json()["verifiablePresentation"].clone();
    assert_eq!(vp["holder"], did.as_str());
    assert_eq!(vp["proof"]["proofPurpose"], "authentication");
    let verified = post(
        &t,
        "/presentations/verify",
        &token,
        &json!({"verifiablePresentation": vp, "options": {"challenge": "c-123", "domain": "example.org"}}),
    )
    .await;
    assert_eq!(verified.status, 200, "{}", verified.text());
    // Another challenge: refused.
    let wrong = post(
        &t,
        "/presentations/verify",
        &token,
        &json!({"verifiablePresentation": vp, "options": {"challenge": "other", "domain": "example.org"}}),
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text());
    // A holder no instance has.
    let stranger = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:stranger",
    });
    post(
        &t,
        "/presentations",
        &token,
        &json!({"presentation": stranger}),
    )
    .await
    .assert_problem(422, "presentation-rejected");
    t.cleanup().await;
}
both!(
    a_presentation_is_signed_as_holder,
    a_presentation_is_signed_as_holder_and_verifies
);

/// A free loopback port (bound and released: the HTTPS listener does not announce its port).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` over TLS to `port`, trusting only `cert_pem`; the whole response.
async fn https_get(port: u16, cert_pem: &str, path: &str) -> String {
    use rustls::pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap())
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name =
        rustls::pki_types::ServerName::IpAddress(std::net::IpAddr::from([127, 0, 0, 1]).into());
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

/// `serve --dev` with the HTTPS listener (a self-signed pair from rcgen): the development
/// instances exist, a credential of the `status` instance points at an https status list URL,
/// and that list is served over TLS with the same router.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_listener_serves_the_status_lists_of_the_dev_instances() {
    let dir = std::env::temp_dir().join(crate::fixtures::unique("credbridge_https_test"));
    std::fs::create_dir_all(&dir).unwrap();
    let pair = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert_pem = pair.cert.pem();
    std::fs::write(dir.join("cert.pem"), &cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), pair.signing_key.serialize_pem()).unwrap();
    let https_port = free_port();
    let mut settings = credbridge_server::ServeSettings::with_data_dir(dir.clone());
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.dev = true;
    settings.offline = true;
    settings.https_listen = Some(format!("127.0.0.1:{https_port}").parse().unwrap());
    settings.tls_cert = Some(dir.join("cert.pem"));
    settings.tls_key = Some(dir.join("key.pem"));
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(credbridge_server::serve_with(
        settings,
        move |addr| {
            addr_tx.send(addr).unwrap();
        },
        async move {
            let _ = stop_rx.await;
        },
    ));
    let addr = tokio::time::timeout(std::time::Duration::from_secs(60), addr_rx)
        .await
        .unwrap()
        .unwrap();
    let health = https_get(https_port, &cert_pem, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    // Issue over plain HTTP with the `status` development instance.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let info = {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /issuers/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut r = Vec::new();
        s.read_to_end(&mut r).await.unwrap();
        String::from_utf8_lossy(&r).into_owned()
    };
    assert!(info.starts_with("HTTP/1.1 200"), "{info}");
    let did = info
        .split("\"did\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let body = serde_json::to_vec(&json!({"credential": credential_v2(&did)})).unwrap();
    let issued = {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            format!(
                "POST /issuers/status/credentials/issue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        s.write_all(&body).await.unwrap();
        let mut r = Vec::new();
        s.read_to_end(&mut r).await.unwrap();
        String::from_utf8_lossy(&r).into_owned()
    };
    assert!(issued.starts_with("HTTP/1.1 201"), "{issued}");
    let json_start = issued.find("\r\n\r\n").unwrap() + 4;
    let vc: Value = serde_json::from_str(&issued[json_start..]).unwrap();
    let url = vc["verifiableCredential"]["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap()
        .to_owned();
    let prefix = format!("https://127.0.0.1:{https_port}/status/");
    assert!(url.starts_with(&prefix), "{url}");
    let path = url
        .strip_prefix(&format!("https://127.0.0.1:{https_port}"))
        .unwrap();
    let list = https_get(https_port, &cert_pem, path).await;
    assert!(list.starts_with("HTTP/1.1 200"), "{list}");
    assert!(
        list.to_ascii_lowercase().contains("etag: \"sha256-"),
        "{list}"
    );
    assert!(list.contains("BitstringStatusListCredential"), "{list}");

    stop_tx.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
