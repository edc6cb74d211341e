//! The did:web and https controller resolvers, and fetch errors mapped to resolve errors.
use crate::common::*;

fn did_web_resolver(server: &FixtureServer) -> DidWebResolver {
    DidWebResolver::new(Arc::new(loopback_client()))
        .dangerous_with_origin_override("https://digitalcredentials.github.io", &server.base())
}

#[test]
fn did_web_resolves_the_dcc_fixture() {
    let server = routes_server();
    let resolver = ChainResolver::offline_default().with(Box::new(did_web_resolver(&server)));
    let method = resolver
        .resolve_verification_method(&format!("{OIDF_DID}#{OIDF_KEY}"))
        .unwrap();
    assert_eq!(method.id, format!("{OIDF_DID}#{OIDF_KEY}"));
    assert_eq!(method.method_type, "Multikey");
    assert_eq!(method.controller, OIDF_DID);
    assert_eq!(
        method.public_key,
        PublicKey::from_multikey(OIDF_KEY).unwrap()
    );
    assert_eq!(
        method.allows(VerificationRelationship::AssertionMethod),
        Some(true)
    );
    assert_eq!(
        method.allows(VerificationRelationship::Authentication),
        Some(false)
    );

    let document = resolver.resolve_document(OIDF_DID).unwrap();
    assert_eq!(document.id, OIDF_DID);
    // did:key still goes to its own resolver, before did:web is asked.
    let did_key = credbridge_keys::DidKey::from_public_key(&method.public_key);
    assert!(
        resolver
            .resolve_verification_method(&did_key.verification_method_id())
            .is_ok()
    );
}

#[test]
fn did_web_document_must_state_its_did() {
    let server = routes_server();
    let impostor = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf-impostor";
    let err = did_web_resolver(&server)
        .resolve_document(impostor)
        .unwrap_err();
    assert_eq!(
        err,
        ResolveError::DocumentIdMismatch {
            requested: impostor.to_owned(),
            found: OIDF_DID.to_owned(),
        }
    );
}

#[test]
fn did_web_missing_and_foreign_ids() {
    let server = routes_server();
    let resolver = did_web_resolver(&server);
    let missing = "did:web:digitalcredentials.github.io:nobody";
    assert_eq!(
        resolver.resolve_document(missing).unwrap_err(),
        ResolveError::NotFound {
            id: missing.to_owned()
        }
    );
    assert!(
        resolver
            .resolve_verification_method("did:key:z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ")
            .unwrap_err()
            .is_not_handled()
    );
    let err = resolver
        .resolve_verification_method(&format!("{OIDF_DID}#not-a-key"))
        .unwrap_err();
    assert!(
        matches!(err, ResolveError::VerificationMethodNotFound { .. }),
        "{err:?}"
    );
    // Without the override the DID names the real host; only the mapping is checked (tests
    // never leave loopback).
    assert_eq!(
        DidWebResolver::new(Arc::new(loopback_client()))
            .document_url(OIDF_DID)
            .unwrap(),
        "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"
    );
}

#[test]
fn https_controller_document_with_a_generated_key() {
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let public = secret.public_key();
    let multikey = public.to_multikey();
    let server = FixtureServer::start(move |path, port| {
        let base = format!("http://127.0.0.1:{port}/keys/controller");
        if path != "/keys/controller" {
            return Reply::status(404);
        }
        let doc = serde_json::json!({
            "@context": "https://www.w3.org/ns/cid/v1",
            "id": base,
            "verificationMethod": [{
                "id": format!("{base}#key-1"),
                "type": "Multikey",
                "controller": base,
                "publicKeyMultibase": multikey,
            }],
            "assertionMethod": ["#key-1"],
        });
        Reply::ok("application/json", doc.to_string())
    })
    .unwrap();
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let id = server.url("/keys/controller#key-1");
    let method = resolver.resolve_verification_method(&id).unwrap();
    assert_eq!(method.public_key, public);
    assert_eq!(
        method.allows(VerificationRelationship::AssertionMethod),
        Some(true)
    );
    let signature = secret.sign(Algorithm::EdDsa, b"credential bytes").unwrap();
    assert!(
        method
            .public_key
            .verify(Algorithm::EdDsa, b"credential bytes", &signature)
            .is_ok()
    );

    assert!(
        resolver
            .resolve_document(&server.url("/keys/controller"))
            .is_ok()
    );
    assert_eq!(
        resolver
            .resolve_document(&server.url("/keys/none"))
            .unwrap_err(),
        ResolveError::NotFound {
            id: server.url("/keys/none")
        }
    );
    // https resolver does not take DIDs; with a strict policy it does not take http either.
    assert!(
        resolver
            .resolve_document(OIDF_DID)
            .unwrap_err()
            .is_not_handled()
    );
    let strict = HttpsControllerResolver::new(Arc::new(client(FetchPolicy::default())));
    assert!(
        strict
            .resolve_verification_method(&id)
            .unwrap_err()
            .is_not_handled()
    );
}

#[test]
fn ob2_cryptographic_key_document() {
    let server = routes_server();
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let id = server.url("/key1.json");
    let method = resolver.resolve_verification_method(&id).unwrap();
    assert_eq!(method.method_type, "CryptographicKey");
    assert_eq!(method.public_key.key_type(), KeyType::Rsa);
    let published: serde_json::Value = serde_json::from_str(&key1_json()).unwrap();
    let pem = published["publicKeyPem"].as_str().unwrap();
    assert_eq!(method.public_key, PublicKey::from_pem(pem).unwrap());
    assert_eq!(
        method.relationships, None,
        "a bare key document lists no relationships"
    );

    // Published as-is, the document names example.org, not where it was fetched from.
    let err = resolver
        .resolve_verification_method(&server.url("/key1-as-published.json"))
        .unwrap_err();
    assert!(
        matches!(err, ResolveError::DocumentIdMismatch { .. }),
        "{err:?}"
    );
}

#[test]
fn fetch_errors_map_to_resolve_errors() {
    let server = routes_server();
    let resolver = HttpsControllerResolver::new(Arc::new(loopback_client()));
    let err = resolver
        .resolve_document(&server.url("/garbage"))
        .unwrap_err();
    assert!(matches!(err, ResolveError::Document { .. }), "{err:?}");
    // Environment failures: the media type, a server error, and offline mode.
    let err = resolver.resolve_document(&server.url("/html")).unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == server.url("/html") && reason.contains("text/html")),
        "{err:?}"
    );
    let err = resolver
        .resolve_document(&server.url("/server-error"))
        .unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == server.url("/server-error") && reason.contains("503")),
        "{err:?}"
    );
    let offline = HttpsControllerResolver::new(Arc::new(client(FetchPolicy {
        offline: true,
        ..FetchPolicy::dangerous_loopback_for_tests()
    })));
    let url = server.url("/keys/controller");
    let err = offline.resolve_document(&url).unwrap_err();
    assert!(
        matches!(&err, ResolveError::Fetch { id, reason } if *id == url && reason.contains("offline")),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(&url), "{err}");
}
