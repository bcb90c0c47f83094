//! The seven city districts (Stadtbezirke) of Hamm: stable keys, official facts, wire form.

use std::{fmt, str::FromStr};

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue};
use serde::{Deserialize, Serialize};

/// Stable key of a district. These keys never change, so official boundaries can later replace
/// the approximate ones without touching anything that refers to a district.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistrictKey {
    Mitte,
    Uentrop,
    Rhynern,
    Pelkum,
    Herringen,
    BockumHoevel,
    Heessen,
}

impl DistrictKey {
    /// All seven, in the city's official order.
    pub const ALL: [DistrictKey; 7] = [
        DistrictKey::Mitte,
        DistrictKey::Uentrop,
        DistrictKey::Rhynern,
        DistrictKey::Pelkum,
        DistrictKey::Herringen,
        DistrictKey::BockumHoevel,
        DistrictKey::Heessen,
    ];

    /// The key as it appears in URLs and JSON, e.g. `bockum-hoevel`.
    pub fn as_str(self) -> &'static str {
        match self {
            DistrictKey::Mitte => "mitte",
            DistrictKey::Uentrop => "uentrop",
            DistrictKey::Rhynern => "rhynern",
            DistrictKey::Pelkum => "pelkum",
            DistrictKey::Herringen => "herringen",
            DistrictKey::BockumHoevel => "bockum-hoevel",
            DistrictKey::Heessen => "heessen",
        }
    }

    /// The official name, e.g. `Hamm-Bockum-Hövel`.
    pub fn official_name(self) -> &'static str {
        match self {
            DistrictKey::Mitte => "Hamm-Mitte",
            DistrictKey::Uentrop => "Hamm-Uentrop",
            DistrictKey::Rhynern => "Hamm-Rhynern",
            DistrictKey::Pelkum => "Hamm-Pelkum",
            DistrictKey::Herringen => "Hamm-Herringen",
            DistrictKey::BockumHoevel => "Hamm-Bockum-Hövel",
            DistrictKey::Heessen => "Hamm-Heessen",
        }
    }

    /// The short name used on the map, e.g. `Bockum-Hövel`.
    pub fn short_name(self) -> &'static str {
        let name = self.official_name();
        name.strip_prefix("Hamm-").unwrap_or(name)
    }

    /// Position in [`DistrictKey::ALL`]; used to pick a stable colour.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for DistrictKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no district.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown district '{0}': expected one of mitte, uentrop, rhynern, pelkum, herringen, bockum-hoevel, heessen"
)]
pub struct UnknownDistrict(pub String);

impl FromStr for DistrictKey {
    type Err = UnknownDistrict;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DistrictKey::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownDistrict(s.to_owned()))
    }
}

/// The `properties` of a district feature on the wire.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictProperties {
    pub key: DistrictKey,
    pub name: String,
    /// Official area in km².
    pub area_km2: f64,
    pub population: u32,
    /// The year the population figure refers to.
    pub population_year: u16,
    pub postal_codes: Vec<String>,
    /// Statistical sub-districts (statistische Bezirke).
    pub subdistricts: Vec<String>,
    /// `true` while the boundary is derived rather than official.
    pub approximate: bool,
    /// Where to put the label, `[lon, lat]`, inside the district.
    pub label_point: [f64; 2],
}

/// A district: its facts and its boundary (a Polygon or MultiPolygon, lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub properties: DistrictProperties,
    pub geometry: Geometry,
}

/// A feature that is not a valid district.
#[derive(Debug, thiserror::Error)]
pub enum DistrictFeatureError {
    #[error("feature has no geometry")]
    MissingGeometry,
    #[error("geometry must be a Polygon or MultiPolygon")]
    WrongGeometryType,
    #[error("properties: {0}")]
    Properties(#[from] serde_json::Error),
}

impl From<&District> for Feature {
    fn from(d: &District) -> Self {
        let properties = match serde_json::to_value(&d.properties) {
            Ok(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        };
        Feature {
            bbox: None,
            geometry: Some(d.geometry.clone()),
            id: Some(geojson::feature::Id::String(d.properties.key.to_string())),
            properties,
            foreign_members: None,
        }
    }
}

impl TryFrom<&Feature> for District {
    type Error = DistrictFeatureError;

    fn try_from(f: &Feature) -> Result<Self, Self::Error> {
        let geometry = f
            .geometry
            .clone()
            .ok_or(DistrictFeatureError::MissingGeometry)?;
        if !matches!(
            geometry.value,
            GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }
        ) {
            return Err(DistrictFeatureError::WrongGeometryType);
        }
        let props = f.properties.clone().unwrap_or_default();
        let properties = serde_json::from_value(serde_json::Value::Object(props))?;
        Ok(District {
            properties,
            geometry,
        })
    }
}

/// The districts as one RFC 7946 FeatureCollection.
pub fn to_feature_collection(districts: &[District]) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: districts.iter().map(Feature::from).collect(),
        foreign_members: None,
    }
}

/// Reads districts back from a FeatureCollection (e.g. in the app).
pub fn from_feature_collection(
    fc: &FeatureCollection,
) -> Result<Vec<District>, DistrictFeatureError> {
    fc.features.iter().map(District::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_from_its_own_string() {
        for key in DistrictKey::ALL {
            assert_eq!(key.as_str().parse::<DistrictKey>(), Ok(key));
        }
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_valid_choices() {
        let err = "altstadt".parse::<DistrictKey>().unwrap_err();
        assert!(err.to_string().contains("bockum-hoevel"), "{err}");
    }

    #[test]
    fn serde_uses_the_url_keys() {
        let json = serde_json::to_string(&DistrictKey::BockumHoevel).unwrap();
        assert_eq!(json, "\"bockum-hoevel\"");
    }

    #[test]
    fn short_names_drop_the_city_prefix() {
        assert_eq!(DistrictKey::BockumHoevel.short_name(), "Bockum-Hövel");
        assert_eq!(DistrictKey::Mitte.short_name(), "Mitte");
    }

    #[test]
    fn a_district_survives_a_geojson_round_trip() {
        let d = District {
            properties: DistrictProperties {
                key: DistrictKey::Heessen,
                name: "Hamm-Heessen".into(),
                area_km2: 29.23,
                population: 23886,
                population_year: 2017,
                postal_codes: vec!["59073".into()],
                subdistricts: vec!["Dasbeck".into()],
                approximate: true,
                label_point: [7.83, 51.71],
            },
            geometry: Geometry::new_polygon([[
                [7.8, 51.7],
                [7.9, 51.7],
                [7.9, 51.72],
                [7.8, 51.7],
            ]]),
        };
        let text = to_feature_collection(std::slice::from_ref(&d)).to_string();
        let fc: FeatureCollection = text.parse().unwrap();
        assert_eq!(from_feature_collection(&fc).unwrap(), vec![d]);
    }

    #[test]
    fn a_point_is_not_a_district_boundary() {
        let f = Feature {
            geometry: Some(Geometry::new_point([7.8, 51.7])),
            ..Default::default()
        };
        assert!(matches!(
            District::try_from(&f),
            Err(DistrictFeatureError::WrongGeometryType)
        ));
    }
}
