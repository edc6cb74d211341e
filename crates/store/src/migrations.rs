//! The schema, compiled into the binary: each backend's migrations as sqlx [`Migration`]s, so
//! that no migration folder has to ship beside the binary and no proc macro is needed.

use std::borrow::Cow;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// One migration: version, description, SQL.
type Step = (i64, &'static str, &'static str);

/// SQLite dialect.
pub(crate) const SQLITE: &[Step] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "jobs",
        include_str!("../migrations/sqlite/0002_jobs.sql"),
    ),
    (
        3,
        "webhooks",
        include_str!("../migrations/sqlite/0003_webhooks.sql"),
    ),
    (
        4,
        "obapi",
        include_str!("../migrations/sqlite/0004_obapi.sql"),
    ),
];

/// PostgreSQL dialect (same tables).
pub(crate) const POSTGRES: &[Step] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "jobs",
        include_str!("../migrations/postgres/0002_jobs.sql"),
    ),
    (
        3,
        "webhooks",
        include_str!("../migrations/postgres/0003_webhooks.sql"),
    ),
    (
        4,
        "obapi",
        include_str!("../migrations/postgres/0004_obapi.sql"),
    ),
];

#[derive(Debug)]
struct Embedded(&'static [Step]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator for one dialect's steps.
pub(crate) async fn migrator(
    steps: &'static [Step],
) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded(steps)).await
}
