//! Store tests: every test runs on embedded SQLite and on PostgreSQL (127.0.0.1:5432, database
//! `test`, or `CREDBRIDGE_TEST_DATABASE_URL`), each in its own file or schema.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "main/fixtures.rs"]
mod fixtures;
#[path = "main/inbox.rs"]
mod inbox;
#[path = "main/jobs.rs"]
mod jobs;
#[path = "main/obapi.rs"]
mod obapi;
#[path = "main/principals.rs"]
mod principals;
#[path = "main/webhooks.rs"]
mod webhooks;
