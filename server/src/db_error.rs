//! The database's one error type, for both backends and the modules that speak to them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {}", pg_message(.0))]
    Postgres(postgres::Error),
    /// The database cannot be reached (PostgreSQL down, or every connection busy for longer
    /// than [`CHECKOUT_TIMEOUT`]); answered with 503 and `Retry-After`.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database is newer (schema {found}) than this server (schema {known})")]
    TooNew { found: i64, known: i64 },
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        // A closed connection or a failed socket is the database gone, not a fault in what was
        // asked; so is a server shutting down (SQLSTATE class 57: operator intervention) or
        // not yet accepting connections (08: connection exception).
        // So are a deadlock or serialization failure (40: the transaction was rolled back and
        // may be tried again), a read-only database (25006: a failover under way) and a server
        // out of resources (53): all answered 503, to be retried.
        let gone = e.is_closed()
            || e.code().is_some_and(|c| {
                let code = c.code();
                ["57", "08", "40", "53"]
                    .iter()
                    .any(|class| code.starts_with(class))
                    || code == "25006"
            })
            || (e.as_db_error().is_none()
                && std::error::Error::source(&e)
                    .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some()));
        if gone {
            DbError::Unavailable(e.to_string())
        } else {
            DbError::Postgres(e)
        }
    }
}

/// What PostgreSQL said (its `Display` says only "db error").
fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl DbError {
    /// A uniqueness constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            }
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }
}
