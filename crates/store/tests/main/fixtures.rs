//! A fresh store per test, on either backend, and the `both!` macro that runs a test on both.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use credbridge_store::{Location, Store, drop_schema, open};

/// The PostgreSQL server the tests use.
pub fn postgres_url() -> String {
    std::env::var("CREDBRIDGE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A store of its own; `cleanup` removes it.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    location: Location,
}

impl TestStore {
    pub async fn sqlite() -> TestStore {
        let dir = std::env::temp_dir().join(unique("credbridge_store_test"));
        let location = Location::DataDir(dir);
        TestStore {
            store: open(&location).await.unwrap(),
            location,
        }
    }

    pub async fn postgres() -> TestStore {
        let location = Location::Postgres {
            url: postgres_url(),
            schema: Some(unique("cb_store_test")),
        };
        TestStore {
            store: open(&location).await.unwrap(),
            location,
        }
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        match &self.location {
            Location::DataDir(dir) => std::fs::remove_dir_all(dir).unwrap(),
            Location::Postgres { url, schema } => {
                drop_schema(url, schema.as_deref().unwrap()).await.unwrap()
            }
        }
    }
}

/// `both!(name, check)`: `name::sqlite` and `name::postgres` run `check(store)` on a fresh
/// store of each backend.
#[macro_export]
macro_rules! both {
    ($name:ident, $check:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let t = $crate::fixtures::TestStore::sqlite().await;
                super::$check(t.store.as_ref()).await;
                t.cleanup().await;
            }

            #[tokio::test]
            async fn postgres() {
                let t = $crate::fixtures::TestStore::postgres().await;
                super::$check(t.store.as_ref()).await;
                t.cleanup().await;
            }
        }
    };
}
