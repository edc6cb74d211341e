//! Integration tests for credbridge-proofs: W3C / 1EdTech vectors, round trips, tampering,
//! purposes, JOSE, and no-panic properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

mod data_integrity_vectors;
mod expectations;
mod jose_vectors;
mod no_panics;
mod proof_terms;
mod round_trips;
mod safe_mode;
