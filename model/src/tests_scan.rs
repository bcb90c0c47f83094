//! The scan on hand-made weeks: background incidents at a few places every day, and a planted
//! excess. Expected outcomes are written out by hand.

use jiff::{Timestamp, ToSpan};

use super::*;
use crate::{
    Incident,
    fixtures::{HEESSEN, SUEDSTRASSE, WESTENTOR, districts, hotspot, ts, window},
    incident::IncidentCategory as C,
    schedule::Weekday::*,
};

/// Thursday 26 November 2026, 20:30 in Hamm: the recent week is Friday 20 November 00:00 to
/// Friday 27 November 00:00.
const NOW: &str = "2026-11-26T19:30:00Z";

fn incident(at: [f64; 2], start: Timestamp, category: C) -> Incident {
    Incident {
        category,
        count: 1,
        start,
        end: None,
        geometry: Geometry::new(GeometryValue::new_point(at.to_vec())),
        agency: crate::fixtures::agency("polizei"),
        released_to: vec![],
        source_key: None,
        district: geometry::district_of(at, districts()),
        demo: false,
    }
}

/// One disorder incident at 20:00 and one theft at 10:00 each day, at each of three places,
/// over the nine weeks before the end of the recent week.
fn background() -> Vec<Incident> {
    let end = ts("2026-11-26T23:00:00Z");
    let mut out = vec![];
    for day in 1..=63i64 {
        let midnight = end.checked_sub((day * 24).hours()).expect("time");
        for place in [WESTENTOR, HEESSEN, [7.75, 51.67]] {
            out.push(incident(place, midnight + 20.hours(), C::PublicDisorder));
            out.push(incident(place, midnight + 10.hours(), C::Theft));
        }
    }
    out
}

/// Fifteen disorder incidents at Südstraße on Wednesday 25 November, 18:00 to 23:00.
fn planted(category: C) -> Vec<Incident> {
    (0..15)
        .map(|i| {
            let at = ts("2026-11-25T17:00:00Z") + (i * 20).minutes();
            incident(SUEDSTRASSE, at, category)
        })
        .collect()
}

fn run(incidents: &[Incident], hotspots: &[(i64, &Hotspot)]) -> AlertList {
    scan(
        &Detection::default(),
        incidents,
        districts(),
        hotspots,
        ts(NOW),
    )
}

#[test]
fn the_recent_week_ends_with_the_current_six_hours() {
    let (base, from, to) = windows(&Detection::default(), ts(NOW));
    assert_eq!(from.timestamp(), ts("2026-11-19T23:00:00Z"));
    assert_eq!(to.timestamp(), ts("2026-11-26T23:00:00Z"));
    assert_eq!(
        base.timestamp(),
        ts("2026-09-24T22:00:00Z"),
        "summer time in the baseline"
    );
    assert_eq!(block_of(&from), 16, "Friday 00–06");
}

#[test]
fn nothing_is_raised_by_background_alone() {
    let list = run(&background(), &[]);
    assert_eq!(list.alerts, vec![]);
    // 3 cells of each grid and the 3 districts they lie in (Mitte, Heessen, the west), two
    // groups each.
    assert_eq!(list.tests, 18);
}

#[test]
fn a_planted_excess_raises_one_alert_in_its_cell() {
    let mut incidents = background();
    incidents.extend(planted(C::Violence));
    let list = run(&incidents, &[]);
    assert_eq!(list.alerts.len(), 1, "{:#?}", list.alerts);
    let a = &list.alerts[0];
    let (east, north) = cell_of(SUEDSTRASSE);
    assert_eq!(a.key, format!("cell:{east}:{north}:disorder"));
    assert_eq!(
        a.place,
        AlertPlace::Cell {
            east,
            north,
            shifted: false
        }
    );
    assert_eq!(a.district, Some(DistrictKey::Mitte));
    assert_eq!(a.group, CategoryGroup::Disorder);
    assert_eq!(a.categories, vec![C::Violence]);
    assert_eq!(a.observed, 15);
    assert_eq!(a.expected, 0.5, "the floor: no baseline there");
    assert_eq!(a.since, ts("2026-11-25T17:00:00Z"));
    assert_eq!(a.hours, vec![window(&[Wed], (18, 0), (0, 0))]);
    let GeometryValue::Polygon { coordinates } = &a.geometry.value else {
        panic!("a cell is a square")
    };
    assert_eq!(coordinates[0].len(), 5);
    assert!(geometry::polygon_contains(&a.geometry.value, SUEDSTRASSE));
}

#[test]
fn an_alert_becomes_a_hotspot_with_its_area_category_and_hours() {
    let mut incidents = background();
    incidents.extend(planted(C::Drugs));
    let list = run(&incidents, &[]);
    let a = &list.alerts[0];
    let review = jiff::civil::date(2027, 6, 1);
    let h = a.as_hotspot(crate::fixtures::agency("kod"), review);
    assert_eq!(h.title, "Auffälligkeit: Betäubungsmittel");
    assert_eq!(h.category, crate::hotspot::HotspotCategory::DrugScene);
    assert_eq!(h.hours, vec![window(&[Wed], (18, 0), (0, 0))]);
    assert_eq!(h.geometry, a.geometry);
    let mut checked = h.clone();
    assert_eq!(checked.prepare(&crate::fixtures::ctx()), Ok(()));
    assert_eq!(checked.district, Some(DistrictKey::Mitte));
}

#[test]
fn a_hotspot_area_that_holds_the_excess_is_named_instead_of_its_cell() {
    let mut incidents = background();
    incidents.extend(planted(C::Drugs));
    let spot = hotspot(SUEDSTRASSE, vec![window(&[Fri], (20, 0), (2, 0))]);
    let list = run(&incidents, &[(42, &spot)]);
    assert_eq!(list.alerts.len(), 1, "{:#?}", list.alerts);
    let a = &list.alerts[0];
    assert_eq!(a.key, "hotspot:42:drugs");
    assert_eq!(
        a.place,
        AlertPlace::Hotspot {
            id: 42,
            title: "Jugendszene Westentor".into()
        }
    );
    assert_eq!(
        a.group.hotspot_category(),
        crate::hotspot::HotspotCategory::DrugScene
    );
}

#[test]
fn two_groups_at_one_place_are_two_alerts() {
    let mut incidents = background();
    incidents.extend(planted(C::Noise));
    incidents.extend(planted(C::Burglary));
    let list = run(&incidents, &[]);
    let mut keys: Vec<&str> = list.alerts.iter().map(|a| a.key.as_str()).collect();
    keys.sort();
    let (east, north) = cell_of(SUEDSTRASSE);
    assert_eq!(
        keys,
        vec![
            format!("cell:{east}:{north}:disorder"),
            format!("cell:{east}:{north}:property")
        ]
    );
}

#[test]
fn excess_blocks_read_as_weekly_hours() {
    // Monday and Tuesday 18–24, Friday 18–24 and Saturday 00–06, Sunday 06–18.
    assert_eq!(
        weekly_hours(&[3, 7, 19, 20, 25, 26]),
        vec![
            window(&[Mon, Tue, Fri], (18, 0), (0, 0)),
            window(&[Sat], (0, 0), (6, 0)),
            window(&[Sun], (6, 0), (18, 0)),
        ]
    );
}
