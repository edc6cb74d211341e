//! The 1EdTech OB 3.0 / CLR 2.0 API's persistence (`credbridge-obapi`): the authorization
//! server's clients, codes and tokens, the host's credential lists and profiles, and the
//! consumer's connections to other hosts.
//!
//! [`ObapiStore`] is the async API (part of [`Store`]); [`SqlOAuthStore`] and
//! [`SqlCredentialRepo`] adapt it to the synchronous traits `credbridge_obapi::OAuthStore` and
//! `credbridge_obapi::CredentialRepo` the protocol logic runs over.
//!
//! - **Only hashes.** Codes, tokens and client secrets arrive as the SHA-256 the obapi crate
//!   computed and are stored as 32 bytes; the secrets themselves never reach the database.
//! - **Single use in one statement.** [`ObapiStore::oauth_take_code`] and
//!   [`ObapiStore::oauth_mark_refresh_used`] are one conditional `UPDATE … WHERE used = 0
//!   RETURNING`: of two racing requests exactly one gets the row.
//! - **Connections sealed by the caller.** The store has no key: a [`ConnectionRecord`] holds
//!   the consumer's client secret and tokens as opaque bytes the caller sealed (the server and
//!   the CLI seal under the master key that already seals issuer keys);
//!   [`ConnectionRecord::seal`] and [`ConnectionRecord::open`] take the sealing functions.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use credbridge_obapi::oauth::{ClientRecord, CodeRecord, SecretHash, TokenKind, TokenRecord};
use credbridge_obapi::{
    ApiFlavor, Connection, CredentialFormat, CredentialKey, CredentialPage, CredentialRepo,
    OAuthStore, RegisteredClient, RepoError, StoredCredential, UpsertOutcome,
};
use sqlx::{Database, Postgres, Row, Sqlite};
use tokio::runtime::{Handle, RuntimeFlavor};

use crate::backend::Db;
use crate::{Store, StoreError, join_scopes, split_scopes};

/// The seconds a client is told to wait (`Retry-After`) when the database is unreachable.
pub const OBAPI_RETRY_AFTER_SECONDS: u64 = 5;

/// A consumer's connection to another OB/CLR host, as stored: the secrets sealed by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    /// Whose connection (the server uses the tenant id; the CLI its own name).
    pub owner: String,
    /// The connection's name, unique per owner (`credbridge obapi pull NAME`).
    pub name: String,
    /// The host's API root (`…/ims/ob/v3p0`), for listing.
    pub api_root: String,
    /// The host's service description as JSON (`credbridge_obapi::ServiceDescription`).
    pub service: String,
    /// Our `client_id` at the host.
    pub client_id: String,
    /// Our `client_secret`, sealed by the caller.
    pub sealed_client_secret: Vec<u8>,
    /// The tokens (`credbridge_obapi::Tokens` as JSON), sealed by the caller.
    pub sealed_tokens: Vec<u8>,
    /// The `since` of the next pull (RFC 3339, the host's clock).
    pub last_sync: Option<String>,
    /// When it was last saved, Unix milliseconds.
    pub updated_at: i64,
}

/// A stored connection could not be turned back into a [`Connection`].
#[derive(Debug, thiserror::Error)]
#[error("connection {name:?} cannot be read: {reason}")]
pub struct ConnectionUnreadable {
    /// The connection's name.
    pub name: String,
    /// What failed (the unsealing, or the JSON inside).
    pub reason: String,
}

impl ConnectionRecord {
    /// The record of `connection`, its client secret and tokens passed through `seal`.
    pub fn seal(
        owner: &str,
        name: &str,
        connection: &Connection,
        updated_at: i64,
        seal: impl Fn(&[u8]) -> Vec<u8>,
    ) -> ConnectionRecord {
        // Serializing plain structs of strings and numbers cannot fail.
        let service = serde_json::to_string(&connection.service).unwrap_or_default();
        let tokens = serde_json::to_vec(&connection.tokens).unwrap_or_default();
        ConnectionRecord {
            owner: owner.to_owned(),
            name: name.to_owned(),
            api_root: connection.service.api_root.clone(),
            service,
            client_id: connection.client.client_id.clone(),
            sealed_client_secret: seal(connection.client.client_secret.as_bytes()),
            sealed_tokens: seal(&tokens),
            last_sync: connection.last_sync.clone(),
            updated_at,
        }
    }

    /// The [`Connection`] again, the secrets passed through `open` (the inverse of the `seal`
    /// given to [`ConnectionRecord::seal`]; it answers `None` when the bytes do not unseal).
    ///
    /// # Errors
    /// [`ConnectionUnreadable`] when unsealing fails or the JSON inside is damaged.
    pub fn open(
        &self,
        open: impl Fn(&[u8]) -> Option<Vec<u8>>,
    ) -> Result<Connection, ConnectionUnreadable> {
        let unreadable = |reason: String| ConnectionUnreadable {
            name: self.name.clone(),
            reason,
        };
        let secret = open(&self.sealed_client_secret)
            .ok_or_else(|| unreadable("the client secret does not unseal".into()))?;
        let client_secret = String::from_utf8(secret)
            .map_err(|_| unreadable("the client secret is not UTF-8".into()))?;
        let tokens = open(&self.sealed_tokens)
            .ok_or_else(|| unreadable("the tokens do not unseal".into()))?;
        let tokens = serde_json::from_slice(&tokens)
            .map_err(|e| unreadable(format!("the tokens are not valid JSON: {e}")))?;
        let service = serde_json::from_str(&self.service)
            .map_err(|e| unreadable(format!("the service description is damaged: {e}")))?;
        Ok(Connection {
            service,
            client: RegisteredClient {
                client_id: self.client_id.clone(),
                client_secret,
            },
            tokens,
            last_sync: self.last_sync.clone(),
        })
    }
}

/// What the OB/CLR API keeps (see the module doc). All methods are one statement unless said.
#[async_trait]
pub trait ObapiStore {
    /// Saves a newly registered client ([`StoreError::Duplicate`] if the id is taken).
    async fn oauth_insert_client(&self, client: &ClientRecord) -> Result<(), StoreError>;
    /// The client with `client_id`.
    async fn oauth_client(&self, client_id: &str) -> Result<Option<ClientRecord>, StoreError>;
    /// Saves a new authorization code.
    async fn oauth_insert_code(&self, code: &CodeRecord) -> Result<(), StoreError>;
    /// Marks the code used and returns it as it was before (a second call sees
    /// `used == true`); `None` for an unknown hash. The test-and-set is one `UPDATE`.
    async fn oauth_take_code(
        &self,
        code_hash: &SecretHash,
    ) -> Result<Option<CodeRecord>, StoreError>;
    /// Saves a new access or refresh token.
    async fn oauth_insert_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// The token with this hash.
    async fn oauth_token(&self, token_hash: &SecretHash)
    -> Result<Option<TokenRecord>, StoreError>;
    /// Marks a refresh token used; `false` when it already was or is unknown (a replay).
    async fn oauth_mark_refresh_used(&self, token_hash: &SecretHash) -> Result<bool, StoreError>;
    /// Revokes one token (unknown hashes are ignored).
    async fn oauth_revoke_token(&self, token_hash: &SecretHash) -> Result<(), StoreError>;
    /// Revokes every token of a grant.
    async fn oauth_revoke_family(&self, family: &str) -> Result<(), StoreError>;
    /// Deletes codes and tokens that expired before `before` (Unix seconds); returns how many.
    async fn oauth_purge_expired(&self, before: i64) -> Result<u64, StoreError>;

    /// The credentials of `owner`'s `flavor` list stored after `since`, skipping `offset`, at
    /// most `limit`, in the order they were first stored, and how many match in all.
    async fn obapi_list(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        since: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Result<CredentialPage, StoreError>;
    /// Stores a credential, replacing the one with the same key in place (it keeps its place
    /// in the list).
    async fn obapi_upsert(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        credential: &StoredCredential,
    ) -> Result<UpsertOutcome, StoreError>;
    /// `owner`'s profile JSON text.
    async fn obapi_profile(&self, owner: &str) -> Result<Option<String>, StoreError>;
    /// Replaces `owner`'s profile.
    async fn obapi_put_profile(&self, owner: &str, profile: &str) -> Result<(), StoreError>;

    /// Saves a connection, replacing the one with the same owner and name.
    async fn obapi_save_connection(&self, connection: &ConnectionRecord) -> Result<(), StoreError>;
    /// One connection.
    async fn obapi_connection(
        &self,
        owner: &str,
        name: &str,
    ) -> Result<Option<ConnectionRecord>, StoreError>;
    /// `owner`'s connections by name.
    async fn obapi_connections(&self, owner: &str) -> Result<Vec<ConnectionRecord>, StoreError>;
    /// Deletes a connection; `false` when there was none.
    async fn obapi_delete_connection(&self, owner: &str, name: &str) -> Result<bool, StoreError>;
}

fn flavor_text(flavor: ApiFlavor) -> &'static str {
    match flavor {
        ApiFlavor::OpenBadges => "ob",
        ApiFlavor::Clr => "clr",
    }
}

fn format_text(format: CredentialFormat) -> &'static str {
    match format {
        CredentialFormat::Json => "json",
        CredentialFormat::CompactJws => "compact_jws",
    }
}

fn kind_text(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Access => "access",
        TokenKind::Refresh => "refresh",
    }
}

/// A column that holds a value this module never writes (a damaged row).
fn damaged(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {column} {value:?}").into())
}

fn hash_from(bytes: Vec<u8>) -> Result<SecretHash, sqlx::Error> {
    let len = bytes.len();
    SecretHash::try_from(bytes)
        .map_err(|_| sqlx::Error::Decode(format!("a hash of {len} bytes, not 32").into()))
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

macro_rules! impl_obapi {
    ($db:ty) => {
        impl Db<$db> {
            fn oauth_client_from(row: &<$db as Database>::Row) -> Result<ClientRecord, sqlx::Error> {
                let metadata: String = row.try_get("metadata")?;
                Ok(ClientRecord {
                    client_id: row.try_get("client_id")?,
                    client_secret_hash: hash_from(row.try_get("client_secret_hash")?)?,
                    issued_at: row.try_get("issued_at")?,
                    metadata: serde_json::from_str(&metadata)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                })
            }

            fn oauth_code_from(row: &<$db as Database>::Row) -> Result<CodeRecord, sqlx::Error> {
                Ok(CodeRecord {
                    code_hash: hash_from(row.try_get("code_hash")?)?,
                    client_id: row.try_get("client_id")?,
                    user: row.try_get("user_id")?,
                    redirect_uri: row.try_get("redirect_uri")?,
                    scopes: split_scopes(&row.try_get::<String, _>("scopes")?),
                    code_challenge: row.try_get("code_challenge")?,
                    expires_at: row.try_get("expires_at")?,
                    used: row.try_get::<i64, _>("used")? != 0,
                    family: row.try_get("family")?,
                })
            }

            fn oauth_token_from(row: &<$db as Database>::Row) -> Result<TokenRecord, sqlx::Error> {
                let kind: String = row.try_get("kind")?;
                Ok(TokenRecord {
                    token_hash: hash_from(row.try_get("token_hash")?)?,
                    kind: match kind.as_str() {
                        "access" => TokenKind::Access,
                        "refresh" => TokenKind::Refresh,
                        other => return Err(damaged("token kind", other)),
                    },
                    client_id: row.try_get("client_id")?,
                    user: row.try_get("user_id")?,
                    scopes: split_scopes(&row.try_get::<String, _>("scopes")?),
                    expires_at: row.try_get("expires_at")?,
                    revoked: row.try_get::<i64, _>("revoked")? != 0,
                    used: row.try_get::<i64, _>("used")? != 0,
                    family: row.try_get("family")?,
                })
            }

            fn obapi_credential_from(
                row: &<$db as Database>::Row,
            ) -> Result<StoredCredential, sqlx::Error> {
                let format: String = row.try_get("format")?;
                Ok(StoredCredential {
                    key: CredentialKey {
                        issuer_id: row.try_get("issuer_id")?,
                        id: row.try_get("credential_id")?,
                    },
                    format: match format.as_str() {
                        "json" => CredentialFormat::Json,
                        "compact_jws" => CredentialFormat::CompactJws,
                        other => return Err(damaged("credential format", other)),
                    },
                    text: row.try_get("text")?,
                    issued_at: row.try_get("issued_at")?,
                    stored_at: row.try_get("stored_at")?,
                })
            }

            fn connection_from(
                row: &<$db as Database>::Row,
            ) -> Result<ConnectionRecord, sqlx::Error> {
                Ok(ConnectionRecord {
                    owner: row.try_get("owner")?,
                    name: row.try_get("name")?,
                    api_root: row.try_get("api_root")?,
                    service: row.try_get("service")?,
                    client_id: row.try_get("client_id")?,
                    sealed_client_secret: row.try_get("sealed_client_secret")?,
                    sealed_tokens: row.try_get("sealed_tokens")?,
                    last_sync: row.try_get("last_sync")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }
        }

        #[async_trait]
        impl ObapiStore for Db<$db> {
            async fn oauth_insert_client(&self, client: &ClientRecord) -> Result<(), StoreError> {
                let metadata = serde_json::to_string(&client.metadata).map_err(|e| {
                    StoreError::from_sqlx("saving an OAuth client", sqlx::Error::Encode(Box::new(e)))
                })?;
                sqlx::query(
                    "INSERT INTO oauth_clients (client_id, client_secret_hash, issued_at, metadata) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&client.client_id)
                .bind(client.client_secret_hash.as_slice())
                .bind(client.issued_at)
                .bind(metadata)
                .execute(&self.write)
                .await
                .map_err(|e| {
                    StoreError::on_unique("saving an OAuth client", "OAuth client", &client.client_id, e)
                })?;
                Ok(())
            }

            async fn oauth_client(
                &self,
                client_id: &str,
            ) -> Result<Option<ClientRecord>, StoreError> {
                let row = sqlx::query("SELECT * FROM oauth_clients WHERE client_id = $1")
                    .bind(client_id)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading an OAuth client", e))?;
                row.map(|row| Self::oauth_client_from(&row))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading an OAuth client", e))
            }

            async fn oauth_insert_code(&self, code: &CodeRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, scopes, \
                     code_challenge, expires_at, used, family) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(code.code_hash.as_slice())
                .bind(&code.client_id)
                .bind(&code.user)
                .bind(&code.redirect_uri)
                .bind(join_scopes(&code.scopes))
                .bind(&code.code_challenge)
                .bind(code.expires_at)
                .bind(i64::from(code.used))
                .bind(&code.family)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("saving an authorization code", e))?;
                Ok(())
            }

            async fn oauth_take_code(
                &self,
                code_hash: &SecretHash,
            ) -> Result<Option<CodeRecord>, StoreError> {
                const OP: &str = "taking an authorization code";
                // The test-and-set: only the request that flips `used` gets the row back.
                let won = sqlx::query(
                    "UPDATE oauth_codes SET used = 1 WHERE code_hash = $1 AND used = 0 RETURNING *",
                )
                .bind(code_hash.as_slice())
                .fetch_optional(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx(OP, e))?;
                if let Some(row) = won {
                    let mut code =
                        Self::oauth_code_from(&row).map_err(|e| StoreError::from_sqlx(OP, e))?;
                    code.used = false; // as it was before the update
                    return Ok(Some(code));
                }
                // Unknown, or already used (a replay: the caller revokes the grant).
                let row = sqlx::query("SELECT * FROM oauth_codes WHERE code_hash = $1")
                    .bind(code_hash.as_slice())
                    .fetch_optional(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx(OP, e))?;
                row.map(|row| Self::oauth_code_from(&row))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx(OP, e))
            }

            async fn oauth_insert_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO oauth_tokens (token_hash, kind, client_id, user_id, scopes, expires_at, \
                     revoked, used, family) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(token.token_hash.as_slice())
                .bind(kind_text(token.kind))
                .bind(&token.client_id)
                .bind(&token.user)
                .bind(join_scopes(&token.scopes))
                .bind(token.expires_at)
                .bind(i64::from(token.revoked))
                .bind(i64::from(token.used))
                .bind(&token.family)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("saving a token", e))?;
                Ok(())
            }

            async fn oauth_token(
                &self,
                token_hash: &SecretHash,
            ) -> Result<Option<TokenRecord>, StoreError> {
                let row = sqlx::query("SELECT * FROM oauth_tokens WHERE token_hash = $1")
                    .bind(token_hash.as_slice())
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a token", e))?;
                row.map(|row| Self::oauth_token_from(&row))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading a token", e))
            }

            async fn oauth_mark_refresh_used(
                &self,
                token_hash: &SecretHash,
            ) -> Result<bool, StoreError> {
                let row = sqlx::query(
                    "UPDATE oauth_tokens SET used = 1 WHERE token_hash = $1 AND used = 0 RETURNING token_hash",
                )
                .bind(token_hash.as_slice())
                .fetch_optional(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("using a refresh token", e))?;
                Ok(row.is_some())
            }

            async fn oauth_revoke_token(&self, token_hash: &SecretHash) -> Result<(), StoreError> {
                sqlx::query("UPDATE oauth_tokens SET revoked = 1 WHERE token_hash = $1")
                    .bind(token_hash.as_slice())
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("revoking a token", e))?;
                Ok(())
            }

            async fn oauth_revoke_family(&self, family: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE oauth_tokens SET revoked = 1 WHERE family = $1")
                    .bind(family)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("revoking a grant", e))?;
                Ok(())
            }

            async fn oauth_purge_expired(&self, before: i64) -> Result<u64, StoreError> {
                const OP: &str = "purging expired codes and tokens";
                let mut tx = self.write.begin().await.map_err(|e| StoreError::from_sqlx(OP, e))?;
                let codes = sqlx::query("DELETE FROM oauth_codes WHERE expires_at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(OP, e))?;
                let tokens = sqlx::query("DELETE FROM oauth_tokens WHERE expires_at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(OP, e))?;
                tx.commit().await.map_err(|e| StoreError::from_sqlx(OP, e))?;
                Ok(codes.rows_affected() + tokens.rows_affected())
            }

            async fn obapi_list(
                &self,
                owner: &str,
                flavor: ApiFlavor,
                since: Option<i64>,
                offset: usize,
                limit: usize,
            ) -> Result<CredentialPage, StoreError> {
                const OP: &str = "listing API credentials";
                let since = since.unwrap_or(i64::MIN);
                let total: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM obapi_credentials WHERE owner = $1 AND flavor = $2 AND stored_at > $3",
                )
                .bind(owner)
                .bind(flavor_text(flavor))
                .bind(since)
                .fetch_one(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx(OP, e))?;
                let rows = sqlx::query(
                    "SELECT * FROM obapi_credentials WHERE owner = $1 AND flavor = $2 AND stored_at > $3 \
                     ORDER BY seq LIMIT $4 OFFSET $5",
                )
                .bind(owner)
                .bind(flavor_text(flavor))
                .bind(since)
                .bind(to_i64(limit))
                .bind(to_i64(offset))
                .fetch_all(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx(OP, e))?;
                let items = rows
                    .iter()
                    .map(Self::obapi_credential_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx(OP, e))?;
                Ok(CredentialPage {
                    items,
                    total: usize::try_from(total).unwrap_or(0),
                })
            }

            async fn obapi_upsert(
                &self,
                owner: &str,
                flavor: ApiFlavor,
                credential: &StoredCredential,
            ) -> Result<UpsertOutcome, StoreError> {
                const OP: &str = "storing an API credential";
                // Insert first; on the key's conflict the row exists (rows are never deleted),
                // so the update that follows replaces it. Two statements, no race window that
                // could answer wrongly: whoever inserts is the one that created.
                let inserted = sqlx::query(
                    "INSERT INTO obapi_credentials (owner, flavor, issuer_id, credential_id, format, text, \
                     issued_at, stored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (owner, flavor, issuer_id, credential_id) DO NOTHING",
                )
                .bind(owner)
                .bind(flavor_text(flavor))
                .bind(&credential.key.issuer_id)
                .bind(&credential.key.id)
                .bind(format_text(credential.format))
                .bind(&credential.text)
                .bind(credential.issued_at)
                .bind(credential.stored_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx(OP, e))?;
                if inserted.rows_affected() > 0 {
                    return Ok(UpsertOutcome::Created);
                }
                sqlx::query(
                    "UPDATE obapi_credentials SET format = $5, text = $6, issued_at = $7, stored_at = $8 \
                     WHERE owner = $1 AND flavor = $2 AND issuer_id = $3 AND credential_id = $4",
                )
                .bind(owner)
                .bind(flavor_text(flavor))
                .bind(&credential.key.issuer_id)
                .bind(&credential.key.id)
                .bind(format_text(credential.format))
                .bind(&credential.text)
                .bind(credential.issued_at)
                .bind(credential.stored_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx(OP, e))?;
                Ok(UpsertOutcome::Replaced)
            }

            async fn obapi_profile(&self, owner: &str) -> Result<Option<String>, StoreError> {
                sqlx::query_scalar("SELECT text FROM obapi_profiles WHERE owner = $1")
                    .bind(owner)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading an API profile", e))
            }

            async fn obapi_put_profile(&self, owner: &str, profile: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO obapi_profiles (owner, text) VALUES ($1, $2) \
                     ON CONFLICT (owner) DO UPDATE SET text = excluded.text",
                )
                .bind(owner)
                .bind(profile)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("saving an API profile", e))?;
                Ok(())
            }

            async fn obapi_save_connection(&self, c: &ConnectionRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO obapi_connections (owner, name, api_root, service, client_id, \
                     sealed_client_secret, sealed_tokens, last_sync, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (owner, name) DO UPDATE SET api_root = excluded.api_root, \
                     service = excluded.service, client_id = excluded.client_id, \
                     sealed_client_secret = excluded.sealed_client_secret, \
                     sealed_tokens = excluded.sealed_tokens, last_sync = excluded.last_sync, \
                     updated_at = excluded.updated_at",
                )
                .bind(&c.owner)
                .bind(&c.name)
                .bind(&c.api_root)
                .bind(&c.service)
                .bind(&c.client_id)
                .bind(&c.sealed_client_secret)
                .bind(&c.sealed_tokens)
                .bind(&c.last_sync)
                .bind(c.updated_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("saving an API connection", e))?;
                Ok(())
            }

            async fn obapi_connection(
                &self,
                owner: &str,
                name: &str,
            ) -> Result<Option<ConnectionRecord>, StoreError> {
                let row =
                    sqlx::query("SELECT * FROM obapi_connections WHERE owner = $1 AND name = $2")
                        .bind(owner)
                        .bind(name)
                        .fetch_optional(&self.read)
                        .await
                        .map_err(|e| StoreError::from_sqlx("reading an API connection", e))?;
                row.map(|row| Self::connection_from(&row))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading an API connection", e))
            }

            async fn obapi_connections(&self, owner: &str) -> Result<Vec<ConnectionRecord>, StoreError> {
                let rows =
                    sqlx::query("SELECT * FROM obapi_connections WHERE owner = $1 ORDER BY name")
                        .bind(owner)
                        .fetch_all(&self.read)
                        .await
                        .map_err(|e| StoreError::from_sqlx("listing API connections", e))?;
                rows.iter()
                    .map(Self::connection_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx("listing API connections", e))
            }

            async fn obapi_delete_connection(&self, owner: &str, name: &str) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM obapi_connections WHERE owner = $1 AND name = $2")
                    .bind(owner)
                    .bind(name)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("deleting an API connection", e))?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}

impl_obapi!(Sqlite);
impl_obapi!(Postgres);

/// Runs `future` to completion from synchronous code. Works on a worker of a multi-thread
/// runtime (through `block_in_place`), in `spawn_blocking`, and on a thread outside any
/// runtime; refuses, with an error instead of the panic tokio would raise, on a current-thread
/// runtime, which cannot drive the database while its only thread waits.
fn block_on<T>(
    runtime: &Handle,
    future: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, String> {
    let current_thread = |h: &Handle| matches!(h.runtime_flavor(), RuntimeFlavor::CurrentThread);
    if current_thread(runtime) || Handle::try_current().is_ok_and(|h| current_thread(&h)) {
        return Err("the OB API store needs a multi-thread tokio runtime".into());
    }
    tokio::task::block_in_place(|| runtime.block_on(future)).map_err(|e| e.to_string())
}

/// `credbridge_obapi::OAuthStore` over the database: each call runs one [`ObapiStore`]
/// statement on `runtime` (a multi-thread runtime; see [`SqlOAuthStore::new`]).
#[derive(Clone)]
pub struct SqlOAuthStore {
    store: Arc<dyn Store>,
    runtime: Handle,
}

impl std::fmt::Debug for SqlOAuthStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlOAuthStore")
            .field("backend", &self.store.backend())
            .finish()
    }
}

impl SqlOAuthStore {
    /// The OAuth store over `store`, its queries run on `runtime`, which must be a
    /// multi-thread runtime (the server's is); on a current-thread runtime every call fails
    /// with an error rather than blocking it.
    pub fn new(store: Arc<dyn Store>, runtime: Handle) -> SqlOAuthStore {
        SqlOAuthStore { store, runtime }
    }

    fn run<T>(
        &self,
        future: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, credbridge_obapi::oauth::StoreError> {
        block_on(&self.runtime, future).map_err(credbridge_obapi::oauth::StoreError)
    }
}

impl OAuthStore for SqlOAuthStore {
    fn insert_client(
        &self,
        client: ClientRecord,
    ) -> Result<(), credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_insert_client(&client))
    }

    fn client(
        &self,
        client_id: &str,
    ) -> Result<Option<ClientRecord>, credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_client(client_id))
    }

    fn insert_code(&self, code: CodeRecord) -> Result<(), credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_insert_code(&code))
    }

    fn take_code(
        &self,
        code_hash: &SecretHash,
    ) -> Result<Option<CodeRecord>, credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_take_code(code_hash))
    }

    fn insert_token(&self, token: TokenRecord) -> Result<(), credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_insert_token(&token))
    }

    fn token(
        &self,
        token_hash: &SecretHash,
    ) -> Result<Option<TokenRecord>, credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_token(token_hash))
    }

    fn mark_refresh_used(
        &self,
        token_hash: &SecretHash,
    ) -> Result<bool, credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_mark_refresh_used(token_hash))
    }

    fn revoke_token(
        &self,
        token_hash: &SecretHash,
    ) -> Result<(), credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_revoke_token(token_hash))
    }

    fn revoke_family(&self, family: &str) -> Result<(), credbridge_obapi::oauth::StoreError> {
        self.run(self.store.oauth_revoke_family(family))
    }
}

/// `credbridge_obapi::CredentialRepo` over the database (see [`SqlOAuthStore`] for the
/// runtime). An unreachable database is `RepoError::Busy` (503 `server_busy`, `Retry-After`
/// [`OBAPI_RETRY_AFTER_SECONDS`]); any other failure `RepoError::Failed`.
#[derive(Clone)]
pub struct SqlCredentialRepo {
    store: Arc<dyn Store>,
    runtime: Handle,
}

impl std::fmt::Debug for SqlCredentialRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlCredentialRepo")
            .field("backend", &self.store.backend())
            .finish()
    }
}

impl SqlCredentialRepo {
    /// The repository over `store` (see [`SqlOAuthStore::new`] for `runtime`).
    pub fn new(store: Arc<dyn Store>, runtime: Handle) -> SqlCredentialRepo {
        SqlCredentialRepo { store, runtime }
    }

    fn run<T>(&self, future: impl Future<Output = Result<T, StoreError>>) -> Result<T, RepoError> {
        let mut unavailable = false;
        let outcome = block_on(&self.runtime, async {
            let result = future.await;
            unavailable = result.as_ref().is_err_and(StoreError::is_unavailable);
            result
        });
        outcome.map_err(|message| {
            if unavailable {
                RepoError::Busy {
                    retry_after_seconds: OBAPI_RETRY_AFTER_SECONDS,
                }
            } else {
                RepoError::Failed(message)
            }
        })
    }
}

impl CredentialRepo for SqlCredentialRepo {
    fn list(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        since: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Result<CredentialPage, RepoError> {
        self.run(self.store.obapi_list(owner, flavor, since, offset, limit))
    }

    fn upsert(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        credential: StoredCredential,
    ) -> Result<UpsertOutcome, RepoError> {
        self.run(self.store.obapi_upsert(owner, flavor, &credential))
    }

    fn profile(&self, owner: &str) -> Result<Option<String>, RepoError> {
        self.run(self.store.obapi_profile(owner))
    }

    fn put_profile(&self, owner: &str, profile: String) -> Result<(), RepoError> {
        self.run(self.store.obapi_put_profile(owner, &profile))
    }
}
