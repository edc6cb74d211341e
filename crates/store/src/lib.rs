//! Persistence for credbridge: tenants (organizations), OAuth clients, users, sessions, access
//! tokens, challenges, and the credential inbox (original bytes, what was read from them, and
//! every verification report), on embedded SQLite or on PostgreSQL, behind one API.
//!
//! **Not here:** HTTP (routes, cookies, status codes live in `credbridge-server`), hashing
//! secrets and deciding who may do what (the server's `auth`), verification (`credbridge-verify`)
//! and decoding (`credbridge-formats`). The store keeps what it is given and answers queries; it
//! holds no business rules.
//!
//! # Main types
//! - [`Location`]: where the data lives (a SQLite file in a data folder, or a PostgreSQL URL);
//!   [`open`] connects, applies the embedded migrations and returns an [`Arc<dyn Store>`].
//! - One trait per aggregate: [`TenantStore`], [`ClientStore`], [`UserStore`],
//!   [`SessionStore`], [`TokenStore`], [`ChallengeStore`], [`InboxStore`], [`JobStore`],
//!   [`WebhookStore`] (subscriptions, the event outbox, the delivery log), [`ObapiStore`]
//!   (the 1EdTech OB/CLR API: OAuth clients, codes and tokens as hashes, the host's credential
//!   lists, the consumer's sealed connections; [`SqlOAuthStore`] and [`SqlCredentialRepo`]
//!   adapt it to `credbridge-obapi`'s traits);
//!   [`Store`] is all of them plus [`Store::ping`].
//! - [`StoreError`]: [`StoreError::Unavailable`] (the database cannot be reached: the server
//!   answers 503) is kept apart from query failures and from duplicates.
//!
//! # Example
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use credbridge_store::{Location, open};
//! let dir = std::env::temp_dir().join(format!("credbridge-doc-{}", std::process::id()));
//! let store = open(&Location::DataDir(dir.clone())).await?;
//! let tenant = store.ensure_tenant("acme").await?;
//! assert_eq!(store.tenant_by_name("acme").await?.map(|t| t.id), Some(tenant.id));
//! # std::fs::remove_dir_all(dir).ok();
//! # Ok::<(), credbridge_store::StoreError>(())
//! # }).unwrap();
//! ```
//!
//! # Design decisions
//! - **One schema, two dialect files.** `migrations/sqlite` and `migrations/postgres` hold the
//!   same tables; they differ only where the dialects must (`BLOB`/`BYTEA`). Times are Unix
//!   milliseconds and ids UUID text, so no type needs a per-backend mapping. Migrations are
//!   compiled into the binary (`include_str!`) and applied by sqlx's migrator at [`open`].
//! - **The SQL is written once.** Both backends run the same statements (SQLite accepts `$N`
//!   parameters); one macro implements the traits for `Db<Sqlite>` and `Db<Postgres>`. The
//!   choice of backend is made once, in [`open`] (STYLE §11: pick once, then run concrete code).
//! - **SQLite: one writer.** Writes go through a pool of one connection, reads through a pool of
//!   several; WAL journal, `synchronous=NORMAL` (a killed process loses nothing committed; a
//!   power cut may lose the last transactions), and a busy timeout so readers never see
//!   `SQLITE_BUSY`.
//! - **Idempotent by content.** A credential is identified per tenant by the SHA-256 of the
//!   bytes that carried it plus its place inside them ([`NewCredential::item_key`]); adding it
//!   again returns the stored id. The bytes are kept once per tenant and hash, and erased with
//!   the last credential that refers to them.
//! - **All or nothing, committed in groups.** [`InboxStore::add_credentials`] writes an
//!   upload's items, originals, subjects and first reports in one transaction: an acknowledged
//!   upload is stored whole, a killed one not at all. Concurrent uploads share that
//!   transaction (group commit: the caller that takes the writer lock writes everything
//!   queued, up to [`MAX_GROUP_CREDENTIALS`]), and each is answered only after it committed;
//!   see the `group` module for the rules.
//! - **Events in the same transaction.** A change that causes a webhook event (a credential
//!   received, a report stored, a recomputed profile or match that differs) writes the event
//!   and its deliveries (one per subscription that wants its type) in the transaction of the
//!   change: a committed change has its event, a rolled-back one has none, and a crash loses
//!   nothing. When no subscription of the tenant wants a type, nothing is written, so the inbox
//!   pays one indexed lookup per upload for webhooks it does not use. What the events mean and
//!   how they are signed and retried is the export crate's `webhook` module; the store keeps
//!   the rows and hands out due deliveries under a lease.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;

mod backend;
mod error;
mod group;
mod migrations;
mod obapi;
mod postgres;
mod sqlite;

pub use error::StoreError;
pub use group::MAX_GROUP_CREDENTIALS;
pub use obapi::{
    ConnectionRecord, ConnectionUnreadable, OBAPI_RETRY_AFTER_SECONDS, ObapiStore,
    SqlCredentialRepo, SqlOAuthStore,
};
pub use postgres::{MAX_POSTGRES_CONNECTIONS, create_schema, drop_schema};
pub use sqlite::{DATABASE_FILE, MAX_SQLITE_READERS, SQLITE_BUSY_TIMEOUT};

/// Most credentials a list query returns at once.
pub const MAX_PAGE_SIZE: u32 = 500;

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An embedded SQLite database, [`DATABASE_FILE`] inside this folder (created if missing).
    DataDir(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres {
        /// The connection URL.
        url: String,
        /// A schema to use instead of the default search path (created if missing): tests give
        /// each run its own.
        schema: Option<String>,
    },
}

impl Location {
    /// The location from the two settings every store command takes: `--database-url` wins
    /// when given, otherwise the SQLite file in `--data-dir`.
    pub fn from_settings(
        data_dir: PathBuf,
        database_url: Option<&str>,
    ) -> Result<Location, StoreError> {
        match database_url {
            None => Ok(Location::DataDir(data_dir)),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Location::Postgres {
                    url: url.to_owned(),
                    schema: None,
                })
            }
            Some(url) => Err(StoreError::UnsupportedUrl {
                url: redact_url(url),
            }),
        }
    }

    /// For logs: the SQLite file, or the PostgreSQL URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::DataDir(dir) => format!("sqlite:{}", dir.join(DATABASE_FILE).display()),
            Location::Postgres { url, schema } => match schema {
                Some(schema) => format!("{} (schema {schema})", redact_url(url)),
                None => redact_url(url),
            },
        }
    }
}

/// `url` with any password replaced by `***`.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Connects to the store at `location`, applies the embedded migrations, and returns it.
pub async fn open(location: &Location) -> Result<Arc<dyn Store>, StoreError> {
    match location {
        Location::DataDir(dir) => Ok(Arc::new(sqlite::open(dir).await?)),
        Location::Postgres { url, schema } => {
            Ok(Arc::new(postgres::open(url, schema.as_deref()).await?))
        }
    }
}

/// An organization: every other object belongs to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    /// UUID.
    pub id: String,
    /// Unique name (`default` in `--dev`).
    pub name: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// An OAuth 2.0 client (client credentials grant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    /// The public `client_id`.
    pub client_id: String,
    /// The tenant whose data the client sees.
    pub tenant_id: String,
    /// A name for people.
    pub name: String,
    /// The PHC string of the secret's argon2 hash (never the secret).
    #[serde(skip)]
    pub secret_hash: String,
    /// The scopes the client may ask for.
    pub scopes: Vec<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When it was revoked (Unix milliseconds); a revoked client gets no tokens.
    pub revoked_at: Option<i64>,
}

/// A person who logs in to the pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// UUID.
    pub id: String,
    /// The tenant whose inbox the user sees.
    pub tenant_id: String,
    /// Login name (unique over all tenants).
    pub email: String,
    /// PHC string of the password's argon2 hash.
    #[serde(skip)]
    pub password_hash: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A login session; the cookie holds the secret, the store its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Hex SHA-256 of the cookie value.
    pub id_hash: String,
    /// Who logged in.
    pub user_id: String,
    /// Their tenant.
    pub tenant_id: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// An issued access token; the client holds the secret, the store its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Hex SHA-256 of the bearer token.
    pub token_hash: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The client's tenant.
    pub tenant_id: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// How a credential reached the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A file uploaded by a person (page or `credbridge inbox add`).
    Upload,
    /// A program posting to the API.
    Api,
    /// A VCALM exchange.
    Exchange,
    /// Pulled from a platform (Open Badges API).
    Pull,
}

impl Source {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::Api => "api",
            Source::Exchange => "exchange",
            Source::Pull => "pull",
        }
    }

    fn parse(text: &str) -> Source {
        match text {
            "upload" => Source::Upload,
            "exchange" => Source::Exchange,
            "pull" => Source::Pull,
            _ => Source::Api,
        }
    }
}

/// A credential to add to the inbox, with its first report.
#[derive(Debug, Clone)]
pub struct NewCredential {
    /// Hex SHA-256 of `original`.
    pub sha256: String,
    /// The bytes that carried the credential (a file, a zip entry, a JSON Lines line), untouched.
    pub original: Arc<Vec<u8>>,
    /// Where the credential sits inside `original` (`""` when it is the whole of it, else e.g.
    /// `#/credentialSubject/verifiableCredential/2`): with `sha256`, its identity per tenant.
    pub item_key: String,
    /// The full path as received (`upload.zip!badge.png`).
    pub container_path: String,
    /// How it was carried, outermost first (e.g. `["zip", "png-baked", "json"]`).
    pub containers: Vec<String>,
    /// The detected format (`OpenBadges3`, `Clr2`, …).
    pub format: String,
    /// The issuer's id, when it has one.
    pub issuer: Option<String>,
    /// Subject identifiers (ids, DIDs, hashed or plain emails).
    pub subjects: Vec<String>,
    /// Achievement names.
    pub achievements: Vec<String>,
    /// How it arrived.
    pub source: Source,
    /// Unix milliseconds.
    pub received_at: i64,
    /// The report's verdict (`valid`, `invalid`, …).
    pub verdict: String,
    /// The full verification report, as JSON text.
    pub report: String,
}

/// What adding one credential did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    /// The credential's id (new or already stored).
    pub id: String,
    /// `false` when the same content was already in this tenant's inbox.
    pub created: bool,
}

/// A stored credential, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialRecord {
    /// UUID (v7: sortable by creation).
    pub id: String,
    /// Owner.
    #[serde(skip)]
    pub tenant_id: String,
    /// Hex SHA-256 of the original bytes.
    pub sha256: String,
    /// See [`NewCredential::item_key`].
    pub item_key: String,
    /// See [`NewCredential::container_path`].
    pub container_path: String,
    /// See [`NewCredential::containers`].
    pub containers: Vec<String>,
    /// See [`NewCredential::format`].
    pub format: String,
    /// See [`NewCredential::issuer`].
    pub issuer: Option<String>,
    /// See [`NewCredential::subjects`].
    pub subjects: Vec<String>,
    /// See [`NewCredential::achievements`].
    pub achievements: Vec<String>,
    /// Unix milliseconds.
    pub received_at: i64,
    /// See [`Source`].
    pub source: Source,
    /// The latest report's verdict.
    pub verdict: String,
}

/// One verification report of a stored credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRecord {
    /// UUID (v7).
    pub id: String,
    /// The credential it is about.
    pub credential_id: String,
    /// Its verdict.
    pub verdict: String,
    /// The report, as JSON text.
    pub report: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Filters and paging for [`InboxStore::list_credentials`]; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialFilter {
    /// The latest verdict equals this.
    pub verdict: Option<String>,
    /// The issuer id equals this.
    pub issuer: Option<String>,
    /// One of the subject identifiers equals this.
    pub subject: Option<String>,
    /// Received at or after (Unix milliseconds).
    pub received_since: Option<i64>,
    /// Page size (capped at [`MAX_PAGE_SIZE`]).
    pub limit: u32,
    /// Skip this many (newest first).
    pub offset: u64,
}

/// One page of credentials, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialPage {
    /// The credentials of this page.
    pub items: Vec<CredentialRecord>,
    /// How many match the filter in all.
    pub total: u64,
}

/// Tenants.
#[async_trait]
pub trait TenantStore {
    /// Creates a tenant; [`StoreError::Duplicate`] when the name is taken.
    async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError>;
    /// The tenant of that name, if any.
    async fn tenant_by_name(&self, name: &str) -> Result<Option<Tenant>, StoreError>;
    /// The tenant of that name, created when missing.
    async fn ensure_tenant(&self, name: &str) -> Result<Tenant, StoreError>;
}

/// OAuth clients.
#[async_trait]
pub trait ClientStore {
    /// Stores a new client.
    async fn add_client(&self, client: &Client) -> Result<(), StoreError>;
    /// The client with this `client_id` (revoked or not).
    async fn client(&self, client_id: &str) -> Result<Option<Client>, StoreError>;
    /// A tenant's clients, oldest first.
    async fn list_clients(&self, tenant_id: &str) -> Result<Vec<Client>, StoreError>;
    /// Marks the client revoked and deletes its tokens; `false` when the tenant has no such
    /// client.
    async fn revoke_client(
        &self,
        tenant_id: &str,
        client_id: &str,
        at: i64,
    ) -> Result<bool, StoreError>;
}

/// People who log in.
#[async_trait]
pub trait UserStore {
    /// Stores a new user; [`StoreError::Duplicate`] when the email is taken.
    async fn add_user(&self, user: &User) -> Result<(), StoreError>;
    /// The user with this email.
    async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;
    /// The user with this id.
    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError>;
}

/// Login sessions.
#[async_trait]
pub trait SessionStore {
    /// Stores a session.
    async fn add_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with this hash if it has not expired at `now`.
    async fn session(&self, id_hash: &str, now: i64) -> Result<Option<Session>, StoreError>;
    /// Ends a session (logout).
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
}

/// Access tokens.
#[async_trait]
pub trait TokenStore {
    /// Stores a token.
    async fn add_token(&self, token: &Token) -> Result<(), StoreError>;
    /// The token with this hash if it has not expired at `now` and its client is not revoked.
    async fn token(&self, token_hash: &str, now: i64) -> Result<Option<Token>, StoreError>;
    /// Deletes tokens that expired before `now`; returns how many.
    async fn purge_expired_tokens(&self, now: i64) -> Result<u64, StoreError>;
}

/// Presentation challenges (`POST /challenges`).
#[async_trait]
pub trait ChallengeStore {
    /// Stores a new challenge.
    async fn add_challenge(
        &self,
        tenant_id: &str,
        challenge: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Counts one use of a tenant's challenge and returns the uses so far (including this
    /// one), or `None` when it is unknown or expired.
    async fn use_challenge(
        &self,
        tenant_id: &str,
        challenge: &str,
        now: i64,
    ) -> Result<Option<u64>, StoreError>;
}

/// The credential inbox.
#[async_trait]
pub trait InboxStore {
    /// Adds every credential (with its original bytes, subjects and first report) in one
    /// transaction, which concurrent calls may share (group commit); it returns after that
    /// transaction committed. Each new credential gets a [`EVENT_CREDENTIAL_RECEIVED`] and a
    /// [`EVENT_CREDENTIAL_VERIFIED`] event (when a subscription wants them). A credential
    /// already stored for this tenant (same `sha256` and `item_key`, also earlier in the same
    /// group) is not added again and its id is returned with `created: false`.
    async fn add_credentials(
        &self,
        tenant_id: &str,
        credentials: &[NewCredential],
    ) -> Result<Vec<Added>, StoreError>;
    /// A page of the tenant's credentials, newest first.
    async fn list_credentials(
        &self,
        tenant_id: &str,
        filter: &CredentialFilter,
    ) -> Result<CredentialPage, StoreError>;
    /// One of the tenant's credentials.
    async fn credential(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<CredentialRecord>, StoreError>;
    /// The exact original bytes of one of the tenant's credentials.
    async fn original(&self, tenant_id: &str, id: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Every report of one of the tenant's credentials, newest first.
    async fn reports(&self, tenant_id: &str, id: &str) -> Result<Vec<ReportRecord>, StoreError>;
    /// Adds a report (re-verification) and makes its verdict the credential's; `None` when the
    /// tenant has no such credential. Writes a [`EVENT_CREDENTIAL_VERIFIED`] event in the same
    /// transaction.
    async fn add_report(
        &self,
        tenant_id: &str,
        id: &str,
        verdict: &str,
        report: &str,
        at: i64,
    ) -> Result<Option<ReportRecord>, StoreError> {
        self.add_report_with_events(tenant_id, id, verdict, report, at, &[])
            .await
    }
    /// [`InboxStore::add_report`] that also writes the caller's `events` (e.g.
    /// `credential.revoked`) in the same transaction.
    async fn add_report_with_events(
        &self,
        tenant_id: &str,
        id: &str,
        verdict: &str,
        report: &str,
        at: i64,
        events: &[OutboxEvent],
    ) -> Result<Option<ReportRecord>, StoreError>;
    /// Erases a credential: its record, subjects, reports, and its original bytes unless
    /// another credential of the tenant came from the same bytes. `false` when not found.
    async fn delete_credential(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError>;
}

/// A stored job: the job document as the matching crate writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobRecord {
    /// UUID (v7).
    pub id: String,
    /// Owner.
    #[serde(skip)]
    pub tenant_id: String,
    /// The job's title.
    pub title: String,
    /// Where its requirements came from (`esco`, `onet`, `json-resume`, `text`).
    pub source: String,
    /// The job document, JSON text.
    #[serde(skip)]
    pub document: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Jobs (the employer's side).
#[async_trait]
pub trait JobStore {
    /// Stores a new job for the tenant and returns its id.
    async fn add_job(
        &self,
        tenant_id: &str,
        title: &str,
        source: &str,
        document: &str,
        at: i64,
    ) -> Result<String, StoreError>;
    /// The tenant's jobs, newest first (at most [`MAX_PAGE_SIZE`]).
    async fn list_jobs(&self, tenant_id: &str) -> Result<Vec<JobRecord>, StoreError>;
    /// One of the tenant's jobs.
    async fn job(&self, tenant_id: &str, id: &str) -> Result<Option<JobRecord>, StoreError>;
    /// Deletes one of the tenant's jobs; `false` when not found.
    async fn delete_job(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError>;
}

/// The wire name of the event written when a credential is added to the inbox.
pub const EVENT_CREDENTIAL_RECEIVED: &str = "credential.received";

/// The wire name of the event written when a verification report is stored.
pub const EVENT_CREDENTIAL_VERIFIED: &str = "credential.verified";

/// Most deliveries one [`WebhookStore::claim_deliveries`] call hands out.
pub const MAX_CLAIM: u32 = 100;

/// A subscription to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// Where events are posted.
    pub url: String,
    /// The signing secret (kept to sign; never listed).
    pub secret: String,
    /// Event type wire names (checked by the caller).
    pub events: Vec<String>,
    /// A note for people.
    pub description: String,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    /// UUID (v7).
    pub id: String,
    /// Owner.
    #[serde(skip)]
    pub tenant_id: String,
    /// Where events are posted.
    pub url: String,
    /// The signing secret: never serialized (shown once, when the subscription is created).
    #[serde(skip)]
    pub secret: String,
    /// Event type wire names, sorted.
    pub events: Vec<String>,
    /// A note for people.
    pub description: String,
    /// Unix milliseconds.
    #[serde(rename = "createdAt")]
    pub created_at: i64,
}

/// An event for the outbox, written in the same transaction as the change that causes it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// The wire name of its type.
    pub event_type: String,
    /// What changed.
    pub data: serde_json::Value,
}

/// A changed-or-not derived object (a person's profile, a job's matches) for
/// [`WebhookStore::note_digests`].
#[derive(Debug, Clone, PartialEq)]
pub struct Digested {
    /// What it is about (a person id, a job id).
    pub subject: String,
    /// A digest of its content.
    pub digest: String,
    /// The event's data when it changed.
    pub data: serde_json::Value,
}

/// A delivery handed to the worker by [`WebhookStore::claim_deliveries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The event's id.
    pub event_id: String,
    /// The subscription.
    pub subscription_id: String,
    /// The tenant.
    pub tenant_id: String,
    /// The event type's wire name.
    pub event_type: String,
    /// The event's data, JSON text.
    pub data: String,
    /// When the event was written, Unix milliseconds.
    pub created_at: i64,
    /// Where to post.
    pub url: String,
    /// The signing secret.
    pub secret: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// A delivery's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Not delivered yet; another attempt is due at `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after the last attempt.
    Failed,
}

impl DeliveryState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> DeliveryState {
        match text {
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
}

/// One attempt at a delivery, as the delivery log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// 1 for the first.
    pub attempt: u32,
    /// When it was made, Unix milliseconds.
    pub at: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed (no answer, or the start of a non-2xx answer).
    pub error: Option<String>,
    /// How long it took, milliseconds.
    #[serde(rename = "durationMs")]
    pub duration_ms: i64,
}

/// A delivery and its attempts (the delivery log of one subscription).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    /// The event's id.
    #[serde(rename = "eventId")]
    pub event_id: String,
    /// The event type.
    #[serde(rename = "eventType")]
    pub event_type: String,
    /// Its state.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (pending), Unix milliseconds.
    #[serde(rename = "nextAttemptAt")]
    pub next_attempt_at: i64,
    /// When the event was written, Unix milliseconds.
    #[serde(rename = "createdAt")]
    pub created_at: i64,
    /// Every attempt, oldest first.
    pub log: Vec<Attempt>,
}

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Delivered: no further attempt.
    Delivered,
    /// Failed: try again at this time (Unix milliseconds).
    RetryAt(i64),
    /// Failed for the last time.
    GiveUp,
}

/// Webhook subscriptions, the event outbox and the delivery log.
#[async_trait]
pub trait WebhookStore {
    /// Stores a subscription for the tenant.
    async fn add_subscription(
        &self,
        tenant_id: &str,
        subscription: &NewSubscription,
        at: i64,
    ) -> Result<Subscription, StoreError>;
    /// The tenant's subscriptions, oldest first (at most [`MAX_PAGE_SIZE`]).
    async fn list_subscriptions(&self, tenant_id: &str) -> Result<Vec<Subscription>, StoreError>;
    /// One of the tenant's subscriptions.
    async fn subscription(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<Subscription>, StoreError>;
    /// Deletes one of the tenant's subscriptions with its pending deliveries and its log;
    /// `false` when not found.
    async fn delete_subscription(&self, tenant_id: &str, id: &str) -> Result<bool, StoreError>;
    /// Whether a subscription of the tenant wants `event_type`.
    async fn wants_event(&self, tenant_id: &str, event_type: &str) -> Result<bool, StoreError>;
    /// Writes events for the tenant (one delivery per subscription that wants each type);
    /// returns how many events were written (none when nobody subscribed to their types).
    async fn add_events(
        &self,
        tenant_id: &str,
        events: &[OutboxEvent],
        at: i64,
    ) -> Result<u64, StoreError>;
    /// Records the digests of recomputed objects of one kind (`event_type`, e.g.
    /// `profile.updated`) and, in the same transaction, writes an event for each one whose
    /// digest differs from the last recorded (or that had none). Nothing is recorded while no
    /// subscription of the tenant wants `event_type`. Returns the events written.
    async fn note_digests(
        &self,
        tenant_id: &str,
        event_type: &str,
        items: &[Digested],
        at: i64,
    ) -> Result<u64, StoreError>;
    /// Claims up to `limit` (at most [`MAX_CLAIM`]) pending deliveries due at `now`, oldest
    /// first, leasing them until `lease_until`: until then no other claim hands them out, and
    /// after it (the worker died mid-attempt) they are due again.
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError>;
    /// Logs an attempt at a claimed delivery and sets its state by `outcome`.
    async fn record_attempt(
        &self,
        event_id: &str,
        subscription_id: &str,
        attempt: &Attempt,
        outcome: AttemptOutcome,
    ) -> Result<(), StoreError>;
    /// The newest deliveries of one of the tenant's subscriptions with their attempts (at most
    /// `limit`, capped at [`MAX_PAGE_SIZE`]).
    async fn deliveries(
        &self,
        tenant_id: &str,
        subscription_id: &str,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
}

/// Everything the server and the CLI need from persistence.
#[async_trait]
pub trait Store:
    TenantStore
    + ClientStore
    + UserStore
    + SessionStore
    + TokenStore
    + ChallengeStore
    + InboxStore
    + JobStore
    + WebhookStore
    + ObapiStore
    + Send
    + Sync
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// A round trip to the database (readiness).
    async fn ping(&self) -> Result<(), StoreError>;
    /// Closes the pools, waiting for the connections in use (graceful shutdown).
    async fn close(&self);
}

/// A new random UUID v4 string (client ids, user ids).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new time-ordered UUID v7 string (credentials, reports: sortable by creation).
fn new_ordered_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Scopes are stored space-separated, as OAuth writes them.
fn join_scopes(scopes: &[String]) -> String {
    scopes.join(" ")
}

fn split_scopes(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted_and_checked() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        let err = Location::from_settings("d".into(), Some("mysql://u:p@h/db")).unwrap_err();
        assert!(err.to_string().contains("mysql://u:***@h/db"), "{err}");
        assert_eq!(
            Location::from_settings("d".into(), None).unwrap(),
            Location::DataDir("d".into())
        );
    }
}
