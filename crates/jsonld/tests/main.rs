//! Integration tests for credbridge-jsonld (one binary; modules below).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod conformance;
mod fuzz;
mod limits;
mod loader;
mod nquads;
mod safe_mode;
mod vectors;
