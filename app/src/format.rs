//! Numbers, dates and times in the page's language: `35.906`, `10,93 km²` in German,
//! `35,906`, `10.93 km²` in English.

use crate::i18n::{Lang, lang};

/// The thousands separator and the decimal mark.
fn marks() -> (char, char) {
    match lang() {
        Lang::De => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// An integer with separators between groups of thousands.
pub fn integer(n: u64) -> String {
    let group = marks().0;
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// A decimal with the decimal mark and the given number of decimals, grouped like [`integer`].
pub fn decimal(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if value < 0.0 && text.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    let whole = integer(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{}{fraction}", marks().1)
    }
}

/// A time in Hamm, e.g. `Fr., 04.12., 19:00`, formatted by the browser (no time-zone
/// database in the bundle).
pub fn local_time(t: jiff::Timestamp) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.as_millisecond() as f64));
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", "Europe/Berlin"),
        ("weekday", "short"),
        ("day", "2-digit"),
        ("month", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    String::from(date.to_locale_string(crate::i18n::lang().locale(), &options))
}

/// The time of day in Hamm at `t`, `HH:MM`.
pub fn clock_of(t: jiff::Timestamp) -> String {
    let z = model::schedule::local(t);
    format!("{:02}:{:02}", z.hour(), z.minute())
}

/// The current time of day in Hamm, `HH:MM:SS`.
pub fn clock_now() -> String {
    let date = js_sys::Date::new_0();
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", "Europe/Berlin"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    String::from(date.to_locale_time_string_with_options(crate::i18n::lang().locale(), &options))
}

/// A calendar date, `24.11.2026` (German) or `2026-11-24` (English).
pub fn date(d: jiff::civil::Date) -> String {
    match crate::i18n::lang() {
        crate::i18n::Lang::De => format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
        crate::i18n::Lang::En => d.to_string(),
    }
}

/// Today's date in Hamm, e.g. `Dienstag, 24. November 2026`.
pub fn date_today() -> String {
    let date = js_sys::Date::new_0();
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", "Europe/Berlin"),
        ("weekday", "long"),
        ("day", "numeric"),
        ("month", "long"),
        ("year", "numeric"),
    ] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    String::from(date.to_locale_date_string(crate::i18n::lang().locale(), &options))
}

/// The weekdays' abbreviations, Monday first.
fn weekdays() -> &'static [&'static str; 7] {
    match crate::i18n::lang() {
        crate::i18n::Lang::De => &["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
        crate::i18n::Lang::En => &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
}

/// A weekday's abbreviation.
pub fn weekday(d: model::schedule::Weekday) -> &'static str {
    weekdays()[d.index() as usize]
}

/// Weekly hours, e.g. `Fr, Sa 22:00–04:00; So 10:00–12:00` (the forms read them back).
pub fn weekly(windows: &[model::schedule::WeeklyWindow]) -> String {
    model::weekly_text::format(windows, weekdays())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands_with_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(35906), "35.906");
        assert_eq!(integer(1_234_567), "1.234.567");
    }

    #[test]
    fn weekly_hours_read_the_german_way() {
        use model::schedule::{ClockTime, Weekday, WeeklyWindow};
        let w = WeeklyWindow {
            days: vec![Weekday::Fri, Weekday::Sat],
            from: ClockTime::new(22, 0).unwrap(),
            to: ClockTime::new(4, 0).unwrap(),
        };
        assert_eq!(weekly(&[w]), "Fr, Sa 22:00–04:00");
        assert_eq!(weekly(&[]), "");
    }

    #[test]
    fn times_and_dates_read_the_german_way() {
        // 18:05 UTC is 19:05 in Hamm in winter, 20:05 in summer.
        let winter: jiff::Timestamp = "2026-12-04T18:05:00Z".parse().expect("timestamp");
        let summer: jiff::Timestamp = "2026-07-04T18:05:00Z".parse().expect("timestamp");
        assert_eq!(clock_of(winter), "19:05");
        assert_eq!(clock_of(summer), "20:05");
        assert_eq!(date(jiff::civil::date(2026, 3, 7)), "07.03.2026");
        assert_eq!(date(jiff::civil::date(2026, 12, 24)), "24.12.2026");
    }

    #[test]
    fn decimals_use_a_comma() {
        assert_eq!(decimal(10.93, 2), "10,93");
        assert_eq!(decimal(1234.5, 1), "1.234,5");
        assert_eq!(decimal(-2.25, 1), "-2,2");
        assert_eq!(decimal(7.0, 0), "7");
    }
}
