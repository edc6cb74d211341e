//! The lint on a table of templates and credentials written from the OB 3.0 / CLR 2.0 specs,
//! good and deficient, each with the exact rules it must fire.

use credbridge_issue::lint::{self, RULES};
use credbridge_issue::*;
use serde_json::{Value, json};

use crate::common::*;

/// A complete OB 3.0 credential: every rule passes.
fn good() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:6d1d3f2a-8c4e-4a8e-9a51-1f1e2d3c4b5a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Welding Level 1",
        "issuer": {
            "id": "did:web:college.example", "type": ["Profile"], "name": "Example Technical College",
            "url": "https://college.example", "email": "registry@college.example",
            "otherIdentifier": [{"type": "IdentifierEntry", "identifier": "123456", "identifierType": "ext:UKPRN"}]
        },
        "validFrom": "2025-06-15T00:00:00Z",
        "validUntil": "2028-06-15T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "hashed": true, "identityType": "emailAddress",
                            "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399", "salt": "Kosher"}],
            "achievement": template("welding.yaml").achievement
        },
        "evidence": [{"id": "https://college.example/evidence/1", "type": ["Evidence"]}],
        "credentialStatus": {"id": "https://college.example/status/1/revocation#5", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": "https://college.example/status/1/revocation"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
                  "verificationMethod": "did:web:college.example#key-1", "proofValue": "z3"}
    })
}

fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc.pointer_mut(parent).unwrap();
    match target {
        Value::Object(map) => {
            if value.is_null() {
                map.remove(key);
            } else {
                map.insert(key.to_owned(), value);
            }
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}"),
    }
    doc
}

const ACH: &str = "/credentialSubject/achievement";

fn check(name: &str, doc: &Value, template: bool, expected: &[&str]) -> LintReport {
    let report = if template {
        lint_template(doc, &IriShapeChecker)
    } else {
        lint_document(doc, &IriShapeChecker)
    };
    let mut expected: Vec<&str> = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(report.rules_fired(), expected, "case {name}:\n{report}");
    // Every finding is complete: rule from the table, pointer, hint.
    for f in &report.findings {
        let rule = RULES.iter().find(|r| r.id == f.rule).unwrap();
        assert_eq!(f.severity, rule.severity);
        assert!(!f.hint.is_empty() && !f.message.is_empty());
        assert!(
            f.pointer.is_empty() || f.pointer.starts_with('/'),
            "{}",
            f.pointer
        );
    }
    let lost: u32 = expected
        .iter()
        .map(|id| u32::from(RULES.iter().find(|r| r.id == *id).unwrap().weight))
        .sum();
    assert_eq!(
        u32::from(report.score),
        100u32.saturating_sub(lost),
        "case {name}"
    );
    report
}

#[test]
fn lint_table() {
    let t = |name: &str| template(name).source;
    let level_without_description = with(
        good(),
        &format!("{ACH}/resultDescription/0/rubricCriterionLevel/1/description"),
        Value::Null,
    );
    let cases: Vec<(&str, Value, bool, Vec<&str>)> = vec![
        ("good-credential", good(), false, vec![]),
        ("good-template", t("welding.yaml"), true, vec![]),
        (
            "minimal-template",
            json!({"id": "https://x.example/a", "name": "A", "criteria": {"narrative": "Do the thing."}}),
            true,
            vec![
                "achievement-description",
                "criteria-specific",
                "achievement-type",
                "alignment-present",
                "result-description",
                "image-present",
                "language-tag",
                "discovery-fields",
                "versioned",
                "expiry-policy",
                "evidence",
            ],
        ),
        (
            "program-template",
            t("program.yaml"),
            true,
            vec![
                "alignment-present",
                "result-description",
                "image-present",
                "discovery-fields",
                "credits",
                "versioned",
                "evidence",
            ],
        ),
        (
            "no-description",
            with(good(), &format!("{ACH}/description"), Value::Null),
            false,
            vec!["achievement-description"],
        ),
        (
            "no-name",
            with(good(), &format!("{ACH}/name"), Value::Null),
            false,
            vec!["achievement-name"],
        ),
        (
            "id-not-iri",
            with(good(), &format!("{ACH}/id"), json!("welding 1")),
            false,
            vec!["achievement-id"],
        ),
        (
            "no-criteria",
            with(good(), &format!("{ACH}/criteria"), Value::Null),
            false,
            vec!["criteria-present"],
        ),
        (
            "empty-criteria",
            with(good(), &format!("{ACH}/criteria"), json!({})),
            false,
            vec!["criteria-present"],
        ),
        (
            "boilerplate-criteria",
            with(
                good(),
                &format!("{ACH}/criteria"),
                json!({"narrative": "Successfully completed the course and passed the final quiz with a good mark overall."}),
            ),
            false,
            vec!["criteria-specific"],
        ),
        (
            "criteria-link-only",
            with(
                good(),
                &format!("{ACH}/criteria"),
                json!({"id": "https://college.example/criteria"}),
            ),
            false,
            vec!["criteria-specific"],
        ),
        (
            "no-alignment",
            with(good(), &format!("{ACH}/alignment"), Value::Null),
            false,
            vec!["alignment-present"],
        ),
        (
            "alignment-not-a-framework",
            with(
                good(),
                &format!("{ACH}/alignment"),
                json!([{"type": ["Alignment"], "targetName": "Welding", "targetUrl": "https://college.example/skills/welding"}]),
            ),
            false,
            vec!["alignment-known-framework"],
        ),
        (
            "alignment-esco-not-a-concept",
            with(
                good(),
                &format!("{ACH}/alignment"),
                json!([{"type": ["Alignment"], "targetName": "ESCO", "targetUrl": "http://data.europa.eu/esco/concept-scheme/skills"}]),
            ),
            false,
            vec!["alignment-known-framework"],
        ),
        (
            "alignment-no-target-name",
            with(
                good(),
                &format!("{ACH}/alignment/0/targetName"),
                Value::Null,
            ),
            false,
            vec!["alignment-shape"],
        ),
        (
            "alignment-case-cfitem",
            with(
                good(),
                &format!("{ACH}/alignment"),
                json!([{"type": ["Alignment"], "targetName": "Weld", "targetType": "CFItem", "targetCode": "W.1",
                    "targetUrl": "https://caseregistry.imsglobal.org/uri/20c5134f-423d-4097-a971-3dd5152bf507"}]),
            ),
            false,
            vec![],
        ),
        (
            "alignment-osmt-rsd",
            with(
                good(),
                &format!("{ACH}/alignment"),
                json!([{"type": ["Alignment"], "targetName": "Info sec", "targetUrl": "https://osmt.example/api/skills/c9d819b3-de84-401e-808a-ddcbfbdd4953"}]),
            ),
            false,
            vec![],
        ),
        (
            "level-without-description",
            level_without_description,
            false,
            vec!["levels-described"],
        ),
        (
            "no-result-description",
            with(good(), &format!("{ACH}/resultDescription"), Value::Null),
            false,
            vec!["result-description"],
        ),
        (
            "image-without-alt",
            with(
                good(),
                &format!("{ACH}/image"),
                json!("https://college.example/badge.png"),
            ),
            false,
            vec!["image-alt-text"],
        ),
        (
            "language-not-bcp47",
            with(good(), &format!("{ACH}/inLanguage"), json!("English")),
            false,
            vec!["language-tag"],
        ),
        (
            "unknown-achievement-type",
            with(good(), &format!("{ACH}/achievementType"), json!("Program")),
            false,
            vec!["achievement-type"],
        ),
        (
            "course-without-credits",
            with(
                with(good(), &format!("{ACH}/achievementType"), json!("Course")),
                &format!("{ACH}/creditsAvailable"),
                Value::Null,
            ),
            false,
            vec!["credits"],
        ),
        (
            "issuer-did-key-iri",
            with(
                good(),
                "/issuer",
                json!("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
            ),
            false,
            vec!["issuer-profile", "issuer-domain-linked"],
        ),
        (
            "issuer-without-official-id",
            with(good(), "/issuer/otherIdentifier", Value::Null),
            false,
            vec!["issuer-official-identifier"],
        ),
        (
            "issuer-without-email",
            with(good(), "/issuer/email", Value::Null),
            false,
            vec!["issuer-profile"],
        ),
        (
            "no-recipient",
            with(good(), "/credentialSubject/identifier", Value::Null),
            false,
            vec!["recipient-identified"],
        ),
        (
            "unsigned-unrevocable-open-ended",
            {
                let mut d = good();
                for k in ["proof", "credentialStatus", "validUntil", "evidence"] {
                    d.as_object_mut().unwrap().remove(k);
                }
                d
            },
            false,
            vec![
                "proof-present",
                "status-present",
                "expiry-policy",
                "evidence",
            ],
        ),
        (
            "clr-of-a-good-credential",
            json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                             "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": "urn:uuid:0c4e1f3e-6f0a-4d7f-9b6e-1a2b3c4d5e6f", "type": ["VerifiableCredential", "ClrCredential"],
                "name": "Transcript", "issuer": good()["issuer"], "validFrom": "2025-06-15T00:00:00Z",
                "credentialSubject": {"type": ["ClrSubject"], "identifier": good()["credentialSubject"]["identifier"],
                                      "verifiableCredential": [good()]}
            }),
            false,
            vec![],
        ),
        (
            "clr-with-a-bare-inner-achievement",
            json!({
                "type": ["VerifiableCredential", "ClrCredential"], "issuer": good()["issuer"],
                "credentialSubject": {"type": ["ClrSubject"], "id": "did:example:learner",
                    "verifiableCredential": [with(good(), &format!("{ACH}/alignment"), Value::Null)]}
            }),
            false,
            vec!["alignment-present"],
        ),
        (
            "ob2-assertion-with-embedded-badge",
            json!({
                "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://college.example/assertions/1",
                "badge": {"type": "BadgeClass", "id": "https://college.example/badges/1", "name": "Welding",
                          "description": "Welds.", "criteria": {"narrative": "Weld."}, "image": "https://college.example/b.png"}
            }),
            false,
            vec![
                "criteria-specific",
                "achievement-type",
                "alignment-present",
                "result-description",
                "image-alt-text",
                "language-tag",
                "discovery-fields",
                "versioned",
            ],
        ),
        (
            "status-list-credential",
            json!({"type": ["VerifiableCredential", "BitstringStatusListCredential"], "credentialSubject": {}}),
            false,
            vec!["recognized-document"],
        ),
    ];
    assert!(cases.len() >= 20, "{} cases", cases.len());
    for (name, doc, template, expected) in &cases {
        check(name, doc, *template, expected);
    }
}

#[test]
fn findings_point_at_the_data_to_fix() {
    let report = check(
        "pointer",
        &with(
            good(),
            &format!("{ACH}/resultDescription/0/rubricCriterionLevel/1/description"),
            Value::Null,
        ),
        false,
        &["levels-described"],
    );
    assert_eq!(
        report.findings[0].pointer,
        format!("{ACH}/resultDescription/0/rubricCriterionLevel/1")
    );
    let report = lint_template(
        &json!({"id": "https://x.example/a", "name": "A", "criteria": {"narrative": "x"}}),
        &IriShapeChecker,
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "criteria-specific")
        .unwrap();
    assert_eq!(f.pointer, "/criteria/narrative");
}

/// A resolver plugged in through the trait overrides the IRI shapes.
#[test]
fn an_alignment_checker_can_be_plugged_in() {
    struct Nothing;
    impl AlignmentChecker for Nothing {
        fn check(&self, _url: &str, _t: Option<&str>) -> AlignmentCheck {
            AlignmentCheck::UnknownConcept {
                framework: "ESCO".into(),
            }
        }
    }
    let report = lint_document(&good(), &Nothing);
    assert_eq!(report.rules_fired(), vec!["alignment-known-framework"]);
    assert_eq!(report.findings.len(), 2, "one per alignment: {report}");
}

#[test]
fn the_rules_doc_matches_the_rule_table() {
    let path = crate_dir().join("docs/lint-rules.md");
    if std::env::var_os("CREDBRIDGE_REGENERATE_DOCS").is_some() {
        std::fs::write(&path, lint::rules_markdown()).unwrap();
    }
    let doc = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        doc,
        lint::rules_markdown(),
        "regenerate docs/lint-rules.md from lint::rules_markdown()"
    );
}
