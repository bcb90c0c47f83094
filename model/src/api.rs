//! API paths and small response bodies shared by server and app, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

/// `GET`: liveness and a count of what the server holds.
pub const HEALTH: &str = "/api/health";
/// `GET`: the seven districts as an RFC 7946 FeatureCollection.
pub const DISTRICTS: &str = "/api/districts";
/// `GET`: the city outline, an RFC 7946 Feature.
pub const OUTLINE: &str = "/api/outline";
/// `GET`: the agencies. `POST`: add a guest agency.
pub const AGENCIES: &str = "/api/agencies";
/// `GET` (layer, filterable) / `POST`; `GET`/`PUT`/`DELETE` on `{HOTSPOTS}/{id}`.
pub const HOTSPOTS: &str = "/api/hotspots";
/// `GET`: the hotspot layer as the map draws it ([`crate::hotspot_map::HotspotMap`]), filtered
/// like [`HOTSPOTS`].
pub const HOTSPOT_MAP: &str = "/api/hotspots/map";
/// Patrol routes, like [`HOTSPOTS`].
pub const ROUTES: &str = "/api/routes";
/// Planned actions, like [`HOTSPOTS`].
pub const ACTIONS: &str = "/api/actions";
/// Incident reports (Lagemeldungen), like [`HOTSPOTS`]; the layer filters by `category`.
pub const INCIDENTS: &str = "/api/incidents";
/// `GET`: incidents counted per grid cell (`?west=&south=&east=&north=&zoom=&from=&to=`).
pub const INCIDENT_DENSITY: &str = "/api/incidents/density";
/// `POST`: incidents from CSV or GeoJSON, all or nothing.
pub const INCIDENT_IMPORT: &str = "/api/import/incidents";
/// The collection path of an item kind.
pub fn collection(kind: crate::ItemKind) -> &'static str {
    match kind {
        crate::ItemKind::Hotspot => HOTSPOTS,
        crate::ItemKind::Route => ROUTES,
        crate::ItemKind::Action => ACTIONS,
        crate::ItemKind::Incident => INCIDENTS,
    }
}

/// The path of one item of a kind, as the router writes it.
pub fn item(kind: crate::ItemKind) -> &'static str {
    match kind {
        crate::ItemKind::Hotspot => "/api/hotspots/{id}",
        crate::ItemKind::Route => "/api/routes/{id}",
        crate::ItemKind::Action => "/api/actions/{id}",
        crate::ItemKind::Incident => "/api/incidents/{id}",
    }
}

/// `GET`: conflicts between operations (optionally `?from=&to=`).
pub const CONFLICTS: &str = "/api/conflicts";
/// `GET`: patrol coverage of every hotspot in a week (`?week=YYYY-MM-DD`, a Monday).
pub const COVERAGE: &str = "/api/coverage";
/// `GET`: per-district counts (`?at=&from=&to=`).
pub const SUMMARY: &str = "/api/summary";
/// `GET`: the wall's indicator tiles for now (`?district=` for one district).
pub const INDICATORS: &str = "/api/indicators";
/// `GET`: Server-Sent Events, one per committed change; resumes after `Last-Event-ID`.
pub const EVENTS: &str = "/api/events";
/// Early detection's alerts.
pub const ALERTS: &str = "/api/alerts";
/// The steering group's report.
pub const REPORT: &str = "/api/report";
/// `GET`: the OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = "/api/openapi.json";
/// `GET`: who is signed in (`Me`). `POST`: sign in (`Login`). `DELETE`: sign out.
pub const SESSION: &str = "/api/session";
/// `POST`: a wall display signs in with a pairing code (`Pair`).
pub const SESSION_PAIR: &str = "/api/session/pair";
/// `GET`: all accounts (admins). `POST`: add an account (`NewAccount`).
pub const ACCOUNTS: &str = "/api/accounts";
/// `POST`: issue a pairing code for a wall display (`NewDisplay`).
pub const DISPLAYS: &str = "/api/displays";
/// `GET`: the audit trail, newest first (`?limit=&before=`).
pub const AUDIT: &str = "/api/audit";
/// `GET`: the whole audit trail as CSV.
pub const AUDIT_CSV: &str = "/api/audit/export.csv";
/// `GET`: the viewer's hotspots past their review date.
pub const REVIEW_DUE: &str = "/api/review-due";

/// The media type of GeoJSON answers (RFC 7946).
pub const GEO_JSON: &str = "application/geo+json";

/// The strong ETag of an item version: `"v3"`. Server and app write and read it here only.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The version an ETag (as `If-Match` sends it back) names.
pub fn version_of_etag(value: &str) -> Option<i64> {
    value
        .trim()
        .strip_prefix("\"v")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok())
}

/// `GET`: how the map starts (centre, bounds, optional tile server).
pub const CONFIG: &str = "/api/config";
/// Place search: `?q=` (and `limit=`).
pub const PLACES: &str = "/api/places";

/// Body of [`HEALTH`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub districts: u32,
}

/// The body of every error response: which field (if any) and why, in plain words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `not_found`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The request field the error is about, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem found, where there are several (validation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<crate::validation::FieldError>,
}
