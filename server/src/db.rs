//! The database: the embedded SQLite file (the default, nothing to set up) or PostgreSQL
//! (`--database-url`, for several servers sharing one picture). Both are migrated on open,
//! and every call runs a [`Tx`] on Tokio's blocking pool, so a slow disk or network never
//! stalls the async workers.
//!
//! SQLite: one connection behind a mutex, WAL journal with `synchronous=FULL`.
//! PostgreSQL: a pool ([`r2d2`]) of rust-postgres connections; a commit is durable when the
//! server's `synchronous_commit` is on (its default).

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use model::District;

use crate::sql::{Mode, PgConnection, Tx};

pub use crate::{db_error::DbError, sqlite_schema::DB_FILE};

/// The connection settings of `url`, with dead peers noticed within seconds: a database host
/// that vanished without closing its connections (a cut network, a failed machine) fails a
/// request after 15 s of unanswered sending at most, and an idle connection after 10 s and three
/// unanswered probes 5 s apart, instead of the system's two hours.
pub fn pg_config(url: &str) -> Result<tokio_postgres::Config, DbError> {
    let mut config: tokio_postgres::Config = url
        .parse()
        // Not the URL itself in the message: it may hold a password.
        .map_err(|e: tokio_postgres::Error| {
            DbError::Unavailable(format!("the database URL: {e}"))
        })?;
    config
        .connect_timeout(Duration::from_secs(5))
        .tcp_user_timeout(Duration::from_secs(15))
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(10))
        .keepalives_interval(Duration::from_secs(5))
        .keepalives_retries(3);
    Ok(config)
}

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Storage {
    /// The SQLite file in this directory.
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://user@host:port/name`).
    Postgres(String),
}

/// How long a call waits for a free PostgreSQL connection (or a new one) before the request is
/// answered 503.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);

/// Connections each server keeps to PostgreSQL at most.
pub const POOL_SIZE: u32 = 16;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Database {
    backend: Arc<Backend>,
}

enum Backend {
    Sqlite(Mutex<rusqlite::Connection>),
    Postgres(PgPool),
}

/// The pool of PostgreSQL connections. Closing a connection blocks (rust-postgres runs its own
/// small runtime for it), which panics on an async worker: the last handle's drop (a server
/// shutting down, a test ending) closes them on a thread of its own.
struct PgPool(Option<r2d2::Pool<PgManager>>);

impl Drop for PgPool {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// Makes and checks the pool's PostgreSQL connections.
struct PgManager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection::new(self.config.connect(postgres::NoTls)?))
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        conn.client.is_closed()
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens (creating if needed) the SQLite database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, DbError> {
        Ok(Self {
            backend: Arc::new(Backend::Sqlite(Mutex::new(crate::sqlite_schema::open(
                data_dir,
            )?))),
        })
    }

    /// Connects to the PostgreSQL database at `url` and migrates it (one server at a time).
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let config = postgres::Config::from(pg_config(url)?);
        let mut client = config.connect(postgres::NoTls)?;
        crate::pg_schema::migrate(&mut client)?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build_unchecked(PgManager { config });
        Ok(Self {
            backend: Arc::new(Backend::Postgres(PgPool(Some(pool)))),
        })
    }

    /// Opens what `storage` names.
    pub fn open_storage(storage: &Storage) -> Result<Self, DbError> {
        match storage {
            Storage::Sqlite(dir) => Self::open(dir),
            Storage::Postgres(url) => Self::connect(url),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> crate::sql::Backend {
        match *self.backend {
            Backend::Sqlite(_) => crate::sql::Backend::Sqlite,
            Backend::Postgres(_) => crate::sql::Backend::Postgres,
        }
    }

    /// Runs `f` in one transaction on the blocking pool and commits it if `f` succeeds.
    /// For reads, and for writes that publish no change event (see [`Mode`]).
    pub async fn call<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    {
        self.run(Mode::Plain, f).await
    }

    /// Runs `f` as a write that appends to the change log: one writer at a time (across all
    /// servers on PostgreSQL), committed if `f` succeeds.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    {
        self.run(Mode::Write, f).await
    }

    async fn run<T, E, F>(&self, mode: Mode, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.blocking(mode, f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// Runs `f` in a transaction of `mode` on this thread (which may block) and commits it if
    /// `f` succeeds. For the blocking pool and the command line.
    pub fn blocking<T, E: From<DbError>>(
        &self,
        mode: Mode,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        match &*self.backend {
            Backend::Sqlite(conn) => {
                // A panic while holding the lock poisons it; the connection itself is still
                // sound (SQLite rolls back an unfinished transaction), so keep using it.
                let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let tx = Tx::sqlite(&mut guard, mode)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            }
            Backend::Postgres(PgPool(pool)) => {
                let mut conn = pool
                    .as_ref()
                    .ok_or_else(|| DbError::Unavailable("the pool is closed".to_owned()))?
                    .get()
                    .map_err(|e| DbError::Unavailable(e.to_string()))?;
                let tx = Tx::postgres(&mut conn, mode)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            }
        }
    }
}

/// All districts in official order.
pub fn districts(tx: &Tx) -> Result<Vec<District>, DbError> {
    tx.query(
        "SELECT properties, geometry FROM districts ORDER BY position",
        crate::args![],
        |r| {
            let properties: String = r.get(0)?;
            let geometry: String = r.get(1)?;
            Ok(District {
                properties: serde_json::from_str(&properties)
                    .map_err(|e| DbError::Corrupt(format!("district properties: {e}")))?,
                geometry: geometry
                    .parse()
                    .map_err(|e| DbError::Corrupt(format!("district geometry: {e}")))?,
            })
        },
    )
}

/// How many districts are stored.
pub fn district_count(tx: &Tx) -> Result<u32, DbError> {
    tx.query_one("SELECT count(*) FROM districts", crate::args![], |r| {
        r.get(0)
    })
}

/// Replaces all districts inside the caller's transaction.
pub fn write_districts(tx: &Tx, districts: &[District]) -> Result<(), DbError> {
    tx.execute("DELETE FROM districts", crate::args![])?;
    for (position, d) in districts.iter().enumerate() {
        let properties = serde_json::to_string(&d.properties)
            .map_err(|e| DbError::Corrupt(format!("district properties: {e}")))?;
        tx.execute(
            "INSERT INTO districts (key, position, properties, geometry) VALUES (?1, ?2, ?3, ?4)",
            crate::args![
                d.properties.key.as_str(),
                position as i64,
                properties,
                d.geometry.to_string()
            ],
        )?;
    }
    Ok(())
}
