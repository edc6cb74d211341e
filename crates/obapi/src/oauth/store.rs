//! [`OAuthStore`]: what the authorization server keeps, and [`MemoryOAuthStore`]. Codes and
//! tokens are keyed by their SHA-256 hash; the secrets themselves are never stored.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::registration::ClientMetadata;

/// A SHA-256 hash of a code, token or client secret.
pub type SecretHash = [u8; 32];

/// A registered client (RFC 7591 §3.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// `client_id`.
    pub client_id: String,
    /// SHA-256 of `client_secret`.
    pub client_secret_hash: SecretHash,
    /// `client_id_issued_at`, Unix seconds.
    pub issued_at: i64,
    /// The validated metadata.
    pub metadata: ClientMetadata,
}

/// An authorization code, issued when the user approved (RFC 6749 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    /// SHA-256 of the code.
    pub code_hash: SecretHash,
    /// The client it was issued to.
    pub client_id: String,
    /// The user who approved.
    pub user: String,
    /// The `redirect_uri` of the authorization request; the token request must repeat it.
    pub redirect_uri: String,
    /// The approved scopes.
    pub scopes: Vec<String>,
    /// PKCE `code_challenge` (S256).
    pub code_challenge: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// Whether a token request already used it.
    pub used: bool,
    /// The grant this code starts: every token issued from it carries the same id, so a
    /// replayed code or refresh token revokes them all.
    pub family: String,
}

/// Which kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A bearer access token (RFC 6750).
    Access,
    /// A refresh token (RFC 6749 §6), single-use: each use rotates it.
    Refresh,
}

/// An access or refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// SHA-256 of the token.
    pub token_hash: SecretHash,
    /// Access or refresh.
    pub kind: TokenKind,
    /// The client it was issued to.
    pub client_id: String,
    /// The user who approved the grant.
    pub user: String,
    /// The scopes it carries.
    pub scopes: Vec<String>,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// Revoked (RFC 7009, or its grant was replayed).
    pub revoked: bool,
    /// For refresh tokens: already exchanged for a new pair.
    pub used: bool,
    /// The grant (see [`CodeRecord::family`]).
    pub family: String,
}

/// The store failed (database down, …): an environment error, never caused by the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("oauth store: {0}")]
pub struct StoreError(pub String);

/// What the authorization server persists. The SQL implementation lives in `credbridge-store`;
/// each method is one statement there (the two `take`/`mark` methods are one conditional
/// `UPDATE … RETURNING`, which is what makes codes and refresh tokens single-use under
/// concurrency).
pub trait OAuthStore: Send + Sync {
    /// Saves a new client.
    ///
    /// # Errors
    /// [`StoreError`].
    fn insert_client(&self, client: ClientRecord) -> Result<(), StoreError>;
    /// The client with `client_id`.
    ///
    /// # Errors
    /// [`StoreError`].
    fn client(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError>;
    /// Saves a new authorization code.
    ///
    /// # Errors
    /// [`StoreError`].
    fn insert_code(&self, code: CodeRecord) -> Result<(), StoreError>;
    /// Marks the code used and returns it **as it was before** (so a second call sees
    /// `used == true`); `None` when no code has this hash.
    ///
    /// # Errors
    /// [`StoreError`].
    fn take_code(&self, code_hash: &SecretHash) -> Result<Option<CodeRecord>, StoreError>;
    /// Saves a new token.
    ///
    /// # Errors
    /// [`StoreError`].
    fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError>;
    /// The token with this hash.
    ///
    /// # Errors
    /// [`StoreError`].
    fn token(&self, token_hash: &SecretHash) -> Result<Option<TokenRecord>, StoreError>;
    /// Marks a refresh token used; `false` when it already was (a replay).
    ///
    /// # Errors
    /// [`StoreError`].
    fn mark_refresh_used(&self, token_hash: &SecretHash) -> Result<bool, StoreError>;
    /// Revokes one token (unknown hashes are ignored).
    ///
    /// # Errors
    /// [`StoreError`].
    fn revoke_token(&self, token_hash: &SecretHash) -> Result<(), StoreError>;
    /// Revokes every token of a grant.
    ///
    /// # Errors
    /// [`StoreError`].
    fn revoke_family(&self, family: &str) -> Result<(), StoreError>;
}

/// [`OAuthStore`] in memory: tests, and a server that may forget its grants on restart.
#[derive(Debug, Default)]
pub struct MemoryOAuthStore {
    inner: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    clients: HashMap<String, ClientRecord>,
    codes: HashMap<SecretHash, CodeRecord>,
    tokens: HashMap<SecretHash, TokenRecord>,
}

impl MemoryOAuthStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> MemoryOAuthStore {
        MemoryOAuthStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Memory>, StoreError> {
        self.inner
            .lock()
            .map_err(|_| StoreError("a thread panicked while holding the store".into()))
    }
}

impl OAuthStore for MemoryOAuthStore {
    fn insert_client(&self, client: ClientRecord) -> Result<(), StoreError> {
        self.lock()?
            .clients
            .insert(client.client_id.clone(), client);
        Ok(())
    }

    fn client(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError> {
        Ok(self.lock()?.clients.get(client_id).cloned())
    }

    fn insert_code(&self, code: CodeRecord) -> Result<(), StoreError> {
        self.lock()?.codes.insert(code.code_hash, code);
        Ok(())
    }

    fn take_code(&self, code_hash: &SecretHash) -> Result<Option<CodeRecord>, StoreError> {
        let mut memory = self.lock()?;
        Ok(memory.codes.get_mut(code_hash).map(|code| {
            let before = code.clone();
            code.used = true;
            before
        }))
    }

    fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError> {
        self.lock()?.tokens.insert(token.token_hash, token);
        Ok(())
    }

    fn token(&self, token_hash: &SecretHash) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self.lock()?.tokens.get(token_hash).cloned())
    }

    fn mark_refresh_used(&self, token_hash: &SecretHash) -> Result<bool, StoreError> {
        let mut memory = self.lock()?;
        Ok(match memory.tokens.get_mut(token_hash) {
            Some(token) if !token.used => {
                token.used = true;
                true
            }
            _ => false,
        })
    }

    fn revoke_token(&self, token_hash: &SecretHash) -> Result<(), StoreError> {
        if let Some(token) = self.lock()?.tokens.get_mut(token_hash) {
            token.revoked = true;
        }
        Ok(())
    }

    fn revoke_family(&self, family: &str) -> Result<(), StoreError> {
        for token in self.lock()?.tokens.values_mut() {
            if token.family == family {
                token.revoked = true;
            }
        }
        Ok(())
    }
}
