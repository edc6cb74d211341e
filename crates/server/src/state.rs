//! [`AppState`]: the store, the verifier, the settings, the shared counters and the protocol
//! services built over them (exchanges, issuing, the OB/CLR API); nothing else.

use std::sync::Arc;

use credbridge_exchange::{ExchangeService, MemoryStore, ServiceConfig};
use credbridge_obapi::{AuthorizationServer, Host, HostConfig, OAuthConfig};
use credbridge_store::{SqlCredentialRepo, SqlOAuthStore, Store};

use crate::auth::TokenMemory;
use crate::metrics::Metrics;
use crate::profiles::SharedFrameworks;
use crate::routes::exchanges::ServerPresentationVerifier;
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
    /// VCALM workflows and exchanges with wallets.
    pub exchanges: Arc<ExchangeService>,
    /// The issuer instances of every tenant.
    pub issuing: Arc<crate::issuing::Issuing>,
    /// The 1EdTech OB 3.0 / CLR 2.0 API: host and authorization server over the store. Its
    /// calls block on the store, so routes call it inside `spawn_blocking`.
    pub obapi: Arc<credbridge_obapi::Service>,
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
        let verifier = Arc::new(verifier);
        let exchanges = Arc::new(exchange_service(&settings, &verifier));
        let obapi = Arc::new(obapi_service(&settings, &store));
        Ok(AppState {
            obapi,
            issuing,
            exchanges,
            store,
            verifier,
            settings: Arc::new(settings),
            dev_tenant,
            metrics: Arc::default(),
            tokens: Arc::default(),
            frameworks: Arc::default(),
        })
    }
}

/// The workflows and exchanges of this server: links under its public base URL, presentations
/// checked by its verifier within the time budget. Exchanges are kept in memory, so they end
/// with the process (an exchange lives minutes to days; a restart makes a wallet ask again).
fn exchange_service(settings: &ServeSettings, verifier: &Arc<Verifier>) -> ExchangeService {
    let base = settings.public_base();
    let config = ServiceConfig::for_base_url(&base).unwrap_or_else(|_| ServiceConfig {
        domain: settings.listen.ip().to_string(),
        base_url: base,
        default_ttl: credbridge_exchange::DEFAULT_TTL_SECONDS,
        max_ttl: credbridge_exchange::MAX_TTL_SECONDS,
    });
    ExchangeService::new(
        Arc::new(MemoryStore::new()),
        Arc::new(ServerPresentationVerifier::new(
            verifier.clone(),
            settings.time_budget,
        )),
        config,
    )
}

/// The default page size of the OB/CLR API's `GET /credentials` when the client sends no
/// `limit`.
pub const OBAPI_DEFAULT_PAGE_SIZE: usize = 100;

/// The OB/CLR API over the store: the authorization server's endpoints under
/// `{public base}/oauth/…`, the APIs under `{public base}/ims/…`, the system clock. The store
/// adapters block on the current runtime (the server's multi-thread one).
fn obapi_service(settings: &ServeSettings, store: &Arc<dyn Store>) -> credbridge_obapi::Service {
    let base = settings.public_base();
    let runtime = tokio::runtime::Handle::current();
    let clock: Arc<dyn credbridge_obapi::Clock> = Arc::new(SystemClock);
    let mut oauth = OAuthConfig::new(&base);
    oauth.dangerous_allow_loopback_http_redirects = settings.obapi_loopback_redirects();
    let authz = Arc::new(AuthorizationServer::new(
        oauth,
        Arc::new(SqlOAuthStore::new(store.clone(), runtime.clone())),
        clock.clone(),
    ));
    let host = Host::new(
        HostConfig {
            public_base_url: base.clone(),
            service_name: settings
                .obapi_service_name
                .clone()
                .unwrap_or_else(|| "credbridge".to_owned()),
            terms_of_service_url: settings
                .obapi_terms_url
                .clone()
                .unwrap_or_else(|| format!("{base}{}", crate::routes::obapi::TERMS_PATH)),
            privacy_policy_url: settings
                .obapi_privacy_url
                .clone()
                .unwrap_or_else(|| format!("{base}{}", crate::routes::obapi::PRIVACY_PATH)),
            image_url: None,
            default_page_size: OBAPI_DEFAULT_PAGE_SIZE,
        },
        authz.clone(),
        Arc::new(SqlCredentialRepo::new(store.clone(), runtime)),
        clock,
    );
    credbridge_obapi::Service::new(host, authz)
}

/// The system clock, for the OB/CLR API (the server is the edge that reads the time).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl credbridge_obapi::Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        now_s()
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
