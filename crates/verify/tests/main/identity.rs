//! Issuer identity (issue 12): a genuine signature is not a known issuer. The forged-Harvard
//! credential is valid-with-warnings and says the name is unconfirmed; a did:web issuer whose
//! domain matches its `url` is confirmed by domain; a registry listing confirms by registry.

use std::sync::Arc;

use credbridge_keys::{ChainResolver, DidKey, KeyType, OfflineDirectory, SecretKey};
use credbridge_proofs::{SignOptions, sign_data_integrity, suites};
use credbridge_verify::{
    ConfirmedBy, IdentityStatus, Outcome, Registry, Severity, Standing, TrustPolicy, Verdict,
    VerificationReport, verify_item,
};
use serde_json::{Value, json};

use crate::common::offline_options;

const NOW: i64 = 1_800_000_000;

fn mba(issuer: &str, url: Option<&str>) -> Value {
    let mut profile = json!({"id": issuer, "type": ["Profile"], "name": "Harvard University"});
    if let Some(url) = url {
        profile["url"] = json!(url);
    }
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:7c000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Master of Business Administration",
        "issuer": profile,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/mba",
                "type": ["Achievement"],
                "name": "Master of Business Administration",
                "criteria": {"narrative": "Two years of study."},
                "description": "A degree."
            }
        }
    })
}

fn sign(document: &Value, key: &SecretKey, method: &str) -> Value {
    sign_data_integrity(
        document,
        suites::EDDSA_JCS_2022,
        key,
        &SignOptions {
            verification_method: method.to_owned(),
            proof_purpose: "assertionMethod".into(),
            created: Some(NOW - 3_600),
            ..SignOptions::default()
        },
    )
    .unwrap()
}

fn verify(document: &Value, options: &credbridge_verify::VerifyOptions) -> VerificationReport {
    let bytes = serde_json::to_vec(document).unwrap();
    let item = credbridge_formats::decode_bytes(
        &bytes,
        "mba.json",
        &credbridge_formats::Limits::default(),
    )
    .next()
    .unwrap()
    .unwrap();
    verify_item(&item, options)
}

fn identity_check(report: &VerificationReport) -> &credbridge_verify::Check {
    report
        .checks
        .iter()
        .find(|c| c.id == "issuer.identity")
        .unwrap()
}

#[test]
fn a_fresh_key_calling_itself_harvard_is_valid_with_warnings_and_says_so() {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[81; 32]).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let forged = sign(&mba(&did.did, None), &key, &did.verification_method_id());
    let mut options = offline_options(NOW);
    options.trust = TrustPolicy::bundled(false).unwrap();
    let report = verify(&forged, &options);
    assert_eq!(report.verdict, Verdict::ValidWithWarnings, "{report:#?}");
    let check = identity_check(&report);
    assert_eq!(check.severity, Severity::Advisory);
    assert!(matches!(check.outcome, Outcome::CouldNotCheck(_)));
    assert!(
        check.message.contains(
            "unknown key that calls itself Harvard University; no registry or domain confirms it"
        ),
        "{}",
        check.message
    );
    let identity = report.issuer_identity.as_ref().unwrap();
    assert_eq!(identity.status, IdentityStatus::Unconfirmed);
    assert_eq!(identity.name.as_deref(), Some("Harvard University"));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["issuer_identity"]["status"], "unconfirmed");
}

#[test]
fn a_did_web_issuer_on_its_own_domain_is_confirmed_by_domain() {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[82; 32]).unwrap();
    let did = "did:web:harvard.example.edu";
    let method = format!("{did}#key-1");
    let multibase = DidKey::from_public_key(&key.public_key())
        .did
        .trim_start_matches("did:key:")
        .to_owned();
    let mut directory = OfflineDirectory::new();
    directory.insert(
        did,
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{
                "id": method, "type": "Multikey", "controller": did,
                "publicKeyMultibase": multibase
            }],
            "assertionMethod": [method]
        }),
    );
    let mut options = offline_options(NOW);
    options.resolver = Arc::new(ChainResolver::offline_default().with(Box::new(directory)));
    options.trust = TrustPolicy::bundled(false).unwrap();

    let matching = sign(
        &mba(did, Some("https://www.harvard.example.edu/")),
        &key,
        &method,
    );
    let report = verify(&matching, &options);
    assert_eq!(
        identity_check(&report).outcome,
        Outcome::Passed,
        "{report:#?}"
    );
    let identity = report.issuer_identity.as_ref().unwrap();
    assert_eq!(identity.confirmed_by, Some(ConfirmedBy::Domain));
    // Confirmed by its domain; missing from the bundled registries alone is not a trust failure.
    assert_eq!(report.verdict, Verdict::Valid, "confirmed by domain");

    let elsewhere = sign(
        &mba(did, Some("https://harvard.example.com/")),
        &key,
        &method,
    );
    let report = verify(&elsewhere, &options);
    assert!(matches!(
        identity_check(&report).outcome,
        Outcome::CouldNotCheck(_)
    ));
    assert!(
        identity_check(&report)
            .message
            .contains("did:web:harvard.example.edu that calls itself")
    );
}

#[test]
fn a_registered_issuer_is_confirmed_by_registry() {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[83; 32]).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let registry = Registry::from_dcc_json(
        "Test Registry",
        &json!({"registry": {did.did.clone(): {"name": "Harvard University"}}}),
    )
    .unwrap();
    let mut options = offline_options(NOW);
    options.trust = TrustPolicy {
        registries: vec![registry],
        ..TrustPolicy::default()
    };
    let report = verify(
        &sign(&mba(&did.did, None), &key, &did.verification_method_id()),
        &options,
    );
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let identity = report.issuer_identity.as_ref().unwrap();
    assert_eq!(identity.confirmed_by, Some(ConfirmedBy::Registry));
    assert_eq!(identity.source.as_deref(), Some("Test Registry"));

    // The bundled registries: member and community by default, sandbox only on request.
    let member = "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W";
    let sandbox_only = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy";
    let default = TrustPolicy::bundled(false).unwrap();
    assert!(matches!(
        default.standing(member),
        Standing::Registered { .. }
    ));
    assert_eq!(default.standing(sandbox_only), Standing::Unknown);
    let with_sandbox = TrustPolicy::bundled(true).unwrap();
    assert!(matches!(
        with_sandbox.standing(sandbox_only),
        Standing::Registered { .. }
    ));
}
