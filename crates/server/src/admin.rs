//! The CLI twins of the server's routes, for `credbridge clients add|list|revoke`,
//! `credbridge users add` and `credbridge inbox add|list`: the same store, the same ingest code
//! and the same hashing as the server. [`Admin`] is synchronous (it owns a small runtime), so
//! the CLI needs no async code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use credbridge_store::{
    Client, CredentialFilter, CredentialPage, Location, Source, Store, StoreError, User, new_id,
};
use serde::Serialize;

use crate::auth::{ALL_SCOPES, hash_secret, new_secret};
use crate::error::ApiError;
use crate::ingest::{self, Ingested, Upload};
use crate::state::now_ms;
use crate::verifier::{Verifier, build_verify_options};

/// The store opened for one CLI command.
pub struct Admin {
    runtime: tokio::runtime::Runtime,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("backend", &self.store.backend())
            .finish_non_exhaustive()
    }
}

/// A client just created: the only time its secret is shown.
#[derive(Debug, Clone, Serialize)]
pub struct NewClient {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret` (not stored: only its argon2 hash is).
    pub client_secret: String,
    /// The tenant's name.
    pub tenant: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The verification settings could not be built.
    #[error("verification settings: {0}")]
    Config(#[from] credbridge_config::ConfigError),
    /// The async runtime could not start.
    #[error("starting the runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// No tenant of that name.
    #[error(
        "no tenant named {name:?} (a tenant is created by `credbridge clients add` or `users add`)"
    )]
    NoSuchTenant {
        /// The name.
        name: String,
    },
    /// A scope that does not exist.
    #[error("unknown scope {scope:?}; the scopes are {}", ALL_SCOPES.join(", "))]
    UnknownScope {
        /// The scope.
        scope: String,
    },
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file over the input limit.
    #[error("{path} is larger than the {limit}-byte input limit")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// An OB/CLR API connection or pull failed.
    #[error(transparent)]
    Obapi(#[from] crate::obapi_pull::PullError),
    /// Hashing, or an item error the server would answer with a problem.
    #[error("{0}")]
    Api(#[from] ApiError),
}

impl Admin {
    /// Opens the store every store command shares (`--data-dir` / `--database-url`, also
    /// `CREDBRIDGE_DATA_DIR` / `CREDBRIDGE_DATABASE_URL`), applying migrations.
    pub fn open(data_dir: PathBuf, database_url: Option<&str>) -> Result<Admin, AdminError> {
        Admin::open_at(Location::from_settings(data_dir, database_url)?)
    }

    /// Opens the store at `location`.
    pub fn open_at(location: Location) -> Result<Admin, AdminError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(AdminError::Runtime)?;
        let store = runtime.block_on(credbridge_store::open(&location))?;
        Ok(Admin { runtime, store })
    }

    /// The store (for tests and for commands built on it).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn tenant_id(&self, name: &str) -> Result<String, AdminError> {
        self.runtime
            .block_on(self.store.tenant_by_name(name))?
            .map(|t| t.id)
            .ok_or_else(|| AdminError::NoSuchTenant {
                name: name.to_owned(),
            })
    }

    /// `credbridge clients add --tenant T --name N [--scope S]…`: creates the tenant if
    /// needed and a client with `scopes` (all scopes when empty); the secret is returned once.
    pub fn clients_add(
        &self,
        tenant: &str,
        name: &str,
        scopes: &[String],
    ) -> Result<NewClient, AdminError> {
        if let Some(unknown) = scopes.iter().find(|s| !ALL_SCOPES.contains(&s.as_str())) {
            return Err(AdminError::UnknownScope {
                scope: unknown.clone(),
            });
        }
        let scopes: Vec<String> = if scopes.is_empty() {
            ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect()
        } else {
            scopes.to_vec()
        };
        let secret = new_secret()?;
        let client = Client {
            client_id: new_id(),
            tenant_id: self.runtime.block_on(self.store.ensure_tenant(tenant))?.id,
            name: name.to_owned(),
            secret_hash: hash_secret(&secret)?,
            scopes: scopes.clone(),
            created_at: now_ms(),
            revoked_at: None,
        };
        self.runtime.block_on(self.store.add_client(&client))?;
        Ok(NewClient {
            client_id: client.client_id,
            client_secret: secret,
            tenant: tenant.to_owned(),
            scopes,
        })
    }

    /// `credbridge clients list --tenant T`.
    pub fn clients_list(&self, tenant: &str) -> Result<Vec<Client>, AdminError> {
        let tenant_id = self.tenant_id(tenant)?;
        Ok(self.runtime.block_on(self.store.list_clients(&tenant_id))?)
    }

    /// `credbridge clients revoke --tenant T CLIENT_ID`: `false` when the tenant has no such
    /// active client.
    pub fn clients_revoke(&self, tenant: &str, client_id: &str) -> Result<bool, AdminError> {
        let tenant_id = self.tenant_id(tenant)?;
        Ok(self
            .runtime
            .block_on(self.store.revoke_client(&tenant_id, client_id, now_ms()))?)
    }

    /// `credbridge users add --tenant T EMAIL` (the password read by the CLI from a prompt or
    /// `--password-stdin`).
    pub fn users_add(&self, tenant: &str, email: &str, password: &str) -> Result<User, AdminError> {
        let user = User {
            id: new_id(),
            tenant_id: self.runtime.block_on(self.store.ensure_tenant(tenant))?.id,
            email: email.to_owned(),
            password_hash: hash_secret(password)?,
            created_at: now_ms(),
        };
        self.runtime.block_on(self.store.add_user(&user))?;
        Ok(user)
    }

    /// `credbridge inbox add --tenant T PATH…`: every file is decoded, verified and stored
    /// exactly as `POST /inbox` does (source `upload`); `offline` as `verify --offline`.
    pub fn inbox_add(
        &self,
        tenant: &str,
        paths: &[PathBuf],
        offline: bool,
    ) -> Result<Ingested, AdminError> {
        let tenant_id = self.runtime.block_on(self.store.ensure_tenant(tenant))?.id;
        let verifier = Verifier::new(build_verify_options(offline)?);
        let mut uploads = Vec::with_capacity(paths.len());
        for path in paths {
            uploads.push(Upload {
                name: path.display().to_string(),
                bytes: Arc::new(read_limited(path, verifier.limits.max_file_bytes)?),
            });
        }
        let (records, errors) = ingest::prepare(&verifier, &uploads, Source::Upload, now_ms());
        Ok(self.runtime.block_on(ingest::store(
            self.store.as_ref(),
            &tenant_id,
            records,
            errors,
        ))?)
    }

    /// `credbridge obapi connect`'s last step: saves `connection` of `tenant` (created if
    /// needed) under `name`, its secrets sealed with `seal`.
    pub fn obapi_save_connection(
        &self,
        tenant: &str,
        name: &str,
        connection: &credbridge_obapi::Connection,
        seal: &dyn crate::obapi_pull::ConnectionSeal,
    ) -> Result<(), AdminError> {
        let tenant_id = self.runtime.block_on(self.store.ensure_tenant(tenant))?.id;
        Ok(self.runtime.block_on(crate::obapi_pull::save_connection(
            self.store.as_ref(),
            &tenant_id,
            name,
            connection,
            seal,
            now_ms(),
        ))?)
    }

    /// `credbridge obapi list`: `tenant`'s connections, without secrets.
    pub fn obapi_connections(
        &self,
        tenant: &str,
    ) -> Result<Vec<crate::obapi_pull::ConnectionSummary>, AdminError> {
        let tenant_id = self.tenant_id(tenant)?;
        Ok(self.runtime.block_on(crate::obapi_pull::list_connections(
            self.store.as_ref(),
            &tenant_id,
        ))?)
    }

    /// `credbridge obapi pull NAME`: pulls what the host stored since the last pull through
    /// `client` and puts it into `tenant`'s inbox as `inbox add` would (source `pull`, the
    /// host in each item's path); `offline` as `verify --offline`. Busy answers are waited out
    /// on this thread (`Retry-After`, else 30 minutes, twice).
    pub fn obapi_pull(
        &self,
        tenant: &str,
        name: &str,
        client: &dyn credbridge_obapi::HttpClient,
        seal: &dyn crate::obapi_pull::ConnectionSeal,
        offline: bool,
    ) -> Result<crate::obapi_pull::PullOutcome, AdminError> {
        use crate::obapi_pull;
        let tenant_id = self.tenant_id(tenant)?;
        let verifier = Verifier::new(build_verify_options(offline)?);
        let connection = self.runtime.block_on(obapi_pull::load(
            self.store.as_ref(),
            &tenant_id,
            name,
            seal,
        ))?;
        let now = now_ms();
        let fetched = obapi_pull::fetch(
            &verifier,
            client,
            &obapi_pull::ThreadSleeper,
            &credbridge_obapi::PullOptions::default(),
            connection,
            now,
        );
        Ok(self.runtime.block_on(obapi_pull::finish(
            self.store.as_ref(),
            &tenant_id,
            name,
            fetched,
            seal,
            now,
        ))?)
    }

    /// `credbridge inbox list --tenant T [--verdict V] [--issuer I] [--subject S] [--limit N]`.
    pub fn inbox_list(
        &self,
        tenant: &str,
        filter: &CredentialFilter,
    ) -> Result<CredentialPage, AdminError> {
        let tenant_id = self.tenant_id(tenant)?;
        Ok(self
            .runtime
            .block_on(self.store.list_credentials(&tenant_id, filter))?)
    }
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, AdminError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|source| AdminError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| AdminError::Read {
            path: path.to_owned(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(AdminError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}
