//! credbridge-exchange integration tests: one binary (STYLE §8). The wallet is
//! `testing::TestWallet` (real did:key, real eddsa-rdfc-2022 signatures); verification is the
//! real `credbridge-verify` pipeline offline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod main {
    pub mod common;
    mod config;
    mod flows;
    mod negatives;
    mod qr;
}
