//! credbridge-obapi integration tests: one binary (STYLE §8). The host, the authorization
//! server and the consumer run together in process (no sockets) on a manual clock.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

/// The stores the tests run over: memory here. credbridge-store compiles the same test files
/// with a `backend` of its own (SQLite, PostgreSQL), so every behaviour below is also checked
/// through SQL.
mod backend {
    use std::sync::Arc;

    use credbridge_obapi::{CredentialRepo, MemoryCredentialRepo, MemoryOAuthStore, OAuthStore};

    pub struct Backend {
        pub oauth: Arc<dyn OAuthStore>,
        pub repo: Arc<dyn CredentialRepo>,
    }

    impl Backend {
        pub fn fresh() -> Backend {
            Backend {
                oauth: Arc::new(MemoryOAuthStore::new()),
                repo: Arc::new(MemoryCredentialRepo::new()),
            }
        }
    }
}

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
