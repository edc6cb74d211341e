//! Ranking benchmark: 100,000 candidate profiles against a 20-requirement job on one core, beside
//! a baseline measured in the same run (the same number of plain hash lookups, the floor of any
//! scoring that reads each candidate skill once).
//!
//! `cargo run --release -p credbridge-matching --example rank_bench [CANDIDATES] [SKILLS_PER_CANDIDATE]`
//! Prints one JSON line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use credbridge_matching::job::from_esco_occupation;
use credbridge_matching::{CandidateSkills, JobIndex, rank};
use credbridge_profile::SkillStatus;
use credbridge_skills::{ConceptId, ConceptKind, Frameworks};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let per: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(15);
    let fw = Frameworks::load_bundled().expect("frameworks");
    let occupation = fw
        .store()
        .iter()
        .find(|(_, c)| c.pref_label == "data analyst" && c.iri.contains("/occupation/"))
        .map(|(_, c)| c.iri.clone())
        .expect("data analyst");
    let mut job = from_esco_occupation(&fw, &occupation).expect("job");
    job.requirements.truncate(20);
    let index = JobIndex::new(job, &fw);
    // Candidates: skills drawn (deterministically) from the requirement neighbourhoods and from
    // the whole skills pillar, so some candidates meet much and most meet little.
    let skills: Vec<ConceptId> = fw
        .store()
        .iter()
        .filter(|(_, c)| matches!(c.kind, ConceptKind::Skill | ConceptKind::Knowledge))
        .map(|(id, _)| id)
        .collect();
    let required: Vec<ConceptId> = index
        .job()
        .requirements
        .iter()
        .filter_map(|r| fw.store().id_of(r.concept.as_deref()?))
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let statuses = [
        SkillStatus::Verified,
        SkillStatus::Unverified,
        SkillStatus::Inferred,
    ];
    let candidates: Vec<CandidateSkills> = (0..n)
        .map(|i| CandidateSkills {
            candidate: format!("person:{i}"),
            skills: (0..per)
                .map(|k| {
                    let r = next();
                    let id = if k < 3 {
                        required[(r as usize) % required.len()]
                    } else {
                        skills[(r as usize) % skills.len()]
                    };
                    (id, statuses[(r >> 32) as usize % 3])
                })
                .collect(),
        })
        .collect();

    // Baseline: one hash lookup per candidate skill in a map of the same size as the job's reach.
    let table: HashMap<ConceptId, u32> = skills
        .iter()
        .take(2_000)
        .enumerate()
        .map(|(i, &id)| (id, i as u32))
        .collect();
    let start = Instant::now();
    let mut hits = 0u64;
    for c in &candidates {
        for (id, _) in &c.skills {
            if let Some(v) = table.get(id) {
                hits += u64::from(*v);
            }
        }
    }
    black_box(hits);
    let baseline = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let ranked = rank(&index, &candidates);
    let seconds = start.elapsed().as_secs_f64();
    black_box(&ranked);
    println!(
        "{{\"name\":\"rank-candidates\",\"candidates\":{n},\"requirements\":{},\"skills_per_candidate\":{per},\"ms\":{:.1},\"baseline\":{{\"name\":\"hash-lookup-per-skill\",\"ms\":{:.1}}},\"ratio_to_baseline\":{:.2},\"top_coverage\":{:.3}}}",
        index.job().requirements.len(),
        seconds * 1e3,
        baseline * 1e3,
        seconds / baseline,
        ranked.first().map_or(0.0, |r| r.coverage.required)
    );
}
