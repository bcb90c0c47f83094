//! The API routes; each module serves one resource.

pub mod districts;
pub mod health;
pub mod map_config;
pub mod outline;

use axum::{Router, routing::get};
use model::api;

use crate::{error::AppError, state::AppState};

/// All `/api` routes. Unknown API paths and methods get JSON errors, never the app's HTML.
pub fn api() -> Router<AppState> {
    Router::new()
        .route(api::HEALTH, get(health::get))
        .route(api::DISTRICTS, get(districts::list))
        .route(api::CONFIG, get(map_config::get))
        .route(api::OUTLINE, get(outline::get))
        .route("/api", get(not_found))
        .route("/api/{*rest}", get(not_found))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> AppError {
    AppError::NotFound("API endpoint".into())
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

#[cfg(test)]
mod tests;
