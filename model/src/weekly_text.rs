//! Weekly hours as people write them: `Fr, Sa 22:00–04:00; So 10:00–12:00`. The app shows
//! hours this way and reads them back from one text field; German and English day
//! abbreviations are accepted, `-` for `–`, and a range of days (`Mo–Fr`).

use crate::schedule::{ClockTime, Weekday, WeeklyWindow};

/// Why a text is not weekly hours; the message names the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeeklyTextError {
    #[error("\"{0}\": expected days and a time range, e.g. \"Fr, Sa 22:00–04:00\"")]
    Shape(String),
    #[error("\"{0}\" is not a day (Mo, Di, Mi, Do, Fr, Sa, So)")]
    Day(String),
    #[error("\"{0}\" is not a time (HH:MM)")]
    Time(String),
}

const GERMAN: [&str; 7] = ["mo", "di", "mi", "do", "fr", "sa", "so"];
const ENGLISH: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day(s: &str) -> Result<Weekday, WeeklyTextError> {
    let lower = s.trim().trim_end_matches('.').to_lowercase();
    GERMAN
        .iter()
        .position(|d| *d == lower)
        .or_else(|| ENGLISH.iter().position(|d| *d == lower))
        .map(|i| Weekday::ALL[i])
        .ok_or_else(|| WeeklyTextError::Day(s.trim().to_owned()))
}

fn time(s: &str) -> Result<ClockTime, WeeklyTextError> {
    let t = s.trim();
    // Accept `9:00` as well as `09:00`.
    let padded = if t.find(':') == Some(1) {
        format!("0{t}")
    } else {
        t.to_owned()
    };
    ClockTime::try_from(padded).map_err(|_| WeeklyTextError::Time(t.to_owned()))
}

/// Splits on an en dash or a hyphen.
fn range(s: &str) -> Option<(&str, &str)> {
    s.split_once('–').or_else(|| s.split_once('-'))
}

fn days(s: &str) -> Result<Vec<Weekday>, WeeklyTextError> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match range(part) {
            Some((a, b)) => {
                let (a, b) = (day(a)?.index(), day(b)?.index());
                // Sa–Mo wraps over the weekend.
                let mut i = a;
                loop {
                    out.push(Weekday::ALL[i as usize]);
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => out.push(day(part)?),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Reads weekly hours; an empty text is no hours.
pub fn parse(text: &str) -> Result<Vec<WeeklyWindow>, WeeklyTextError> {
    text.split(';')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| {
            let shape = || WeeklyTextError::Shape(w.to_owned());
            // The time range is the last word: `Fr, Sa 22:00–04:00`.
            let (day_part, times) = w.rsplit_once(char::is_whitespace).ok_or_else(shape)?;
            let (from, to) = range(times).ok_or_else(shape)?;
            let days = days(day_part)?;
            if days.is_empty() {
                return Err(shape());
            }
            Ok(WeeklyWindow {
                days,
                from: time(from)?,
                to: time(to)?,
            })
        })
        .collect()
}

/// Writes weekly hours with `names` for the days (Monday first): `Fr, Sa 22:00–04:00`.
pub fn format(windows: &[WeeklyWindow], names: &[&str; 7]) -> String {
    windows
        .iter()
        .map(|w| {
            let days: Vec<&str> = w.days.iter().map(|d| names[d.index() as usize]).collect();
            format!("{} {}–{}", days.join(", "), w.from, w.to)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DE: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];

    fn w(days: &[Weekday], from: (u8, u8), to: (u8, u8)) -> WeeklyWindow {
        WeeklyWindow {
            days: days.to_vec(),
            from: ClockTime::new(from.0, from.1).unwrap(),
            to: ClockTime::new(to.0, to.1).unwrap(),
        }
    }

    #[test]
    fn the_shown_form_reads_back() {
        use Weekday::*;
        let windows = vec![
            w(&[Fri, Sat], (22, 0), (4, 0)),
            w(&[Sun], (10, 0), (12, 30)),
        ];
        let text = format(&windows, &DE);
        assert_eq!(text, "Fr, Sa 22:00–04:00; So 10:00–12:30");
        assert_eq!(parse(&text).unwrap(), windows);
    }

    #[test]
    fn hyphens_day_ranges_english_days_and_short_hours_are_accepted() {
        use Weekday::*;
        assert_eq!(
            parse("Mo-Fr 9:00-17:00").unwrap(),
            vec![w(&[Mon, Tue, Wed, Thu, Fri], (9, 0), (17, 0))]
        );
        assert_eq!(
            parse("sat–mon 20:00–02:00").unwrap(),
            vec![w(&[Mon, Sat, Sun], (20, 0), (2, 0))]
        );
        assert_eq!(parse("  ").unwrap(), vec![]);
    }

    mod fuzz {
        use proptest::prelude::*;

        use super::*;

        const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

        fn window() -> impl Strategy<Value = WeeklyWindow> {
            (
                prop::collection::btree_set(0usize..7, 1..=7),
                (0u8..24, 0u8..60),
                (0u8..24, 0u8..60),
            )
                .prop_map(|(days, from, to)| {
                    let days: Vec<Weekday> = days.into_iter().map(|i| Weekday::ALL[i]).collect();
                    w(&days, from, to)
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

            /// Any text: an answer, never a panic; what parses writes back to the same hours.
            #[test]
            fn any_text_parses_or_is_refused_and_what_parses_reads_back(
                text in r"[ -~äöüÄÖÜß–]{0,60}|(Mo|Di|Mi|Do|Fr|Sa|So|mon|sat|[,–\- ]|[0-9:]){0,30}"
            ) {
                if let Ok(windows) = parse(&text) {
                    for w in &windows {
                        prop_assert!(!w.days.is_empty() && w.days.len() <= 7);
                        prop_assert!(w.days.windows(2).all(|d| d[0] < d[1]), "sorted, once each");
                    }
                    prop_assert_eq!(parse(&format(&windows, &DE)), Ok(windows));
                }
            }

            /// Any hours, written in German or English, read back the same.
            #[test]
            fn written_hours_read_back(windows in prop::collection::vec(window(), 0..5), english: bool) {
                let text = format(&windows, if english { &EN } else { &DE });
                prop_assert_eq!(parse(&text), Ok(windows));
            }
        }
    }

    #[test]
    fn mistakes_name_the_wrong_part() {
        assert_eq!(
            parse("Fr, Xy 22:00–04:00"),
            Err(WeeklyTextError::Day("Xy".into()))
        );
        assert_eq!(
            parse("Fr 25:00–04:00"),
            Err(WeeklyTextError::Time("25:00".into()))
        );
        assert_eq!(
            parse("Freitags abends"),
            Err(WeeklyTextError::Shape("Freitags abends".into()))
        );
        assert_eq!(
            parse("22:00–04:00"),
            Err(WeeklyTextError::Shape("22:00–04:00".into()))
        );
    }
}
