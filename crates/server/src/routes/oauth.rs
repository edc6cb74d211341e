//! `POST /oauth2/token` (OAuth 2.0 client credentials, RFC 6749 §4.4, with
//! `client_secret_basic` or `client_secret_post`), and `POST /login` / `POST /logout` for people.

use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use credbridge_store::{Session, Token};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::{
    SESSION_COOKIE, SESSION_LIFETIME, TOKEN_LIFETIME, cookie, new_secret, secret_matches,
};
use crate::error::ApiError;
use crate::extract::{RawBody, is_json};
use crate::record::sha256_hex;
use crate::state::{AppState, now_ms};

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/login", post(login))
        .route("/logout", post(logout))
}

/// The token request (form fields).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Must be `client_credentials`.
    pub grant_type: Option<String>,
    /// With `client_secret_post`.
    pub client_id: Option<String>,
    /// With `client_secret_post`.
    pub client_secret: Option<String>,
    /// Space-separated scopes; all the client's scopes when absent.
    pub scope: Option<String>,
}

/// A form (`application/x-www-form-urlencoded`) or JSON body parsed into `T`.
async fn form<T: serde::de::DeserializeOwned>(
    request: Request,
    state: &AppState,
) -> Result<T, ApiError> {
    let body = RawBody::from_request(request, state).await?;
    if body.content_type == "application/x-www-form-urlencoded" {
        serde_urlencoded_from(&body.bytes)
    } else if is_json(&body.content_type) {
        serde_json::from_slice(&body.bytes).map_err(|e| ApiError::MalformedJson {
            detail: e.to_string(),
        })
    } else {
        Err(ApiError::UnsupportedMediaType {
            found: body.content_type,
            expected: "application/x-www-form-urlencoded",
        })
    }
}

fn serde_urlencoded_from<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| ApiError::InvalidRequest {
        detail: format!("the form body does not have the expected fields: {e}"),
    })
}

/// `client_secret_basic`: the client id and secret from `Authorization: Basic`.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

#[utoipa::path(
    post, path = "/oauth2/token", tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "`{access_token, token_type: \"Bearer\", expires_in, scope}`"),
        (status = 400, description = "unsupported grant type or scope (problem detail with `error`)"),
        (status = 401, description = "invalid client (problem detail with `error: invalid_client`)"),
    )
)]
/// Issues an access token to a client (client credentials grant).
pub async fn token(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let basic = basic_credentials(request.headers());
    let body: TokenRequest = form(request, &state).await?;
    let grant = body.grant_type.unwrap_or_default();
    if grant != "client_credentials" {
        return Err(ApiError::UnsupportedGrantType { found: grant });
    }
    let (client_id, secret) = match (basic, body.client_id, body.client_secret) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(ApiError::InvalidClient),
    };
    let client = state
        .store
        .client(&client_id)
        .await?
        .filter(|c| c.revoked_at.is_none())
        .ok_or(ApiError::InvalidClient)?;
    let hash = client.secret_hash.clone();
    // argon2 costs tens of milliseconds by design: keep it off the async threads.
    let matches = tokio::task::spawn_blocking(move || secret_matches(&secret, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !matches {
        return Err(ApiError::InvalidClient);
    }
    let scopes: Vec<String> = match body.scope.as_deref().map(str::trim) {
        Some(asked) if !asked.is_empty() => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
            if let Some(missing) = asked.iter().find(|s| !client.scopes.contains(s)) {
                return Err(ApiError::InvalidScope {
                    scope: missing.clone(),
                });
            }
            asked
        }
        _ => client.scopes.clone(),
    };
    let secret = new_secret()?;
    let now = now_ms();
    let lifetime = i64::try_from(TOKEN_LIFETIME.as_millis()).unwrap_or(i64::MAX);
    state
        .store
        .add_token(&Token {
            token_hash: sha256_hex(secret.as_bytes()),
            client_id: client.client_id,
            tenant_id: client.tenant_id,
            scopes: scopes.clone(),
            created_at: now,
            expires_at: now.saturating_add(lifetime),
        })
        .await?;
    let mut response = axum::Json(json!({
        "access_token": secret,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "scope": scopes.join(" "),
    }))
    .into_response();
    // RFC 6749 §5.1: token responses are not cached.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The login form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The user's email.
    pub email: String,
    /// The password.
    pub password: String,
    /// A local path to go to after logging in (default `/inbox`).
    pub next: Option<String>,
}

/// Where to go after logging in: `next` when it is a local path (`/oauth/authorize?…`), or an
/// absolute URL on this server's own public origin turned into its local path; anything else
/// (another origin, `//host`, a backslash, control characters) would be an open redirect or a
/// broken header, and goes to `/inbox`.
pub(crate) fn local_path(next: Option<&str>, public_base: &str) -> String {
    const DEFAULT: &str = "/inbox";
    let Some(next) = next else {
        return DEFAULT.to_owned();
    };
    let origin = public_base.trim_end_matches('/');
    let path = match next.strip_prefix(origin) {
        // Only the exact origin followed by a path: `https://a.example.evil` must not pass.
        Some(rest) if rest.starts_with('/') => rest,
        Some(_) => return DEFAULT.to_owned(),
        None => next,
    };
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    if safe {
        path.to_owned()
    } else {
        DEFAULT.to_owned()
    }
}

fn session_cookie(value: &str, max_age: u64) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={max_age}"
    ))
    .map_err(ApiError::internal)
}

#[utoipa::path(
    post, path = "/login", tag = "auth",
    request_body(content = LoginRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "logged in: session cookie set, redirect to `next` or /inbox (a wrong password from a form: redirect to /login?error=1)"), (status = 401, description = "wrong email or password (JSON body)"))
)]
/// Logs a person in (password) and sets the session cookie.
pub async fn login(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let is_form = crate::extract::media_type(&request) == "application/x-www-form-urlencoded";
    let body: LoginRequest = form(request, &state).await?;
    let user = state.store.user_by_email(&body.email).await?;
    // Verify against a fixed hash when the user does not exist, so that timing does not tell
    // which emails have accounts.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| UNKNOWN_USER_HASH.to_owned());
    let password = body.password;
    let matches = tokio::task::spawn_blocking(move || secret_matches(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let next = local_path(body.next.as_deref(), &state.settings.public_base());
    let Some(user) = user.filter(|_| matches) else {
        if is_form {
            // A person's browser: back to the form, which says why.
            let location = format!(
                "/login?error=1&next={}",
                credbridge_pages::paths::encode(&next)
            );
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(
                header::LOCATION,
                HeaderValue::from_str(&location).map_err(ApiError::internal)?,
            );
            return Ok(response);
        }
        return Err(ApiError::BadLogin);
    };
    let secret = new_secret()?;
    let now = now_ms();
    let lifetime = i64::try_from(SESSION_LIFETIME.as_millis()).unwrap_or(i64::MAX);
    state
        .store
        .add_session(&Session {
            id_hash: sha256_hex(secret.as_bytes()),
            user_id: user.id,
            tenant_id: user.tenant_id,
            created_at: now,
            expires_at: now.saturating_add(lifetime),
        })
        .await?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&next).map_err(ApiError::internal)?,
    );
    headers.insert(
        header::SET_COOKIE,
        session_cookie(&secret, SESSION_LIFETIME.as_secs())?,
    );
    Ok(response)
}

/// An argon2id hash of a random value nobody knows.
const UNKNOWN_USER_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$bm9ib2R5bm9ib2R5$0iC9ZkXGuqKk3GCNuTMIAbqzAu7oDRfL3tgBEzUBCyM";

#[utoipa::path(post, path = "/logout", tag = "auth", responses((status = 303, description = "session ended, redirect to /")))]
/// Ends the session.
pub async fn logout(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let (parts, _) = request.into_parts();
    if let Some(value) = cookie(&parts, SESSION_COOKIE) {
        state
            .store
            .delete_session(&sha256_hex(value.as_bytes()))
            .await?;
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_static("/"));
    headers.insert(header::SET_COOKIE, session_cookie("", 0)?);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_is_local_or_our_origin() {
        let base = "https://cb.example";
        assert_eq!(local_path(None, base), "/inbox");
        assert_eq!(
            local_path(Some("/oauth/authorize?client_id=a&state=b"), base),
            "/oauth/authorize?client_id=a&state=b"
        );
        assert_eq!(
            local_path(Some("https://cb.example/oauth/authorize?x=1"), base),
            "/oauth/authorize?x=1"
        );
        for bad in [
            "https://evil.example/",
            "https://cb.example.evil/x",
            "https://cb.example",
            "//evil.example/x",
            "/\\evil.example",
            "/a\r\nSet-Cookie: x=1",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(Some(bad), base), "/inbox", "{bad}");
        }
    }
}
