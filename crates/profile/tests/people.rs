use credbridge_profile::{
    Candidate, KnownIdentifier, LinkReason, NoFrameworks, Origin, Verification, VerificationStatus,
    build_profile, group_people, normalize,
};
use serde_json::{Value, json};

fn ob3(id: &str, subject: Value, name: &str) -> Value {
    let mut subject = subject;
    subject["type"] = json!("AchievementSubject");
    subject["achievement"] = json!({"id": format!("{id}:a"), "type": "Achievement", "name": name,
        "description": "d", "criteria": {"narrative": "n"},
        "alignment": [{"type": "Alignment", "targetName": "x", "targetUrl": "https://framework.example/x"}]});
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:school.example", "type": "Profile", "name": "School"},
        "validFrom": "2025-01-01T00:00:00Z", "credentialSubject": subject
    })
}

fn records(
    credentials: &[(Value, VerificationStatus, Option<&str>)],
) -> Vec<credbridge_profile::AchievementRecord> {
    credentials
        .iter()
        .enumerate()
        .flat_map(|(i, (c, status, holder))| {
            let item = format!("cred-{i}.json");
            let origin = Origin {
                item: &item,
                sha256: None,
                presented_by: *holder,
            };
            normalize(c, &origin, &Verification::of(*status)).records
        })
        .collect()
}

/// SHA-256("alice@example.com" + "pepper") as an issuer would write it, computed by coreutils'
/// `sha256sum` so the oracle is independent of the crate under test.
fn alice_hash() -> String {
    let input = "alice@example.compepper";
    {
        let out = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(input.as_bytes())?;
                child.wait_with_output()
            })
            .expect("sha256sum runs");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        format!(
            "sha256${}",
            text.split_whitespace().next().expect("a digest")
        )
    }
}

#[test]
fn did_on_one_platform_and_salted_email_hash_on_another_become_one_person() {
    let hash = alice_hash();
    let creds = [
        (
            ob3("urn:1", json!({"id": "did:key:z6MkAlice"}), "Python"),
            VerificationStatus::Valid,
            None,
        ),
        (
            ob3(
                "urn:2",
                json!({"identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                                       "identityHash": hash, "salt": "pepper"}], "name": "Alice Smith"}),
                "SQL",
            ),
            VerificationStatus::Valid,
            None,
        ),
        // Another person with the same display name and another email.
        (
            ob3(
                "urn:3",
                json!({"identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": false,
                                                "identityHash": "alice.smith@other.example"}], "name": "Alice Smith"}),
                "Welding",
            ),
            VerificationStatus::Valid,
            None,
        ),
    ];
    let records = records(&creds);
    let alice = Candidate {
        label: "candidate 1".into(),
        identifiers: vec![
            KnownIdentifier::parse("email:Alice@Example.com").unwrap(),
            KnownIdentifier::parse("did:key:z6MkAlice").unwrap(),
        ],
    };
    let people = group_people(&records, &[alice]);
    assert_eq!(people.len(), 2, "{people:#?}");
    let one = people
        .iter()
        .find(|p| p.candidate.is_some())
        .expect("alice");
    let mut members: Vec<usize> = one.records().collect();
    members.sort();
    assert_eq!(members, [0, 1]);
    let by_hash = one.links.iter().find(|l| l.record == 1).expect("record 1");
    assert!(
        matches!(by_hash.reasons[0], LinkReason::IdentityHashMatches { .. }),
        "{by_hash:?}"
    );
    let by_did = one.links.iter().find(|l| l.record == 0).expect("record 0");
    assert!(
        matches!(&by_did.reasons[0], LinkReason::SameDid { did } if did == "did:key:z6MkAlice")
    );
    let other = people
        .iter()
        .find(|p| p.candidate.is_none())
        .expect("the other Alice Smith");
    assert_eq!(other.records().collect::<Vec<_>>(), [2]);
}

#[test]
fn holder_binding_links_and_names_never_do() {
    let creds = [
        (
            ob3("urn:1", json!({"id": "did:key:z6MkBob"}), "A"),
            VerificationStatus::Valid,
            None,
        ),
        // Issued to an email, presented in a verified VP by Bob's DID.
        (
            ob3(
                "urn:2",
                json!({"identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": false,
                                                "identityHash": "bob@example.com"}]}),
                "B",
            ),
            VerificationStatus::Valid,
            Some("did:key:z6MkBob"),
        ),
        (
            ob3(
                "urn:3",
                json!({"id": "did:key:z6MkCarol", "name": "Bob"}),
                "C",
            ),
            VerificationStatus::Valid,
            None,
        ),
    ];
    let records = records(&creds);
    let people = group_people(&records, &[]);
    assert_eq!(people.len(), 2);
    let bob = people.iter().find(|p| p.records().any(|r| r == 0)).unwrap();
    assert_eq!(bob.records().count(), 2);
    let link = bob.links.iter().find(|l| l.record == 1).unwrap();
    assert!(
        matches!(&link.reasons[0], LinkReason::PresentedByHolder { holder } if holder == "did:key:z6MkBob")
    );
    assert!(link.confidence > 0.98);
}

#[test]
fn invalid_and_revoked_credentials_show_nothing_and_alignments_are_accounted_for() {
    let creds = [
        (
            ob3("urn:1", json!({"id": "did:key:z6MkDan"}), "A"),
            VerificationStatus::Valid,
            None,
        ),
        (
            ob3("urn:2", json!({"id": "did:key:z6MkDan"}), "B"),
            VerificationStatus::Revoked,
            None,
        ),
        (
            ob3("urn:3", json!({"id": "did:key:z6MkDan"}), "C"),
            VerificationStatus::Invalid,
            None,
        ),
    ];
    let records = records(&creds);
    let people = group_people(&records, &[]);
    assert_eq!(people.len(), 1);
    let profile = build_profile(&people[0], &records, &NoFrameworks);
    assert_eq!(profile.credentials.len(), 3);
    let excluded: Vec<_> = profile
        .credentials
        .iter()
        .filter_map(|c| c.excluded.clone())
        .collect();
    assert_eq!(excluded.len(), 2);
    assert!(excluded.iter().any(|e| e.contains("revoked")));
    // Only the valid credential's alignment is accounted for, unresolved with its reason.
    assert_eq!(profile.unresolved.len(), 1);
    assert_eq!(
        profile.unresolved[0].alignment.target_url.as_deref(),
        Some("https://framework.example/x")
    );
    assert!(profile.unresolved[0].reason.contains("no skill frameworks"));
    assert!(profile.skills.is_empty());
    let text = profile.to_string();
    assert!(
        text.contains("reached no skill") && !text.contains("Revoked {"),
        "{text}"
    );
}

#[test]
fn skills_profile_over_the_bundled_frameworks() {
    let fw = credbridge_skills::Frameworks::load_bundled().unwrap();
    let python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let mut aligned = ob3(
        "urn:p1",
        json!({"id": "did:key:z6MkEve"}),
        "Python for data work",
    );
    aligned["credentialSubject"]["achievement"]["alignment"] = json!([{"type": "Alignment", "targetName": "Python", "targetUrl": python},
               {"type": "Alignment", "targetName": "Our own catalog item", "targetUrl": "https://college.example/catalog/42"}]);
    let creds = [
        (aligned, VerificationStatus::Valid, None),
        (
            ob3("urn:p2", json!({"id": "did:key:z6MkEve"}), "SQL"),
            VerificationStatus::NotChecked,
            None,
        ),
    ];
    let records = records(&creds);
    let people = group_people(&records, &[]);
    let profile = build_profile(&people[0], &records, &fw);
    let skill = profile
        .skills
        .iter()
        .find(|s| s.concept == python)
        .expect("python");
    assert_eq!(skill.status, credbridge_profile::SkillStatus::Verified);
    assert_eq!(
        skill.evidence[0].mapping.method,
        credbridge_profile::MappingMethod::Exact
    );
    assert_eq!(skill.framework, "ESCO");
    assert!(skill.group.is_some(), "grouped by the ESCO hierarchy");
    // The issuer's own catalog item and the fixture's placeholder alignment are unresolved, with reasons.
    let unresolved: Vec<_> = profile
        .unresolved
        .iter()
        .map(|u| (u.alignment.target_url.clone().unwrap(), u.reason.clone()))
        .collect();
    assert!(
        unresolved
            .iter()
            .any(|(url, reason)| url.ends_with("/catalog/42") && !reason.is_empty()),
        "{unresolved:?}"
    );
    // "SQL" as a name infers SQL, never as verified.
    let sql = profile
        .skills
        .iter()
        .find(|s| s.label == "SQL")
        .expect("sql inferred from the name");
    assert_eq!(sql.status, credbridge_profile::SkillStatus::Inferred);
    // A common word alone infers nothing.
    assert!(!profile.skills.iter().any(|s| s.label == "statistics"));
    assert!(
        profile
            .versions
            .frameworks
            .iter()
            .any(|(f, v)| f == "ESCO" && v == "1.1.1")
    );
}
