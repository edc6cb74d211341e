//! Presentations (issue 9 item 4, issue 12): `holder` is optional, messages speak of the
//! holder, a VP-JWT's compact-JWT members are credentials of their own, and a presentation
//! signed by our own signer verifies.

use credbridge_keys::{DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, JwtKind, JwtSignOptions, SignOptions, sign_data_integrity,
    sign_jwt, suites,
};
use credbridge_verify::{Outcome, Verdict};
use serde_json::{Value, json};

use crate::common::{outcome, verify_bytes, verify_document};

const NOW: i64 = 1_800_000_000;

fn key(seed: u8) -> (SecretKey, DidKey) {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[seed; 32]).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    (key, did)
}

fn sign(document: &Value, key: &SecretKey, did: &DidKey, purpose: &str, rdfc: bool) -> Value {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    sign_data_integrity(
        document,
        if rdfc {
            suites::EDDSA_RDFC_2022
        } else {
            suites::EDDSA_JCS_2022
        },
        key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: purpose.into(),
            created: Some(NOW - 3_600),
            canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
            ..SignOptions::default()
        },
    )
    .unwrap()
}

fn credential(issuer: &DidKey, key: &SecretKey, subject: &str) -> Value {
    sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:7a000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential"],
            "issuer": issuer.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": subject, "name": "Sam"}
        }),
        key,
        issuer,
        "assertionMethod",
        false,
    )
}

fn presentation(holder: Option<&str>, member: Value) -> Value {
    let mut vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [member]
    });
    if let Some(holder) = holder {
        vp["holder"] = json!(holder);
    }
    vp
}

#[test]
fn a_presentation_without_holder_has_no_holder_binding_to_fail() {
    let (issuer_key, issuer) = key(51);
    let (holder_key, holder) = key(52);
    let vp = sign(
        &presentation(
            None,
            credential(&issuer, &issuer_key, "did:example:learner"),
        ),
        &holder_key,
        &holder,
        "authentication",
        false,
    );
    let report = verify_document(&vp, "vp.json", NOW);
    assert_eq!(outcome(&report, "proof"), &Outcome::Passed, "{report:#?}");
    assert_eq!(
        outcome(&report, "holder.key-binding"),
        &Outcome::NotApplicable
    );
    let binding = report
        .checks
        .iter()
        .find(|c| c.id == "holder.key-binding")
        .unwrap();
    assert!(binding.message.contains("holder"), "{}", binding.message);
    assert!(!binding.message.contains("issuer"), "{}", binding.message);
    assert_ne!(report.verdict, Verdict::Invalid, "{report:#?}");
}

#[test]
fn holder_binding_speaks_of_the_holder() {
    let (issuer_key, issuer) = key(53);
    let (holder_key, holder) = key(54);
    let (_, stranger) = key(55);
    let member = credential(&issuer, &issuer_key, &holder.did);
    let own = sign(
        &presentation(Some(&holder.did), member.clone()),
        &holder_key,
        &holder,
        "authentication",
        true,
    );
    let report = verify_document(&own, "own.json", NOW);
    assert_eq!(outcome(&report, "holder.key-binding"), &Outcome::Passed);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");

    let other = sign(
        &presentation(Some(&stranger.did), member),
        &holder_key,
        &holder,
        "authentication",
        true,
    );
    let report = verify_document(&other, "other.json", NOW);
    let binding = report
        .checks
        .iter()
        .find(|c| c.id == "holder.key-binding")
        .unwrap();
    assert!(
        matches!(binding.outcome, Outcome::Failed(_)),
        "{binding:#?}"
    );
    assert!(binding.message.contains("holder"), "{}", binding.message);
    assert!(!binding.message.contains("issuer"), "{}", binding.message);
    assert_eq!(report.verdict, Verdict::Invalid);
}

#[test]
fn a_vp_jwt_with_jwt_members_passes_the_json_ld_check_and_its_members_are_items() {
    let (issuer_key, issuer) = key(56);
    let (holder_key, holder) = key(57);
    let vc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:7a000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": holder.did}
    });
    let jwt_options = |kid: String| JwtSignOptions {
        kind: JwtKind::VcJwt,
        alg: None,
        kid: Some(kid),
        embed_jwk: false,
        audience: None,
        nonce: None,
        issued_at: None,
    };
    let member = sign_jwt(
        &vc,
        &issuer_key,
        &jwt_options(issuer.verification_method_id()),
    )
    .unwrap();
    let vp = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [member]
    });
    let token = sign_jwt(
        &vp,
        &holder_key,
        &JwtSignOptions {
            kind: JwtKind::VpJwt,
            ..jwt_options(holder.verification_method_id())
        },
    )
    .unwrap();
    let reports = verify_bytes(token.as_bytes(), "vp.jwt", NOW);
    let vp_report = &reports[0];
    assert_eq!(
        outcome(vp_report, "json-ld"),
        &Outcome::Passed,
        "{vp_report:#?}"
    );
    assert_eq!(outcome(vp_report, "holder.key-binding"), &Outcome::Passed);
    assert_eq!(vp_report.verdict, Verdict::Valid, "{vp_report:#?}");
    assert_eq!(
        reports.len(),
        2,
        "the member is an item of its own: {reports:#?}"
    );
    assert_eq!(reports[1].verdict, Verdict::Valid, "{:#?}", reports[1]);
}

#[test]
fn a_readable_presentation_with_a_bad_member_is_invalid_not_unreadable() {
    let (issuer_key, issuer) = key(58);
    let (holder_key, holder) = key(59);
    let mut member = credential(&issuer, &issuer_key, &holder.did);
    member["credentialSubject"]["name"] = json!("Somebody else");
    let vp = sign(
        &presentation(Some(&holder.did), member),
        &holder_key,
        &holder,
        "authentication",
        false,
    );
    let bytes = serde_json::to_vec(&vp).unwrap();
    let items: Vec<_> =
        credbridge_formats::decode_bytes(&bytes, "vp.json", &credbridge_formats::Limits::default())
            .collect();
    assert!(items.iter().all(Result::is_ok), "every item is readable");
    let reports = verify_bytes(&bytes, "vp.json", NOW);
    assert_eq!(reports.len(), 2, "{reports:#?}");
    assert_eq!(
        reports[0].verdict,
        Verdict::Valid,
        "the presentation's own proof holds"
    );
    assert_eq!(reports[1].verdict, Verdict::Invalid, "{:#?}", reports[1]);

    // A presentation whose own proof fails is invalid too.
    let mut tampered = sign(
        &presentation(
            Some(&holder.did),
            credential(&issuer, &issuer_key, &holder.did),
        ),
        &holder_key,
        &holder,
        "authentication",
        false,
    );
    tampered["holder"] = json!(issuer.did);
    let report = verify_document(&tampered, "tampered.json", NOW);
    assert!(matches!(outcome(&report, "proof"), Outcome::Failed(_)));
    assert_eq!(report.verdict, Verdict::Invalid);
    let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
    assert!(proof.message.contains("changed after"), "{}", proof.message);
}

/// What `credbridge sign` makes of a presentation today (proofPurpose assertionMethod): the
/// words say the purpose is wrong, never that the presentation was changed.
#[test]
fn a_presentation_signed_for_assertion_is_not_called_tampered() {
    let (issuer_key, issuer) = key(60);
    let (holder_key, holder) = key(61);
    let vp = sign(
        &presentation(
            Some(&holder.did),
            credential(&issuer, &issuer_key, &holder.did),
        ),
        &holder_key,
        &holder,
        "assertionMethod",
        true,
    );
    let report = verify_document(&vp, "vp.json", NOW);
    let proof = report.checks.iter().find(|c| c.id == "proof").unwrap();
    assert!(!proof.message.contains("changed after"), "{proof:#?}");
}
