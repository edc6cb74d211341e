//! Summaries of real examples, checked against the files' own JSON.

use serde_json::Value;

use credbridge_model::{Format, VcdmVersion, summarize};

use crate::fixtures::extract;

fn json_of(relative: &str) -> Value {
    match extract(relative).unwrap() {
        crate::fixtures::Extracted::Json(value) => value,
        crate::fixtures::Extracted::Jwt { credential, .. } => credential,
    }
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

#[test]
fn complete_ob3_credential() {
    let relative = "1edtech-validator/ob30/complete.json";
    let json = json_of(relative);
    let doc = extract(relative).unwrap().parse().unwrap();
    let summary = summarize(&doc);
    assert_eq!(summary.format, Format::OpenBadges3);
    assert_eq!(summary.vcdm, Some(VcdmVersion::V2_0));
    assert_eq!(summary.id.as_deref(), str_at(&json, "/id"));
    let issuer = summary.issuer.as_ref().unwrap();
    assert_eq!(issuer.id.as_deref(), str_at(&json, "/issuer/id"));
    assert_eq!(issuer.name.as_deref(), str_at(&json, "/issuer/name"));

    let subject = summary.subject.as_ref().unwrap();
    let identifiers = json
        .pointer("/credentialSubject/identifier")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(subject.identifiers.len(), identifiers.len());
    assert_eq!(
        subject.identifiers[0].identity_type.as_deref(),
        Some("emailAddress")
    );
    assert_eq!(subject.identifiers[0].hashed, Some(false));
    assert!(subject.identifiers[0].salted);

    let achievement = &summary.achievements[0];
    assert_eq!(
        achievement.name.as_deref(),
        str_at(&json, "/credentialSubject/achievement/name")
    );
    assert_eq!(achievement.achievement_type.as_deref(), Some("Degree"));
    let alignments = json
        .pointer("/credentialSubject/achievement/alignment")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(achievement.alignments.len(), alignments.len());
    assert_eq!(
        achievement.alignments[0].target_type.as_deref(),
        Some("CFItem")
    );
    assert_eq!(
        achievement.alignments[1].target_url.as_deref(),
        str_at(
            &json,
            "/credentialSubject/achievement/alignment/1/targetUrl"
        )
    );
    let descriptions = json
        .pointer("/credentialSubject/achievement/resultDescription")
        .map_or(0, |d| d.as_array().unwrap().len());
    assert_eq!(achievement.result_descriptions.len(), descriptions);
    let results = json
        .pointer("/credentialSubject/result")
        .map_or(0, |r| r.as_array().unwrap().len());
    assert_eq!(achievement.results.len(), results);
    assert_eq!(
        achievement.credits_earned.as_ref().map(ToString::to_string),
        json.pointer("/credentialSubject/creditsEarned")
            .map(ToString::to_string)
    );

    let evidence = json
        .get("evidence")
        .map_or(0, |e| e.as_array().map_or(1, Vec::len));
    assert_eq!(summary.evidence_count, evidence);
    assert!(
        summary.endorsement_count >= 2,
        "{}",
        summary.endorsement_count
    );

    let text = summary.to_string();
    assert!(text.contains(issuer.name.as_deref().unwrap()), "{text}");
    assert!(
        text.contains(achievement.name.as_deref().unwrap()),
        "{text}"
    );
}

#[test]
fn bitstring_status_entry_is_summarized() {
    let relative = "1edtech-validator/ob30/bit-string-list/credential-status-revoked.json";
    let json = json_of(relative);
    let summary = summarize(&extract(relative).unwrap().parse().unwrap());
    let status = &summary.credential_status[0];
    assert_eq!(
        status.status_type.as_deref(),
        str_at(&json, "/credentialStatus/type")
    );
    assert_eq!(
        status.list_url.as_deref(),
        str_at(&json, "/credentialStatus/statusListCredential")
    );
    let index = match json.pointer("/credentialStatus/statusListIndex").unwrap() {
        Value::String(index) => index.parse().unwrap(),
        Value::Number(index) => index.as_u64().unwrap(),
        other => panic!("{other}"),
    };
    assert_eq!(status.index, Some(index));
    assert_eq!(
        status.purpose.as_deref(),
        str_at(&json, "/credentialStatus/statusPurpose")
    );
}

#[test]
fn proofs_list_type_cryptosuite_and_method() {
    let relative = "1edtech-spec-test-vectors/obv3p0/signed-credential.json";
    let json = json_of(relative);
    let summary = summarize(&extract(relative).unwrap().parse().unwrap());
    let proof_json = json.get("proof").unwrap();
    let proof_json = proof_json.as_array().map_or(proof_json, |p| &p[0]);
    let proof = &summary.proofs[0];
    assert_eq!(proof.proof_type.as_deref(), proof_json["type"].as_str());
    assert_eq!(proof.cryptosuite.as_deref(), Some("eddsa-rdfc-2022"));
    assert_eq!(
        proof.verification_method.as_deref(),
        proof_json["verificationMethod"].as_str()
    );
}

#[test]
fn clr_lists_inner_credentials_and_associations() {
    let relative = "1edtech-validator/clr20/complex.json";
    let json = json_of(relative);
    let summary = summarize(&extract(relative).unwrap().parse().unwrap());
    let clr = summary.clr.as_ref().unwrap();
    let count = |pointer: &str| {
        json.pointer(pointer)
            .map_or(0, |v| v.as_array().map_or(1, Vec::len))
    };
    assert_eq!(
        clr.inner_credential_count,
        count("/credentialSubject/verifiableCredential")
    );
    assert_eq!(
        clr.association_count,
        count("/credentialSubject/association")
    );
    assert_eq!(
        clr.achievement_count,
        count("/credentialSubject/achievement")
    );
    assert!(clr.association_count > 0);
    assert_eq!(clr.inner.len(), clr.inner_credential_count);
    assert!(
        clr.inner
            .iter()
            .all(|inner| inner.format == Some(Format::OpenBadges3))
    );
    assert!(summary.to_string().contains("associations"));
}

#[test]
fn ob2_assertion_shows_recipient_and_badge() {
    let relative = "1edtech-validator/ob20/basic-assertion.json";
    let json = json_of(relative);
    let summary = summarize(&extract(relative).unwrap().parse().unwrap());
    let identifier = &summary.subject.as_ref().unwrap().identifiers[0];
    assert_eq!(
        identifier.identity_type.as_deref(),
        str_at(&json, "/recipient/type")
    );
    assert_eq!(
        identifier.hashed,
        json.pointer("/recipient/hashed").and_then(Value::as_bool)
    );
    assert_eq!(
        summary.achievements[0].id.as_deref(),
        str_at(&json, "/badge")
    );
    assert_eq!(summary.dates.issued.as_deref(), str_at(&json, "/issuedOn"));
}

#[test]
fn vcdm11_jwt_summary_uses_the_vc_claim() {
    let relative = "1edtech-validator/ob30/simple.jwt";
    let json = json_of(relative);
    let summary = summarize(&extract(relative).unwrap().parse().unwrap());
    assert_eq!(summary.vcdm, Some(VcdmVersion::V1_1));
    assert_eq!(
        summary.dates.issued.as_deref(),
        str_at(&json, "/issuanceDate")
    );
    assert_eq!(
        summary.issuer.unwrap().id.as_deref(),
        str_at(&json, "/issuer/id")
    );
}

#[test]
fn summaries_serialize_to_json() {
    let doc = extract("1edtech-validator/clr20/simple.json")
        .unwrap()
        .parse()
        .unwrap();
    let value = serde_json::to_value(summarize(&doc)).unwrap();
    assert_eq!(value["format"], "Clr2");
    assert_eq!(value["vcdm"], "2.0");
}
