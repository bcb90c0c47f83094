//! Reference data for Hamm, embedded at compile time from `model/data/` (see the README for
//! sources and licences): the city outline and one reference point per district with its
//! official figures, plus the named places of the partnership's agenda.

use geojson::{FeatureCollection, GeoJson, GeometryValue};
use serde_json::Value as Json;

use crate::district::DistrictKey;

/// BKG VG250 outline of the city, simplified (dl-de/by-2-0).
pub const OUTLINE_GEOJSON: &str = include_str!("../data/hamm-outline.geojson");
/// Reference points and places (coordinates are facts; `source` texts are CC BY-SA).
pub const PLACES_GEOJSON: &str = include_str!("../data/hamm-places.geojson");
/// Attribution the map must show for the outline and everything derived from it.
pub const DATA_ATTRIBUTION: &str = "© GeoBasis-DE / BKG 2020 (Daten verändert)";

/// A district's reference point and official figures.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictReference {
    pub key: DistrictKey,
    /// `[lon, lat]`; lies inside the district (not necessarily central).
    pub point: [f64; 2],
    pub area_km2: f64,
    pub population: u32,
    pub population_year: u16,
    pub postal_codes: Vec<String>,
    pub subdistricts: Vec<String>,
}

/// A named place from the agenda; `point` is `None` where no coordinate is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub point: Option<[f64; 2]>,
}

/// The embedded reference data could not be read: a build with broken data files.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceDataError {
    #[error("embedded GeoJSON is invalid: {0}")]
    GeoJson(#[from] geojson::Error),
    #[error("embedded data: {0}")]
    Content(String),
}

fn feature_collection(text: &str) -> Result<FeatureCollection, ReferenceDataError> {
    match text.parse::<GeoJson>()? {
        GeoJson::FeatureCollection(fc) => Ok(fc),
        _ => Err(ReferenceDataError::Content(
            "expected a FeatureCollection".into(),
        )),
    }
}

/// The city outline as one exterior ring of `[lon, lat]` (closed: first == last).
pub fn outline() -> Result<Vec<[f64; 2]>, ReferenceDataError> {
    let fc = feature_collection(OUTLINE_GEOJSON)?;
    let geometry = fc
        .features
        .first()
        .and_then(|f| f.geometry.as_ref())
        .ok_or_else(|| ReferenceDataError::Content("outline has no geometry".into()))?;
    match &geometry.value {
        GeometryValue::Polygon { coordinates } => coordinates
            .first()
            .map(|ring| ring.iter().map(|p| [p[0], p[1]]).collect())
            .ok_or_else(|| ReferenceDataError::Content("outline has no ring".into())),
        _ => Err(ReferenceDataError::Content(
            "outline must be a Polygon".into(),
        )),
    }
}

fn point_of(f: &geojson::Feature) -> Option<[f64; 2]> {
    match f.geometry.as_ref().map(|g| &g.value) {
        Some(GeometryValue::Point { coordinates: p }) if p.len() >= 2 => Some([p[0], p[1]]),
        _ => None,
    }
}

fn str_prop<'a>(f: &'a geojson::Feature, name: &str) -> Result<&'a str, ReferenceDataError> {
    f.property(name)
        .and_then(Json::as_str)
        .ok_or_else(|| ReferenceDataError::Content(format!("property '{name}' missing")))
}

/// Five-digit postal codes in a free-text field, in order, without repeats.
fn postal_codes(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for token in text.split(|c: char| !c.is_ascii_digit()) {
        if token.len() == 5 && !codes.iter().any(|c| c == token) {
            codes.push(token.to_owned());
        }
    }
    codes
}

/// Splits a comma-separated list, keeping commas inside parentheses.
fn split_list(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0u32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_owned());
    items.retain(|s| !s.is_empty());
    items
}

/// The seven district reference points, in [`DistrictKey::ALL`] order.
pub fn district_references() -> Result<Vec<DistrictReference>, ReferenceDataError> {
    let fc = feature_collection(PLACES_GEOJSON)?;
    let mut refs = Vec::new();
    for key in DistrictKey::ALL {
        let f = fc
            .features
            .iter()
            .filter(|f| {
                f.property("kind").and_then(Json::as_str) == Some("district_reference_point")
            })
            .find(|f| f.property("name").and_then(Json::as_str) == Some(key.official_name()))
            .ok_or_else(|| ReferenceDataError::Content(format!("no reference point for {key}")))?;
        let point = point_of(f)
            .ok_or_else(|| ReferenceDataError::Content(format!("{key} has no point")))?;
        let area_km2 = f
            .property("area_km2")
            .and_then(Json::as_f64)
            .ok_or_else(|| ReferenceDataError::Content(format!("{key} has no area")))?;
        let population = f
            .property("population")
            .and_then(Json::as_u64)
            .and_then(|p| u32::try_from(p).ok())
            .ok_or_else(|| ReferenceDataError::Content(format!("{key} has no population")))?;
        let population_year = str_prop(f, "population_date")?
            .get(..4)
            .and_then(|y| y.parse().ok())
            .ok_or_else(|| ReferenceDataError::Content(format!("{key} has no population year")))?;
        refs.push(DistrictReference {
            key,
            point,
            area_km2,
            population,
            population_year,
            postal_codes: postal_codes(str_prop(f, "postal_codes")?),
            subdistricts: split_list(str_prop(f, "statistical_subdistricts")?),
        });
    }
    Ok(refs)
}

/// The named places of the agenda (Hauptbahnhof, Westentor, Südstraße, …).
pub fn places() -> Result<Vec<Place>, ReferenceDataError> {
    let fc = feature_collection(PLACES_GEOJSON)?;
    fc.features
        .iter()
        .filter(|f| f.property("kind").and_then(Json::as_str) == Some("poi"))
        .map(|f| {
            Ok(Place {
                name: str_prop(f, "name")?.to_owned(),
                point: point_of(f),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_is_a_closed_ring() {
        let ring = outline().unwrap();
        assert!(ring.len() > 80);
        assert_eq!(ring.first(), ring.last());
    }

    #[test]
    fn all_seven_reference_points_carry_official_figures() {
        let refs = district_references().unwrap();
        assert_eq!(refs.len(), 7);
        let total: f64 = refs.iter().map(|r| r.area_km2).sum();
        assert!((total - 226.23).abs() < 0.01, "{total}");
        let mitte = &refs[0];
        assert_eq!(mitte.key, DistrictKey::Mitte);
        assert_eq!(mitte.population, 35906);
        assert_eq!(mitte.population_year, 2015);
        assert_eq!(mitte.postal_codes, ["59063", "59065", "59067"]);
    }

    #[test]
    fn postal_codes_are_read_from_free_text() {
        assert_eq!(
            postal_codes("59075 (Hamm-Norden part: 59065)"),
            ["59075", "59065"]
        );
    }

    #[test]
    fn lists_keep_commas_inside_parentheses() {
        assert_eq!(
            split_list("City, Süden (östl., westl.), Bahnhof"),
            ["City", "Süden (östl., westl.)", "Bahnhof"]
        );
    }

    #[test]
    fn the_town_hall_has_no_invented_coordinate() {
        let places = places().unwrap();
        let rathaus = places.iter().find(|p| p.name == "Rathaus Hamm").unwrap();
        assert_eq!(rathaus.point, None);
        assert!(
            places
                .iter()
                .any(|p| p.name.starts_with("Westentor") && p.point.is_some())
        );
    }
}
