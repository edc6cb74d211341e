//! The in-process baseline for the HTTP benchmark: how many times per second this machine
//! decodes and verifies one credential file with the server's verifier (offline), on `THREADS`
//! threads (default: the number of cores), for `SECONDS` seconds (default 10); and how many
//! per CPU-second, which does not depend on what else the machine runs (the figure to set
//! beside the server's requests per CPU-second).
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
    let cpu_before = cpu_seconds();
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
    let cpu = cpu_seconds() - cpu_before;
    let n = done.load(Ordering::Relaxed);
    println!(
        "in-process: {n} verifications in {elapsed:.1} s on {threads} threads = {:.0}/s; {cpu:.1} CPU s = {:.0} per CPU-second",
        n as f64 / elapsed,
        n as f64 / cpu.max(0.01)
    );
}

/// This process's user + system CPU time, from /proc/self/stat (clock ticks of USER_HZ = 100,
/// fixed by the Linux ABI); 0 where there is no /proc.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
