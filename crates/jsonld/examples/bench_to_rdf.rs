//! Throughput of toRdf on the Open Badges 3.0 vector credential (proof removed) and its
//! proof configuration, with warm context caches, plus the whole RDFC hashing pipeline
//! (toRdf + RDFC-1.0 + SHA-256) and a same-run baseline (serde_json parse of the same bytes).
//!
//! Run: `cargo run --release -p credbridge-jsonld --example bench_to_rdf [iterations]`

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a benchmark binary over fixed, known-good vector data"
)]

use std::hint::black_box;
use std::time::Instant;

use credbridge_jsonld::{Options, Processor};
use credbridge_rdf::{CanonOptions, canonical_nquads};
use serde_json::Value;
use sha2::Digest;

fn measure(name: &str, iterations: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    let per_second = f64::from(iterations) / secs;
    println!(
        "{name:<40} per_second={per_second:>10.0}  us_per_op={:>8.2}",
        secs * 1e6 / f64::from(iterations)
    );
    per_second
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/openbadges-3.0/eddsa-rdfc-2022-vectors.json"
    );
    let all: Value =
        serde_json::from_slice(&std::fs::read(path).expect("vector file")).expect("vector JSON");
    let mut doc = all["obv3p0"]["signedCredential"].clone();
    let mut proof = doc
        .as_object_mut()
        .and_then(|o| o.remove("proof"))
        .expect("proof");
    if let Some(p) = proof.as_object_mut() {
        p.remove("proofValue");
        p.insert("@context".to_owned(), doc["@context"].clone());
    }
    let doc_bytes = serde_json::to_vec(&doc).expect("serialize");
    println!(
        "OB 3.0 credential: {} bytes compact JSON, {} iterations",
        doc_bytes.len(),
        iterations
    );

    let processor = Processor::with_bundled_contexts();
    let options = Options::safe();
    let quads = processor.to_rdf(&doc, &options).expect("toRdf");
    println!("quads: document {}", quads.len());

    measure("baseline: serde_json parse", iterations, || {
        let v: Value = serde_json::from_slice(black_box(&doc_bytes)).expect("json");
        black_box(v);
    });
    measure("expand (document)", iterations, || {
        black_box(processor.expand(black_box(&doc), &options).expect("expand"));
    });
    measure("toRdf (document)", iterations, || {
        black_box(processor.to_rdf(black_box(&doc), &options).expect("toRdf"));
    });
    measure("toRdf (proof configuration)", iterations, || {
        black_box(
            processor
                .to_rdf(black_box(&proof), &options)
                .expect("toRdf"),
        );
    });
    let canon = CanonOptions::default();
    measure("RDFC-1.0 alone (document quads)", iterations, || {
        black_box(canonical_nquads(black_box(&quads), &canon).expect("canon"));
    });
    measure("toRdf + RDFC-1.0 + SHA-256 (document)", iterations, || {
        let q = processor.to_rdf(black_box(&doc), &options).expect("toRdf");
        let text = canonical_nquads(&q, &canon).expect("canon");
        black_box(sha2::Sha256::digest(text.as_bytes()));
    });
    measure("parse + both hashes (document + proof)", iterations, || {
        let d: Value = serde_json::from_slice(black_box(&doc_bytes)).expect("json");
        for x in [&d, &proof] {
            let q = processor.to_rdf(x, &options).expect("toRdf");
            let text = canonical_nquads(&q, &canon).expect("canon");
            black_box(sha2::Sha256::digest(text.as_bytes()));
        }
    });
}
