//! Who is asking: OAuth 2.0 bearer tokens (client credentials), login sessions (a cookie), or
//! nobody in `--dev`. A [`Principal`] always names exactly one tenant; handlers pass its tenant
//! id to every store call, so a client never reaches another tenant's data.
//!
//! Secrets (client secrets, passwords) are stored as argon2id PHC strings; tokens and session
//! ids are 256-bit random values stored as SHA-256 hashes, so a database leak reveals no usable
//! credential.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;
use crate::record::sha256_hex;
use crate::state::{AppState, now_ms};

/// The tenant `--dev` uses for unauthenticated requests.
pub const DEV_TENANT: &str = "default";

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "credbridge_session";

/// Access-token lifetime.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Session lifetime.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// How long a checked token is trusted without asking the store again (a revoked client's
/// tokens stop working within this time).
pub const TOKEN_MEMORY: Duration = Duration::from_secs(30);

/// Most tokens remembered; the memory is emptied when full.
pub const MAX_REMEMBERED_TOKENS: usize = 10_000;

/// Scope of `POST /credentials/verify`.
pub const SCOPE_VERIFY_CREDENTIALS: &str = "write:/credentials/verify";
/// Scope of `POST /presentations/verify`.
pub const SCOPE_VERIFY_PRESENTATIONS: &str = "write:/presentations/verify";
/// Scope of `POST /challenges`.
pub const SCOPE_CHALLENGES: &str = "write:/challenges";
/// Scope of the inbox's reads.
pub const SCOPE_INBOX_READ: &str = "read:/inbox";
/// Scope of the inbox's writes (upload, re-verify, erase).
pub const SCOPE_INBOX_WRITE: &str = "write:/inbox";
/// Scope of the skills profiles' reads.
pub const SCOPE_PROFILES_READ: &str = "read:/profiles";
/// Scope of the jobs' and matches' reads.
pub const SCOPE_JOBS_READ: &str = "read:/jobs";
/// Scope of the jobs' writes (create, delete).
pub const SCOPE_JOBS_WRITE: &str = "write:/jobs";

/// Every scope (VCALM syntax `operation:path`); a new client gets them all unless told.
pub const ALL_SCOPES: &[&str] = &[
    SCOPE_VERIFY_CREDENTIALS,
    SCOPE_VERIFY_PRESENTATIONS,
    SCOPE_CHALLENGES,
    SCOPE_INBOX_READ,
    SCOPE_INBOX_WRITE,
    SCOPE_PROFILES_READ,
    SCOPE_JOBS_READ,
    SCOPE_JOBS_WRITE,
    crate::routes::issuers::SCOPE_ISSUE_READ,
    crate::routes::issuers::SCOPE_ISSUE_WRITE,
    crate::routes::credentials::SCOPE_CREDENTIALS_ISSUE,
    crate::routes::credentials::SCOPE_CREDENTIALS_STATUS,
    crate::routes::credentials::SCOPE_CREDENTIALS_READ,
    crate::routes::credentials::SCOPE_CREDENTIALS_WRITE,
    crate::routes::credentials::SCOPE_PRESENTATIONS_WRITE,
    crate::routes::exchanges::SCOPE_WORKFLOWS_READ,
    crate::routes::exchanges::SCOPE_WORKFLOWS_WRITE,
    crate::routes::webhooks::SCOPE_WEBHOOKS_READ,
    crate::routes::webhooks::SCOPE_WEBHOOKS_WRITE,
];

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The only tenant it may see.
    pub tenant_id: String,
    /// The OAuth client, for token callers.
    pub client_id: Option<String>,
    /// The person, for session callers.
    pub user_id: Option<String>,
    /// What it may do.
    pub scopes: Vec<String>,
}

impl Principal {
    /// `Ok` when the principal holds `scope`, else a 403 problem.
    pub fn require(&self, scope: &'static str) -> Result<&Principal, ApiError> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(self)
        } else {
            Err(ApiError::InsufficientScope { scope })
        }
    }
}

/// Tokens checked recently: hash → (principal, until).
#[derive(Debug, Default)]
pub struct TokenMemory(Mutex<HashMap<String, (Principal, Instant)>>);

impl TokenMemory {
    fn get(&self, hash: &str) -> Option<Principal> {
        let memory = self.0.lock().ok()?;
        let (principal, until) = memory.get(hash)?;
        (Instant::now() < *until).then(|| principal.clone())
    }

    fn put(&self, hash: String, principal: Principal, until: Instant) {
        if let Ok(mut memory) = self.0.lock() {
            if memory.len() >= MAX_REMEMBERED_TOKENS {
                memory.clear();
            }
            memory.insert(hash, (principal, until));
        }
    }
}

/// A new 256-bit random secret, base64url (tokens, session ids, client secrets).
pub fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The argon2id PHC string of `secret`.
pub fn hash_secret(secret: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Whether `secret` matches the PHC string `hash` (a malformed hash never matches).
pub fn secret_matches(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Scopes a logged-in person has: the inbox and the verifier.
fn person_scopes() -> Vec<String> {
    ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect()
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let authorization = parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or(""));
        if let Some(value) = authorization {
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(ApiError::Unauthorized {
                    detail: "the Authorization header must be \"Bearer <access token>\"",
                })?;
            let hash = sha256_hex(token.as_bytes());
            if let Some(principal) = state.tokens.get(&hash) {
                return Ok(principal);
            }
            let now = now_ms();
            let stored = state
                .store
                .token(&hash, now)
                .await?
                .ok_or(ApiError::Unauthorized {
                    detail: "the access token is unknown, expired or revoked",
                })?;
            let principal = Principal {
                tenant_id: stored.tenant_id,
                client_id: Some(stored.client_id),
                user_id: None,
                scopes: stored.scopes,
            };
            let left = u64::try_from(stored.expires_at.saturating_sub(now)).unwrap_or(0);
            let until = Instant::now() + TOKEN_MEMORY.min(Duration::from_millis(left));
            state.tokens.put(hash, principal.clone(), until);
            return Ok(principal);
        }
        if let Some(session) = cookie(parts, SESSION_COOKIE) {
            let hash = sha256_hex(session.as_bytes());
            if let Some(session) = state.store.session(&hash, now_ms()).await? {
                return Ok(Principal {
                    tenant_id: session.tenant_id,
                    client_id: None,
                    user_id: Some(session.user_id),
                    scopes: person_scopes(),
                });
            }
        }
        if let Some(tenant_id) = &state.dev_tenant {
            return Ok(Principal {
                tenant_id: tenant_id.clone(),
                client_id: None,
                user_id: None,
                scopes: person_scopes(),
            });
        }
        Err(ApiError::Unauthorized {
            detail: "this request needs an access token (POST /oauth2/token) or a login session",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_hash_and_match() {
        let secret = new_secret().unwrap();
        assert_eq!(secret.len(), 43);
        let hash = hash_secret(&secret).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(secret_matches(&secret, &hash));
        assert!(!secret_matches("wrong", &hash));
        assert!(!secret_matches(&secret, "not a hash"));
    }
}
