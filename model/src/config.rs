//! How the map starts: centre, bounds and the optional tile server.

use serde::{Deserialize, Serialize};

/// A WGS84 position in Leaflet's order (latitude first).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// South-west and north-east corners.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub south_west: LatLng,
    pub north_east: LatLng,
}

/// Body of [`crate::api::CONFIG`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapConfig {
    pub center: LatLng,
    pub bounds: Bounds,
    /// A `{z}/{x}/{y}` tile URL template. `None` (the default) means no base map: the map then
    /// contacts nothing outside its own server, as control rooms without internet need.
    pub tile_url: Option<String>,
    /// Attribution for the tile server, shown when `tile_url` is set.
    pub tile_attribution: Option<String>,
    /// Attribution for the district and outline geometry, always shown.
    pub data_attribution: String,
}
