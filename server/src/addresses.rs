//! The imported address list (`server places import`, read by [`crate::address_import`]):
//! stored in the table `addresses`, replaced whole by each import and numbered in
//! `address_imports`, and kept in memory as a [`AddressIndex`] for the place search.
//!
//! A search first asks the database for the number of the latest import (one small query), so
//! an import through the command line or through another server sharing the database is
//! searched from the next request on, without restarting anything. Coordinates are stored as
//! integers of 10⁻⁷ degrees (about a centimetre), which both databases hold exactly.

use std::sync::Arc;

use model::address_index::{Address, AddressIndex};

use crate::{args, db_error::DbError, sql::Tx};

/// An import: its number, when, from which file, and how many addresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportInfo {
    pub id: i64,
    pub at: String,
    pub source: String,
    pub addresses: i64,
    /// Whose data they are, shown with each result (`--attribution`).
    pub attribution: Option<String>,
}

/// Addresses written per statement.
const BATCH: usize = 200;

fn to_e7(degrees: f64) -> i64 {
    (degrees * 1e7).round() as i64
}

fn from_e7(e7: i64) -> f64 {
    e7 as f64 / 1e7
}

/// Replaces the stored addresses with `list` (from the file `source`); returns the import.
pub fn replace(
    tx: &Tx,
    list: &[Address],
    source: &str,
    attribution: Option<&str>,
) -> Result<ImportInfo, DbError> {
    tx.execute("DELETE FROM addresses", args![])?;
    for chunk in list.chunks(BATCH) {
        let rows = (0..chunk.len())
            .map(|i| {
                let p = i * 5;
                format!(
                    "(?{}, ?{}, ?{}, ?{}, ?{})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut values = Vec::with_capacity(chunk.len() * 5);
        for a in chunk {
            values.push(crate::sql::Value::Text(&a.street));
            values.push(crate::sql::Value::Text(&a.number));
            values.push(match &a.postcode {
                Some(p) => crate::sql::Value::Text(p),
                None => crate::sql::Value::Null,
            });
            values.push(crate::sql::Value::Int(to_e7(a.point[0])));
            values.push(crate::sql::Value::Int(to_e7(a.point[1])));
        }
        tx.execute(
            &format!(
                "INSERT INTO addresses (street, number, postcode, lon_e7, lat_e7) VALUES {rows}"
            ),
            &values,
        )?;
    }
    let at = jiff::Timestamp::now().to_string();
    let id = tx.query_one(
        "INSERT INTO address_imports (at, source, address_count, attribution)
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
        args![at.as_str(), source, list.len() as i64, attribution],
        |r| r.get(0),
    )?;
    Ok(ImportInfo {
        id,
        at,
        source: source.to_owned(),
        addresses: list.len() as i64,
        attribution: attribution.map(str::to_owned),
    })
}

/// The latest import, if there was one.
pub fn latest(tx: &Tx) -> Result<Option<ImportInfo>, DbError> {
    tx.query_opt(
        "SELECT id, at, source, address_count, attribution FROM address_imports
         ORDER BY id DESC LIMIT 1",
        args![],
        |r| {
            Ok(ImportInfo {
                id: r.get(0)?,
                at: r.get(1)?,
                source: r.get(2)?,
                addresses: r.get(3)?,
                attribution: r.get(4)?,
            })
        },
    )
}

/// Every stored address.
pub fn load(tx: &Tx) -> Result<Vec<Address>, DbError> {
    let mut list = Vec::new();
    tx.for_each(
        "SELECT street, number, postcode, lon_e7, lat_e7 FROM addresses",
        args![],
        |r| {
            list.push(Address {
                street: r.get(0)?,
                number: r.get(1)?,
                postcode: r.get(2)?,
                point: [from_e7(r.get(3)?), from_e7(r.get(4)?)],
            });
            Ok(())
        },
    )?;
    Ok(list)
}

/// The addresses as last loaded, and the import they came from (0: none).
#[derive(Default)]
pub struct AddressBook {
    loaded: Arc<tokio::sync::Mutex<(i64, Arc<AddressIndex>)>>,
}

impl AddressBook {
    /// The index of the latest import, loaded again if a newer import came. One load at a
    /// time, in a task of its own: searches meanwhile wait for it rather than each loading
    /// the list, and a search that gives up (a timeout, a client gone) does not throw the
    /// load away.
    pub async fn index(&self, db: &crate::db::Database) -> Result<Arc<AddressIndex>, DbError> {
        let newest = db
            .call(|tx| latest(tx).map(|i| i.map_or(0, |i| i.id)))
            .await?;
        {
            let loaded = self.loaded.lock().await;
            if loaded.0 >= newest {
                return Ok(Arc::clone(&loaded.1));
            }
        }
        let slot = Arc::clone(&self.loaded);
        let db = db.clone();
        tokio::spawn(async move {
            let mut loaded = slot.lock().await;
            if loaded.0 >= newest {
                return Ok(Arc::clone(&loaded.1));
            }
            // The import's number is read before its rows (on PostgreSQL they are separate
            // snapshots): an import committed in between is at worst loaded twice, never
            // mistaken for the one before.
            let (id, attribution, list) = db
                .call(|tx| {
                    let import = latest(tx)?;
                    let id = import.as_ref().map_or(0, |i| i.id);
                    let attribution = import.and_then(|i| i.attribution);
                    Ok::<_, DbError>((id, attribution, load(tx)?))
                })
                .await?;
            let index = tokio::task::spawn_blocking(move || AddressIndex::new(list, attribution))
                .await
                .map_err(|e| DbError::Task(e.to_string()))?;
            *loaded = (id, Arc::new(index));
            Ok(Arc::clone(&loaded.1))
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }
}
