//! How the map starts: centre, bounds and the optional tile server.

use serde::{Deserialize, Serialize};

/// A WGS84 position in Leaflet's order (latitude first).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// South-west and north-east corners.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub south_west: LatLng,
    pub north_east: LatLng,
}

/// Body of [`crate::api::CONFIG`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The base maps this server carries itself (`--basemap`), in the order given.
    #[serde(default)]
    pub basemaps: Vec<Basemap>,
}

crate::string_enum! {
    /// How a base map's tiles are encoded.
    TileFormat {
        Png = "png",
        Jpeg = "jpeg",
        Webp = "webp",
        /// Mapbox vector tiles (drawn in the browser with a style).
        Mvt = "mvt",
    }
}

impl TileFormat {
    /// The tiles' media type.
    pub fn content_type(self) -> &'static str {
        match self {
            TileFormat::Png => "image/png",
            TileFormat::Jpeg => "image/jpeg",
            TileFormat::Webp => "image/webp",
            TileFormat::Mvt => "application/vnd.mapbox-vector-tile",
        }
    }

    /// Raster tiles are pictures; vector tiles need a style to be drawn.
    pub fn is_raster(self) -> bool {
        self != TileFormat::Mvt
    }

    /// The format an MBTiles file names in its `format` metadata (`png`, `jpg`, `webp`, `pbf`).
    pub fn from_mbtiles(name: &str) -> Option<TileFormat> {
        match name.to_ascii_lowercase().as_str() {
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "webp" => Some(TileFormat::Webp),
            "pbf" | "mvt" => Some(TileFormat::Mvt),
            _ => None,
        }
    }
}

/// A base map the server carries itself, served at [`Basemap::tiles`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basemap {
    /// Its name in tile paths and in the base-map switch (`stadtplan`).
    pub name: String,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// Where it has tiles, if the file says.
    pub bounds: Option<Bounds>,
    /// Who made it and under which licence, as the file says (shown on the map).
    pub attribution: Option<String>,
    /// The tile path template: `/tiles/{name}/{z}/{x}/{y}`.
    pub tiles: String,
}

/// A base map's name: 1–32 lowercase letters, digits and `-`.
pub fn check_basemap_name(name: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "base map name '{name}': 1 to 32 lowercase letters, digits or '-'"
        ))
    }
}

/// A tile URL template that Leaflet cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileUrlError {
    #[error("tile URL must start with http:// or https://")]
    Scheme,
    #[error("tile URL must contain the placeholders {{z}}, {{x}} and {{y}}")]
    Placeholders,
}

/// Checks a `{z}/{x}/{y}` tile URL template.
pub fn validate_tile_url(url: &str) -> Result<(), TileUrlError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(TileUrlError::Scheme);
    }
    if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
        return Err(TileUrlError::Placeholders);
    }
    Ok(())
}

/// The smallest bounds around a ring of `[lon, lat]` positions.
pub fn bounds_of(ring: &[[f64; 2]]) -> Option<Bounds> {
    let first = ring.first()?;
    let (mut min, mut max) = (*first, *first);
    for p in ring {
        min = [min[0].min(p[0]), min[1].min(p[1])];
        max = [max[0].max(p[0]), max[1].max(p[1])];
    }
    Some(Bounds {
        south_west: LatLng {
            lat: min[1],
            lng: min[0],
        },
        north_east: LatLng {
            lat: max[1],
            lng: max[0],
        },
    })
}

impl Bounds {
    pub fn center(&self) -> LatLng {
        LatLng {
            lat: (self.south_west.lat + self.north_east.lat) / 2.0,
            lng: (self.south_west.lng + self.north_east.lng) / 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_url_needs_http_and_all_placeholders() {
        assert_eq!(
            validate_tile_url("https://t.example/{z}/{x}/{y}.png"),
            Ok(())
        );
        assert_eq!(
            validate_tile_url("ftp://t/{z}/{x}/{y}"),
            Err(TileUrlError::Scheme)
        );
        assert_eq!(
            validate_tile_url("http://t/{z}/{x}.png"),
            Err(TileUrlError::Placeholders)
        );
    }

    #[test]
    fn bounds_enclose_every_position_and_centre_between_them() {
        let b = bounds_of(&[[7.7, 51.6], [7.9, 51.7], [7.8, 51.65]]).unwrap();
        assert_eq!(
            b.south_west,
            LatLng {
                lat: 51.6,
                lng: 7.7
            }
        );
        assert_eq!(
            b.north_east,
            LatLng {
                lat: 51.7,
                lng: 7.9
            }
        );
        let c = b.center();
        assert!((c.lat - 51.65).abs() < 1e-12 && (c.lng - 7.8).abs() < 1e-12);
        assert_eq!(bounds_of(&[]), None);
    }
}
