//! The `backend` the obapi crate's own tests run over when compiled here: a fresh SQLite file
//! or PostgreSQL schema per test environment, behind [`SqlOAuthStore`] and
//! [`SqlCredentialRepo`] on one multi-thread runtime; dropped with the environment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use credbridge_obapi::{CredentialRepo, OAuthStore};
use credbridge_store::{Location, SqlCredentialRepo, SqlOAuthStore, Store, drop_schema, open};

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

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

pub fn location(postgres: bool) -> Location {
    if postgres {
        Location::Postgres {
            url: std::env::var("CREDBRIDGE_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
            schema: Some(unique("cb_obapi_test")),
        }
    } else {
        Location::DataDir(std::env::temp_dir().join(unique("credbridge_obapi_test")))
    }
}

pub struct Backend {
    pub oauth: Arc<dyn OAuthStore>,
    pub repo: Arc<dyn CredentialRepo>,
    _guard: Guard,
}

struct Guard {
    store: Arc<dyn Store>,
    location: Location,
}

impl Drop for Guard {
    fn drop(&mut self) {
        RUNTIME.block_on(async {
            self.store.close().await;
            match &self.location {
                Location::DataDir(dir) => {
                    std::fs::remove_dir_all(dir).ok();
                }
                Location::Postgres { url, schema } => {
                    drop_schema(url, schema.as_deref().unwrap()).await.ok();
                }
            }
        });
    }
}

impl Backend {
    pub fn on(postgres: bool) -> Backend {
        let location = location(postgres);
        let store = RUNTIME.block_on(open(&location)).unwrap();
        let handle = RUNTIME.handle().clone();
        Backend {
            oauth: Arc::new(SqlOAuthStore::new(store.clone(), handle.clone())),
            repo: Arc::new(SqlCredentialRepo::new(store.clone(), handle)),
            _guard: Guard { store, location },
        }
    }
}
