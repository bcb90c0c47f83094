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
    /// An intranet map service (WMS) to draw as a base map (`--wms-url`).
    #[serde(default)]
    pub wms: Option<MapService>,
}

/// A WMS (OGC Web Map Service 1.3.0) drawn as tiles in Web Mercator (EPSG:3857).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapService {
    /// The service's address, without the request's parameters.
    pub url: String,
    /// Its layers, comma-separated as `GetMap` takes them.
    pub layers: String,
    /// The image format asked for (`image/png`, `image/jpeg`).
    pub format: String,
    pub attribution: Option<String>,
}

/// A map service's settings that cannot work, naming the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapServiceError {
    #[error(
        "--wms-url: http:// or https://, a host name and optional port, no user name, no spaces, quotes, ';', ',' or '#'"
    )]
    Url,
    #[error("--wms-layers is needed with --wms-url: the service's layer names, comma-separated")]
    NoLayers,
    #[error("--wms-layers: layer names are letters, digits and _ - . : (comma-separated)")]
    Layers,
    #[error("--wms-format must be image/png or image/jpeg")]
    Format,
}

impl MapService {
    pub fn new(
        url: &str,
        layers: Option<&str>,
        format: &str,
        attribution: Option<&str>,
    ) -> Result<MapService, MapServiceError> {
        if !plain_origin(url) || url.contains("{s}") {
            return Err(MapServiceError::Url);
        }
        let layers = layers
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .ok_or(MapServiceError::NoLayers)?;
        if !layers
            .split(',')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || "_-.:".contains(c)))
        {
            return Err(MapServiceError::Layers);
        }
        if !["image/png", "image/jpeg"].contains(&format) {
            return Err(MapServiceError::Format);
        }
        Ok(MapService {
            url: url.to_owned(),
            layers: layers.to_owned(),
            format: format.to_owned(),
            attribution: attribution.map(str::to_owned),
        })
    }
}

/// The origin (`scheme://host[:port]`, lower case) of a URL or URL template that
/// [`plain_origin`] accepted.
pub fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let host_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |i| scheme_end + i);
    Some(url[..host_end].to_ascii_lowercase())
}

impl MapConfig {
    /// The origins besides its own that the map loads images from: the tile server's (a `{s}`
    /// subdomain as `*`) and the map service's. The Content-Security-Policy allows exactly these.
    pub fn image_origins(&self) -> Vec<String> {
        let tiles = self
            .tile_url
            .as_deref()
            .filter(|u| plain_origin(u))
            .and_then(origin_of)
            .map(|o| o.replace("{s}.", "*."));
        let wms = self
            .wms
            .as_ref()
            .filter(|w| plain_origin(&w.url))
            .and_then(|w| origin_of(&w.url));
        tiles.into_iter().chain(wms).collect()
    }
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

/// The base-map switch's name for the map service (`--wms-url`).
pub const WMS_NAME: &str = "wms";
/// The base-map switch's name for the tile server (`--tile-url`).
pub const TILE_SERVER_NAME: &str = "kacheldienst";

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
    #[error(
        "tile URL: a host name (or {{s}}.host), an optional port, no user name, no spaces, quotes, ';', ',' or '#'"
    )]
    Characters,
}

/// Whether `url` (`http(s)://host[:port]/…`) is safe to name in the Content-Security-Policy:
/// no character that would end its source or directive (spaces, quotes, `;`, `,`), no user
/// name or password, no fragment, and a plain host — letters, digits, `.`, `-`, a port, an
/// IPv6 address in brackets, or (for a tile template) a leading `{s}.`.
fn plain_origin(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'\\;,#`<>".contains(c))
    {
        return false;
    }
    let host = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host = host.strip_prefix("{s}.").unwrap_or(host);
    !host.is_empty()
        && !host.starts_with(['.', '-', ':'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
}

/// Checks a `{z}/{x}/{y}` tile URL template.
pub fn validate_tile_url(url: &str) -> Result<(), TileUrlError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(TileUrlError::Scheme);
    }
    if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
        return Err(TileUrlError::Placeholders);
    }
    if !plain_origin(url) {
        return Err(TileUrlError::Characters);
    }
    Ok(())
}

#[cfg(test)]
mod service_tests {
    use super::*;

    #[test]
    fn a_map_service_is_checked_flag_by_flag_and_its_origin_allowed() {
        let wms = MapService::new(
            "https://Geo.Intranet.Hamm.de:8443/wms/stadtplan?map=plan",
            Some("stadtplan,gebaeude"),
            "image/png",
            None,
        );
        assert!(wms.is_ok());
        let bad = |url: &str, layers: Option<&str>, format: &str| {
            MapService::new(url, layers, format, None).err()
        };
        assert_eq!(
            bad("ftp://x", Some("a"), "image/png"),
            Some(MapServiceError::Url)
        );
        assert_eq!(
            bad("https://x/\"; img-src *", Some("a"), "image/png"),
            Some(MapServiceError::Url)
        );
        assert_eq!(
            bad("https://x/wms", None, "image/png"),
            Some(MapServiceError::NoLayers)
        );
        assert_eq!(
            bad("https://x/wms", Some("a b"), "image/png"),
            Some(MapServiceError::Layers)
        );
        assert_eq!(
            bad("https://x/wms", Some("a"), "image/gif"),
            Some(MapServiceError::Format)
        );
        assert_eq!(
            validate_tile_url("https://t.example;connect-src *;/{z}/{x}/{y}"),
            Err(TileUrlError::Characters)
        );
        assert_eq!(
            validate_tile_url("https://me@t.example/{z}/{x}/{y}"),
            Err(TileUrlError::Characters)
        );
        assert_eq!(
            validate_tile_url("https://{s}.t.example:8443/{z}/{x}/{y}.png?key=1"),
            Ok(())
        );
        let config = MapConfig {
            center: LatLng { lat: 0.0, lng: 0.0 },
            bounds: Bounds {
                south_west: LatLng { lat: 0.0, lng: 0.0 },
                north_east: LatLng { lat: 1.0, lng: 1.0 },
            },
            tile_url: Some("https://{s}.tiles.example/{z}/{x}/{y}.png".into()),
            tile_attribution: None,
            data_attribution: String::new(),
            basemaps: vec![],
            wms: wms.ok(),
        };
        assert_eq!(
            config.image_origins(),
            [
                "https://*.tiles.example",
                "https://geo.intranet.hamm.de:8443"
            ]
        );
    }
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
