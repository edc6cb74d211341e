//! `credbridge registries update`: refresh the DCC registry snapshots (the work is
//! `credbridge_config::update_registries`; this prints what was written).

use anyhow::{Context, Result};
use credbridge_config::Settings;
use serde_json::json;

use crate::args::RegistriesUpdateArgs;
use crate::exit::Status;
use crate::output::clean;

pub fn update(args: &RegistriesUpdateArgs, as_json: bool) -> Result<Status> {
    let mut settings = Settings::from_env_and_file(None)?;
    settings.offline |= args.offline;
    settings.dangerous_allow_loopback |= args.dangerous_allow_loopback;
    let dir = args
        .output
        .clone()
        .or_else(|| settings.registry_snapshots.clone())
        .or_else(credbridge_config::default_registry_dir)
        .context("no data folder on this platform: give one with -o DIR")?;
    let built = settings.build()?;
    let written = credbridge_config::update_registries(
        built.client.as_deref(),
        &dir,
        args.sandbox,
        args.dangerous_registry_base.as_deref(),
        built.options.now,
    )?;
    for updated in &written {
        if as_json {
            outln!(
                "{}",
                json!({
                    "registry": updated.title,
                    "source": updated.url,
                    "path": updated.path,
                    "entries": updated.entries,
                    "fetched_at": updated.fetched_at,
                })
            )?;
        } else {
            outln!(
                "updated {} ({} issuers) from {} into {}",
                updated.title,
                updated.entries,
                clean(&updated.url),
                clean(&updated.path.display().to_string())
            )?;
        }
    }
    Ok(Status::Ok)
}
