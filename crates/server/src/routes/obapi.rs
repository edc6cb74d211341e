//! The 1EdTech Open Badges 3.0 API and CLR 2.0 API (`/ims/ob/v3p0/…`, `/ims/clr/v2p0/…`) and
//! their OAuth 2.0 authorization server (`/oauth/register`, `/oauth/authorize`,
//! `/oauth/token`, `/oauth/revoke`), wired to `credbridge-obapi`, which holds every rule: each
//! handler turns the axum request into a [`HttpRequest`], calls the service on the blocking
//! pool (its store adapters block on the database) and turns the [`HttpResponse`] back.
//!
//! The API answers `Imsx_StatusInfo` and the OAuth endpoints RFC 6749 / RFC 7591 JSON errors,
//! not problem details: the specifications require them. The server's own client-credentials
//! grant stays at `/oauth2/token` ([`crate::routes::oauth`]).
//!
//! The authorization page needs a person: `GET /oauth/authorize` validates the request, sends
//! a person who is not logged in to the login page (coming back to the same URL), and shows
//! the consent page; `POST /oauth/authorize` (same query, the form's CSRF token and decision)
//! validates the request again and answers 302 to the client's redirect URI with a code or
//! `error=access_denied`. The resource owner is the logged-in person's user id.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use credbridge_obapi::{
    AuthorizationServer, AuthorizeRejection, CodeMinor, ConsentRequest, HttpRequest, HttpResponse,
    MAX_BODY_BYTES, StatusInfo,
};
use credbridge_pages::{ConsentView, paths};
use serde::Deserialize;
use serde_json::json;

use crate::routes::pages::{Viewer, html, login_redirect};
use crate::state::AppState;

/// The default terms of service page (when `obapi-terms-url` is not set).
pub const TERMS_PATH: &str = "/terms";
/// The default privacy policy page (when `obapi-privacy-url` is not set).
pub const PRIVACY_PATH: &str = "/privacy";
/// RFC 7591 registration.
pub const REGISTER_PATH: &str = "/oauth/register";
/// The token endpoint (authorization code and refresh grants).
pub const TOKEN_PATH: &str = "/oauth/token";
/// RFC 7009 revocation.
pub const REVOKE_PATH: &str = "/oauth/revoke";

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ims/ob/v3p0/{*rest}", any(api))
        .route("/ims/clr/v2p0/{*rest}", any(api))
        .route(REGISTER_PATH, post(register))
        .route(TOKEN_PATH, post(token))
        .route(REVOKE_PATH, post(revoke))
        .route(
            paths::OAUTH_AUTHORIZE,
            get(authorize_page).post(authorize_decision),
        )
        .route(TERMS_PATH, get(terms))
        .route(PRIVACY_PATH, get(privacy))
}

/// Why a request body could not be read.
enum BodyError {
    TooLarge,
    Unreadable,
}

/// The axum request as the protocol crate's value: method, path, raw query, the headers whose
/// values are text, and the body (at most [`MAX_BODY_BYTES`]).
async fn protocol_request(request: Request) -> Result<HttpRequest, BodyError> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            let too_large = e
                .into_inner()
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            if too_large {
                BodyError::TooLarge
            } else {
                BodyError::Unreadable
            }
        })?;
    Ok(HttpRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts
            .headers
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect(),
        body: bytes.to_vec(),
    })
}

/// The protocol crate's response as an axum response (a header that is not a valid HTTP
/// header is dropped and logged: the crate only makes valid ones).
fn axum_response(response: HttpResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = (status, Body::from(response.body)).into_response();
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        match (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => tracing::error!(header = %name, "the OB API produced an invalid header"),
        }
    }
    out
}

/// An `Imsx_StatusInfo` failure (what the API answers when the request never reached it).
fn imsx(status: u16, minor: CodeMinor, description: &str) -> Response {
    axum_response(StatusInfo::failure(minor, description).respond(status))
}

/// An RFC 6749 §5.2 error body (what the OAuth endpoints answer when the request never
/// reached the authorization server).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `/ims/ob/v3p0/*` and `/ims/clr/v2p0/*`: discovery, credentials, profile.
async fn api(State(state): State<AppState>, request: Request) -> Response {
    let request = match protocol_request(request).await {
        Ok(request) => request,
        Err(BodyError::TooLarge) => {
            return imsx(
                413,
                CodeMinor::InvalidData,
                &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            );
        }
        Err(BodyError::Unreadable) => {
            return imsx(400, CodeMinor::InvalidData, "the body could not be read");
        }
    };
    let service = state.obapi.clone();
    let answer = tokio::task::spawn_blocking(move || {
        service.host.handle(&request).unwrap_or_else(|| {
            StatusInfo::failure(
                CodeMinor::NotFound,
                format!("{} is not an endpoint of this API", request.path),
            )
            .respond(404)
        })
    })
    .await;
    match answer {
        Ok(response) => axum_response(response),
        Err(join) => {
            tracing::error!(error = %join, "an OB API request failed");
            imsx(
                500,
                CodeMinor::InternalServerError,
                "the request could not be served",
            )
        }
    }
}

/// Runs one authorization-server endpoint on the blocking pool.
async fn oauth_endpoint(
    state: AppState,
    request: Request,
    call: fn(&AuthorizationServer, &HttpRequest) -> HttpResponse,
) -> Response {
    let request = match protocol_request(request).await {
        Ok(request) => request,
        Err(BodyError::TooLarge) => {
            return oauth_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            );
        }
        Err(BodyError::Unreadable) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the body could not be read",
            );
        }
    };
    let authz = state.obapi.authz.clone();
    match tokio::task::spawn_blocking(move || call(&authz, &request)).await {
        Ok(response) => axum_response(response),
        Err(join) => {
            tracing::error!(error = %join, "an OAuth request failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the request could not be served",
            )
        }
    }
}

/// `POST /oauth/register`: RFC 7591 dynamic client registration.
async fn register(State(state): State<AppState>, request: Request) -> Response {
    oauth_endpoint(state, request, AuthorizationServer::register).await
}

/// `POST /oauth/token`: the authorization code (PKCE) and refresh token grants.
async fn token(State(state): State<AppState>, request: Request) -> Response {
    oauth_endpoint(state, request, AuthorizationServer::token).await
}

/// `POST /oauth/revoke`: RFC 7009.
async fn revoke(State(state): State<AppState>, request: Request) -> Response {
    oauth_endpoint(state, request, AuthorizationServer::revoke).await
}

/// Validates an authorization request's query on the blocking pool.
async fn validate(
    state: &AppState,
    query: String,
) -> Result<Result<ConsentRequest, AuthorizeRejection>, Response> {
    let authz = state.obapi.authz.clone();
    tokio::task::spawn_blocking(move || authz.authorization_request(&query))
        .await
        .map_err(|join| {
            tracing::error!(error = %join, "an authorization request failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the request could not be served",
            )
        })
}

/// The consent page's view of a validated request.
fn consent_view(consent: &ConsentRequest, query: &str) -> ConsentView {
    let optional = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
    ConsentView {
        client_name: consent.client.client_name.clone(),
        client_uri: consent.client.client_uri.clone(),
        logo_uri: optional(&consent.client.logo_uri),
        tos_uri: optional(&consent.client.tos_uri),
        policy_uri: optional(&consent.client.policy_uri),
        scope_sentences: consent.scopes.iter().map(|s| s.sentence.clone()).collect(),
        redirect_uri: consent.redirect_uri.clone(),
        query: query.to_owned(),
    }
}

/// A page answer with the consent page's policy (its `form-action` admits the redirect to
/// the client, which the browser checks against the form's redirect too).
fn with_policy(mut response: Response, policy: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /oauth/authorize`: the consent page (login required).
async fn authorize_page(State(state): State<AppState>, viewer: Viewer, uri: Uri) -> Response {
    let query = uri.query().unwrap_or("").to_owned();
    let consent = match validate(&state, query.clone()).await {
        Ok(Ok(consent)) => consent,
        Ok(Err(rejection)) => return axum_response(rejection.respond()),
        Err(response) => return response,
    };
    if viewer.user_id.is_none() {
        return login_redirect(&format!("{}?{query}", paths::OAUTH_AUTHORIZE));
    }
    let view = consent_view(&consent, &query);
    let mut ctx = viewer.context("Allow access");
    ctx.title = format!("Allow {}?", consent.client.client_name);
    // The development banner says no login is needed; a consent always needs one.
    ctx.dev = false;
    let page = credbridge_pages::consent_page(&ctx, &view);
    with_policy(html(StatusCode::OK, page), &view.content_security_policy())
}

/// The consent form's fields.
#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    decision: Option<String>,
    csrf_token: Option<String>,
}

/// The answer to a consent form whose CSRF token is missing or wrong.
fn forged_form() -> Response {
    html(
        StatusCode::FORBIDDEN,
        credbridge_pages::error_page(
            403,
            "Forbidden",
            "This form has expired or did not come from this site; open the application's link again.",
        ),
    )
}

/// `POST /oauth/authorize`: the person's decision (login and CSRF required) → 302 to the
/// client.
async fn authorize_decision(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Response {
    let query = request.uri().query().unwrap_or("").to_owned();
    let Some(user) = viewer.user_id.clone() else {
        return login_redirect(&format!("{}?{query}", paths::OAUTH_AUTHORIZE));
    };
    let body = match axum::body::to_bytes(request.into_body(), 16 * 1024).await {
        Ok(body) => body,
        Err(_) => return forged_form(),
    };
    let form: DecisionForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    // A logged-in viewer always has a token, so `csrf_ok` cannot pass on its absence.
    if viewer.csrf.is_none() || !viewer.csrf_ok(form.csrf_token.as_deref()) {
        return forged_form();
    }
    let consent = match validate(&state, query).await {
        Ok(Ok(consent)) => consent,
        Ok(Err(rejection)) => return axum_response(rejection.respond()),
        Err(response) => return response,
    };
    let authz = state.obapi.authz.clone();
    let decision = form.decision.unwrap_or_default();
    let location = tokio::task::spawn_blocking(move || {
        if decision == paths::DECISION_APPROVE {
            authz.approve(&consent, &user)
        } else {
            Ok(authz.deny(&consent))
        }
    })
    .await;
    match location {
        Ok(Ok(location)) => axum_response(
            HttpResponse::empty(302)
                .with_header("Location", location)
                .with_header("Cache-Control", "no-store"),
        ),
        Ok(Err(error)) => axum_response(error.respond()),
        Err(join) => {
            tracing::error!(error = %join, "an authorization decision failed");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the request could not be served",
            )
        }
    }
}

/// A short plain-text page.
fn text_page(body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// `GET /terms`: the default terms of service link of the OB/CLR API's discovery document.
async fn terms(State(state): State<AppState>) -> Response {
    text_page(format!(
        "{} (credbridge) — terms of service\n\nThe operator of this server has not published terms of service. \
         Operators set their own with the obapi-terms-url setting (CREDBRIDGE_OBAPI_TERMS_URL).\n",
        service_name(&state)
    ))
}

/// `GET /privacy`: the default privacy policy link of the discovery document.
async fn privacy(State(state): State<AppState>) -> Response {
    text_page(format!(
        "{} (credbridge) — privacy\n\nThis server keeps the credentials and profile that applications you \
         authorize post to it, the applications you authorized, and hashes of their tokens. It loads \
         nothing from an application's site when it shows you the consent page. The operator of this \
         server has not published a fuller privacy policy; operators set theirs with the \
         obapi-privacy-url setting (CREDBRIDGE_OBAPI_PRIVACY_URL).\n",
        service_name(&state)
    ))
}

fn service_name(state: &AppState) -> String {
    state.obapi.host.config().service_name.clone()
}
