//! Verdicts in words and questions the credential can't answer (issue 9 items 9 and 11):
//! duplicate members under a JCS proof, a recipient the credential does not name, and plain
//! sentences (never Rust debug text) for each kind of failure, the most decisive first.

use std::sync::Arc;

use credbridge_formats::{Limits, decode_bytes};
use credbridge_keys::{DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, JwtKind, JwtSignOptions, SignOptions, sign_data_integrity,
    sign_jwt, suites,
};
use credbridge_verify::{Outcome, Verdict, verify_item};
use serde_json::{Value, json};

use crate::common::{offline_options, outcome, verify_bytes, verify_document};

const NOW: i64 = 1_800_000_000;

fn key() -> (SecretKey, DidKey) {
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[71; 32]).unwrap();
    let did = DidKey::from_public_key(&key.public_key());
    (key, did)
}

fn unsigned(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7b000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Sam"}
    })
}

fn sign_with(document: &Value, options: SignOptions<'_>, rdfc: bool) -> Value {
    let (key, _) = key();
    sign_data_integrity(
        document,
        if rdfc {
            suites::EDDSA_RDFC_2022
        } else {
            suites::EDDSA_JCS_2022
        },
        &key,
        &options,
    )
    .unwrap()
}

fn options<'a>(canonicalizer: &'a dyn Canonicalizer) -> SignOptions<'a> {
    let (_, did) = key();
    SignOptions {
        verification_method: did.verification_method_id(),
        proof_purpose: "assertionMethod".into(),
        created: Some(NOW - 3_600),
        canonicalizer: Some(canonicalizer),
        ..SignOptions::default()
    }
}

fn check<'a>(
    report: &'a credbridge_verify::VerificationReport,
    id: &str,
) -> &'a credbridge_verify::Check {
    report.checks.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn a_member_named_twice_fails_a_jcs_proof() {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let (_, did) = key();
    let signed = sign_with(&unsigned(&did.did), options(&canonicalizer), false);
    let text = serde_json::to_string(&signed).unwrap();
    // The parsed value keeps the last `validFrom` (the signed one); the bytes say two things.
    let ambiguous = text.replacen('{', r#"{"validFrom":"2020-01-01T00:00:00Z","#, 1);
    let clean = verify_bytes(text.as_bytes(), "clean.json", NOW);
    assert_eq!(clean[0].verdict, Verdict::Valid, "{:#?}", clean[0]);
    let report = &verify_bytes(ambiguous.as_bytes(), "dup.json", NOW)[0];
    assert!(
        matches!(outcome(report, "proof"), Outcome::Failed(r) if r.contains("validFrom")),
        "{report:#?}"
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(!check(report, "proof").message.contains("changed after"));
}

#[test]
fn a_recipient_asked_of_a_credential_naming_none_is_could_not_check() {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let (_, did) = key();
    let mut document = unsigned(&did.did);
    document["credentialSubject"] = json!({"name": "Sam"});
    let signed = sign_with(&document, options(&canonicalizer), false);
    let bytes = serde_json::to_vec(&signed).unwrap();
    let item = decode_bytes(&bytes, "anon.json", &Limits::default())
        .next()
        .unwrap()
        .unwrap();
    let mut options = offline_options(NOW);
    options.known_recipient = Some("sam@example.com".into());
    let report = verify_item(&item, &options);
    assert!(matches!(
        outcome(&report, "recipient"),
        Outcome::CouldNotCheck(_)
    ));
    assert_eq!(report.verdict, Verdict::Indeterminate);
    let _ = Arc::new(());
}

/// No Rust debug text anywhere a person reads: messages and reasons.
fn assert_plain(report: &credbridge_verify::VerificationReport) {
    for check in &report.checks {
        let reason = match &check.outcome {
            Outcome::Failed(r) | Outcome::CouldNotCheck(r) => r.as_str(),
            _ => "",
        };
        for text in [check.message.as_str(), reason] {
            assert!(
                !text.contains(" { ") && !text.contains("Some(") && !text.contains("Mismatch"),
                "{}: {text}",
                check.id
            );
        }
    }
}

#[test]
fn each_failure_has_its_own_plain_sentence() {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let (key, did) = key();

    // A changed credential: the one case that says "changed after it was issued".
    let mut tampered = sign_with(&unsigned(&did.did), options(&canonicalizer), true);
    tampered["credentialSubject"]["name"] = json!("Somebody else");
    let report = verify_document(&tampered, "tampered.json", NOW);
    assert!(
        check(&report, "proof")
            .message
            .contains("changed after it was issued")
    );
    assert_plain(&report);

    // A proof created after the verification time says so.
    let mut future = options(&canonicalizer);
    future.created = Some(NOW + 86_400 * 30);
    let report = verify_document(
        &sign_with(&unsigned(&did.did), future, true),
        "future.json",
        NOW,
    );
    let proof = check(&report, "proof");
    assert!(matches!(proof.outcome, Outcome::Failed(_)), "{proof:#?}");
    assert!(proof.message.contains("dated after"), "{}", proof.message);

    // A chain whose previousProof is missing.
    let mut first = options(&canonicalizer);
    first.id = Some("urn:uuid:7b000000-0000-4000-8000-0000000000f1".into());
    let once = sign_with(&unsigned(&did.did), first, false);
    let mut chained = options(&canonicalizer);
    chained.previous_proof = vec!["urn:uuid:7b000000-0000-4000-8000-0000000000f1".into()];
    let mut twice = sign_with(&once, chained, false);
    let second = twice["proof"][1].clone();
    twice["proof"] = json!([second]);
    let report = verify_document(&twice, "chain.json", NOW);
    let proof = check(&report, "proof");
    assert!(proof.message.contains("chain"), "{proof:#?}");
    assert!(!proof.message.contains("changed after"));

    // A document that can't be canonicalized (a term no context defines) under an RDFC proof.
    let mut undefined = unsigned(&did.did);
    undefined["credentialSubject"]["favouriteColour"] = json!("green");
    let signed = sign_data_integrity(
        &undefined,
        suites::EDDSA_JCS_2022,
        &key,
        &options(&canonicalizer),
    )
    .unwrap();
    let mut rdfc = signed.clone();
    rdfc["proof"]["cryptosuite"] = json!("eddsa-rdfc-2022");
    let report = verify_document(&rdfc, "undefined.json", NOW);
    let proof = check(&report, "proof");
    assert!(!proof.message.contains("changed after"), "{proof:#?}");

    // A JWT whose claims disagree: words, not `Mismatch { claim: … }`.
    let token = sign_jwt(
        &json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "id": "urn:uuid:7b000000-0000-4000-8000-000000000002",
            "type": ["VerifiableCredential"],
            "issuer": did.did,
            "issuanceDate": "2026-01-01T00:00:00Z",
            "expirationDate": "2026-06-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner"}
        }),
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
    let report = &verify_bytes(token.as_bytes(), "expired.jwt", NOW)[0];
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_plain(report);
}

#[test]
fn the_most_decisive_failure_comes_first() {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let (_, did) = key();
    let mut document = unsigned(&did.did);
    document["validUntil"] = json!("2026-06-01T00:00:00Z");
    let mut tampered = sign_with(&document, options(&canonicalizer), false);
    // A data-model violation too: it runs before the proof, yet a bad signature decides more.
    tampered["credentialSubject"]["id"] = json!("not an IRI");
    let report = verify_document(&tampered, "both.json", NOW);
    let failing: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failing.first(), Some(&"proof"), "{failing:?}");
    assert!(failing.contains(&"validity.expiration"), "{failing:?}");
    assert!(failing.contains(&"data-model"), "{failing:?}");
    let first_not_passed = report
        .checks
        .iter()
        .find(|c| !matches!(c.outcome, Outcome::Passed | Outcome::NotApplicable))
        .unwrap();
    assert_eq!(first_not_passed.id, "proof");
}

/// One date grammar (issue 10): the data-model rules and the validity window read the same
/// `validFrom` the same way, so one report never gives two verdicts on one field.
#[test]
fn data_model_and_validity_agree_on_each_date() {
    for (text, readable) in [
        ("2025-06-01", false),
        ("2025-06-01 00:00:00Z", false),
        ("2025-06-01T24:00:00Z", true),
        ("2025-06-01T23:59:60Z", false),
        ("2025-06-01T00:00:00Z", true),
    ] {
        let mut document = unsigned("did:example:issuer");
        document["validFrom"] = json!(text);
        let report = verify_document(&document, "dates.json", NOW);
        let data_model = check(&report, "data-model");
        let validity = check(&report, "validity.not-before");
        let model_ok = data_model.outcome == Outcome::Passed;
        let validity_ok = validity.outcome == Outcome::Passed;
        assert_eq!(model_ok, readable, "{text}: {data_model:#?}");
        assert_eq!(validity_ok, readable, "{text}: {validity:#?}");
    }
}
