//! The 1EdTech Open Badges 3.0 API and CLR 2.0 API (OB 3.0 §6–7, CLR 2.0 §6–7) in both roles,
//! as protocol logic without I/O. This crate owns the **host** (resource server:
//! `{base}/ims/ob/v3p0` and `{base}/ims/clr/v2p0` — the Service Description Document,
//! `GET`/`POST /credentials` with paging and upsert, `GET`/`PUT /profile`, `Imsx_StatusInfo`
//! errors, scopes per endpoint), the **authorization server** (RFC 7591 dynamic client
//! registration, the authorization code grant with PKCE S256, `client_secret_basic`, refresh
//! token rotation, RFC 7009 revocation, RFC 6750 bearer validation), and the **consumer**
//! (discovery → registration → PKCE authorization URL → token exchange → paging pull since
//! the last sync, retries, refresh).
//!
//! **Not here:** sockets (`credbridge-fetch` implements [`HttpClient`]; the server's axum
//! routes call [`Host`] and [`AuthorizationServer`] with [`HttpRequest`] values); SQL
//! (`credbridge-store` implements [`OAuthStore`] and [`CredentialRepo`]); the login and the
//! consent page's HTML (`credbridge-pages` renders a [`ConsentRequest`]); argv
//! (`credbridge obapi connect|pull` in `credbridge-cli`); signature checks of posted
//! credentials (`credbridge-verify`, run by whoever takes the pulled credentials into the
//! inbox).
//!
//! # Main types
//! - [`Service`]: routes a request to the host or the authorization server (all endpoints but
//!   the authorization page, which needs the server's login).
//! - [`Host`] with [`HostConfig`], over a [`CredentialRepo`] ([`MemoryCredentialRepo`]).
//! - [`AuthorizationServer`] with [`OAuthConfig`], over an [`OAuthStore`]
//!   ([`MemoryOAuthStore`]); [`ConsentRequest`] is what the consent page shows.
//! - Consumer: [`discover`], [`register`], [`begin_authorization`] →
//!   [`PendingAuthorization`], [`exchange_code`], [`pull`] over a [`Connection`].
//! - [`StatusInfo`] (`Imsx_StatusInfo`), [`ApiFlavor`], [`Permission`], [`Clock`].
//!
//! # Example
//! A client registers, the user approves, and the client reads the (empty) credential list:
//! ```
//! use std::sync::Arc;
//! use credbridge_obapi::*;
//!
//! let clock = Arc::new(ManualClock::at(1_800_000_000));
//! let oauth = OAuthConfig::new("https://badges.example");
//! let authz = Arc::new(AuthorizationServer::new(oauth, Arc::new(MemoryOAuthStore::new()), clock.clone()));
//! let host = Host::new(
//!     HostConfig {
//!         public_base_url: "https://badges.example".into(),
//!         service_name: "Example Badges".into(),
//!         terms_of_service_url: "https://badges.example/terms".into(),
//!         privacy_policy_url: "https://badges.example/privacy".into(),
//!         image_url: None,
//!         default_page_size: 100,
//!     },
//!     authz.clone(),
//!     Arc::new(MemoryCredentialRepo::new()),
//!     clock.clone(),
//! );
//! let service = Service::new(host, authz.clone());
//!
//! let readonly = ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly);
//! let registration = serde_json::json!({
//!     "client_name": "Employer portal", "client_uri": "https://hr.example/",
//!     "logo_uri": "https://hr.example/logo.png", "tos_uri": "https://hr.example/terms",
//!     "policy_uri": "https://hr.example/privacy", "software_id": "hr-portal",
//!     "software_version": "1.0", "redirect_uris": ["https://hr.example/callback"],
//!     "scope": readonly,
//! });
//! let response = service.handle(
//!     &HttpRequest::new("POST", "/oauth/register")
//!         .with_header("Content-Type", "application/json")
//!         .with_body(registration.to_string()),
//! );
//! assert_eq!(response.status, 201);
//! let client = response.body_json().unwrap();
//! let client = RegisteredClient {
//!     client_id: client["client_id"].as_str().unwrap().into(),
//!     client_secret: client["client_secret"].as_str().unwrap().into(),
//! };
//!
//! // The consumer side builds the authorization URL; the user approves on the consent page.
//! let sd = ServiceDescription {
//!     api_root: "https://badges.example/ims/ob/v3p0".into(), name: None,
//!     registration_url: authz.config().registration_url.clone(),
//!     authorization_url: authz.config().authorization_url.clone(),
//!     token_url: authz.config().token_url.clone(), refresh_url: authz.config().token_url.clone(),
//!     scopes: vec![], terms_of_service_url: None, privacy_policy_url: None,
//! };
//! let pending = begin_authorization(&sd, &client, "https://hr.example/callback", &[readonly]).unwrap();
//! let consent = authz.authorization_request(pending.url.split_once('?').unwrap().1).unwrap();
//! assert_eq!(consent.client.client_name, "Employer portal");
//! assert_eq!(consent.scopes[0].sentence, "See every Open Badge in your account.");
//! let location = authz.approve(&consent, "alice").unwrap();
//! let code = pending.code_from_redirect(&location).unwrap();
//!
//! // Token request with client_secret_basic and the PKCE verifier.
//! let form = format!("grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2Fhr.example%2Fcallback&code_verifier={}", pending.code_verifier);
//! let basic = base64_basic(&client.client_id, &client.client_secret);
//! let token = service.handle(
//!     &HttpRequest::new("POST", "/oauth/token")
//!         .with_header("Authorization", &basic)
//!         .with_header("Content-Type", "application/x-www-form-urlencoded")
//!         .with_body(form),
//! );
//! assert_eq!(token.status, 200);
//! let access = token.body_json().unwrap()["access_token"].as_str().unwrap().to_owned();
//!
//! let page = service.handle(
//!     &HttpRequest::new("GET", "/ims/ob/v3p0/credentials?limit=10")
//!         .with_header("Authorization", &format!("Bearer {access}")),
//! );
//! assert_eq!(page.status, 200);
//! assert_eq!(page.header("X-Total-Count"), Some("0"));
//! # fn base64_basic(id: &str, secret: &str) -> String {
//! #     use base64::Engine as _;
//! #     format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
//! # }
//! ```
//!
//! # Wiring (server, store, cli)
//! Each route converts the axum request into an [`HttpRequest`] (method, path, raw query,
//! headers, body bytes) and the [`HttpResponse`] back; none holds a rule.
//!
//! | route | call |
//! |---|---|
//! | `GET  /ims/ob/v3p0/discovery`, `/ims/clr/v2p0/discovery` | [`Host::discovery`]`(flavor)` |
//! | `GET  /ims/{ob/v3p0,clr/v2p0}/credentials` | [`Host::get_credentials`]`(flavor, &req)` |
//! | `POST /ims/{…}/credentials` | [`Host::upsert_credential`]`(flavor, &req)` |
//! | `GET  /ims/{…}/profile` | [`Host::get_profile`]`(flavor, &req)` |
//! | `PUT  /ims/{…}/profile` | [`Host::put_profile`]`(flavor, &req)` |
//! | `POST /oauth/register` | [`AuthorizationServer::register`]`(&req)` |
//! | `GET  /oauth/authorize` (login required) | [`AuthorizationServer::authorization_request`]`(query)` → render the [`ConsentRequest`], or [`AuthorizeRejection::respond`] |
//! | `POST /oauth/authorize` (login + CSRF) | validate the same query again, then [`AuthorizationServer::approve`]`(&consent, user)` or [`AuthorizationServer::deny`] → 302 `Location` |
//! | `POST /oauth/token` | [`AuthorizationServer::token`]`(&req)` |
//! | `POST /oauth/revoke` | [`AuthorizationServer::revoke`]`(&req)` |
//!
//! [`Service::handle`] does all of these but the authorization page in one call. The OB API
//! answers `Imsx_StatusInfo`, not RFC 9457 problem details, as the spec requires.
//!
//! Store: [`OAuthStore`] over tables `oauth_clients` (client_id PK, client_secret_hash,
//! issued_at, metadata JSON), `oauth_codes` (code_hash PK, client_id, user, redirect_uri,
//! scopes, code_challenge, expires_at, used, family), `oauth_tokens` (token_hash PK, kind,
//! client_id, user, scopes, expires_at, revoked, used, family; index on family);
//! [`CredentialRepo`] over `obapi_credentials` (owner, flavor, issuer_id, credential_id,
//! format, text, issued_at, stored_at, a sequence for list order; unique on owner, flavor,
//! issuer_id, credential_id) and `obapi_profiles` (owner PK, text); the consumer's
//! [`Connection`] (client secret and tokens encrypted) in `obapi_connections`.
//! These are `credbridge_store::SqlOAuthStore`, `SqlCredentialRepo` and `ConnectionRecord`
//! (migration `0004_obapi`; the store's tests run this crate's integration tests over SQLite
//! and PostgreSQL). The consent page is `credbridge_pages::consent_page` over a `ConsentView`
//! built from the [`ConsentRequest`].
//!
//! CLI: `credbridge obapi connect URL` = [`discover`] → [`register`] (loopback redirect) →
//! [`begin_authorization`] → open the browser, take the redirect on the loopback listener →
//! [`PendingAuthorization::code_from_redirect`] → [`exchange_code`] → save the
//! [`Connection`]; `credbridge obapi pull [CONNECTION]` = [`pull`] with a sink putting each
//! [`PulledCredential`] into the inbox (source `obapi`, the host), then save the connection.
//!
//! # Design decisions
//! - **Sans-IO, plain values.** Handlers take [`HttpRequest`] and return [`HttpResponse`], so
//!   the axum routes are three lines each and every rule is tested here without sockets; the
//!   consumer runs over [`HttpClient`] and [`Sleeper`], so the 1,000-credential round trip and
//!   the 30-minute retry are tests that take milliseconds.
//! - **Bytes in, same bytes out.** The host keeps each credential's exact text and assembles
//!   `GET /credentials` pages from it; the consumer reads pages with `RawValue`, so a pulled
//!   credential is byte-identical to the posted one (a proof over JCS or the JWS survives).
//! - **Secrets only as hashes.** Codes, access and refresh tokens and client secrets are 256
//!   random bits; the store keys them by SHA-256 (a fast hash is enough for 256-bit secrets,
//!   unlike passwords); client secrets, PKCE challenges and `state` compare in constant time.
//! - **Single use is the store's job.** [`OAuthStore::take_code`] and
//!   [`OAuthStore::mark_refresh_used`] are atomic test-and-set operations (one conditional
//!   `UPDATE` in SQL), so two racing token requests cannot both win. A replayed code or
//!   refresh token revokes every token of its grant (RFC 6749 §4.1.2, Security BCP §4.14).
//! - **`since` means "stored here after".** OB 3.0 §6.2.2 says "issued after"; a credential
//!   issued years ago but added to this host today is new to a consumer that syncs, so the
//!   host filters on when it stored (or last replaced) the credential, and the consumer's next
//!   `since` is taken from the host's `Date`, never from its own clock.
//! - **HTTPS only.** Registration refuses `http` URLs and URLs off `client_uri`'s host (OB 3.0
//!   §7.1.1.2). RFC 8252 loopback redirects are admitted only with
//!   [`OAuthConfig::dangerous_allow_loopback_http_redirects`].
//! - **Errors as the specs name them.** API errors are `Imsx_StatusInfo` with the schema's
//!   `imsx_codeMinorFieldValue` (`unauthorizedrequest`, `forbidden`, `invalid_data`,
//!   `invalid_query_parameter`, `not_found`, `not_allowed`, `server_busy` + `Retry-After`);
//!   bearer failures also carry RFC 6750 `WWW-Authenticate` (`invalid_token`,
//!   `insufficient_scope`); OAuth endpoints answer RFC 6749/7591 error codes.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod consumer;
mod discovery;
mod host;
mod http;
mod imsx;
pub mod oauth;
mod repo;

pub use api::{
    ApiFlavor, Clock, ManualClock, OFFLINE_ACCESS, Permission, RandomError, SystemClock,
};
pub use consumer::{
    ClientRegistration, Connection, ConsumerError, HttpClient, OutgoingRequest,
    PendingAuthorization, PullOptions, PullReport, PulledCredential, RandomErrorText,
    RegisteredClient, ServiceDescription, Sleeper, Tokens, TransportError, begin_authorization,
    discover, exchange_code, pull, refresh, register,
};
pub use discovery::{HostConfig, service_description};
pub use host::{Host, MAX_BODY_BYTES, MAX_PAGE_SIZE};
pub use http::{HttpRequest, HttpResponse};
pub use imsx::{CodeMajor, CodeMinor, Severity, StatusInfo};
pub use oauth::{
    AccessGrant, AuthorizationServer, AuthorizeRejection, BearerError, ConsentRequest,
    ConsentScope, MemoryOAuthStore, OAuthConfig, OAuthError, OAuthStore,
};
pub use repo::{
    CredentialFormat, CredentialKey, CredentialPage, CredentialRepo, MemoryCredentialRepo,
    RepoError, StoredCredential, UpsertOutcome,
};

use std::sync::Arc;

/// The host and the authorization server behind one `handle`: every endpoint of both roles
/// except the authorization page (`GET`/`POST {authorization_url}`), which needs the server's
/// login session and renders HTML.
#[derive(Debug)]
pub struct Service {
    /// The resource server.
    pub host: Host,
    /// The authorization server.
    pub authz: Arc<AuthorizationServer>,
}

impl Service {
    /// Both roles together.
    #[must_use]
    pub fn new(host: Host, authz: Arc<AuthorizationServer>) -> Service {
        Service { host, authz }
    }

    /// Dispatches by path: the OAuth endpoints by the path of their configured URLs, the APIs
    /// by their base paths; anything else is 404 `not_found`.
    #[must_use]
    pub fn handle(&self, request: &HttpRequest) -> HttpResponse {
        let config = self.authz.config();
        let is = |url: &str| path_of(url) == request.path;
        if request.method == "POST" {
            if is(&config.registration_url) {
                return self.authz.register(request);
            }
            if is(&config.token_url) {
                return self.authz.token(request);
            }
            if is(&config.revocation_url) {
                return self.authz.revoke(request);
            }
        }
        self.host.handle(request).unwrap_or_else(|| {
            imsx::failure(
                404,
                CodeMinor::NotFound,
                &format!(
                    "{} {} is not an endpoint here",
                    request.method, request.path
                ),
            )
        })
    }
}

fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_owned())
        .unwrap_or_default()
}
