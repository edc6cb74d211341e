//! The consumer (client) side: discovery → registration → authorization URL with PKCE →
//! token exchange → paging pull since the last sync, with the spec's retry policy and token
//! refresh. Every request goes through [`HttpClient`], which `credbridge-fetch` implements;
//! waiting goes through [`Sleeper`], so a test (or a scheduler) decides what a wait costs.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use url::Url;

use crate::api::{Clock, RandomError, ct_eq, random_token, sha256};
use crate::http::{HttpResponse, parse_http_date};

/// One outgoing request: an absolute URL, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRequest {
    /// `GET`, `POST`.
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header fields.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The request could not be carried out (DNS, TCP, TLS, the address guard, a timeout).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {message}")]
pub struct TransportError {
    /// The URL asked for.
    pub url: String,
    /// What failed.
    pub message: String,
}

/// Sends requests. `credbridge-fetch` implements it over its guarded client (which must not
/// follow redirects for these calls: a bearer token must not travel to another origin).
pub trait HttpClient {
    /// Sends `request` and returns the response, whatever its status.
    ///
    /// # Errors
    /// [`TransportError`].
    fn send(&self, request: &OutgoingRequest) -> Result<HttpResponse, TransportError>;
}

/// Waits. The CLI sleeps; a test moves a [`crate::ManualClock`]; a scheduler may instead keep
/// the pull's place and come back (`PullOptions::retries = 0` hands the wait to it).
pub trait Sleeper {
    /// Waits `seconds`.
    fn sleep(&self, seconds: u64);
}

/// What went wrong on the consumer side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumerError {
    /// The request could not be sent.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server answered with an unexpected status.
    #[error("{url}: HTTP {status}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// `imsx_description` or OAuth `error`/`error_description`, when the body had one.
        description: Option<String>,
    },
    /// The server's answer is not what the spec says it is.
    #[error("{url}: {what}")]
    Malformed {
        /// The URL.
        url: String,
        /// What is wrong with it.
        what: String,
    },
    /// The authorization server sent the user back with an error (or the user declined).
    #[error("authorization refused: {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    AuthorizationRefused {
        /// The OAuth `error` (`access_denied`, …).
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// The redirect carried another `state` than the one sent: not our request (CSRF).
    #[error("the redirect's state does not match the authorization request (possible forgery)")]
    StateMismatch,
    /// The access token is refused and could not be refreshed: the user must connect again.
    #[error(
        "{url}: the host refuses the access token and it could not be refreshed; connect again"
    )]
    Unauthorized {
        /// The URL.
        url: String,
    },
    /// Still busy after every retry.
    #[error("{url}: still HTTP {status} after {attempts} attempts")]
    GaveUp {
        /// The URL.
        url: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// A `Link: rel="next"` pointed off the API's origin; following it would hand the bearer
    /// token to another server.
    #[error("the next page link {link} is not on the API's origin {origin}")]
    LinkOffOrigin {
        /// The link.
        link: String,
        /// The API's origin.
        origin: String,
    },
    /// More pages than [`PullOptions::max_pages`] (or a link loop).
    #[error("the pull stopped after {limit} pages (a link loop, or raise PullOptions::max_pages)")]
    TooManyPages {
        /// The limit.
        limit: usize,
    },
    /// No randomness for `state` and the PKCE verifier.
    #[error(transparent)]
    Random(#[from] RandomErrorText),
}

/// [`RandomError`] as a comparable value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RandomErrorText(pub String);

impl From<RandomError> for ConsumerError {
    fn from(e: RandomError) -> ConsumerError {
        ConsumerError::Random(RandomErrorText(e.to_string()))
    }
}

/// What the Service Description Document told us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDescription {
    /// The API root (`https://host/ims/ob/v3p0`) the document came from.
    pub api_root: String,
    /// `x-imssf-name` or `info.title`.
    pub name: Option<String>,
    /// `x-imssf-registrationUrl`.
    pub registration_url: String,
    /// `authorizationUrl`.
    pub authorization_url: String,
    /// `tokenUrl`.
    pub token_url: String,
    /// `refreshUrl` (the token URL when absent).
    pub refresh_url: String,
    /// The scopes offered.
    pub scopes: Vec<String>,
    /// `info.termsOfService`.
    pub terms_of_service_url: Option<String>,
    /// `info.x-imssf-privacyPolicyUrl`.
    pub privacy_policy_url: Option<String>,
}

fn get_json(
    http: &dyn HttpClient,
    url: &str,
    headers: Vec<(String, String)>,
) -> Result<(HttpResponse, Value), ConsumerError> {
    let response = http.send(&OutgoingRequest {
        method: "GET".into(),
        url: url.to_owned(),
        headers,
        body: Vec::new(),
    })?;
    if response.status != 200 {
        return Err(status_error(url, &response));
    }
    let value = response
        .body_json()
        .ok_or_else(|| ConsumerError::Malformed {
            url: url.to_owned(),
            what: "the body is not JSON".into(),
        })?;
    Ok((response, value))
}

fn status_error(url: &str, response: &HttpResponse) -> ConsumerError {
    let description = response.body_json().and_then(|body| {
        body.get("imsx_description")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                let error = body.get("error")?.as_str()?;
                Some(
                    match body.get("error_description").and_then(Value::as_str) {
                        Some(d) => format!("{error}: {d}"),
                        None => error.to_owned(),
                    },
                )
            })
    });
    ConsumerError::Status {
        url: url.to_owned(),
        status: response.status,
        description,
    }
}

/// `GET {api_root}/discovery` and reads the `OAuth2ACG` scheme (OB 3.0 §7.1.1.1).
///
/// # Errors
/// [`ConsumerError`]; `Malformed` names the missing member.
pub fn discover(
    http: &dyn HttpClient,
    api_root: &str,
) -> Result<ServiceDescription, ConsumerError> {
    let api_root = api_root.trim_end_matches('/').to_owned();
    let url = format!("{api_root}/discovery");
    let (_, sdd) = get_json(
        http,
        &url,
        vec![("Accept".into(), "application/json".into())],
    )?;
    let pointer = |p: &str| sdd.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let scheme = "/components/securitySchemes/OAuth2ACG";
    let required = |p: String| {
        pointer(&p).ok_or_else(|| ConsumerError::Malformed {
            url: url.clone(),
            what: format!("the Service Description Document has no {p}"),
        })
    };
    let registration_url = required(format!("{scheme}/x-imssf-registrationUrl"))?;
    let authorization_url = required(format!("{scheme}/flows/authorizationCode/authorizationUrl"))?;
    let token_url = required(format!("{scheme}/flows/authorizationCode/tokenUrl"))?;
    let refresh_url = pointer(&format!("{scheme}/flows/authorizationCode/refreshUrl"))
        .unwrap_or_else(|| token_url.clone());
    let scopes = sdd
        .pointer(&format!("{scheme}/flows/authorizationCode/scopes"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    Ok(ServiceDescription {
        name: pointer(&format!("{scheme}/x-imssf-name")).or_else(|| pointer("/info/title")),
        terms_of_service_url: pointer("/info/termsOfService"),
        privacy_policy_url: pointer("/info/x-imssf-privacyPolicyUrl"),
        api_root,
        registration_url,
        authorization_url,
        token_url,
        refresh_url,
        scopes,
    })
}

/// What we tell a host about ourselves when registering (OB 3.0 §7.1.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRegistration {
    /// `client_name`.
    pub client_name: String,
    /// `client_uri`.
    pub client_uri: String,
    /// `logo_uri`.
    pub logo_uri: String,
    /// `tos_uri`.
    pub tos_uri: String,
    /// `policy_uri`.
    pub policy_uri: String,
    /// `software_id`.
    pub software_id: String,
    /// `software_version`.
    pub software_version: String,
    /// `redirect_uris`.
    pub redirect_uris: Vec<String>,
    /// The scopes to ask for (add `offline_access` for a refresh token).
    pub scopes: Vec<String>,
}

/// The credentials a host issued us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredClient {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret` (store it encrypted).
    pub client_secret: String,
}

/// Registers with the host's `x-imssf-registrationUrl`.
///
/// # Errors
/// [`ConsumerError::Status`] carrying `invalid_redirect_uri`/`invalid_client_metadata` and the
/// description.
pub fn register(
    http: &dyn HttpClient,
    service: &ServiceDescription,
    registration: &ClientRegistration,
) -> Result<RegisteredClient, ConsumerError> {
    let body = serde_json::json!({
        "client_name": registration.client_name,
        "client_uri": registration.client_uri,
        "logo_uri": registration.logo_uri,
        "tos_uri": registration.tos_uri,
        "policy_uri": registration.policy_uri,
        "software_id": registration.software_id,
        "software_version": registration.software_version,
        "redirect_uris": registration.redirect_uris,
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": registration.scopes.join(" "),
    });
    let url = &service.registration_url;
    let response = http.send(&OutgoingRequest {
        method: "POST".into(),
        url: url.clone(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: body.to_string().into_bytes(),
    })?;
    if response.status != 201 && response.status != 200 {
        return Err(status_error(url, &response));
    }
    let value = response.body_json().unwrap_or(Value::Null);
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ConsumerError::Malformed {
                url: url.clone(),
                what: format!("the registration response has no {name}"),
            })
    };
    Ok(RegisteredClient {
        client_id: field("client_id")?,
        client_secret: field("client_secret")?,
    })
}

/// An authorization request on its way through the user's browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// Where to send the user.
    pub url: String,
    /// The `state` sent.
    pub state: String,
    /// The PKCE verifier (kept secret until the token request).
    pub code_verifier: String,
    /// The `redirect_uri` sent.
    pub redirect_uri: String,
}

/// Builds the authorization URL with a fresh `state` and PKCE S256 pair (RFC 7636 §4.1–4.2).
///
/// # Errors
/// [`ConsumerError::Malformed`] when the authorization URL does not parse;
/// [`ConsumerError::Random`].
pub fn begin_authorization(
    service: &ServiceDescription,
    client: &RegisteredClient,
    redirect_uri: &str,
    scopes: &[String],
) -> Result<PendingAuthorization, ConsumerError> {
    let state = random_token()?;
    let code_verifier = random_token()?;
    let challenge = URL_SAFE_NO_PAD.encode(sha256(&code_verifier));
    let mut url = Url::parse(&service.authorization_url).map_err(|e| ConsumerError::Malformed {
        url: service.authorization_url.clone(),
        what: format!("the authorization URL does not parse: {e}"),
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(PendingAuthorization {
        url: url.to_string(),
        state,
        code_verifier,
        redirect_uri: redirect_uri.to_owned(),
    })
}

impl PendingAuthorization {
    /// The code from the redirect the browser came back with (a full URL or just its query).
    ///
    /// # Errors
    /// [`ConsumerError::StateMismatch`], [`ConsumerError::AuthorizationRefused`], or
    /// `Malformed` when there is no code.
    pub fn code_from_redirect(&self, redirect: &str) -> Result<String, ConsumerError> {
        let query = redirect.split_once('?').map_or(redirect, |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let state = get("state").unwrap_or_default();
        if !ct_eq(state.as_bytes(), self.state.as_bytes()) {
            return Err(ConsumerError::StateMismatch);
        }
        if let Some(error) = get("error") {
            return Err(ConsumerError::AuthorizationRefused {
                error,
                description: get("error_description"),
            });
        }
        get("code").ok_or_else(|| ConsumerError::Malformed {
            url: self.redirect_uri.clone(),
            what: "the redirect carries neither code nor error".into(),
        })
    }
}

/// Tokens for one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// The bearer access token.
    pub access_token: String,
    /// The refresh token, when the host issued one.
    pub refresh_token: Option<String>,
    /// When the access token expires (our clock), Unix seconds.
    pub expires_at: i64,
    /// The scopes granted.
    pub scope: Vec<String>,
}

fn token_request(
    http: &dyn HttpClient,
    clock: &dyn Clock,
    url: &str,
    client: &RegisteredClient,
    form: &[(&str, &str)],
    previous_refresh: Option<&str>,
) -> Result<Tokens, ConsumerError> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        body.append_pair(k, v);
    }
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let basic = STANDARD.encode(format!(
        "{}:{}",
        encode(&client.client_id),
        encode(&client.client_secret)
    ));
    let response = http.send(&OutgoingRequest {
        method: "POST".into(),
        url: url.to_owned(),
        headers: vec![
            ("Authorization".into(), format!("Basic {basic}")),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Accept".into(), "application/json".into()),
        ],
        body: body.finish().into_bytes(),
    })?;
    if response.status != 200 {
        return Err(status_error(url, &response));
    }
    let value = response.body_json().unwrap_or(Value::Null);
    let access_token = value
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| ConsumerError::Malformed {
            url: url.to_owned(),
            what: "the token response has no access_token".into(),
        })?;
    let expires_in = value
        .get("expires_in")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    Ok(Tokens {
        access_token: access_token.to_owned(),
        refresh_token: value
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| previous_refresh.map(str::to_owned)),
        expires_at: clock.now_unix().saturating_add(expires_in),
        scope: value
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| {
                s.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Exchanges the code for tokens (OB 3.0 §7.1.2.3).
///
/// # Errors
/// [`ConsumerError::Status`] with the OAuth error (`invalid_grant`, …).
pub fn exchange_code(
    http: &dyn HttpClient,
    clock: &dyn Clock,
    service: &ServiceDescription,
    client: &RegisteredClient,
    pending: &PendingAuthorization,
    code: &str,
) -> Result<Tokens, ConsumerError> {
    token_request(
        http,
        clock,
        &service.token_url,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &pending.redirect_uri),
            ("code_verifier", &pending.code_verifier),
        ],
        None,
    )
}

/// Refreshes the tokens (OB 3.0 §7.2); the host rotates the refresh token.
///
/// # Errors
/// [`ConsumerError::Unauthorized`] when there is no refresh token; `Status` with the OAuth
/// error otherwise.
pub fn refresh(
    http: &dyn HttpClient,
    clock: &dyn Clock,
    service: &ServiceDescription,
    client: &RegisteredClient,
    tokens: &Tokens,
) -> Result<Tokens, ConsumerError> {
    let Some(refresh_token) = tokens.refresh_token.as_deref() else {
        return Err(ConsumerError::Unauthorized {
            url: service.refresh_url.clone(),
        });
    };
    token_request(
        http,
        clock,
        &service.refresh_url,
        client,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
        None,
    )
}

/// One connection to a host: what `credbridge obapi connect` stores (encrypted) and
/// `credbridge obapi pull` updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// The host's description.
    pub service: ServiceDescription,
    /// Our client credentials at the host.
    pub client: RegisteredClient,
    /// The current tokens.
    pub tokens: Tokens,
    /// The `since` for the next pull (RFC 3339), `None` before the first.
    pub last_sync: Option<String>,
}

/// How a pull behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullOptions {
    /// `limit` per page.
    pub page_size: usize,
    /// Stop after this many pages (guards against link loops).
    pub max_pages: usize,
    /// Retries after a busy answer (OB 3.0 §6.4: "two more times").
    pub retries: u32,
    /// The wait when no `Retry-After` came (OB 3.0: 30 minutes).
    pub default_retry_after_seconds: u64,
    /// The longest wait honoured; a longer `Retry-After` is cut to this.
    pub max_retry_after_seconds: u64,
}

impl Default for PullOptions {
    fn default() -> PullOptions {
        PullOptions {
            page_size: 100,
            max_pages: 10_000,
            retries: 2,
            default_retry_after_seconds: 30 * 60,
            max_retry_after_seconds: 6 * 3600,
        }
    }
}

/// One credential as pulled: its exact text from the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PulledCredential {
    /// An entry of `credential[]`: the exact JSON text.
    Json(String),
    /// An entry of `compactJwsString[]`.
    CompactJws(String),
}

/// What a pull did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullReport {
    /// Credentials handed to the sink.
    pub credentials: usize,
    /// Pages fetched.
    pub pages: usize,
    /// Busy answers waited out.
    pub retries: u32,
    /// Whether the access token was refreshed.
    pub refreshed: bool,
    /// The `since` saved for the next pull.
    pub next_since: String,
}

/// Pulls every credential stored since the last sync, page by page, following
/// `Link: rel="next"`, and hands each to `sink` in order. On success the connection's
/// `last_sync` moves to one second before the host's `Date` on the first page (the host's
/// clock, not ours, so skew cannot lose credentials; the second of overlap can repeat one,
/// which the inbox's content dedupe absorbs). An access token past its `expires_at` is
/// refreshed first; a 401 refreshes it once more; 429/502/503/504 wait `Retry-After` (else 30
/// minutes) and retry twice.
///
/// # Errors
/// [`ConsumerError`]; `connection.tokens` may have been rotated even then (save it).
pub fn pull(
    http: &dyn HttpClient,
    clock: &dyn Clock,
    sleeper: &dyn Sleeper,
    connection: &mut Connection,
    options: &PullOptions,
    sink: &mut dyn FnMut(PulledCredential),
) -> Result<PullReport, ConsumerError> {
    let origin = origin_of(&connection.service.api_root);
    let mut next = Some({
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("limit", &options.page_size.max(1).to_string());
        query.append_pair("offset", "0");
        if let Some(since) = &connection.last_sync {
            query.append_pair("since", since);
        }
        format!(
            "{}/credentials?{}",
            connection.service.api_root,
            query.finish()
        )
    });
    let mut report = PullReport {
        credentials: 0,
        pages: 0,
        retries: 0,
        refreshed: false,
        next_since: String::new(),
    };
    let mut first_date: Option<i64> = None;
    // A token known to be expired is refreshed before it is sent (one round trip saved); a
    // token the host refuses anyway (revoked, clock skew) is refreshed on the 401.
    if connection.tokens.refresh_token.is_some() && clock.now_unix() >= connection.tokens.expires_at
    {
        connection.tokens = refresh(
            http,
            clock,
            &connection.service,
            &connection.client,
            &connection.tokens,
        )
        .map_err(|_| ConsumerError::Unauthorized {
            url: connection.service.refresh_url.clone(),
        })?;
        report.refreshed = true;
    }
    while let Some(url) = next.take() {
        if report.pages >= options.max_pages {
            return Err(ConsumerError::TooManyPages {
                limit: options.max_pages,
            });
        }
        let response = get_page(http, clock, sleeper, connection, options, &url, &mut report)?;
        report.pages += 1;
        if first_date.is_none() {
            first_date = Some(
                response
                    .header("Date")
                    .and_then(parse_http_date)
                    .unwrap_or_else(|| clock.now_unix()),
            );
        }
        for credential in read_page(&url, &response.body)? {
            report.credentials += 1;
            sink(credential);
        }
        if let Some(link) = response.header("Link").and_then(|l| link_rel(l, "next")) {
            let absolute = Url::parse(&url)
                .and_then(|base| base.join(&link))
                .map(|u| u.to_string())
                .map_err(|e| ConsumerError::Malformed {
                    url: url.clone(),
                    what: format!("the next link {link:?} does not parse: {e}"),
                })?;
            if origin_of(&absolute) != origin {
                return Err(ConsumerError::LinkOffOrigin {
                    link: absolute,
                    origin,
                });
            }
            if absolute == url {
                return Err(ConsumerError::TooManyPages {
                    limit: report.pages,
                });
            }
            next = Some(absolute);
        }
    }
    let since = first_date
        .unwrap_or_else(|| clock.now_unix())
        .saturating_sub(1);
    report.next_since = credbridge_model::format_unix(since);
    connection.last_sync = Some(report.next_since.clone());
    Ok(report)
}

fn get_page(
    http: &dyn HttpClient,
    clock: &dyn Clock,
    sleeper: &dyn Sleeper,
    connection: &mut Connection,
    options: &PullOptions,
    url: &str,
    report: &mut PullReport,
) -> Result<HttpResponse, ConsumerError> {
    let mut attempts = 0u32;
    let mut refreshed_here = false;
    loop {
        attempts += 1;
        let response = http.send(&OutgoingRequest {
            method: "GET".into(),
            url: url.to_owned(),
            headers: vec![
                (
                    "Authorization".into(),
                    format!("Bearer {}", connection.tokens.access_token),
                ),
                ("Accept".into(), "application/json".into()),
            ],
            body: Vec::new(),
        })?;
        match response.status {
            200 => return Ok(response),
            401 if !refreshed_here => {
                refreshed_here = true;
                let tokens = refresh(
                    http,
                    clock,
                    &connection.service,
                    &connection.client,
                    &connection.tokens,
                )
                .map_err(|_| ConsumerError::Unauthorized {
                    url: url.to_owned(),
                })?;
                connection.tokens = tokens;
                report.refreshed = true;
            }
            401 => {
                return Err(ConsumerError::Unauthorized {
                    url: url.to_owned(),
                });
            }
            429 | 502 | 503 | 504 if attempts <= options.retries => {
                let wait = response
                    .header("Retry-After")
                    .and_then(|v| retry_after_seconds(v, clock.now_unix()))
                    .unwrap_or(options.default_retry_after_seconds)
                    .min(options.max_retry_after_seconds);
                report.retries += 1;
                sleeper.sleep(wait);
            }
            429 | 502 | 503 | 504 => {
                return Err(ConsumerError::GaveUp {
                    url: url.to_owned(),
                    status: response.status,
                    attempts,
                });
            }
            _ => return Err(status_error(url, &response)),
        }
    }
}

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
fn retry_after_seconds(value: &str, now: i64) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let at = parse_http_date(value)?;
    u64::try_from(at.saturating_sub(now).max(0)).ok()
}

/// The credentials of a `GetOpenBadgeCredentialsResponse` / `GetClrCredentialsResponse` body,
/// each with its exact text.
fn read_page(url: &str, body: &[u8]) -> Result<Vec<PulledCredential>, ConsumerError> {
    let malformed = |what: String| ConsumerError::Malformed {
        url: url.to_owned(),
        what,
    };
    let members: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_slice(body)
            .map_err(|e| malformed(format!("the page is not a JSON object: {e}")))?;
    let mut out = Vec::new();
    if let Some(raw) = members.get("credential") {
        // The schema allows one object or an array of them.
        if raw.get().trim_start().starts_with('[') {
            let items: Vec<Box<RawValue>> = serde_json::from_str(raw.get())
                .map_err(|e| malformed(format!("credential: {e}")))?;
            out.extend(
                items
                    .into_iter()
                    .map(|i| PulledCredential::Json(i.get().to_owned())),
            );
        } else {
            out.push(PulledCredential::Json(raw.get().to_owned()));
        }
    }
    if let Some(raw) = members.get("compactJwsString") {
        let value: Value = serde_json::from_str(raw.get())
            .map_err(|e| malformed(format!("compactJwsString: {e}")))?;
        let strings = match value {
            Value::String(s) => vec![s],
            Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s),
                    _ => Err(malformed("compactJwsString holds a non-string".into())),
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(malformed(
                    "compactJwsString is not a string or array".into(),
                ));
            }
        };
        out.extend(strings.into_iter().map(PulledCredential::CompactJws));
    }
    Ok(out)
}

/// The target of the first `Link` entry with `rel` (RFC 8288 §3; `rel` may list several
/// space-separated relation types).
fn link_rel(header: &str, rel: &str) -> Option<String> {
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let after = rest.get(start + 1..)?;
        let end = after.find('>')?;
        let target = after.get(..end)?;
        let params_and_more = after.get(end + 1..)?;
        let params = params_and_more
            .find('<')
            .and_then(|next| params_and_more.get(..next))
            .unwrap_or(params_and_more);
        for param in params.split(';') {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
            {
                return Some(target.to_owned());
            }
        }
        rest = params_and_more;
    }
    None
}

fn origin_of(url: &str) -> String {
    Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_rel_finds_next_among_several() {
        let header = "<https://h/x?limit=2&offset=2>; rel=\"next\", <https://h/x?limit=2&offset=8>; rel=\"last\", <https://h/x?limit=2&offset=0>; rel=\"first\"";
        assert_eq!(
            link_rel(header, "next").as_deref(),
            Some("https://h/x?limit=2&offset=2")
        );
        assert_eq!(
            link_rel(header, "first").as_deref(),
            Some("https://h/x?limit=2&offset=0")
        );
        assert_eq!(link_rel(header, "prev"), None);
        assert_eq!(
            link_rel("<a,b>; rel=\"prev next\"", "next").as_deref(),
            Some("a,b")
        );
    }

    #[test]
    fn read_page_keeps_exact_texts_and_takes_single_values() {
        let body = br#"{"credential": {"b": 1,  "a": [ 2 ]}, "compactJwsString": "x.y.z"}"#;
        assert_eq!(
            read_page("u", body).unwrap(),
            [
                PulledCredential::Json(r#"{"b": 1,  "a": [ 2 ]}"#.into()),
                PulledCredential::CompactJws("x.y.z".into()),
            ]
        );
        let body = br#"{"credential": [ {"z":0} , {"y" : 1}], "compactJwsString": []}"#;
        assert_eq!(
            read_page("u", body).unwrap(),
            [
                PulledCredential::Json(r#"{"z":0}"#.into()),
                PulledCredential::Json(r#"{"y" : 1}"#.into()),
            ]
        );
        assert!(matches!(
            read_page("u", br#"{"compactJwsString": [1]}"#),
            Err(ConsumerError::Malformed { .. })
        ));
        assert!(matches!(
            read_page("u", b"[]"),
            Err(ConsumerError::Malformed { .. })
        ));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after_seconds("120", 0), Some(120));
        assert_eq!(
            retry_after_seconds("Thu, 01 Jan 1970 00:01:40 GMT", 40),
            Some(60)
        );
        assert_eq!(
            retry_after_seconds("Thu, 01 Jan 1970 00:00:10 GMT", 40),
            Some(0)
        );
        assert_eq!(retry_after_seconds("soon", 0), None);
    }
}
