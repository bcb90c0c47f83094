//! `GET /api/outline`: the city boundary as an RFC 7946 Feature, `application/geo+json`.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

use model::api::GEO_JSON;

use crate::state::AppState;

pub async fn get(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, GEO_JSON)],
        state.outline.as_ref().clone(),
    )
        .into_response()
}
