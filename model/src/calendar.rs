//! The planning calendar: which days a week or month view shows, the time window they cover,
//! and which actions fall on each day (an action over midnight shows on every day it touches).

use jiff::{Timestamp, ToSpan, civil::Date};

use crate::{
    Action, Stored,
    schedule::{berlin, local},
};

/// How much the calendar shows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Week,
    Month,
}

/// A calendar page: a span around an anchor date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub span: Span,
    /// Any date on the page; the page is the week or month containing it.
    pub anchor: Date,
}

/// Midnight in Hamm at the start of `date`.
pub fn midnight(date: Date) -> Option<Timestamp> {
    date.to_zoned_datetime(berlin()).ok().map(|z| z.timestamp())
}

/// The instants from the start of `first` to the end of `last` (both dates included), in
/// Hamm's time; `None` when `last` is before `first` or the dates are out of range.
pub fn date_range(first: Date, last: Date) -> Option<(Timestamp, Timestamp)> {
    if last < first {
        return None;
    }
    Some((midnight(first)?, midnight(last.tomorrow().ok()?)?))
}

fn monday_of(date: Date) -> Date {
    date.checked_sub(i64::from(date.weekday().to_monday_zero_offset()).days())
        .unwrap_or(date)
}

impl Page {
    pub fn new(span: Span, anchor: Date) -> Page {
        Page { span, anchor }
    }

    /// The dates the page covers: Monday to Sunday for a week; for a month, its days only.
    pub fn dates(&self) -> (Date, Date) {
        match self.span {
            Span::Week => {
                let monday = monday_of(self.anchor);
                (monday, monday.checked_add(6.days()).unwrap_or(monday))
            }
            Span::Month => (self.anchor.first_of_month(), self.anchor.last_of_month()),
        }
    }

    /// The days the page draws, whole weeks from Monday to Sunday; days outside the month are
    /// included so the month grid is rectangular (see [`Page::contains`]).
    pub fn grid(&self) -> Vec<Date> {
        let (first, last) = self.dates();
        let mut day = monday_of(first);
        let mut days = Vec::with_capacity(42);
        while day <= last || day.weekday() != jiff::civil::Weekday::Monday {
            days.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }

    pub fn contains(&self, date: Date) -> bool {
        let (first, last) = self.dates();
        first <= date && date <= last
    }

    /// The time the page covers.
    pub fn window(&self) -> Option<(Timestamp, Timestamp)> {
        let (first, last) = self.dates();
        date_range(first, last)
    }

    /// The page before (-1) or after (+1).
    pub fn step(&self, by: i32) -> Page {
        let anchor = match self.span {
            Span::Week => self.anchor.checked_add((7 * i64::from(by)).days()),
            Span::Month => self
                .anchor
                .first_of_month()
                .checked_add(i64::from(by).months()),
        };
        Page {
            span: self.span,
            anchor: anchor.unwrap_or(self.anchor),
        }
    }
}

/// The local dates in Hamm that an action touches (its end is exclusive).
pub fn dates_of(action: &Action) -> Vec<Date> {
    let first = local(action.start).date();
    // The last instant inside the action decides its last day: an action ending at midnight
    // does not show on the next day.
    let last_instant = action
        .end
        .checked_sub(jiff::SignedDuration::from_nanos(1))
        .unwrap_or(action.end)
        .max(action.start);
    let last = local(last_instant).date();
    let mut days = vec![first];
    let mut day = first;
    while day < last {
        match day.tomorrow() {
            Ok(next) => {
                days.push(next);
                day = next;
            }
            Err(_) => break,
        }
    }
    days
}

/// Each of `days` with the actions on it, in start order.
pub fn by_day<'a>(
    actions: &'a [Stored<Action>],
    days: &[Date],
) -> Vec<(Date, Vec<&'a Stored<Action>>)> {
    let mut sorted: Vec<&Stored<Action>> = actions.iter().collect();
    sorted.sort_by_key(|a| (a.item.start, a.id));
    let mut out: Vec<(Date, Vec<&Stored<Action>>)> =
        days.iter().map(|d| (*d, Vec::new())).collect();
    for a in sorted {
        for date in dates_of(&a.item) {
            if let Ok(i) = days.binary_search(&date) {
                out[i].1.push(a);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(s: &str) -> Timestamp {
        crate::schedule::parse_local_input(s).unwrap()
    }

    fn action(id: i64, start: &str, end: &str) -> Stored<Action> {
        Stored {
            id,
            version: 1,
            updated_at: Timestamp::UNIX_EPOCH,
            item: Action {
                title: format!("A{id}"),
                kind: crate::action::ActionKind::JointOperation,
                start: at(start),
                end: at(end),
                place: None,
                district: Some(crate::DistrictKey::Mitte),
                lead_agency: crate::AgencyKey::parse("polizei").unwrap(),
                agencies: vec![],
                status: crate::action::ActionStatus::Planned,
                released_to: vec![],
                working_group: None,
                hotspots: vec![],
                routes: vec![],
                note: String::new(),
                demo: false,
            },
        }
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        // 2026-11-26 is a Thursday.
        let page = Page::new(Span::Week, date(2026, 11, 26));
        assert_eq!(page.dates(), (date(2026, 11, 23), date(2026, 11, 29)));
        assert_eq!(page.grid().len(), 7);
        assert_eq!(page.grid()[0], date(2026, 11, 23));
    }

    #[test]
    fn a_month_grid_is_whole_weeks_around_the_month() {
        // November 2026 starts on a Sunday and ends on a Monday: six rows.
        let page = Page::new(Span::Month, date(2026, 11, 24));
        let grid = page.grid();
        assert_eq!(grid.len(), 42);
        assert_eq!(grid[0], date(2026, 10, 26));
        assert_eq!(grid[41], date(2026, 12, 6));
        assert!(page.contains(date(2026, 11, 1)));
        assert!(!page.contains(date(2026, 10, 31)));
        // February 2027 starts on a Monday and has exactly four weeks.
        assert_eq!(Page::new(Span::Month, date(2027, 2, 10)).grid().len(), 28);
    }

    #[test]
    fn pages_step_by_their_span() {
        let week = Page::new(Span::Week, date(2026, 11, 26));
        assert_eq!(week.step(1).dates().0, date(2026, 11, 30));
        assert_eq!(week.step(-1).dates().0, date(2026, 11, 16));
        // From the 31st, the next month is still the next month.
        let month = Page::new(Span::Month, date(2027, 1, 31));
        assert_eq!(month.step(1).dates(), (date(2027, 2, 1), date(2027, 2, 28)));
        assert_eq!(month.step(-2).dates().0, date(2026, 11, 1));
    }

    #[test]
    fn the_window_is_local_midnight_to_midnight() {
        let page = Page::new(Span::Week, date(2026, 11, 26));
        let (from, to) = page.window().unwrap();
        assert_eq!(from, at("2026-11-23T00:00"));
        assert_eq!(to, at("2026-11-30T00:00"));
        // Across the change to summer time the week is an hour shorter.
        let (from, to) = Page::new(Span::Week, date(2027, 3, 28)).window().unwrap();
        assert_eq!(to.duration_since(from).as_hours(), 7 * 24 - 1);
    }

    #[test]
    fn a_date_range_includes_both_days_and_refuses_a_reversed_one() {
        let (from, to) = date_range(date(2026, 12, 1), date(2026, 12, 3)).unwrap();
        assert_eq!(from, at("2026-12-01T00:00"));
        assert_eq!(to, at("2026-12-04T00:00"));
        assert_eq!(date_range(date(2026, 12, 3), date(2026, 12, 1)), None);
    }

    #[test]
    fn actions_show_on_every_day_they_touch() {
        let night = action(1, "2026-11-27T20:00", "2026-11-28T02:00");
        assert_eq!(
            dates_of(&night.item),
            vec![date(2026, 11, 27), date(2026, 11, 28)]
        );
        let to_midnight = action(2, "2026-11-27T20:00", "2026-11-28T00:00");
        assert_eq!(dates_of(&to_midnight.item), vec![date(2026, 11, 27)]);
    }

    #[test]
    fn by_day_sorts_and_places_actions() {
        let actions = vec![
            action(3, "2026-11-24T18:00", "2026-11-24T20:00"),
            action(1, "2026-11-24T09:00", "2026-11-24T10:00"),
            action(2, "2026-11-27T20:00", "2026-11-28T02:00"),
            action(4, "2026-12-10T09:00", "2026-12-10T10:00"),
        ];
        let page = Page::new(Span::Week, date(2026, 11, 24));
        let days = by_day(&actions, &page.grid());
        let ids = |i: usize| days[i].1.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(1), vec![1, 3]);
        assert_eq!(ids(4), vec![2]);
        assert_eq!(ids(5), vec![2]);
        assert_eq!(ids(0), Vec::<i64>::new());
        assert!(days.iter().all(|(_, list)| list.iter().all(|a| a.id != 4)));
    }
}
