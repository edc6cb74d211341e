//! The same-run baseline of the issuing benchmark (`scripts/bench_issue.sh`): raw Ed25519
//! signatures per second of a 64-byte message (the size of an eddsa-rdfc-2022 signing input:
//! two SHA-256 hashes) on `THREADS` threads (default: the number of cores) for `SECONDS`
//! seconds (default 10), and per CPU-second.
//!
//! `cargo run --release -p credbridge-server --example sign_rate`

// A benchmark tool run by hand: failing loudly is what we want.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use credbridge_keys::{Algorithm, KeyType, SecretKey};

fn main() {
    let threads: usize = std::env::var("THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
    let seconds: u64 = std::env::var("SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let key = SecretKey::generate(KeyType::Ed25519).unwrap();
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let key = &key;
            let done = &done;
            let stop = &stop;
            scope.spawn(move || {
                let mut message = [0u8; 64];
                let mut n: u64 = 0;
                while !stop.load(Ordering::Relaxed) {
                    message[..8].copy_from_slice(&n.to_le_bytes());
                    message[8] = t as u8;
                    let signature = key.sign(Algorithm::EdDsa, &message).unwrap();
                    std::hint::black_box(signature);
                    n += 1;
                    if n.is_multiple_of(256) {
                        done.fetch_add(256, Ordering::Relaxed);
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let n = done.load(Ordering::Relaxed);
    println!(
        "raw Ed25519: {n} signatures in {elapsed:.1} s on {threads} threads = {:.0}/s; {cpu:.1} CPU s = {:.0} per CPU-second",
        n as f64 / elapsed,
        n as f64 / cpu.max(0.01)
    );
}

/// This process's user + system CPU time, from /proc/self/stat (USER_HZ = 100); 0 without /proc.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
