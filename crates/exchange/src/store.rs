//! The storage seam: [`ExchangeStore`] keeps workflows, exchanges and used challenges.
//! [`MemoryStore`] implements it in memory (tests, a single process); `credbridge-store`
//! implements it for SQLite and PostgreSQL (one table per record, the record as JSON beside its
//! keys, `sequence` for compare-and-swap, a unique key on the used challenge).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::error::StorageError;
use crate::model::{Exchange, Workflow};

/// Where workflows, exchanges and used challenges live.
///
/// The two writes that make an exchange single use must be atomic in the backend:
/// [`ExchangeStore::update_exchange`] is a compare-and-swap on `sequence`, and
/// [`ExchangeStore::use_challenge`] inserts only when absent.
#[async_trait]
pub trait ExchangeStore: Send + Sync {
    /// Adds a workflow; `false` when its id is taken.
    async fn insert_workflow(&self, workflow: &Workflow) -> Result<bool, StorageError>;
    /// A workflow by id (any tenant: the service checks the tenant).
    async fn workflow(&self, id: &str) -> Result<Option<Workflow>, StorageError>;
    /// Adds an exchange (its id is fresh and random).
    async fn insert_exchange(&self, exchange: &Exchange) -> Result<(), StorageError>;
    /// An exchange by workflow and id.
    async fn exchange(&self, workflow_id: &str, id: &str)
    -> Result<Option<Exchange>, StorageError>;
    /// Replaces the stored exchange with `exchange` only if the stored one's sequence is
    /// `expected_sequence`; `false` when another write came first.
    async fn update_exchange(
        &self,
        exchange: &Exchange,
        expected_sequence: u64,
    ) -> Result<bool, StorageError>;
    /// Marks `challenge` used by `exchange_id` (kept until `expires_at`, Unix seconds);
    /// `false` when it was already used.
    async fn use_challenge(
        &self,
        challenge: &str,
        exchange_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StorageError>;
    /// Whether `challenge` was used (and is still remembered).
    async fn challenge_used(&self, challenge: &str) -> Result<bool, StorageError>;
}

/// Limit of [`MemoryStore`]: exchanges kept (expired ones are dropped first).
pub const MAX_MEMORY_EXCHANGES: usize = 100_000;

#[derive(Default)]
struct Tables {
    workflows: HashMap<String, Workflow>,
    exchanges: HashMap<(String, String), Exchange>,
    /// challenge → (exchange id, expires at).
    challenges: HashMap<String, (String, i64)>,
}

/// [`ExchangeStore`] in memory: for tests and single-process use (nothing survives a restart).
#[derive(Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn tables(&self) -> Result<std::sync::MutexGuard<'_, Tables>, StorageError> {
        self.tables
            .lock()
            .map_err(|_| StorageError("the memory store's lock is poisoned".to_owned()))
    }
}

#[async_trait]
impl ExchangeStore for MemoryStore {
    async fn insert_workflow(&self, workflow: &Workflow) -> Result<bool, StorageError> {
        let mut tables = self.tables()?;
        if tables.workflows.contains_key(&workflow.id) {
            return Ok(false);
        }
        tables
            .workflows
            .insert(workflow.id.clone(), workflow.clone());
        Ok(true)
    }

    async fn workflow(&self, id: &str) -> Result<Option<Workflow>, StorageError> {
        Ok(self.tables()?.workflows.get(id).cloned())
    }

    async fn insert_exchange(&self, exchange: &Exchange) -> Result<(), StorageError> {
        let mut tables = self.tables()?;
        if tables.exchanges.len() >= MAX_MEMORY_EXCHANGES {
            let now = exchange.created_at;
            tables.exchanges.retain(|_, e| e.expires_at > now);
            if tables.exchanges.len() >= MAX_MEMORY_EXCHANGES {
                return Err(StorageError(format!(
                    "the memory store holds {MAX_MEMORY_EXCHANGES} unexpired exchanges, its limit"
                )));
            }
        }
        tables.exchanges.insert(
            (exchange.workflow_id.clone(), exchange.id.clone()),
            exchange.clone(),
        );
        Ok(())
    }

    async fn exchange(
        &self,
        workflow_id: &str,
        id: &str,
    ) -> Result<Option<Exchange>, StorageError> {
        Ok(self
            .tables()?
            .exchanges
            .get(&(workflow_id.to_owned(), id.to_owned()))
            .cloned())
    }

    async fn update_exchange(
        &self,
        exchange: &Exchange,
        expected_sequence: u64,
    ) -> Result<bool, StorageError> {
        let mut tables = self.tables()?;
        let key = (exchange.workflow_id.clone(), exchange.id.clone());
        match tables.exchanges.get_mut(&key) {
            Some(stored) if stored.sequence == expected_sequence => {
                *stored = exchange.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn use_challenge(
        &self,
        challenge: &str,
        exchange_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StorageError> {
        let mut tables = self.tables()?;
        if tables.challenges.contains_key(challenge) {
            return Ok(false);
        }
        // A challenge bound to an exchange is void once the exchange expires (VCALM), so
        // forgetting it then cannot let a replay through: the exchange refuses first.
        tables.challenges.retain(|_, (_, until)| *until > now);
        tables
            .challenges
            .insert(challenge.to_owned(), (exchange_id.to_owned(), expires_at));
        Ok(true)
    }

    async fn challenge_used(&self, challenge: &str) -> Result<bool, StorageError> {
        Ok(self.tables()?.challenges.contains_key(challenge))
    }
}
