//! The embedded SQLite file's schema: its migrations, applied on open (`PRAGMA user_version`
//! records how many ran). PostgreSQL's equivalent is [`crate::pg_schema`].

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::db_error::DbError;

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "lagebild.sqlite3";

/// Schema versions, applied in order; `PRAGMA user_version` records how many ran.
pub const MIGRATIONS: &[&str] = &[
    // 1: districts. `properties` holds `model::DistrictProperties` as JSON, `geometry` an RFC
    // 7946 geometry; `position` keeps the city's official order.
    "CREATE TABLE districts (
        key        TEXT PRIMARY KEY,
        position   INTEGER NOT NULL,
        properties TEXT NOT NULL,
        geometry   TEXT NOT NULL
    ) STRICT;",
    // 2: agencies, items (hotspots, routes, actions as validated JSON with a version), and the
    // change log that Server-Sent Events replay from.
    "CREATE TABLE agencies (
        key        TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        short_name TEXT NOT NULL,
        role       TEXT NOT NULL
    ) STRICT;
    CREATE TABLE items (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind       TEXT NOT NULL CHECK (kind IN ('hotspot', 'route', 'action')),
        version    INTEGER NOT NULL CHECK (version > 0),
        updated_at TEXT NOT NULL,
        body       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX items_by_kind ON items (kind, id);
    CREATE TABLE events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        kind       TEXT NOT NULL,
        item_id    INTEGER NOT NULL,
        op         TEXT NOT NULL,
        version    INTEGER NOT NULL,
        at         TEXT NOT NULL
    ) STRICT;",
    // 3: who may do what. Accounts (wall displays have no password: they pair with a code),
    // sessions and pairing codes (both stored as SHA-256 of the secret, never the secret),
    // the append-only audit trail (triggers refuse every UPDATE and DELETE), and for each
    // change event the agencies that may see it (JSON array; NULL: everyone).
    "CREATE TABLE accounts (
        login         TEXT PRIMARY KEY,
        role          TEXT NOT NULL CHECK (role IN ('display', 'officer', 'planner', 'admin')),
        agency        TEXT NOT NULL REFERENCES agencies (key),
        password_hash TEXT,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        login      TEXT NOT NULL REFERENCES accounts (login),
        csrf       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sessions_by_login ON sessions (login);
    CREATE TABLE pairing_codes (
        code_hash  TEXT PRIMARY KEY,
        login      TEXT NOT NULL REFERENCES accounts (login),
        expires_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE audit (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT NOT NULL,
        login   TEXT NOT NULL,
        agency  TEXT NOT NULL,
        op      TEXT NOT NULL,
        subject TEXT NOT NULL,
        item_id INTEGER,
        before  TEXT,
        after   TEXT
    ) STRICT;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    ALTER TABLE events ADD COLUMN audience TEXT;",
    // 4: the role `operator`, and an audit trail that can record a failed sign-in with an
    // unknown login (no agency) and names the agency an account entry is about (`concerns`),
    // which decides who may read it. SQLite cannot change a CHECK or drop a NOT NULL, so both
    // tables are copied whole (the trail's seq kept) as SQLite's documentation describes, and
    // the trail's triggers made again; `concerns` of earlier account entries comes from the
    // account they recorded.
    "CREATE TABLE accounts_v4 (
        login         TEXT PRIMARY KEY,
        role          TEXT NOT NULL
                      CHECK (role IN ('display', 'officer', 'planner', 'admin', 'operator')),
        agency        TEXT NOT NULL REFERENCES agencies (key),
        password_hash TEXT,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    ) STRICT;
    INSERT INTO accounts_v4 SELECT login, role, agency, password_hash, disabled, created_at
        FROM accounts;
    DROP TABLE accounts;
    ALTER TABLE accounts_v4 RENAME TO accounts;
    CREATE TABLE audit_v4 (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        at       TEXT NOT NULL,
        login    TEXT NOT NULL,
        agency   TEXT,
        op       TEXT NOT NULL,
        subject  TEXT NOT NULL,
        item_id  INTEGER,
        concerns TEXT,
        before   TEXT,
        after    TEXT
    ) STRICT;
    INSERT INTO audit_v4 (seq, at, login, agency, op, subject, item_id, concerns, before, after)
        SELECT seq, at, login, agency, op, subject, item_id,
               CASE WHEN subject = 'account'
                    THEN json_extract(COALESCE(after, before), '$.agency') END,
               before, after
        FROM audit;
    DROP TABLE audit;
    ALTER TABLE audit_v4 RENAME TO audit;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    // 5: item kinds are the server's to know (`model::ItemKind`), not a list in SQL: the
    // items table is copied without its CHECK on `kind`, keeping ids and the AUTOINCREMENT
    // counter (an id is never used twice). Incidents are found by their source key (re-imports)
    // and by their start (retention).
    "CREATE TABLE items_v5 (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind       TEXT NOT NULL,
        version    INTEGER NOT NULL CHECK (version > 0),
        updated_at TEXT NOT NULL,
        body       TEXT NOT NULL
    ) STRICT;
    INSERT INTO items_v5 (id, kind, version, updated_at, body)
        SELECT id, kind, version, updated_at, body FROM items;
    DELETE FROM sqlite_sequence WHERE name = 'items_v5';
    INSERT INTO sqlite_sequence (name, seq) SELECT 'items_v5', seq FROM sqlite_sequence
        WHERE name = 'items';
    DROP TABLE items;
    ALTER TABLE items_v5 RENAME TO items;
    CREATE INDEX items_by_kind ON items (kind, id);
    CREATE INDEX incidents_by_source ON items (json_extract(body, '$.source_key'))
        WHERE kind = 'incident';
    CREATE INDEX incidents_by_start ON items (json_extract(body, '$.start'))
        WHERE kind = 'incident';",
    // 6: a source key belongs to the agency that imported it: re-imports look it up within
    // that agency only (another agency's import cannot learn whether a key exists), and keys
    // are made with this installation's secret, so a key seen in an export cannot be turned
    // back into a guessable case number. Keys made before are plain SHA-256 and are dropped:
    // a re-import of an older file imports its rows again, rather than keep reversible keys.
    "UPDATE items SET body = json_remove(body, '$.source_key') WHERE kind = 'incident';
    DROP INDEX incidents_by_source;
    CREATE INDEX incidents_by_source
        ON items (json_extract(body, '$.agency'), json_extract(body, '$.source_key'))
        WHERE kind = 'incident';
    CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT;",
    // 7: incidents are no longer indexed by their start. The index parsed each incident's JSON
    // once more on every insert: without it a million rows import at 52,300 rows/s instead of
    // 37,600 (`cargo bench -p server --bench incidents`); the daily retention run reads the
    // incidents JSON by a scan instead, once a day.
    "DROP INDEX incidents_by_start;",
    // 8: early detection. Each alert raised for an agency (once per key and week), and each
    // agency's acknowledgements of its alerts (audited as well).
    "CREATE TABLE alerts_raised (
        id        INTEGER PRIMARY KEY,
        agency    TEXT NOT NULL,
        key       TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        body      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX alerts_raised_by_agency ON alerts_raised (agency, raised_at);
    CREATE TABLE alert_acknowledgements (
        id     INTEGER PRIMARY KEY,
        agency TEXT NOT NULL,
        key    TEXT NOT NULL,
        reason TEXT NOT NULL,
        at     TEXT NOT NULL,
        login  TEXT NOT NULL,
        -- Set where the row continues another key's acknowledgement (an alert made into a
        -- hotspot, acknowledged under the hotspot's key too): not counted again.
        continues TEXT
    ) STRICT;
    CREATE INDEX alert_acknowledgements_by_agency ON alert_acknowledgements (agency, at);",
    // 9: the source-key index on the expressions both backends write the same way
    // (`body ->> 'agency'`, SQLite 3.38 and PostgreSQL alike), so one statement finds it on
    // either.
    "DROP INDEX incidents_by_source;
    CREATE INDEX incidents_by_source ON items (body ->> 'agency', body ->> 'source_key')
        WHERE kind = 'incident';",
    // 10: when each periodic job last ran (see `crate::jobs`), so servers sharing a database
    // run it once; SQLite has one server, and the same rule.
    "CREATE TABLE job_runs (
        name TEXT PRIMARY KEY,
        at   TEXT NOT NULL
    ) STRICT;",
    // 11: the address list for the place search (`crate::addresses`), replaced whole by each
    // import; coordinates in 10^-7 degrees.
    "CREATE TABLE addresses (
        street   TEXT NOT NULL,
        number   TEXT NOT NULL,
        postcode TEXT,
        lon_e7   INTEGER NOT NULL,
        lat_e7   INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE address_imports (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        at            TEXT NOT NULL,
        source        TEXT NOT NULL,
        address_count INTEGER NOT NULL
    ) STRICT;",
    // 12: whose data an address import is, shown with its results.
    "ALTER TABLE address_imports ADD COLUMN attribution TEXT;",
];

/// Opens (creating if needed) the database file in `data_dir` and runs pending migrations.
///
/// Writes are durable once acknowledged: WAL journal with `synchronous=FULL`. Foreign keys
/// are on.
pub fn open(data_dir: &Path) -> Result<Connection, DbError> {
    std::fs::create_dir_all(data_dir).map_err(|source| DbError::CreateDir {
        path: data_dir.to_owned(),
        source,
    })?;
    open_file(&data_dir.join(DB_FILE))
}

/// Opens the database file at `path` (created if missing) and runs pending migrations.
pub fn open_file(path: &Path) -> Result<Connection, DbError> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // 64 MiB of page cache (the default is 2 MiB): an import of a million incidents spent
    // most of its time reading back index pages the small cache had let go (perf, 24,500
    // rows/s before).
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every statement is prepared once and kept (the default keeps 16).
    conn.set_prepared_statement_cache_capacity(128);
    migrate(&mut conn)?;
    Ok(conn)
}

/// Runs the migrations not yet applied, in one transaction. Foreign keys are off meanwhile
/// (a table is copied and replaced while others refer to it, as SQLite's documentation on
/// schema changes prescribes) and checked before the commit.
fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(DbError::TooNew { found, known });
    }
    if found == known {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = (|| {
        let tx = conn.transaction()?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(DbError::Corrupt(format!(
                "migration left a broken reference in {table}"
            )));
        }
        tx.commit()?;
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

/// The schema version the database is at.
pub fn schema_version(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_creates_the_file_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        drop(open(dir.path()).unwrap());
        assert!(dir.path().join(DB_FILE).exists());
        // A second open finds the schema current and changes nothing.
        let conn = open(dir.path()).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous must be FULL");
    }

    /// A database of the third schema, with accounts, a session and audit entries, is migrated
    /// without losing any of them: the trail keeps its numbers and stays append-only, account
    /// entries learn whom they concern, and operators can be stored.
    #[test]
    fn schema_3_is_migrated_with_everything_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(
                "INSERT INTO agencies VALUES ('kod', 'KOD', 'KOD', 'partner');
                 INSERT INTO accounts VALUES ('kod-admin', 'admin', 'kod', 'x', 0, 't');
                 INSERT INTO sessions VALUES ('h', 'kod-admin', 'c', 't', 't');
                 INSERT INTO audit (at, login, agency, op, subject, item_id, before, after)
                 VALUES ('t', 'kod-admin', 'kod', 'account_added', 'account', NULL, NULL,
                         '{\"login\":\"kod-lage\",\"role\":\"officer\",\"agency\":\"kod\"}'),
                        ('t', 'kod-admin', 'kod', 'created', 'hotspot', 7, NULL, '{}');",
            )
            .unwrap();
        }
        let conn = open(dir.path()).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        let rows: Vec<(i64, String, Option<String>)> = conn
            .prepare("SELECT seq, op, concerns FROM audit ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, "account_added".to_owned(), Some("kod".to_owned())),
                (2, "created".to_owned(), None)
            ]
        );
        conn.execute(
            "INSERT INTO audit (at, login, agency, op, subject) VALUES ('t', '(unknown login)', NULL, 'sign_in_failed', 'account')",
            [],
        )
        .unwrap();
        let seq: i64 = conn
            .query_row("SELECT max(seq) FROM audit", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seq, 3, "numbering goes on");
        assert!(conn.execute("UPDATE audit SET login = 'x'", []).is_err());
        assert!(conn.execute("DELETE FROM audit", []).is_err());
        conn.execute(
            "INSERT INTO accounts VALUES ('it', 'operator', 'kod', 'x', 0, 't')",
            [],
        )
        .unwrap();
        let sessions: i64 = conn
            .query_row(
                "SELECT count(*) FROM sessions s JOIN accounts a ON a.login = s.login",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sessions, 1);
        // Foreign keys are on again: a session of nobody is refused.
        assert!(
            conn.execute(
                "INSERT INTO sessions VALUES ('h2', 'niemand', 'c', 't', 't')",
                []
            )
            .is_err()
        );
    }

    /// Schema 5 copies the items without the list of kinds: ids and bodies stay, a new item
    /// never takes the id of a deleted one, and the incidents' indexes are there.
    #[test]
    fn schema_4_items_are_copied_with_their_ids_and_counter() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            for sql in &MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.execute_batch(
                "INSERT INTO items (kind, version, updated_at, body) VALUES
                     ('hotspot', 1, 't', '{\"a\":1}'), ('route', 2, 't', '{\"b\":2}'),
                     ('action', 1, 't', '{}');
                 DELETE FROM items WHERE id = 3;",
            )
            .unwrap();
            assert!(
                conn.execute(
                    "INSERT INTO items (kind, version, updated_at, body) VALUES ('incident', 1, 't', '{}')",
                    []
                )
                .is_err(),
                "schema 4 still lists the kinds"
            );
        }
        let conn = open(dir.path()).unwrap();
        let rows: Vec<(i64, String, i64, String)> = conn
            .prepare("SELECT id, kind, version, body FROM items ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, "hotspot".to_owned(), 1, "{\"a\":1}".to_owned()),
                (2, "route".to_owned(), 2, "{\"b\":2}".to_owned())
            ]
        );
        conn.execute(
            "INSERT INTO items (kind, version, updated_at, body) VALUES ('incident', 1, 't', '{\"source_key\":\"k\"}')",
            [],
        )
        .unwrap();
        assert_eq!(
            conn.last_insert_rowid(),
            4,
            "id 3 was used once and stays unused"
        );
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT 1 FROM items WHERE kind = 'incident' AND body ->> 'agency' = 'kod' AND body ->> 'source_key' = 'k'",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("incidents_by_source"), "{plan}");
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        assert!(matches!(
            open(dir.path()),
            Err(DbError::TooNew { found: 99, .. })
        ));
    }
}
