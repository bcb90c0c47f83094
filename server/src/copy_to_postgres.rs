//! `server migrate --from-sqlite FILE --to URL`: copies an installation's SQLite database into
//! an empty PostgreSQL database, in one transaction: every table whole, ids, versions and
//! change numbers kept (each identity then continues after the highest id SQLite ever gave,
//! so no id is used twice), and every table's count checked before the commit.

use std::path::Path;

use crate::{
    db::{Database, DbError},
    sql::{Mode, Tx, Value},
};

/// One table to copy: its columns (as both schemas name them), the order to copy its rows in
/// (SQLite's `rowid` where the order of insertion matters: PostgreSQL numbers those rows as
/// they come), the columns SQLite keeps as 0/1 and PostgreSQL as booleans, and the identity
/// column whose counter must continue.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    order: &'static str,
    booleans: &'static [&'static str],
    identity: Option<&'static str>,
}

/// Every table, in an order that satisfies the foreign keys (agencies before accounts before
/// sessions).
const TABLES: &[Table] = &[
    Table {
        name: "districts",
        columns: &["key", "position", "properties", "geometry"],
        order: "position",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "agencies",
        columns: &["key", "name", "short_name", "role"],
        order: "rowid",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "items",
        columns: &["id", "kind", "version", "updated_at", "body"],
        order: "id",
        booleans: &[],
        identity: Some("id"),
    },
    Table {
        name: "events",
        columns: &["seq", "kind", "item_id", "op", "version", "at", "audience"],
        order: "seq",
        booleans: &[],
        identity: Some("seq"),
    },
    Table {
        name: "accounts",
        columns: &[
            "login",
            "role",
            "agency",
            "password_hash",
            "disabled",
            "created_at",
        ],
        order: "rowid",
        booleans: &["disabled"],
        identity: None,
    },
    Table {
        name: "sessions",
        columns: &["token_hash", "login", "csrf", "created_at", "last_seen"],
        order: "rowid",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "pairing_codes",
        columns: &["code_hash", "login", "expires_at"],
        order: "rowid",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "audit",
        columns: &[
            "seq", "at", "login", "agency", "op", "subject", "item_id", "concerns", "before",
            "after",
        ],
        order: "seq",
        booleans: &[],
        identity: Some("seq"),
    },
    Table {
        name: "secrets",
        columns: &["name", "value"],
        order: "name",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "alerts_raised",
        columns: &["id", "agency", "key", "raised_at", "body"],
        order: "id",
        booleans: &[],
        identity: Some("id"),
    },
    Table {
        name: "alert_acknowledgements",
        columns: &["id", "agency", "key", "reason", "at", "login", "continues"],
        order: "id",
        booleans: &[],
        identity: Some("id"),
    },
    Table {
        name: "job_runs",
        columns: &["name", "at"],
        order: "name",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "addresses",
        columns: &["street", "number", "postcode", "lon_e7", "lat_e7"],
        order: "rowid",
        booleans: &[],
        identity: None,
    },
    Table {
        name: "address_imports",
        columns: &["id", "at", "source", "address_count", "attribution"],
        order: "id",
        booleans: &[],
        identity: Some("id"),
    },
];

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("{0}: no such SQLite database")]
    NoSource(std::path::PathBuf),
    #[error(
        "the PostgreSQL database is not empty ({table} has {rows} rows): migrate into a new database, before any server has started on it"
    )]
    NotEmpty { table: &'static str, rows: i64 },
    #[error("{table}: {copied} rows copied, but {found} arrived; nothing was committed")]
    Count {
        table: &'static str,
        copied: i64,
        found: i64,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for CopyError {
    fn from(e: rusqlite::Error) -> Self {
        CopyError::Db(DbError::Sqlite(e))
    }
}

/// Copies the SQLite database at `from` into the empty PostgreSQL database at `to` (migrated
/// first); returns each table's row count. On any error nothing is committed.
pub fn copy(from: &Path, to: &crate::db::Postgres) -> Result<Vec<(&'static str, i64)>, CopyError> {
    if !from.is_file() {
        return Err(CopyError::NoSource(from.to_owned()));
    }
    // Opening migrates the file to this server's schema first (as starting a server would).
    let mut source = crate::sqlite_schema::open_file(from)?;
    // One snapshot of the whole file: a server still writing to it cannot leave the change log
    // and the items out of step in the copy.
    let source = source.transaction()?;
    let target = Database::connect(to)?;
    target.blocking(Mode::Write, |tx| {
        for t in TABLES {
            let rows = count(tx, t.name)?;
            if rows > 0 {
                return Err(CopyError::NotEmpty {
                    table: t.name,
                    rows,
                });
            }
        }
        let mut counts = Vec::new();
        for t in TABLES {
            let copied = copy_table(&source, tx, t)?;
            let found = count(tx, t.name)?;
            if found != copied {
                return Err(CopyError::Count {
                    table: t.name,
                    copied,
                    found,
                });
            }
            if let Some(column) = t.identity {
                continue_identity(&source, tx, t.name, column)?;
            }
            counts.push((t.name, copied));
        }
        Ok(counts)
    })
}

fn count(tx: &Tx, table: &str) -> Result<i64, DbError> {
    tx.query_one(
        &format!("SELECT count(*) FROM {table}"),
        crate::args![],
        |r| r.get(0),
    )
}

/// Copies `t`'s rows; returns how many.
fn copy_table(source: &rusqlite::Connection, tx: &Tx, t: &Table) -> Result<i64, CopyError> {
    let columns = t.columns.join(", ");
    let placeholders = (1..=t.columns.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!("INSERT INTO {} ({columns}) VALUES ({placeholders})", t.name);
    let mut select = source.prepare(&format!(
        "SELECT {columns} FROM {} ORDER BY {}",
        t.name, t.order
    ))?;
    let mut rows = select.query([])?;
    let mut copied = 0;
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(t.columns.len());
        for (i, column) in t.columns.iter().enumerate() {
            use rusqlite::types::ValueRef;
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) if t.booleans.contains(column) => Value::Bool(v != 0),
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Text(v) => {
                    Value::OwnedText(String::from_utf8(v.to_vec()).map_err(|e| {
                        DbError::Corrupt(format!("{}.{column}: not UTF-8: {e}", t.name))
                    })?)
                }
                ValueRef::Blob(v) => Value::OwnedBytes(v.to_vec()),
                ValueRef::Real(v) => {
                    return Err(DbError::Corrupt(format!(
                        "{}.{column}: a number {v} where none is expected",
                        t.name
                    ))
                    .into());
                }
            });
        }
        tx.execute(&insert, &values)?;
        copied += 1;
    }
    Ok(copied)
}

/// Moves `table`'s identity on past the highest id SQLite gave (its AUTOINCREMENT counter
/// remembers ids of rows deleted since, which are never used again).
fn continue_identity(
    source: &rusqlite::Connection,
    tx: &Tx,
    table: &str,
    column: &str,
) -> Result<(), CopyError> {
    let counter: i64 = source
        .query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap_or(0);
    let highest: i64 = source.query_row(
        &format!("SELECT COALESCE(MAX({column}), 0) FROM {table}"),
        [],
        |r| r.get(0),
    )?;
    let last = counter.max(highest);
    if last > 0 {
        tx.execute(
            &format!("SELECT setval(pg_get_serial_sequence('{table}', '{column}'), ?1)"),
            crate::args![last],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A table added to the SQLite schema must be added here, or a migration would lose it.
    #[test]
    fn every_table_of_the_schema_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::sqlite_schema::open(dir.path()).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .unwrap();
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut listed: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        listed.sort_unstable();
        assert_eq!(tables, listed);
        // And every column of each.
        for t in TABLES {
            let mut stmt = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{}')", t.name))
                .unwrap();
            let mut columns: Vec<String> = stmt
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            columns.sort_unstable();
            let mut listed: Vec<&str> = t.columns.to_vec();
            listed.sort_unstable();
            assert_eq!(columns, listed, "{}", t.name);
        }
    }

    /// Everything a server would read.
    #[derive(Debug, PartialEq)]
    struct Everything {
        hotspots: Vec<model::Stored<model::Hotspot>>,
        routes: Vec<model::Stored<model::PatrolRoute>>,
        actions: Vec<model::Stored<model::Action>>,
        incidents: Vec<model::Stored<model::Incident>>,
        events: Vec<crate::store::Published>,
        audit: Vec<model::access::AuditEntry>,
        accounts: Vec<model::access::Account>,
        agencies: Vec<model::Agency>,
        districts: Vec<model::District>,
        acknowledgements: Vec<(String, model::alert::Acknowledgement)>,
    }

    fn everything(tx: &Tx) -> Result<Everything, crate::store::StoreError> {
        use crate::store;
        let kod = model::AgencyKey::parse("kod").unwrap();
        let mut acknowledgements: Vec<_> =
            crate::alerts::acknowledgements(tx, &kod, jiff::Timestamp::now())?
                .into_iter()
                .collect();
        acknowledgements.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Everything {
            hotspots: store::list(tx)?,
            routes: store::list(tx)?,
            actions: store::list(tx)?,
            incidents: store::list(tx)?,
            events: store::events_after(tx, 0, i64::MAX)?,
            audit: crate::audit::list(tx, i64::MAX, None)?,
            accounts: crate::accounts::list(tx).map_err(|e| DbError::Task(e.to_string()))?,
            agencies: store::agencies(tx)?,
            districts: crate::db::districts(tx)?,
            acknowledgements,
        })
    }

    /// An installation's SQLite database (the demo, accounts, a session, a pairing code, an
    /// acknowledged alert, a deleted item) copied into PostgreSQL reads back the same, its
    /// session is valid there, and new ids continue after the highest SQLite ever gave.
    #[tokio::test]
    async fn a_sqlite_installation_arrives_whole_in_postgresql() {
        use crate::{audit::Actor, sessions};
        use model::{AgencyKey, access::Role};
        let dir = tempfile::tempdir().unwrap();
        let sqlite = Database::open(dir.path()).unwrap();
        crate::seed::districts_if_empty(&sqlite).await.unwrap();
        crate::seed::agencies(&sqlite).await.unwrap();
        let kod = AgencyKey::parse("kod").unwrap();
        let (token, highest) = sqlite
            .write(move |tx| {
                let districts = crate::db::districts(tx)?;
                crate::demo::load(tx, &districts, jiff::Timestamp::now())?;
                crate::accounts::add(tx, "kod-admin", Role::Admin, &kod, Some("lang genug!!"))
                    .map_err(|e| DbError::Task(e.to_string()))?;
                let session =
                    sessions::create(tx, "kod-admin").map_err(|e| DbError::Task(e.to_string()))?;
                crate::accounts::issue_pairing(tx, "kod-wand", &kod)
                    .map_err(|e| DbError::Task(e.to_string()))?;
                let actor = Actor {
                    login: "kod-admin".into(),
                    agency: kod.clone(),
                    role: Role::Admin,
                };
                crate::alerts::acknowledge(
                    tx,
                    &actor,
                    &["cell:-1:3:disorder".to_owned()],
                    model::alert::AckReason::Known,
                    jiff::Timestamp::now(),
                )?;
                crate::jobs::claim(
                    tx,
                    "incident-retention",
                    jiff::SignedDuration::from_hours(24),
                    jiff::Timestamp::now(),
                )?;
                // The newest hotspot is deleted: its id is never used again.
                let newest: i64 =
                    tx.query_one("SELECT max(id) FROM items", crate::args![], |r| r.get(0))?;
                let hotspot = crate::store::get::<model::Hotspot>(tx, 1)?;
                crate::store::delete::<model::Hotspot>(
                    tx,
                    hotspot.id,
                    hotspot.version,
                    &Actor {
                        login: "demo".into(),
                        agency: hotspot.item.agency.clone(),
                        role: Role::Admin,
                    },
                )?;
                tx.execute(
                    "UPDATE items SET id = ?1 WHERE id = ?2",
                    crate::args![newest + 1, 2_i64],
                )?;
                Ok::<_, crate::store::StoreError>((session.token, newest + 1))
            })
            .await
            .unwrap();
        let before = sqlite.call(everything).await.unwrap();
        assert!(
            before.incidents.len() > 300 && before.audit.len() > 300,
            "a full picture"
        );
        drop(sqlite);

        let target = crate::test_support::TestDb::postgres();
        let crate::db::Storage::Postgres(url) = target.storage() else {
            panic!("a PostgreSQL database");
        };
        let file = dir.path().join(crate::db::DB_FILE);
        let (from, to) = (file.clone(), url.clone());
        let counts = tokio::task::spawn_blocking(move || copy(&from, &to))
            .await
            .unwrap()
            .unwrap();
        let rows = |table: &str| counts.iter().find(|c| c.0 == table).map(|c| c.1);
        assert_eq!(
            rows("items"),
            Some(
                before.hotspots.len() as i64
                    + before.routes.len() as i64
                    + before.actions.len() as i64
                    + before.incidents.len() as i64
            )
        );
        assert_eq!(rows("events"), Some(before.events.len() as i64));
        assert_eq!(rows("audit"), Some(before.audit.len() as i64));
        assert_eq!(rows("sessions"), Some(1));
        assert_eq!(rows("pairing_codes"), Some(1));
        assert_eq!(rows("secrets"), Some(0));
        assert_eq!(rows("job_runs"), Some(1));

        let pg = target.open().await;
        let after = pg.call(everything).await.unwrap();
        assert_eq!(after, before);
        // The session signed in on SQLite is valid on PostgreSQL.
        let viewer = pg
            .call(move |tx| sessions::resolve(tx, &token, jiff::Timestamp::now(), false))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&*viewer.login, "kod-admin");
        // New rows continue after the highest ids.
        let (item, seq): (i64, i64) = pg
            .write(|tx| {
                let item = tx.query_one(
                    "INSERT INTO items (kind, version, updated_at, body) VALUES ('hotspot', 1, 't', '{}') RETURNING id",
                    crate::args![],
                    |r| r.get(0),
                )?;
                let seq = tx.query_one(
                    "INSERT INTO events (kind, item_id, op, version, at) VALUES ('district', 0, 'imported', 0, 't') RETURNING seq",
                    crate::args![],
                    |r| r.get(0),
                )?;
                Ok::<_, DbError>((item, seq))
            })
            .await
            .unwrap();
        assert_eq!(item, highest + 1);
        assert_eq!(seq, before.events.last().map_or(0, |e| e.event.seq) + 1);

        // A second copy into the now filled database is refused, and changes nothing.
        let again = tokio::task::spawn_blocking(move || copy(&file, &url))
            .await
            .unwrap();
        assert!(
            matches!(
                again,
                Err(CopyError::NotEmpty {
                    table: "districts",
                    ..
                })
            ),
            "{again:?}"
        );
    }
}
