//! Hotspots (Brennpunkte): places with a recurring security or order problem, and the weekly
//! hours when it matters.

use geojson::Geometry;
use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

pub use crate::validation::{MAX_WINDOWS, check_windows};

use crate::{
    AgencyKey, DistrictKey,
    context::Context,
    geometry::{self, Shape},
    schedule::{WeeklyWindow, local},
    validation::{FieldError, MAX_AGENCIES, MAX_NOTE, MAX_TITLE, Problems, check_text},
};

string_enum! {
    /// What kind of problem a hotspot has.
    HotspotCategory {
        YouthCrime = "youth_crime",
        NightlifeGastronomy = "nightlife_gastronomy",
        DrugScene = "drug_scene",
        PublicDisorder = "public_disorder",
        RoadSafety = "road_safety",
        Other = "other",
    }
}

string_enum! {
    Severity { Low = "low", Medium = "medium", High = "high" }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotspot {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub title: String,
    pub category: HotspotCategory,
    pub severity: Severity,
    /// A Point or a Polygon inside Hamm.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"type": "Point", "coordinates": [7.8137, 51.68016]})))]
    pub geometry: Geometry,
    /// When it matters, in local time.
    #[serde(deserialize_with = "crate::bounded::vec::<MAX_WINDOWS, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 28))]
    pub hours: Vec<WeeklyWindow>,
    /// The owning agency.
    pub agency: AgencyKey,
    /// Agencies besides the owner (and those taking part) that may see this item.
    #[serde(
        default,
        deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub released_to: Vec<AgencyKey>,
    /// After this date the hotspot must be confirmed, or it stops showing as active.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub review_date: Date,
    /// Derived from the geometry by the server.
    #[serde(default)]
    pub district: Option<DistrictKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
    /// Demo data ("Beispieldaten").
    #[serde(default)]
    pub demo: bool,
}

impl Hotspot {
    /// Checks the input and fills derived fields.
    pub fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        check_text(&mut p, "title", &self.title, MAX_TITLE, true);
        check_text(&mut p, "note", &self.note, MAX_NOTE, false);
        geometry::check_geometry(&mut p, "geometry", &self.geometry, Shape::PointOrPolygon);
        check_windows(&mut p, "hours", &self.hours, true);
        p.check(ctx.knows_agency(&self.agency), "agency", "unknown agency");
        crate::validation::check_agencies(&mut p, "released_to", &self.released_to, ctx);
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
        self.district = derived.or(self.district);
        self.title = self.title.trim().to_owned();
        p.into_result()
    }

    /// Active at `t`: inside its hours and not past its review date.
    pub fn is_active_at(&self, t: Timestamp) -> bool {
        !self.is_review_due(t) && self.hours.iter().any(|w| w.contains(t))
    }

    /// Has some hours in `[from, to)` and is not past its review date at `from`.
    pub fn is_active_within(&self, from: Timestamp, to: Timestamp) -> bool {
        !self.is_review_due(from) && self.hours.iter().any(|w| w.overlaps(from, to))
    }

    pub fn is_review_due(&self, t: Timestamp) -> bool {
        local(t).date() > self.review_date
    }
}
