//! `GET /api/health`

use axum::{Json, extract::State};
use model::api::Health;

use crate::{db, error::AppError, state::AppState};

pub async fn get(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    let districts = state
        .db
        .call(db::district_count)
        .await
        .map_err(AppError::Db)?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        districts,
    }))
}
