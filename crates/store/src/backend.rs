//! The statements, written once, and the trait implementations for both backends.
//!
//! [`Db`] holds a read pool and a write pool (the same pool for PostgreSQL; one connection for
//! SQLite's single writer). `impl_store!` expands the same method bodies for `Db<Sqlite>` and
//! `Db<Postgres>`: the statements use `$N` parameters and types both dialects share (TEXT,
//! BIGINT, bytes), so only the pool type differs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_trait::async_trait;
use sqlx::{Database, Pool, Postgres, Row, Sqlite};

use crate::group::{self, GroupCommit, Pending};
use crate::{
    Added, Attempt, AttemptOutcome, ChallengeStore, Client, ClientStore, CredentialFilter,
    CredentialPage, CredentialRecord, DeliveryRecord, DeliveryState, Digested, DueDelivery,
    EVENT_CREDENTIAL_RECEIVED, EVENT_CREDENTIAL_VERIFIED, InboxStore, JobRecord, JobStore,
    MAX_CLAIM, MAX_PAGE_SIZE, NewCredential, NewSubscription, OutboxEvent, ReportRecord, Session,
    SessionStore, Source, Store, StoreError, Subscription, Tenant, TenantStore, Token, TokenStore,
    User, UserStore, WebhookStore, join_scopes, new_id, new_ordered_id, split_scopes,
};

/// One backend's pools, and the inbox's group commit.
pub(crate) struct Db<DB: Database> {
    pub(crate) read: Pool<DB>,
    pub(crate) write: Pool<DB>,
    backend: &'static str,
    group: GroupCommit,
}

impl<DB: Database> Db<DB> {
    pub(crate) fn new(read: Pool<DB>, write: Pool<DB>, backend: &'static str) -> Db<DB> {
        Db {
            read,
            write,
            backend,
            group: GroupCommit::default(),
        }
    }
}

/// Most parameters bound in one statement of a group commit (SQLite allows 32 766,
/// PostgreSQL 65 535); multi-row inserts are cut into statements of at most this many.
const MAX_BIND_PARAMETERS: usize = 8_000;

const CREDENTIAL_COLUMNS: &str = "c.id, c.tenant_id, c.sha256, c.item_key, c.container_path, c.containers, c.format, c.issuer, c.achievements, c.received_at, c.source, c.verdict";

/// Unix milliseconds now: only for `created_at` columns of objects the caller did not time.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn json_text(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

macro_rules! impl_store {
    ($db:ty) => {
        impl Db<$db> {
            fn client_from(row: &<$db as Database>::Row) -> Result<Client, sqlx::Error> {
                Ok(Client {
                    client_id: row.try_get("client_id")?,
                    tenant_id: row.try_get("tenant_id")?,
                    name: row.try_get("name")?,
                    secret_hash: row.try_get("secret_hash")?,
                    scopes: split_scopes(&row.try_get::<String, _>("scopes")?),
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            }

            fn credential_from(
                row: &<$db as Database>::Row,
                subjects: Vec<String>,
            ) -> Result<CredentialRecord, sqlx::Error> {
                Ok(CredentialRecord {
                    id: row.try_get("id")?,
                    tenant_id: row.try_get("tenant_id")?,
                    sha256: row.try_get("sha256")?,
                    item_key: row.try_get("item_key")?,
                    container_path: row.try_get("container_path")?,
                    containers: json_list(&row.try_get::<String, _>("containers")?),
                    format: row.try_get("format")?,
                    issuer: row.try_get("issuer")?,
                    subjects,
                    achievements: json_list(&row.try_get::<String, _>("achievements")?),
                    received_at: row.try_get("received_at")?,
                    source: Source::parse(&row.try_get::<String, _>("source")?),
                    verdict: row.try_get("verdict")?,
                })
            }

            fn report_from(row: &<$db as Database>::Row) -> Result<ReportRecord, sqlx::Error> {
                Ok(ReportRecord {
                    id: row.try_get("id")?,
                    credential_id: row.try_get("credential_id")?,
                    verdict: row.try_get("verdict")?,
                    report: row.try_get("report")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            async fn subjects_of(
                &self,
                tenant_id: &str,
                ids: &[String],
            ) -> Result<Vec<Vec<String>>, StoreError> {
                let mut all = Vec::with_capacity(ids.len());
                if ids.is_empty() {
                    return Ok(all);
                }
                let mut builder = sqlx::QueryBuilder::<$db>::new(
                    "SELECT credential_id, subject FROM credential_subjects WHERE tenant_id = ",
                );
                builder.push_bind(tenant_id);
                builder.push(" AND credential_id IN (");
                let mut separated = builder.separated(", ");
                for id in ids {
                    separated.push_bind(id);
                }
                builder.push(") ORDER BY subject");
                let rows = builder
                    .build()
                    .fetch_all(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading subjects", e))?;
                let mut by_id: std::collections::HashMap<String, Vec<String>> =
                    std::collections::HashMap::new();
                for row in rows {
                    let id: String = row
                        .try_get("credential_id")
                        .map_err(|e| StoreError::from_sqlx("reading subjects", e))?;
                    let subject: String = row
                        .try_get("subject")
                        .map_err(|e| StoreError::from_sqlx("reading subjects", e))?;
                    by_id.entry(id).or_default().push(subject);
                }
                for id in ids {
                    all.push(by_id.remove(id).unwrap_or_default());
                }
                Ok(all)
            }
        }

        impl Db<$db> {
            /// Writes a group of callers' credentials in one transaction and answers each
            /// caller after it committed; when it fails for another reason than an unreachable
            /// database, each caller's credentials are written again on their own.
            async fn write_batch(pool: Pool<$db>, batch: Vec<Pending>) {
                let result = Self::insert_batch(&pool, &batch).await;
                for pending in group::answer(batch, result) {
                    let result = Self::insert_batch(&pool, std::slice::from_ref(&pending))
                        .await
                        .map(|mut added| added.pop().unwrap_or_default());
                    let _ = pending.reply.send(result);
                }
            }

            /// The credentials of every caller in `batch`, in one transaction: the ids, per
            /// caller in its order. A handful of statements per batch, whatever its size (one
            /// lookup of the stored hashes per tenant, then one multi-row `INSERT` per table),
            /// rather than five or six per credential: with SQLite every statement is a round
            /// trip to the connection's thread while the other uploads wait.
            async fn insert_batch(
                pool: &Pool<$db>,
                batch: &[Pending],
            ) -> Result<Vec<Vec<Added>>, StoreError> {
                const OP: &str = "adding credentials";
                let err = |e| StoreError::from_sqlx(OP, e);
                let mut tx = pool.begin().await.map_err(err)?;

                // What each tenant has already, among the hashes of this batch.
                let mut hashes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
                for pending in batch {
                    let set = hashes.entry(pending.tenant_id.as_str()).or_default();
                    set.extend(pending.credentials.iter().map(|c| c.sha256.as_str()));
                }
                let mut known: HashMap<(String, String, String), String> = HashMap::new();
                for (tenant_id, set) in &hashes {
                    let set: Vec<&str> = set.iter().copied().collect();
                    for chunk in set.chunks(MAX_BIND_PARAMETERS) {
                        let mut select = sqlx::QueryBuilder::<$db>::new(
                            "SELECT id, sha256, item_key FROM credentials WHERE tenant_id = ",
                        );
                        select.push_bind(*tenant_id);
                        select.push(" AND sha256 IN (");
                        let mut separated = select.separated(", ");
                        for sha256 in chunk {
                            separated.push_bind(*sha256);
                        }
                        select.push(")");
                        for row in select.build().fetch_all(&mut *tx).await.map_err(err)? {
                            let id: String = row.try_get("id").map_err(err)?;
                            let sha256: String = row.try_get("sha256").map_err(err)?;
                            let item_key: String = row.try_get("item_key").map_err(err)?;
                            known.insert(((*tenant_id).to_owned(), sha256, item_key), id);
                        }
                    }
                }

                // In order: a credential stored before, or earlier in this batch, is answered
                // with its id; the others are new.
                let mut all = Vec::with_capacity(batch.len());
                let mut new: Vec<(&str, &NewCredential, String)> = Vec::new();
                for pending in batch {
                    let tenant_id = pending.tenant_id.as_str();
                    let mut added = Vec::with_capacity(pending.credentials.len());
                    for credential in &pending.credentials {
                        let key = (
                            tenant_id.to_owned(),
                            credential.sha256.clone(),
                            credential.item_key.clone(),
                        );
                        if let Some(id) = known.get(&key) {
                            added.push(Added { id: id.clone(), created: false });
                            continue;
                        }
                        let id = new_ordered_id();
                        known.insert(key, id.clone());
                        new.push((tenant_id, credential, id.clone()));
                        added.push(Added { id, created: true });
                    }
                    all.push(added);
                }
                if new.is_empty() {
                    tx.commit().await.map_err(err)?;
                    return Ok(all);
                }

                // The bytes, once per tenant and hash.
                let mut seen = BTreeSet::new();
                let originals: Vec<&(&str, &NewCredential, String)> = new
                    .iter()
                    .filter(|(tenant_id, c, _)| seen.insert((*tenant_id, c.sha256.as_str())))
                    .collect();
                for chunk in originals.chunks(MAX_BIND_PARAMETERS / 3) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO originals (tenant_id, sha256, bytes) ",
                    );
                    insert.push_values(chunk, |mut row, (tenant_id, c, _)| {
                        row.push_bind(*tenant_id)
                            .push_bind(c.sha256.as_str())
                            .push_bind(c.original.as_slice());
                    });
                    insert.push(" ON CONFLICT (tenant_id, sha256) DO NOTHING");
                    insert.build().execute(&mut *tx).await.map_err(err)?;
                }
                for chunk in new.chunks(MAX_BIND_PARAMETERS / 12) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO credentials (id, tenant_id, sha256, item_key, container_path, containers, \
                         format, issuer, achievements, received_at, source, verdict) ",
                    );
                    insert.push_values(chunk, |mut row, (tenant_id, c, id)| {
                        row.push_bind(id.as_str())
                            .push_bind(*tenant_id)
                            .push_bind(c.sha256.as_str())
                            .push_bind(c.item_key.as_str())
                            .push_bind(c.container_path.as_str())
                            .push_bind(json_text(&c.containers))
                            .push_bind(c.format.as_str())
                            .push_bind(c.issuer.as_deref())
                            .push_bind(json_text(&c.achievements))
                            .push_bind(c.received_at)
                            .push_bind(c.source.as_str())
                            .push_bind(c.verdict.as_str());
                    });
                    insert.build().execute(&mut *tx).await.map_err(err)?;
                }
                let subjects: Vec<(&str, &str, &str)> = new
                    .iter()
                    .flat_map(|(tenant_id, c, id)| {
                        let mut subjects: Vec<&str> = c.subjects.iter().map(String::as_str).collect();
                        subjects.sort_unstable();
                        subjects.dedup();
                        subjects
                            .into_iter()
                            .map(move |subject| (id.as_str(), *tenant_id, subject))
                    })
                    .collect();
                for chunk in subjects.chunks(MAX_BIND_PARAMETERS / 3) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO credential_subjects (credential_id, tenant_id, subject) ",
                    );
                    insert.push_values(chunk, |mut row, (id, tenant_id, subject)| {
                        row.push_bind(*id).push_bind(*tenant_id).push_bind(*subject);
                    });
                    insert.build().execute(&mut *tx).await.map_err(err)?;
                }
                for chunk in new.chunks(MAX_BIND_PARAMETERS / 6) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO reports (id, credential_id, tenant_id, verdict, report, created_at) ",
                    );
                    insert.push_values(chunk, |mut row, (tenant_id, c, id)| {
                        row.push_bind(new_ordered_id())
                            .push_bind(id.as_str())
                            .push_bind(*tenant_id)
                            .push_bind(c.verdict.as_str())
                            .push_bind(c.report.as_str())
                            .push_bind(c.received_at);
                    });
                    insert.build().execute(&mut *tx).await.map_err(err)?;
                }
                // Webhook events of the new credentials, in the same transaction (one lookup
                // of the wanted event types per tenant in the batch).
                let mut wanted_by_tenant: BTreeMap<&str, Vec<String>> = BTreeMap::new();
                for (tenant_id, credential, id) in &new {
                    if !wanted_by_tenant.contains_key(tenant_id) {
                        let wanted = Self::wanted_events(&mut tx, tenant_id).await.map_err(err)?;
                        wanted_by_tenant.insert(tenant_id, wanted);
                    }
                    if let Some(wanted) = wanted_by_tenant.get(tenant_id).filter(|w| !w.is_empty()) {
                        Self::credential_events(&mut tx, tenant_id, wanted, id, credential)
                            .await
                            .map_err(err)?;
                    }
                }
                tx.commit().await.map_err(err)?;
                Ok(all)
            }
        }

        #[async_trait]
        impl TenantStore for Db<$db> {
            async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError> {
                let tenant = Tenant {
                    id: new_id(),
                    name: name.to_owned(),
                    created_at: now_ms(),
                };
                sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)")
                    .bind(&tenant.id)
                    .bind(&tenant.name)
                    .bind(tenant.created_at)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::on_unique("creating a tenant", "tenant", name, e))?;
                Ok(tenant)
            }

            async fn tenant_by_name(&self, name: &str) -> Result<Option<Tenant>, StoreError> {
                let row = sqlx::query("SELECT id, name, created_at FROM tenants WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a tenant", e))?;
                row.map(|row| {
                    Ok(Tenant {
                        id: row.try_get("id")?,
                        name: row.try_get("name")?,
                        created_at: row.try_get("created_at")?,
                    })
                })
                .transpose()
                .map_err(|e| StoreError::from_sqlx("reading a tenant", e))
            }

            async fn ensure_tenant(&self, name: &str) -> Result<Tenant, StoreError> {
                if let Some(tenant) = self.tenant_by_name(name).await? {
                    return Ok(tenant);
                }
                match self.create_tenant(name).await {
                    Ok(tenant) => Ok(tenant),
                    // Another process created it between the two statements.
                    Err(StoreError::Duplicate { .. }) => {
                        self.tenant_by_name(name).await?.ok_or(StoreError::Duplicate {
                            what: "tenant",
                            value: name.to_owned(),
                        })
                    }
                    Err(e) => Err(e),
                }
            }
        }

        #[async_trait]
        impl ClientStore for Db<$db> {
            async fn add_client(&self, client: &Client) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO clients (client_id, tenant_id, name, secret_hash, scopes, created_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&client.client_id)
                .bind(&client.tenant_id)
                .bind(&client.name)
                .bind(&client.secret_hash)
                .bind(join_scopes(&client.scopes))
                .bind(client.created_at)
                .bind(client.revoked_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::on_unique("adding a client", "client", &client.client_id, e))?;
                Ok(())
            }

            async fn client(&self, client_id: &str) -> Result<Option<Client>, StoreError> {
                let row = sqlx::query("SELECT * FROM clients WHERE client_id = $1")
                    .bind(client_id)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a client", e))?;
                row.map(|row| Self::client_from(&row))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading a client", e))
            }

            async fn list_clients(&self, tenant_id: &str) -> Result<Vec<Client>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM clients WHERE tenant_id = $1 ORDER BY created_at, client_id",
                )
                .bind(tenant_id)
                .fetch_all(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("listing clients", e))?;
                rows.iter()
                    .map(Self::client_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx("listing clients", e))
            }

            async fn revoke_client(
                &self,
                tenant_id: &str,
                client_id: &str,
                at: i64,
            ) -> Result<bool, StoreError> {
                let mut tx = self
                    .write
                    .begin()
                    .await
                    .map_err(|e| StoreError::from_sqlx("revoking a client", e))?;
                let done = sqlx::query(
                    "UPDATE clients SET revoked_at = $1 WHERE tenant_id = $2 AND client_id = $3 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(tenant_id)
                .bind(client_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx("revoking a client", e))?;
                sqlx::query("DELETE FROM tokens WHERE tenant_id = $1 AND client_id = $2")
                    .bind(tenant_id)
                    .bind(client_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx("revoking a client", e))?;
                tx.commit()
                    .await
                    .map_err(|e| StoreError::from_sqlx("revoking a client", e))?;
                Ok(done.rows_affected() > 0)
            }
        }

        #[async_trait]
        impl UserStore for Db<$db> {
            async fn add_user(&self, user: &User) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO users (id, tenant_id, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&user.id)
                .bind(&user.tenant_id)
                .bind(&user.email)
                .bind(&user.password_hash)
                .bind(user.created_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::on_unique("adding a user", "user email", &user.email, e))?;
                Ok(())
            }

            async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
                self.user_where("SELECT * FROM users WHERE email = $1", email).await
            }

            async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
                self.user_where("SELECT * FROM users WHERE id = $1", id).await
            }
        }

        impl Db<$db> {
            async fn user_where(&self, sql: &'static str, value: &str) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(sql)
                    .bind(value)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a user", e))?;
                row.map(|row| {
                    Ok(User {
                        id: row.try_get("id")?,
                        tenant_id: row.try_get("tenant_id")?,
                        email: row.try_get("email")?,
                        password_hash: row.try_get("password_hash")?,
                        created_at: row.try_get("created_at")?,
                    })
                })
                .transpose()
                .map_err(|e| StoreError::from_sqlx("reading a user", e))
            }
        }

        #[async_trait]
        impl SessionStore for Db<$db> {
            async fn add_session(&self, session: &Session) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO sessions (id_hash, user_id, tenant_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&session.id_hash)
                .bind(&session.user_id)
                .bind(&session.tenant_id)
                .bind(session.created_at)
                .bind(session.expires_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("adding a session", e))?;
                Ok(())
            }

            async fn session(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError> {
                let row = sqlx::query("SELECT * FROM sessions WHERE id_hash = $1 AND expires_at > $2")
                    .bind(id_hash)
                    .bind(now)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a session", e))?;
                row.map(|row| {
                    Ok(Session {
                        id_hash: row.try_get("id_hash")?,
                        user_id: row.try_get("user_id")?,
                        tenant_id: row.try_get("tenant_id")?,
                        created_at: row.try_get("created_at")?,
                        expires_at: row.try_get("expires_at")?,
                    })
                })
                .transpose()
                .map_err(|e| StoreError::from_sqlx("reading a session", e))
            }

            async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("ending a session", e))?;
                Ok(())
            }
        }

        #[async_trait]
        impl TokenStore for Db<$db> {
            async fn add_token(&self, token: &Token) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO tokens (token_hash, client_id, tenant_id, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&token.token_hash)
                .bind(&token.client_id)
                .bind(&token.tenant_id)
                .bind(join_scopes(&token.scopes))
                .bind(token.created_at)
                .bind(token.expires_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("adding a token", e))?;
                Ok(())
            }

            async fn token(&self, token_hash: &str, now: i64) -> Result<Option<Token>, StoreError> {
                let row = sqlx::query(
                    "SELECT t.* FROM tokens t JOIN clients c ON c.client_id = t.client_id \
                     WHERE t.token_hash = $1 AND t.expires_at > $2 AND c.revoked_at IS NULL",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("reading a token", e))?;
                row.map(|row| {
                    Ok(Token {
                        token_hash: row.try_get("token_hash")?,
                        client_id: row.try_get("client_id")?,
                        tenant_id: row.try_get("tenant_id")?,
                        scopes: split_scopes(&row.try_get::<String, _>("scopes")?),
                        created_at: row.try_get("created_at")?,
                        expires_at: row.try_get("expires_at")?,
                    })
                })
                .transpose()
                .map_err(|e| StoreError::from_sqlx("reading a token", e))
            }

            async fn purge_expired_tokens(&self, now: i64) -> Result<u64, StoreError> {
                let done = sqlx::query("DELETE FROM tokens WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("purging tokens", e))?;
                Ok(done.rows_affected())
            }
        }

        #[async_trait]
        impl ChallengeStore for Db<$db> {
            async fn add_challenge(
                &self,
                tenant_id: &str,
                challenge: &str,
                now: i64,
                expires_at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO challenges (challenge, tenant_id, created_at, expires_at, uses) VALUES ($1, $2, $3, $4, 0)",
                )
                .bind(challenge)
                .bind(tenant_id)
                .bind(now)
                .bind(expires_at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::on_unique("adding a challenge", "challenge", challenge, e))?;
                Ok(())
            }

            async fn use_challenge(
                &self,
                tenant_id: &str,
                challenge: &str,
                now: i64,
            ) -> Result<Option<u64>, StoreError> {
                let row = sqlx::query(
                    "UPDATE challenges SET uses = uses + 1 \
                     WHERE tenant_id = $1 AND challenge = $2 AND expires_at > $3 RETURNING uses",
                )
                .bind(tenant_id)
                .bind(challenge)
                .bind(now)
                .fetch_optional(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("using a challenge", e))?;
                row.map(|row| row.try_get::<i64, _>("uses"))
                    .transpose()
                    .map(|uses| uses.map(|n| u64::try_from(n).unwrap_or(0)))
                    .map_err(|e| StoreError::from_sqlx("using a challenge", e))
            }
        }

        #[async_trait]
        impl InboxStore for Db<$db> {
            async fn add_credentials(
                &self,
                tenant_id: &str,
                credentials: &[NewCredential],
            ) -> Result<Vec<Added>, StoreError> {
                if credentials.is_empty() {
                    return Ok(Vec::new());
                }
                let mut answer = self.group.push(tenant_id, credentials);
                loop {
                    // Answered as soon as the batch holding these credentials commits, or the
                    // writer lock to write them (and whatever else is queued) ourselves.
                    let leader = tokio::select! {
                        biased;
                        result = &mut answer => {
                            return result.unwrap_or_else(|_| Err(group::lost()));
                        }
                        leader = self.group.leader.lock() => leader,
                    };
                    match answer.try_recv() {
                        Ok(result) => return result,
                        Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                            return Err(group::lost());
                        }
                        Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
                    }
                    let batch = self.group.take_batch();
                    if batch.is_empty() {
                        // A leader that was cancelled took this call's credentials; its
                        // spawned task is still writing them.
                        drop(leader);
                        return answer.await.unwrap_or_else(|_| Err(group::lost()));
                    }
                    // Spawned, so that this caller going away does not abort the transaction
                    // the others wait on.
                    let written = tokio::spawn(Self::write_batch(self.write.clone(), batch)).await;
                    drop(leader);
                    if written.is_err() {
                        return Err(group::lost());
                    }
                    // Not taken in that batch (it was full): lead or wait for the next one.
                }
            }

            async fn list_credentials(
                &self,
                tenant_id: &str,
                filter: &CredentialFilter,
            ) -> Result<CredentialPage, StoreError> {
                const OP: &str = "listing credentials";
                let err = |e| StoreError::from_sqlx(OP, e);
                let conditions = |builder: &mut sqlx::QueryBuilder<'_, $db>| {
                    builder.push(" WHERE c.tenant_id = ");
                    builder.push_bind(tenant_id.to_owned());
                    if let Some(verdict) = &filter.verdict {
                        builder.push(" AND c.verdict = ");
                        builder.push_bind(verdict.clone());
                    }
                    if let Some(issuer) = &filter.issuer {
                        builder.push(" AND c.issuer = ");
                        builder.push_bind(issuer.clone());
                    }
                    if let Some(since) = filter.received_since {
                        builder.push(" AND c.received_at >= ");
                        builder.push_bind(since);
                    }
                    if let Some(subject) = &filter.subject {
                        builder.push(
                            " AND EXISTS (SELECT 1 FROM credential_subjects s WHERE s.credential_id = c.id AND s.tenant_id = ",
                        );
                        builder.push_bind(tenant_id.to_owned());
                        builder.push(" AND s.subject = ");
                        builder.push_bind(subject.clone());
                        builder.push(")");
                    }
                };
                let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) AS n FROM credentials c");
                conditions(&mut count);
                let total: i64 = count
                    .build()
                    .fetch_one(&self.read)
                    .await
                    .map_err(err)?
                    .try_get("n")
                    .map_err(err)?;
                let mut select = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM credentials c"
                ));
                conditions(&mut select);
                select.push(" ORDER BY c.received_at DESC, c.id DESC LIMIT ");
                select.push_bind(i64::from(filter.limit.clamp(1, MAX_PAGE_SIZE)));
                select.push(" OFFSET ");
                select.push_bind(i64::try_from(filter.offset).unwrap_or(i64::MAX));
                let rows = select.build().fetch_all(&self.read).await.map_err(err)?;
                let ids = rows
                    .iter()
                    .map(|row| row.try_get::<String, _>("id"))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(err)?;
                let subjects = self.subjects_of(tenant_id, &ids).await?;
                let items = rows
                    .iter()
                    .zip(subjects)
                    .map(|(row, subjects)| Self::credential_from(row, subjects))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(err)?;
                Ok(CredentialPage {
                    items,
                    total: u64::try_from(total).unwrap_or(0),
                })
            }

            async fn credential(
                &self,
                tenant_id: &str,
                id: &str,
            ) -> Result<Option<CredentialRecord>, StoreError> {
                const OP: &str = "reading a credential";
                let err = |e| StoreError::from_sqlx(OP, e);
                let sql = format!(
                    "SELECT {CREDENTIAL_COLUMNS} FROM credentials c WHERE c.tenant_id = $1 AND c.id = $2"
                );
                let row = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&self.read)
                .await
                .map_err(err)?;
                let Some(row) = row else { return Ok(None) };
                let subjects = self
                    .subjects_of(tenant_id, &[id.to_owned()])
                    .await?
                    .pop()
                    .unwrap_or_default();
                Self::credential_from(&row, subjects).map(Some).map_err(err)
            }

            async fn original(&self, tenant_id: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
                let row = sqlx::query(
                    "SELECT o.bytes FROM credentials c JOIN originals o \
                     ON o.tenant_id = c.tenant_id AND o.sha256 = c.sha256 \
                     WHERE c.tenant_id = $1 AND c.id = $2",
                )
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("reading original bytes", e))?;
                row.map(|row| row.try_get::<Vec<u8>, _>("bytes"))
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading original bytes", e))
            }

            async fn reports(&self, tenant_id: &str, id: &str) -> Result<Vec<ReportRecord>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, credential_id, verdict, report, created_at FROM reports \
                     WHERE tenant_id = $1 AND credential_id = $2 ORDER BY created_at DESC, id DESC",
                )
                .bind(tenant_id)
                .bind(id)
                .fetch_all(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("reading reports", e))?;
                rows.iter()
                    .map(Self::report_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx("reading reports", e))
            }

            async fn add_report_with_events(
                &self,
                tenant_id: &str,
                id: &str,
                verdict: &str,
                report: &str,
                at: i64,
                events: &[OutboxEvent],
            ) -> Result<Option<ReportRecord>, StoreError> {
                const OP: &str = "adding a report";
                let err = |e| StoreError::from_sqlx(OP, e);
                let mut tx = self.write.begin().await.map_err(err)?;
                let previous = sqlx::query("SELECT verdict FROM credentials WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?
                    .map(|row| row.try_get::<String, _>("verdict"))
                    .transpose()
                    .map_err(err)?;
                let updated = sqlx::query("UPDATE credentials SET verdict = $1 WHERE tenant_id = $2 AND id = $3")
                    .bind(verdict)
                    .bind(tenant_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                if updated.rows_affected() == 0 {
                    return Ok(None);
                }
                let record = ReportRecord {
                    id: new_ordered_id(),
                    credential_id: id.to_owned(),
                    verdict: verdict.to_owned(),
                    report: report.to_owned(),
                    created_at: at,
                };
                sqlx::query(
                    "INSERT INTO reports (id, credential_id, tenant_id, verdict, report, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&record.id)
                .bind(id)
                .bind(tenant_id)
                .bind(verdict)
                .bind(report)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                let wanted = Self::wanted_events(&mut tx, tenant_id).await.map_err(err)?;
                if !wanted.is_empty() {
                    let data = serde_json::json!({
                        "credential": id,
                        "report": record.id,
                        "verdict": verdict,
                        "previousVerdict": previous,
                    });
                    Self::enqueue(&mut tx, tenant_id, &wanted, EVENT_CREDENTIAL_VERIFIED, &data, at)
                        .await
                        .map_err(err)?;
                    for event in events {
                        Self::enqueue(&mut tx, tenant_id, &wanted, &event.event_type, &event.data, at)
                            .await
                            .map_err(err)?;
                    }
                }
                tx.commit().await.map_err(err)?;
                Ok(Some(record))
            }

            async fn delete_credential(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError> {
                const OP: &str = "erasing a credential";
                let err = |e| StoreError::from_sqlx(OP, e);
                let mut tx = self.write.begin().await.map_err(err)?;
                let row = sqlx::query("SELECT sha256 FROM credentials WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                let Some(row) = row else { return Ok(false) };
                let sha256: String = row.try_get("sha256").map_err(err)?;
                for statement in [
                    "DELETE FROM credential_subjects WHERE tenant_id = $1 AND credential_id = $2",
                    "DELETE FROM reports WHERE tenant_id = $1 AND credential_id = $2",
                    "DELETE FROM credentials WHERE tenant_id = $1 AND id = $2",
                ] {
                    sqlx::query(statement)
                        .bind(tenant_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                }
                sqlx::query(
                    "DELETE FROM originals WHERE tenant_id = $1 AND sha256 = $2 AND NOT EXISTS \
                     (SELECT 1 FROM credentials WHERE tenant_id = $1 AND sha256 = $2)",
                )
                .bind(tenant_id)
                .bind(&sha256)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                tx.commit().await.map_err(err)?;
                Ok(true)
            }
        }

        #[async_trait]
        impl JobStore for Db<$db> {
            async fn add_job(
                &self,
                tenant_id: &str,
                title: &str,
                source: &str,
                document: &str,
                at: i64,
            ) -> Result<String, StoreError> {
                let id = new_ordered_id();
                sqlx::query(
                    "INSERT INTO jobs (id, tenant_id, title, source, document, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&id)
                .bind(tenant_id)
                .bind(title)
                .bind(source)
                .bind(document)
                .bind(at)
                .execute(&self.write)
                .await
                .map_err(|e| StoreError::from_sqlx("adding a job", e))?;
                Ok(id)
            }

            async fn list_jobs(&self, tenant_id: &str) -> Result<Vec<JobRecord>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, tenant_id, title, source, document, created_at FROM jobs \
                     WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                )
                .bind(tenant_id)
                .bind(i64::from(MAX_PAGE_SIZE))
                .fetch_all(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("listing jobs", e))?;
                rows.iter()
                    .map(Self::job_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx("listing jobs", e))
            }

            async fn job(&self, tenant_id: &str, id: &str) -> Result<Option<JobRecord>, StoreError> {
                let row = sqlx::query(
                    "SELECT id, tenant_id, title, source, document, created_at FROM jobs \
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("reading a job", e))?;
                row.as_ref()
                    .map(Self::job_from)
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading a job", e))
            }

            async fn delete_job(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM jobs WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("deleting a job", e))?;
                Ok(done.rows_affected() > 0)
            }
        }

        impl Db<$db> {
            fn job_from(row: &<$db as Database>::Row) -> Result<JobRecord, sqlx::Error> {
                Ok(JobRecord {
                    id: row.try_get("id")?,
                    tenant_id: row.try_get("tenant_id")?,
                    title: row.try_get("title")?,
                    source: row.try_get("source")?,
                    document: row.try_get("document")?,
                    created_at: row.try_get("created_at")?,
                })
            }
        }

        impl Db<$db> {
            /// The event types the tenant's subscriptions want (usually none: one indexed read).
            async fn wanted_events(
                conn: &mut <$db as Database>::Connection,
                tenant_id: &str,
            ) -> Result<Vec<String>, sqlx::Error> {
                let rows = sqlx::query(
                    "SELECT DISTINCT event_type FROM webhook_subscription_events WHERE tenant_id = $1",
                )
                .bind(tenant_id)
                .fetch_all(&mut *conn)
                .await?;
                rows.iter().map(|row| row.try_get("event_type")).collect()
            }

            /// Writes one event and a delivery per subscription that wants it, inside the
            /// caller's transaction; `false` when nobody wants `event_type`.
            async fn enqueue(
                conn: &mut <$db as Database>::Connection,
                tenant_id: &str,
                wanted: &[String],
                event_type: &str,
                data: &serde_json::Value,
                at: i64,
            ) -> Result<bool, sqlx::Error> {
                if !wanted.iter().any(|w| w == event_type) {
                    return Ok(false);
                }
                let id = new_ordered_id();
                sqlx::query(
                    "INSERT INTO webhook_events (id, tenant_id, event_type, data, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&id)
                .bind(tenant_id)
                .bind(event_type)
                .bind(data.to_string())
                .bind(at)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT INTO webhook_deliveries (event_id, subscription_id, tenant_id, attempts, state, next_attempt_at, updated_at) \
                     SELECT $1, subscription_id, tenant_id, 0, 'pending', $2, $2 FROM webhook_subscription_events \
                     WHERE tenant_id = $3 AND event_type = $4",
                )
                .bind(&id)
                .bind(at)
                .bind(tenant_id)
                .bind(event_type)
                .execute(&mut *conn)
                .await?;
                Ok(true)
            }

            /// The events of one newly stored credential and its first report.
            async fn credential_events(
                conn: &mut <$db as Database>::Connection,
                tenant_id: &str,
                wanted: &[String],
                id: &str,
                credential: &NewCredential,
            ) -> Result<(), sqlx::Error> {
                let received = serde_json::json!({
                    "credential": id,
                    "format": credential.format,
                    "issuer": credential.issuer,
                    "source": credential.source.as_str(),
                    "verdict": credential.verdict,
                });
                Self::enqueue(&mut *conn, tenant_id, wanted, EVENT_CREDENTIAL_RECEIVED, &received, credential.received_at).await?;
                let verified = serde_json::json!({
                    "credential": id,
                    "verdict": credential.verdict,
                    "previousVerdict": null,
                });
                Self::enqueue(&mut *conn, tenant_id, wanted, EVENT_CREDENTIAL_VERIFIED, &verified, credential.received_at).await?;
                Ok(())
            }

            fn subscription_from(row: &<$db as Database>::Row) -> Result<Subscription, sqlx::Error> {
                Ok(Subscription {
                    id: row.try_get("id")?,
                    tenant_id: row.try_get("tenant_id")?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                    events: split_scopes(&row.try_get::<String, _>("events")?),
                    description: row.try_get("description")?,
                    created_at: row.try_get("created_at")?,
                })
            }
        }

        #[async_trait]
        impl WebhookStore for Db<$db> {
            async fn add_subscription(
                &self,
                tenant_id: &str,
                subscription: &NewSubscription,
                at: i64,
            ) -> Result<Subscription, StoreError> {
                const OP: &str = "adding a webhook subscription";
                let err = |e| StoreError::from_sqlx(OP, e);
                let mut events = subscription.events.clone();
                events.sort();
                events.dedup();
                let stored = Subscription {
                    id: new_ordered_id(),
                    tenant_id: tenant_id.to_owned(),
                    url: subscription.url.clone(),
                    secret: subscription.secret.clone(),
                    events,
                    description: subscription.description.clone(),
                    created_at: at,
                };
                let mut tx = self.write.begin().await.map_err(err)?;
                sqlx::query(
                    "INSERT INTO webhook_subscriptions (id, tenant_id, url, secret, events, description, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&stored.id)
                .bind(tenant_id)
                .bind(&stored.url)
                .bind(&stored.secret)
                .bind(join_scopes(&stored.events))
                .bind(&stored.description)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                for event_type in &stored.events {
                    sqlx::query(
                        "INSERT INTO webhook_subscription_events (subscription_id, tenant_id, event_type) VALUES ($1, $2, $3)",
                    )
                    .bind(&stored.id)
                    .bind(tenant_id)
                    .bind(event_type)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
                tx.commit().await.map_err(err)?;
                Ok(stored)
            }

            async fn list_subscriptions(&self, tenant_id: &str) -> Result<Vec<Subscription>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2",
                )
                .bind(tenant_id)
                .bind(i64::from(MAX_PAGE_SIZE))
                .fetch_all(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("listing webhook subscriptions", e))?;
                rows.iter()
                    .map(Self::subscription_from)
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::from_sqlx("listing webhook subscriptions", e))
            }

            async fn subscription(&self, tenant_id: &str, id: &str) -> Result<Option<Subscription>, StoreError> {
                let row = sqlx::query("SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("reading a webhook subscription", e))?;
                row.as_ref()
                    .map(Self::subscription_from)
                    .transpose()
                    .map_err(|e| StoreError::from_sqlx("reading a webhook subscription", e))
            }

            async fn delete_subscription(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError> {
                let done = sqlx::query("DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .execute(&self.write)
                    .await
                    .map_err(|e| StoreError::from_sqlx("deleting a webhook subscription", e))?;
                Ok(done.rows_affected() > 0)
            }

            async fn wants_event(&self, tenant_id: &str, event_type: &str) -> Result<bool, StoreError> {
                let row = sqlx::query(
                    "SELECT 1 AS one FROM webhook_subscription_events WHERE tenant_id = $1 AND event_type = $2 LIMIT 1",
                )
                .bind(tenant_id)
                .bind(event_type)
                .fetch_optional(&self.read)
                .await
                .map_err(|e| StoreError::from_sqlx("reading webhook subscriptions", e))?;
                Ok(row.is_some())
            }

            async fn add_events(
                &self,
                tenant_id: &str,
                events: &[OutboxEvent],
                at: i64,
            ) -> Result<u64, StoreError> {
                const OP: &str = "writing webhook events";
                let err = |e| StoreError::from_sqlx(OP, e);
                let mut tx = self.write.begin().await.map_err(err)?;
                let wanted = Self::wanted_events(&mut tx, tenant_id).await.map_err(err)?;
                let mut written = 0;
                for event in events {
                    if Self::enqueue(&mut tx, tenant_id, &wanted, &event.event_type, &event.data, at)
                        .await
                        .map_err(err)?
                    {
                        written += 1;
                    }
                }
                tx.commit().await.map_err(err)?;
                Ok(written)
            }

            async fn note_digests(
                &self,
                tenant_id: &str,
                event_type: &str,
                items: &[Digested],
                at: i64,
            ) -> Result<u64, StoreError> {
                const OP: &str = "recording digests";
                let err = |e| StoreError::from_sqlx(OP, e);
                // Read first, outside the writer: a recomputation that changed nothing (the
                // common case) writes nothing.
                if items.is_empty() || !self.wants_event(tenant_id, event_type).await? {
                    return Ok(0);
                }
                let rows = sqlx::query(
                    "SELECT subject, digest FROM webhook_digests WHERE tenant_id = $1 AND event_type = $2",
                )
                .bind(tenant_id)
                .bind(event_type)
                .fetch_all(&self.read)
                .await
                .map_err(err)?;
                let mut known = std::collections::HashMap::with_capacity(rows.len());
                for row in &rows {
                    let subject: String = row.try_get("subject").map_err(err)?;
                    let digest: String = row.try_get("digest").map_err(err)?;
                    known.insert(subject, digest);
                }
                let changed: Vec<&Digested> = items
                    .iter()
                    .filter(|item| known.get(&item.subject) != Some(&item.digest))
                    .collect();
                if changed.is_empty() {
                    return Ok(0);
                }
                let mut tx = self.write.begin().await.map_err(err)?;
                let wanted = Self::wanted_events(&mut tx, tenant_id).await.map_err(err)?;
                let mut written = 0;
                for item in changed {
                    // Compare again inside the transaction: two recomputations racing write
                    // one event, not two.
                    let updated = sqlx::query(
                        "INSERT INTO webhook_digests (tenant_id, event_type, subject, digest, updated_at) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (tenant_id, event_type, subject) DO UPDATE \
                         SET digest = excluded.digest, updated_at = excluded.updated_at \
                         WHERE webhook_digests.digest <> excluded.digest",
                    )
                    .bind(tenant_id)
                    .bind(event_type)
                    .bind(&item.subject)
                    .bind(&item.digest)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                    if updated.rows_affected() > 0
                        && Self::enqueue(&mut tx, tenant_id, &wanted, event_type, &item.data, at)
                            .await
                            .map_err(err)?
                    {
                        written += 1;
                    }
                }
                tx.commit().await.map_err(err)?;
                Ok(written)
            }

            async fn claim_deliveries(
                &self,
                now: i64,
                lease_until: i64,
                limit: u32,
            ) -> Result<Vec<DueDelivery>, StoreError> {
                const OP: &str = "claiming webhook deliveries";
                let err = |e| StoreError::from_sqlx(OP, e);
                // Look on a reader first: the worker polls every second, and an idle poll
                // should not take SQLite's one writer.
                let any = sqlx::query(
                    "SELECT 1 AS one FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 LIMIT 1",
                )
                .bind(now)
                .fetch_optional(&self.read)
                .await
                .map_err(err)?;
                if any.is_none() {
                    return Ok(Vec::new());
                }
                let mut tx = self.write.begin().await.map_err(err)?;
                // The outer condition is checked again on each row as it is updated, so two
                // workers (PostgreSQL) racing for the same rows cannot both lease one.
                let claimed = sqlx::query(
                    "UPDATE webhook_deliveries SET next_attempt_at = $1 \
                     WHERE state = 'pending' AND next_attempt_at <= $2 AND (event_id, subscription_id) IN \
                     (SELECT event_id, subscription_id FROM webhook_deliveries \
                      WHERE state = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at, event_id LIMIT $3) \
                     RETURNING event_id, subscription_id",
                )
                .bind(lease_until)
                .bind(now)
                .bind(i64::from(limit.clamp(1, MAX_CLAIM)))
                .fetch_all(&mut *tx)
                .await
                .map_err(err)?;
                let mut due = Vec::with_capacity(claimed.len());
                for row in &claimed {
                    let event_id: String = row.try_get("event_id").map_err(err)?;
                    let subscription_id: String = row.try_get("subscription_id").map_err(err)?;
                    let row = sqlx::query(
                        "SELECT d.tenant_id, d.attempts, e.event_type, e.data, e.created_at, s.url, s.secret \
                         FROM webhook_deliveries d \
                         JOIN webhook_events e ON e.id = d.event_id \
                         JOIN webhook_subscriptions s ON s.id = d.subscription_id \
                         WHERE d.event_id = $1 AND d.subscription_id = $2",
                    )
                    .bind(&event_id)
                    .bind(&subscription_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
                    due.push(DueDelivery {
                        event_id,
                        subscription_id,
                        tenant_id: row.try_get("tenant_id").map_err(err)?,
                        event_type: row.try_get("event_type").map_err(err)?,
                        data: row.try_get("data").map_err(err)?,
                        created_at: row.try_get("created_at").map_err(err)?,
                        url: row.try_get("url").map_err(err)?,
                        secret: row.try_get("secret").map_err(err)?,
                        attempts: u32::try_from(row.try_get::<i64, _>("attempts").map_err(err)?).unwrap_or(u32::MAX),
                    });
                }
                tx.commit().await.map_err(err)?;
                due.sort_by(|a, b| (a.created_at, &a.event_id).cmp(&(b.created_at, &b.event_id)));
                Ok(due)
            }

            async fn record_attempt(
                &self,
                event_id: &str,
                subscription_id: &str,
                attempt: &Attempt,
                outcome: AttemptOutcome,
            ) -> Result<(), StoreError> {
                const OP: &str = "recording a webhook attempt";
                let err = |e| StoreError::from_sqlx(OP, e);
                let (state, next) = match outcome {
                    AttemptOutcome::Delivered => (DeliveryState::Delivered, attempt.at),
                    AttemptOutcome::RetryAt(at) => (DeliveryState::Pending, at),
                    AttemptOutcome::GiveUp => (DeliveryState::Failed, attempt.at),
                };
                let mut tx = self.write.begin().await.map_err(err)?;
                let updated = sqlx::query(
                    "UPDATE webhook_deliveries SET attempts = $1, state = $2, next_attempt_at = $3, updated_at = $4 \
                     WHERE event_id = $5 AND subscription_id = $6",
                )
                .bind(i64::from(attempt.attempt))
                .bind(state.as_str())
                .bind(next)
                .bind(attempt.at)
                .bind(event_id)
                .bind(subscription_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                // The subscription was deleted while the attempt ran: nothing left to log.
                if updated.rows_affected() > 0 {
                    sqlx::query(
                        "INSERT INTO webhook_attempts (event_id, subscription_id, attempt, tenant_id, at, status, error, duration_ms) \
                         SELECT event_id, subscription_id, $1, tenant_id, $2, $3, $4, $5 FROM webhook_deliveries \
                         WHERE event_id = $6 AND subscription_id = $7",
                    )
                    .bind(i64::from(attempt.attempt))
                    .bind(attempt.at)
                    .bind(attempt.status.map(i64::from))
                    .bind(attempt.error.as_deref())
                    .bind(attempt.duration_ms)
                    .bind(event_id)
                    .bind(subscription_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
                tx.commit().await.map_err(err)?;
                Ok(())
            }

            async fn deliveries(
                &self,
                tenant_id: &str,
                subscription_id: &str,
                limit: u32,
            ) -> Result<Vec<DeliveryRecord>, StoreError> {
                const OP: &str = "reading the delivery log";
                let err = |e| StoreError::from_sqlx(OP, e);
                let rows = sqlx::query(
                    "SELECT d.event_id, e.event_type, d.state, d.attempts, d.next_attempt_at, e.created_at \
                     FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id \
                     WHERE d.tenant_id = $1 AND d.subscription_id = $2 \
                     ORDER BY e.created_at DESC, d.event_id DESC LIMIT $3",
                )
                .bind(tenant_id)
                .bind(subscription_id)
                .bind(i64::from(limit.clamp(1, MAX_PAGE_SIZE)))
                .fetch_all(&self.read)
                .await
                .map_err(err)?;
                let mut records = Vec::with_capacity(rows.len());
                for row in &rows {
                    records.push(DeliveryRecord {
                        event_id: row.try_get("event_id").map_err(err)?,
                        event_type: row.try_get("event_type").map_err(err)?,
                        state: DeliveryState::parse(&row.try_get::<String, _>("state").map_err(err)?),
                        attempts: u32::try_from(row.try_get::<i64, _>("attempts").map_err(err)?).unwrap_or(u32::MAX),
                        next_attempt_at: row.try_get("next_attempt_at").map_err(err)?,
                        created_at: row.try_get("created_at").map_err(err)?,
                        log: Vec::new(),
                    });
                }
                if records.is_empty() {
                    return Ok(records);
                }
                let mut builder = sqlx::QueryBuilder::<$db>::new(
                    "SELECT event_id, attempt, at, status, error, duration_ms FROM webhook_attempts WHERE tenant_id = ",
                );
                builder.push_bind(tenant_id);
                builder.push(" AND subscription_id = ");
                builder.push_bind(subscription_id);
                builder.push(" AND event_id IN (");
                let mut separated = builder.separated(", ");
                for record in &records {
                    separated.push_bind(record.event_id.clone());
                }
                builder.push(") ORDER BY attempt");
                let attempts = builder.build().fetch_all(&self.read).await.map_err(err)?;
                for row in &attempts {
                    let event_id: String = row.try_get("event_id").map_err(err)?;
                    let attempt = Attempt {
                        attempt: u32::try_from(row.try_get::<i64, _>("attempt").map_err(err)?).unwrap_or(u32::MAX),
                        at: row.try_get("at").map_err(err)?,
                        status: row
                            .try_get::<Option<i64>, _>("status")
                            .map_err(err)?
                            .and_then(|s| u16::try_from(s).ok()),
                        error: row.try_get("error").map_err(err)?,
                        duration_ms: row.try_get("duration_ms").map_err(err)?,
                    };
                    if let Some(record) = records.iter_mut().find(|r| r.event_id == event_id) {
                        record.log.push(attempt);
                    }
                }
                Ok(records)
            }
        }

        #[async_trait]
        impl Store for Db<$db> {
            fn backend(&self) -> &'static str {
                self.backend
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1")
                    .execute(&self.read)
                    .await
                    .map_err(|e| StoreError::from_sqlx("checking the connection", e))?;
                Ok(())
            }

            async fn close(&self) {
                self.write.close().await;
                self.read.close().await;
            }
        }
    };
}

impl_store!(Sqlite);
impl_store!(Postgres);
