//! The API's HTTP handlers; each module serves one resource.

pub mod admin;
pub mod agencies;
pub mod alerts;
pub mod analysis;
pub mod districts;
pub mod events;
pub mod health;
pub mod incidents;
pub mod items;
pub mod map_config;
pub mod outline;
pub mod places;
pub mod report;
pub mod session;
pub mod tiles;
pub mod transfer;

use std::sync::{Arc, OnceLock};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::header,
    middleware,
    response::{IntoResponse, Response},
    routing::{any, get, post},
};
use model::{Action, Hotspot, Incident, PatrolRoute, access::Access, api};
use tower_http::{CompressionLevel, compression::CompressionLayer};

use crate::{
    endpoint::{Body, Endpoint, Op},
    error::AppError,
    guard,
    state::AppState,
};

pub use crate::params::LAYER_FILTERS;

/// Every API endpoint. Each operation names its [`Access`]; the guard refuses a method that
/// names none.
pub fn endpoints() -> Vec<Endpoint> {
    use Access::{Admin, Manage, Operator, Person, Plan, Public, Read};
    let e = |path, handler, ops| Endpoint { path, handler, ops };
    let mut list = vec![
        e(
            api::HEALTH,
            get(health::get),
            vec![Op::get(
                Public,
                "Liveness and what the database holds",
                Body::Json("Health"),
            )],
        ),
        e(
            api::SESSION,
            get(session::me)
                .post(session::login)
                .delete(session::logout),
            vec![
                Op::get(
                    Read,
                    "Who is signed in, with the CSRF token for writes",
                    Body::Json("Me"),
                ),
                Op::post(
                    Public,
                    "Sign in (rate-limited); sets the session cookie",
                    Body::Json("Login"),
                    Body::Json("Me"),
                )
                .status(200),
                Op::delete(Read, "Sign out: the session ends at once"),
            ],
        ),
        e(
            api::SESSION_PAIR,
            post(session::pair),
            vec![
                Op::post(
                    Public,
                    "A wall display signs in with its pairing code",
                    Body::Json("Pair"),
                    Body::Json("Me"),
                )
                .status(200),
            ],
        ),
        e(
            api::ACCOUNTS,
            get(admin::list).post(admin::add),
            vec![
                Op::get(
                    Manage,
                    "The accounts you manage: your agency's (operators: all)",
                    Body::JsonList("Account"),
                ),
                Op::post(
                    Manage,
                    "Add an account of your agency (operators: of any agency, operators too)",
                    Body::Json("NewAccount"),
                    Body::Json("Account"),
                ),
            ],
        ),
        e(
            "/api/accounts/{login}/disable",
            post(admin::disable),
            vec![
                Op::post(
                    Manage,
                    "Disable an account you manage; its sessions end at once",
                    Body::None,
                    Body::Json("Account"),
                )
                .status(200),
            ],
        ),
        e(
            "/api/accounts/{login}/enable",
            post(admin::enable),
            vec![
                Op::post(
                    Manage,
                    "Enable a disabled account you manage",
                    Body::None,
                    Body::Json("Account"),
                )
                .status(200),
            ],
        ),
        e(
            api::DISPLAYS,
            post(admin::pairing_code),
            vec![Op::post(
                Manage,
                "A one-time code (15 minutes) to pair a wall display of your agency (operators: of the agency named)",
                Body::Json("NewDisplay"),
                Body::Json("PairingCode"),
            )],
        ),
        e(
            api::AUDIT,
            get(admin::trail),
            vec![
                Op::get(
                    Manage,
                    "The audit trail as your agency may read it, newest first (the reading is recorded)",
                    Body::JsonList("AuditEntry"),
                )
                .query(&["limit", "before"]),
            ],
        ),
        e(
            api::AUDIT_CSV,
            get(admin::export),
            vec![Op::get(
                Manage,
                "The audit trail as your agency may read it, as CSV (recorded in the trail)",
                Body::Other("text/csv"),
            )],
        ),
        e(
            api::REVIEW_DUE,
            get(analysis::review_due),
            vec![Op::get(
                Person,
                "Your agency's hotspots past their review date",
                Body::GeoJson,
            )],
        ),
        e(
            api::DISTRICTS,
            get(districts::list),
            vec![Op::get(
                Read,
                "The seven districts (FeatureCollection of DistrictProperties)",
                Body::GeoJson,
            )],
        ),
        e(
            api::OUTLINE,
            get(outline::get),
            vec![Op::get(Read, "The city boundary (Feature)", Body::GeoJson)],
        ),
        e(
            api::CONFIG,
            get(map_config::get),
            vec![Op::get(
                Read,
                "Map start view and tile server",
                Body::Json("MapConfig"),
            )],
        ),
        e(
            api::AGENCIES,
            get(agencies::list).post(agencies::create),
            vec![
                Op::get(Read, "The agencies", Body::JsonList("Agency")),
                Op::post(
                    Operator,
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
    list.extend(items::endpoints::<Incident>(api::INCIDENTS, "Incident"));
    list.push(e(
        api::INCIDENT_DENSITY,
        get(incidents::density),
        vec![Op::get(
            Read,
            "Incidents counted per grid cell of a box (Web Mercator cells of 1/8 tile); wall displays: small counts withheld, zoom at most 14",
            Body::Json("Density"),
        )
        .query(&["west", "south", "east", "north", "zoom", "from", "to", "category", "agency", "district"])],
    ));
    list.extend([
        e(api::CONFLICTS, get(analysis::conflicts), vec![Op::get(Person, "Operations that collide in a district", Body::JsonList("Conflict")).query(&["from", "to"])]),
        e(api::COVERAGE, get(analysis::coverage), vec![Op::get(Person, "Patrol coverage of each hotspot in a week", Body::JsonList("Coverage")).query(&["week"])]),
        e(api::INDICATORS, get(analysis::indicators), vec![Op::get(Read, "The wall's indicator tiles now (counts below the threshold as \"< n\" for wall displays)", Body::Json("Indicators")).query(&["district", "at"])]),
        e(api::SUMMARY, get(analysis::summary), vec![Op::get(Read, "Per-district counts, incidents per 1,000 residents (counts below the threshold as \"< n\" for wall displays)", Body::JsonList("DistrictSummary")).query(&["at", "from", "to"])]),
        e(api::REPORT, get(report::get), vec![Op::get(Person, "The steering group's report for a period (YYYY-MM-DD, both days included, at most 366 days), from what is released to you, small incident counts withheld; JSON or, with format=csv, a German CSV (recorded in the audit trail)", Body::Json("Report")).query(&["from", "to", "format"])]),
        e(api::ALERTS, get(alerts::list), vec![Op::get(Read, "Early detection: where more incidents happened in the recent week than expected (from what is released to you; counts below the threshold withheld for wall displays)", Body::Json("AlertList")).query(&["district"])]),
        e("/api/alerts/{key}/acknowledgement", post(alerts::acknowledge), vec![Op::post(Plan, "Acknowledge one of your agency's current alerts (recorded in the audit trail)", Body::Json("NewAcknowledgement"), Body::Json("Acknowledgement"))]),
        e(
            api::EVENTS,
            get(events::stream),
            vec![Op::get(Read, "Server-Sent Events: `change` events (data: ChangeEvent) with resume; only of items released to you", Body::Other("text/event-stream"))
                .query(&["since"])
                .headers(&["Last-Event-ID"])],
        ),
        e(
            api::PLACES,
            get(places::get),
            vec![Op::get(Person, "Place search: districts, named places, and the hotspots, routes and actions released to your agency, by name (forgiving case, umlauts, Str./Straße, small typos)", Body::JsonList("PlaceHit")).query(&["q", "limit"])],
        ),
        e(
            "/tiles/{name}/{z}/{x}/{y}",
            get(tiles::get),
            vec![Op::get(Read, "A tile of a base map the server carries (--basemap): PNG, JPEG, WebP or a vector tile; 204 where the map has none", Body::Other("application/octet-stream")).headers(&["If-None-Match"])],
        ),
        e(
            "/api/export/{file}",
            get(transfer::export),
            vec![Op::get(Person, "Export (recorded in the audit trail): hotspots.geojson, routes.geojson, actions.geojson, incidents.geojson, actions.csv, actions.ics, districts.csv", Body::Other("application/octet-stream")).query(LAYER_FILTERS)],
        ),
        e(
            api::INCIDENT_IMPORT,
            post(incidents::import).layer(DefaultBodyLimit::max(incidents::MAX_INCIDENT_UPLOAD)),
            vec![Op::post(Admin, "Import incident reports of your agency from CSV (semicolons, TT.MM.JJJJ HH:MM, WGS84 or EPSG:25832) or GeoJSON, all or nothing; rows stored already are skipped", Body::Other("text/csv"), Body::Json("ImportOutcome")).query(&["released_to"])],
        ),
        e(
            "/api/import/districts",
            post(transfer::import_districts).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post(Operator, "Import official district boundaries (all seven)", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(
            "/api/import/hotspots",
            post(transfer::import_items::<Hotspot>).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post(Admin, "Import hotspots of your agency, all or nothing", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(
            "/api/import/routes",
            post(transfer::import_items::<PatrolRoute>).layer(DefaultBodyLimit::max(transfer::MAX_IMPORT)),
            vec![Op::post(Admin, "Import patrol routes of your agency, all or nothing", Body::GeoJson, Body::Json("Imported"))],
        ),
        e(api::OPENAPI, get(openapi_json), vec![Op::get(Public, "This document (OpenAPI 3.1)", Body::Other("application/json"))]),
    ]);
    list
}

/// The OpenAPI document, written once.
pub fn openapi_text() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        crate::openapi::document(&endpoints())
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text()).into_response()
}

/// The paths whose `GET` answers come from the layer cache, encoded as the client accepts.
pub(crate) const ENCODED_BY_THE_CACHE: &[&str] = &[
    api::DISTRICTS,
    api::HOTSPOTS,
    api::HOTSPOT_MAP,
    api::ROUTES,
    api::ACTIONS,
    api::INCIDENTS,
    api::INCIDENT_DENSITY,
    api::CONFLICTS,
    api::COVERAGE,
    api::SUMMARY,
    api::INDICATORS,
];

/// Compression of answers where the client accepts it. Server-Sent Events and images are left
/// uncompressed (the default predicate), and so are answers that come encoded already.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Fastest)
}

/// All `/api` routes, each behind its guard (see [`guard`]). Unknown API paths and methods get
/// JSON errors, never the app's HTML.
pub fn api(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for e in endpoints() {
        let rules = guard::Rules {
            state: state.clone(),
            access: Arc::new(e.ops.iter().map(|o| (o.method.clone(), o.access)).collect()),
            stream: e.path == api::EVENTS,
            bulk: e.path == api::INCIDENT_IMPORT,
        };
        let handler = e
            .handler
            .route_layer(middleware::from_fn_with_state(rules, guard::guard));
        // The layer cache's answers come encoded already (gzip or brotli): their routes skip
        // the compression wrapper, which every request would pass for nothing. (Their other
        // method, POST, answers with one item.)
        let handler = if ENCODED_BY_THE_CACHE.contains(&e.path) {
            handler
        } else {
            handler.layer(compression())
        };
        router = router.route(e.path, handler);
    }
    router
        .route("/api", any(not_found))
        .route("/api/", any(not_found))
        .route("/api/{*rest}", any(not_found))
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
#[cfg(test)]
mod tests_abuse;
#[cfg(test)]
mod tests_access;
#[cfg(test)]
mod tests_alerts;
#[cfg(test)]
mod tests_fuzz;
#[cfg(test)]
mod tests_headers;
#[cfg(test)]
mod tests_incidents;
#[cfg(test)]
mod tests_places;
#[cfg(test)]
mod tests_policy;
#[cfg(test)]
mod tests_releasability;
#[cfg(test)]
mod tests_report;
#[cfg(test)]
mod tests_servers;
#[cfg(test)]
mod tests_tiles;
