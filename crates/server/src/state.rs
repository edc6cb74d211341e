//! [`AppState`]: the store, the verifier, the settings and the shared counters; nothing else.

use std::sync::Arc;

use credbridge_store::Store;

use crate::auth::TokenMemory;
use crate::metrics::Metrics;
use crate::profiles::SharedFrameworks;
use crate::settings::ServeSettings;
use crate::verifier::Verifier;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Verification (shared fetch cache and status-list memory).
    pub verifier: Arc<Verifier>,
    /// The resolved settings.
    pub settings: Arc<ServeSettings>,
    /// `--dev`: the default tenant's id, used for unauthenticated requests.
    pub dev_tenant: Option<String>,
    /// Request, latency and verdict counters.
    pub metrics: Arc<Metrics>,
    /// Recently checked access tokens.
    pub tokens: Arc<TokenMemory>,
    /// The bundled skill frameworks, loaded on first use.
    pub frameworks: Arc<SharedFrameworks>,
    /// The issuer instances of every tenant.
    pub issuing: Arc<crate::issuing::Issuing>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.store.backend())
            .field("settings", &self.settings)
            .field("dev", &self.dev_tenant.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an open store, with a verifier and the settings.
    pub async fn new(
        store: Arc<dyn Store>,
        verifier: Verifier,
        settings: ServeSettings,
    ) -> Result<AppState, credbridge_store::StoreError> {
        let dev_tenant = if settings.dev {
            Some(store.ensure_tenant(crate::auth::DEV_TENANT).await?.id)
        } else {
            None
        };
        let issuing = Arc::new(crate::issuing::Issuing::new(&settings.public_base()));
        verifier.know_own_status_lists(issuing.clone());
        Ok(AppState {
            issuing,
            store,
            verifier: Arc::new(verifier),
            settings: Arc::new(settings),
            dev_tenant,
            metrics: Arc::default(),
            tokens: Arc::default(),
            frameworks: Arc::default(),
        })
    }
}

/// Unix seconds now.
pub fn now_s() -> i64 {
    now_ms() / 1000
}

/// Unix milliseconds now (the server is the edge: it reads the clock and passes it down).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
