//! The composition root of credbridge: [`Settings`] (plain data from an optional TOML file,
//! `CREDBRIDGE_*` environment variables and the front end's flags) built into the services a
//! verification runs with: the JSON-LD context loader, the resolver chain (did:key, did:jwk,
//! DID folders, did:web and https when online), the document sources (a local map, the guarded
//! HTTP client), issuer trust, and [`credbridge_verify::VerifyOptions`]. The CLI and the server
//! build their verifier here, so the two cannot drift.
//!
//! **Not here:** argv (clap lives in `credbridge-cli`; this crate never sees a flag, only
//! fields the front end set), printing (a skipped file comes back as a [`Warning`] for the
//! caller to show), verdicts (`credbridge-verify`), HTTP (`credbridge-fetch`, which this crate
//! only constructs).
//!
//! # Main types
//! - [`Settings`]: every setting as data; [`Settings::from_env_and_file`] merges defaults <
//!   file < environment ([`ENV_VARS`]); the front end assigns its flags last.
//! - [`Settings::build`] → [`Built`]: `options` ([`credbridge_verify::VerifyOptions`]), the
//!   `client` when online, and `warnings`.
//! - [`context_loader`], [`unix_time`] / [`parse_instant`]: what other commands (canonize,
//!   sign) share; [`is_url`] and [`Built::fetch_input`] for a credential given by URL.
//! - [`update_registries`] (`credbridge registries update`) and [`read_snapshots`]: dated
//!   snapshots of the DCC registries that [`Settings::build`] prefers to the bundled ones.
//! - [`FrameworkAlignmentChecker`]: the data-quality lint's alignment check answered by the
//!   bundled ESCO and O*NET concepts (IRI shapes for frameworks that are not bundled).
//! - [`ConfigError`]: names the file, folder or variable at fault.
//!
//! # Example
//! ```
//! use credbridge_config::Settings;
//!
//! // A file and the environment, then a flag on top.
//! let mut settings = Settings::from_sources(None, |var| {
//!     (var == "CREDBRIDGE_MAX_CLOCK_SKEW").then(|| "60".into())
//! })?;
//! settings.offline = true; // --offline
//! settings.at = Some("2025-06-01T00:00:00Z".into()); // --at
//! let built = settings.build()?;
//! assert_eq!(built.options.max_clock_skew, 60);
//! assert_eq!(built.options.now, 1_748_736_000);
//! assert!(built.client.is_none() && built.options.documents.is_none());
//! # Ok::<(), credbridge_config::ConfigError>(())
//! ```
//!
//! # Design decisions
//! - **Data in, built objects out** (STYLE §2, ripgrep's low-level / high-level arguments):
//!   [`Settings`] is comparable and printable; everything with behaviour is made in
//!   [`Settings::build`], once per run (or once per server start).
//! - **The environment is read only on request** ([`Settings::from_env_and_file`]);
//!   [`Settings::from_sources`] takes it as a function, so tests never set process variables.
//! - **A stray file in a DID folder is a warning, not a refusal** (issue 9 item 10): one bad
//!   file among hundreds of DID documents must not stop a run; the folder itself must exist.
//! - **Unknown keys in the TOML file are refused**: a misspelt `ofline = true` must not
//!   silently verify online.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod alignment;
mod build;
mod did_dir;
mod error;
mod registries;
mod settings;

pub use alignment::FrameworkAlignmentChecker;
pub use build::{Built, context_loader, is_url, parse_instant, unix_time};
pub use did_dir::{MAX_DID_DIR_DEPTH, MAX_DID_DIR_FILES, read_did_dir};
pub use error::{ConfigError, Warning};
pub use registries::{
    DCC_REGISTRY_BASE, RegistrySnapshot, Updated, default_data_dir, default_registry_dir,
    read_snapshots, update_registries,
};
pub use settings::{ENV_VARS, Settings};

use std::io::Read;
use std::path::Path;

/// Largest configuration file read (settings, document map, registry, DID document): they are
/// small; the limit guards a wrong path.
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads `path`, refusing anything over `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ConfigError> {
    let read_error = |e: std::io::Error| ConfigError::Read {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read_error)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(ConfigError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}
