//! Alerts (Auffälligkeiten) as they cross the wire: a place where more incidents of one group
//! of categories happened in the recent week than the weeks before lead one to expect
//! ([`crate::scan`] finds them, [`crate::detection`] tests them), and their acknowledgements.

use geojson::Geometry;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    AgencyKey, DistrictKey, Hotspot,
    hotspot::{HotspotCategory, Severity},
    incident::IncidentCategory,
    schedule::WeeklyWindow,
};

string_enum! {
    /// Groups of incident categories that early detection tests apart: a rise in burglaries
    /// and one in public drinking are different problems for different partners.
    CategoryGroup {
        Disorder = "disorder",
        Youth = "youth",
        Property = "property",
        Drugs = "drugs",
        Economic = "economic",
        Traffic = "traffic",
    }
}

impl CategoryGroup {
    /// The group an incident category is tested in.
    pub fn of(category: IncidentCategory) -> CategoryGroup {
        use IncidentCategory as C;
        match category {
            C::Violence | C::PublicDisorder | C::Noise | C::Littering | C::PublicDrinking => {
                CategoryGroup::Disorder
            }
            C::YouthGathering => CategoryGroup::Youth,
            C::Theft | C::Burglary | C::Damage => CategoryGroup::Property,
            C::Drugs => CategoryGroup::Drugs,
            C::IllicitWork | C::SmuggledGoods => CategoryGroup::Economic,
            C::TrafficAccident => CategoryGroup::Traffic,
        }
    }

    /// The hotspot category a hotspot made from an alert of this group starts with.
    pub fn hotspot_category(self) -> HotspotCategory {
        match self {
            CategoryGroup::Disorder => HotspotCategory::PublicDisorder,
            CategoryGroup::Youth => HotspotCategory::YouthCrime,
            CategoryGroup::Drugs => HotspotCategory::DrugScene,
            CategoryGroup::Traffic => HotspotCategory::RoadSafety,
            CategoryGroup::Property | CategoryGroup::Economic => HotspotCategory::Other,
        }
    }

    /// The German name (report, CSV).
    pub fn label_de(self) -> &'static str {
        match self {
            CategoryGroup::Disorder => "Gewalt und Ordnungsstörungen",
            CategoryGroup::Youth => "Jugendansammlungen",
            CategoryGroup::Property => "Eigentum und Sachbeschädigung",
            CategoryGroup::Drugs => "Betäubungsmittel",
            CategoryGroup::Economic => "Schwarzarbeit und Schmuggel",
            CategoryGroup::Traffic => "Verkehrsunfälle",
        }
    }
}

string_enum! {
    /// Why an alert needs no more attention for now.
    AckReason {
        /// Known already.
        Known = "known",
        /// Being handled.
        BeingHandled = "being_handled",
        /// The incidents behind it are a data error (a double import, a wrong place).
        DataError = "data_error",
        /// Made into a hotspot ("Als Brennpunkt anlegen").
        Hotspot = "hotspot",
    }
}

/// Where an alert is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AlertPlace {
    District {
        district: DistrictKey,
    },
    /// A hotspot's area (a Point hotspot: the circle of [`crate::scan::HOTSPOT_RADIUS_M`]).
    Hotspot {
        id: i64,
        title: String,
    },
    /// A cell of the city's 500 m grid ([`crate::scan::CELL_M`]), counted east and north; of
    /// the second grid, shifted by half a cell east and north, if `shifted`.
    Cell {
        east: i32,
        north: i32,
        #[serde(default)]
        shifted: bool,
    },
}

/// One alert.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The place and group (`cell:12:7:disorder`): the same while the alert lasts.
    pub key: String,
    pub place: AlertPlace,
    /// The area's outline: a district's or hotspot's geometry, a cell's square.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub geometry: Geometry,
    /// The district the area lies in (by its representative point).
    pub district: Option<DistrictKey>,
    pub group: CategoryGroup,
    /// The categories of the group that happened there in the recent week.
    pub categories: Vec<IncidentCategory>,
    /// Incidents in the recent week (0 where withheld).
    pub observed: u32,
    /// What the baseline weeks lead one to expect, to one decimal.
    pub expected: f64,
    /// P(at least `observed` | `expected`), before the correction for many tests.
    pub p_value: f64,
    /// The start of the first six hours of the recent week with more than expected.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub since: Timestamp,
    /// The hours of the week in which the excess fell (six-hour blocks, local time).
    pub hours: Vec<WeeklyWindow>,
    /// Kulldorff's log-likelihood ratio (how strongly the place stands out).
    pub score: f64,
    /// This agency's acknowledgement, if it acknowledged the alert within the last week.
    #[serde(default)]
    pub acknowledged: Option<Acknowledgement>,
    /// Set for wall displays: counts below this were withheld (sent as 0), shown as "< n".
    #[serde(default)]
    pub withheld_below: Option<u32>,
}

impl Alert {
    /// The alert as a wall display gets it: where and which group, nothing else. Its counts,
    /// categories, hours and start (and its p-value and score, which give the count back) move
    /// with each single incident in a 500 m cell, so they are withheld (`withheld_below`), as
    /// counts below the threshold are everywhere on the wall.
    pub fn for_display(self, threshold: u32, week_start: Timestamp) -> Alert {
        Alert {
            categories: vec![],
            observed: 0,
            expected: 0.0,
            p_value: 0.0,
            since: week_start,
            hours: vec![],
            score: 0.0,
            acknowledged: None,
            withheld_below: Some(threshold),
            ..self
        }
    }
}

impl Alert {
    /// The hotspot "Als Brennpunkt anlegen" starts from: the alert's area, the group's hotspot
    /// category, the weekly hours the excess fell in, owned by `agency`, to be reviewed on
    /// `review_date`. The planner completes it; nothing is saved until they do.
    pub fn as_hotspot(&self, agency: AgencyKey, review_date: jiff::civil::Date) -> Hotspot {
        Hotspot {
            title: format!("Auffälligkeit: {}", self.group.label_de()),
            category: self.group.hotspot_category(),
            severity: Severity::Medium,
            geometry: self.geometry.clone(),
            hours: self.hours.clone(),
            agency,
            released_to: vec![],
            review_date,
            district: self.district,
            note: String::new(),
            demo: false,
        }
    }
}

/// An agency's acknowledgement of an alert.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub reason: AckReason,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
}

/// `POST /api/alerts/{key}/acknowledgement`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAcknowledgement {
    pub reason: AckReason,
    /// With [`AckReason::Hotspot`]: the hotspot made from the alert. Its area is tested from
    /// then on, so the alert continues under the hotspot's key, acknowledged as well.
    #[serde(default)]
    pub hotspot: Option<i64>,
}

impl NewAcknowledgement {
    /// The keys an acknowledgement of `key` covers: the alert's, and with a hotspot made from
    /// it the key its alert has in the hotspot's area (the same group).
    pub fn keys(&self, key: &str) -> Result<Vec<String>, crate::validation::FieldError> {
        let field = |reason: &str| crate::validation::FieldError {
            field: "hotspot".into(),
            reason: reason.into(),
        };
        match (self.reason, self.hotspot) {
            (AckReason::Hotspot, Some(id)) => {
                let group = key.rsplit(':').next().unwrap_or_default();
                Ok(vec![key.to_owned(), format!("hotspot:{id}:{group}")])
            }
            (AckReason::Hotspot, None) => Err(field("is required when the reason is hotspot")),
            (_, Some(_)) => Err(field("is only given when the reason is hotspot")),
            (_, None) => Ok(vec![key.to_owned()]),
        }
    }
}

/// `GET /api/alerts`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertList {
    pub alerts: Vec<Alert>,
    /// The recent week the counts are of: `[from, to)`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub from: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub to: Timestamp,
    /// Places × category groups tested (the multiple-testing correction divides by this).
    pub tests: usize,
}

/// How long an acknowledgement holds: the recent week's length, so an alert that is still
/// there a week later asks for attention again.
pub const ACK_HOLDS: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_group_and_groups_read_as_written() {
        use IncidentCategory as C;
        assert_eq!(CategoryGroup::of(C::Burglary), CategoryGroup::Property);
        assert_eq!(
            CategoryGroup::of(C::PublicDrinking),
            CategoryGroup::Disorder
        );
        assert_eq!(CategoryGroup::of(C::SmuggledGoods), CategoryGroup::Economic);
        assert_eq!(
            CategoryGroup::Drugs.hotspot_category(),
            HotspotCategory::DrugScene
        );
        let covered: std::collections::BTreeSet<_> =
            C::ALL.iter().map(|&c| CategoryGroup::of(c)).collect();
        assert_eq!(covered.len(), CategoryGroup::COUNT);
    }

    #[test]
    fn an_alert_made_a_hotspot_is_acknowledged_under_both_keys() {
        let made = NewAcknowledgement {
            reason: AckReason::Hotspot,
            hotspot: Some(17),
        };
        assert_eq!(
            made.keys("cell:-1:9:disorder"),
            Ok(vec![
                "cell:-1:9:disorder".into(),
                "hotspot:17:disorder".into()
            ])
        );
        let known = NewAcknowledgement {
            reason: AckReason::Known,
            hotspot: None,
        };
        assert_eq!(
            known.keys("district:mitte:drugs"),
            Ok(vec!["district:mitte:drugs".into()])
        );
        let bad = NewAcknowledgement {
            reason: AckReason::Known,
            hotspot: Some(3),
        };
        assert_eq!(bad.keys("x").map_err(|e| e.field), Err("hotspot".into()));
        let missing = NewAcknowledgement {
            reason: AckReason::Hotspot,
            hotspot: None,
        };
        assert_eq!(
            missing.keys("x").map_err(|e| e.field),
            Err("hotspot".into())
        );
    }
}
