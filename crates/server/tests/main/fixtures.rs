//! A fresh app per test on either backend, request helpers, and `both!`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use credbridge_server::admin::{Admin, NewClient};
use credbridge_server::verifier::{Verifier, build_verify_options};
use credbridge_server::{AppState, ServeSettings, app};
use credbridge_store::{Location, drop_schema};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The PostgreSQL server the tests use.
pub fn postgres_url() -> String {
    std::env::var("CREDBRIDGE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn unique(prefix: &str) -> String {
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

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A backend for one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn location(self) -> Location {
        match self {
            Backend::Sqlite => {
                Location::DataDir(std::env::temp_dir().join(unique("credbridge_server_test")))
            }
            Backend::Postgres => Location::Postgres {
                url: postgres_url(),
                schema: Some(unique("cb_server_test")),
            },
        }
    }
}

/// An app over its own store (offline verification, as the tests have no network).
pub struct TestApp {
    pub state: AppState,
    pub location: Location,
}

impl TestApp {
    pub async fn new(backend: Backend, dev: bool) -> TestApp {
        Self::with(backend, |s| s.dev = dev).await
    }

    pub async fn with(backend: Backend, adjust: impl FnOnce(&mut ServeSettings)) -> TestApp {
        let verifier = Verifier::new(build_verify_options(true).unwrap());
        Self::with_verifier(backend, verifier, adjust).await
    }

    /// An app that verifies with `verifier` (online ones: fetch tests).
    pub async fn with_verifier(
        backend: Backend,
        verifier: Verifier,
        adjust: impl FnOnce(&mut ServeSettings),
    ) -> TestApp {
        let location = backend.location();
        let store = credbridge_store::open(&location).await.unwrap();
        let mut settings = ServeSettings::with_data_dir(std::env::temp_dir());
        settings.offline = true;
        adjust(&mut settings);
        let state = AppState::new(store, verifier, settings).await.unwrap();
        TestApp { state, location }
    }

    /// A client of `tenant` with `scopes` (all when empty), made as `credbridge clients add`
    /// makes it.
    pub async fn client(&self, tenant: &str, scopes: &[&str]) -> NewClient {
        let location = self.location.clone();
        let tenant = tenant.to_owned();
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        tokio::task::spawn_blocking(move || {
            Admin::open_at(location)
                .unwrap()
                .clients_add(&tenant, "test", &scopes)
                .unwrap()
        })
        .await
        .unwrap()
    }

    /// An access token for a new client of `tenant`.
    pub async fn token(&self, tenant: &str, scopes: &[&str]) -> String {
        let client = self.client(tenant, scopes).await;
        let body = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            client.client_id, client.client_secret
        );
        let response = self
            .send(
                Request::post("/oauth2/token")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.json()["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Answer {
        let mut request = Request::get(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post(
        &self,
        uri: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, content_type);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    pub async fn delete(&self, uri: &str, token: Option<&str>) -> Answer {
        let mut request = Request::delete(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn cleanup(self) {
        self.state.store.close().await;
        match &self.location {
            Location::DataDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Location::Postgres { url, schema } => {
                drop_schema(url, schema.as_deref().unwrap()).await.unwrap()
            }
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an RFC 9457 problem with `status` and problem type slug `slug`.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, slug: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "body: {}",
            self.text()
        );
        let body = self.json();
        assert_eq!(
            body["type"],
            format!("urn:credbridge:problem:{slug}"),
            "{body}"
        );
        assert_eq!(body["status"], status, "{body}");
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        body
    }
}

/// `both!(name, check)`: `name::sqlite` and `name::postgres` run `check(Backend)`.
#[macro_export]
macro_rules! both {
    ($name:ident, $check:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check($crate::fixtures::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$check($crate::fixtures::Backend::Postgres).await;
            }
        }
    };
}
