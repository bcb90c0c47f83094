//! Items, agencies and the change log in SQLite. Every write validates against the current
//! picture and appends its change event in the same transaction, so an event exists exactly
//! when its change was committed.

use jiff::Timestamp;
use model::{
    Agency, AgencyKey, Context, District, Item, ItemKind, Stored,
    event::{ChangeEvent, ChangeOp},
    validation::FieldError,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::db::{self, DbError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} {id} not found")]
    NotFound { kind: ItemKind, id: i64 },
    #[error("{kind} {id} has changed (now version {current})")]
    Stale {
        kind: ItemKind,
        id: i64,
        current: i64,
    },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(DbError::Sqlite(e))
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(DbError::Corrupt(format!("{what}: {e}")))
}

pub fn agencies(conn: &Connection) -> Result<Vec<Agency>, StoreError> {
    let mut stmt =
        conn.prepare("SELECT key, name, short_name, role FROM agencies ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (key, name, short_name, role) = row?;
        Ok(Agency {
            key: AgencyKey::parse(&key).map_err(|e| corrupt("agency key", e))?,
            name,
            short_name,
            role: serde_json::from_value(role.into()).map_err(|e| corrupt("agency role", e))?,
        })
    })
    .collect()
}

pub fn insert_agency(conn: &Connection, a: &Agency) -> Result<(), StoreError> {
    let role = serde_json::to_value(a.role).map_err(|e| corrupt("agency role", e))?;
    conn.execute(
        "INSERT OR IGNORE INTO agencies (key, name, short_name, role) VALUES (?1, ?2, ?3, ?4)",
        params![
            a.key.as_str(),
            a.name,
            a.short_name,
            role.as_str().unwrap_or("guest")
        ],
    )?;
    Ok(())
}

fn read<T: Item>(
    id: i64,
    version: i64,
    updated_at: &str,
    body: &str,
) -> Result<Stored<T>, StoreError> {
    Ok(Stored {
        id,
        version,
        updated_at: updated_at.parse().map_err(|e| corrupt("updated_at", e))?,
        item: serde_json::from_str(body).map_err(|e| corrupt(T::KIND.as_str(), e))?,
    })
}

/// Every item of one kind, oldest first.
pub fn list<T: Item>(conn: &Connection) -> Result<Vec<Stored<T>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, version, updated_at, body FROM items WHERE kind = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([T::KIND.as_str()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (id, version, at, body) = row?;
        read(id, version, &at, &body)
    })
    .collect()
}

pub fn get<T: Item>(conn: &Connection, id: i64) -> Result<Stored<T>, StoreError> {
    let row = conn
        .query_row(
            "SELECT version, updated_at, body FROM items WHERE kind = ?1 AND id = ?2",
            params![T::KIND.as_str(), id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    match row {
        Some((version, at, body)) => read(id, version, &at, &body),
        None => Err(StoreError::NotFound { kind: T::KIND, id }),
    }
}

fn ids(tx: &Transaction, kind: ItemKind) -> Result<Vec<i64>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT id FROM items WHERE kind = ?1")?;
    let ids = stmt
        .query_map([kind.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// What validation needs from the database, as the transaction sees it.
pub struct Known {
    pub agencies: Vec<AgencyKey>,
    pub hotspot_ids: Vec<i64>,
    pub route_ids: Vec<i64>,
}

impl Known {
    pub fn read(tx: &Transaction) -> Result<Known, StoreError> {
        Ok(Known {
            agencies: agencies(tx)?.into_iter().map(|a| a.key).collect(),
            hotspot_ids: ids(tx, ItemKind::Hotspot)?,
            route_ids: ids(tx, ItemKind::Route)?,
        })
    }

    pub fn context<'a>(&'a self, districts: &'a [District]) -> Context<'a> {
        Context {
            agencies: &self.agencies,
            districts,
            hotspot_ids: &self.hotspot_ids,
            route_ids: &self.route_ids,
        }
    }
}

/// Validates `item` against the picture as the transaction sees it.
fn prepare<T: Item>(
    tx: &Transaction,
    item: &mut T,
    districts: &[District],
) -> Result<(), StoreError> {
    let known = Known::read(tx)?;
    item.prepare(&known.context(districts))
        .map_err(StoreError::Invalid)
}

/// Inserts an item that has been prepared, with its change event.
pub fn insert_prepared<T: Item>(
    tx: &Transaction,
    item: &T,
    now: Timestamp,
) -> Result<(i64, ChangeEvent), StoreError> {
    tx.execute(
        "INSERT INTO items (kind, version, updated_at, body) VALUES (?1, 1, ?2, ?3)",
        params![T::KIND.as_str(), now.to_string(), body(item)?],
    )?;
    let id = tx.last_insert_rowid();
    let event = log(tx, T::KIND, id, ChangeOp::Created, 1, &now.to_string())?;
    Ok((id, event))
}

/// Writes a new body for an item at `version` (already checked), with its change event.
pub fn write_version<T: Item>(
    tx: &Transaction,
    id: i64,
    version: i64,
    item: &T,
    now: Timestamp,
) -> Result<ChangeEvent, StoreError> {
    tx.execute(
        "UPDATE items SET version = ?1, updated_at = ?2, body = ?3 WHERE id = ?4",
        params![version, now.to_string(), body(item)?, id],
    )?;
    log(
        tx,
        T::KIND,
        id,
        ChangeOp::Updated,
        version,
        &now.to_string(),
    )
}

/// Appends a change event that is not about one item (e.g. an import of districts).
pub fn log_other(tx: &Transaction, kind: &str, op: ChangeOp) -> Result<ChangeEvent, StoreError> {
    tx.execute(
        "INSERT INTO events (kind, item_id, op, version, at) VALUES (?1, 0, ?2, 0, ?3)",
        params![kind, op.as_str(), Timestamp::now().to_string()],
    )?;
    Ok(ChangeEvent {
        seq: tx.last_insert_rowid(),
        kind: kind.to_owned(),
        id: 0,
        op,
        version: 0,
    })
}

fn log(
    tx: &Transaction,
    kind: ItemKind,
    id: i64,
    op: ChangeOp,
    version: i64,
    at: &str,
) -> Result<ChangeEvent, StoreError> {
    tx.execute(
        "INSERT INTO events (kind, item_id, op, version, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind.as_str(), id, op.as_str(), version, at],
    )?;
    Ok(ChangeEvent::for_item(
        tx.last_insert_rowid(),
        kind,
        id,
        op,
        version,
    ))
}

fn body<T: Item>(item: &T) -> Result<String, StoreError> {
    serde_json::to_string(item).map_err(|e| corrupt("item", e))
}

fn current_version(tx: &Transaction, kind: ItemKind, id: i64) -> Result<i64, StoreError> {
    tx.query_row(
        "SELECT version FROM items WHERE kind = ?1 AND id = ?2",
        params![kind.as_str(), id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(StoreError::NotFound { kind, id })
}

pub fn create<T: Item>(
    conn: &mut Connection,
    mut item: T,
    districts: &[District],
) -> Result<(Stored<T>, ChangeEvent), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    prepare(&tx, &mut item, districts)?;
    let now = Timestamp::now();
    let (id, event) = insert_prepared(&tx, &item, now)?;
    tx.commit()?;
    Ok((
        Stored {
            id,
            version: 1,
            updated_at: now,
            item,
        },
        event,
    ))
}

/// Replaces item `id` if it is still at `expected` version.
pub fn update<T: Item>(
    conn: &mut Connection,
    id: i64,
    expected: i64,
    mut item: T,
    districts: &[District],
) -> Result<(Stored<T>, ChangeEvent), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = current_version(&tx, T::KIND, id)?;
    if current != expected {
        return Err(StoreError::Stale {
            kind: T::KIND,
            id,
            current,
        });
    }
    prepare(&tx, &mut item, districts)?;
    let now = Timestamp::now();
    let version = current + 1;
    let event = write_version(&tx, id, version, &item, now)?;
    tx.commit()?;
    Ok((
        Stored {
            id,
            version,
            updated_at: now,
            item,
        },
        event,
    ))
}

/// Deletes item `id` if it is still at `expected` version.
pub fn delete(
    conn: &mut Connection,
    kind: ItemKind,
    id: i64,
    expected: i64,
) -> Result<ChangeEvent, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = current_version(&tx, kind, id)?;
    if current != expected {
        return Err(StoreError::Stale { kind, id, current });
    }
    tx.execute("DELETE FROM items WHERE id = ?1", [id])?;
    let event = log(
        &tx,
        kind,
        id,
        ChangeOp::Deleted,
        0,
        &Timestamp::now().to_string(),
    )?;
    tx.commit()?;
    Ok(event)
}

/// Change events after `seq`, oldest first (at most `limit`).
pub fn events_after(
    conn: &Connection,
    seq: i64,
    limit: i64,
) -> Result<Vec<ChangeEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, item_id, op, version FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![seq, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, kind, id, op, version) = row?;
        Ok(ChangeEvent {
            seq,
            kind,
            id,
            op: op.parse().map_err(|e| corrupt("event op", e))?,
            version,
        })
    })
    .collect()
}

/// The districts, for validation (kept in memory by the server).
pub fn districts(conn: &Connection) -> Result<Vec<District>, StoreError> {
    Ok(db::districts(conn)?)
}

/// The newest change-log sequence number (0 when empty).
pub fn last_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
}
