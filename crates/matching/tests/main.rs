//! Golden tests: candidates (credentials built from the OB 3.0 specification) × three jobs → the
//! expected status of every requirement, with the evidencing credential.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::OnceLock;

use credbridge_matching::job::{from_esco_occupation, from_json_resume, from_onet, from_text};
use credbridge_matching::{CandidateSkills, Importance, JobIndex, MatchStatus, rank};
use credbridge_profile::{
    AchievementRecord, Candidate, Origin, SkillsProfile, Verification, VerificationStatus,
    build_profile, group_people, normalize,
};
use credbridge_skills::Frameworks;
use serde_json::{Value, json};

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const COMPUTER_PROGRAMMING: &str =
    "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97";
const SQL: &str = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742";
const QUERY_LANGUAGES: &str =
    "http://data.europa.eu/esco/skill/9cf681c7-89ec-470c-b651-7fe03786f586";
const PROJECT_MANAGEMENT: &str =
    "http://data.europa.eu/esco/skill/7111b95d-0ce3-441a-9d92-4c75d05c4388";

fn frameworks() -> &'static Frameworks {
    static FW: OnceLock<Frameworks> = OnceLock::new();
    FW.get_or_init(|| Frameworks::load_bundled().expect("bundled frameworks load"))
}

/// An OB 3.0 credential (the spec's shape) to `subject`, aligned to `alignments`.
fn badge(id: &str, subject: &str, name: &str, alignments: &[(&str, &str)]) -> Value {
    let alignment: Vec<Value> = alignments
        .iter()
        .map(|(url, label)| json!({"type": ["Alignment"], "targetName": label, "targetUrl": url, "targetFramework": "ESCO"}))
        .collect();
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:college.example", "type": ["Profile"], "name": "Example College"},
        "validFrom": "2025-05-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": subject,
            "achievement": {"id": format!("{id}:achievement"), "type": ["Achievement"], "name": name,
                "description": format!("{name} course"), "criteria": {"narrative": "Passed the final assessment"},
                "alignment": alignment}}
    })
}

struct Cohort {
    records: Vec<AchievementRecord>,
    profiles: Vec<SkillsProfile>,
}

fn cohort() -> Cohort {
    let creds: Vec<(Value, VerificationStatus)> = vec![
        // Ada: a verified Python credential (narrower than computer programming) and a verified SQL one.
        (
            badge(
                "urn:ada:1",
                "did:key:z6MkAda",
                "Python for data work",
                &[(PYTHON, "Python (computer programming)")],
            ),
            VerificationStatus::Valid,
        ),
        (
            badge("urn:ada:2", "did:key:z6MkAda", "Databases", &[(SQL, "SQL")]),
            VerificationStatus::ValidWithWarnings,
        ),
        // Ben: the same skills, but his Python credential did not verify and his SQL one is unchecked.
        (
            badge(
                "urn:ben:1",
                "did:key:z6MkBen",
                "Python for data work",
                &[(PYTHON, "Python (computer programming)")],
            ),
            VerificationStatus::Invalid,
        ),
        (
            badge("urn:ben:2", "did:key:z6MkBen", "Databases", &[(SQL, "SQL")]),
            VerificationStatus::NotChecked,
        ),
        // Cy: only the broader "query languages", and a revoked project management credential.
        (
            badge(
                "urn:cy:1",
                "did:key:z6MkCy",
                "Query languages",
                &[(QUERY_LANGUAGES, "query languages")],
            ),
            VerificationStatus::Valid,
        ),
        (
            badge(
                "urn:cy:2",
                "did:key:z6MkCy",
                "Projects",
                &[(PROJECT_MANAGEMENT, "project management")],
            ),
            VerificationStatus::Revoked,
        ),
    ];
    let records: Vec<AchievementRecord> = creds
        .iter()
        .enumerate()
        .flat_map(|(i, (c, status))| {
            let item = format!("cred-{i}.json");
            normalize(
                c,
                &Origin {
                    item: &item,
                    ..Origin::default()
                },
                &Verification::of(*status),
            )
            .records
        })
        .collect();
    let people = group_people(&records, &[] as &[Candidate]);
    assert_eq!(people.len(), 3);
    let profiles = people
        .iter()
        .map(|p| build_profile(p, &records, frameworks()))
        .collect();
    Cohort { records, profiles }
}

fn status_of(report: &credbridge_matching::MatchReport, concept: &str) -> MatchStatus {
    report
        .requirements
        .iter()
        .find(|l| l.concept.as_deref() == Some(concept))
        .map(|l| l.status)
        .unwrap_or_else(|| panic!("no line for {concept}"))
}

fn profile_of<'a>(cohort: &'a Cohort, did: &str) -> &'a SkillsProfile {
    cohort
        .profiles
        .iter()
        .find(|p| p.person.id == format!("person:{did}"))
        .expect("profile")
}

#[test]
fn job_from_text_golden() {
    let fw = frameworks();
    let job = from_text(
        fw,
        "Data engineer",
        "- computer programming\n- SQL\n- project management (nice to have)\n",
    )
    .unwrap();
    assert_eq!(job.requirements.len(), 3);
    assert_eq!(
        job.requirements[0].concept.as_deref(),
        Some(COMPUTER_PROGRAMMING)
    );
    assert_eq!(job.requirements[1].concept.as_deref(), Some(SQL));
    assert_eq!(job.requirements[2].importance, Importance::Preferred);
    assert_eq!(
        job.requirements[2].concept.as_deref(),
        Some(PROJECT_MANAGEMENT)
    );
    assert!(
        job.requirements
            .iter()
            .all(|r| !r.confirmed && r.mapping.is_some()),
        "text mappings await confirmation"
    );
    let index = JobIndex::new(job, fw);
    let c = cohort();

    let ada = index.report(profile_of(&c, "did:key:z6MkAda"), fw);
    assert_eq!(
        status_of(&ada, COMPUTER_PROGRAMMING),
        MatchStatus::MetVerified,
        "Python meets computer programming"
    );
    let line = ada
        .requirements
        .iter()
        .find(|l| l.concept.as_deref() == Some(COMPUTER_PROGRAMMING))
        .unwrap();
    assert_eq!(line.evidence[0].credential, "urn:ada:1");
    assert_eq!(line.evidence[0].path, [PYTHON, COMPUTER_PROGRAMMING]);
    assert_eq!(
        status_of(&ada, SQL),
        MatchStatus::MetVerified,
        "valid with warnings still verifies"
    );
    assert_eq!(status_of(&ada, PROJECT_MANAGEMENT), MatchStatus::NotShown);
    assert!((ada.coverage.required - 1.0).abs() < 1e-9);

    let ben = index.report(profile_of(&c, "did:key:z6MkBen"), fw);
    assert_eq!(
        status_of(&ben, COMPUTER_PROGRAMMING),
        MatchStatus::NotShown,
        "an invalid credential meets nothing"
    );
    assert_eq!(
        status_of(&ben, SQL),
        MatchStatus::MetInferred,
        "an unchecked credential is not verified evidence"
    );
    assert!(
        (ben.coverage.required - 0.25).abs() < 1e-9,
        "{:?}",
        ben.coverage
    );

    let cy = index.report(profile_of(&c, "did:key:z6MkCy"), fw);
    assert_eq!(
        status_of(&cy, SQL),
        MatchStatus::Partial,
        "query languages is broader than SQL"
    );
    assert_eq!(
        status_of(&cy, PROJECT_MANAGEMENT),
        MatchStatus::NotShown,
        "a revoked credential meets nothing"
    );
    assert_eq!(
        cy.requirements
            .iter()
            .find(|l| l.concept.as_deref() == Some(SQL))
            .unwrap()
            .evidence[0]
            .credential,
        "urn:cy:1"
    );

    // Ranking: Ada, then Cy (0.25) and Ben (0.25) by verified count, ties in input order.
    let compact: Vec<CandidateSkills> = c
        .profiles
        .iter()
        .map(|p| CandidateSkills::of(p, fw))
        .collect();
    let ranked = rank(&index, &compact);
    assert_eq!(ranked[0].candidate, "person:did:key:z6MkAda");
    // Every report pins its versions.
    assert_eq!(ada.versions.rules, "credbridge-match/1");
    assert!(
        ada.versions
            .frameworks
            .iter()
            .any(|(f, v)| f == "ESCO" && v == "1.1.1")
    );
    assert!(!c.records.is_empty());
}

#[test]
fn job_from_esco_occupation_golden() {
    let fw = frameworks();
    // "data analyst" in ESCO 1.1.1.
    let occupation = fw
        .store()
        .iter()
        .find(|(_, c)| c.pref_label == "data analyst" && c.iri.contains("/occupation/"))
        .map(|(_, c)| c.iri.clone())
        .expect("ESCO has a data analyst occupation");
    let job = from_esco_occupation(fw, &occupation).unwrap();
    assert_eq!(job.title, "data analyst");
    let required = job
        .requirements
        .iter()
        .filter(|r| r.importance == Importance::Required)
        .count();
    assert!(
        required >= 5 && job.requirements.len() > required,
        "essential and optional skills: {required}/{}",
        job.requirements.len()
    );
    let index = JobIndex::new(job, fw);
    let c = cohort();
    let ada = index.report(profile_of(&c, "did:key:z6MkAda"), fw);
    // Every line is explained; met lines name their credential.
    for line in &ada.requirements {
        assert!(line.concept.is_some());
        if matches!(
            line.status,
            MatchStatus::MetVerified | MatchStatus::MetInferred
        ) {
            assert!(!line.evidence.is_empty(), "{line:?}");
        }
    }
    assert!(
        ada.coverage.required
            >= index
                .report(profile_of(&c, "did:key:z6MkBen"), fw)
                .coverage
                .required
    );
    assert!(from_esco_occupation(fw, "http://data.europa.eu/esco/occupation/not-there").is_err());
}

#[test]
fn job_from_onet_and_json_resume_golden() {
    let fw = frameworks();
    // Software Developers (15-1252.00) is not rated in O*NET 29.2: a specific error, not an empty job.
    assert!(matches!(
        from_onet(fw, "15-1252.00"),
        Err(credbridge_matching::MatchError::NoRequirements { .. })
    ));
    let job = from_onet(fw, "15-1211.00").expect("computer systems analysts");
    assert!(
        job.requirements
            .iter()
            .any(|r| r.importance == Importance::Required)
    );
    assert!(job.requirements.iter().all(|r| r.concept.is_some()));
    assert!(
        job.requirements.iter().any(|r| r.min_level.is_some()),
        "O*NET levels become minimum levels"
    );
    let sample: Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../crates/matching/tests/data/sample.job.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let job = from_json_resume(fw, &sample).unwrap();
    assert_eq!(job.title, "Web Developer");
    let sql = job.requirements.iter().find(|r| matches!(&r.source, credbridge_matching::RequirementSource::Text { text, .. } if text == "SQL")).unwrap();
    assert_eq!(sql.concept.as_deref(), Some(SQL));
    let index = JobIndex::new(job, fw);
    let c = cohort();
    let ada = index.report(profile_of(&c, "did:key:z6MkAda"), fw);
    assert_eq!(status_of(&ada, SQL), MatchStatus::MetVerified);
    // A job file round-trips.
    let bytes = serde_json::to_vec(index.job()).unwrap();
    assert_eq!(
        &credbridge_matching::Job::from_json(&bytes).unwrap(),
        index.job()
    );
    assert!(credbridge_matching::Job::from_json(b"{\"title\": 3}").is_err());
}
