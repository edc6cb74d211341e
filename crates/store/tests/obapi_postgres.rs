//! credbridge-obapi's own integration tests (OAuth negatives, host, the 1,000-credential
//! round trip) compiled against the postgres store: the same files, with `backend` the SQL
//! stores instead of memory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "obapi/sql_backend.rs"]
mod sql;

mod backend {
    pub struct Backend(super::sql::Backend);

    impl std::ops::Deref for Backend {
        type Target = super::sql::Backend;
        fn deref(&self) -> &super::sql::Backend {
            &self.0
        }
    }

    impl Backend {
        pub fn fresh() -> Backend {
            Backend(super::sql::Backend::on(true))
        }
    }
}

#[path = "../../obapi/tests/main/consumer.rs"]
mod consumer;
#[path = "../../obapi/tests/main/host.rs"]
mod host;
#[path = "../../obapi/tests/main/oauth.rs"]
mod oauth;
#[path = "../../obapi/tests/main/support.rs"]
mod support;
