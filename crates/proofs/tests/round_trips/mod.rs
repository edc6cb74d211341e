//! Sign → verify for every suite × key type, tampering, proof sets and chains, purposes, times.

use credbridge_keys::{DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    AuthenticationPurpose, FailReason, JsonLdCanonicalizer, ProofOutcome, SignOptions, suites,
    verify_data_integrity,
};
use serde_json::{Value, json};

use crate::support::*;

fn credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples", "gpa": 3.75}
    })
}

fn sign(
    doc: &Value,
    suite: &'static credbridge_proofs::Cryptosuite,
    key: &SecretKey,
    canon: &JsonLdCanonicalizer,
) -> Value {
    let did = DidKey::from_public_key(&key.public_key());
    credbridge_proofs::sign_data_integrity(
        doc,
        suite,
        key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(NOW - 60),
            canonicalizer: Some(canon),
            ..SignOptions::default()
        },
    )
    .unwrap()
}

/// Every suite with every key type it accepts (RSA is checked once, with JsonWebSignature2020,
/// through did:jwk-free direct key use below). The RDFC suites run over the real JSON-LD
/// canonicalizer (the expanded-terms check needs real N-Quads).
#[test]
fn every_suite_every_key_type() {
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let resolver = offline();
    let mut count = 0;
    for suite in suites::ALL_SUITES {
        // ecdsa-sd-2023 and bbs-2023 proofs are derived by holders, not signed here (verified
        // against the W3C vectors in data_integrity_vectors).
        if matches!(suite.name(), "ecdsa-sd-2023" | "bbs-2023") {
            continue;
        }
        for kt in suite.key_types.iter().filter(|k| **k != KeyType::Rsa) {
            let key = SecretKey::generate(*kt).unwrap();
            let did = DidKey::from_public_key(&key.public_key());
            let signed = sign(&credential(&did.did), suite, &key, &canon);
            let r = verify_data_integrity(
                &signed,
                &options(suites::ALL_SUITES, &resolver, Some(&canon)),
            )
            .unwrap();
            assert!(
                r[0].outcome.is_verified(),
                "{} {kt}: {:?}",
                suite.name(),
                r[0].outcome
            );
            let mut tampered = signed.clone();
            tampered["credentialSubject"]["alumniOf"] = json!("Another School");
            let r = verify_data_integrity(
                &tampered,
                &options(suites::ALL_SUITES, &resolver, Some(&canon)),
            )
            .unwrap();
            assert!(
                matches!(r[0].outcome, ProofOutcome::Failed(FailReason::Signature(_))),
                "{} {kt} tampered: {:?}",
                suite.name(),
                r[0].outcome
            );
            // The proof itself is covered too.
            let mut tampered = signed.clone();
            tampered["proof"]["created"] = json!(credbridge_proofs::format_datetime(NOW - 120));
            let r = verify_data_integrity(
                &tampered,
                &options(suites::ALL_SUITES, &resolver, Some(&canon)),
            )
            .unwrap();
            assert!(
                r[0].outcome.is_failed(),
                "{} {kt} tampered proof",
                suite.name()
            );
            count += 1;
        }
    }
    // 13 before EcdsaSecp256k1Signature2019 (RsaSignature2018 is RSA-only: tested below).
    assert_eq!(count, 14);
}

#[test]
fn signing_with_a_key_that_does_not_fit_is_misuse() {
    let key = SecretKey::generate(KeyType::P256).unwrap();
    let err = credbridge_proofs::sign_data_integrity(
        &credential("did:example:1"),
        suites::EDDSA_JCS_2022,
        &key,
        &SignOptions {
            verification_method: "did:example:1#k".into(),
            proof_purpose: "assertionMethod".into(),
            ..SignOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            credbridge_proofs::ProofError::KeyDoesNotFitSuite { .. }
        ),
        "{err}"
    );
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let err = credbridge_proofs::sign_data_integrity(
        &credential("did:example:1"),
        suites::EDDSA_RDFC_2022,
        &key,
        &SignOptions {
            verification_method: "did:example:1#k".into(),
            proof_purpose: "assertionMethod".into(),
            ..SignOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, credbridge_proofs::ProofError::NoCanonicalizer { .. }),
        "{err}"
    );
}

/// Two independent proofs (a set), then a third chained to both, then a fourth to the third.
#[test]
fn proof_sets_and_chains() {
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let resolver = offline();
    let keys: Vec<SecretKey> = (0..4)
        .map(|_| SecretKey::generate(KeyType::Ed25519).unwrap())
        .collect();
    let opts = |i: usize, id: Option<&str>, previous: Vec<String>| SignOptions {
        verification_method: DidKey::from_public_key(&keys[i].public_key())
            .verification_method_id(),
        proof_purpose: "assertionMethod".into(),
        created: Some(NOW - 60),
        id: id.map(str::to_owned),
        previous_proof: previous,
        canonicalizer: Some(&canon),
        ..SignOptions::default()
    };
    let mut doc = credential("did:example:issuer");
    doc = credbridge_proofs::sign_data_integrity(
        &doc,
        suites::EDDSA_JCS_2022,
        &keys[0],
        &opts(0, Some("urn:p1"), vec![]),
    )
    .unwrap();
    doc = credbridge_proofs::sign_data_integrity(
        &doc,
        suites::EDDSA_JCS_2022,
        &keys[1],
        &opts(1, Some("urn:p2"), vec![]),
    )
    .unwrap();
    doc = credbridge_proofs::sign_data_integrity(
        &doc,
        suites::EDDSA_JCS_2022,
        &keys[2],
        &opts(2, Some("urn:p3"), vec!["urn:p1".into(), "urn:p2".into()]),
    )
    .unwrap();
    doc = credbridge_proofs::sign_data_integrity(
        &doc,
        suites::EDDSA_JCS_2022,
        &keys[3],
        &opts(3, None, vec!["urn:p3".into()]),
    )
    .unwrap();
    let r =
        verify_data_integrity(&doc, &options(suites::ALL_SUITES, &resolver, Some(&canon))).unwrap();
    assert_eq!(r.len(), 4);
    assert!(r.iter().all(|p| p.outcome.is_verified()), "{r:?}");

    // Dropping a proof the chain depends on breaks the chain, not the independent proofs.
    let mut broken = doc.clone();
    broken["proof"].as_array_mut().unwrap().remove(0);
    let r = verify_data_integrity(
        &broken,
        &options(suites::ALL_SUITES, &resolver, Some(&canon)),
    )
    .unwrap();
    assert!(r[0].outcome.is_verified());
    assert_eq!(
        r[1].outcome,
        ProofOutcome::Failed(FailReason::PreviousProofMissing {
            id: "urn:p1".into()
        })
    );
    assert!(
        r[2].outcome.is_verified(),
        "p4 chains only to p3, which is intact"
    );

    // Altering an earlier proof invalidates the proofs chained to it.
    let mut altered = doc.clone();
    altered["proof"][0]["created"] = json!("2020-01-01T00:00:00Z");
    let r = verify_data_integrity(
        &altered,
        &options(suites::ALL_SUITES, &resolver, Some(&canon)),
    )
    .unwrap();
    assert!(r[0].outcome.is_failed());
    assert!(r[1].outcome.is_verified());
    assert!(r[2].outcome.is_failed(), "p3 covers p1");
}

#[test]
fn created_and_expires_against_the_passed_in_time() {
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let resolver = offline();
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let sign_at = |created: i64, expires: Option<i64>| {
        credbridge_proofs::sign_data_integrity(
            &credential(&did.did),
            suites::EDDSA_JCS_2022,
            &key,
            &SignOptions {
                verification_method: did.verification_method_id(),
                proof_purpose: "assertionMethod".into(),
                created: Some(created),
                expires,
                ..SignOptions::default()
            },
        )
        .unwrap()
    };
    let outcome = |doc: &Value| {
        verify_data_integrity(doc, &options(suites::ALL_SUITES, &resolver, Some(&canon))).unwrap()
            [0]
        .outcome
        .clone()
    };
    assert!(
        outcome(&sign_at(NOW + 100, None)).is_verified(),
        "within skew"
    );
    assert!(matches!(
        outcome(&sign_at(NOW + 3600, None)),
        ProofOutcome::Failed(FailReason::CreatedInFuture { .. })
    ));
    assert!(matches!(
        outcome(&sign_at(NOW - 3600, Some(NOW - 1))),
        ProofOutcome::Failed(FailReason::ProofExpired { .. })
    ));
    assert!(outcome(&sign_at(NOW - 3600, Some(NOW + 3600))).is_verified());
}

/// Authentication proofs on a presentation, JCS and RDFC (whose expanded `proofPurpose` is
/// `sec:authenticationMethod`, the IRI every context gives `authentication`).
#[test]
fn authentication_purpose_checks_challenge_and_domain() {
    let resolver = offline();
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let key = SecretKey::generate(KeyType::P256).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let vp = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "holder": did.did});
    for suite in [suites::ECDSA_JCS_2019, suites::ECDSA_RDFC_2019] {
        let signed = credbridge_proofs::sign_data_integrity(
            &vp,
            suite,
            &key,
            &SignOptions {
                verification_method: did.verification_method_id(),
                proof_purpose: "authentication".into(),
                challenge: Some("abc123".into()),
                domain: Some("verifier.example".into()),
                canonicalizer: Some(&canon),
                ..SignOptions::default()
            },
        )
        .unwrap();
        let check = |challenge: &str, domain: &str| {
            let purpose = AuthenticationPurpose {
                challenge: Some(challenge.into()),
                domain: Some(domain.into()),
            };
            let mut o = options(suites::ALL_SUITES, &resolver, Some(&canon));
            o.purpose = &purpose;
            verify_data_integrity(&signed, &o).unwrap()[0]
                .outcome
                .clone()
        };
        let ok = check("abc123", "verifier.example");
        assert!(ok.is_verified(), "{}: {ok:?}", suite.name());
        assert!(matches!(
            check("other", "verifier.example"),
            ProofOutcome::Failed(FailReason::PurposeMismatch { .. })
        ));
        assert!(matches!(
            check("abc123", "elsewhere.example"),
            ProofOutcome::Failed(FailReason::PurposeMismatch { .. })
        ));
        // An assertionMethod verifier does not accept an authentication proof.
        let r = verify_data_integrity(
            &signed,
            &options(suites::ALL_SUITES, &resolver, Some(&canon)),
        )
        .unwrap();
        assert!(matches!(
            r[0].outcome,
            ProofOutcome::Failed(FailReason::PurposeMismatch { .. })
        ));
    }
}

/// RSA with JsonWebSignature2020 (PS256) through an offline controller document.
#[test]
fn json_web_signature_2020_with_rsa() {
    let v: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../keys/tests/data/rsa-2048.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let key = SecretKey::from_jwk(&v["secretKeyJwk"]).unwrap();
    let controller = "did:web:rsa.example";
    let vm = format!("{controller}#rsa");
    let mut dir = credbridge_keys::OfflineDirectory::new();
    dir.insert(controller, json!({"id": controller, "verificationMethod": [{"id": vm, "type": "JsonWebKey2020",
        "controller": controller, "publicKeyJwk": key.public_key().to_jwk()}], "assertionMethod": [vm]}));
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let signed = credbridge_proofs::sign_data_integrity(
        &credential(controller),
        suites::JSON_WEB_SIGNATURE_2020,
        &key,
        &SignOptions {
            verification_method: vm.clone(),
            proof_purpose: "assertionMethod".into(),
            canonicalizer: Some(&canon),
            ..SignOptions::default()
        },
    )
    .unwrap();
    assert!(signed["proof"]["jws"].as_str().unwrap().contains(".."));
    let r =
        verify_data_integrity(&signed, &options(suites::ALL_SUITES, &dir, Some(&canon))).unwrap();
    assert!(r[0].outcome.is_verified(), "{:?}", r[0].outcome);
}

/// A document the JSON-LD processor refuses in safe mode is a failed proof; a context this
/// build cannot load, or a processing limit, is "could not check" (the environment's failure,
/// not the document's).
#[test]
fn canonicalization_failures_split_by_cause() {
    let canon = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    let resolver = offline();
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let doc = json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://www.w3.org/2018/credentials/examples/v1",
            "https://w3id.org/security/data-integrity/v2"
        ],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": did.did,
        "issuanceDate": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"}
    });
    let signed = credbridge_proofs::sign_data_integrity(
        &doc,
        suites::EDDSA_RDFC_2022,
        &key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(NOW - 60),
            canonicalizer: Some(&canon),
            ..SignOptions::default()
        },
    )
    .unwrap();
    let verify = |d: &Value| {
        verify_data_integrity(d, &options(suites::ALL_SUITES, &resolver, Some(&canon))).unwrap()[0]
            .outcome
            .clone()
    };
    assert!(verify(&signed).is_verified());

    let mut undefined_term = signed.clone();
    undefined_term["credentialSubject"]["nickname"] = json!("Ada");
    let outcome = verify(&undefined_term);
    assert!(
        matches!(&outcome, ProofOutcome::Failed(FailReason::TransformFailed { reason }) if reason.contains("nickname")),
        "{outcome:?}"
    );

    let mut unknown_context = signed.clone();
    unknown_context["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://contexts.example/not-bundled/v1"));
    let outcome = verify(&unknown_context);
    assert!(
        matches!(&outcome, ProofOutcome::CouldNotCheck { reason } if reason.contains("https://contexts.example/not-bundled/v1")),
        "{outcome:?}"
    );
}

/// Issue 9 item 6: RsaSignature2018 (PS256 detached JWS) with an `RsaVerificationKey2018` in
/// PEM, and EcdsaSecp256k1Signature2019 (ES256K) with an
/// `EcdsaSecp256k1VerificationKey2019` in `publicKeyHex`, on VCDM 1.1 credentials (whose
/// context defines both proof types); tampering and a wrong-suite key fail.
#[test]
fn legacy_rsa_and_secp256k1_suites() {
    let v: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../keys/tests/data/rsa-2048.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let rsa = SecretKey::from_jwk(&v["secretKeyJwk"]).unwrap();
    let k1 = SecretKey::generate(KeyType::Secp256k1).unwrap();
    let k1_hex: String = k1
        .public_key()
        .to_raw_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let controller = "did:web:legacy.example";
    let mut dir = credbridge_keys::OfflineDirectory::new();
    dir.insert(
        controller,
        json!({"id": controller, "verificationMethod": [
            {"id": format!("{controller}#rsa"), "type": "RsaVerificationKey2018",
             "controller": controller, "publicKeyPem": rsa.public_key().to_pem().unwrap()},
            {"id": format!("{controller}#k1"), "type": "EcdsaSecp256k1VerificationKey2019",
             "controller": controller, "publicKeyHex": k1_hex}],
            "assertionMethod": [format!("{controller}#rsa"), format!("{controller}#k1")]}),
    );
    let canon = JsonLdCanonicalizer::with_bundled_contexts();
    let doc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": controller,
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "alumniOf": "Example University"}
    });
    for (suite, key, fragment, alg) in [
        (suites::RSA_SIGNATURE_2018, &rsa, "rsa", "PS256"),
        (suites::ECDSA_SECP256K1_SIGNATURE_2019, &k1, "k1", "ES256K"),
    ] {
        let signed = credbridge_proofs::sign_data_integrity(
            &doc,
            suite,
            key,
            &SignOptions {
                verification_method: format!("{controller}#{fragment}"),
                proof_purpose: "assertionMethod".into(),
                created: Some(NOW - 60),
                canonicalizer: Some(&canon),
                ..SignOptions::default()
            },
        )
        .unwrap();
        // The VCDM 1.1 context defines both types: nothing is added.
        assert_eq!(signed["@context"], doc["@context"]);
        let jws = signed["proof"]["jws"].as_str().unwrap();
        let header: Value = serde_json::from_slice(
            &base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                jws.split("..").next().unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], alg);
        let r = verify_data_integrity(&signed, &options(suites::ALL_SUITES, &dir, Some(&canon)))
            .unwrap();
        assert!(
            r[0].outcome.is_verified(),
            "{}: {:?}",
            suite.name(),
            r[0].outcome
        );
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["alumniOf"] = json!("Another University");
        let r = verify_data_integrity(&tampered, &options(suites::ALL_SUITES, &dir, Some(&canon)))
            .unwrap();
        assert!(
            matches!(r[0].outcome, ProofOutcome::Failed(FailReason::Signature(_))),
            "{}: {:?}",
            suite.name(),
            r[0].outcome
        );
        // The other method's key does not fit the suite.
        let mut wrong = signed.clone();
        let other = if fragment == "rsa" { "k1" } else { "rsa" };
        wrong["proof"]["verificationMethod"] = json!(format!("{controller}#{other}"));
        let r = verify_data_integrity(&wrong, &options(suites::ALL_SUITES, &dir, Some(&canon)))
            .unwrap();
        assert!(
            matches!(
                r[0].outcome,
                ProofOutcome::Failed(FailReason::KeyTypeMismatch { .. })
            ),
            "{}: {:?}",
            suite.name(),
            r[0].outcome
        );
    }
}
