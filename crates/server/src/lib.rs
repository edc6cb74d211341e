//! The credbridge HTTP server: the VCALM verifier endpoints (`/credentials/verify`,
//! `/presentations/verify`, `/challenges`), the credential inbox (`/inbox`…), the employer's side
//! (skills profiles built from the inbox: `/profiles`…; jobs and ranked, explained matches:
//! `/jobs`…; the candidate and job pages with exports, see [`routes::dashboard`]), OAuth 2.0
//! client credentials and login sessions, RFC 9457 problem details for every error,
//! `/healthz`, `/readyz`, `/metrics`, `/openapi.json` + `/docs`; webhook subscriptions
//! (`/webhooks`…) and their delivery worker ([`webhooks`]); the VC API issuing side (issuer
//! instances, `/credentials/issue`, status lists, `/presentations`: [`routes::credentials`],
//! [`issuing`]) and an optional HTTPS listener ([`tls`]); and [`serve`], the entry point
//! `credbridge serve` calls.
//!
//! **Not here:** SQL (`credbridge-store`), verification rules (`credbridge-verify`), decoding
//! (`credbridge-formats`), argv parsing (`credbridge-cli`), page templates (the `pages` crate).
//! A handler extracts, calls the verifier and the store, and responds (STYLE §7).
//!
//! # Main types
//! - [`ServeSettings`] (from [`SettingsLayer`]s: flags, `CREDBRIDGE_*` variables, a TOML file)
//!   and [`serve`].
//! - [`AppState`] (the store, the verifier, the settings, counters) and [`app`], the router,
//!   which tests drive with `tower::ServiceExt::oneshot`.
//! - [`ApiError`]: every error answer, with its status and problem `type`.
//! - [`admin::Admin`]: the CLI twins (`clients add|list|revoke`, `users add`, `inbox add|list`).
//!
//! # Example
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use credbridge_server::{AppState, ServeSettings, app, verifier};
//! use tower::ServiceExt;
//! let dir = std::env::temp_dir().join(format!("credbridge-doc-server-{}", std::process::id()));
//! let store = credbridge_store::open(&credbridge_store::Location::DataDir(dir.clone())).await.unwrap();
//! let mut settings = ServeSettings::with_data_dir(dir.clone());
//! settings.dev = true;
//! let verifier = verifier::Verifier::new(verifier::build_verify_options(true).unwrap());
//! let state = AppState::new(store, verifier, settings).await.unwrap();
//! let request = axum::http::Request::get("/healthz").body(axum::body::Body::empty()).unwrap();
//! let response = app(state).oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! # std::fs::remove_dir_all(dir).ok();
//! # });
//! ```
//!
//! # Design decisions
//! - **Verification runs on the blocking pool** (`spawn_blocking`) under a per-request time
//!   budget: it is CPU work and may fetch through the blocking guarded client. A request over
//!   budget is answered 503 `time-budget-exceeded`; its work finishes and is dropped.
//! - **Tokens are opaque** (256 random bits, stored hashed) rather than JWTs, so revocation is
//!   a row update; a checked token is remembered for [`auth::TOKEN_MEMORY`] to keep the store
//!   off the hot path.
//! - **Errors are ours end to end:** our JSON and body extractors, a fallback for unknown
//!   routes and methods, and a panic catcher all answer problem details; internal causes go to
//!   the log only.
//! - **A database outage is a 503,** not a crash: the pools reconnect on their own, so service
//!   resumes when the database does, without a restart.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use credbridge_store::{Location, StoreError};
use tower_http::catch_panic::CatchPanicLayer;

pub mod admin;
pub mod auth;
pub mod error;
pub mod extract;
pub mod ingest;
pub mod issuing;
pub mod lint;
pub mod metrics;
pub mod obapi_pull;
pub mod openapi;
pub mod profiles;
pub mod record;
pub mod routes;
pub mod settings;
pub mod state;
pub mod tls;
pub mod verifier;
pub mod webhooks;

pub use error::ApiError;
pub use settings::{LogFormat, ServeSettings, SettingsError, SettingsLayer, default_data_dir};
pub use state::AppState;

/// The router with every route, our fallbacks, the body limit, metrics and the panic catcher.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::verify::router())
        .merge(routes::inbox::router())
        .merge(routes::profiles::router())
        .merge(routes::jobs::router())
        .merge(routes::issuers::router())
        .merge(routes::credentials::router())
        .merge(routes::exchanges::router())
        .merge(routes::identifiers::router())
        .merge(routes::webhooks::router())
        .merge(routes::dashboard::router())
        .merge(routes::oauth::router())
        .merge(routes::obapi::router())
        .merge(routes::ops::router())
        .merge(routes::pages::router())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

async fn no_route(request: Request) -> ApiError {
    ApiError::NoRoute {
        path: request.uri().path().chars().take(200).collect(),
    }
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::MethodNotAllowed {
        method: request.method().to_string(),
    }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}

/// Why `serve` could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The verification settings could not be built.
    #[error("verification settings: {0}")]
    Config(#[from] credbridge_config::ConfigError),
    /// `--dev` turns authentication off, so it is refused on any non-loopback address.
    #[error(
        "--dev turns authentication off and is only allowed on a loopback address, not {addr} (use 127.0.0.1 or [::1])"
    )]
    DevNotLoopback {
        /// The listen address.
        addr: SocketAddr,
    },
    /// The store could not be opened or migrated.
    #[error("opening the store {location}: {source}")]
    Store {
        /// Where.
        location: String,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// The listen address could not be bound.
    #[error("listening on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("serving: {0}")]
    Io(#[source] std::io::Error),
    /// The async runtime could not start.
    #[error("starting the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The HTTPS listener could not be set up.
    #[error("https: {0}")]
    Tls(#[from] tls::TlsError),
    /// `--dev` could not create its issuer instances.
    #[error("development issuer instances: {0}")]
    DevInstances(String),
}

/// Sets up logging (text or JSON lines on stderr, `RUST_LOG` filter, `info` by default).
/// Calling it twice is harmless.
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Opens the store, builds the verifier, and serves until SIGINT or SIGTERM; prints
/// `listening on http://…` on standard output once the socket is bound. In-flight requests
/// finish before it returns, and the store is closed cleanly.
pub async fn serve(settings: ServeSettings) -> Result<(), ServeError> {
    serve_with(
        settings,
        |addr| println!("listening on http://{addr}"),
        shutdown_signal(),
    )
    .await
}

/// [`serve`] on a runtime of its own, for callers with no async code (the CLI's `serve`).
pub fn serve_blocking(settings: ServeSettings) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(settings))
}

/// [`serve`] with the announcement and the shutdown signal given (tests bind port 0 and stop
/// the server themselves).
pub async fn serve_with(
    settings: ServeSettings,
    on_listening: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    init_logging(settings.log_format);
    if settings.dev && !settings.listen.ip().is_loopback() {
        return Err(ServeError::DevNotLoopback {
            addr: settings.listen,
        });
    }
    let location =
        Location::from_settings(settings.data_dir.clone(), settings.database_url.as_deref())
            .map_err(|source| ServeError::Store {
                location: "--database-url".to_owned(),
                source,
            })?;
    let store = credbridge_store::open(&location)
        .await
        .map_err(|source| ServeError::Store {
            location: location.describe(),
            source,
        })?;
    let verifier = verifier::Verifier::standard(settings.offline)?;
    let mut settings = settings;
    let listen = settings.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: listen,
        source,
    })?;
    let https = match settings.https_listen {
        Some(https_addr) => {
            let (Some(cert), Some(key)) = (&settings.tls_cert, &settings.tls_key) else {
                return Err(tls::TlsError::MissingFiles.into());
            };
            let config = tls::server_config(cert, key)?;
            let listener = tokio::net::TcpListener::bind(https_addr)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: https_addr,
                    source,
                })?;
            Some((listener, config))
        }
        None => None,
    };
    // The addresses as bound (a port of 0 becomes the real one): the public URL defaults to
    // them, and issued credentials carry status list URLs under it.
    settings.listen = addr;
    if let Some((listener, _)) = &https
        && let Ok(https_addr) = listener.local_addr()
    {
        settings.https_listen = Some(https_addr);
    }
    let state = AppState::new(store.clone(), verifier, settings)
        .await
        .map_err(|source| ServeError::Store {
            location: location.describe(),
            source,
        })?;
    if let Some(tenant) = state.dev_tenant.clone() {
        create_dev_instances(&state, &tenant)?;
    }
    tracing::info!(%addr, store = %location.describe(), dev = state.dev_tenant.is_some(), "credbridge serve started");
    let purge = tokio::spawn(purge_tokens(store.clone()));
    let (stop_webhooks, stopped) = tokio::sync::watch::channel(false);
    let deliverer = webhooks::Deliverer::new(store.clone(), state.settings.webhooks.clone());
    let worker = tokio::spawn(deliverer.run(stopped));
    let router = app(state);
    let https_task = https.map(|(listener, config)| {
        if let Ok(https_addr) = listener.local_addr() {
            println!("listening on https://{https_addr}");
        }
        tokio::spawn(tls::serve_https(
            listener,
            config,
            router.clone(),
            stop_webhooks.subscribe(),
        ))
    });
    on_listening(addr);
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await;
    purge.abort();
    // The worker finishes and records an attempt in flight (bounded by the delivery timeout).
    let _ = stop_webhooks.send(true);
    if let Some(task) = https_task {
        let _ = task.await;
    }
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the webhook worker stopped");
    }
    store.close().await;
    tracing::info!("credbridge serve stopped");
    served.map_err(ServeError::Io)
}

/// Deletes expired tokens every ten minutes.
/// `--dev`: the development tenant's issuer instances ([`issuing::DEV_INSTANCES`]), made once
/// and listed on stdout (`issuer instance NAME DID`) for scripts.
fn create_dev_instances(state: &AppState, tenant: &str) -> Result<(), ServeError> {
    let instances = state
        .issuing
        .instances(&state.settings.data_dir, tenant, || {
            routes::issuers::master_key(state)
        })
        .map_err(ServeError::DevInstances)?;
    issuing::create_dev_instances(&instances, &state.settings.dev_issuer_keys, state::now_s())
        .map_err(ServeError::DevInstances)?;
    for name in instances
        .names()
        .map_err(|e| ServeError::DevInstances(e.to_string()))?
    {
        let instance = instances
            .open(&name)
            .map_err(|e| ServeError::DevInstances(e.to_string()))?;
        println!(
            "issuer instance {name} {} {}",
            instance.issuer().record.did,
            instance.format().name()
        );
    }
    Ok(())
}

async fn purge_tokens(store: Arc<dyn credbridge_store::Store>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        if let Err(e) = store.purge_expired_tokens(state::now_ms()).await {
            tracing::warn!(error = %e, "purging expired tokens");
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
