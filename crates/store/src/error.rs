//! [`StoreError`]: the database unreachable (the environment), a duplicate (the caller's input),
//! a failed query or migration (our bug or a damaged database) kept apart.

use std::path::PathBuf;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be reached or is busy past the timeout: try again later (503).
    #[error("the database is unavailable ({operation}): {source}")]
    Unavailable {
        /// What the store was doing.
        operation: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The database could not be reached while writing the group commit this write was part
    /// of: every caller of the batch gets the driver's error as text (it cannot be cloned).
    #[error("the database is unavailable ({operation}): {reason}")]
    UnavailableInBatch {
        /// What the store was doing.
        operation: &'static str,
        /// The driver's error, as text.
        reason: String,
    },
    /// A unique name or id is already taken.
    #[error("{what} {value:?} already exists")]
    Duplicate {
        /// What kind of object (`tenant`, `user email`, …).
        what: &'static str,
        /// The value that collided.
        value: String,
    },
    /// A statement failed for another reason (a bug, or a damaged database).
    #[error("database statement failed ({operation}): {source}")]
    Query {
        /// What the store was doing.
        operation: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The embedded migrations could not be applied.
    #[error("applying the database migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `--database-url` names a database we do not support.
    #[error(
        "unsupported database URL {url}: expected postgres://… or postgresql://… (or no URL for the embedded SQLite file)"
    )]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
    },
    /// A schema name for tests that is not a plain identifier.
    #[error("schema name {name:?} must be letters, digits and underscores")]
    SchemaName {
        /// The name given.
        name: String,
    },
}

impl StoreError {
    /// Sorts a driver error: connection-level failures are [`StoreError::Unavailable`].
    pub(crate) fn from_sqlx(operation: &'static str, source: sqlx::Error) -> StoreError {
        let unavailable = match &source {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => true,
            sqlx::Error::Database(db) => {
                // PostgreSQL: class 08 (connection exception), 57P01..57P03 (shutting down,
                // cannot connect now); SQLite: 5 (busy), 6 (locked) past the busy timeout.
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                code.starts_with("08") || code.starts_with("57P") || code == "5" || code == "6"
            }
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable { operation, source }
        } else {
            StoreError::Query { operation, source }
        }
    }

    /// Like [`StoreError::from_sqlx`], but a unique-constraint violation is a
    /// [`StoreError::Duplicate`] of `what` = `value`.
    pub(crate) fn on_unique(
        operation: &'static str,
        what: &'static str,
        value: &str,
        source: sqlx::Error,
    ) -> StoreError {
        if let sqlx::Error::Database(db) = &source
            && db.is_unique_violation()
        {
            return StoreError::Duplicate {
                what,
                value: value.to_owned(),
            };
        }
        StoreError::from_sqlx(operation, source)
    }

    /// Whether the database could not be reached (as opposed to a failed statement).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable { .. } | StoreError::UnavailableInBatch { .. }
        ) || matches!(self, StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) if StoreError::from_sqlx("", clone_kind(e)).is_unavailable())
    }
}

/// A stand-in with the same kind as `error`, for classification only.
fn clone_kind(error: &sqlx::Error) -> sqlx::Error {
    match error {
        sqlx::Error::Io(e) => sqlx::Error::Io(std::io::Error::new(e.kind(), "io")),
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        _ => sqlx::Error::RowNotFound,
    }
}
