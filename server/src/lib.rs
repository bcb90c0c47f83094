//! Lagebild Hamm's server: a thin axum API over an embedded SQLite database that also serves the
//! built WebAssembly app.
//!
//! Endpoints (paths are constants in [`model::api`]):
//! - `GET /api/health` — liveness and what the database holds
//! - `GET /api/districts` — the seven districts, an RFC 7946 FeatureCollection
//! - `GET /api/outline` — the city boundary, an RFC 7946 Feature
//! - `GET /api/config` — map centre, bounds, optional tile server
//! - anything else under `/api/` — a JSON 404
//! - every other path — the app's files, with `index.html` for client-side routes

pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod telemetry;

pub use config::Config;
pub use startup::{Application, StartupError, app};
