//! Conflicts, coverage and summaries on hand-made cases.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
use crate::{
    DistrictKey,
    action::{ActionKind, ActionStatus},
    analysis::{Gap, conflicts, coverage, district_summaries},
    fixtures::*,
    schedule::{Period, Weekday::*},
};

fn prepared_op(id: i64, start: &str, end: &str, at: [f64; 2]) -> crate::Stored<crate::Action> {
    let mut a = operation(start, end, at);
    a.prepare(&ctx()).unwrap();
    stored(id, a)
}

#[test]
fn overlapping_operations_in_one_district_conflict() {
    let a = prepared_op(1, "2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z", WESTENTOR);
    let b = prepared_op(
        2,
        "2026-12-04T21:00:00Z",
        "2026-12-05T01:00:00Z",
        SUEDSTRASSE,
    );
    let found = conflicts(&[b, a]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].district, DistrictKey::Mitte);
    assert_eq!(found[0].actions, [1, 2]);
    assert_eq!(found[0].overlap_start, ts("2026-12-04T21:00:00Z"));
    assert_eq!(found[0].overlap_end, ts("2026-12-04T22:00:00Z"));
}

#[test]
fn back_to_back_other_district_cancelled_and_meetings_do_not_conflict() {
    let a = prepared_op(1, "2026-12-04T18:00:00Z", "2026-12-04T20:00:00Z", WESTENTOR);
    let touching = prepared_op(2, "2026-12-04T20:00:00Z", "2026-12-04T22:00:00Z", WESTENTOR);
    let elsewhere = prepared_op(3, "2026-12-04T18:00:00Z", "2026-12-04T20:00:00Z", HEESSEN);
    let mut cancelled = prepared_op(4, "2026-12-04T18:00:00Z", "2026-12-04T20:00:00Z", WESTENTOR);
    cancelled.item.status = ActionStatus::Cancelled;
    let mut meeting = prepared_op(5, "2026-12-04T18:00:00Z", "2026-12-04T20:00:00Z", WESTENTOR);
    meeting.item.kind = ActionKind::CitizenDialogue;
    assert!(conflicts(&[a, touching, elsewhere, cancelled, meeting]).is_empty());
}

fn prepared_hotspot() -> crate::Stored<crate::Hotspot> {
    // Friday and Saturday 22:00–04:00: 720 minutes a week.
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri, Sat], (22, 0), (4, 0))]);
    h.prepare(&ctx()).unwrap();
    stored(1, h)
}

#[test]
fn a_nearby_patrol_covers_part_of_the_hotspot_hours_and_the_gaps_are_listed() {
    // Friday 23:00–02:00 along the street past the Westentor.
    let mut r = route(
        &[[7.8120, 51.6801], [7.8150, 51.6802]],
        vec![window(&[Fri], (23, 0), (2, 0))],
    );
    r.prepare(&ctx()).unwrap();
    let c = &coverage(
        &[prepared_hotspot()],
        &[stored(9, r)],
        "2026-11-23".parse().unwrap(),
    )[0];
    assert_eq!(c.active_minutes, 720);
    assert_eq!(c.covered_minutes, 180);
    assert!((c.share - 0.25).abs() < 1e-9);
    assert_eq!(c.routes, [9]);
    assert_eq!(
        c.gaps,
        [
            Gap {
                day: Fri,
                start_minute: 22 * 60,
                minutes: 60
            },
            Gap {
                day: Sat,
                start_minute: 2 * 60,
                minutes: 120
            },
            Gap {
                day: Sat,
                start_minute: 22 * 60,
                minutes: 120
            },
            Gap {
                day: Sun,
                start_minute: 0,
                minutes: 240
            },
        ]
    );
}

#[test]
fn a_patrol_far_away_covers_nothing() {
    let mut r = route(
        &[HEESSEN, [7.836, 51.706]],
        vec![window(&[Fri, Sat], (20, 0), (6, 0))],
    );
    r.prepare(&ctx()).unwrap();
    let c = &coverage(
        &[prepared_hotspot()],
        &[stored(9, r)],
        "2026-11-23".parse().unwrap(),
    )[0];
    assert_eq!((c.covered_minutes, c.share), (0, 0.0));
    assert!(c.routes.is_empty());
}

#[test]
fn one_off_dates_count_only_in_their_week() {
    let mut r = route(&[[7.8120, 51.6801], [7.8150, 51.6802]], vec![]);
    // Saturday 2026-11-28 22:00–24:00 local (21:00–23:00 UTC).
    r.dates = vec![Period {
        start: ts("2026-11-28T21:00:00Z"),
        end: ts("2026-11-28T23:00:00Z"),
    }];
    r.prepare(&ctx()).unwrap();
    let routes = [stored(9, r)];
    let this_week = &coverage(
        &[prepared_hotspot()],
        &routes,
        "2026-11-23".parse().unwrap(),
    )[0];
    assert_eq!(this_week.covered_minutes, 120);
    let next_week = &coverage(
        &[prepared_hotspot()],
        &routes,
        "2026-11-30".parse().unwrap(),
    )[0];
    assert_eq!(next_week.covered_minutes, 0);
}

#[test]
fn district_summaries_count_what_is_active_and_planned() {
    let a = prepared_op(1, "2026-11-27T18:00:00Z", "2026-11-27T22:00:00Z", WESTENTOR);
    let b = prepared_op(
        2,
        "2026-11-27T20:00:00Z",
        "2026-11-27T23:00:00Z",
        SUEDSTRASSE,
    );
    let c = prepared_op(3, "2026-11-27T20:00:00Z", "2026-11-27T23:00:00Z", HEESSEN);
    let now = ts("2026-11-27T21:30:00Z"); // Friday 22:30 local
    let week = (ts("2026-11-22T23:00:00Z"), ts("2026-11-29T23:00:00Z"));
    let no_routes: &[crate::Stored<crate::PatrolRoute>] = &[];
    let s = district_summaries(&[prepared_hotspot()], no_routes, &[a, b, c], now, week);
    let mitte = &s[0];
    assert_eq!(
        (mitte.hotspots_active, mitte.actions, mitte.conflicts),
        (1, 2, 1)
    );
    let heessen = s
        .iter()
        .find(|d| d.district == DistrictKey::Heessen)
        .unwrap();
    assert_eq!(
        (heessen.hotspots_active, heessen.actions, heessen.conflicts),
        (0, 1, 0)
    );
}

#[test]
fn wall_indicators_count_today_this_week_and_now() {
    let today = prepared_op(1, "2026-11-27T18:00:00Z", "2026-11-27T22:00:00Z", WESTENTOR);
    let clash = prepared_op(
        2,
        "2026-11-27T20:00:00Z",
        "2026-11-27T23:00:00Z",
        SUEDSTRASSE,
    );
    let later = prepared_op(3, "2026-11-29T10:00:00Z", "2026-11-29T12:00:00Z", HEESSEN);
    let next_week = prepared_op(4, "2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z", WESTENTOR);
    let mut r = route(
        &[WESTENTOR, SUEDSTRASSE],
        vec![window(&[Fri], (21, 0), (2, 0))],
    );
    r.prepare(&ctx()).unwrap();
    let now = ts("2026-11-27T21:30:00Z"); // Friday 22:30 in Hamm
    let actions = [today, clash, later, next_week];
    let city = crate::analysis::indicators(
        &[prepared_hotspot()],
        &[stored(1, r.clone())],
        &actions,
        now,
        None,
    );
    assert_eq!(
        (
            city.actions_today,
            city.actions_week,
            city.hotspots_active,
            city.patrols_today,
            city.conflicts_week
        ),
        (2, 3, 1, 1, 1)
    );
    let heessen = crate::analysis::indicators(
        &[prepared_hotspot()],
        &[stored(1, r)],
        &actions,
        now,
        Some(DistrictKey::Heessen),
    );
    assert_eq!(
        (
            heessen.actions_today,
            heessen.actions_week,
            heessen.hotspots_active,
            heessen.patrols_today,
            heessen.conflicts_week
        ),
        (0, 1, 0, 0, 0)
    );
}

#[test]
fn a_district_officer_sees_today_the_week_active_hotspots_and_patrols() {
    let later_today = prepared_op(1, "2026-11-27T22:30:00Z", "2026-11-27T23:30:00Z", WESTENTOR);
    let earlier_today = prepared_op(
        2,
        "2026-11-27T08:00:00Z",
        "2026-11-27T09:00:00Z",
        SUEDSTRASSE,
    );
    let sunday = prepared_op(3, "2026-11-29T10:00:00Z", "2026-11-29T12:00:00Z", WESTENTOR);
    let elsewhere = prepared_op(4, "2026-11-27T20:00:00Z", "2026-11-27T21:00:00Z", HEESSEN);
    let mut cancelled = prepared_op(5, "2026-11-27T20:00:00Z", "2026-11-27T21:00:00Z", WESTENTOR);
    cancelled.item.status = ActionStatus::Cancelled;
    let mut r = route(
        &[WESTENTOR, SUEDSTRASSE],
        vec![window(&[Fri], (21, 0), (2, 0))],
    );
    r.prepare(&ctx()).unwrap();
    let now = ts("2026-11-27T21:30:00Z");
    let day = crate::analysis::district_day(
        &[prepared_hotspot()],
        &[stored(7, r)],
        &[later_today, earlier_today, sunday, elsewhere, cancelled],
        DistrictKey::Mitte,
        now,
    );
    assert_eq!(day.today, [2, 1], "in time order");
    assert_eq!(day.week, [2, 1, 3]);
    assert_eq!(day.hotspots_active, [1]);
    assert_eq!(day.patrols_today, [7]);
}

#[test]
fn counts_fall_into_four_classes() {
    use crate::analysis::{CLASS_LABELS, count_class};
    let classes: Vec<usize> = [0, 1, 2, 3, 4, 17].into_iter().map(count_class).collect();
    assert_eq!(classes, [0, 1, 2, 2, 3, 3]);
    assert_eq!(CLASS_LABELS.len(), 4);
}

#[test]
fn small_counts_are_withheld_and_shown_as_below_the_threshold() {
    let tiles = crate::analysis::Indicators {
        district: Some(DistrictKey::Mitte),
        actions_today: 4,
        actions_week: 5,
        hotspots_active: 0,
        patrols_today: 12,
        conflicts_week: 1,
        withheld_below: None,
    }
    .withhold_below(5);
    assert_eq!(
        (
            tiles.actions_today,
            tiles.actions_week,
            tiles.patrols_today,
            tiles.conflicts_week
        ),
        (0, 5, 12, 0),
        "the exact small numbers do not leave the server"
    );
    let shown = |n| crate::analysis::shown_count(n, tiles.withheld_below);
    assert_eq!(shown(tiles.actions_today), "< 5");
    assert_eq!(shown(tiles.actions_week), "5");
    assert_eq!(crate::analysis::shown_count(3, None), "3");
}
