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

/// The `credbridge` binary beside this benchmark (`cargo build --release -p credbridge-cli`
/// puts it there; `cargo test --release` of the workspace builds it too).
fn credbridge_beside_bench() -> std::path::PathBuf {
    let bench = std::path::PathBuf::from(env!("CARGO_BIN_EXE_credbridge-bench"));
    let cli = bench.with_file_name("credbridge");
    assert!(
        cli.is_file(),
        "build the CLI first: cargo build --release -p credbridge-cli ({} is missing)",
        cli.display()
    );
    cli
}

#[test]
fn cli_benchmark_runs_the_real_binary_over_jsonl_a_folder_and_a_zip_with_every_verdict_right() {
    let cli = credbridge_beside_bench();
    let out = bench(&[
        "--cli",
        "60",
        "--runs",
        "1",
        "--credbridge",
        cli.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["cli-verify-jsonl", "cli-verify-folder", "cli-verify-zip"]
    );
    for line in &lines {
        assert_eq!(line["reports"], 60, "{line}");
        assert_eq!(line["wrong_verdicts"], 0, "{line}");
        assert!(line["ratio_to_baseline"]["median"].as_f64().unwrap() > 0.0);
        assert!(line["peak_rss_mb"]["max"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn every_suite_we_sign_has_a_row_beside_its_own_key_types_baseline() {
    let out = bench(&["--seconds", "0.02", "--filter=-verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let names: Vec<&str> = lines.iter().map(|l| l["name"].as_str().unwrap()).collect();
    for wanted in [
        "eddsa-rdfc-2022-verify",
        "eddsa-jcs-2022-verify",
        "ed25519signature2020-verify",
        "ed25519signature2018-verify",
        "ecdsa-rdfc-2019-p256-verify",
        "ecdsa-rdfc-2019-p384-verify",
        "ecdsa-jcs-2019-p256-verify",
        "ecdsasecp256k1signature2019-secp256k1-verify",
        "raw-p256-verify",
        "vc-jwt-eddsa-verify",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    for line in &lines {
        let name = line["name"].as_str().unwrap();
        if name.ends_with("-p256-verify") && !name.starts_with("raw-") {
            assert_eq!(line["baseline"]["name"], "raw-p256-verify", "{line}");
        }
    }
}
