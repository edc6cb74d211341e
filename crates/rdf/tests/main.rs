//! Integration tests: the RDFC-1.0 conformance suite and property tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod conformance;
mod properties;
mod vectors;

use std::path::PathBuf;

/// `testdata/vectors/rdf-canon/tests`, the W3C RDFC-1.0 test suite.
pub fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors/rdf-canon/tests")
}
