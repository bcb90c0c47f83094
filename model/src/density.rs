//! Incident density: incidents counted per square grid cell of Web Mercator (EPSG:3857, the
//! map's own projection), so a cell is drawn as a square on the map at every zoom.
//!
//! The cell edge is an eighth of a map tile at the asked zoom (32 screen pixels). Cells are
//! numbered from the projection's origin, so the same cell has the same number in every
//! answer of that zoom, and a client can merge or compare answers.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{DistrictKey, incident::Incident, withheld::shown_count};

/// Half the Web Mercator world's width, metres.
const HALF_WORLD_M: f64 = 20_037_508.342_789_244;

/// Zooms a density may be asked for.
pub const MIN_ZOOM: u8 = 8;
pub const MAX_ZOOM: u8 = 18;
/// The one zoom a wall display gets cells at: about 300 m, so that a cell does not point at
/// one house. One zoom only: cells of two zooms nest, and subtracting the shown counts of the
/// finer ones from a coarser one would give a withheld count exactly.
pub const DISPLAY_ZOOM: u8 = 14;
/// Most cells one answer may hold.
pub const MAX_CELLS: usize = 65_536;

/// `[lon, lat]` (WGS84) to Web Mercator metres.
pub fn mercator([lon, lat]: [f64; 2]) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78);
    let x = lon.to_radians() * 6_378_137.0;
    let y = (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
        .tan()
        .ln()
        * 6_378_137.0;
    [x, y]
}

/// Web Mercator metres back to `[lon, lat]`.
pub fn inverse_mercator([x, y]: [f64; 2]) -> [f64; 2] {
    let lon = (x / 6_378_137.0).to_degrees();
    let lat = (2.0 * (y / 6_378_137.0).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    [lon, lat]
}

/// The edge of a cell at `zoom`, in Web Mercator metres.
pub fn cell_m(zoom: u8) -> f64 {
    2.0 * HALF_WORLD_M / f64::from(1u32 << zoom) / 8.0
}

/// The cell holding `[lon, lat]` at cell edge `cell`.
pub fn cell_of(position: [f64; 2], cell: f64) -> (i64, i64) {
    let [x, y] = mercator(position);
    ((x / cell).floor() as i64, (y / cell).floor() as i64)
}

/// The south-west and north-east corners (`[lon, lat]`) of cell `(ix, iy)`.
pub fn cell_bounds(ix: i64, iy: i64, cell: f64) -> [[f64; 2]; 2] {
    let sw = inverse_mercator([ix as f64 * cell, iy as f64 * cell]);
    let ne = inverse_mercator([(ix + 1) as f64 * cell, (iy + 1) as f64 * cell]);
    [sw, ne]
}

/// What a density is asked for: a box (`[west, south, east, north]`), a zoom and a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensityQuery {
    pub bbox: [f64; 4],
    pub zoom: u8,
    pub window: (Timestamp, Timestamp),
}

/// A problem with a density query, naming its parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DensityError {
    pub field: &'static str,
    pub reason: String,
}

impl DensityQuery {
    /// Checks the box and zoom, and that the box holds at most [`MAX_CELLS`] cells.
    pub fn check(&self) -> Result<(), DensityError> {
        let [w, s, e, n] = self.bbox;
        let bad = |field, reason: &str| {
            Err(DensityError {
                field,
                reason: reason.into(),
            })
        };
        if !(MIN_ZOOM..=MAX_ZOOM).contains(&self.zoom) {
            return bad("zoom", "must be from 8 to 18");
        }
        if ![w, s, e, n].iter().all(|v| v.is_finite()) {
            return bad("west", "the box needs four finite numbers");
        }
        if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
            return bad("west", "longitudes go from -180 to 180");
        }
        if !(-85.0..=85.0).contains(&s) || !(-85.0..=85.0).contains(&n) {
            return bad("south", "latitudes go from -85 to 85");
        }
        if w >= e {
            return bad("east", "must be east of west");
        }
        if s >= n {
            return bad("north", "must be north of south");
        }
        let cell = cell_m(self.zoom);
        let (x0, y0) = cell_of([w, s], cell);
        let (x1, y1) = cell_of([e, n], cell);
        let cells = (x1 - x0 + 1).saturating_mul(y1 - y0 + 1);
        if cells > MAX_CELLS as i64 {
            return bad(
                "zoom",
                "the box holds more than 65,536 cells at this zoom: zoom out or use a smaller box",
            );
        }
        Ok(())
    }

    /// The cells the box touches, `(x0, y0, x1, y1)` inclusive. An answer holds whole cells:
    /// a box that cuts a cell counts all of it, so a smaller box never tells more about where
    /// in a cell an incident lies.
    fn cell_range(&self) -> (i64, i64, i64, i64) {
        let [w, s, e, n] = self.bbox;
        let cell = cell_m(self.zoom);
        let (x0, y0) = cell_of([w, s], cell);
        let (x1, y1) = cell_of([e, n], cell);
        (x0, y0, x1, y1)
    }
}

/// Why a wall display may not have a window.
pub const DISPLAY_WINDOW_RULE: &str = "wall displays get the last 24 hours, 7 or 28 days up to the end of this hour, or whole weeks from a Monday (Hamm time) up to this week";

/// Checks that a wall display asks, at `now`, for a window it may have: 24 hours, 7 or 28 days
/// ending with the current hour (or the one before, for a request made as the hour turns), or
/// one to four calendar weeks from a Monday midnight in Hamm, ending no later than this week.
/// Free windows — or rolling ones ending at any past hour — would let a display subtract two
/// answers and learn when a single incident happened.
pub fn check_display_window(
    (from, to): (Timestamp, Timestamp),
    now: Timestamp,
) -> Result<(), &'static str> {
    let hour = jiff::SignedDuration::from_hours(1);
    let current = [Window::Day.span(now).1, Window::Day.span(now - hour).1];
    let length = to.as_second() - from.as_second();
    if current.contains(&to) && Window::ALL.iter().any(|w| w.hours() * 3600 == length) {
        return Ok(());
    }
    let start = crate::schedule::local(from);
    let midnight_monday = start.weekday() == jiff::civil::Weekday::Monday
        && start.time() == jiff::civil::Time::midnight()
        && from.subsec_nanosecond() == 0;
    let whole_weeks = (1..=4).any(|n: i64| {
        start
            .checked_add(jiff::Span::new().weeks(n))
            .is_ok_and(|end| end.timestamp() == to)
    });
    if midnight_monday && whole_weeks && to <= crate::schedule::week_of(now).1 {
        Ok(())
    } else {
        Err(DISPLAY_WINDOW_RULE)
    }
}

/// Incidents counted per cell.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Density {
    pub zoom: u8,
    /// A cell's edge in Web Mercator metres.
    pub cell_m: f64,
    /// `[ix, iy, count]`: the cell from `ix·cell_m, iy·cell_m` (Web Mercator) to the next;
    /// only cells with incidents, ordered by `iy`, then `ix`. `count` is the sum of the
    /// incidents' counts; 0 where it was withheld.
    pub cells: Vec<[i64; 3]>,
    /// Sum of all cells' counts (0 where withheld).
    pub total: u64,
    /// Set for wall displays: counts below this were withheld (sent as 0), shown as "< n".
    #[serde(default)]
    pub withheld_below: Option<u32>,
}

impl Density {
    /// Counts `incidents` (those the caller already chose: released to the viewer, matching
    /// the filters) that lie in the cells the box touches and happened in the window.
    pub fn of<'a>(incidents: impl IntoIterator<Item = &'a Incident>, q: &DensityQuery) -> Density {
        let cell = cell_m(q.zoom);
        let (x0, y0, x1, y1) = q.cell_range();
        let mut counts = std::collections::HashMap::<(i64, i64), u64>::new();
        for i in incidents {
            let Some(p) = i.position() else { continue };
            if !i.within(q.window.0, q.window.1) {
                continue;
            }
            let (x, y) = cell_of(p, cell);
            if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                *counts.entry((x, y)).or_default() += u64::from(i.count);
            }
        }
        let mut cells: Vec<[i64; 3]> = counts
            .into_iter()
            .map(|((x, y), n)| [x, y, i64::try_from(n).unwrap_or(i64::MAX)])
            .collect();
        cells.sort_unstable_by_key(|c| (c[1], c[0]));
        let total = cells.iter().map(|c| c[2] as u64).sum();
        Density {
            zoom: q.zoom,
            cell_m: cell,
            cells,
            total,
            withheld_below: None,
        }
    }

    /// Withholds every count below `threshold` (cells and total), for wall displays.
    pub fn withhold_below(mut self, threshold: u32) -> Density {
        let t = i64::from(threshold);
        for c in &mut self.cells {
            if c[2] < t {
                c[2] = 0;
            }
        }
        if self.total < u64::from(threshold) {
            self.total = 0;
        } else {
            self.total = self.cells.iter().map(|c| c[2] as u64).sum();
        }
        self.withheld_below = Some(threshold);
        self
    }

    /// A cell's count as shown: the number, or "< n" where it was withheld.
    pub fn shown(&self, count: i64) -> String {
        shown_count(
            u32::try_from(count).unwrap_or(u32::MAX),
            self.withheld_below,
        )
    }
}

/// How far back an incident density looks by default: the map's choices (its URL names them
/// `24h`, `7t`, `28t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Window {
    Day,
    #[default]
    Week,
    FourWeeks,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::Day, Window::Week, Window::FourWeeks];

    /// Its name in the URL.
    pub fn name(self) -> &'static str {
        match self {
            Window::Day => "24h",
            Window::Week => "7t",
            Window::FourWeeks => "28t",
        }
    }

    pub fn hours(self) -> i64 {
        match self {
            Window::Day => 24,
            Window::Week => 7 * 24,
            Window::FourWeeks => 28 * 24,
        }
    }

    /// The window at `now`: its length up to the end of `now`'s hour, so a report made now is
    /// in it and every screen asking within the hour asks the same (a wall display may ask
    /// for nothing finer: [`check_display_window`]).
    pub fn span(self, now: Timestamp) -> (Timestamp, Timestamp) {
        let hour = now.as_second().div_euclid(3600) * 3600 + 3600;
        let end = Timestamp::from_second(hour).unwrap_or(now);
        let from = Timestamp::from_second(hour - self.hours() * 3600).unwrap_or(now);
        (from, end)
    }
}

/// How many weeks the map's playback steps through.
pub const PLAYBACK_WEEKS: usize = 12;

/// The calendar week of `day` in Hamm: Monday 00:00 to the Monday after (a wall display may
/// ask for it: [`check_display_window`]).
pub fn week_window(day: jiff::civil::Date) -> (Timestamp, Timestamp) {
    let noon = day
        .at(12, 0, 0, 0)
        .to_zoned_datetime(crate::schedule::berlin())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    crate::schedule::week_of(noon)
}

/// The Mondays of the playback's weeks: the [`PLAYBACK_WEEKS`] calendar weeks up to and
/// including `now`'s, oldest first.
pub fn playback_weeks(now: Timestamp) -> Vec<jiff::civil::Date> {
    let this = crate::schedule::monday_of(now);
    (0..PLAYBACK_WEEKS as i64)
        .rev()
        .filter_map(|back| this.checked_sub(jiff::Span::new().weeks(back)).ok())
        .collect()
}

/// Incidents per district: their counts summed, and per 1,000 residents.
pub fn per_district<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    window: (Timestamp, Timestamp),
) -> [(DistrictKey, u32); 7] {
    let mut out = DistrictKey::ALL.map(|d| (d, 0u32));
    for i in incidents {
        if !i.within(window.0, window.1) {
            continue;
        }
        if let Some(d) = i.district
            && let Some(slot) = out.iter_mut().find(|(k, _)| *k == d)
        {
            slot.1 = slot.1.saturating_add(i.count);
        }
    }
    out
}

/// The class labels when districts are coloured by incidents per 1,000 residents.
pub const RATE_CLASS_LABELS: [&str; 4] = ["0", "< 0,5", "0,5 – < 2", "≥ 2"];

/// The class (index into [`RATE_CLASS_LABELS`]) of a rate per 1,000 residents.
pub fn rate_class(per_1000: f64) -> usize {
    if per_1000 <= 0.0 || per_1000.is_nan() {
        0
    } else if per_1000 < 0.5 {
        1
    } else if per_1000 < 2.0 {
        2
    } else {
        3
    }
}

/// `count` per 1,000 of `population`, to one decimal; 0 for no population.
pub fn per_thousand(count: u32, population: u32) -> f64 {
    if population == 0 {
        return 0.0;
    }
    (f64::from(count) * 10_000.0 / f64::from(population)).round() / 10.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn mercator_goes_there_and_back() {
        let p = [7.8137, 51.68016];
        let back = inverse_mercator(mercator(p));
        assert!((back[0] - p[0]).abs() < 1e-9 && (back[1] - p[1]).abs() < 1e-9);
        // x = R·λ: 7.8137° east is 869,817.1 m (R = 6,378,137 m).
        assert!((mercator(p)[0] - 869_817.1).abs() < 0.1);
    }

    #[test]
    fn a_cell_holds_its_point_and_is_an_eighth_of_a_tile() {
        // Zoom 14: a tile is 2,445.98 m, a cell 305.75 m.
        assert!((cell_m(14) - 305.748).abs() < 0.01);
        let p = [7.8137, 51.68016];
        let (ix, iy) = cell_of(p, cell_m(14));
        let [sw, ne] = cell_bounds(ix, iy, cell_m(14));
        assert!(sw[0] <= p[0] && p[0] < ne[0] && sw[1] <= p[1] && p[1] < ne[1]);
    }

    #[test]
    fn the_box_is_checked_by_parameter() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let q = |bbox, zoom| DensityQuery {
            bbox,
            zoom,
            window: (t("2026-12-01T00:00:00Z"), t("2026-12-02T00:00:00Z")),
        };
        let hamm = [7.65, 51.57, 8.05, 51.76];
        assert_eq!(q(hamm, 12).check(), Ok(()));
        assert_eq!(q(hamm, 7).check().unwrap_err().field, "zoom");
        assert_eq!(
            q([8.05, 51.57, 7.65, 51.76], 12).check().unwrap_err().field,
            "east"
        );
        assert_eq!(
            q([7.65, 51.76, 8.05, 51.57], 12).check().unwrap_err().field,
            "north"
        );
        // The whole city at zoom 18: 22 km / 19 m cells, about 1.3 million: refused.
        assert_eq!(q(hamm, 18).check().unwrap_err().field, "zoom");
        assert_eq!(
            q([f64::NAN, 51.57, 8.05, 51.76], 12)
                .check()
                .unwrap_err()
                .field,
            "west"
        );
    }

    #[test]
    fn playback_steps_through_calendar_weeks_a_display_may_ask_for() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let weeks = playback_weeks(t("2026-12-06T14:00:00Z"));
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks[11].to_string(), "2026-11-30");
        assert_eq!(weeks[0].to_string(), "2026-09-14");
        let (from, to) = week_window(weeks[11]);
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-11-29T23:00:00Z".into(), "2026-12-06T23:00:00Z".into())
        );
        // The week of a Wednesday is its Monday's; the autumn change makes one 169 hours.
        let (from, to) = week_window("2026-10-28".parse().unwrap());
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-10-25T23:00:00Z".into(), "2026-11-01T23:00:00Z".into())
        );
        let (from, to) = week_window("2026-10-19".parse().unwrap());
        assert_eq!(to.as_second() - from.as_second(), 169 * 3600);
        for w in weeks {
            assert_eq!(
                check_display_window(week_window(w), t("2026-12-06T14:00:00Z")),
                Ok(())
            );
        }
    }

    #[test]
    fn rates_fall_in_four_classes() {
        assert_eq!(
            [0.0, 0.1, 0.4, 0.5, 1.9, 2.0, 14.2, f64::NAN].map(rate_class),
            [0, 1, 1, 2, 2, 3, 3, 0]
        );
    }

    #[test]
    fn per_thousand_has_one_decimal() {
        assert_eq!(per_thousand(12, 23_886), 0.5);
        assert_eq!(per_thousand(0, 23_886), 0.0);
        assert_eq!(per_thousand(5, 0), 0.0);
        assert_eq!(per_thousand(1_000, 10_000), 100.0);
    }

    fn incident(lon: f64, lat: f64, start: &str, count: u32) -> Incident {
        serde_json::from_value(serde_json::json!({
            "category": "damage", "count": count, "start": start,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "agency": "kod",
        }))
        .unwrap()
    }

    #[test]
    fn counts_add_up_per_cell_within_box_and_window_and_small_ones_are_withheld() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let q = DensityQuery {
            bbox: [7.65, 51.57, 8.05, 51.76],
            zoom: 14,
            window: (t("2026-12-01T00:00:00Z"), t("2026-12-08T00:00:00Z")),
        };
        let incidents = [
            // Two in one cell at the station (3 + 4 = 7), one 50 m away in the same cell.
            incident(7.8077, 51.6784, "2026-12-02T20:00:00Z", 3),
            incident(7.8078, 51.6785, "2026-12-03T20:00:00Z", 4),
            // Heessen: 2.
            incident(7.8543, 51.7109, "2026-12-04T20:00:00Z", 2),
            // Outside the window, outside the box.
            incident(7.8077, 51.6784, "2026-11-20T20:00:00Z", 9),
            incident(7.5, 51.6784, "2026-12-02T20:00:00Z", 9),
        ];
        let d = Density::of(&incidents, &q);
        let counts: Vec<i64> = d.cells.iter().map(|c| c[2]).collect();
        assert_eq!(d.cells.len(), 2);
        assert_eq!(counts.iter().sum::<i64>(), 9);
        assert!(counts.contains(&7) && counts.contains(&2));
        assert_eq!(d.total, 9);
        let w = d.withhold_below(5);
        let shown: Vec<String> = w.cells.iter().map(|c| w.shown(c[2])).collect();
        assert!(shown.contains(&"7".to_owned()) && shown.contains(&"< 5".to_owned()));
        assert_eq!(w.total, 7, "the total counts only what is shown");
    }

    #[test]
    fn a_box_counts_whole_cells_so_a_smaller_box_tells_nothing_more() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let window = (t("2026-12-01T00:00:00Z"), t("2026-12-08T00:00:00Z"));
        let station = incident(7.8077, 51.6784, "2026-12-02T20:00:00Z", 3);
        // A box of a few metres just beside the incident, inside its 300 m cell.
        let tiny = DensityQuery {
            bbox: [7.80775, 51.67845, 7.80776, 51.67846],
            zoom: 14,
            window,
        };
        let d = Density::of([&station], &tiny);
        assert_eq!(d.cells.len(), 1);
        assert_eq!(d.cells[0][2], 3);
    }

    #[test]
    fn displays_get_fixed_windows_only() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let now = t("2026-12-06T14:37:12Z");
        let ok = |from: &str, to: &str| check_display_window((t(from), t(to)), now).is_ok();
        // The last 24 hours, 7 and 28 days up to the end of this hour, or of the hour before.
        assert!(ok("2026-12-05T15:00:00Z", "2026-12-06T15:00:00Z"));
        assert!(ok("2026-11-29T15:00:00Z", "2026-12-06T15:00:00Z"));
        assert!(ok("2026-11-08T15:00:00Z", "2026-12-06T15:00:00Z"));
        assert!(ok("2026-12-05T14:00:00Z", "2026-12-06T14:00:00Z"));
        // Calendar weeks from Monday midnight in Hamm (23:00 UTC in winter), one to four,
        // up to this week (Monday 30 November to Monday 7 December).
        assert!(ok("2026-11-29T23:00:00Z", "2026-12-06T23:00:00Z"));
        assert!(ok("2026-11-08T23:00:00Z", "2026-12-06T23:00:00Z"));
        // Across the change to summer time the week is 167 hours long.
        assert!(ok("2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z"));
        // Not: a rolling window ending at an earlier hour (sliding it hour by hour would date a
        // single report), a minute off the hour, an hour's window, 25 hours, six days from
        // Monday, five weeks, next week.
        assert!(!ok("2026-12-05T12:00:00Z", "2026-12-06T12:00:00Z"));
        assert!(!ok("2026-12-05T14:01:00Z", "2026-12-06T14:01:00Z"));
        assert!(!ok("2026-12-06T14:00:00Z", "2026-12-06T15:00:00Z"));
        assert!(!ok("2026-12-05T14:00:00Z", "2026-12-06T15:00:00Z"));
        assert!(!ok("2026-11-29T23:00:00Z", "2026-12-05T23:00:00Z"));
        assert!(!ok("2026-11-29T23:00:00Z", "2027-01-03T23:00:00Z"));
        assert!(!ok("2026-12-06T23:00:00Z", "2026-12-13T23:00:00Z"));
        // What the map asks for is always allowed.
        for w in Window::ALL {
            let span = w.span(now);
            assert_eq!(span.1, t("2026-12-06T15:00:00Z"));
            assert_eq!(check_display_window(span, now), Ok(()));
        }
    }
}
