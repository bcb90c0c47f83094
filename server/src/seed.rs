//! First-start content: the approximate districts, computed from the embedded reference data.

use model::partition::{PartitionError, approximate_districts};

use crate::db::{self, Database, DbError};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot derive district boundaries: {0}")]
    Partition(#[from] PartitionError),
    #[error("cannot load start data: {0}")]
    Demo(String),
}

/// Stores the approximate districts unless the database already holds districts (approximate or
/// imported official ones, which are never overwritten). Servers starting at once on one
/// PostgreSQL database store them once: the check and the write are one writer's transaction.
pub async fn districts_if_empty(db: &Database) -> Result<(), SeedError> {
    if db.call(db::district_count).await.map_err(SeedError::Db)? > 0 {
        return Ok(());
    }
    let districts = tokio::task::spawn_blocking(approximate_districts)
        .await
        .map_err(|e| DbError::Task(e.to_string()))??;
    let stored = db
        .write(move |tx| {
            if db::district_count(tx)? > 0 {
                return Ok(0);
            }
            db::write_districts(tx, &districts)?;
            Ok::<_, DbError>(districts.len())
        })
        .await?;
    if stored > 0 {
        tracing::info!("derived {stored} approximate districts");
    }
    Ok(())
}

/// The partnership's agencies; reference data, added where missing on every start.
pub async fn agencies(db: &Database) -> Result<(), SeedError> {
    db.write(|c| {
        for a in model::agency::partnership_agencies() {
            crate::store::insert_agency(c, &a)?;
        }
        Ok::<_, crate::store::StoreError>(())
    })
    .await
    .map_err(|e| SeedError::Demo(e.to_string()))
}

/// The demo picture, on a database that has never held any item (its change log is empty).
pub async fn demo_if_new(db: &Database, districts: Vec<model::District>) -> Result<(), SeedError> {
    let loaded = db
        .write(move |c| {
            if crate::store::last_seq(c)? > 0 {
                return Ok(0);
            }
            crate::demo::load(c, &districts, jiff::Timestamp::now())
        })
        .await
        .map_err(|e| SeedError::Demo(e.to_string()))?;
    if loaded > 0 {
        tracing::info!("loaded {loaded} demo items (Beispieldaten)");
    }
    Ok(())
}
