//! Single-thread verification throughput: raw Ed25519 (baseline), eddsa-jcs-2022, EdDSA VC-JWT.
//!
//! Run: `cargo run --release -p credbridge-proofs --example bench_proofs` (pin with
//! `taskset -c 1` for stable numbers). Each verify includes JSON parsing of the input text and
//! did:key resolution, as a real verification does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use credbridge_keys::{Algorithm, ChainResolver, DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    AssertionMethodPurpose, JoseVerifyOptions, JwtKind, JwtSignOptions, SignOptions, VerifyOptions,
    sign_data_integrity, sign_jwt, suites, verify_data_integrity, verify_jwt,
};

fn measure(name: &str, iterations: u32, mut f: impl FnMut()) {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name:<32} {:>9.0} per_second  ({:.1} µs each, {iterations} iterations)",
        f64::from(iterations) / secs,
        secs * 1e6 / f64::from(iterations)
    );
}

fn main() {
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let public = key.public_key();
    let did = DidKey::from_public_key(&public);
    let message = [7u8; 64];
    let sig = key.sign(Algorithm::EdDsa, &message).unwrap();
    measure("raw Ed25519 verify (64 B)", 20_000, || {
        let _ = black_box(
            public
                .verify(Algorithm::EdDsa, black_box(&message), &sig)
                .unwrap(),
        );
    });

    let resolver = ChainResolver::offline_default();
    let credential = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did.did, "type": ["Profile"], "name": "Example Corp"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"], "name": "Teamwork",
                "criteria": {"narrative": "Team members are nominated for this badge by their peers."},
                "description": "This badge recognizes the development of the capacity to collaborate."}}
    });
    let signed = sign_data_integrity(
        &credential,
        suites::EDDSA_JCS_2022,
        &key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(1_700_000_000),
            ..SignOptions::default()
        },
    )
    .unwrap();
    let text = signed.to_string();
    let options = VerifyOptions {
        suites: suites::ALL_SUITES,
        resolver: &resolver,
        canonicalizer: None,
        purpose: &AssertionMethodPurpose,
        now: 1_700_000_100,
        max_clock_skew: 300,
    };
    measure("eddsa-jcs-2022 verify", 10_000, || {
        let doc: serde_json::Value = serde_json::from_str(black_box(&text)).unwrap();
        let r = verify_data_integrity(&doc, &options).unwrap();
        assert!(r[0].outcome.is_verified());
    });
    measure("eddsa-jcs-2022 sign", 10_000, || {
        black_box(
            sign_data_integrity(
                &credential,
                suites::EDDSA_JCS_2022,
                &key,
                &SignOptions {
                    verification_method: did.verification_method_id(),
                    proof_purpose: "assertionMethod".into(),
                    ..SignOptions::default()
                },
            )
            .unwrap(),
        );
    });

    let canon = credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts();
    let signed_rdfc = sign_data_integrity(
        &credential,
        suites::EDDSA_RDFC_2022,
        &key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(1_700_000_000),
            canonicalizer: Some(&canon),
            ..SignOptions::default()
        },
    )
    .unwrap();
    let text_rdfc = signed_rdfc.to_string();
    let options_rdfc = VerifyOptions {
        canonicalizer: Some(&canon),
        ..options
    };
    measure("eddsa-rdfc-2022 verify", 2_000, || {
        let doc: serde_json::Value = serde_json::from_str(black_box(&text_rdfc)).unwrap();
        let r = verify_data_integrity(&doc, &options_rdfc).unwrap();
        assert!(r[0].outcome.is_verified());
    });

    let token = sign_jwt(
        &credential,
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
    let jose = JoseVerifyOptions {
        resolver: &resolver,
        pinned_key: None,
        allow_embedded_jwk: false,
        now: 1_700_000_100,
        max_clock_skew: 300,
    };
    measure("EdDSA VC-JWT verify (kid did:key)", 10_000, || {
        let v = verify_jwt(black_box(&token), &jose).unwrap();
        assert!(v.proof.outcome.is_verified());
    });
}
