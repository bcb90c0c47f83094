//! `GET /api/districts`: an RFC 7946 FeatureCollection, `application/geo+json`.

use axum::{extract::State, response::Response};
use model::district::to_feature_collection;

use crate::{db, error::AppError, layer_cache::Encoding, state::AppState};

/// The media type RFC 7946 registers for GeoJSON.
pub const GEO_JSON: &str = "application/geo+json";

/// The same for every reader, so kept finished in the layer cache between imports.
pub async fn list(State(state): State<AppState>, encoding: Encoding) -> Result<Response, AppError> {
    let build = async {
        let districts = state.db.call(db::districts).await.map_err(AppError::Db)?;
        Ok(to_feature_collection(&districts).to_string())
    };
    let key = (crate::layer_cache::Answer::Districts, String::new());
    state.layers.answer(key, GEO_JSON, encoding, build).await
}
