use std::path::Path;

use credbridge_formats::{Limits, decode_path};
use credbridge_profile::{
    AlignmentSite, Normalized, Ordinal, Origin, SubjectIdentifier, Verification,
    VerificationStatus, attach_associations, normalize,
};
use serde_json::Value;

use crate::root;

fn normalize_file(path: &Path) -> Vec<(String, Value, Normalized)> {
    let mut out = Vec::new();
    for item in decode_path(path, &Limits::default()) {
        let Ok(item) = item else { continue };
        let Some(json) = item.credential_json() else {
            continue;
        };
        let path = item.path.to_string();
        let origin = Origin {
            item: &path,
            ..Origin::default()
        };
        let normalized = normalize(json, &origin, &Verification::not_checked());
        out.push((path.clone(), json.clone(), normalized));
    }
    out
}

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files(&path, out);
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(path);
        }
    }
}

/// Counts alignment objects wherever OB 3.0 puts them (achievement, result descriptions, rubric
/// levels, results), independently of the crate.
fn count_alignments(value: &Value) -> usize {
    fn walk(v: &Value, under_subject: bool, n: &mut usize) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "alignment" && under_subject {
                        *n += match child {
                            Value::Array(a) => a.len(),
                            _ => 1,
                        };
                    } else if k == "endorsement"
                        || k == "verifiableCredential"
                        || k == "source"
                        || k == "creator"
                    {
                        // Other credentials and profiles: not this record's alignments.
                    } else {
                        walk(child, under_subject || k == "credentialSubject", n);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, under_subject, n)),
            _ => {}
        }
    }
    let mut n = 0;
    walk(value, false, &mut n);
    n
}

#[test]
fn every_bundled_credential_normalizes_and_keeps_every_alignment() {
    let mut files = Vec::new();
    all_files(&root().join("testdata/examples"), &mut files);
    all_files(&root().join("examples"), &mut files);
    files.sort();
    let (mut with_records, mut alignments) = (0, 0);
    for file in &files {
        for (path, json, normalized) in normalize_file(file) {
            let format = credbridge_model::classify(&json).format;
            let awarded = matches!(
                format,
                credbridge_model::Format::OpenBadges3
                    | credbridge_model::Format::OpenBadges2Assertion
                    | credbridge_model::Format::OpenBadges1Assertion
                    | credbridge_model::Format::OpenBadges05Assertion
            );
            if awarded {
                assert!(
                    !normalized.records.is_empty(),
                    "{path}: an award gave no record"
                );
            }
            for record in &normalized.records {
                with_records += 1;
                assert!(
                    record.achievement.id.is_some() || record.achievement.name.is_some(),
                    "{path}: nameless record"
                );
                // Every provenance pointer resolves in the original credential.
                for (field, pointer) in &record.provenance {
                    assert!(
                        json.pointer(pointer).is_some(),
                        "{path}: {field} points at {pointer}, which is not there"
                    );
                }
                for a in &record.alignments {
                    assert!(
                        json.pointer(&a.pointer).is_some(),
                        "{path}: alignment pointer {}",
                        a.pointer
                    );
                }
            }
            if format == credbridge_model::Format::OpenBadges3 {
                let expected = count_alignments(&json);
                let got: usize = normalized.records.iter().map(|r| r.alignments.len()).sum();
                assert_eq!(got, expected, "{path}: alignments kept");
                alignments += got;
            }
        }
    }
    assert!(
        with_records >= 100,
        "only {with_records} records from the bundled examples"
    );
    assert!(alignments >= 8, "only {alignments} OB 3.0 alignments seen");
}

#[test]
fn complete_ob3_example_in_detail() {
    let file =
        root().join("testdata/examples/1edtech-spec-examples/complete-openbadgecredential.json");
    let out = normalize_file(&file);
    let (_, json, normalized) = out.first().expect("one item");
    assert_eq!(normalized.records.len(), 1);
    let r = &normalized.records[0];
    assert_eq!(r.source.format, "Open Badges 3.0 credential");
    assert_eq!(r.achievement.achievement_type.as_deref(), Some("Degree"));
    assert_eq!(
        r.achievement.id.as_deref(),
        Some("https://1edtech.edu/achievements/degree")
    );
    assert_eq!(r.achievement.credits_earned, Some(42.0));
    // Each scalar points at where it came from, and the value there is the value we hold.
    for (field, value) in [
        ("achievement.name", r.achievement.name.clone()),
        ("achievement.description", r.achievement.description.clone()),
        ("issuer.id", r.issuer.id.clone()),
        ("dates.valid_from", r.dates.valid_from.clone()),
    ] {
        let pointer = &r.provenance[field];
        assert_eq!(
            json.pointer(pointer).and_then(Value::as_str),
            value.as_deref(),
            "{field}"
        );
    }
    // Two unhashed email identities and a DID.
    assert!(r.subject.identifiers.contains(&SubjectIdentifier::Did {
        did: "did:example:ebfeb1f712ebc6f1c276e12ec21".into()
    }));
    let plain = r
        .subject
        .identifiers
        .iter()
        .filter(|i| matches!(i, SubjectIdentifier::Plain { .. }))
        .count();
    assert_eq!(plain, 2);
    // Alignments at every site, each with its pointer.
    assert!(
        r.alignments
            .iter()
            .any(|a| a.on == AlignmentSite::Achievement
                && a.target_type.as_deref() == Some("CFItem"))
    );
    assert!(
        r.alignments
            .iter()
            .any(|a| a.on != AlignmentSite::Achievement)
    );
    // Results: a rubric level normalized with its raw name kept.
    assert!(!r.results.is_empty());
    let levelled: Vec<_> = r.results.iter().filter_map(|x| x.level.as_ref()).collect();
    assert!(
        !levelled.is_empty(),
        "the complete example's rubric result has a level"
    );
    assert!(levelled.iter().all(|l| !l.raw.is_empty()));
    assert!(!r.evidence.is_empty());
}

#[test]
fn ob2_assertion_maps_as_the_migration_guide_says() {
    let file = root().join("testdata/examples/1edtech-validator/ob20/basic-assertion.json");
    let out = normalize_file(&file);
    let r = &out[0].2.records[0];
    assert_eq!(r.source.format, "Open Badges 2.0 assertion");
    assert_eq!(r.dates.awarded.as_deref(), Some("2016-12-31T23:59:59Z"));
    assert_eq!(r.provenance["dates.awarded"], "/issuedOn");
    assert_eq!(
        r.achievement.id.as_deref(),
        Some("https://example.org/robotics-badge.json")
    );
    assert_eq!(
        r.subject.identifiers,
        vec![SubjectIdentifier::Hashed {
            identity_type: "email".into(),
            identity_hash:
                "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942".into(),
            salt: Some("deadsea".into()),
        }]
    );
    assert_eq!(
        r.evidence[0].id.as_deref(),
        Some("https://example.org/beths-robot-work.html")
    );
}

#[test]
fn ob05_and_embedded_ob2_badges() {
    let ob05 = serde_json::json!({
        "recipient": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
        "salt": "deadsea",
        "badge": {"version": "0.5.0", "name": "HTML5 Basic", "image": "/img/html5-basic.png",
                  "description": "Know the difference between a <section> and an <article>",
                  "criteria": "/badges/html5-basic",
                  "issuer": {"origin": "https://p2pu.org", "name": "P2PU", "org": "School of Webcraft"}},
        "issued_on": "2011-06-01"
    });
    let v = Verification::not_checked();
    let n = normalize(
        &ob05,
        &Origin {
            item: "old.json",
            ..Origin::default()
        },
        &v,
    );
    let r = &n.records[0];
    assert_eq!(r.source.format, "Open Badges 0.5 assertion");
    assert_eq!(r.achievement.name.as_deref(), Some("HTML5 Basic"));
    assert_eq!(r.issuer.name.as_deref(), Some("P2PU"));
    assert_eq!(r.dates.awarded.as_deref(), Some("2011-06-01"));
    assert!(
        matches!(&r.subject.identifiers[0], SubjectIdentifier::Hashed { salt: Some(s), .. } if s == "deadsea")
    );

    let ob2 = serde_json::json!({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://example.org/a/1",
        "recipient": {"type": "email", "hashed": false, "identity": "jo@example.com"},
        "issuedOn": "2019-01-01T00:00:00Z", "verification": {"type": "hosted"},
        "badge": {"type": "BadgeClass", "id": "https://example.org/b/1", "name": "SQL Basics",
                  "description": "Queries", "criteria": {"narrative": "Wrote ten queries"},
                  "tags": ["sql", "databases"], "@language": "en",
                  "alignment": [{"targetName": "SQL", "targetUrl": "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742",
                                 "targetFramework": "ESCO"}],
                  "issuer": {"type": "Profile", "id": "https://example.org/i", "name": "Example Org", "url": "https://example.org"}}
    });
    let n = normalize(
        &ob2,
        &Origin {
            item: "ob2.json",
            ..Origin::default()
        },
        &v,
    );
    let r = &n.records[0];
    assert_eq!(r.issuer.name.as_deref(), Some("Example Org"));
    assert_eq!(r.achievement.tags, ["sql", "databases"]);
    assert_eq!(r.achievement.in_language.as_deref(), Some("en"));
    assert_eq!(
        r.achievement.criteria.narrative.as_deref(),
        Some("Wrote ten queries")
    );
    assert_eq!(r.alignments[0].pointer, "/badge/alignment/0");
    assert_eq!(r.alignments[0].target_framework.as_deref(), Some("ESCO"));
    assert_eq!(
        r.subject.identifiers,
        vec![SubjectIdentifier::Plain {
            identity_type: "email".into(),
            identity: "jo@example.com".into()
        }]
    );
}

#[test]
fn clr_associations_attach_to_inner_achievements() {
    let file = root().join("testdata/examples/1edtech-validator/clr20/complex.json");
    let out = normalize_file(&file);
    let associations: Vec<_> = out
        .iter()
        .flat_map(|(_, _, n)| n.associations.clone())
        .collect();
    assert!(associations.len() >= 4, "complex.json declares its stack");
    assert!(
        associations
            .iter()
            .all(|a| a.association_type == "isParentOf" || !a.association_type.is_empty())
    );
    let mut records: Vec<_> = out.iter().flat_map(|(_, _, n)| n.records.clone()).collect();
    assert!(
        records.len() >= 6,
        "each inner credential is a record (got {})",
        records.len()
    );
    assert!(
        records
            .iter()
            .all(|r| r.source.item.contains("verifiableCredential"))
    );
    attach_associations(&mut records, &associations);
    let linked = records
        .iter()
        .filter(|r| !r.associations.is_empty())
        .count();
    assert!(
        linked >= 2,
        "the program and its courses are linked ({linked})"
    );
}

#[test]
fn europass_elm_claims_give_esco_alignments() {
    let elm = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:1", "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {"id": "did:ebsi:zExample", "type": "Organisation", "legalName": {"en": "Example University"}},
        "issuanceDate": "2024-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:key:z6MkLearner", "type": "Person", "givenName": {"en": "Ana"}, "familyName": {"en": "Lee"},
            "hasClaim": [{"id": "urn:claim:1", "type": "LearningAchievement", "title": {"en": "Data analysis module"},
                "specifiedBy": {"type": "LearningAchievementSpecification", "title": {"en": "Data analysis"},
                    "learningOutcome": [{"type": "LearningOutcome", "title": {"en": "Analyse data"},
                        "relatedESCOSkill": [{"id": "http://data.europa.eu/esco/skill/data-analysis", "type": "Concept"}]}]}}]}
    });
    let n = normalize(
        &elm,
        &Origin {
            item: "elm.json",
            ..Origin::default()
        },
        &Verification::of(VerificationStatus::Valid),
    );
    assert_eq!(n.records.len(), 1);
    let r = &n.records[0];
    assert_eq!(r.achievement.name.as_deref(), Some("Data analysis module"));
    assert_eq!(r.dates.valid_from.as_deref(), Some("2024-03-01T00:00:00Z"));
    assert_eq!(r.subject.display_name.as_deref(), Some("Ana Lee"));
    assert_eq!(r.alignments.len(), 1);
    assert_eq!(
        r.alignments[0].target_url.as_deref(),
        Some("http://data.europa.eu/esco/skill/data-analysis")
    );
    assert_eq!(r.alignments[0].target_framework.as_deref(), Some("ESCO"));
    assert_eq!(r.alignments[0].on, AlignmentSite::LearningOutcome);
    assert!(elm.pointer(&r.alignments[0].pointer).is_some());
}

#[test]
fn levels_reach_the_record() {
    let cred = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:c", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:example.edu", "type": "Profile"}, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": "AchievementSubject", "id": "did:key:z6MkX",
            "result": [{"type": "Result", "resultDescription": "urn:rd:1", "achievedLevel": "urn:lvl:3"}],
            "achievement": {"id": "urn:a", "type": "Achievement", "name": "Welding", "description": "d", "criteria": {"narrative": "n"},
                "resultDescription": [{"id": "urn:rd:1", "type": "ResultDescription", "name": "Rubric", "resultType": "RubricCriterionLevel",
                    "alignment": [{"type": "Alignment", "targetName": "weld metal", "targetUrl": "http://data.europa.eu/esco/skill/weld"}],
                    "rubricCriterionLevel": [
                        {"id": "urn:lvl:1", "type": "RubricCriterionLevel", "name": "Beginner"},
                        {"id": "urn:lvl:2", "type": "RubricCriterionLevel", "name": "Intermediate"},
                        {"id": "urn:lvl:3", "type": "RubricCriterionLevel", "name": "Advanced"}]}]}}
    });
    let n = normalize(&cred, &Origin::default(), &Verification::not_checked());
    let r = &n.records[0];
    let level = r.results[0].level.as_ref().expect("a level");
    assert_eq!(
        (level.ordinal, level.raw.as_str()),
        (Ordinal::Expert, "Advanced")
    );
    assert_eq!(
        r.alignments[0].result_description.as_deref(),
        Some("urn:rd:1")
    );
}
