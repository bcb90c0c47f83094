//! Time: weekly windows in Hamm's local time (Europe/Berlin), one-off periods, and sets of
//! minutes of the week for coverage arithmetic.

use std::fmt;

use jiff::{Timestamp, ToSpan, ZonedDateTime, civil, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// Minutes in a week; minute 0 is Monday 00:00 local time.
pub const WEEK_MINUTES: u32 = 7 * 24 * 60;
const DAY_MINUTES: u32 = 24 * 60;

/// Hamm's rules, compiled in from the tz database when this crate is built: only this one zone
/// goes into the binary (the whole database would add about 100 KB to the WebAssembly app).
static BERLIN: TimeZone = jiff::tz::get!("Europe/Berlin");

/// Hamm's time zone.
pub fn berlin() -> TimeZone {
    BERLIN.clone()
}

/// The local wall-clock time in Hamm at `t`.
pub fn local(t: Timestamp) -> ZonedDateTime {
    t.to_zoned_datetime(berlin())
}

/// Monday of the week in Hamm that contains `t`.
pub fn monday_of(t: Timestamp) -> civil::Date {
    let date = local(t).date();
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// `t` to the whole minute (down): questions about "now" asked within one minute are one.
pub fn to_the_minute(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second() - t.as_second().rem_euclid(60)).unwrap_or(t)
}

/// Reads an HTML `datetime-local` value (`2026-12-04T19:00`) as wall-clock time in Hamm.
pub fn parse_local_input(value: &str) -> Option<Timestamp> {
    let dt: civil::DateTime = value.trim().parse().ok()?;
    dt.to_zoned_datetime(berlin()).ok().map(|z| z.timestamp())
}

/// The `datetime-local` value for an instant, in Hamm's wall-clock time.
pub fn format_local_input(t: Timestamp) -> String {
    // Written from the fields, not with `strftime`: jiff's format interpreter is ~28 KB of the
    // WebAssembly app's code (6 KB brotli) for a few fixed shapes (`app::format` does the same).
    let z = local(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute()
    )
}

/// Midnight in Hamm of the day containing `t`, and the midnight after.
pub fn day_of(t: Timestamp) -> (Timestamp, Timestamp) {
    let date = local(t).date();
    let at = |d: civil::Date| d.to_zoned_datetime(berlin()).map(|z| z.timestamp()).ok();
    let start = at(date).unwrap_or(t);
    let end = date.tomorrow().ok().and_then(at).unwrap_or(t);
    (start, end)
}

/// Monday 00:00 in Hamm of the week containing `t`, and the Monday after.
pub fn week_of(t: Timestamp) -> (Timestamp, Timestamp) {
    use jiff::ToSpan;
    let date = local(t).date();
    let monday = date
        .checked_sub(i64::from(date.weekday().to_monday_zero_offset()).days())
        .unwrap_or(date);
    let start = monday
        .to_zoned_datetime(berlin())
        .map(|z| z.timestamp())
        .unwrap_or(t);
    let next = monday
        .checked_add(7.days())
        .ok()
        .and_then(|d| d.to_zoned_datetime(berlin()).ok())
        .map(|z| z.timestamp())
        .unwrap_or(t);
    (start, next)
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn index(self) -> u32 {
        self as u32
    }

    pub fn from_civil(w: civil::Weekday) -> Weekday {
        Weekday::ALL[w.to_monday_zero_offset() as usize]
    }
}

/// A wall-clock time of day, `HH:MM` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "22:00"))]
pub struct ClockTime(u16);

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time must be HH:MM between 00:00 and 23:59")]
pub struct InvalidClockTime;

impl ClockTime {
    pub fn new(hour: u8, minute: u8) -> Result<Self, InvalidClockTime> {
        if hour < 24 && minute < 60 {
            Ok(ClockTime(u16::from(hour) * 60 + u16::from(minute)))
        } else {
            Err(InvalidClockTime)
        }
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = InvalidClockTime;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let (h, m) = s.split_once(':').ok_or(InvalidClockTime)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(InvalidClockTime);
        }
        let h = h.parse().map_err(|_| InvalidClockTime)?;
        let m = m.parse().map_err(|_| InvalidClockTime)?;
        ClockTime::new(h, m)
    }
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> Self {
        t.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// Recurring hours: on each of `days`, from `from` to `to`. A `to` at or before `from` runs into
/// the next day (Fri 22:00–04:00 ends Saturday 04:00); `from == to` is a whole day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyWindow {
    #[serde(deserialize_with = "crate::bounded::vec::<7, _, _>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub days: Vec<Weekday>,
    pub from: ClockTime,
    pub to: ClockTime,
}

impl WeeklyWindow {
    /// Length of one occurrence in minutes.
    pub fn length(&self) -> u32 {
        let (f, t) = (self.from.minutes(), self.to.minutes());
        if t > f { t - f } else { DAY_MINUTES - f + t }
    }

    /// The minutes of the week this window covers.
    pub fn minutes(&self) -> MinuteSet {
        let mut set = MinuteSet::default();
        for day in &self.days {
            let start = day.index() * DAY_MINUTES + self.from.minutes();
            set.add_wrapping(start, start + self.length());
        }
        set
    }

    /// Concrete occurrences that start on local dates `first..=last`.
    pub fn occurrences(
        &self,
        first: civil::Date,
        last: civil::Date,
    ) -> Vec<(Timestamp, Timestamp)> {
        let tz = berlin();
        let mut out = Vec::new();
        let mut date = first;
        while date <= last {
            if self.days.contains(&Weekday::from_civil(date.weekday())) {
                let from = self.from.minutes();
                let time = civil::Time::new((from / 60) as i8, (from % 60) as i8, 0, 0);
                if let Ok(time) = time
                    && let Ok(start) = date.to_datetime(time).to_zoned_datetime(tz.clone())
                    && let Ok(end) = start.checked_add(i64::from(self.length()).minutes())
                {
                    out.push((start.timestamp(), end.timestamp()));
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        out
    }

    /// Does an occurrence overlap `[from, to)`?
    pub fn overlaps(&self, from: Timestamp, to: Timestamp) -> bool {
        if self.days.is_empty() || to <= from {
            return false;
        }
        // A range of more than a week contains every weekly occurrence.
        if to.duration_since(from) > jiff::SignedDuration::from_hours(8 * 24) {
            return true;
        }
        // Occurrences that start the day before `from` may run into it.
        let first = local(from).date().yesterday().unwrap_or(local(from).date());
        let last = local(to).date();
        self.occurrences(first, last)
            .into_iter()
            .any(|(s, e)| s < to && e > from)
    }

    /// Is `t` inside an occurrence?
    pub fn contains(&self, t: Timestamp) -> bool {
        let z = local(t);
        let minute = Weekday::from_civil(z.weekday()).index() * DAY_MINUTES
            + z.hour() as u32 * 60
            + z.minute() as u32;
        self.minutes().contains(minute)
    }
}

/// A single period, e.g. a big event's evening.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub end: Timestamp,
}

impl Period {
    pub fn overlaps(&self, from: Timestamp, to: Timestamp) -> bool {
        self.start < to && self.end > from
    }
}

/// A set of minutes of the week, as sorted, disjoint, half-open intervals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinuteSet(Vec<(u32, u32)>);

impl MinuteSet {
    pub fn intervals(&self) -> &[(u32, u32)] {
        &self.0
    }

    pub fn total(&self) -> u32 {
        self.0.iter().map(|(s, e)| e - s).sum()
    }

    pub fn contains(&self, minute: u32) -> bool {
        self.0.iter().any(|&(s, e)| s <= minute && minute < e)
    }

    /// Adds `[start, end)`, which may run past the week's end (it wraps to Monday).
    pub fn add_wrapping(&mut self, start: u32, end: u32) {
        let start = start % WEEK_MINUTES;
        let len = end.saturating_sub(start).min(WEEK_MINUTES);
        if start + len <= WEEK_MINUTES {
            self.add(start, start + len);
        } else {
            self.add(start, WEEK_MINUTES);
            self.add(0, start + len - WEEK_MINUTES);
        }
    }

    fn add(&mut self, start: u32, end: u32) {
        if start >= end {
            return;
        }
        self.0.push((start, end));
        self.0.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.0.len());
        for &(s, e) in &self.0 {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.0 = merged;
    }

    pub fn union(&self, other: &MinuteSet) -> MinuteSet {
        let mut out = self.clone();
        for &(s, e) in &other.0 {
            out.add(s, e);
        }
        out
    }

    pub fn intersect(&self, other: &MinuteSet) -> MinuteSet {
        let mut out = MinuteSet::default();
        for &(a, b) in &self.0 {
            for &(c, d) in &other.0 {
                out.add(a.max(c), b.min(d));
            }
        }
        out
    }

    pub fn subtract(&self, other: &MinuteSet) -> MinuteSet {
        let mut out = MinuteSet::default();
        for &(s, e) in &self.0 {
            let mut cursor = s;
            for &(c, d) in &other.0 {
                if d <= cursor || c >= e {
                    continue;
                }
                out.add(cursor, c.max(cursor));
                cursor = cursor.max(d);
            }
            out.add(cursor, e);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u8, m: u8) -> ClockTime {
        ClockTime::new(h, m).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn clock_times_parse_only_hh_mm() {
        assert_eq!(ClockTime::try_from("22:00".to_owned()), Ok(t(22, 0)));
        for bad in ["24:00", "7:00", "07:60", "0700", "ab:cd"] {
            assert!(ClockTime::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert_eq!(t(4, 5).to_string(), "04:05");
    }

    #[test]
    fn a_window_past_midnight_runs_into_the_next_day() {
        let w = WeeklyWindow {
            days: vec![Weekday::Fri, Weekday::Sat],
            from: t(22, 0),
            to: t(4, 0),
        };
        assert_eq!(w.length(), 360);
        let fri_22 = 4 * 1440 + 22 * 60;
        assert_eq!(
            w.minutes().intervals(),
            &[(fri_22, fri_22 + 360), (fri_22 + 1440, fri_22 + 1800)]
        );
    }

    #[test]
    fn sunday_night_wraps_to_monday_morning() {
        let w = WeeklyWindow {
            days: vec![Weekday::Sun],
            from: t(23, 0),
            to: t(1, 0),
        };
        assert_eq!(
            w.minutes().intervals(),
            &[(0, 60), (WEEK_MINUTES - 60, WEEK_MINUTES)]
        );
        assert_eq!(w.minutes().total(), 120);
    }

    #[test]
    fn containment_uses_berlin_local_time() {
        let w = WeeklyWindow {
            days: vec![Weekday::Fri],
            from: t(22, 0),
            to: t(4, 0),
        };
        // 2026-11-27 is a Friday; 21:30 UTC is 22:30 in Berlin (CET, UTC+1).
        assert!(w.contains(ts("2026-11-27T21:30:00Z")));
        assert!(
            w.contains(ts("2026-11-28T02:30:00Z")),
            "Saturday 03:30 local"
        );
        assert!(
            !w.contains(ts("2026-11-27T20:30:00Z")),
            "Friday 21:30 local"
        );
        // Summer time: 2026-07-03 is a Friday; 20:30 UTC is 22:30 CEST.
        assert!(w.contains(ts("2026-07-03T20:30:00Z")));
    }

    #[test]
    fn overlap_finds_an_occurrence_that_began_the_day_before() {
        let w = WeeklyWindow {
            days: vec![Weekday::Fri],
            from: t(22, 0),
            to: t(4, 0),
        };
        // Saturday 01:00–02:00 local.
        assert!(w.overlaps(ts("2026-11-28T00:00:00Z"), ts("2026-11-28T01:00:00Z")));
        // Saturday 10:00–12:00 local.
        assert!(!w.overlaps(ts("2026-11-28T09:00:00Z"), ts("2026-11-28T11:00:00Z")));
    }

    #[test]
    fn form_inputs_are_hamm_wall_clock_time() {
        assert_eq!(
            parse_local_input("2026-12-04T19:00"),
            Some(ts("2026-12-04T18:00:00Z"))
        );
        assert_eq!(
            parse_local_input("2026-07-03T22:30"),
            Some(ts("2026-07-03T20:30:00Z"))
        );
        assert_eq!(parse_local_input("morgen"), None);
        assert_eq!(
            format_local_input(ts("2026-12-04T18:00:00Z")),
            "2026-12-04T19:00"
        );
    }

    #[test]
    fn a_day_runs_from_midnight_to_midnight_in_hamm() {
        assert_eq!(
            day_of(ts("2026-11-27T21:30:00Z")),
            (ts("2026-11-26T23:00:00Z"), ts("2026-11-27T23:00:00Z"))
        );
        // The day summer time ends has 25 hours.
        let (start, end) = day_of(ts("2026-10-25T12:00:00Z"));
        assert_eq!(
            end.duration_since(start),
            jiff::SignedDuration::from_hours(25)
        );
    }

    #[test]
    fn a_week_runs_from_monday_midnight_in_hamm() {
        let (start, end) = week_of(ts("2026-11-27T21:30:00Z"));
        assert_eq!(start, ts("2026-11-22T23:00:00Z"));
        assert_eq!(end, ts("2026-11-29T23:00:00Z"));
    }

    #[test]
    fn minute_sets_intersect_and_subtract() {
        let mut a = MinuteSet::default();
        a.add_wrapping(100, 200);
        let mut b = MinuteSet::default();
        b.add_wrapping(150, 300);
        assert_eq!(a.intersect(&b).intervals(), &[(150, 200)]);
        assert_eq!(a.subtract(&b).intervals(), &[(100, 150)]);
        assert_eq!(b.subtract(&a).intervals(), &[(200, 300)]);
        assert_eq!(a.union(&b).intervals(), &[(100, 300)]);
        let mut holes = MinuteSet::default();
        holes.add_wrapping(110, 120);
        holes.add_wrapping(130, 140);
        assert_eq!(
            a.subtract(&holes).intervals(),
            &[(100, 110), (120, 130), (140, 200)]
        );
    }
}
