//! Integration tests of credbridge-pages: one binary, one module per area. Pages are rendered
//! from real reports: the bundled examples and every file under `testdata/examples`, verified
//! offline with credbridge-verify.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/a11y.rs"]
mod a11y;
#[path = "main/common.rs"]
mod common;
#[path = "main/consent.rs"]
mod consent;
#[path = "main/hostile.rs"]
mod hostile;
#[path = "main/inbox.rs"]
mod inbox;
#[path = "main/verdicts.rs"]
mod verdicts;
