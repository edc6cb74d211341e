//! Integration tests of credbridge-model against the example files in `testdata/examples`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "main/classification.rs"]
mod classification;
#[path = "main/fixtures.rs"]
mod fixtures;
#[path = "main/legacy_badges.rs"]
mod legacy_badges;
#[path = "main/properties.rs"]
mod properties;
#[path = "main/round_trip.rs"]
mod round_trip;
#[path = "main/schema_conformance.rs"]
mod schema_conformance;
#[path = "main/summaries.rs"]
mod summaries;
