//! The PostgreSQL backend: a pool over a `postgres://` URL, optionally inside its own schema.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Postgres};

use crate::StoreError;
use crate::backend::Db;
use crate::migrations;

/// Most connections the server holds to PostgreSQL.
pub const MAX_POSTGRES_CONNECTIONS: u32 = 16;

/// How long a request waits for a connection before answering 503: short, so that a database
/// outage shows as quick 503s rather than a pile of hung requests.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

fn options(url: &str, schema: Option<&str>) -> Result<PgConnectOptions, StoreError> {
    let mut options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::from_sqlx("reading the PostgreSQL URL", e))?
        .disable_statement_logging();
    if let Some(schema) = schema {
        check_schema_name(schema)?;
        options = options.options([("search_path", schema)]);
    }
    Ok(options)
}

fn check_schema_name(name: &str) -> Result<(), StoreError> {
    let plain = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        Ok(())
    } else {
        Err(StoreError::SchemaName {
            name: name.to_owned(),
        })
    }
}

/// Creates `schema` if it does not exist (tests give each run its own schema).
pub async fn create_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    check_schema_name(schema)?;
    let mut connection = sqlx::PgConnection::connect_with(&options(url, None)?)
        .await
        .map_err(|e| StoreError::from_sqlx("connecting to PostgreSQL", e))?;
    // The name was checked to be a plain identifier above, so it can be spliced in.
    let statement = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
    sqlx::query(&statement)
        .execute(&mut connection)
        .await
        .map_err(|e| StoreError::from_sqlx("creating a schema", e))?;
    connection
        .close()
        .await
        .map_err(|e| StoreError::from_sqlx("closing a connection", e))?;
    Ok(())
}

/// Drops `schema` and everything in it (test clean-up).
pub async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    check_schema_name(schema)?;
    let mut connection = sqlx::PgConnection::connect_with(&options(url, None)?)
        .await
        .map_err(|e| StoreError::from_sqlx("connecting to PostgreSQL", e))?;
    // The name was checked to be a plain identifier above, so it can be spliced in.
    let statement = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
    sqlx::query(&statement)
        .execute(&mut connection)
        .await
        .map_err(|e| StoreError::from_sqlx("dropping a schema", e))?;
    connection
        .close()
        .await
        .map_err(|e| StoreError::from_sqlx("closing a connection", e))?;
    Ok(())
}

pub(crate) async fn open(url: &str, schema: Option<&str>) -> Result<Db<Postgres>, StoreError> {
    if let Some(schema) = schema {
        create_schema(url, schema).await?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(MAX_POSTGRES_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options(url, schema)?)
        .await
        .map_err(|e| StoreError::from_sqlx("connecting to PostgreSQL", e))?;
    migrations::migrator(migrations::POSTGRES)
        .await?
        .run(&pool)
        .await?;
    Ok(Db::new(pool.clone(), pool, "postgres"))
}
