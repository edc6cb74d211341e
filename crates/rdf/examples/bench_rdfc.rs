//! RDFC-1.0 throughput on real credential datasets, with a raw SHA-256 baseline of the
//! same canonical bytes measured in the same run.
//!
//! `CARGO_TARGET_DIR=/work/targets/rdf cargo run --release -p credbridge-rdf --example bench_rdfc [iterations] [filter]`
//!
//! `filter` keeps only the rows whose "dataset operation" name contains it.
//!
//! Each dataset is a published canonical form whose `c14nN` labels are renamed to random
//! labels and whose lines are shuffled, so the canonicalizer does the full work. The run
//! checks that it reproduces the published text before timing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Instant;

use credbridge_rdf::{
    CanonOptions, HashAlgorithm, Quad, Term, canonical_nquads, canonicalize, parse_nquads,
};
use sha2::Digest as _;

const DATASETS: &[(&str, &str)] = &[
    (
        "ob3-credential (OB 3.0 example)",
        "openbadges-3.0/obv3p0/document-canon.txt",
    ),
    (
        "vc-di-eddsa employ",
        "vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
    ),
    (
        "clr-2.0 (CLR example)",
        "openbadges-3.0/clrv2p0/document-canon.txt",
    ),
];

/// A tiny xorshift so the example needs no `rand`.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn scramble(quads: &mut [Quad], rng: &mut Rng) {
    let salt = rng.next();
    let rename = |t: &mut Term| {
        if let Term::BlankNode(label) = t {
            *label = format!("n{:x}{}", salt, label.trim_start_matches("c14n"));
        }
    };
    for q in quads.iter_mut() {
        rename(&mut q.subject);
        rename(&mut q.object);
        if let Some(g) = q.graph.as_mut() {
            rename(g);
        }
    }
    for i in (1..quads.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        quads.swap(i, j);
    }
}

/// Best of 5 rounds: on a shared 2-core machine the best round is the one least disturbed
/// by other processes, which is what this loop is meant to measure.
fn per_second(iterations: u32, f: &mut dyn FnMut()) -> (f64, f64) {
    const ROUNDS: u32 = 5;
    let per_round = (iterations / ROUNDS).max(1);
    for _ in 0..per_round / 10 {
        f();
    }
    let mut best = f64::INFINITY;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..per_round {
            f();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let per_call = best / f64::from(per_round);
    (1.0 / per_call, per_call * 1e6)
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .map_or(200_000, |s| s.parse().expect("iterations"));
    let filter = std::env::args().nth(2).unwrap_or_default();
    let vectors =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors");
    let options = CanonOptions::default();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for (name, path) in DATASETS {
        let published = std::fs::read_to_string(vectors.join(path)).unwrap();
        let mut quads = parse_nquads(&published).unwrap();
        scramble(&mut quads, &mut rng);
        let canonical = canonicalize(&quads, &options).unwrap();
        assert_eq!(
            canonical.nquads, published,
            "{name}: canonical form differs"
        );
        let blank_nodes = canonical.issued_identifiers.len();
        println!(
            "{name}: {} quads, {blank_nodes} blank nodes, {} bytes",
            quads.len(),
            published.len()
        );

        let row = |op: &str, f: &mut dyn FnMut()| {
            let label = format!("{name} {op}");
            if label.contains(&filter) {
                let (ps, us) = per_second(iterations, f);
                println!("  {op:<28} per_second={ps:>10.0}  {us:.2} µs");
            }
        };
        row("canonical_nquads", &mut || {
            black_box(canonical_nquads(black_box(&quads), &options).unwrap());
        });
        row("canonical_nquads + SHA-256", &mut || {
            let text = canonical_nquads(black_box(&quads), &options).unwrap();
            black_box(HashAlgorithm::Sha256.digest(text.as_bytes()));
        });
        row("canonicalize (quads + map)", &mut || {
            black_box(canonicalize(black_box(&quads), &options).unwrap());
        });
        row("parse_nquads", &mut || {
            black_box(parse_nquads(black_box(&published)).unwrap());
        });
        row("baseline: raw SHA-256", &mut || {
            black_box(sha2::Sha256::digest(black_box(published.as_bytes())));
        });
    }

    // The rdf-canon suite's poison graph (10-node clique): how fast it is refused.
    let poison =
        std::fs::read_to_string(vectors.join("rdf-canon/tests/rdfc10/test074-in.nq")).unwrap();
    let poison = parse_nquads(&poison).unwrap();
    let err = canonicalize(&poison, &options).unwrap_err();
    println!("poison clique (test074): {} quads -> {err}", poison.len());
    if "poison refused".contains(&filter) {
        let (ps, us) = per_second(iterations / 10, &mut || {
            black_box(canonical_nquads(black_box(&poison), &options).unwrap_err());
        });
        println!("  {:<28} per_second={ps:>10.0}  {us:.2} µs", "refused");
    }
}
