//! Incident reports (Lagemeldungen): what happened where and when, reported by one agency.
//!
//! An incident is a category, a count, a time, a point and its agency — nothing about people:
//! no free text, no person, no case number in clear. A record imported from another system
//! carries only a keyed SHA-256 (HMAC with the installation's secret, made by the server) of
//! that system's record id ([`SourceKey`]), so a re-import finds it again without the id
//! itself ever being stored.

use geojson::{Geometry, GeometryValue};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{
    AgencyKey, DistrictKey,
    context::Context,
    geometry::{self, Shape},
    validation::{FieldError, Problems},
    validation::{MAX_AGENCIES, check_agencies},
};

string_enum! {
    /// What the partners record.
    IncidentCategory {
        Violence = "violence",
        Theft = "theft",
        Burglary = "burglary",
        Drugs = "drugs",
        Damage = "damage",
        PublicDisorder = "public_disorder",
        Noise = "noise",
        Littering = "littering",
        YouthGathering = "youth_gathering",
        PublicDrinking = "public_drinking",
        IllicitWork = "illicit_work",
        SmuggledGoods = "smuggled_goods",
        TrafficAccident = "traffic_accident",
    }
}

impl IncidentCategory {
    /// The German name users know (UI, import).
    pub fn label_de(self) -> &'static str {
        match self {
            IncidentCategory::Violence => "Gewalt",
            IncidentCategory::Theft => "Diebstahl",
            IncidentCategory::Burglary => "Einbruch",
            IncidentCategory::Drugs => "Betäubungsmittel",
            IncidentCategory::Damage => "Sachbeschädigung/Graffiti",
            IncidentCategory::PublicDisorder => "Ordnungsstörung",
            IncidentCategory::Noise => "Lärm",
            IncidentCategory::Littering => "Vermüllung",
            IncidentCategory::YouthGathering => "Jugendansammlung",
            IncidentCategory::PublicDrinking => "Alkohol im öffentlichen Raum",
            IncidentCategory::IllicitWork => "Schwarzarbeit",
            IncidentCategory::SmuggledGoods => "Schmuggelware",
            IncidentCategory::TrafficAccident => "Verkehrsunfall",
        }
    }

    /// Other German names a partner's system or spreadsheet may use.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            IncidentCategory::Violence => &["körperverletzung", "gewaltdelikt", "rohheitsdelikt"],
            IncidentCategory::Theft => &["ladendiebstahl", "taschendiebstahl"],
            IncidentCategory::Burglary => &["wohnungseinbruch", "einbruchdiebstahl"],
            IncidentCategory::Drugs => &["drogen", "btm", "rauschgift"],
            IncidentCategory::Damage => &["sachbeschädigung", "graffiti", "vandalismus"],
            IncidentCategory::PublicDisorder => &["ruhestörung und unfug", "störung"],
            IncidentCategory::Noise => &["ruhestörung", "laerm"],
            IncidentCategory::Littering => &["müll", "wilder müll", "illegale müllentsorgung"],
            IncidentCategory::YouthGathering => &["jugendgruppe", "jugendliche"],
            IncidentCategory::PublicDrinking => &["alkohol", "alkoholkonsum", "trinkerszene"],
            IncidentCategory::IllicitWork => &["illegale beschäftigung"],
            IncidentCategory::SmuggledGoods => {
                &["schmuggel", "unverzollte ware", "zigarettenschmuggel"]
            }
            IncidentCategory::TrafficAccident => &["unfall", "verkehrsunfall mit sachschaden"],
        }
    }

    /// A category by its wire name, German name or a synonym (case ignored).
    pub fn from_label(text: &str) -> Option<IncidentCategory> {
        let t = text.trim().to_lowercase();
        IncidentCategory::ALL.iter().copied().find(|c| {
            c.as_str() == t
                || c.label_de().to_lowercase() == t
                || c.synonyms().contains(&t.as_str())
        })
    }
}

/// Most incidents one report may count (a larger number is a typo, not a report).
pub const MAX_COUNT: u32 = 1000;

/// Longest an incident may last.
pub const MAX_DURATION: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A keyed SHA-256 (HMAC-SHA-256 with the installation's secret) of the source system's
/// record id, 64 lowercase hex digits: enough to find an imported record again, never the id
/// itself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceKey(String);

impl SourceKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SourceKey {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(SourceKey(s))
        } else {
            Err("must be a SHA-256 in 64 lowercase hex digits".into())
        }
    }
}

impl From<SourceKey> for String {
    fn from(k: SourceKey) -> String {
        k.0
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub category: IncidentCategory,
    /// How many (e.g. several damaged cars), 1 to 1,000.
    #[serde(default = "one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub count: u32,
    /// When it began (or was noticed).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start: Timestamp,
    /// When it ended, if it lasted; at most a week after `start`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub end: Option<Timestamp>,
    /// A Point inside Hamm.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"type": "Point", "coordinates": [7.8137, 51.68016]})))]
    pub geometry: Geometry,
    /// The reporting (owning) agency.
    pub agency: AgencyKey,
    /// Agencies besides the owner that may see this report.
    #[serde(
        default,
        deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub released_to: Vec<AgencyKey>,
    /// For imported records: a keyed SHA-256 of the source system's record id.
    #[serde(default)]
    pub source_key: Option<SourceKey>,
    /// Derived from the place by the server.
    #[serde(default)]
    pub district: Option<DistrictKey>,
    /// Demo data ("Beispieldaten").
    #[serde(default)]
    pub demo: bool,
}

fn one() -> u32 {
    1
}

impl Incident {
    /// Checks the input and fills the district.
    pub fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        p.check(
            (1..=MAX_COUNT).contains(&self.count),
            "count",
            "must be from 1 to 1000",
        );
        if let Some(end) = self.end {
            if end < self.start {
                p.add("end", "must not be before start");
            } else if end.duration_since(self.start) > MAX_DURATION {
                p.add("end", "must be at most 7 days after start");
            }
        }
        geometry::check_geometry(&mut p, "geometry", &self.geometry, Shape::Point);
        p.check(ctx.knows_agency(&self.agency), "agency", "unknown agency");
        check_agencies(&mut p, "released_to", &self.released_to, ctx);
        let derived = geometry::anchor(&self.geometry.value)
            .and_then(|a| geometry::district_of(a, ctx.districts));
        if let (Some(given), Some(derived)) = (self.district, derived)
            && given != derived
        {
            p.add(
                "district",
                format!("the place lies in {derived}, not {given}"),
            );
        }
        match derived {
            Some(d) => self.district = Some(d),
            // A place in no district would be counted nowhere and hidden from district
            // filters; the partnership's picture is the city's seven districts.
            None => p.add("geometry", "lies outside Hamm's districts"),
        }
        p.into_result()
    }

    /// The place, `[lon, lat]`.
    pub fn position(&self) -> Option<[f64; 2]> {
        match &self.geometry.value {
            GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
                Some([coordinates[0], coordinates[1]])
            }
            _ => None,
        }
    }

    /// Did it happen (begin, or last) within `[from, to)`?
    pub fn within(&self, from: Timestamp, to: Timestamp) -> bool {
        let end = self.end.unwrap_or(self.start);
        self.start < to && end >= from
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn parse(v: serde_json::Value) -> Result<Incident, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    fn base() -> serde_json::Value {
        json!({
            "category": "damage",
            "count": 3,
            "start": "2026-12-05T22:10:00+01:00",
            "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
            "agency": "kod",
        })
    }

    #[test]
    fn no_free_text_or_person_field_is_accepted() {
        assert!(parse(base()).is_ok());
        for field in ["note", "name", "person", "case_number", "description"] {
            let mut v = base();
            v[field] = json!("Max Mustermann");
            let e = parse(v).unwrap_err();
            assert!(e.contains("unknown field"), "{field}: {e}");
        }
    }

    #[test]
    fn a_source_key_is_a_sha256_never_the_id_itself() {
        let mut v = base();
        v["source_key"] = json!("2026-0001234");
        assert!(parse(v.clone()).unwrap_err().contains("SHA-256"));
        v["source_key"] = json!("a".repeat(64));
        assert!(parse(v.clone()).is_ok());
        v["source_key"] = json!("A".repeat(64));
        assert!(parse(v).is_err(), "upper case is a second spelling");
    }

    #[test]
    fn categories_are_read_by_their_german_names() {
        assert_eq!(
            IncidentCategory::from_label(" Sachbeschädigung "),
            Some(IncidentCategory::Damage)
        );
        assert_eq!(
            IncidentCategory::from_label("LÄRM"),
            Some(IncidentCategory::Noise)
        );
        assert_eq!(
            IncidentCategory::from_label("btm"),
            Some(IncidentCategory::Drugs)
        );
        assert_eq!(
            IncidentCategory::from_label("traffic_accident"),
            Some(IncidentCategory::TrafficAccident)
        );
        assert_eq!(IncidentCategory::from_label("Mord"), None);
        // No two categories claim one name.
        for a in IncidentCategory::ALL {
            for b in IncidentCategory::ALL {
                if a != b {
                    assert!(
                        !b.synonyms().iter().any(|s| a.synonyms().contains(s)),
                        "{a} {b}"
                    );
                    assert!(
                        !b.synonyms().contains(&a.label_de().to_lowercase().as_str()),
                        "{a} {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn within_takes_the_whole_duration() {
        let mut i = parse(base()).unwrap();
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        assert!(i.within(t("2026-12-05T21:00:00Z"), t("2026-12-05T22:00:00Z")));
        assert!(!i.within(t("2026-12-05T21:10:01Z"), t("2026-12-06T00:00:00Z")));
        assert!(!i.within(t("2026-12-05T20:00:00Z"), t("2026-12-05T21:10:00Z")));
        i.end = Some(t("2026-12-06T03:00:00Z"));
        assert!(i.within(t("2026-12-06T02:00:00Z"), t("2026-12-06T04:00:00Z")));
    }

    #[cfg(feature = "partition")]
    #[test]
    fn the_district_comes_from_the_place_and_a_place_in_none_is_refused() {
        let ctx = crate::fixtures::ctx();
        // The station square lies in Hamm-Mitte.
        let mut i = parse(base()).unwrap();
        i.prepare(&ctx).unwrap();
        assert_eq!(i.district.map(|d| d.as_str()), Some("mitte"));
        let mut v = base();
        v["district"] = json!("heessen");
        let errs = parse(v).unwrap().prepare(&ctx).unwrap_err();
        assert_eq!(errs[0].field, "district");
        // Without districts to place it in (a gap between them, or none loaded), it is
        // refused rather than kept with a district the client named.
        let none = Context {
            districts: &[],
            ..ctx
        };
        let mut v = base();
        v["district"] = json!("mitte");
        let errs = parse(v).unwrap().prepare(&none).unwrap_err();
        assert_eq!(errs[0].field, "geometry");
        assert_eq!(errs[0].reason, "lies outside Hamm's districts");
    }
}
