//! Pure analysis of the picture: conflicts between operations, patrol coverage of hotspots,
//! and per-district summaries for the map.

use std::borrow::Borrow;

use jiff::{Timestamp, ToSpan, civil::Date};
use serde::{Deserialize, Serialize};

use crate::{
    DistrictKey,
    action::{Action, ActionStatus},
    hotspot::Hotspot,
    item::Stored,
    proximity::{Path, Place},
    route::PatrolRoute,
    schedule::{MinuteSet, Weekday, berlin, local},
};

/// Two operations in one district at overlapping times.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub district: DistrictKey,
    /// The two action ids, lower first.
    pub actions: [i64; 2],
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub overlap_start: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub overlap_end: Timestamp,
}

/// Every pair of operations (joint operations, inspections) that are not cancelled, share a
/// district and overlap in time.
///
/// The analysis functions take the items or references to them (`&[Stored<_>]` or
/// `&[&Stored<_>]`): the server hands over what it keeps in memory without copying it.
pub fn conflicts<A: Borrow<Stored<Action>>>(actions: &[A]) -> Vec<Conflict> {
    let ops: Vec<&Stored<Action>> = actions
        .iter()
        .map(Borrow::borrow)
        .filter(|a| a.item.kind.is_operation() && a.item.status != ActionStatus::Cancelled)
        .filter(|a| a.item.district.is_some())
        .collect();
    let mut out = Vec::new();
    for (i, a) in ops.iter().enumerate() {
        for b in &ops[i + 1..] {
            if a.item.district == b.item.district && a.item.overlaps(b.item.start, b.item.end) {
                let (lo, hi) = if a.id < b.id {
                    (a.id, b.id)
                } else {
                    (b.id, a.id)
                };
                out.push(Conflict {
                    district: a.item.district.unwrap_or(DistrictKey::Mitte),
                    actions: [lo, hi],
                    overlap_start: a.item.start.max(b.item.start),
                    overlap_end: a.item.end.min(b.item.end),
                });
            }
        }
    }
    out.sort_by_key(|c| (c.overlap_start, c.actions));
    out
}

/// How far a route may pass from a hotspot and still count as patrolling it, in metres.
pub const NEARBY_M: f64 = 300.0;

/// Uncovered hours of a hotspot: `from` on `day`, for `minutes`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub day: Weekday,
    /// Minutes after midnight local time.
    pub start_minute: u32,
    pub minutes: u32,
}

/// Patrol coverage of one hotspot in one week.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub hotspot: i64,
    /// Minutes the hotspot matters in the week.
    pub active_minutes: u32,
    /// Of those, minutes a nearby patrol is scheduled.
    pub covered_minutes: u32,
    /// `covered / active`, 0 to 1 (1 when the hotspot has no hours).
    pub share: f64,
    /// Routes within [`NEARBY_M`].
    pub routes: Vec<i64>,
    pub gaps: Vec<Gap>,
}

/// Coverage of each hotspot by the routes near it, in the week starting Monday `week_start`
/// (weekly windows, plus one-off dates that fall into that week).
///
/// Each route's line and minutes are worked out once, each hotspot's place once; a pair whose
/// bounding boxes are further apart than [`NEARBY_M`] is skipped without measuring (see
/// [`crate::proximity`]).
pub fn coverage<H: Borrow<Stored<Hotspot>>, R: Borrow<Stored<PatrolRoute>>>(
    hotspots: &[H],
    routes: &[R],
    week_start: Date,
) -> Vec<Coverage> {
    let routes: Vec<(i64, Path, MinuteSet)> = routes
        .iter()
        .map(Borrow::borrow)
        .map(|r| {
            (
                r.id,
                Path::of(&r.item.line()),
                route_minutes(&r.item, week_start),
            )
        })
        .collect();
    hotspots
        .iter()
        .map(Borrow::borrow)
        .map(|h| {
            let active = h
                .item
                .hours
                .iter()
                .fold(MinuteSet::default(), |acc, w| acc.union(&w.minutes()));
            let place = Place::of(&h.item.geometry.value);
            let nearby: Vec<&(i64, Path, MinuteSet)> = routes
                .iter()
                .filter(|(_, path, _)| place.is_within(path, NEARBY_M))
                .collect();
            let patrolled = nearby
                .iter()
                .fold(MinuteSet::default(), |acc, (_, _, minutes)| {
                    acc.union(minutes)
                });
            let covered = active.intersect(&patrolled);
            let gaps = active
                .subtract(&patrolled)
                .intervals()
                .iter()
                .flat_map(|&(s, e)| split_by_day(s, e))
                .collect();
            let (a, c) = (active.total(), covered.total());
            Coverage {
                hotspot: h.id,
                active_minutes: a,
                covered_minutes: c,
                share: if a == 0 {
                    1.0
                } else {
                    f64::from(c) / f64::from(a)
                },
                routes: nearby.iter().map(|(id, _, _)| *id).collect(),
                gaps,
            }
        })
        .collect()
}

fn split_by_day(start: u32, end: u32) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let mut s = start;
    while s < end {
        let day_end = (s / 1440 + 1) * 1440;
        let e = end.min(day_end);
        gaps.push(Gap {
            day: Weekday::ALL[(s / 1440) as usize % 7],
            start_minute: s % 1440,
            minutes: e - s,
        });
        s = e;
    }
    gaps
}

/// A route's minutes in the week starting `week_start`.
fn route_minutes(route: &PatrolRoute, week_start: Date) -> MinuteSet {
    let mut set = route
        .weekly
        .iter()
        .fold(MinuteSet::default(), |acc, w| acc.union(&w.minutes()));
    let tz = berlin();
    let Ok(start) = week_start.to_zoned_datetime(tz.clone()) else {
        return set;
    };
    let Ok(end) = start.checked_add(7.days()) else {
        return set;
    };
    let (ws, we) = (start.timestamp(), end.timestamp());
    for d in route.dates.iter().filter(|d| d.overlaps(ws, we)) {
        let (s, e) = (d.start.max(ws), d.end.min(we));
        let minute = |t: Timestamp| {
            let z = local(t);
            Weekday::from_civil(z.weekday()).index() * 1440
                + z.hour() as u32 * 60
                + z.minute() as u32
        };
        let len = (e.duration_since(s).as_secs() / 60).max(0) as u32;
        set.add_wrapping(minute(s), minute(s) + len);
    }
    set
}

/// What the map shows per district.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictSummary {
    pub district: DistrictKey,
    /// Hotspots active at `now`.
    pub hotspots_active: u32,
    /// Actions (not cancelled) in the window.
    pub actions: u32,
    /// Routes scheduled in the window that touch the district.
    pub routes: u32,
    /// Conflicts in the window.
    pub conflicts: u32,
    /// Incidents (their counts summed) in the window.
    #[serde(default)]
    pub incidents: u32,
    /// `incidents` per 1,000 residents, to one decimal.
    #[serde(default)]
    pub incidents_per_1000: f64,
    /// Set for wall displays: counts below this were withheld (sent as 0), shown as "< n".
    #[serde(default)]
    pub withheld_below: Option<u32>,
}

impl DistrictSummary {
    /// Adds the incidents (those released to the viewer) in `window`, with `population` per
    /// district for the rate.
    pub fn add_incidents<'a>(
        rows: &mut [DistrictSummary],
        incidents: impl IntoIterator<Item = &'a crate::Incident>,
        window: (Timestamp, Timestamp),
        population: impl Fn(DistrictKey) -> u32,
    ) {
        let counts = crate::density::per_district(incidents, window);
        for row in rows {
            if let Some((_, n)) = counts.iter().find(|(d, _)| *d == row.district) {
                row.incidents = *n;
                row.incidents_per_1000 = crate::density::per_thousand(*n, population(row.district));
            }
        }
    }

    /// Withholds every count below `threshold` (the rate too, where its count is withheld).
    pub fn withhold_below(mut self, threshold: u32) -> Self {
        for n in [
            &mut self.hotspots_active,
            &mut self.actions,
            &mut self.routes,
            &mut self.conflicts,
        ] {
            if *n < threshold {
                *n = 0;
            }
        }
        if self.incidents < threshold {
            self.incidents = 0;
            self.incidents_per_1000 = 0.0;
        }
        self.withheld_below = Some(threshold);
        self
    }
}

pub fn district_summaries<
    H: Borrow<Stored<Hotspot>>,
    R: Borrow<Stored<PatrolRoute>>,
    A: Borrow<Stored<Action>>,
>(
    hotspots: &[H],
    routes: &[R],
    actions: &[A],
    now: Timestamp,
    window: (Timestamp, Timestamp),
) -> Vec<DistrictSummary> {
    let in_window: Vec<&Stored<Action>> = actions
        .iter()
        .map(Borrow::borrow)
        .filter(|a| a.item.overlaps(window.0, window.1))
        .collect();
    let found = conflicts(&in_window);
    DistrictKey::ALL
        .iter()
        .map(|&d| DistrictSummary {
            district: d,
            hotspots_active: count(
                hotspots
                    .iter()
                    .map(Borrow::borrow)
                    .filter(|h| h.item.district == Some(d) && h.item.is_active_at(now)),
            ),
            actions: count(in_window.iter().filter(|a| {
                a.item.district == Some(d) && a.item.status != ActionStatus::Cancelled
            })),
            routes: count(routes.iter().map(Borrow::borrow).filter(|r| {
                r.item.districts.contains(&d) && r.item.is_scheduled_within(window.0, window.1)
            })),
            conflicts: count(found.iter().filter(|c| c.district == d)),
            incidents: 0,
            incidents_per_1000: 0.0,
            withheld_below: None,
        })
        .collect()
}

fn count<I: Iterator>(it: I) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

/// The control-room wall's tiles, for the city or one district.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicators {
    pub district: Option<DistrictKey>,
    /// Actions (not cancelled) today and this week (Monday to Sunday, local time).
    pub actions_today: u32,
    pub actions_week: u32,
    pub hotspots_active: u32,
    /// Patrol routes scheduled today.
    pub patrols_today: u32,
    /// Conflicts this week.
    pub conflicts_week: u32,
    /// Set for wall displays: counts below this were withheld (sent as 0) and are shown as
    /// "< n", so small numbers in a district cannot point at single cases.
    #[serde(default)]
    pub withheld_below: Option<u32>,
}

impl Indicators {
    /// Withholds every count below `threshold` (see [`Indicators::withheld_below`]).
    pub fn withhold_below(mut self, threshold: u32) -> Self {
        for n in [
            &mut self.actions_today,
            &mut self.actions_week,
            &mut self.hotspots_active,
            &mut self.patrols_today,
            &mut self.conflicts_week,
        ] {
            if *n < threshold {
                *n = 0;
            }
        }
        self.withheld_below = (threshold > 0).then_some(threshold);
        self
    }
}

pub use crate::withheld::shown_count;

/// The wall's tiles at `now`, for `district` or (None) the whole city.
pub fn indicators<
    H: Borrow<Stored<Hotspot>>,
    R: Borrow<Stored<PatrolRoute>>,
    A: Borrow<Stored<Action>>,
>(
    hotspots: &[H],
    routes: &[R],
    actions: &[A],
    now: Timestamp,
    district: Option<DistrictKey>,
) -> Indicators {
    let day = crate::schedule::day_of(now);
    let week = crate::schedule::week_of(now);
    let here = |d: Option<DistrictKey>| district.is_none() || d == district;
    let live =
        |a: &&Stored<Action>| a.item.status != ActionStatus::Cancelled && here(a.item.district);
    let week_actions: Vec<&Stored<Action>> = actions
        .iter()
        .map(Borrow::borrow)
        .filter(live)
        .filter(|a| a.item.overlaps(week.0, week.1))
        .collect();
    Indicators {
        district,
        actions_today: count(
            week_actions
                .iter()
                .filter(|a| a.item.overlaps(day.0, day.1)),
        ),
        actions_week: count(week_actions.iter()),
        hotspots_active: count(
            hotspots
                .iter()
                .map(Borrow::borrow)
                .filter(|h| here(h.item.district) && h.item.is_active_at(now)),
        ),
        patrols_today: count(routes.iter().map(Borrow::borrow).filter(|r| {
            (district.is_none() || district.is_some_and(|d| r.item.districts.contains(&d)))
                && r.item.is_scheduled_within(day.0, day.1)
        })),
        conflicts_week: count(conflicts(&week_actions).iter()),
        withheld_below: None,
    }
}

/// What a district officer sees for their district: ids of the actions today and this week
/// (not cancelled, in time order), hotspots active now, and patrols scheduled today.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictDay {
    pub today: Vec<i64>,
    pub week: Vec<i64>,
    pub hotspots_active: Vec<i64>,
    pub patrols_today: Vec<i64>,
}

pub fn district_day(
    hotspots: &[Stored<Hotspot>],
    routes: &[Stored<PatrolRoute>],
    actions: &[Stored<Action>],
    district: DistrictKey,
    now: Timestamp,
) -> DistrictDay {
    let day = crate::schedule::day_of(now);
    let week = crate::schedule::week_of(now);
    let mut mine: Vec<&Stored<Action>> = actions
        .iter()
        .filter(|a| a.item.district == Some(district) && a.item.status != ActionStatus::Cancelled)
        .collect();
    mine.sort_by_key(|a| (a.item.start, a.id));
    DistrictDay {
        today: mine
            .iter()
            .filter(|a| a.item.overlaps(day.0, day.1))
            .map(|a| a.id)
            .collect(),
        week: mine
            .iter()
            .filter(|a| a.item.overlaps(week.0, week.1))
            .map(|a| a.id)
            .collect(),
        hotspots_active: hotspots
            .iter()
            .filter(|h| h.item.district == Some(district) && h.item.is_active_at(now))
            .map(|h| h.id)
            .collect(),
        patrols_today: routes
            .iter()
            .filter(|r| {
                r.item.districts.contains(&district) && r.item.is_scheduled_within(day.0, day.1)
            })
            .map(|r| r.id)
            .collect(),
    }
}

/// Class limits for colouring districts by a count: 0, 1, 2–3, 4 and more.
pub const CLASS_LABELS: [&str; 4] = ["0", "1", "2–3", "≥ 4"];

/// The class (index into [`CLASS_LABELS`]) of a count.
pub fn count_class(n: u32) -> usize {
    match n {
        0 => 0,
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}
