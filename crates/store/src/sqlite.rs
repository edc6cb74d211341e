//! The embedded SQLite backend: a file in the data folder, WAL, one writer.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Sqlite};

use crate::StoreError;
use crate::backend::Db;
use crate::migrations;

/// The database file's name inside the data folder.
pub const DATABASE_FILE: &str = "credbridge.sqlite3";

/// How long a statement waits for the writer's lock before giving up with
/// [`StoreError::Unavailable`].
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections (WAL lets them run beside the one writer).
pub const MAX_SQLITE_READERS: u32 = 8;

pub(crate) async fn open(dir: &Path) -> Result<Db<Sqlite>, StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
        path: dir.to_owned(),
        source,
    })?;
    let file = dir.join(DATABASE_FILE);
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|e| StoreError::from_sqlx("sqlite options", e))?
        .filename(&file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .disable_statement_logging();
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(SQLITE_BUSY_TIMEOUT)
        .connect_with(options.clone())
        .await
        .map_err(|e| StoreError::from_sqlx("opening the SQLite file", e))?;
    migrations::migrator(migrations::SQLITE)
        .await?
        .run(&write)
        .await?;
    let read = SqlitePoolOptions::new()
        .max_connections(MAX_SQLITE_READERS)
        .acquire_timeout(SQLITE_BUSY_TIMEOUT)
        .connect_with(options.read_only(true))
        .await
        .map_err(|e| StoreError::from_sqlx("opening the SQLite file", e))?;
    Ok(Db::new(read, write, "sqlite"))
}
