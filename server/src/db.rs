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
    // A database on another machine is spoken to over TLS with a verified certificate, or not
    // at all, unless the URL says `sslmode=disable` itself ("prefer", the default, would fall
    // back to plain text unseen).
    let local = config.get_hosts().iter().all(|h| match h {
        tokio_postgres::config::Host::Unix(_) => true,
        tokio_postgres::config::Host::Tcp(name) => {
            name == "localhost"
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    });
    if !local && config.get_ssl_mode() == tokio_postgres::config::SslMode::Prefer {
        config.ssl_mode(tokio_postgres::config::SslMode::Require);
    }
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
    Postgres(Postgres),
}

/// A PostgreSQL database: its URL (`postgres://user:password@host:port/name`) and a CA
/// certificate (PEM) to trust besides the system's, for a database whose certificate an
/// internal CA signed.
#[derive(Debug, Clone)]
pub struct Postgres {
    pub url: String,
    pub ca: Option<PathBuf>,
}

impl Postgres {
    /// A database at `url`, trusting the system's CAs.
    pub fn at(url: impl Into<String>) -> Postgres {
        Postgres {
            url: url.into(),
            ca: None,
        }
    }
}

/// TLS for PostgreSQL connections (rustls): the system's CA certificates and `ca`'s.
pub fn pg_tls(ca: Option<&Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DbError> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca {
        let bad = |e: &dyn std::fmt::Display| {
            DbError::Unavailable(format!("the database CA {}: {e}", path.display()))
        };
        let mut added = 0;
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(&e))? {
            roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad(&"no certificate in the file"));
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| DbError::Unavailable(format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
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
    tls: tokio_postgres_rustls::MakeRustlsConnect,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection::new(self.config.connect(self.tls.clone())?))
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

    /// Connects to the PostgreSQL database `target` and migrates it (one server at a time).
    pub fn connect(target: &Postgres) -> Result<Self, DbError> {
        let config = postgres::Config::from(pg_config(&target.url)?);
        let tls = pg_tls(target.ca.as_deref())?;
        let mut client = config.connect(tls.clone())?;
        crate::pg_schema::migrate(&mut client)?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build_unchecked(PgManager { config, tls });
        Ok(Self {
            backend: Arc::new(Backend::Postgres(PgPool(Some(pool)))),
        })
    }

    /// Opens what `storage` names.
    pub fn open_storage(storage: &Storage) -> Result<Self, DbError> {
        match storage {
            Storage::Sqlite(dir) => Self::open(dir),
            Storage::Postgres(target) => Self::connect(target),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_database_on_another_machine_is_reached_over_tls_only() {
        use tokio_postgres::config::SslMode;
        let mode = |url: &str| pg_config(url).unwrap().get_ssl_mode();
        assert_eq!(
            mode("postgres://lagebild@db.example/lagebild"),
            SslMode::Require
        );
        assert_eq!(
            mode("postgres://lagebild@10.0.0.5/lagebild"),
            SslMode::Require
        );
        // Said so in the URL: the operator's choice.
        assert_eq!(
            mode("postgres://lagebild@db.example/lagebild?sslmode=disable"),
            SslMode::Disable
        );
        // On this machine, as PostgreSQL's own default has it.
        assert_eq!(
            mode("postgres://lagebild@127.0.0.1/lagebild"),
            SslMode::Prefer
        );
        assert_eq!(
            mode("postgres://lagebild@localhost/lagebild"),
            SslMode::Prefer
        );
        // The URL (and its password) never appears in an error.
        let e = pg_config("postgres://lagebild:geheim@db.example:notaport/x").unwrap_err();
        assert!(!e.to_string().contains("geheim"), "{e}");
    }

    /// A PostgreSQL that speaks TLS with a certificate of an internal CA: trusted with
    /// `--database-ca` the connection is encrypted; without it, refused.
    #[tokio::test]
    async fn postgresql_is_spoken_to_over_verified_tls() {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&key, &ca, &ca_key)
            .unwrap();
        let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
        let cluster = tokio::task::spawn_blocking(move || {
            crate::pg_cluster::Cluster::start_tls(&cert_pem, &key_pem).unwrap()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        let url = format!("{}?sslmode=require", cluster.url("postgres"));

        let trusted = Postgres {
            url: url.clone(),
            ca: Some(ca_file),
        };
        let db = tokio::task::spawn_blocking(move || Database::connect(&trusted))
            .await
            .unwrap()
            .unwrap();
        let encrypted: bool = db
            .call(|tx| {
                tx.query_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    crate::args![],
                    |r| r.get(0),
                )
            })
            .await
            .unwrap();
        assert!(encrypted);
        drop(db);

        let unknown_ca = Postgres::at(url);
        let refused = tokio::task::spawn_blocking(move || Database::connect(&unknown_ca))
            .await
            .unwrap();
        assert!(
            matches!(refused, Err(DbError::Unavailable(_))),
            "{:?}",
            refused.err()
        );
        drop(cluster);
    }
}
