//! The hotspot layer as the map draws it (`GET /api/hotspots/map`): each point hotspot as a
//! pin (id, position, severity — all the map needs to cluster and colour it), the areas in
//! full (they are few, and drawn as they are). A hotspot's other fields (title, hours,
//! agencies, dates) are fetched when its popup opens. At 100,000 point hotspots this answer is
//! about a tenth of the layer's GeoJSON, and reading it in the browser is what lets the map
//! appear within a second.

use serde::{Deserialize, Serialize};

use crate::{Hotspot, Stored, cluster, hotspot::Severity};

/// A point hotspot on the wire: `[id, lon, lat, severity]`.
type PinRow = (i64, f64, f64, Severity);

/// A point hotspot as the map draws it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "PinRow", into = "PinRow")]
pub struct Pin {
    pub id: i64,
    /// `[lon, lat]`, WGS84.
    pub at: [f64; 2],
    pub severity: Severity,
}

impl From<PinRow> for Pin {
    fn from((id, lon, lat, severity): PinRow) -> Pin {
        Pin {
            id,
            at: [lon, lat],
            severity,
        }
    }
}

impl From<Pin> for PinRow {
    fn from(p: Pin) -> PinRow {
        (p.id, p.at[0], p.at[1], p.severity)
    }
}

impl Pin {
    /// What clustering takes of it.
    pub fn point(&self) -> cluster::Point {
        cluster::Point {
            id: self.id,
            at: self.at,
        }
    }
}

/// The hotspots a map shows: points as pins, every other shape in full.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HotspotMap {
    /// Point hotspots, each `[id, lon, lat, severity]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Object>>, example = json!([[17, 7.8137, 51.68016, "high"]])))]
    pub pins: Vec<Pin>,
    /// Hotspots that are areas, as `GET /api/hotspots/{id}` answers each.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub areas: Vec<Stored<Hotspot>>,
}

impl HotspotMap {
    /// The map's view of `hotspots`, in their order.
    pub fn of<'a>(hotspots: impl IntoIterator<Item = &'a Stored<Hotspot>>) -> HotspotMap {
        let mut map = HotspotMap::default();
        for s in hotspots {
            match point_of(&s.item.geometry.value) {
                Some(at) => map.pins.push(Pin {
                    id: s.id,
                    at,
                    severity: s.item.severity,
                }),
                None => map.areas.push(s.clone()),
            }
        }
        map
    }

    /// Reads the answer of `GET /api/hotspots/map` (the app's one way to read it).
    pub fn from_json(bytes: &[u8]) -> Result<HotspotMap, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// How many hotspots it holds.
    pub fn len(&self) -> usize {
        self.pins.len() + self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The position of a point geometry, `[lon, lat]`; `None` for any other shape.
pub fn point_of(g: &geojson::GeometryValue) -> Option<[f64; 2]> {
    match g {
        geojson::GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
            Some([coordinates[0], coordinates[1]])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn hotspot(id: i64, geometry: serde_json::Value, severity: &str) -> Stored<Hotspot> {
        serde_json::from_value(json!({
            "id": id, "version": 1, "updated_at": "2026-11-24T10:00:00Z",
            "title": format!("Ort {id}"), "category": "drug_scene", "severity": severity,
            "geometry": geometry,
            "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
            "agency": "kod", "review_date": "2099-06-30"
        }))
        .unwrap()
    }

    fn layer() -> Vec<Stored<Hotspot>> {
        vec![
            hotspot(
                3,
                json!({"type": "Point", "coordinates": [7.8137, 51.68016]}),
                "high",
            ),
            hotspot(
                5,
                json!({"type": "Polygon", "coordinates": [[[7.80, 51.67], [7.82, 51.67], [7.82, 51.69], [7.80, 51.67]]]}),
                "low",
            ),
            hotspot(
                8,
                json!({"type": "Point", "coordinates": [7.75, 51.66]}),
                "medium",
            ),
        ]
    }

    #[test]
    fn points_become_pins_and_areas_stay_whole() {
        let items = layer();
        let map = HotspotMap::of(&items);
        assert_eq!(
            map.pins,
            vec![
                Pin {
                    id: 3,
                    at: [7.8137, 51.68016],
                    severity: Severity::High
                },
                Pin {
                    id: 8,
                    at: [7.75, 51.66],
                    severity: Severity::Medium
                },
            ]
        );
        assert_eq!(map.areas, vec![items[1].clone()]);
        assert_eq!(map.len(), 3);
        assert_eq!(map.pins[0].point().at, [7.8137, 51.68016]);
    }

    #[test]
    fn a_pin_is_a_short_row_on_the_wire_and_reads_back() {
        let map = HotspotMap::of(&layer());
        let text = serde_json::to_string(&map).unwrap();
        assert!(
            text.starts_with(
                r#"{"pins":[[3,7.8137,51.68016,"high"],[8,7.75,51.66,"medium"]],"areas":[{"id":5,"#
            ),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<HotspotMap>(&text).unwrap(), map);
    }

    #[test]
    fn a_malformed_pin_is_refused() {
        for bad in [
            r#"{"pins":[[3,7.8,51.6]],"areas":[]}"#,
            r#"{"pins":[[3,7.8,51.6,"severe"]],"areas":[]}"#,
            r#"{"pins":[["3",7.8,51.6,"low"]],"areas":[]}"#,
        ] {
            assert!(serde_json::from_str::<HotspotMap>(bad).is_err(), "{bad}");
        }
    }
}
