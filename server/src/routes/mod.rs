//! The API routes; each module serves one resource.

pub mod agencies;
pub mod analysis;
pub mod districts;
pub mod events;
pub mod health;
pub mod items;
pub mod map_config;
pub mod outline;
pub mod query;
pub mod transfer;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderMap, header},
    routing::{get, post},
};
use model::{Action, Hotspot, PatrolRoute, api};

use crate::{error::AppError, json::MAX_BODY, state::AppState};

/// All `/api` routes. Unknown API paths and methods get JSON errors, never the app's HTML.
pub fn api() -> Router<AppState> {
    Router::new()
        .route(api::HEALTH, get(health::get))
        .route(api::DISTRICTS, get(districts::list))
        .route(api::OUTLINE, get(outline::get))
        .route(api::CONFIG, get(map_config::get))
        .route(api::AGENCIES, get(agencies::list).post(agencies::create))
        .merge(items::router::<Hotspot>(api::HOTSPOTS))
        .merge(items::router::<PatrolRoute>(api::ROUTES))
        .merge(items::router::<Action>(api::ACTIONS))
        .route(api::CONFLICTS, get(analysis::conflicts))
        .route(api::COVERAGE, get(analysis::coverage))
        .route(api::SUMMARY, get(analysis::summary))
        .route(api::EVENTS, get(events::stream))
        .route("/api/export/{file}", get(transfer::export))
        .merge(
            Router::new()
                .route("/api/import/districts", post(transfer::import_districts))
                .route(
                    "/api/import/hotspots",
                    post(transfer::import_items::<Hotspot>),
                )
                .route(
                    "/api/import/routes",
                    post(transfer::import_items::<PatrolRoute>),
                )
                .layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
        )
        .route("/api", get(not_found))
        .route("/api/{*rest}", get(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

async fn not_found() -> AppError {
    AppError::NotFound("API endpoint".into())
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// The strong ETag of an item version.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The version an `If-Match` header names; required for changes.
pub fn if_match(headers: &HeaderMap) -> Result<i64, AppError> {
    let value = headers
        .get(header::IF_MATCH)
        .ok_or(AppError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|v| v.strip_prefix("\"v"))
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest {
            field: "If-Match".into(),
            reason: "must be the ETag of the version you edit, e.g. \"v3\"".into(),
        })
}

/// Query string pairs, decoded.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
