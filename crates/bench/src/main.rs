//! `credbridge-bench`: throughput of the verification pipeline, each figure next to a baseline
//! measured in the same run (raw Ed25519 or P-256 verifications), so figures from different or
//! busy machines compare as ratios. A development tool: it generates credentials and serves a
//! status list on loopback, which the shipped `credbridge` binary has no business doing.
//!
//! ```text
//! cargo run --release -p credbridge-bench -- --seconds 2      # one JSON line per benchmark
//! cargo run --release -p credbridge-bench -- --bulk 20000     # the bulk verification run
//! cargo build --release -p credbridge-cli -p credbridge-bench
//! target/release/credbridge-bench --cli 100000 --runs 3     # the real CLI over JSONL/folder/zip
//! ```

// The generator builds its own credentials with `value["key"] = …`, which inserts into an object
// it just made and cannot panic (as in the CLI).
#![allow(clippy::indexing_slicing)]

mod bulk;
mod cli;
mod micro;

use std::process::ExitCode;

use clap::Parser;

/// See the `mimalloc` feature in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Measure throughput of the verification pipeline against same-run baselines; one JSON line
/// per benchmark.
#[derive(Debug, Parser)]
#[command(name = "credbridge-bench", version, about, long_about = None)]
pub struct BenchArgs {
    /// Seconds to run each measurement (baselines included).
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
    /// Run only benchmarks whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Run the bulk benchmark instead: generate this many signed credentials (mixed suites,
    /// some revoked via a status list on loopback, some expired, some tampered), verify them
    /// all in parallel and check every verdict.
    #[arg(long, value_name = "N")]
    pub bulk: Option<usize>,
    /// Run the CLI benchmark instead: generate this many credentials as --bulk does, lay them
    /// out as JSON Lines, a folder and a zip, and time the real `credbridge verify --offline
    /// --json` over each (process start to exit, peak memory, every verdict checked).
    #[arg(long, value_name = "N")]
    pub cli: Option<usize>,
    /// With --cli: runs per layout (figures are min/median/max over them).
    #[arg(long, default_value_t = 3, value_name = "R")]
    pub runs: usize,
    /// With --cli: which layouts, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "jsonl,folder,zip", value_parser = cli::Layout::parse)]
    pub layouts: Vec<cli::Layout>,
    /// With --cli: the credbridge binary [default: the one beside credbridge-bench].
    #[arg(long, value_name = "PATH")]
    pub credbridge: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    let args = BenchArgs::parse();
    match micro::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("credbridge-bench: {err:#}");
            ExitCode::from(2)
        }
    }
}
