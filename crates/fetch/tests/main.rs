//! Integration tests of credbridge-fetch: the guarded client, its cache and snapshots, the
//! resolvers and the document sources, against a real HTTP server on 127.0.0.1 (the testkit's
//! fixture server). One binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/cache.rs"]
mod cache;
#[path = "main/client.rs"]
mod client;
#[path = "main/common.rs"]
mod common;
#[path = "main/fuzzing.rs"]
mod fuzzing;
#[path = "main/guard.rs"]
mod guard;
#[path = "main/post.rs"]
mod post;
#[path = "main/proxy.rs"]
mod proxy;
#[path = "main/resolvers.rs"]
mod resolvers;
#[path = "main/sources.rs"]
mod sources;
#[path = "main/stats.rs"]
mod stats;
