//! A skills profile from 1,000 credentials, after the frameworks are loaded, beside a baseline
//! measured in the same run (parsing the same 1,000 credentials from JSON text, the floor of any
//! work that reads them).
//!
//! `cargo run --release -p credbridge-profile --example profile_bench [N]`; prints one JSON line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Instant;

use credbridge_profile::{
    Origin, Verification, VerificationStatus, build_profile, group_people, normalize,
};
use credbridge_skills::{ConceptKind, Frameworks};
use serde_json::{Value, json};

const NAMES: &[&str] = &[
    "Python for data work",
    "Introduction to SQL",
    "Project management essentials",
    "Welding safety",
    "Customer service excellence",
    "Spreadsheet skills",
    "Technical writing",
    "Cloud computing basics",
    "First aid at work",
    "Statistics for managers",
    "Machine learning foundations",
    "Public speaking",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let fw = Frameworks::load_bundled().unwrap();
    let skills: Vec<(String, String)> = fw
        .store()
        .iter()
        .filter(|(_, c)| matches!(c.kind, ConceptKind::Skill | ConceptKind::Knowledge))
        .map(|(_, c)| (c.iri.clone(), c.pref_label.clone()))
        .collect();
    let texts: Vec<String> = (0..n)
        .map(|i| {
            let (iri, label) = &skills[(i * 7919) % skills.len()];
            let name = format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len());
            serde_json::to_string(&json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:{i}"), "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": "did:web:college.example", "type": "Profile", "name": "College"},
                "validFrom": "2025-01-01T00:00:00Z",
                "credentialSubject": {"type": "AchievementSubject", "id": "did:key:z6MkOne",
                    "achievement": {"id": format!("urn:a:{i}"), "type": "Achievement", "name": name, "description": "d",
                        "criteria": {"narrative": "n"},
                        "alignment": [{"type": "Alignment", "targetName": label, "targetUrl": iri}]}}
            }))
            .unwrap()
        })
        .collect();

    let start = Instant::now();
    let parsed: Vec<Value> = texts
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
    let baseline = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let records: Vec<_> = parsed
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            let item = format!("c{i}.json");
            normalize(
                v,
                &Origin {
                    item: &item,
                    ..Origin::default()
                },
                &Verification::of(VerificationStatus::Valid),
            )
            .records
        })
        .collect();
    let people = group_people(&records, &[]);
    let profile = build_profile(&people[0], &records, &fw);
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"name\":\"profile-from-credentials\",\"credentials\":{n},\"skills\":{},\"ms\":{:.1},\"baseline\":{{\"name\":\"serde-json-parse\",\"ms\":{:.1}}},\"ratio_to_baseline\":{:.1}}}",
        profile.skills.len(),
        seconds * 1e3,
        baseline * 1e3,
        seconds / baseline
    );
}
