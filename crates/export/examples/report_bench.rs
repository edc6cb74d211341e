//! Report benchmark: the one-page PDF of a full candidate (up to 25 credentials, each aligned to an
//! ESCO skill, with a 20-requirement match shown), beside a baseline measured in the same run:
//! the HTML rendering of the same report (the same content, no layout or PDF objects).
//!
//! `cargo run --release -p credbridge-export --example report_bench [ROUNDS]`
//! Prints one JSON line: p50 and p95 in milliseconds for each, and the PDF/HTML ratio. The
//! acceptance target (issue 14) is the PDF in < 200 ms.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;

use credbridge_export::{Dossier, Original, report_html, report_pdf};
use credbridge_matching::JobIndex;
use credbridge_matching::job::from_esco_occupation;
use credbridge_profile::{
    Origin, Verification, VerificationStatus, build_profile, group_people, normalize,
};
use credbridge_skills::{ConceptKind, Frameworks};
use serde_json::json;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let fw = Frameworks::load_bundled().expect("frameworks");
    let occupation = fw
        .store()
        .iter()
        .find(|(_, c)| c.pref_label == "data analyst" && c.iri.contains("/occupation/"))
        .map(|(_, c)| c.iri.clone())
        .expect("data analyst");
    let mut job = from_esco_occupation(&fw, &occupation).expect("job");
    job.requirements.truncate(20);
    // 25 credentials: the first 12 aligned to the job's own skills, the rest to other skills.
    let mut targets: Vec<(String, String)> = job
        .requirements
        .iter()
        .filter_map(|r| Some((r.concept.clone()?, r.label.clone())))
        .take(12)
        .collect();
    targets.extend(
        fw.store()
            .iter()
            .filter(|(_, c)| matches!(c.kind, ConceptKind::Skill))
            .step_by(997)
            .map(|(_, c)| (c.iri.clone(), c.pref_label.clone()))
            .take(25 - targets.len()),
    );
    let mut records = Vec::new();
    let mut originals = Vec::new();
    for (i, (iri, label)) in targets.iter().enumerate() {
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:college.example", "type": ["Profile"], "name": "Example College"},
            "validFrom": "2025-05-01T00:00:00Z",
            "credentialSubject": {"type": ["AchievementSubject"], "id": "did:key:z6MkBenchLearner",
                "achievement": {"id": format!("https://college.example/a/{i}"), "type": ["Achievement"],
                    "name": format!("Course in {label}"), "description": "A graded course.",
                    "criteria": {"narrative": "Passed the final assessment"},
                    "alignment": [{"type": ["Alignment"], "targetName": label, "targetUrl": iri, "targetFramework": "ESCO"}]}}
        });
        let item = format!("credential-{i}.json");
        let status = if i % 3 == 0 {
            VerificationStatus::Valid
        } else {
            VerificationStatus::ValidWithWarnings
        };
        records.extend(
            normalize(
                &credential,
                &Origin {
                    item: &item,
                    ..Origin::default()
                },
                &Verification::of(status),
            )
            .records,
        );
        originals.push(Original {
            file_name: item.clone(),
            credential_id: credential["id"].as_str().map(str::to_owned),
            item,
            bytes: serde_json::to_vec(&credential).unwrap(),
            json: Some(credential),
        });
    }
    let people = group_people(&records, &[]);
    assert_eq!(people.len(), 1);
    let profile = build_profile(&people[0], &records, &fw);
    let report = JobIndex::new(job, &fw).report(&profile, &fw);
    let dossier = Dossier {
        profile: &profile,
        originals: &originals,
        match_report: Some(&report),
        verifier_url: Some("https://verify.example.org/"),
        generated_at: "2026-12-07T12:00:00Z",
    };
    // Warm up, then alternate the two so that both see the same machine load.
    for _ in 0..5 {
        black_box(report_pdf(&dossier));
        black_box(report_html(&dossier));
    }
    let mut pdf = Vec::with_capacity(rounds);
    let mut html = Vec::with_capacity(rounds);
    let mut pdf_bytes = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        pdf_bytes = black_box(report_pdf(&dossier)).len();
        pdf.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        black_box(report_html(&dossier));
        html.push(t.elapsed().as_secs_f64() * 1e3);
    }
    pdf.sort_by(f64::total_cmp);
    html.sort_by(f64::total_cmp);
    let (pdf50, html50) = (percentile(&pdf, 0.5), percentile(&html, 0.5));
    println!(
        "{}",
        json!({
            "bench": "report_pdf",
            "rounds": rounds,
            "skills": profile.skills.len(),
            "credentials": originals.len(),
            "requirements": report.requirements.len(),
            "pdf_bytes": pdf_bytes,
            "pdf_ms_p50": pdf50,
            "pdf_ms_p95": percentile(&pdf, 0.95),
            "baseline_html_ms_p50": html50,
            "baseline_html_ms_p95": percentile(&html, 0.95),
            "pdf_over_html": pdf50 / html50,
            "target_ms": 200,
            "pass": pdf50 < 200.0,
        })
    );
}
