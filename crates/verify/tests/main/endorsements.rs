//! Embedded endorsements (OB 3.0 §8.3 step 6): each is verified on its own wherever it sits,
//! reported with its JSON pointer, and a bad one is advisory, never making the credential
//! invalid.

use credbridge_keys::{DidKey, KeyType, SecretKey};
use credbridge_proofs::{SignOptions, sign_data_integrity, suites};
use credbridge_verify::{Outcome, Severity, Verdict};
use serde_json::{Value, json};

use crate::common::verify_document;

const NOW: i64 = 1_800_000_000;

fn sign(document: &Value, key: &SecretKey, did: &DidKey) -> Value {
    sign_data_integrity(
        document,
        suites::EDDSA_JCS_2022,
        key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(NOW - 86_400),
            ..SignOptions::default()
        },
    )
    .unwrap()
}

fn endorsement(key: &SecretKey, did: &DidKey, id: &str, comment: &str) -> Value {
    sign(
        &json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": id,
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Endorsement",
            "issuer": {"id": did.did, "type": ["Profile"], "name": "Guild of Data Analysts"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://riverside.example.edu/achievements/data-analysis-python",
                "type": ["EndorsementSubject"],
                "endorsementComment": comment
            }
        }),
        key,
        did,
    )
}

#[test]
fn each_endorsement_is_verified_where_it_sits_and_a_bad_one_is_advisory() {
    let issuer_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[3; 32]).unwrap();
    let issuer = DidKey::from_public_key(&issuer_key.public_key());
    let guild_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[4; 32]).unwrap();
    let guild = DidKey::from_public_key(&guild_key.public_key());

    let good = endorsement(&guild_key, &guild, "urn:example:e1", "Meets our bar.");
    let mut tampered = endorsement(&guild_key, &guild, "urn:example:e2", "Meets our bar too");
    tampered["credentialSubject"]["endorsementComment"] = json!("The best course anywhere");

    let credential = sign(
        &json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": "urn:uuid:c0ffee00-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Data Analysis with Python",
            "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Riverside Community College"},
            "validFrom": "2026-06-12T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://riverside.example.edu/achievements/data-analysis-python",
                    "type": ["Achievement"],
                    "name": "Data Analysis with Python",
                    "criteria": {"narrative": "Four graded projects."},
                    "endorsement": [good, tampered]
                }
            }
        }),
        &issuer_key,
        &issuer,
    );
    let report = verify_document(&credential, "endorsed.json", NOW);

    assert_eq!(report.verdict, Verdict::ValidWithWarnings, "{report:#?}");
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "endorsements")
        .unwrap();
    assert_eq!(check.severity, Severity::Advisory);
    assert_eq!(
        check.outcome,
        Outcome::Failed("1 of 2 endorsements did not verify".into())
    );
    let evidence = serde_json::to_value(&check.evidence).unwrap();
    let listed = evidence["endorsements"].as_array().unwrap();
    let pointers: Vec<&str> = listed
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/credentialSubject/achievement/endorsement/0",
            "/credentialSubject/achievement/endorsement/1"
        ]
    );
    assert_eq!(listed[0]["verdict"], "valid");
    assert_eq!(listed[0]["issuer"], guild.did.as_str());
    assert_eq!(listed[1]["verdict"], "invalid");
    assert_eq!(listed[1]["not_passed"], json!(["proof"]));

    // No endorsement anywhere: no check at all.
    let plain = sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer.did,
            "validFrom": "2026-06-12T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "~odd/key": [{"endorsements": 1}]}
        }),
        &issuer_key,
        &issuer,
    );
    let report = verify_document(&plain, "plain.json", NOW);
    assert!(report.checks.iter().all(|c| c.id != "endorsements"));
}

#[test]
fn pointers_escape_tilde_and_slash() {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[5; 32]).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    let mut unsigned = endorsement(&key, &did, "urn:example:e3", "x");
    unsigned.as_object_mut().unwrap().remove("proof");
    let credential = sign(
        &json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did.did, "type": ["Profile"], "name": "Riverside"},
            "validFrom": "2026-06-12T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://riverside.example.edu/a",
                    "type": ["Achievement"],
                    "name": "A",
                    "criteria": {"narrative": "n"}
                },
                "https://example.org/a~b/c": {"endorsement": unsigned}
            }
        }),
        &key,
        &did,
    );
    let report = verify_document(&credential, "escaped.json", NOW);
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "endorsements")
        .unwrap();
    let evidence = serde_json::to_value(&check.evidence).unwrap();
    assert_eq!(
        evidence["endorsements"][0]["pointer"],
        "/credentialSubject/https:~1~1example.org~1a~0b~1c/endorsement"
    );
}

#[test]
fn more_endorsements_than_the_limit_are_reported_as_truncated() {
    let issuer_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[6; 32]).unwrap();
    let issuer = DidKey::from_public_key(&issuer_key.public_key());
    let guild_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[7; 32]).unwrap();
    let guild = DidKey::from_public_key(&guild_key.public_key());
    let one = endorsement(&guild_key, &guild, "urn:example:e4", "Good.");
    let many = credbridge_verify::MAX_ENDORSEMENTS + 1;
    let credential = sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer.did,
            "validFrom": "2026-06-12T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "endorsement": vec![one; many]}
        }),
        &issuer_key,
        &issuer,
    );
    let report = verify_document(&credential, "many.json", NOW);
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "endorsements")
        .unwrap();
    assert!(
        matches!(check.outcome, Outcome::CouldNotCheck(_)),
        "{check:#?}"
    );
    assert_eq!(check.evidence["truncated"], json!(true));
    assert_eq!(check.evidence["found"], json!(many));
    assert!(check.message.contains("not checked"), "{}", check.message);
    assert_eq!(check.severity, Severity::Advisory);
}
