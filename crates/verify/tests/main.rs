//! Integration tests of credbridge-verify: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/binding.rs"]
mod binding;
#[path = "main/common.rs"]
mod common;
#[path = "main/data_model.rs"]
mod data_model;
#[path = "main/endorsements.rs"]
mod endorsements;
#[path = "main/examples.rs"]
mod examples;
#[path = "main/identity.rs"]
mod identity;
#[path = "main/inspect_schema.rs"]
mod inspect_schema;
#[path = "main/linked_domain.rs"]
mod linked_domain;
#[path = "main/ob2.rs"]
mod ob2;
#[path = "main/presentations.rs"]
mod presentations;
#[path = "main/report_schema.rs"]
mod report_schema;
#[path = "main/status.rs"]
mod status;
#[path = "main/unsupported.rs"]
mod unsupported;
#[path = "main/verdicts.rs"]
mod verdicts;
