//! API paths and small response bodies shared by server and app, so the two cannot drift apart.

use serde::{Deserialize, Serialize};

/// `GET`: liveness and a count of what the server holds.
pub const HEALTH: &str = "/api/health";
/// `GET`: the seven districts as an RFC 7946 FeatureCollection.
pub const DISTRICTS: &str = "/api/districts";
/// `GET`: the city outline, an RFC 7946 Feature.
pub const OUTLINE: &str = "/api/outline";
/// `GET`: how the map starts (centre, bounds, optional tile server).
pub const CONFIG: &str = "/api/config";

/// Body of [`HEALTH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub districts: u32,
}

/// The body of every error response: which field (if any) and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `not_found`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The request field the error is about, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
