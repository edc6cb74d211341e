//! Group commit for the inbox's writes: concurrent [`crate::InboxStore::add_credentials`]
//! calls are written in one transaction, and each caller is answered only after that
//! transaction has committed.
//!
//! One write transaction per upload made the single SQLite writer (and PostgreSQL's commit
//! flush) the inbox's bottleneck: every upload paid for its own `BEGIN`/`COMMIT`, and with
//! SQLite every statement is a round trip to the connection's worker thread while all other
//! uploads wait. Here a caller queues its credentials and waits for whichever comes first: its
//! answer (a leader before it wrote them) or the leader lock, with which it becomes the leader,
//! takes everything queued (up to [`MAX_GROUP_CREDENTIALS`]) and writes it in one transaction.
//! Uploads that arrive while a batch is being written wait for the lock and go in the next
//! batch, so batches grow with the load and a lone upload is written at once, with no timer.
//!
//! - **Acknowledged means committed.** A caller's answer is sent after `COMMIT` returned, so
//!   a server killed at any moment has stored every upload it acknowledged (and perhaps some it
//!   did not: those are found again by content hash when the client retries).
//! - **Idempotent by content.** The existence check runs inside the batch's transaction, so the
//!   same credential twice in one batch is stored once and the second caller gets its id with
//!   `created: false`.
//! - **One bad upload fails alone.** When a batch fails for any reason but an unreachable
//!   database, each upload of it is written again in a transaction of its own, so each caller
//!   gets its own answer. When the database is unreachable, every caller gets
//!   [`StoreError::UnavailableInBatch`] (a 503 for the server).
//! - **Cancellation-safe.** The batch is written by a spawned task, so a leader whose request
//!   is dropped (the client went away) does not abort the transaction its followers wait on.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::{Added, NewCredential, StoreError};

/// Most credentials written in one group transaction (an upload with more is still written
/// whole, in a batch of its own).
pub const MAX_GROUP_CREDENTIALS: usize = 512;

/// One caller's credentials and where its answer goes.
pub(crate) struct Pending {
    pub tenant_id: String,
    pub credentials: Vec<NewCredential>,
    pub reply: oneshot::Sender<Result<Vec<Added>, StoreError>>,
}

/// The queue and the leader lock.
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<VecDeque<Pending>>,
    /// Held by the caller writing a batch.
    pub leader: tokio::sync::Mutex<()>,
}

impl GroupCommit {
    /// Queues a caller's credentials; the answer comes on the returned receiver.
    pub fn push(
        &self,
        tenant_id: &str,
        credentials: &[NewCredential],
    ) -> oneshot::Receiver<Result<Vec<Added>, StoreError>> {
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            tenant_id: tenant_id.to_owned(),
            credentials: credentials.to_vec(),
            reply,
        };
        self.lock_queue().push_back(pending);
        answer
    }

    /// Takes the oldest queued callers, up to [`MAX_GROUP_CREDENTIALS`] credentials (at least
    /// one caller when any is queued).
    pub fn take_batch(&self) -> Vec<Pending> {
        let mut queue = self.lock_queue();
        let mut batch = Vec::new();
        let mut credentials = 0usize;
        while let Some(next) = queue.front() {
            let size = next.credentials.len();
            if !batch.is_empty() && credentials.saturating_add(size) > MAX_GROUP_CREDENTIALS {
                break;
            }
            credentials = credentials.saturating_add(size);
            if let Some(pending) = queue.pop_front() {
                batch.push(pending);
            }
        }
        batch
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Pending>> {
        // The queue is only pushed to and drained; a panic elsewhere cannot leave it torn.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a caller whose batch was lost (the writing task panicked or the runtime stopped) gets.
pub(crate) fn lost() -> StoreError {
    StoreError::UnavailableInBatch {
        operation: "adding credentials",
        reason: "the write was interrupted before it committed".to_owned(),
    }
}

/// Sends each caller of a batch its answer, given the batch's result (one list of ids per
/// caller) or its error. Returns the callers to write again one by one (a failed batch that
/// did not fail for an unreachable database, with more than one caller).
pub(crate) fn answer(
    batch: Vec<Pending>,
    result: Result<Vec<Vec<Added>>, StoreError>,
) -> Vec<Pending> {
    match result {
        Ok(added) => {
            for (pending, added) in batch.into_iter().zip(added) {
                let _ = pending.reply.send(Ok(added));
            }
            Vec::new()
        }
        Err(error) if batch.len() == 1 => {
            if let Some(pending) = batch.into_iter().next() {
                let _ = pending.reply.send(Err(error));
            }
            Vec::new()
        }
        Err(error) if error.is_unavailable() => {
            let reason = error.to_string();
            for pending in batch {
                let _ = pending.reply.send(Err(StoreError::UnavailableInBatch {
                    operation: "adding credentials",
                    reason: reason.clone(),
                }));
            }
            Vec::new()
        }
        Err(_) => batch,
    }
}
