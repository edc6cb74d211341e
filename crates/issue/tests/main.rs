//! Integration tests of credbridge-issue: one binary, one module per area (STYLE §8).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/common.rs"]
mod common;

#[path = "main/batch.rs"]
mod batch;
#[path = "main/issuer.rs"]
mod issuer;
#[path = "main/jobs.rs"]
mod jobs;
#[path = "main/lint_examples.rs"]
mod lint_examples;
#[path = "main/lint_table.rs"]
mod lint_table;
#[path = "main/resume.rs"]
mod resume;
#[path = "main/revoke.rs"]
mod revoke;
#[path = "main/rosters.rs"]
mod rosters;
