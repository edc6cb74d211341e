//! Integration tests of credbridge-skills: the bundled frameworks, CASE and RSD readers, resolution of every
//! alignment under `testdata/`, search.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/alignments.rs"]
mod alignments;
#[path = "main/frameworks.rs"]
mod frameworks;
#[path = "main/readers.rs"]
mod readers;
#[path = "main/search.rs"]
mod search;

use std::sync::OnceLock;

use credbridge_skills::Frameworks;

/// The bundled frameworks, loaded once for the whole test binary.
pub fn bundled() -> &'static Frameworks {
    static FW: OnceLock<Frameworks> = OnceLock::new();
    FW.get_or_init(|| Frameworks::load_bundled().expect("bundled frameworks load"))
}

/// A fixture under `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
