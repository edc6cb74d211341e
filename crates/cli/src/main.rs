//! `credbridge`: receive, verify and normalize digital credentials.
//!
//! This file only parses arguments, calls [`cmd::run`] and maps the outcome to an exit code; every
//! subcommand lives in its own module under `cmd/` and only formats what the library crates decide.

// The binary assembles its own output objects with `value["key"] = …`, which inserts into an
// object it just built and cannot panic; the input paths go through the library crates, which
// keep the lint.
#![allow(clippy::indexing_slicing)]

/// `println!` that returns the write error instead of panicking (a closed pipe, as in
/// `credbridge profile … | head`, is an ordinary end of output: see `main`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod args;
mod cmd;
mod exit;
mod output;

use std::process::ExitCode;

/// See the `mimalloc` feature in Cargo.toml for why (measured with `credbridge bench --bulk`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = args::parse();
    match cmd::run(args) {
        Ok(status) => status.into(),
        // The reader went away (`| head`): nothing more to say, as ripgrep does.
        Err(err)
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // `{:#}` prints the whole cause chain on one line: "reading x.json: permission denied".
            // Errors may quote a path or a value from the input: escaped like all output.
            eprintln!("credbridge: {}", output::clean(&format!("{err:#}")));
            exit::Status::InputError.into()
        }
    }
}
