//! Issuer keys: sealed at rest, imported, rotated with old methods kept; did:web documents.

use credbridge_issue::*;
use credbridge_keys::{KeyType, SecretKey};
use credbridge_verify::Outcome;
use serde_json::Value;

use crate::common::*;

#[test]
fn secret_keys_are_sealed_at_rest_and_open_only_with_the_master_key() {
    let dir = temp_dir("issuer-sealed");
    let secret = SecretKey::generate(KeyType::Ed25519).unwrap();
    let raw = secret.to_raw_bytes().unwrap();
    let store = FileKeyStore::new(dir.join("issuers"));
    let record = create_issuer(
        &store,
        &master(),
        NewIssuer {
            name: "acme".into(),
            profile: profile(),
            did_web: None,
            key_type: KeyType::Ed25519,
            import: Some(secret),
            now: NOW,
        },
    )
    .unwrap();
    assert!(
        record.did.starts_with("did:key:z6Mk"),
        "did:key by default: {}",
        record.did
    );
    let file = std::fs::read(dir.join("issuers/acme.json")).unwrap();
    use base64::Engine;
    for encoding in [
        base64::engine::general_purpose::STANDARD.encode(&raw),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw),
        raw.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    ] {
        assert!(
            !String::from_utf8_lossy(&file).contains(&encoding),
            "the secret key is not stored in the clear"
        );
    }
    let issuer = open_issuer(&store, &master(), "acme").unwrap();
    assert_eq!(
        issuer.secret.to_raw_bytes().unwrap(),
        raw,
        "the imported key is the one that signs"
    );

    let wrong = MasterKey::from_bytes([8u8; 32]);
    let err = open_issuer(&store, &wrong, "acme").unwrap_err();
    assert!(matches!(err, IssueError::Unseal { .. }), "{err}");

    // A record moved to another name does not open (the name is associated data).
    let mut moved: IssuerRecord = serde_json::from_slice(&file).unwrap();
    moved.name = "other".into();
    store.save(&moved).unwrap();
    assert!(matches!(
        open_issuer(&store, &master(), "other").unwrap_err(),
        IssueError::Unseal { .. }
    ));
    assert!(matches!(
        create_issuer(
            &store,
            &master(),
            NewIssuer {
                name: "acme".into(),
                profile: profile(),
                did_web: None,
                key_type: KeyType::Ed25519,
                import: None,
                now: NOW
            }
        ),
        Err(IssueError::IssuerExists { .. })
    ));
    assert_eq!(
        store.names().unwrap(),
        vec!["acme".to_owned(), "other".to_owned()]
    );
}

#[test]
fn master_key_text_forms() {
    let hex = "00".repeat(31) + "ff";
    assert!(MasterKey::parse(&format!("  {hex}\n")).is_ok());
    use base64::Engine;
    assert!(MasterKey::parse(&base64::engine::general_purpose::STANDARD.encode([1u8; 32])).is_ok());
    let err = MasterKey::parse("abcd").unwrap_err();
    assert!(err.to_string().contains("master key"), "{err}");
}

#[test]
fn credentials_signed_before_a_rotation_still_verify_after_it() {
    let dir = temp_dir("issuer-rotation");
    let (store, issuer) = new_issuer(&dir, "college", Some("college.example"));
    assert_eq!(issuer.record.did, "did:web:college.example");
    let template = template("welding.yaml");
    let roster = roster(4);
    run_batch(
        &dir.join("before"),
        &issuer,
        &template,
        &roster.rows[..2],
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();

    let rotated = rotate_key(&store, &master(), "college", KeyType::Ed25519, NOW + 10).unwrap();
    assert_eq!(rotated.keys.len(), 2);
    let issuer2 = open_issuer(&store, &master(), "college").unwrap();
    assert_eq!(issuer2.verification_method, "did:web:college.example#key-2");
    run_batch(
        &dir.join("after"),
        &issuer2,
        &template,
        &roster.rows[2..],
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();

    let document = did_document(&rotated).unwrap();
    assert_eq!(
        document["assertionMethod"].as_array().unwrap().len(),
        2,
        "{document:#}"
    );
    assert_eq!(
        document["authentication"],
        serde_json::json!(["did:web:college.example#key-2"])
    );
    // Only the published document: every credential, old key or new, verifies.
    let options = verify_options(None, &[], &[document]);
    let mut checked = 0;
    for sub in ["before", "after"] {
        for entry in std::fs::read_dir(dir.join(sub).join("out/credentials")).unwrap() {
            let path = entry.unwrap().path();
            let report = verify_bytes(
                &std::fs::read(&path).unwrap(),
                &path.display().to_string(),
                &options,
            );
            let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
            assert_eq!(proof.outcome, Outcome::Passed, "{sub}: {}", proof.message);
            checked += 1;
        }
    }
    assert_eq!(checked, 4);

    // The old document (before rotation) does not know the new key.
    let before: IssuerRecord = IssuerRecord {
        keys: rotated.keys[..1].to_vec(),
        ..rotated.clone()
    };
    let old_options = verify_options(None, &[], &[did_document(&before).unwrap()]);
    let after = std::fs::read_dir(dir.join("after/out/credentials"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let report = verify_bytes(&std::fs::read(&after).unwrap(), "after.json", &old_options);
    let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
    assert_ne!(proof.outcome, Outcome::Passed);
}

#[test]
fn did_key_issuers_cannot_rotate() {
    let dir = temp_dir("issuer-didkey-rotate");
    let (store, _issuer) = new_issuer(&dir, "college", None);
    let err = rotate_key(&store, &master(), "college", KeyType::Ed25519, NOW).unwrap_err();
    assert!(
        matches!(err, IssueError::RotationNeedsDidWeb { .. }),
        "{err}"
    );
}

#[test]
fn p256_issuer_signs_with_ecdsa_rdfc_2019() {
    let dir = temp_dir("issuer-p256");
    let store = FileKeyStore::new(dir.join("issuers"));
    create_issuer(
        &store,
        &master(),
        NewIssuer {
            name: "p256".into(),
            profile: profile(),
            did_web: None,
            key_type: KeyType::P256,
            import: None,
            now: NOW,
        },
    )
    .unwrap();
    let issuer = open_issuer(&store, &master(), "p256").unwrap();
    let template = template("welding.yaml");
    let run = run_batch(
        &dir,
        &issuer,
        &template,
        &roster(1).rows,
        Delivery {
            json: true,
            ..Delivery::default()
        },
        None,
        64,
    )
    .unwrap();
    let path = std::fs::read_dir(dir.join("out/credentials"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&path).unwrap();
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["proof"]["cryptosuite"], "ecdsa-rdfc-2019");
    let report = verify_bytes(
        &bytes,
        "p256.json",
        &verify_options(Some(&dir.join("out/status")), &run.lists, &[]),
    );
    assert!(
        report
            .checks
            .iter()
            .all(|c| !matches!(c.outcome, Outcome::Failed(_)) || c.id == "issuer.trust"),
        "{report:#?}"
    );
}

#[test]
fn the_profile_is_the_credential_issuer() {
    let dir = temp_dir("issuer-profile");
    let (_store, issuer) = new_issuer(&dir, "college", Some("college.example"));
    let p = issuer.profile_json();
    assert_eq!(p["id"], "did:web:college.example");
    assert_eq!(p["type"], serde_json::json!(["Profile"]));
    assert_eq!(p["otherIdentifier"][0]["type"], "IdentifierEntry");
    let report =
        credbridge_model::schema::validate(credbridge_model::schema::SchemaName::Ob3Profile, &p);
    assert_ne!(report.verdict, credbridge_model::Verdict::Fail, "{report}");
}

#[test]
fn a_profile_file_gives_a_schema_valid_issuer_that_lints_clean() {
    let p = IssuerProfile::load(&crate_dir().join("testdata/profile.yaml")).unwrap();
    let json = p.to_json("did:web:college.example");
    let report =
        credbridge_model::schema::validate(credbridge_model::schema::SchemaName::Ob3Profile, &json);
    assert_ne!(report.verdict, credbridge_model::Verdict::Fail, "{report}");
    assert_eq!(json["otherIdentifier"][0]["identifierType"], "ext:UKPRN");
    assert!(IssuerProfile::load(&crate_dir().join("testdata/badge.svg")).is_err());
}
