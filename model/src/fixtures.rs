//! Test fixtures: the real districts, the partnership's agencies, and small item builders.

use std::sync::OnceLock;

use geojson::Geometry;
use jiff::Timestamp;

use crate::{
    Action, AgencyKey, Context, District, Hotspot, PatrolRoute, Stored,
    action::{ActionKind, ActionStatus},
    agency::partnership_agencies,
    hotspot::{HotspotCategory, Severity},
    partition::approximate_districts,
    route::Occasion,
    schedule::{ClockTime, Weekday, WeeklyWindow},
};

pub const WESTENTOR: [f64; 2] = [7.8137, 51.68016];
pub const SUEDSTRASSE: [f64; 2] = [7.81971, 51.67949];
/// Heessen's reference point (old Amtshaus).
pub const HEESSEN: [f64; 2] = [7.834722, 51.705578];

pub fn districts() -> &'static [District] {
    static D: OnceLock<Vec<District>> = OnceLock::new();
    D.get_or_init(|| approximate_districts().expect("partition"))
}

pub fn agencies() -> &'static [AgencyKey] {
    static A: OnceLock<Vec<AgencyKey>> = OnceLock::new();
    A.get_or_init(|| partnership_agencies().into_iter().map(|a| a.key).collect())
}

pub fn ctx() -> Context<'static> {
    Context {
        agencies: agencies(),
        districts: districts(),
        hotspot_ids: &[1, 2],
        route_ids: &[1],
    }
}

pub fn agency(key: &str) -> AgencyKey {
    AgencyKey::parse(key).expect("agency key")
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

pub fn window(days: &[Weekday], from: (u8, u8), to: (u8, u8)) -> WeeklyWindow {
    WeeklyWindow {
        days: days.to_vec(),
        from: ClockTime::new(from.0, from.1).expect("time"),
        to: ClockTime::new(to.0, to.1).expect("time"),
    }
}

pub fn stored<T>(id: i64, item: T) -> Stored<T> {
    Stored {
        id,
        version: 1,
        updated_at: ts("2026-11-01T00:00:00Z"),
        item,
    }
}

pub fn hotspot(at: [f64; 2], hours: Vec<WeeklyWindow>) -> Hotspot {
    Hotspot {
        title: "Jugendszene Westentor".into(),
        category: HotspotCategory::YouthCrime,
        severity: Severity::High,
        geometry: Geometry::new_point(at),
        hours,
        agency: agency("polizei"),
        released_to: vec![],
        review_date: "2027-06-30".parse().expect("date"),
        district: None,
        note: String::new(),
        demo: false,
    }
}

pub fn route(line: &[[f64; 2]], weekly: Vec<WeeklyWindow>) -> PatrolRoute {
    PatrolRoute {
        title: "Gemeinsame Streife Innenstadt".into(),
        geometry: Geometry::new_line_string(line.iter().copied()),
        agency: agency("polizei"),
        agencies: vec![agency("polizei"), agency("kod")],
        occasion: Occasion::CityCentre,
        released_to: vec![],
        weekly,
        dates: vec![],
        districts: vec![],
        note: String::new(),
        demo: false,
    }
}

pub fn operation(start: &str, end: &str, at: [f64; 2]) -> Action {
    Action {
        title: "Schwerpunkteinsatz".into(),
        kind: ActionKind::JointOperation,
        start: ts(start),
        end: ts(end),
        place: Some(Geometry::new_point(at)),
        district: None,
        lead_agency: agency("polizei"),
        agencies: vec![agency("kod")],
        status: ActionStatus::Planned,
        released_to: vec![],
        working_group: None,
        hotspots: vec![],
        routes: vec![],
        note: String::new(),
        demo: false,
    }
}
