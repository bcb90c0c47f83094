//! `GET /api/districts`: an RFC 7946 FeatureCollection, `application/geo+json`.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use model::district::to_feature_collection;

use crate::{db, error::AppError, state::AppState};

/// The media type RFC 7946 registers for GeoJSON.
pub const GEO_JSON: &str = "application/geo+json";

pub async fn list(State(state): State<AppState>) -> Result<Response, AppError> {
    let districts = state
        .db
        .call(|c| db::districts(c))
        .await
        .map_err(AppError::Db)?;
    let body = to_feature_collection(&districts).to_string();
    Ok(([(header::CONTENT_TYPE, GEO_JSON)], body).into_response())
}
