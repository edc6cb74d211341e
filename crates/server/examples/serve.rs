//! `credbridge serve` until the CLI's `serve` subcommand lands: settings from `CREDBRIDGE_*`
//! variables only (e.g. `CREDBRIDGE_DEV=1 CREDBRIDGE_LISTEN=127.0.0.1:8080
//! CREDBRIDGE_DATA_DIR=/tmp/cb cargo run --release -p credbridge-server --example serve`).
//! Used by the fault script and the benchmark in `scripts/`.

use std::process::ExitCode;

use credbridge_server::{ServeSettings, SettingsLayer, default_data_dir, serve};

fn main() -> ExitCode {
    let env = match SettingsLayer::from_env(std::env::vars()) {
        Ok(layer) => layer,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let data_dir = default_data_dir().unwrap_or_else(|| "credbridge-data".into());
    let settings = match ServeSettings::resolve(&[env], data_dir) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
