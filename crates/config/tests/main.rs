//! Integration tests of credbridge-config: settings layering, building real services from real
//! files, DID folders with stray files, and the workspace layering guard.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/build.rs"]
mod build;
#[path = "main/did_dir.rs"]
mod did_dir;
#[path = "main/layering.rs"]
mod layering;
#[path = "main/settings.rs"]
mod settings;

use std::path::PathBuf;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh, empty temporary folder for one test.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credbridge-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
