//! Patrol routes (Streifenrouten): lines walked by one or more agencies together, for an
//! occasion, on a schedule of weekly windows and one-off periods.

use geojson::{Geometry, GeometryValue};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use crate::validation::{MAX_AGENCIES, check_agencies};

use crate::{
    AgencyKey, DistrictKey,
    context::Context,
    geometry::{self, Shape},
    schedule::{Period, WeeklyWindow},
    validation::{FieldError, MAX_NOTE, MAX_TITLE, Problems, check_text},
    validation::{MAX_WINDOWS, check_windows},
};

string_enum! {
    /// Why a route is walked.
    Occasion {
        BigEvent = "big_event",
        Playgrounds = "playgrounds",
        CityCentre = "city_centre",
        Nightlife = "nightlife",
        Other = "other",
    }
}

/// Most one-off periods one route may have.
pub const MAX_PERIODS: usize = 100;
/// Longest one-off period, in hours.
pub const MAX_PERIOD_HOURS: i64 = 7 * 24;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolRoute {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub title: String,
    /// A LineString inside Hamm.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"type": "Point", "coordinates": [7.8137, 51.68016]})))]
    pub geometry: Geometry,
    /// The owning agency.
    pub agency: AgencyKey,
    /// The agencies that walk it together (e.g. police and KOD); includes the owner.
    #[serde(deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub agencies: Vec<AgencyKey>,
    pub occasion: Occasion,
    /// Agencies besides the owner (and those taking part) that may see this item.
    #[serde(
        default,
        deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub released_to: Vec<AgencyKey>,
    #[serde(default, deserialize_with = "crate::bounded::vec::<MAX_WINDOWS, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 28))]
    pub weekly: Vec<WeeklyWindow>,
    #[serde(default, deserialize_with = "crate::bounded::vec::<MAX_PERIODS, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub dates: Vec<Period>,
    /// Derived from the geometry by the server.
    #[serde(default, deserialize_with = "crate::bounded::vec::<7, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub districts: Vec<DistrictKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
    #[serde(default)]
    pub demo: bool,
}

impl PatrolRoute {
    pub fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        check_text(&mut p, "title", &self.title, MAX_TITLE, true);
        check_text(&mut p, "note", &self.note, MAX_NOTE, false);
        geometry::check_geometry(&mut p, "geometry", &self.geometry, Shape::LineString);
        p.check(ctx.knows_agency(&self.agency), "agency", "unknown agency");
        check_agencies(&mut p, "agencies", &self.agencies, ctx);
        check_agencies(&mut p, "released_to", &self.released_to, ctx);
        check_windows(&mut p, "weekly", &self.weekly, false);
        check_periods(&mut p, "dates", &self.dates);
        p.check(
            !(self.weekly.is_empty() && self.dates.is_empty()),
            "weekly",
            "a route needs weekly windows or dates",
        );
        if !self.agencies.contains(&self.agency) {
            self.agencies.insert(0, self.agency.clone());
        }
        self.districts = geometry::districts_of(&self.geometry.value, ctx.districts);
        self.title = self.title.trim().to_owned();
        p.into_result()
    }

    /// Scheduled at some time in `[from, to)`.
    pub fn is_scheduled_within(&self, from: Timestamp, to: Timestamp) -> bool {
        self.dates.iter().any(|d| d.overlaps(from, to))
            || self.weekly.iter().any(|w| w.overlaps(from, to))
    }

    /// The route's vertices, `[lon, lat]`.
    pub fn line(&self) -> Vec<[f64; 2]> {
        match &self.geometry.value {
            GeometryValue::LineString { .. } => geometry::vertices(&self.geometry.value),
            _ => vec![],
        }
    }
}

/// One-off periods: end after start, at most a week long, at most [`MAX_PERIODS`].
pub fn check_periods(p: &mut Problems, field: &str, periods: &[Period]) {
    p.check(
        periods.len() <= MAX_PERIODS,
        field,
        "too many dates (at most 100)",
    );
    for (i, d) in periods.iter().enumerate() {
        if d.end <= d.start {
            p.add(format!("{field}[{i}].end"), "must be after start");
        } else if d.end.duration_since(d.start) > jiff::SignedDuration::from_hours(MAX_PERIOD_HOURS)
        {
            p.add(
                format!("{field}[{i}].end"),
                "a period may last at most 7 days",
            );
        }
    }
}
