//! End-to-end tests of the `credbridge-bench` binary: every benchmark line carries its same-run
//! baseline, and the bulk run gets every verdict right (over a real loopback status list).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::{Command, Output};

use serde_json::Value;

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credbridge-bench"))
        .args(args)
        .output()
        .expect("run credbridge-bench")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

#[test]
fn bench_prints_one_json_line_per_benchmark_with_a_baseline() {
    let out = bench(&["--seconds", "0.05", "--filter", "eddsa-jcs"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["raw-ed25519-verify", "eddsa-jcs-2022-verify"]);
    for line in &lines {
        assert!(line["per_second"].as_f64().unwrap() > 0.0);
        assert!(line["baseline"]["per_second"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn bulk_benchmark_gets_every_verdict_right() {
    let out = bench(&["--bulk", "300"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["name"], "bulk-verify-mixed");
    assert_eq!(line["credentials"], 300);
    assert_eq!(line["wrong_verdicts"], 0, "{line}");
    assert!(line["per_second"].as_f64().unwrap() > 0.0);
    assert!(line["baseline"]["per_second"].as_f64().unwrap() > 0.0);
    assert!(line["peak_rss_mb"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_seconds_are_refused_with_code_2() {
    let out = bench(&["--seconds", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--seconds"));
}
