//! credbridge-obapi integration tests: one binary (STYLE §8). The host, the authorization
//! server and the consumer run together in process (no sockets) on a manual clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "main/consumer.rs"]
mod consumer;
#[path = "main/host.rs"]
mod host;
#[path = "main/oauth.rs"]
mod oauth;
#[path = "main/robustness.rs"]
mod robustness;
#[path = "main/support.rs"]
mod support;
