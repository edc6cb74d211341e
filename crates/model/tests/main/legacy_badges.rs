//! OB 1.0 and OB 0.5 assertions (no example files exist in testdata; the JSON below is copied
//! from the specifications' own examples).

use serde_json::json;

use credbridge_model::ob2::SourceVersion;
use credbridge_model::{Format, IdOr, Typed, parse, summarize};

/// OB 1.0 specification, "Example Assertion" (hosted, numeric `issuedOn`).
fn ob10_assertion() -> serde_json::Value {
    json!({
        "uid": "f2c20",
        "recipient": {
            "type": "email",
            "hashed": true,
            "salt": "deadsea",
            "identity": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5"
        },
        "image": "https://example.org/beths-robot-badge.png",
        "evidence": "https://example.org/beths-robot-work.html",
        "issuedOn": 1359217910,
        "badge": "https://example.org/robotics-badge.json",
        "verify": {
            "type": "hosted",
            "url": "https://example.org/beths-robotics-badge.json"
        }
    })
}

/// The OB 0.5 assertion of mozilla/openbadges-verifier's README (hashed recipient).
fn ob05_assertion() -> serde_json::Value {
    json!({
        "recipient": "sha256$2ad891a61112bb953171416acc9cfe2484d59a45a3ed574a1ca93b47d07629fe",
        "salt": "hashbrowns",
        "evidence": "/badges/html5-basic/bimmy",
        "expires": "2013-06-01",
        "issued_on": "2011-06-01",
        "badge": {
            "version": "0.5.0",
            "name": "HTML5 Fundamental",
            "image": "/img/html5-basic.png",
            "description": "Knows the difference between a <section> and an <article>",
            "criteria": "/badges/html5-basic",
            "issuer": {
                "origin": "http://p2pu.org",
                "name": "P2PU",
                "org": "School of Webcraft",
                "contact": "admin@p2pu.org"
            }
        }
    })
}

#[test]
fn ob10_assertion_reads_into_the_ob20_view() {
    let value = ob10_assertion();
    let doc = parse(&value).unwrap();
    assert_eq!(doc.format(), Format::OpenBadges1Assertion);
    let Typed::Ob2Assertion(assertion) = &doc.typed else {
        panic!("{:?}", doc.typed)
    };
    assert_eq!(assertion.source_version, SourceVersion::V1);
    let verify = assertion.verification_object().unwrap();
    assert_eq!(verify.type_.as_deref(), Some("hosted"));
    assert_eq!(verify.url.as_deref(), value["verify"]["url"].as_str());
    let issued = assertion.issued_on.as_ref().unwrap().parsed().unwrap();
    assert_eq!(issued.unix_seconds, value["issuedOn"].as_i64().unwrap());
    assert_eq!(doc.typed.to_json().unwrap(), value);

    let summary = summarize(&doc);
    assert_eq!(summary.id.as_deref(), Some("f2c20"));
    assert_eq!(summary.dates.issued.as_deref(), Some("1359217910"));
    assert_eq!(summary.subject.unwrap().identifiers[0].hashed, Some(true));
}

#[test]
fn ob11_context_is_ob1() {
    let mut value = ob10_assertion();
    value["@context"] = json!("https://w3id.org/openbadges/v1");
    value["type"] = json!("Assertion");
    assert_eq!(
        parse(&value).unwrap().format(),
        Format::OpenBadges1Assertion
    );
}

#[test]
fn ob05_assertion_is_mapped_with_its_source_version() {
    let value = ob05_assertion();
    let doc = parse(&value).unwrap();
    assert_eq!(doc.format(), Format::OpenBadges05Assertion);
    assert_eq!(doc.typed_error, None);
    let Typed::Ob2Assertion(assertion) = &doc.typed else {
        panic!("{:?}", doc.typed)
    };
    assert_eq!(assertion.source_version, SourceVersion::V0_5);
    let recipient = assertion.recipient.as_ref().unwrap();
    assert_eq!(recipient.identity.as_deref(), value["recipient"].as_str());
    assert_eq!(recipient.hashed, Some(true));
    assert_eq!(recipient.salt.as_deref(), Some("hashbrowns"));
    assert_eq!(assertion.issued_on.as_ref().unwrap().text(), "2011-06-01");
    let Some(IdOr::Object(badge)) = &assertion.badge else {
        panic!("badge not embedded")
    };
    let Some(IdOr::Object(issuer)) = &badge.issuer else {
        panic!("issuer not embedded")
    };
    assert_eq!(issuer.url.as_deref(), Some("http://p2pu.org"));
    assert_eq!(issuer.email.as_deref(), Some("admin@p2pu.org"));
    assert_eq!(issuer.extra["org"], json!("School of Webcraft"));
    assert_eq!(badge.extra["version"], json!("0.5.0"));
    // The original is kept untouched.
    assert_eq!(*doc.original, value);

    let summary = summarize(&doc);
    assert_eq!(summary.issuer.unwrap().name.as_deref(), Some("P2PU"));
    assert_eq!(
        summary.achievements[0].name.as_deref(),
        Some("HTML5 Fundamental")
    );
    assert_eq!(summary.dates.expires.as_deref(), Some("2013-06-01"));
}
