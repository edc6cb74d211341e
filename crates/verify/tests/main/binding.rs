//! Issue-9 item 0 and issue-12 key binding: every path that verifies a signature ends in the
//! binding check. A key the credential brings in its own JWT header is the issuer's only when
//! the issuer is `did:jwk` of that key (or its resolved document lists the key).

use credbridge_keys::{DidKey, KeyType, SecretKey, did_jwk_from_public_key};
use credbridge_proofs::{
    JwtKind, JwtSignOptions, SignOptions, sign_data_integrity, sign_jwt, suites,
};
use credbridge_verify::{Outcome, Severity, Verdict};
use serde_json::{Value, json};

use crate::common::{outcome, verify_bytes, verify_document};

const NOW: i64 = 1_800_000_000;

fn throwaway() -> SecretKey {
    SecretKey::from_raw_bytes(KeyType::Ed25519, &[41; 32]).unwrap()
}

fn vcdm11(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:6f1a3c2e-0000-4000-8000-000000000009",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}
    })
}

fn ob3(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:6f1a3c2e-0000-4000-8000-00000000000a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Master of Business Administration",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Harvard University"},
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

fn jwt(document: &Value, key: &SecretKey, kind: JwtKind, kid: Option<&str>) -> String {
    sign_jwt(
        document,
        key,
        &JwtSignOptions {
            kind,
            alg: None,
            kid: kid.map(str::to_owned),
            embed_jwk: true,
            audience: None,
            nonce: None,
            issued_at: None,
        },
    )
    .unwrap()
}

fn verify_jwt_file(token: &str) -> credbridge_verify::VerificationReport {
    let mut reports = verify_bytes(token.as_bytes(), "credential.jwt", NOW);
    assert!(!reports.is_empty());
    reports.remove(0)
}

#[test]
fn a_key_from_the_token_header_is_not_the_issuers_on_every_jwt_path() {
    let key = throwaway();
    let cases = [
        (vcdm11("did:web:harvard.edu"), JwtKind::VcJwt, None),
        (
            vcdm11("did:web:harvard.edu"),
            JwtKind::VcJwt,
            Some("did:example:123#key-1"),
        ),
        (ob3("https://harvard.edu/issuer"), JwtKind::VcJose, None),
        (
            ob3("https://harvard.edu/issuer"),
            JwtKind::CredentialPayloadJwt,
            None,
        ),
        (
            ob3("urn:uuid:00000000-0000-4000-8000-000000000001"),
            JwtKind::CredentialPayloadJwt,
            Some("key-1"),
        ),
    ];
    for (document, kind, kid) in cases {
        let token = jwt(&document, &key, kind, kid);
        let report = verify_jwt_file(&token);
        // The proofs crate refuses the unbound header key itself (could not check when the
        // issuer's keys can't be resolved, failed when they were and don't list it); verify's
        // key binding is the second line. Either way: never valid.
        assert!(
            !matches!(report.verdict, Verdict::Valid | Verdict::ValidWithWarnings),
            "{kind:?} {kid:?}: {report:#?}"
        );
        let proof = outcome(&report, "proof");
        let binding = outcome(&report, "issuer.key-binding");
        assert!(
            *proof != Outcome::Passed || matches!(binding, Outcome::Failed(_)),
            "{kind:?} {kid:?}: a header key passed both proof and binding: {report:#?}"
        );
    }
}

#[test]
fn a_key_from_the_token_header_is_the_issuers_when_the_issuer_is_its_did_jwk() {
    let key = throwaway();
    let did = did_jwk_from_public_key(&key.public_key());
    for (document, kind) in [
        (vcdm11(&did), JwtKind::VcJwt),
        (ob3(&did), JwtKind::VcJose),
        (ob3(&did), JwtKind::CredentialPayloadJwt),
    ] {
        let report = verify_jwt_file(&jwt(&document, &key, kind, None));
        assert_eq!(
            outcome(&report, "issuer.key-binding"),
            &Outcome::Passed,
            "{kind:?}: {report:#?}"
        );
        // The JWT registered claims beside the credential are the token's, not JSON-LD terms.
        assert_eq!(
            outcome(&report, "json-ld"),
            &Outcome::Passed,
            "{kind:?}: {report:#?}"
        );
    }
    // did:jwk of another key, and did:key of the same key's neighbour: refused.
    let other = SecretKey::from_raw_bytes(KeyType::Ed25519, &[42; 32]).unwrap();
    let other_jwk = did_jwk_from_public_key(&other.public_key());
    let other_key = DidKey::from_public_key(&other.public_key()).did;
    for issuer in [other_jwk, other_key] {
        let report = verify_jwt_file(&jwt(&vcdm11(&issuer), &key, JwtKind::VcJwt, None));
        // The issuer's own keys were resolved and don't list the header key: the proof fails
        // (or, if it passed, the binding does).
        assert!(
            matches!(outcome(&report, "proof"), Outcome::Failed(_))
                || matches!(outcome(&report, "issuer.key-binding"), Outcome::Failed(_)),
            "{issuer}: {report:#?}"
        );
        assert_eq!(report.verdict, Verdict::Invalid, "{issuer}: {report:#?}");
    }
}

fn sign_di(document: &Value, key: &SecretKey) -> Value {
    let did = DidKey::from_public_key(&key.public_key());
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

#[test]
fn data_integrity_binding_is_tri_state() {
    let key = throwaway();
    let own = DidKey::from_public_key(&key.public_key()).did;
    let other = DidKey::from_public_key(
        &SecretKey::from_raw_bytes(KeyType::Ed25519, &[43; 32])
            .unwrap()
            .public_key(),
    )
    .did;

    // The method's controller is the issuer: passed.
    let report = verify_document(&sign_di(&ob3(&own), &key), "own.json", NOW);
    assert_eq!(outcome(&report, "issuer.key-binding"), &Outcome::Passed);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");

    // A self-certifying issuer other than the key's controller: failed (evidence of mismatch).
    let report = verify_document(&sign_di(&ob3(&other), &key), "other.json", NOW);
    assert!(matches!(
        outcome(&report, "issuer.key-binding"),
        Outcome::Failed(_)
    ));
    assert_eq!(report.verdict, Verdict::Invalid);
    let binding = report
        .checks
        .iter()
        .find(|c| c.id == "issuer.key-binding")
        .unwrap();
    assert!(
        binding.message.contains("does not control"),
        "{}",
        binding.message
    );

    // An issuer whose identifier cannot be resolved here (an https URL, offline): could not
    // check, advisory, so valid-with-warnings.
    let report = verify_document(
        &sign_di(&ob3("https://harvard.example.edu/issuer"), &key),
        "url.json",
        NOW,
    );
    let binding = report
        .checks
        .iter()
        .find(|c| c.id == "issuer.key-binding")
        .unwrap();
    assert!(
        matches!(binding.outcome, Outcome::CouldNotCheck(_)),
        "{binding:#?}"
    );
    assert_eq!(binding.severity, Severity::Advisory);
    assert!(
        binding.message.contains("could not be tied"),
        "{}",
        binding.message
    );
    assert_eq!(report.verdict, Verdict::ValidWithWarnings);
}

#[test]
fn a_forged_endorsement_jwt_is_not_the_endorsers() {
    let issuer_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &[44; 32]).unwrap();
    let issuer = DidKey::from_public_key(&issuer_key.public_key()).did;
    let mut endorsement = ob3("https://guild.example.org/profile");
    endorsement["type"] = json!(["VerifiableCredential", "EndorsementCredential"]);
    endorsement["credentialSubject"] = json!({
        "id": "https://example.edu/achievements/mba",
        "type": ["EndorsementSubject"],
        "endorsementComment": "Excellent."
    });
    let forged = jwt(
        &endorsement,
        &throwaway(),
        JwtKind::CredentialPayloadJwt,
        None,
    );
    let mut credential = ob3(&issuer);
    credential["credentialSubject"]["achievement"]["endorsementJwt"] = json!([forged]);
    let signed = sign_di(&credential, &issuer_key);
    let reports = verify_bytes(&serde_json::to_vec(&signed).unwrap(), "badge.json", NOW);
    let endorsement = reports
        .iter()
        .find(|r| r.item.contains("endorsementJwt"))
        .unwrap_or_else(|| panic!("no endorsementJwt item: {reports:#?}"));
    // The endorser (an https profile) can't be resolved offline: the header key is refused by the
    // proof ("could not check") or, if it passed, by the key binding. Never valid.
    assert!(
        !matches!(
            endorsement.verdict,
            Verdict::Valid | Verdict::ValidWithWarnings
        ),
        "{endorsement:#?}"
    );
    assert!(
        *outcome(endorsement, "proof") != Outcome::Passed
            || matches!(
                outcome(endorsement, "issuer.key-binding"),
                Outcome::Failed(_)
            ),
        "{endorsement:#?}"
    );
    // The endorsed credential itself is conformant: `endorsementJwt`, a term the OB 3.0
    // specification uses but its published context omits, does not make it invalid.
    let main = reports.iter().find(|r| r.item == "badge.json").unwrap();
    assert_ne!(main.verdict, Verdict::Invalid, "{main:#?}");
}
