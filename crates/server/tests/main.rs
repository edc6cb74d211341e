//! HTTP tests of credbridge-server, through `app(state).oneshot(request)` and a few on a
//! loopback port. Every test runs on embedded SQLite and on PostgreSQL (127.0.0.1:5432,
//! database `test`, or `CREDBRIDGE_TEST_DATABASE_URL`), each in its own file or schema.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "main/auth.rs"]
mod auth;
#[path = "main/bad_input.rs"]
mod bad_input;
#[path = "main/credentials.rs"]
mod credentials;
#[path = "main/employer.rs"]
mod employer;
#[path = "main/exchanges.rs"]
mod exchanges;
#[path = "main/fetches.rs"]
mod fetches;
#[path = "main/fixtures.rs"]
mod fixtures;
#[path = "main/identifiers.rs"]
mod identifiers;
#[path = "main/inbox.rs"]
mod inbox;
#[path = "main/issuers.rs"]
mod issuers;
#[path = "main/loopback.rs"]
mod loopback;
#[path = "main/obapi.rs"]
mod obapi;
#[path = "main/ops.rs"]
mod ops;
#[path = "main/pages.rs"]
mod pages;
#[path = "main/tenancy.rs"]
mod tenancy;
#[path = "main/verdicts.rs"]
mod verdicts;
#[path = "main/webhooks.rs"]
mod webhooks;
