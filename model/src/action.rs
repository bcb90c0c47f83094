//! Planned actions (Maßnahmen): operations, dialogues, meetings, inspections.

use geojson::Geometry;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    AgencyKey, DistrictKey,
    context::Context,
    geometry::{self, Shape},
    validation::{FieldError, MAX_NOTE, MAX_TITLE, Problems, check_text},
    validation::{MAX_AGENCIES, check_agencies},
};

string_enum! {
    ActionKind {
        /// Schwerpunkteinsatz / gemeinsamer Einsatz.
        JointOperation = "joint_operation",
        /// Kontrolle, e.g. with customs or the tax office.
        Inspection = "inspection",
        /// Dialogveranstaltung / Bürgerdialog.
        CitizenDialogue = "citizen_dialogue",
        /// Sitzung der Lenkungsgruppe.
        SteeringGroupMeeting = "steering_group_meeting",
        /// Sitzung eines Fachkreises des Präventionsrats.
        WorkingGroupMeeting = "working_group_meeting",
        /// Austausch mit Gastwirten / Gastronomie.
        GastronomyExchange = "gastronomy_exchange",
        Other = "other",
    }
}

impl ActionKind {
    /// Operations in the field, which must not collide in one district.
    pub fn is_operation(self) -> bool {
        matches!(self, ActionKind::JointOperation | ActionKind::Inspection)
    }
}

string_enum! {
    ActionStatus {
        Planned = "planned",
        Confirmed = "confirmed",
        Done = "done",
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// The prevention council's working groups (Fachkreise des Präventionsrats).
    WorkingGroup {
        UrbanDesign = "urban_design",
        DomesticViolence = "domestic_violence",
        SexualViolenceAgainstChildren = "sexual_violence_against_children",
        Seniors = "seniors",
        InternetSafety = "internet_safety",
        RoadSafety = "road_safety",
    }
}

/// Longest action, in hours.
pub const MAX_ACTION_HOURS: i64 = 14 * 24;
/// Most linked hotspots or routes.
pub const MAX_LINKS: usize = 50;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub title: String,
    pub kind: ActionKind,
    /// RFC 3339 with offset; shown in Europe/Berlin time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub end: Timestamp,
    /// A Point inside Hamm; then `district` is derived from it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub place: Option<Geometry>,
    /// Required where there is no place.
    #[serde(default)]
    pub district: Option<DistrictKey>,
    pub lead_agency: AgencyKey,
    /// Participating agencies besides the lead.
    #[serde(
        default,
        deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub agencies: Vec<AgencyKey>,
    pub status: ActionStatus,
    /// Agencies besides the owner (and those taking part) that may see this item.
    #[serde(
        default,
        deserialize_with = "crate::bounded::vec::<MAX_AGENCIES, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub released_to: Vec<AgencyKey>,
    /// Required for (and only for) working-group meetings.
    #[serde(default)]
    pub working_group: Option<WorkingGroup>,
    /// Linked hotspot ids.
    #[serde(default, deserialize_with = "crate::bounded::vec::<MAX_LINKS, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub hotspots: Vec<i64>,
    /// Linked patrol route ids.
    #[serde(default, deserialize_with = "crate::bounded::vec::<MAX_LINKS, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub routes: Vec<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
    #[serde(default)]
    pub demo: bool,
}

impl Action {
    pub fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        check_text(&mut p, "title", &self.title, MAX_TITLE, true);
        check_text(&mut p, "note", &self.note, MAX_NOTE, false);
        if self.end <= self.start {
            p.add("end", "must be after start");
        } else if self.end.duration_since(self.start)
            > jiff::SignedDuration::from_hours(MAX_ACTION_HOURS)
        {
            p.add("end", "an action may last at most 14 days");
        }
        p.check(
            ctx.knows_agency(&self.lead_agency),
            "lead_agency",
            "unknown agency",
        );
        check_agencies(&mut p, "agencies", &self.agencies, ctx);
        check_agencies(&mut p, "released_to", &self.released_to, ctx);
        match (&self.place, self.district) {
            (None, None) => p.add("district", "an action needs a place or a district"),
            (Some(place), given) => {
                geometry::check_geometry(&mut p, "place", place, Shape::Point);
                let derived = geometry::anchor(&place.value)
                    .and_then(|a| geometry::district_of(a, ctx.districts));
                if let (Some(g), Some(d)) = (given, derived)
                    && g != d
                {
                    p.add("district", format!("the place lies in {d}, not {g}"));
                }
                self.district = derived.or(given);
            }
            (None, Some(_)) => {}
        }
        match (self.kind, self.working_group) {
            (ActionKind::WorkingGroupMeeting, None) => p.add(
                "working_group",
                "a working-group meeting needs its working group",
            ),
            (k, Some(_)) if k != ActionKind::WorkingGroupMeeting => p.add(
                "working_group",
                "only working-group meetings have a working group",
            ),
            _ => {}
        }
        check_links(&mut p, "hotspots", &self.hotspots, ctx.hotspot_ids);
        check_links(&mut p, "routes", &self.routes, ctx.route_ids);
        self.agencies.retain(|a| *a != self.lead_agency);
        self.title = self.title.trim().to_owned();
        p.into_result()
    }

    pub fn overlaps(&self, from: Timestamp, to: Timestamp) -> bool {
        self.start < to && self.end > from
    }

    /// Takes part: leads or participates.
    pub fn involves(&self, agency: &AgencyKey) -> bool {
        self.lead_agency == *agency || self.agencies.contains(agency)
    }

    /// The first field that differs between `self` and `after` outside the operational ones
    /// (title, times, place and district, status, links), which participating agencies may
    /// change: who leads, who takes part, who it is released to, its kind, working group, note
    /// and demo mark are the lead agency's. Lists of agencies compare as sets.
    pub fn owner_only_change(&self, after: &Action) -> Option<&'static str> {
        let same_set = |a: &[AgencyKey], b: &[AgencyKey]| {
            a.len() == b.len() && a.iter().all(|k| b.contains(k))
        };
        [
            ("lead_agency", self.lead_agency == after.lead_agency),
            ("agencies", same_set(&self.agencies, &after.agencies)),
            (
                "released_to",
                same_set(&self.released_to, &after.released_to),
            ),
            ("kind", self.kind == after.kind),
            ("working_group", self.working_group == after.working_group),
            ("note", self.note == after.note),
            ("demo", self.demo == after.demo),
        ]
        .into_iter()
        .find(|(_, same)| !same)
        .map(|(field, _)| field)
    }
}

fn check_links(p: &mut Problems, field: &str, ids: &[i64], known: &[i64]) {
    p.check(ids.len() <= MAX_LINKS, field, "too many links (at most 50)");
    for (i, id) in ids.iter().enumerate() {
        if known.binary_search(id).is_err() {
            p.add(format!("{field}[{i}]"), format!("no such item: {id}"));
        }
    }
}
