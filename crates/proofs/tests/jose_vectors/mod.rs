//! W3C vc-jose-cose-test-suite cases (via `test-mapping.json`), OB 2.0 RS256, and VC-JWT rules.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_keys::{
    Algorithm, DidKey, KeyType, OfflineDirectory, PublicKey, Resolver, SecretKey,
};
use credbridge_proofs::jose::{decode_compact_jws, sign_compact_jws};
use credbridge_proofs::vc_jose_cose::{self, DocumentKind, SecureOptions, Securing};
use credbridge_proofs::{
    ClaimFinding, FailReason, JoseVerifyOptions, JwtKind, JwtSignOptions, KeySource, ProofOutcome,
    sign_jwt, verify_jwt,
};
use serde_json::{Map, Value, json};

use crate::support::*;

const JOSE: &str = "vectors/vc-jose-cose";

fn jose_options<'a>(
    resolver: &'a dyn Resolver,
    pinned: Option<&'a PublicKey>,
) -> JoseVerifyOptions<'a> {
    JoseVerifyOptions {
        resolver,
        pinned_key: pinned,
        allow_embedded_jwk: false,
        now: NOW,
        max_clock_skew: 300,
    }
}

/// The suite's expected results that credbridge does not give, each with the reason. The
/// suite's own README lists the requirements this case covers (VC-JOSE-COSE: "additional
/// members that are not understood MUST be ignored", "all claims that are not understood MUST
/// be ignored", "if the extension mechanism type is not understood, this property MUST be
/// ignored"), and the examples context's `@vocab` defines `badExtension` just as it defines
/// `degree`: no rule of the specification refuses to secure it.
const DISAGREEMENTS: [(&str, &str); 1] = [(
    "5. JWT Issuance with Unknown Extensions",
    "the extra members are ignorable by the rules the case cites, and defined by the examples context's @vocab",
)];

fn feature(case: &Value) -> (DocumentKind, Securing) {
    let feature = case["feature"].as_str().unwrap();
    let kind = if feature.starts_with("presentation") {
        DocumentKind::Presentation
    } else {
        DocumentKind::Credential
    };
    let securing = if feature.ends_with("_jose") {
        Securing::Jose
    } else if feature.ends_with("_sdjwt") {
        Securing::SdJwt
    } else {
        Securing::Cose
    };
    (kind, securing)
}

/// Runs one case of the suite's mapping the way its command-line contract does: `Ok` with
/// the secured text or verified document, `Err` with the reason.
fn run_case(case: &Value) -> Result<String, String> {
    let input = format!("{JOSE}/input/{}", case["input_file"].as_str().unwrap());
    let method = read_json(&format!(
        "{JOSE}/input/{}",
        case["key_file"].as_str().unwrap()
    ));
    let (kind, securing) = feature(case);
    if case["fn"] == "verify" {
        let key = PublicKey::from_jwk(&method["publicKeyJwk"]).map_err(|e| e.to_string())?;
        return vc_jose_cose::verify(&read_text(&input), kind, securing, &key)
            .map(|v| Value::Object(v.document).to_string())
            .map_err(|e| e.to_string());
    }
    let secret = &method["secretKeyJwk"];
    let key = SecretKey::from_jwk(secret).map_err(|e| e.to_string())?;
    let disclosable = case
        .get("disclosure_paths")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|p| p.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    let options = SecureOptions {
        kid: method["id"].as_str().map(str::to_owned),
        alg: secret["alg"].as_str().and_then(Algorithm::from_jose_name),
        disclosable,
    };
    let original = read_json(&input);
    let secured = vc_jose_cose::secure(&original, kind, securing, &key, &options)
        .map_err(|e| e.to_string())?;
    // What was issued verifies with the public key and gives the document back (for SD-JWT,
    // with every disclosure).
    let verified = vc_jose_cose::verify(&secured, kind, securing, &key.public_key())
        .map_err(|e| format!("issued, but does not verify: {e}"))?;
    assert_eq!(
        Value::Object(verified.document),
        original,
        "{} round trip",
        case["input_file"]
    );
    Ok(secured)
}

#[test]
fn vc_jose_cose_test_mapping() {
    let mapping = read_json(&format!("{JOSE}/test-mapping.json"));
    let (mut passed, mut mismatched) = (Vec::new(), Vec::new());
    let mut disagreed = 0;
    for section in ["JOSE", "SDJWT", "COSE"] {
        for (name, case) in mapping[section].as_object().unwrap() {
            let expected_success = case["expected_result"] == "success";
            let result = run_case(case);
            let agrees = result.is_ok() == expected_success;
            if let Some((_, why)) = DISAGREEMENTS.iter().find(|(n, _)| n == name) {
                // A documented disagreement must still be one: this fails if the suite or
                // credbridge changes.
                assert!(
                    !agrees,
                    "{name} now agrees with the suite; drop it from DISAGREEMENTS"
                );
                println!("DISAGREE {name}: {why}");
                disagreed += 1;
                continue;
            }
            match (agrees, &result) {
                (true, Ok(_)) => println!("PASS {name}"),
                (true, Err(reason)) => println!("PASS {name} (refused as expected: {reason})"),
                (false, Ok(_)) => println!("MISMATCH {name}: succeeded, expected failure"),
                (false, Err(reason)) => println!("MISMATCH {name}: {reason}"),
            }
            if agrees {
                passed.push(name.clone());
            } else {
                mismatched.push(name.clone());
            }
        }
    }
    tally("vc-jose-cose", passed.len(), mismatched.len(), 0);
    assert!(mismatched.is_empty(), "{mismatched:?}");
    assert_eq!(
        passed.len() + disagreed,
        35,
        "every case of the mapping ran"
    );
}

/// Tampering with what was issued is caught in each securing: another key's signature, the
/// other document kind, a disclosure the issuer never made.
#[test]
fn vc_jose_cose_tampering_is_refused() {
    let credential = read_json(&format!("{JOSE}/input/credential-nested-selective.json"));
    let key = SecretKey::generate(KeyType::P256).unwrap();
    let public = key.public_key();
    let other = SecretKey::generate(KeyType::P256).unwrap().public_key();
    let city = || vec!["credentialSubject.address.city".to_owned()];
    for securing in [Securing::Jose, Securing::SdJwt, Securing::Cose] {
        let options = SecureOptions {
            kid: Some("https://issuer.example/keys#1".into()),
            alg: None,
            disclosable: if securing == Securing::SdJwt {
                city()
            } else {
                Vec::new()
            },
        };
        let secured = vc_jose_cose::secure(
            &credential,
            DocumentKind::Credential,
            securing,
            &key,
            &options,
        )
        .unwrap();
        assert!(
            vc_jose_cose::verify(&secured, DocumentKind::Credential, securing, &public).is_ok()
        );
        let err =
            vc_jose_cose::verify(&secured, DocumentKind::Credential, securing, &other).unwrap_err();
        assert!(err.to_string().contains("signature"), "{securing:?}: {err}");
        assert!(
            vc_jose_cose::verify(&secured, DocumentKind::Presentation, securing, &public).is_err(),
            "{securing:?} accepted as a presentation"
        );
    }
    let sd = vc_jose_cose::secure(
        &credential,
        DocumentKind::Credential,
        Securing::SdJwt,
        &key,
        &SecureOptions {
            kid: None,
            alg: None,
            disclosable: city(),
        },
    )
    .unwrap();
    let jws = sd.split('~').next().unwrap();
    // A disclosure of the holder's own making is not referenced by the signed payload.
    let forged = URL_SAFE_NO_PAD.encode(json!(["c2FsdA", "city", "Atlantis"]).to_string());
    let err = vc_jose_cose::verify(
        &format!("{jws}~{forged}~"),
        DocumentKind::Credential,
        Securing::SdJwt,
        &public,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not referenced"), "{err}");
    // Without the disclosure the city is simply not shown.
    let shown = vc_jose_cose::verify(
        &format!("{jws}~"),
        DocumentKind::Credential,
        Securing::SdJwt,
        &public,
    )
    .unwrap();
    let address = &shown.document["credentialSubject"]["address"];
    assert!(address.get("city").is_none());
    assert!(address.get("street").is_some());
}

/// OB 2.0 signed assertion (RS256 JWS) verifies with its issuer's CryptographicKey PEM.
#[test]
fn ob2_signed_assertion_rs256() {
    let token = read_text("examples/1edtech-validator/ob20/simple.jwt");
    let key_doc = read_json("examples/1edtech-validator/ob20/assets/key1.json");
    let key = PublicKey::from_pem(key_doc["publicKeyPem"].as_str().unwrap()).unwrap();
    let jws = decode_compact_jws(&token).unwrap();
    assert_eq!(jws.alg(), Some("RS256"));
    let _ = key
        .verify(
            Algorithm::Rs256,
            jws.signing_input.as_bytes(),
            &jws.signature,
        )
        .unwrap();
    let mut bad = jws.signature.clone();
    bad[10] ^= 1;
    assert!(
        key.verify(Algorithm::Rs256, jws.signing_input.as_bytes(), &bad)
            .is_err()
    );
}

fn rsa_key() -> SecretKey {
    let v: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../keys/tests/data/rsa-2048.json"
        ))
        .unwrap(),
    )
    .unwrap();
    SecretKey::from_jwk(&v["secretKeyJwk"]).unwrap()
}

fn ob3_credential(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example"},
        "validFrom": "2010-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]}
    })
}

/// OB 3.0 VC-JWT: RS256 with the key in a `jwk` header; the registered claims are derived
/// from the credential and match it.
#[test]
fn ob3_vc_jwt_rs256_embedded_jwk() {
    let key = rsa_key();
    let cred = ob3_credential("https://example.edu/issuers/565049");
    let token = sign_jwt(
        &cred,
        &key,
        &JwtSignOptions {
            kind: JwtKind::VcJwt,
            alg: None,
            kid: None,
            embed_jwk: true,
            audience: None,
            nonce: None,
            issued_at: None,
        },
    )
    .unwrap();
    // The issuer's controller document lists the RSA key, so the jwk header is bound to it.
    let issuer = "https://example.edu/issuers/565049";
    let resolver = offline().with(Box::new(directory_with_key(issuer, &key.public_key())));
    let mut opts = jose_options(&resolver, None);
    opts.allow_embedded_jwk = true;
    let v = verify_jwt(&token, &opts).unwrap();
    assert!(v.proof.outcome.is_verified(), "{:?}", v.proof.outcome);
    assert_eq!(v.kind, Some(JwtKind::VcJwt));
    assert_eq!(
        v.key_source,
        Some(KeySource::EmbeddedJwkBound {
            id: format!("{issuer}#key-1")
        })
    );
    assert_eq!(v.proof.method.as_ref().unwrap().controller, issuer);
    assert_eq!(v.claim_findings, vec![]);
    assert_eq!(v.payload["iss"], "https://example.edu/issuers/565049");
    assert_eq!(v.payload["nbf"], 1_262_304_000);
    assert_eq!(v.credential.as_ref().unwrap()["id"], cred["id"]);
    // Without permission to use the jwk header there is no key.
    let v = verify_jwt(&token, &jose_options(&resolver, None)).unwrap();
    assert!(matches!(
        v.proof.outcome,
        ProofOutcome::CouldNotCheck { .. }
    ));
}

/// A controller document for `issuer` whose one method (`#key-1`, assertionMethod) is `key`.
fn directory_with_key(issuer: &str, key: &PublicKey) -> OfflineDirectory {
    let id = format!("{issuer}#key-1");
    let mut dir = OfflineDirectory::new();
    dir.insert(
        issuer,
        json!({"id": issuer, "verificationMethod": [{"id": id, "type": "JsonWebKey",
            "controller": issuer, "publicKeyJwk": key.to_jwk()}],
            "assertionMethod": [id], "authentication": [id]}),
    );
    dir
}

fn embedded_options(resolver: &dyn Resolver) -> JoseVerifyOptions<'_> {
    let mut opts = jose_options(resolver, None);
    opts.allow_embedded_jwk = true;
    opts
}

/// Signs `payload` with a throw-away key that travels in the `jwk` header (plus `extra`
/// header members).
fn forged_with_jwk(payload: Value, extra: Value) -> (String, SecretKey) {
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let mut header = json!({"typ": "JWT", "jwk": key.public_key().to_jwk()});
    for (k, v) in extra.as_object().unwrap() {
        header[k] = v.clone();
    }
    (sign_raw(header, payload, &key, Algorithm::EdDsa), key)
}

/// Issue 9 item 0: a throw-away key in the `jwk` header, naming any issuer, proves nothing —
/// for each JOSE format, with and without a `kid` no resolver handles, and whatever the
/// issuer's identifier is.
#[test]
fn embedded_jwk_naming_another_issuer_never_verifies() {
    let victim = SecretKey::generate(KeyType::Ed25519).unwrap();
    let victim_did = DidKey::from_public_key(&victim.public_key()).did;
    let https_issuer = "https://university.example/issuers/1";
    let resolver = offline().with(Box::new(directory_with_key(
        https_issuer,
        &victim.public_key(),
    )));
    let opts = embedded_options(&resolver);
    let vc = |issuer: &str| ob3_credential(issuer);
    for issuer in [victim_did.as_str(), https_issuer] {
        let payloads = [
            (
                "VC-JWT",
                json!({"iss": issuer, "vc": vc(issuer)}),
                json!({}),
            ),
            ("VC-JWT without iss", json!({"vc": vc(issuer)}), json!({})),
            ("vc+jwt", vc(issuer), json!({"typ": "vc+jwt", "cty": "vc"})),
            (
                "OB 3.0 credential-payload JWT",
                {
                    let mut p = vc(issuer);
                    p["iss"] = json!(issuer);
                    p
                },
                json!({}),
            ),
            (
                "kid no resolver handles",
                json!({"iss": issuer, "vc": vc(issuer)}),
                json!({"kid": "https://attacker.example/keys#1"}),
            ),
            (
                "relative kid",
                json!({"iss": issuer, "vc": vc(issuer)}),
                json!({"kid": "key-9"}),
            ),
        ];
        for (name, payload, extra) in payloads {
            let (token, _) = forged_with_jwk(payload, extra);
            let v = verify_jwt(&token, &opts).unwrap();
            assert!(
                !v.proof.outcome.is_verified() && v.proof.signature.is_none(),
                "{name} / {issuer}: {:?}",
                v.proof.outcome
            );
            // The issuer's document was resolved and the key is not in it: a failure, not
            // a shrug.
            assert!(
                matches!(
                    v.proof.outcome,
                    ProofOutcome::Failed(FailReason::EmbeddedKeyNotIssuers { .. })
                        | ProofOutcome::Failed(FailReason::VerificationMethod(_))
                ),
                "{name} / {issuer}: {:?}",
                v.proof.outcome
            );
        }
    }
    // An issuer no resolver handles: the binding cannot be made, so the token is not checked.
    let (token, _) = forged_with_jwk(
        json!({"iss": "https://unknown.example/issuer", "vc": vc("https://unknown.example/issuer")}),
        json!({}),
    );
    let v = verify_jwt(&token, &opts).unwrap();
    assert!(
        matches!(v.proof.outcome, ProofOutcome::CouldNotCheck { ref reason } if reason.contains("jwk")),
        "{:?}",
        v.proof.outcome
    );
    assert!(v.proof.signature.is_none() && v.proof.method.is_none());
    // No issuer at all.
    let mut anonymous = vc("x");
    anonymous.as_object_mut().unwrap().remove("issuer");
    let (token, _) = forged_with_jwk(json!({"vc": anonymous}), json!({}));
    let v = verify_jwt(&token, &opts).unwrap();
    assert!(matches!(
        v.proof.outcome,
        ProofOutcome::CouldNotCheck { .. }
    ));
    // An issuer whose document lists no keys (an OB 3.0 profile is no controller
    // document): the key stays unbound, could not check.
    let profile = "https://profile.example/issuer";
    let mut dir = OfflineDirectory::new();
    dir.insert(
        profile,
        json!({"id": profile, "type": "Profile", "name": "Example"}),
    );
    let profile_resolver = offline().with(Box::new(dir));
    let (token, _) = forged_with_jwk(json!({"iss": profile, "vc": vc(profile)}), json!({}));
    let v = verify_jwt(&token, &embedded_options(&profile_resolver)).unwrap();
    assert!(
        matches!(v.proof.outcome, ProofOutcome::CouldNotCheck { ref reason } if reason.contains("lists no keys")),
        "{:?}",
        v.proof.outcome
    );
    assert!(v.proof.signature.is_none());
    // A kid no resolver handles and no jwk: could not check, never a jwk fallback.
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let token = sign_raw(
        json!({"kid": "did:example:123#k"}),
        json!({"iss": "did:example:123", "vc": vc("did:example:123")}),
        &key,
        Algorithm::EdDsa,
    );
    let v = verify_jwt(&token, &opts).unwrap();
    assert!(matches!(
        v.proof.outcome,
        ProofOutcome::CouldNotCheck { .. }
    ));
}

/// The `jwk` header is the issuer's key when the issuer is the did:jwk of that key, or when it
/// equals a key of the issuer's resolved document; the method travels in the result so that
/// the caller's issuer-binding check runs.
#[test]
fn embedded_jwk_bound_to_the_issuer_verifies() {
    let resolver = offline();
    let opts = embedded_options(&resolver);
    for kt in [KeyType::Ed25519, KeyType::P256] {
        let key = SecretKey::generate(kt).unwrap();
        let did = credbridge_keys::did_jwk_from_public_key(&key.public_key());
        let token = sign_jwt(
            &ob3_credential(&did),
            &key,
            &JwtSignOptions {
                kind: JwtKind::VcJwt,
                alg: None,
                kid: None,
                embed_jwk: true,
                audience: None,
                nonce: None,
                issued_at: None,
            },
        )
        .unwrap();
        let v = verify_jwt(&token, &opts).unwrap();
        assert!(v.proof.outcome.is_verified(), "{kt}: {:?}", v.proof.outcome);
        assert_eq!(
            v.key_source,
            Some(KeySource::EmbeddedJwkBound {
                id: format!("{did}#0")
            })
        );
        assert_eq!(v.proof.method.as_ref().unwrap().controller, did);
        // Another key's did:jwk as issuer: refused.
        let other = SecretKey::generate(kt).unwrap();
        let other_did = credbridge_keys::did_jwk_from_public_key(&other.public_key());
        let mut header = json!({"typ": "JWT", "jwk": key.public_key().to_jwk()});
        let forged = sign_raw(
            header.clone(),
            json!({"iss": other_did, "vc": ob3_credential(&other_did)}),
            &key,
            key.default_algorithm(),
        );
        let v = verify_jwt(&forged, &opts).unwrap();
        assert!(
            matches!(
                v.proof.outcome,
                ProofOutcome::Failed(FailReason::EmbeddedKeyNotIssuers { ref issuer }) if *issuer == other_did
            ),
            "{kt}: {:?}",
            v.proof.outcome
        );
        // The same forgery with a kid naming the victim's method: the resolved key decides,
        // and it does not match the signature.
        header["kid"] = json!(format!("{other_did}#0"));
        let forged = sign_raw(
            header,
            json!({"iss": other_did, "vc": ob3_credential(&other_did)}),
            &key,
            key.default_algorithm(),
        );
        let v = verify_jwt(&forged, &opts).unwrap();
        assert!(
            matches!(
                v.proof.outcome,
                ProofOutcome::Failed(FailReason::Signature(_))
            ),
            "{kt}: {:?}",
            v.proof.outcome
        );
        // The method that was tried is reported even though the signature failed.
        assert_eq!(
            v.proof.method.as_ref().map(|m| m.id.clone()),
            Some(format!("{other_did}#0"))
        );
        assert!(v.proof.signature.is_none());
    }
}

/// Item 3: without `kid`, an issuer that is a did:key or did:jwk names its own key.
#[test]
fn vc_jwt_without_kid_takes_the_key_from_a_did_key_or_did_jwk_issuer() {
    let resolver = offline();
    let opts = jose_options(&resolver, None);
    for did_jwk in [false, true] {
        let key = SecretKey::generate(KeyType::Ed25519).unwrap();
        let (issuer, method) = if did_jwk {
            let did = credbridge_keys::did_jwk_from_public_key(&key.public_key());
            (did.clone(), format!("{did}#0"))
        } else {
            let did = DidKey::from_public_key(&key.public_key());
            (did.did.clone(), did.verification_method_id())
        };
        let token = sign_raw(
            json!({"typ": "JWT"}),
            json!({"iss": issuer, "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiableCredential"], "credentialSubject": {"name": "Ada"}}}),
            &key,
            Algorithm::EdDsa,
        );
        let v = verify_jwt(&token, &opts).unwrap();
        assert!(v.proof.outcome.is_verified(), "{:?}", v.proof.outcome);
        assert_eq!(v.key_source, Some(KeySource::Resolved { id: method }));
        assert_eq!(v.proof.method.as_ref().unwrap().controller, issuer);
        // Someone else's did:key as iss: the signature does not match that key.
        let other = SecretKey::generate(KeyType::Ed25519).unwrap();
        let forged = sign_raw(
            json!({"typ": "JWT"}),
            json!({"iss": issuer, "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiableCredential"], "credentialSubject": {"name": "Ada"}}}),
            &other,
            Algorithm::EdDsa,
        );
        let v = verify_jwt(&forged, &opts).unwrap();
        assert!(matches!(
            v.proof.outcome,
            ProofOutcome::Failed(FailReason::Signature(_))
        ));
    }
}

/// Item 3: VCDM 1.1 §6.3.1 JWT decoding fills what the `vc` claim lacks from `iss`, `sub`,
/// `jti`, `nbf`, `exp`; what the claim has is kept.
#[test]
fn vc_jwt_claims_map_into_the_credential() {
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let payload = json!({"iss": did.did, "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "jti": "http://example.edu/credentials/3732", "nbf": 1_541_493_724, "exp": 1_893_456_000,
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
               "type": ["VerifiableCredential", "UniversityDegreeCredential"],
               "credentialSubject": {"degree": {"type": "BachelorDegree"}}}});
    let token = sign_raw(
        json!({"typ": "JWT", "kid": did.verification_method_id()}),
        payload.clone(),
        &key,
        Algorithm::EdDsa,
    );
    let v = verify_jwt(&token, &jose_options(&offline(), None)).unwrap();
    assert!(v.proof.outcome.is_verified(), "{:?}", v.proof.outcome);
    let c = v.credential.unwrap();
    assert_eq!(c["issuer"], json!(did.did));
    assert_eq!(c["id"], "http://example.edu/credentials/3732");
    assert_eq!(
        c["credentialSubject"]["id"],
        "did:example:ebfeb1f712ebc6f1c276e12ec21"
    );
    assert_eq!(c["credentialSubject"]["degree"]["type"], "BachelorDegree");
    assert_eq!(c["issuanceDate"], "2018-11-06T08:42:04Z");
    assert_eq!(c["expirationDate"], "2030-01-01T00:00:00Z");
    assert_eq!(v.claim_findings, vec![]);

    // What the vc claim has stays; a VCDM 2.0 vc gets validFrom / validUntil.
    let mut p = payload.as_object().unwrap().clone();
    p["vc"] = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": "did:example:x",
        "id": "urn:uuid:1", "credentialSubject": {"id": "did:example:y"}});
    let c = credbridge_proofs::vc_jwt_credential(&p).unwrap();
    assert_eq!(c["issuer"], "did:example:x");
    assert_eq!(c["id"], "urn:uuid:1");
    assert_eq!(c["credentialSubject"]["id"], "did:example:y");
    assert_eq!(c["validFrom"], "2018-11-06T08:42:04Z");
    assert_eq!(c["validUntil"], "2030-01-01T00:00:00Z");
    assert!(c.get("issuanceDate").is_none());
    // No vc claim, no credential.
    p.remove("vc");
    assert_eq!(credbridge_proofs::vc_jwt_credential(&p), None);
}

/// `kid` = did:key verification method; each key type and its algorithm.
#[test]
fn vc_jwt_kid_resolves_through_did_key() {
    let resolver = offline();
    for kt in [
        KeyType::Ed25519,
        KeyType::P256,
        KeyType::P384,
        KeyType::Secp256k1,
    ] {
        let key = SecretKey::generate(kt).unwrap();
        let did = DidKey::from_public_key(&key.public_key());
        let token = sign_jwt(
            &ob3_credential(&did.did),
            &key,
            &JwtSignOptions {
                kind: JwtKind::VcJwt,
                alg: None,
                kid: Some(did.verification_method_id()),
                embed_jwk: false,
                audience: None,
                nonce: None,
                issued_at: None,
            },
        )
        .unwrap();
        let v = verify_jwt(&token, &jose_options(&resolver, None)).unwrap();
        assert!(v.proof.outcome.is_verified(), "{kt}: {:?}", v.proof.outcome);
        assert!(matches!(v.key_source, Some(KeySource::Resolved { .. })));
        // Tampered payload.
        let parts: Vec<&str> = token.split('.').collect();
        let mut payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        payload["vc"]["credentialSubject"]["id"] = json!("did:example:mallory");
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            parts[2]
        );
        let v = verify_jwt(&forged, &jose_options(&resolver, None)).unwrap();
        assert!(
            matches!(
                v.proof.outcome,
                ProofOutcome::Failed(FailReason::Signature(_))
            ),
            "{kt}"
        );
    }
}

/// OB 3.0 §8.2 JWT proofs of VCDM 2.0 credentials: `typ` JWT (or none), the payload is the
/// credential with the registered claims beside its properties; the 1EdTech validator's baked
/// `simple-jwt.png` is one.
#[test]
fn credential_payload_jwt() {
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let cred = ob3_credential(&did.did);
    let token = sign_jwt(
        &cred,
        &key,
        &JwtSignOptions {
            kind: JwtKind::CredentialPayloadJwt,
            alg: None,
            kid: Some(did.verification_method_id()),
            embed_jwk: false,
            audience: None,
            nonce: None,
            issued_at: Some(NOW),
        },
    )
    .unwrap();
    let resolver = offline();
    let v = verify_jwt(&token, &jose_options(&resolver, None)).unwrap();
    assert!(v.proof.outcome.is_verified(), "{:?}", v.proof.outcome);
    assert_eq!(v.kind, Some(JwtKind::CredentialPayloadJwt));
    assert_eq!(v.header["typ"], "JWT");
    assert_eq!(v.payload["iss"], json!(did.did));
    assert_eq!(v.payload["nbf"], 1_262_304_000);
    assert_eq!(v.payload["iat"], NOW);
    assert!(!v.payload.contains_key("vc"));
    // The credential comes back as issued, without the JWT claims.
    assert_eq!(v.credential.as_ref(), Some(&cred));
    assert_eq!(v.claim_findings, vec![]);

    // A payload claim that disagrees with the credential is a finding.
    let mut payload = v.payload.clone();
    payload.insert("jti".into(), json!("urn:uuid:other"));
    let forged = sign_raw(
        json!({"kid": did.verification_method_id()}),
        Value::Object(payload),
        &key,
        Algorithm::EdDsa,
    );
    let v = verify_jwt(&forged, &jose_options(&resolver, None)).unwrap();
    assert_eq!(v.kind, Some(JwtKind::CredentialPayloadJwt));
    assert!(v.proof.outcome.is_verified(), "{:?}", v.proof.outcome);
    assert!(
        matches!(
            v.claim_findings.as_slice(),
            [ClaimFinding::Mismatch { claim: "jti", .. }]
        ),
        "{:?}",
        v.claim_findings
    );

    // A JWT whose payload is neither a vc/vp claim nor a credential is refused.
    let not_a_credential = sign_raw(
        json!({"kid": did.verification_method_id()}),
        json!({"iss": did.did, "name": "not a credential"}),
        &key,
        Algorithm::EdDsa,
    );
    let v = verify_jwt(&not_a_credential, &jose_options(&resolver, None)).unwrap();
    assert!(
        matches!(
            v.proof.outcome,
            ProofOutcome::Failed(FailReason::JoseRule { .. })
        ),
        "{:?}",
        v.proof.outcome
    );

    // Signing refuses a credential that already has a property named like a JWT claim.
    let mut clashing = cred.clone();
    clashing["iss"] = json!("https://elsewhere.example");
    assert!(
        sign_jwt(
            &clashing,
            &key,
            &JwtSignOptions {
                kind: JwtKind::CredentialPayloadJwt,
                alg: None,
                kid: None,
                embed_jwk: true,
                audience: None,
                nonce: None,
                issued_at: None,
            },
        )
        .is_err()
    );
}

fn sign_raw(header: Value, payload: Value, key: &SecretKey, alg: Algorithm) -> String {
    let header: Map<String, Value> = header.as_object().unwrap().clone();
    sign_compact_jws(&header, payload.to_string().as_bytes(), key, alg).unwrap()
}

/// Claim ↔ credential mismatches and expiry are reported as findings.
#[test]
fn vc_jwt_claim_findings() {
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let public = key.public_key();
    let cred = ob3_credential("https://example.edu/issuers/565049");
    let token = sign_raw(
        json!({"typ": "JWT"}),
        json!({"iss": "https://evil.example", "jti": cred["id"], "sub": "did:example:someone-else",
               "nbf": 1_262_304_001, "exp": 1_000, "vc": cred}),
        &key,
        Algorithm::EdDsa,
    );
    let resolver = offline();
    let v = verify_jwt(&token, &jose_options(&resolver, Some(&public))).unwrap();
    assert!(v.proof.outcome.is_verified());
    let claims: Vec<&str> = v
        .claim_findings
        .iter()
        .filter_map(|f| match f {
            ClaimFinding::Mismatch { claim, .. } => Some(*claim),
            _ => None,
        })
        .collect();
    assert_eq!(claims, vec!["iss", "sub", "nbf", "exp"]);
    assert!(
        v.claim_findings
            .contains(&ClaimFinding::Expired { exp: 1_000 })
    );
}

#[test]
fn jose_rules() {
    let key = SecretKey::generate(KeyType::P256).unwrap();
    let public = key.public_key();
    let resolver = offline();
    let cred = ob3_credential("https://example.edu/issuers/565049");
    let outcome = |token: String| {
        verify_jwt(&token, &jose_options(&resolver, Some(&public)))
            .unwrap()
            .proof
            .outcome
    };
    // alg none.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"vc+jwt"}"#),
        URL_SAFE_NO_PAD.encode(cred.to_string())
    );
    assert!(matches!(
        outcome(none),
        ProofOutcome::Failed(FailReason::JoseRule { rule: "alg", .. })
    ));
    // Unknown critical header.
    let crit = sign_raw(
        json!({"typ": "vc+jwt", "crit": ["exp"], "exp": 1}),
        cred.clone(),
        &key,
        Algorithm::Es256,
    );
    assert!(matches!(
        outcome(crit),
        ProofOutcome::Failed(FailReason::JoseRule { rule: "crit", .. })
    ));
    // ES256 header, but the pinned key is Ed25519.
    let ed = SecretKey::generate(KeyType::Ed25519).unwrap().public_key();
    let token = sign_raw(
        json!({"typ": "vc+jwt"}),
        cred.clone(),
        &key,
        Algorithm::Es256,
    );
    let v = verify_jwt(&token, &jose_options(&resolver, Some(&ed))).unwrap();
    assert!(matches!(
        v.proof.outcome,
        ProofOutcome::Failed(FailReason::KeyTypeMismatch { .. })
    ));
    // Unknown algorithm: unsupported, not failed.
    let hs = format!(
        "{}.{}.AAAA",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"vc+jwt"}"#),
        URL_SAFE_NO_PAD.encode(cred.to_string())
    );
    assert!(matches!(outcome(hs), ProofOutcome::Unsupported { .. }));
    // Not a JWS at all.
    assert!(verify_jwt("{\"a\":1}", &jose_options(&resolver, Some(&public))).is_err());
}
