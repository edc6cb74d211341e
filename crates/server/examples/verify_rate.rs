//! The in-process baseline for the HTTP benchmark: how many times per second this machine
//! decodes and verifies one credential file with the server's verifier (offline), on `THREADS`
//! threads (default: the number of cores), for `SECONDS` seconds (default 10).
//!
//! `cargo run --release -p credbridge-server --example verify_rate -- examples/ob3-eddsa-rdfc-2022.json`

// A benchmark tool run by hand: failing loudly on a bad path is what we want.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use credbridge_server::verifier::{Verifier, build_verify_options};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/ob3-eddsa-rdfc-2022.json".into());
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let threads: usize = std::env::var("THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
    let seconds: u64 = std::env::var("SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let verifier = Verifier::new(build_verify_options(true).unwrap());
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs() as i64);
                    let options = verifier.options(now, None, None);
                    let outcomes = verifier.verify_bytes(&bytes, "bench", &options);
                    assert!(outcomes.iter().all(|o| o.report.is_ok()));
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    let elapsed = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "in-process: {n} verifications in {elapsed:.1} s on {threads} threads = {:.0}/s",
        n as f64 / elapsed
    );
}
