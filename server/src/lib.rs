//! Lagebild Hamm's server: a thin axum API over an embedded SQLite database (or PostgreSQL,
//! shared by several servers) that also serves the built WebAssembly app.
//!
//! Endpoints (paths are constants in [`model::api`]):
//! - `GET /api/health` — liveness and what the database holds
//! - `GET /api/districts` — the seven districts, an RFC 7946 FeatureCollection
//! - `GET /api/outline` — the city boundary, an RFC 7946 Feature
//! - `GET /api/config` — map centre, bounds, optional tile server
//! - `GET|POST /api/agencies` — agencies; guests can be added
//! - `GET|POST /api/hotspots`, `/api/routes`, `/api/actions`, `/api/incidents` — filterable
//!   layers and creation;
//!   `GET|PUT|DELETE …/{id}` with `ETag` / `If-Match` (see [`handlers::items`])
//! - `GET /api/conflicts`, `/api/coverage`, `/api/summary` — analysis (see [`handlers::analysis`])
//! - `GET /api/incidents/density` — incidents counted per grid cell (see [`handlers::incidents`])
//! - `GET /api/export/{file}`, `POST /api/import/{districts,hotspots,routes,incidents}` (see
//!   [`handlers::transfer`])
//! - `GET /api/openapi.json` — OpenAPI 3.1, built from the same endpoint table as the router
//! - `GET /api/events` — Server-Sent Events with resume (see [`handlers::events`])
//! - anything else under `/api/` — a JSON 404
//! - every other path — the app's files, with `index.html` for client-side routes

pub mod accounts;
pub mod address_import;
pub mod addresses;
pub mod alert_cache;
pub mod alerts;
pub mod announcement;
pub mod attachment;
pub mod audit;
pub mod basemap;
pub mod change_feed;
pub mod cli;
pub mod config;
pub mod copy_to_postgres;
pub mod db;
pub mod db_error;
pub mod demo;
pub mod endpoint;
pub mod error;
pub mod guard;
pub mod handlers;
pub mod import;
pub mod incident_import;
pub mod jobs;
pub mod json;
pub mod kept;
pub mod layer_cache;
pub mod openapi;
pub mod params;
pub mod passwords;
#[cfg(any(test, feature = "pg-cluster"))]
pub mod pg_cluster;
pub mod pg_schema;
pub mod picture;
pub mod rate_limit;
pub mod retention;
#[cfg(any(test, feature = "sample-data"))]
pub mod sample_data;
pub mod security;
pub mod seed;
pub mod sessions;
pub mod sql;
pub mod sqlite_schema;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod store;
pub mod telemetry;
#[cfg(test)]
pub mod test_support;

pub use config::Config;
pub use startup::{Application, StartupError, app};
