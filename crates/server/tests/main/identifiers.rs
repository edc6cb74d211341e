//! `GET /1.0/identifiers/{did}`: did:key and did:jwk for anyone, with the did:key spec's
//! error codes in the resolution envelope; other methods only with a token.

use base64::Engine as _;

use crate::both;
use crate::fixtures::{Backend, TestApp};

const DID: &str = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b";

fn path(did: &str) -> String {
    let encoded: String = did
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/1.0/identifiers/{encoded}")
}

async fn resolution(backend: Backend) {
    // Not --dev: nobody is logged in.
    let t = TestApp::new(backend, false).await;
    let answer = t.get(&path(DID), None).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["didDocument"]["id"], DID);
    assert_eq!(
        body["didDocument"]["keyAgreement"][0],
        format!("{DID}#z6LSfHfAMAopsuBxaBzvp51GXrPf38Az13j2fmwqadbwwrzJ")
    );

    // A DID URL dereferences to its method, in the key format asked for.
    let vm = format!("{DID}#z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b");
    let answer = t
        .get(
            &format!("{}?publicKeyFormat=JsonWebKey2020", path(&vm)),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["didDocument"]["type"], "JsonWebKey2020");
    assert!(body["didDereferencingMetadata"].is_object());

    // Errors keep the envelope, with the spec's code and a 4xx/5xx status.
    for (input, status, code) in [
        ("did:key:zTjsVPtY", 400, "invalidPublicKeyLength"),
        ("did:key:@", 400, "invalidDid"),
        ("did:example:123", 401, ""),
    ] {
        let answer = t.get(&path(input), None).await;
        assert_eq!(answer.status, status, "{input}: {}", answer.text());
        if code.is_empty() {
            // A method that would make the server fetch needs a token.
            answer.assert_problem(401, "unauthorized");
        } else {
            assert_eq!(
                answer.json()["didResolutionMetadata"]["error"],
                code,
                "{input}"
            );
        }
    }

    // With a token: the scope is checked, then the server's own resolver answers (no resolver
    // handles did:example: methodNotSupported, in the envelope).
    let inbox_only = t.token("acme", &["read:/inbox"]).await;
    t.get(&path("did:example:123"), Some(&inbox_only))
        .await
        .assert_problem(403, "insufficient-scope");
    let verifier = t.token("acme", &["write:/credentials/verify"]).await;
    let answer = t.get(&path("did:example:123"), Some(&verifier)).await;
    assert_eq!(answer.status, 501, "{}", answer.text());
    assert_eq!(
        answer.json()["didResolutionMetadata"]["error"],
        "methodNotSupported"
    );

    // did:jwk, from the identifier alone.
    let jwk = serde_json::json!({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
    let did_jwk = format!(
        "did:jwk:{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jwk.to_string())
    );
    let answer = t.get(&path(&did_jwk), None).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["didDocument"]["id"], did_jwk);
    t.cleanup().await;
}
both!(dids_resolve_with_spec_errors, resolution);
