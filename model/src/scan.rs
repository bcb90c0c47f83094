//! The places early detection tests, and the scan over them: every district, every hotspot's
//! area and every cell of a 500 m grid over the city and of a second one shifted by 250 m
//! east and north (so a cluster on a cell's edge is not split in two), per group of categories, tested with
//! [`crate::detection`]; overlapping alerts of one group are reduced to the place that stands
//! out most (Kulldorff's log-likelihood ratio, as SaTScan reports its most likely cluster),
//! so one emerging cluster raises one alert, not one per scale.

use std::collections::HashMap;

use geojson::{Geometry, GeometryValue};
use jiff::{Span, Timestamp, ToSpan, ZonedDateTime};

use crate::{
    District, DistrictKey, Hotspot, Incident,
    alert::{Alert, AlertList, AlertPlace, CategoryGroup},
    detection::{BLOCK_HOURS, Counts, Detection, log_likelihood_ratio},
    geometry::{self, projection},
    incident::IncidentCategory,
    schedule::{self, ClockTime, Weekday, WeeklyWindow},
};

/// The grid's cell side, metres.
pub const CELL_M: f64 = 500.0;
/// A Point hotspot's area: the circle of this radius, metres.
pub const HOTSPOT_RADIUS_M: f64 = 150.0;

/// The block of the week (0 = Monday 00–06 local time) `t` falls in.
pub fn block_of(t: &ZonedDateTime) -> usize {
    let day = t.weekday().to_monday_zero_offset() as usize;
    day * (24 / BLOCK_HOURS) + t.hour() as usize / BLOCK_HOURS
}

/// The recent week `[from, to)` and the baseline's start: the week ends with the current
/// six-hour block (local time), the baseline is the `baseline_weeks` before it.
pub fn windows(d: &Detection, now: Timestamp) -> (ZonedDateTime, ZonedDateTime, ZonedDateTime) {
    let z = schedule::local(now);
    let start_hour = z.hour() / BLOCK_HOURS as i8 * BLOCK_HOURS as i8;
    let block_start = z
        .with()
        .hour(start_hour)
        .minute(0)
        .second(0)
        .subsec_nanosecond(0)
        .build()
        .unwrap_or_else(|_| z.clone());
    let end = block_start
        .checked_add((BLOCK_HOURS as i64).hours())
        .unwrap_or_else(|_| z.clone());
    let from = end.checked_sub(7.days()).unwrap_or_else(|_| z.clone());
    let base = from
        .checked_sub((7 * d.baseline_weeks as i64).days())
        .unwrap_or_else(|_| from.clone());
    (base, from, end)
}

/// The cell of the grid a position is in.
pub fn cell_of(position: [f64; 2]) -> (i32, i32) {
    cell_in(position, false)
}

/// The cell a position is in, of the grid or (`shifted`) of the second grid, shifted by half
/// a cell east and north: a cluster on a cell's edge lies mostly within one cell of one of the
/// two, as the scan statistic's overlapping windows intend.
pub fn cell_in(position: [f64; 2], shifted: bool) -> (i32, i32) {
    let [x, y] = projection().forward(position);
    let cell_km = CELL_M / 1000.0;
    let half = if shifted { cell_km / 2.0 } else { 0.0 };
    (
        ((x - half) / cell_km).floor() as i32,
        ((y - half) / cell_km).floor() as i32,
    )
}

/// A cell's square (of the shifted grid if `shifted`), as a closed WGS84 ring.
pub fn cell_outline(east: i32, north: i32, shifted: bool) -> Geometry {
    let p = projection();
    let k = CELL_M / 1000.0;
    let half = if shifted { k / 2.0 } else { 0.0 };
    let (x0, y0) = (f64::from(east) * k + half, f64::from(north) * k + half);
    let ring: Vec<Vec<f64>> = [
        [x0, y0],
        [x0 + k, y0],
        [x0 + k, y0 + k],
        [x0, y0 + k],
        [x0, y0],
    ]
    .iter()
    .map(|&c| p.inverse(c).to_vec())
    .collect();
    Geometry::new(GeometryValue::new_polygon(vec![ring]))
}

/// The circle of `radius_m` around `center`, as a 32-sided WGS84 polygon.
pub fn circle(center: [f64; 2], radius_m: f64) -> Geometry {
    let p = projection();
    let [cx, cy] = p.forward(center);
    let r = radius_m / 1000.0;
    let mut ring: Vec<Vec<f64>> = (0..32)
        .map(|i| {
            let a = f64::from(i) * std::f64::consts::TAU / 32.0;
            p.inverse([cx + r * a.cos(), cy + r * a.sin()]).to_vec()
        })
        .collect();
    ring.push(ring[0].clone());
    Geometry::new(GeometryValue::new_polygon(vec![ring]))
}

/// The six-hour blocks of the week as weekly windows, consecutive blocks of a day joined
/// and equal hours on several days given once (Mon, Tue 18:00–00:00).
pub fn weekly_hours(blocks: &[usize]) -> Vec<WeeklyWindow> {
    let per_day = 24 / BLOCK_HOURS;
    // Each day's runs of blocks: (first block of the day, blocks).
    let mut runs: Vec<(Weekday, usize, usize)> = vec![];
    for &b in blocks {
        let (day, at) = (Weekday::ALL[(b / per_day) % 7], b % per_day);
        match runs.last_mut() {
            Some((d, start, len)) if *d == day && *start + *len == at => *len += 1,
            _ => runs.push((day, at, 1)),
        }
    }
    let clock = |block: usize| {
        ClockTime::new(((block * BLOCK_HOURS) % 24) as u8, 0).unwrap_or(ClockTime::MIDNIGHT)
    };
    let mut out: Vec<WeeklyWindow> = vec![];
    for (day, start, len) in runs {
        let (from, to) = (clock(start), clock(start + len));
        match out.iter_mut().find(|w| w.from == from && w.to == to) {
            Some(w) => w.days.push(day),
            None => out.push(WeeklyWindow {
                days: vec![day],
                from,
                to,
            }),
        }
    }
    out
}

/// A place's counts in each group, and the categories seen there recently.
struct Tally {
    place: AlertPlace,
    geometry: Option<Geometry>,
    district: Option<DistrictKey>,
    groups: [Counts; CategoryGroup::COUNT],
    seen: [u16; CategoryGroup::COUNT],
}

impl Tally {
    fn new(place: AlertPlace, geometry: Option<Geometry>, district: Option<DistrictKey>) -> Self {
        Tally {
            place,
            geometry,
            district,
            groups: [Counts::default(); CategoryGroup::COUNT],
            seen: [0; CategoryGroup::COUNT],
        }
    }

    fn key(&self, group: CategoryGroup) -> String {
        let place = match &self.place {
            AlertPlace::District { district } => format!("district:{district}"),
            AlertPlace::Hotspot { id, .. } => format!("hotspot:{id}"),
            AlertPlace::Cell {
                east,
                north,
                shifted: false,
            } => format!("cell:{east}:{north}"),
            AlertPlace::Cell {
                east,
                north,
                shifted: true,
            } => format!("shifted-cell:{east}:{north}"),
        };
        format!("{place}:{group}")
    }
}

/// A hotspot's area, for membership tests: its polygon, or the circle of
/// [`HOTSPOT_RADIUS_M`] around a Point hotspot.
pub struct Area {
    value: GeometryValue,
    bbox: [f64; 4],
    circle: Option<[f64; 2]>,
}

impl Area {
    pub fn of(h: &Hotspot) -> Option<Area> {
        let value = h.geometry.value.clone();
        match &value {
            GeometryValue::Point { coordinates } if coordinates.len() >= 2 => {
                let c = [coordinates[0], coordinates[1]];
                // 150 m is under 0.0014° of latitude and 0.0022° of longitude here.
                let (dx, dy) = (0.0025, 0.0015);
                Some(Area {
                    bbox: [c[0] - dx, c[1] - dy, c[0] + dx, c[1] + dy],
                    value,
                    circle: Some(c),
                })
            }
            GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
                let bbox = crate::proximity::bounds_of(geometry::vertices(&value));
                Some(Area {
                    value,
                    bbox,
                    circle: None,
                })
            }
            _ => None,
        }
    }

    pub fn contains(&self, p: [f64; 2]) -> bool {
        let [w, s, e, n] = self.bbox;
        if p[0] < w || p[0] > e || p[1] < s || p[1] > n {
            return false;
        }
        match self.circle {
            Some(c) => geometry::distance_m(c, p) <= HOTSPOT_RADIUS_M,
            None => geometry::polygon_contains(&self.value, p),
        }
    }
}

/// Scans the incidents (those released to one agency) at `now`: every district, every
/// hotspot area (`hotspots`: those released to the same agency, with their ids) and every grid
/// cell with incidents, per category group. Alerts are sorted by score, strongest first.
pub fn scan<'a>(
    d: &Detection,
    incidents: impl IntoIterator<Item = &'a Incident>,
    districts: &[District],
    hotspots: &[(i64, &Hotspot)],
    now: Timestamp,
) -> AlertList {
    let (base, from, end) = windows(d, now);
    let (base_t, from_t, end_t) = (base.timestamp(), from.timestamp(), end.timestamp());
    let first_block = block_of(&from);
    let mut tallies: Vec<Tally> = districts
        .iter()
        .map(|x| {
            Tally::new(
                AlertPlace::District {
                    district: x.properties.key,
                },
                Some(x.geometry.clone()),
                Some(x.properties.key),
            )
        })
        .collect();
    let district_index: HashMap<DistrictKey, usize> = districts
        .iter()
        .enumerate()
        .map(|(i, x)| (x.properties.key, i))
        .collect();
    let areas: Vec<(usize, Area)> = hotspots
        .iter()
        .filter_map(|(id, h)| {
            let area = Area::of(h)?;
            // A Point hotspot's area is the circle around it.
            let outline = match area.circle {
                Some(c) => circle(c, HOTSPOT_RADIUS_M),
                None => h.geometry.clone(),
            };
            tallies.push(Tally::new(
                AlertPlace::Hotspot {
                    id: *id,
                    title: h.title.clone(),
                },
                Some(outline),
                h.district,
            ));
            Some((tallies.len() - 1, area))
        })
        .collect();
    let mut cells: HashMap<(i32, i32, bool), usize> = HashMap::new();
    let mut city = [Counts::default(); CategoryGroup::COUNT];
    // The recent incidents' groups and places, to find overlapping alerts.
    let mut recent_places: Vec<(CategoryGroup, Vec<usize>)> = vec![];
    for incident in incidents {
        let t = incident.start;
        if t < base_t || t >= end_t {
            continue;
        }
        let Some(position) = geometry::anchor(&incident.geometry.value) else {
            continue;
        };
        let recent = t >= from_t;
        let block = block_of(&schedule::local(t));
        let group = CategoryGroup::of(incident.category);
        let n = f64::from(incident.count);
        city[group.index()].add(block, recent, n);
        let mut places = vec![];
        if let Some(&i) = incident
            .district
            .as_ref()
            .and_then(|k| district_index.get(k))
        {
            places.push(i);
        }
        for shifted in [false, true] {
            let (east, north) = cell_in(position, shifted);
            let i = *cells.entry((east, north, shifted)).or_insert_with(|| {
                tallies.push(Tally::new(
                    AlertPlace::Cell {
                        east,
                        north,
                        shifted,
                    },
                    None,
                    incident.district,
                ));
                tallies.len() - 1
            });
            places.push(i);
        }
        places.extend(
            areas
                .iter()
                .filter(|(_, a)| a.contains(position))
                .map(|(i, _)| *i),
        );
        for &p in &places {
            let tally = &mut tallies[p];
            tally.groups[group.index()].add(block, recent, n);
            if recent {
                tally.seen[group.index()] |= 1 << incident.category.index();
            }
        }
        if recent {
            recent_places.push((group, places));
        }
    }
    let tested = |c: &Counts| c.base.iter().chain(&c.recent).any(|&n| n > 0.0);
    let tests = tallies
        .iter()
        .flat_map(|t| t.groups.iter())
        .filter(|c| tested(c))
        .count();
    // Every (place, group) that alerts, with its finding.
    let mut found = vec![];
    for (p, tally) in tallies.iter().enumerate() {
        for group in CategoryGroup::ALL {
            let counts = &tally.groups[group.index()];
            if !tested(counts) {
                continue;
            }
            let f = d.assess(counts, &city[group.index()], tests, first_block);
            if f.alert {
                found.push((p, *group, f));
            }
        }
    }
    // Overlapping alerts of a group (sharing recent incidents): the strongest stays.
    let alerted: std::collections::HashSet<(usize, CategoryGroup)> =
        found.iter().map(|(p, g, _)| (*p, *g)).collect();
    let mut overlaps: std::collections::HashSet<(usize, usize, CategoryGroup)> = Default::default();
    for (group, places) in &recent_places {
        let hit: Vec<usize> = places
            .iter()
            .copied()
            .filter(|p| alerted.contains(&(*p, *group)))
            .collect();
        for &a in &hit {
            for &b in &hit {
                if a != b {
                    overlaps.insert((a, b, *group));
                }
            }
        }
    }
    let mut scored: Vec<_> = found
        .into_iter()
        .map(|(p, g, f)| (log_likelihood_ratio(f.observed, f.expected), p, g, f))
        .collect();
    // Equal scores: the hotspot (a place the partners named), then the cell, then the district.
    let rank = |p: usize| match tallies[p].place {
        AlertPlace::Hotspot { .. } => 0,
        AlertPlace::Cell { shifted: false, .. } => 1,
        AlertPlace::Cell { shifted: true, .. } => 2,
        AlertPlace::District { .. } => 3,
    };
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(rank(a.1).cmp(&rank(b.1)))
            .then(a.1.cmp(&b.1))
    });
    let mut kept: Vec<(usize, CategoryGroup)> = vec![];
    let mut alerts = vec![];
    for (score, p, group, f) in scored {
        if kept
            .iter()
            .any(|&(k, g)| g == group && overlaps.contains(&(k, p, group)))
        {
            continue;
        }
        kept.push((p, group));
        let tally = &tallies[p];
        let geometry = match (&tally.geometry, &tally.place) {
            (Some(g), _) => g.clone(),
            (
                None,
                AlertPlace::Cell {
                    east,
                    north,
                    shifted,
                },
            ) => cell_outline(*east, *north, *shifted),
            (None, _) => continue,
        };
        let i = f.since_block as i64;
        let step = Span::new().days(i / 4).hours((i % 4) * BLOCK_HOURS as i64);
        let since = from.checked_add(step).map_or(from_t, |z| z.timestamp());
        let seen = tally.seen[group.index()];
        alerts.push(Alert {
            key: tally.key(group),
            place: tally.place.clone(),
            geometry,
            district: tally.district,
            group,
            categories: IncidentCategory::ALL
                .iter()
                .copied()
                .filter(|c| seen & (1 << c.index()) != 0)
                .collect(),
            observed: f.observed,
            expected: (f.expected * 10.0).round() / 10.0,
            p_value: f.p_value,
            since,
            hours: weekly_hours(&f.excess_blocks),
            score: (score * 10.0).round() / 10.0,
            acknowledged: None,
            withheld_below: None,
        });
    }
    AlertList {
        alerts,
        from: from_t,
        to: end_t,
        tests,
    }
}

#[cfg(all(test, feature = "partition"))]
#[path = "tests_scan.rs"]
mod tests;
