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

use std::sync::OnceLock;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get, post},
};
use model::{Action, Hotspot, PatrolRoute, api};

use tower_http::timeout::TimeoutLayer;

use crate::{error::AppError, json::MAX_BODY, state::AppState};

/// A documented request body or response.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    None,
    /// JSON of the named schema.
    Json(&'static str),
    /// A JSON array of the named schema.
    JsonList(&'static str),
    /// A stored item: the named schema with `id`, `version`, `updated_at`.
    Stored(&'static str),
    GeoJson,
    /// Another media type (text).
    Other(&'static str),
}

/// One method on one path, as documented.
#[derive(Debug, Clone)]
pub struct Op {
    pub method: Method,
    pub summary: &'static str,
    pub query: &'static [&'static str],
    pub headers: &'static [&'static str],
    pub request: Body,
    pub response: Body,
    pub status: u16,
}

impl Op {
    pub fn get(summary: &'static str, response: Body) -> Op {
        Op {
            method: Method::GET,
            summary,
            query: &[],
            headers: &[],
            request: Body::None,
            response,
            status: 200,
        }
    }

    pub fn post(summary: &'static str, request: Body, response: Body) -> Op {
        Op {
            method: Method::POST,
            summary,
            query: &[],
            headers: &[],
            request,
            response,
            status: 201,
        }
    }

    pub fn query(mut self, names: &'static [&'static str]) -> Op {
        self.query = names;
        self
    }

    pub fn headers(mut self, names: &'static [&'static str]) -> Op {
        self.headers = names;
        self
    }
}

/// A path, its handlers, and their documentation: the router and the OpenAPI document are both
/// built from the list of these, so no route exists undocumented.
pub struct Endpoint {
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
    pub ops: Vec<Op>,
}

pub const LAYER_FILTERS: &[&str] = &["district", "agency", "kind", "status", "from", "to"];

/// Every API endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    let e = |path, handler, ops| Endpoint { path, handler, ops };
    let mut list = vec![
        e(
            api::HEALTH,
            get(health::get),
            vec![Op::get(
                "Liveness and what the database holds",
                Body::Json("Health"),
            )],
        ),
        e(
            api::DISTRICTS,
            get(districts::list),
            vec![Op::get(
                "The seven districts (FeatureCollection of DistrictProperties)",
                Body::GeoJson,
            )],
        ),
        e(
            api::OUTLINE,
            get(outline::get),
            vec![Op::get("The city boundary (Feature)", Body::GeoJson)],
        ),
        e(
            api::CONFIG,
            get(map_config::get),
            vec![Op::get(
                "Map start view and tile server",
                Body::Json("MapConfig"),
            )],
        ),
        e(
            api::AGENCIES,
            get(agencies::list).post(agencies::create),
            vec![
                Op::get("The agencies", Body::JsonList("Agency")),
                Op::post(
                    "Add a guest agency",
                    Body::Json("Agency"),
                    Body::Json("Agency"),
                ),
            ],
        ),
    ];
    list.extend(items::endpoints::<Hotspot>(api::HOTSPOTS, "Hotspot"));
    list.extend(items::endpoints::<PatrolRoute>(api::ROUTES, "PatrolRoute"));
    list.extend(items::endpoints::<Action>(api::ACTIONS, "Action"));
    list.extend([
        e(api::CONFLICTS, get(analysis::conflicts), vec![Op::get("Operations that collide in a district", Body::JsonList("Conflict")).query(&["from", "to"])]),
        e(api::COVERAGE, get(analysis::coverage), vec![Op::get("Patrol coverage of each hotspot in a week", Body::JsonList("Coverage")).query(&["week"])]),
        e(api::INDICATORS, get(analysis::indicators), vec![Op::get("The wall's indicator tiles now", Body::Json("Indicators")).query(&["district", "at"])]),
        e(api::SUMMARY, get(analysis::summary), vec![Op::get("Per-district counts", Body::JsonList("DistrictSummary")).query(&["at", "from", "to"])]),
        e(
            api::EVENTS,
            get(events::stream),
            vec![Op::get("Server-Sent Events: `change` events (data: ChangeEvent) with resume", Body::Other("text/event-stream"))
                .query(&["since"])
                .headers(&["Last-Event-ID"])],
        ),
        e(
            "/api/export/{file}",
            get(transfer::export),
            vec![Op::get("Export: hotspots.geojson, routes.geojson, actions.geojson, actions.csv, actions.ics", Body::Other("application/octet-stream")).query(LAYER_FILTERS)],
        ),
        e(
            "/api/import/districts",
            post(transfer::import_districts).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post("Import official district boundaries (all seven)", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(
            "/api/import/hotspots",
            post(transfer::import_items::<Hotspot>).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post("Import hotspots, all or nothing", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(
            "/api/import/routes",
            post(transfer::import_items::<PatrolRoute>).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post("Import patrol routes, all or nothing", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(api::OPENAPI, get(openapi_json), vec![Op::get("This document (OpenAPI 3.1)", Body::Other("application/json"))]),
    ]);
    list
}

async fn openapi_json() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        crate::openapi::document(&endpoints())
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str()).into_response()
}

/// How long one API request may take, reading its body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// All `/api` routes. Unknown API paths and methods get JSON errors, never the app's HTML.
pub fn api() -> Router<AppState> {
    let mut router = Router::new();
    for e in endpoints() {
        // Every request but the event stream (which stays open) must be answered in time.
        let handler = if e.path == api::EVENTS {
            e.handler
        } else {
            e.handler.layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
            ))
        };
        router = router.route(e.path, handler);
    }
    router
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
#[cfg(test)]
mod tests_fuzz;
#[cfg(test)]
mod tests_headers;
