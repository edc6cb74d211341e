//! The OAuth 2.0 authorization server of OB 3.0 §7 / CLR 2.0 §7: registration (RFC 7591),
//! the authorization code grant with PKCE S256 (RFC 6749 §4.1, RFC 7636), `client_secret_basic`
//! at the token endpoint, refresh tokens with rotation, revocation (RFC 7009) and bearer
//! validation for the host (RFC 6750).

mod registration;
mod store;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use url::Url;

pub use registration::{
    ClientMetadata, MAX_METADATA_CHARS, MAX_REDIRECT_URIS, MAX_REGISTRATION_BYTES,
    RegistrationError, validate_registration,
};
pub use store::{
    ClientRecord, CodeRecord, MemoryOAuthStore, OAuthStore, SecretHash, StoreError, TokenKind,
    TokenRecord,
};

use crate::api::{ApiFlavor, Clock, OFFLINE_ACCESS, ct_eq, random_token, sha256};
use crate::http::{HttpRequest, HttpResponse, media_type, no_store};

/// The largest token or revocation request body read.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// Where the endpoints are and how long things live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    /// RFC 7591 registration endpoint (`x-imssf-registrationUrl`).
    pub registration_url: String,
    /// Authorization endpoint (the login and consent page).
    pub authorization_url: String,
    /// Token endpoint (also the `refreshUrl`).
    pub token_url: String,
    /// RFC 7009 revocation endpoint.
    pub revocation_url: String,
    /// How long an authorization code may wait for its token request. RFC 6749 §4.1.2: "a
    /// maximum authorization code lifetime of 10 minutes is RECOMMENDED"; one minute is ample
    /// for a redirect.
    pub code_lifetime_seconds: i64,
    /// Access token lifetime (the spec's example says 3600).
    pub access_token_lifetime_seconds: i64,
    /// Refresh token lifetime; each refresh issues a new one with a fresh lifetime.
    pub refresh_token_lifetime_seconds: i64,
    /// Admit `http://127.0.0.1`, `http://[::1]` and `http://localhost` redirect URIs (RFC 8252
    /// native apps, e.g. a command-line client with a loopback listener). OB 3.0 §7.1.1.2 wants
    /// HTTPS for every URL, so this weakens the profile and is off by default.
    pub dangerous_allow_loopback_http_redirects: bool,
}

impl OAuthConfig {
    /// Endpoints under `{public_base_url}/oauth/…` and the default lifetimes.
    #[must_use]
    pub fn new(public_base_url: &str) -> OAuthConfig {
        let base = public_base_url.trim_end_matches('/');
        OAuthConfig {
            registration_url: format!("{base}/oauth/register"),
            authorization_url: format!("{base}/oauth/authorize"),
            token_url: format!("{base}/oauth/token"),
            revocation_url: format!("{base}/oauth/revoke"),
            code_lifetime_seconds: 60,
            access_token_lifetime_seconds: 3600,
            refresh_token_lifetime_seconds: 30 * 24 * 3600,
            dangerous_allow_loopback_http_redirects: false,
        }
    }
}

/// An RFC 6749 §5.2 / RFC 7591 §3.2.2 / RFC 6750 §3.1 error: code and description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    /// The registered error code (`invalid_grant`, `invalid_request`, …).
    pub error: &'static str,
    /// What went wrong, for the client's developer.
    pub description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            error,
            description: description.into(),
        }
    }

    /// The JSON error response: 401 with `WWW-Authenticate: Basic` for `invalid_client`
    /// (RFC 6749 §5.2), 500 for `server_error`, 400 otherwise.
    #[must_use]
    pub fn respond(&self) -> HttpResponse {
        let status = match self.error {
            "invalid_client" => 401,
            "server_error" => 500,
            _ => 400,
        };
        let mut response = no_store(HttpResponse::json(
            status,
            &json!({"error": self.error, "error_description": self.description}),
        ));
        if status == 401 {
            response = response.with_header("WWW-Authenticate", "Basic realm=\"oauth\"");
        }
        response
    }
}

impl From<StoreError> for OAuthError {
    fn from(_: StoreError) -> OAuthError {
        // The cause is for the log, not the client (STYLE §4).
        OAuthError::new(
            "server_error",
            "the authorization server could not reach its store",
        )
    }
}

impl From<crate::api::RandomError> for OAuthError {
    fn from(_: crate::api::RandomError) -> OAuthError {
        OAuthError::new("server_error", "the authorization server has no randomness")
    }
}

/// One scope as the consent page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentScope {
    /// The scope string.
    pub scope: String,
    /// The sentence to show the user.
    pub sentence: String,
}

/// A validated authorization request, waiting for the user's decision. The page renders it;
/// on submit the server validates the same query again and calls
/// [`AuthorizationServer::approve`] or [`AuthorizationServer::deny`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRequest {
    /// `client_id`.
    pub client_id: String,
    /// The client's registered name, logo, home page, terms and privacy policy.
    pub client: ClientMetadata,
    /// `redirect_uri` (an exact match of a registered one).
    pub redirect_uri: String,
    /// The requested scopes with their sentences, in request order.
    pub scopes: Vec<ConsentScope>,
    /// `state`, returned unchanged.
    pub state: String,
    /// PKCE `code_challenge` (S256).
    pub code_challenge: String,
}

/// Why an authorization request cannot go to the consent page (RFC 6749 §4.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeRejection {
    /// The client or redirect URI cannot be trusted: show the error, never redirect.
    Page(OAuthError),
    /// Send the browser back to the client with the error.
    Redirect {
        /// The `Location` (redirect URI with `error`, `error_description`, `state`).
        location: String,
        /// The error carried.
        error: OAuthError,
    },
}

impl AuthorizeRejection {
    /// The error.
    #[must_use]
    pub fn error(&self) -> &OAuthError {
        match self {
            AuthorizeRejection::Page(e) | AuthorizeRejection::Redirect { error: e, .. } => e,
        }
    }

    /// 400 with the JSON error (a page: never 401, there is no client authentication on the
    /// authorization endpoint), or 302 to the client.
    #[must_use]
    pub fn respond(&self) -> HttpResponse {
        match self {
            AuthorizeRejection::Page(error) => no_store(HttpResponse::json(
                400,
                &json!({"error": error.error, "error_description": error.description}),
            )),
            AuthorizeRejection::Redirect { location, .. } => {
                no_store(HttpResponse::empty(302).with_header("Location", location.clone()))
            }
        }
    }
}

/// Who a valid access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    /// The user who approved.
    pub user: String,
    /// The client holding the token.
    pub client_id: String,
    /// The scopes it carries.
    pub scopes: Vec<String>,
}

/// Why a bearer token was refused (RFC 6750 §3.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No `Authorization: Bearer` header (401, no error code).
    #[error("the request has no bearer access token")]
    Missing,
    /// `invalid_token` (401): unknown, expired, revoked, or not an access token.
    #[error("invalid_token: {reason}")]
    InvalidToken {
        /// Which.
        reason: String,
    },
    /// `insufficient_scope` (403).
    #[error("insufficient_scope: the token lacks the scope {required}")]
    InsufficientScope {
        /// The scope the endpoint requires.
        required: String,
    },
    /// The store failed (500).
    #[error("the token could not be checked: {0}")]
    Store(StoreError),
}

impl BearerError {
    /// The `WWW-Authenticate` value (RFC 6750 §3).
    #[must_use]
    pub fn www_authenticate(&self) -> String {
        match self {
            BearerError::Missing | BearerError::Store(_) => "Bearer realm=\"credbridge\"".into(),
            BearerError::InvalidToken { reason } => format!(
                "Bearer realm=\"credbridge\", error=\"invalid_token\", error_description=\"{}\"",
                reason.replace('"', "'")
            ),
            BearerError::InsufficientScope { required } => format!(
                "Bearer realm=\"credbridge\", error=\"insufficient_scope\", scope=\"{required}\""
            ),
        }
    }
}

/// The authorization server. Cheap to share (`Arc`), holds no per-request state.
pub struct AuthorizationServer {
    config: OAuthConfig,
    store: Arc<dyn OAuthStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationServer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    /// A server with `config`, persisting into `store`, telling time by `clock`.
    #[must_use]
    pub fn new(
        config: OAuthConfig,
        store: Arc<dyn OAuthStore>,
        clock: Arc<dyn Clock>,
    ) -> AuthorizationServer {
        AuthorizationServer {
            config,
            store,
            clock,
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// `POST {registration_url}`: RFC 7591 registration. 201 with `client_id` and
    /// `client_secret`, or 400 `invalid_redirect_uri` / `invalid_client_metadata`.
    #[must_use]
    pub fn register(&self, request: &HttpRequest) -> HttpResponse {
        match self.try_register(request) {
            Ok(response) => response,
            Err(error) => error.respond(),
        }
    }

    fn try_register(&self, request: &HttpRequest) -> Result<HttpResponse, OAuthError> {
        if let Some(ct) = request.header("Content-Type")
            && media_type(ct) != "application/json"
        {
            return Err(OAuthError::new(
                "invalid_client_metadata",
                format!("(body): the Content-Type must be application/json, found {ct}"),
            ));
        }
        let metadata = validate_registration(
            &request.body,
            self.config.dangerous_allow_loopback_http_redirects,
        )
        .map_err(|e| OAuthError::new(e.code(), e.to_string()))?;
        let client_id = random_token()?;
        let client_secret = random_token()?;
        let issued_at = self.clock.now_unix();
        let mut body = metadata.to_json();
        self.store.insert_client(ClientRecord {
            client_id: client_id.clone(),
            client_secret_hash: sha256(&client_secret),
            issued_at,
            metadata,
        })?;
        body.insert("client_id".into(), client_id.into());
        body.insert("client_secret".into(), client_secret.into());
        body.insert("client_id_issued_at".into(), issued_at.into());
        // RFC 7591 §3.2.1: 0 means the secret does not expire.
        body.insert("client_secret_expires_at".into(), 0.into());
        Ok(no_store(HttpResponse::json(201, &Value::Object(body))))
    }

    /// Validates an authorization request (the query of `GET {authorization_url}`) into what
    /// the consent page shows.
    ///
    /// # Errors
    /// [`AuthorizeRejection::Page`] for an unknown client or a redirect URI that is missing or
    /// not registered; [`AuthorizeRejection::Redirect`] for the rest: `response_type` not
    /// `code` (`unsupported_response_type`), no PKCE or a method other than `S256`, no `state`
    /// (`invalid_request`), scopes outside the registration (`invalid_scope`).
    pub fn authorization_request(&self, query: &str) -> Result<ConsentRequest, AuthorizeRejection> {
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let one = |name: &str| -> Result<Option<&str>, OAuthError> {
            let mut values = params.iter().filter(|(k, _)| k == name);
            let first = values.next().map(|(_, v)| v.as_str());
            // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
            if values.next().is_some() {
                return Err(OAuthError::new(
                    "invalid_request",
                    format!("{name} appears more than once"),
                ));
            }
            Ok(first.filter(|v| !v.is_empty()))
        };
        let page = AuthorizeRejection::Page;
        let client_id = one("client_id")
            .map_err(page)?
            .ok_or_else(|| page(OAuthError::new("invalid_request", "client_id is missing")))?;
        let client = self
            .store
            .client(client_id)
            .map_err(|e| page(e.into()))?
            .ok_or_else(|| {
                page(OAuthError::new(
                    "invalid_client",
                    format!("no client is registered with client_id {client_id:?}"),
                ))
            })?;
        let redirect_uri = one("redirect_uri").map_err(page)?.ok_or_else(|| {
            page(OAuthError::new(
                "invalid_request",
                "redirect_uri is missing (OB 3.0 §7.1.2.1 sends it)",
            ))
        })?;
        // Exact string comparison (RFC 6749 §3.1.2.3 with OAuth 2.1's exact-match rule): a
        // prefix or host match lets an attacker's path on the client's host take the code.
        if !client
            .metadata
            .redirect_uris
            .iter()
            .any(|r| r == redirect_uri)
        {
            return Err(page(OAuthError::new(
                "invalid_request",
                format!("redirect_uri {redirect_uri:?} is not one the client registered"),
            )));
        }
        let state = one("state").ok().flatten().map(str::to_owned);
        let bounce = |error: OAuthError| AuthorizeRejection::Redirect {
            location: redirect_with(
                redirect_uri,
                &[
                    ("error", error.error),
                    ("error_description", &error.description),
                ],
                state.as_deref(),
            ),
            error,
        };
        let response_type = one("response_type").map_err(bounce)?;
        if response_type != Some("code") {
            return Err(bounce(OAuthError::new(
                "unsupported_response_type",
                format!(
                    "response_type must be code, found {}",
                    response_type.unwrap_or("nothing")
                ),
            )));
        }
        let Some(state) = state.clone() else {
            return Err(bounce(OAuthError::new(
                "invalid_request",
                "state is missing (OB 3.0 §7.1.2.1)",
            )));
        };
        let code_challenge = one("code_challenge").map_err(bounce)?.ok_or_else(|| {
            bounce(OAuthError::new(
                "invalid_request",
                "code_challenge is missing: PKCE is required (OB 3.0 §7.1.2.1)",
            ))
        })?;
        match one("code_challenge_method").map_err(bounce)? {
            Some("S256") => {}
            Some(other) => {
                return Err(bounce(OAuthError::new(
                    "invalid_request",
                    format!("code_challenge_method must be S256, found {other}"),
                )));
            }
            // RFC 7636 §4.3: absent means `plain`, which OB 3.0 does not allow.
            None => {
                return Err(bounce(OAuthError::new(
                    "invalid_request",
                    "code_challenge_method is missing (it would mean plain); it must be S256",
                )));
            }
        }
        // BASE64URL(SHA256(verifier)) is 43 characters.
        if code_challenge.len() != 43
            || !code_challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bounce(OAuthError::new(
                "invalid_request",
                "code_challenge must be the 43-character base64url SHA-256 of the verifier",
            )));
        }
        let scope_text = one("scope").map_err(bounce)?.unwrap_or("");
        let mut scopes = Vec::new();
        for scope in scope_text.split(' ').filter(|s| !s.is_empty()) {
            if !client.metadata.scope.iter().any(|s| s == scope) {
                return Err(bounce(OAuthError::new(
                    "invalid_scope",
                    format!("{scope:?} is not among the scopes the client registered"),
                )));
            }
            if scopes.iter().any(|s: &ConsentScope| s.scope == scope) {
                continue;
            }
            let sentence = match ApiFlavor::parse_scope(scope) {
                Some((flavor, permission)) => flavor.consent_sentence(permission).to_owned(),
                None => "Keep this access when you are not using the application, until you take it back.".to_owned(),
            };
            scopes.push(ConsentScope {
                scope: scope.to_owned(),
                sentence,
            });
        }
        if scopes.iter().all(|s| s.scope == OFFLINE_ACCESS) {
            return Err(bounce(OAuthError::new(
                "invalid_scope",
                "scope names no Open Badges or CLR permission",
            )));
        }
        Ok(ConsentRequest {
            client_id: client_id.to_owned(),
            client: client.metadata,
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            state,
            code_challenge: code_challenge.to_owned(),
        })
    }

    /// The user (`user`, as the server's login knows them) approved: issues a single-use code
    /// and returns the `Location` to send the browser to (OB 3.0 §7.1.2.2).
    ///
    /// # Errors
    /// `server_error` when the store or the random source fails.
    pub fn approve(&self, consent: &ConsentRequest, user: &str) -> Result<String, OAuthError> {
        let code = random_token()?;
        let family = random_token()?;
        let scopes: Vec<String> = consent.scopes.iter().map(|s| s.scope.clone()).collect();
        self.store.insert_code(CodeRecord {
            code_hash: sha256(&code),
            client_id: consent.client_id.clone(),
            user: user.to_owned(),
            redirect_uri: consent.redirect_uri.clone(),
            scopes: scopes.clone(),
            code_challenge: consent.code_challenge.clone(),
            expires_at: self
                .clock
                .now_unix()
                .saturating_add(self.config.code_lifetime_seconds),
            used: false,
            family,
        })?;
        Ok(redirect_with(
            &consent.redirect_uri,
            &[("code", &code), ("scope", &scopes.join(" "))],
            Some(&consent.state),
        ))
    }

    /// The user declined: the `Location` carrying `error=access_denied` (RFC 6749 §4.1.2.1).
    #[must_use]
    pub fn deny(&self, consent: &ConsentRequest) -> String {
        redirect_with(
            &consent.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "the user declined"),
            ],
            Some(&consent.state),
        )
    }

    /// `POST {token_url}`: `authorization_code` and `refresh_token` grants, client
    /// authenticated with HTTP Basic (OB 3.0 §7.1.2.3, §7.2).
    #[must_use]
    pub fn token(&self, request: &HttpRequest) -> HttpResponse {
        match self.try_token(request) {
            Ok(body) => no_store(HttpResponse::json(200, &body)),
            Err(error) => error.respond(),
        }
    }

    fn try_token(&self, request: &HttpRequest) -> Result<Value, OAuthError> {
        let form = read_form(request)?;
        let client = self.authenticate_client(request)?;
        match form_value(&form, "grant_type")? {
            Some("authorization_code") => self.exchange_code(&client, &form),
            Some("refresh_token") => self.refresh(&client, &form),
            Some(other) => Err(OAuthError::new(
                "unsupported_grant_type",
                format!(
                    "grant_type {other:?} is not supported (authorization_code, refresh_token)"
                ),
            )),
            None => Err(OAuthError::new("invalid_request", "grant_type is missing")),
        }
    }

    fn exchange_code(
        &self,
        client: &ClientRecord,
        form: &[(String, String)],
    ) -> Result<Value, OAuthError> {
        let code = require(form, "code")?;
        let redirect_uri = require(form, "redirect_uri")?;
        let verifier = require(form, "code_verifier")?;
        let invalid = |d: &str| OAuthError::new("invalid_grant", d);
        let record = self
            .store
            .take_code(&sha256(code))?
            .ok_or_else(|| invalid("the authorization code is unknown"))?;
        if record.used {
            // RFC 6749 §4.1.2: a code used twice is denied, and the tokens it already
            // produced are revoked, since one of the two requests is an attacker's.
            self.store.revoke_family(&record.family)?;
            return Err(invalid(
                "the authorization code was already used; the tokens issued from it are revoked",
            ));
        }
        if record.client_id != client.client_id {
            return Err(invalid(
                "the authorization code was issued to another client",
            ));
        }
        if self.clock.now_unix() >= record.expires_at {
            return Err(invalid("the authorization code has expired"));
        }
        if record.redirect_uri != redirect_uri {
            return Err(invalid(
                "redirect_uri differs from the one in the authorization request",
            ));
        }
        // RFC 7636 §4.1: 43–128 unreserved characters.
        if !(43..=128).contains(&verifier.len())
            || !verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        {
            return Err(invalid(
                "code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)",
            ));
        }
        let challenge = URL_SAFE_NO_PAD.encode(sha256(verifier));
        if !ct_eq(challenge.as_bytes(), record.code_challenge.as_bytes()) {
            return Err(invalid("code_verifier does not match the code_challenge"));
        }
        let scopes = narrow_scopes(form, &record.scopes)?;
        self.issue(client, &record.user, scopes, &record.family)
    }

    fn refresh(
        &self,
        client: &ClientRecord,
        form: &[(String, String)],
    ) -> Result<Value, OAuthError> {
        let token = require(form, "refresh_token")?;
        let hash = sha256(token);
        let invalid = |d: &str| OAuthError::new("invalid_grant", d);
        let record = self
            .store
            .token(&hash)?
            .filter(|r| r.kind == TokenKind::Refresh)
            .ok_or_else(|| invalid("the refresh token is unknown"))?;
        if record.client_id != client.client_id {
            return Err(invalid("the refresh token was issued to another client"));
        }
        if record.revoked {
            return Err(invalid("the refresh token has been revoked"));
        }
        if self.clock.now_unix() >= record.expires_at {
            return Err(invalid("the refresh token has expired"));
        }
        if !self.store.mark_refresh_used(&hash)? {
            // Rotation (OAuth 2.0 Security BCP §4.14.2): a refresh token presented twice was
            // copied; revoke the whole grant so the copy is worthless too.
            self.store.revoke_family(&record.family)?;
            return Err(invalid(
                "the refresh token was already used; every token of this grant is revoked",
            ));
        }
        let scopes = narrow_scopes(form, &record.scopes)?;
        self.issue(client, &record.user, scopes, &record.family)
    }

    fn issue(
        &self,
        client: &ClientRecord,
        user: &str,
        scopes: Vec<String>,
        family: &str,
    ) -> Result<Value, OAuthError> {
        let now = self.clock.now_unix();
        let access = random_token()?;
        self.store.insert_token(TokenRecord {
            token_hash: sha256(&access),
            kind: TokenKind::Access,
            client_id: client.client_id.clone(),
            user: user.to_owned(),
            scopes: scopes.clone(),
            expires_at: now.saturating_add(self.config.access_token_lifetime_seconds),
            revoked: false,
            used: false,
            family: family.to_owned(),
        })?;
        let mut body = json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.config.access_token_lifetime_seconds,
            "scope": scopes.join(" "),
        });
        if client.metadata.allows_refresh() {
            let refresh = random_token()?;
            self.store.insert_token(TokenRecord {
                token_hash: sha256(&refresh),
                kind: TokenKind::Refresh,
                client_id: client.client_id.clone(),
                user: user.to_owned(),
                scopes,
                expires_at: now.saturating_add(self.config.refresh_token_lifetime_seconds),
                revoked: false,
                used: false,
                family: family.to_owned(),
            })?;
            if let Some(object) = body.as_object_mut() {
                object.insert("refresh_token".into(), refresh.into());
            }
        }
        Ok(body)
    }

    /// `POST {revocation_url}` (RFC 7009): 200 whether or not the token was known (§2.2);
    /// revoking a refresh token revokes every token of its grant (§2.1 SHOULD).
    #[must_use]
    pub fn revoke(&self, request: &HttpRequest) -> HttpResponse {
        let outcome = (|| -> Result<(), OAuthError> {
            let form = read_form(request)?;
            let client = self.authenticate_client(request)?;
            let token = require(&form, "token")?;
            match form_value(&form, "token_type_hint")? {
                None | Some("access_token" | "refresh_token") => {}
                Some(other) => {
                    return Err(OAuthError::new(
                        "unsupported_token_type",
                        format!("token_type_hint {other:?} is not access_token or refresh_token"),
                    ));
                }
            }
            let hash = sha256(token);
            let Some(record) = self.store.token(&hash)? else {
                return Ok(());
            };
            if record.client_id != client.client_id {
                // §2.1: the server checks the token was issued to this client and refuses.
                return Err(OAuthError::new(
                    "invalid_request",
                    "the token was not issued to this client",
                ));
            }
            match record.kind {
                TokenKind::Refresh => self.store.revoke_family(&record.family)?,
                TokenKind::Access => self.store.revoke_token(&hash)?,
            }
            Ok(())
        })();
        match outcome {
            Ok(()) => no_store(HttpResponse::empty(200)),
            Err(error) => error.respond(),
        }
    }

    /// Checks `Authorization: Bearer …` (the header value, if any) for `required_scope`.
    ///
    /// # Errors
    /// [`BearerError`].
    pub fn authenticate(
        &self,
        authorization: Option<&str>,
        required_scope: &str,
    ) -> Result<AccessGrant, BearerError> {
        let token = authorization
            .and_then(|h| {
                let (scheme, rest) = h.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(BearerError::Missing)?;
        let invalid = |reason: &str| BearerError::InvalidToken {
            reason: reason.to_owned(),
        };
        let record = self
            .store
            .token(&sha256(token))
            .map_err(BearerError::Store)?
            .filter(|r| r.kind == TokenKind::Access)
            .ok_or_else(|| invalid("the access token is unknown"))?;
        if record.revoked {
            return Err(invalid("the access token has been revoked"));
        }
        if self.clock.now_unix() >= record.expires_at {
            return Err(invalid("the access token has expired"));
        }
        if !record.scopes.iter().any(|s| s == required_scope) {
            return Err(BearerError::InsufficientScope {
                required: required_scope.to_owned(),
            });
        }
        Ok(AccessGrant {
            user: record.user,
            client_id: record.client_id,
            scopes: record.scopes,
        })
    }

    /// HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-urlencoded,
    /// then base64).
    fn authenticate_client(&self, request: &HttpRequest) -> Result<ClientRecord, OAuthError> {
        let unauthorized = |d: &str| OAuthError::new("invalid_client", d);
        let header = request.header("Authorization").ok_or_else(|| {
            unauthorized("the client must authenticate with HTTP Basic (client_secret_basic)")
        })?;
        let encoded = header
            .trim()
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, rest)| rest.trim())
            .ok_or_else(|| unauthorized("the Authorization header is not HTTP Basic"))?;
        let decoded = STANDARD
            .decode(encoded)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| unauthorized("the Basic credentials are not base64 of UTF-8"))?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(|| unauthorized("the Basic credentials have no ':'"))?;
        let id = form_decode(id);
        let secret = form_decode(secret);
        let client = self
            .store
            .client(&id)?
            .ok_or_else(|| unauthorized("client authentication failed"))?;
        if !ct_eq(&sha256(&secret), &client.client_secret_hash) {
            return Err(unauthorized("client authentication failed"));
        }
        Ok(client)
    }
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn read_form(request: &HttpRequest) -> Result<Vec<(String, String)>, OAuthError> {
    if request.body.len() > MAX_FORM_BYTES {
        return Err(OAuthError::new(
            "invalid_request",
            format!("the body is longer than {MAX_FORM_BYTES} bytes"),
        ));
    }
    match request.header("Content-Type").map(media_type) {
        Some(m) if m == "application/x-www-form-urlencoded" => {}
        found => {
            return Err(OAuthError::new(
                "invalid_request",
                format!(
                    "the body must be application/x-www-form-urlencoded (RFC 6749 §4.1.3), found {}",
                    found.unwrap_or_else(|| "no Content-Type".into())
                ),
            ));
        }
    }
    Ok(url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect())
}

fn form_value<'a>(form: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, OAuthError> {
    let mut values = form.iter().filter(|(k, _)| k == name);
    let first = values.next().map(|(_, v)| v.as_str());
    if values.next().is_some() {
        return Err(OAuthError::new(
            "invalid_request",
            format!("{name} appears more than once"),
        ));
    }
    Ok(first.filter(|v| !v.is_empty()))
}

fn require<'a>(form: &'a [(String, String)], name: &str) -> Result<&'a str, OAuthError> {
    form_value(form, name)?
        .ok_or_else(|| OAuthError::new("invalid_request", format!("{name} is missing")))
}

/// RFC 6749 §3.3 / §6: a `scope` in the token request may narrow the grant, never widen it.
fn narrow_scopes(form: &[(String, String)], granted: &[String]) -> Result<Vec<String>, OAuthError> {
    let Some(asked) = form_value(form, "scope")? else {
        return Ok(granted.to_vec());
    };
    let mut out = Vec::new();
    for scope in asked.split(' ').filter(|s| !s.is_empty()) {
        if !granted.iter().any(|g| g == scope) {
            return Err(OAuthError::new(
                "invalid_scope",
                format!("{scope:?} was not granted"),
            ));
        }
        if !out.iter().any(|s| s == scope) {
            out.push(scope.to_owned());
        }
    }
    Ok(out)
}

/// `base` with `params` (and `state`) added to its query.
fn redirect_with(base: &str, params: &[(&str, &str)], state: Option<&str>) -> String {
    match Url::parse(base) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (k, v) in params {
                    query.append_pair(k, v);
                }
                if let Some(state) = state {
                    query.append_pair("state", state);
                }
            }
            url.to_string()
        }
        // Only registered (hence parsed) redirect URIs reach here.
        Err(_) => base.to_owned(),
    }
}
