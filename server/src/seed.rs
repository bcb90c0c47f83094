//! First-start content: the approximate districts, computed from the embedded reference data.

use model::partition::{PartitionError, approximate_districts};

use crate::db::{self, Database, DbError};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot derive district boundaries: {0}")]
    Partition(#[from] PartitionError),
}

/// Stores the approximate districts unless the database already holds districts (approximate or
/// imported official ones, which are never overwritten).
pub async fn districts_if_empty(db: &Database) -> Result<(), SeedError> {
    if db.call(|c| db::district_count(c)).await? > 0 {
        return Ok(());
    }
    let districts = tokio::task::spawn_blocking(approximate_districts)
        .await
        .map_err(|e| DbError::Task(e.to_string()))??;
    tracing::info!("derived {} approximate districts", districts.len());
    db.call(move |c| db::replace_districts(c, &districts))
        .await?;
    Ok(())
}
