//! `GET /api/config`

use axum::{Json, extract::State};
use model::MapConfig;

use crate::state::AppState;

pub async fn get(State(state): State<AppState>) -> Json<MapConfig> {
    Json((*state.map_config).clone())
}
