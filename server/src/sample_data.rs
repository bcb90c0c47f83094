//! Incident spreadsheets for early detection's tests (the server's and the browser tests'): a
//! steady background and a planted cluster, in German spreadsheet form, at places given as
//! WGS84 with decimal commas. Built for tests only (`cfg(test)` or the `sample-data` feature).

use jiff::{Timestamp, ToSpan};

pub const SUEDSTRASSE: &str = "7,81971;51,67949";
pub const HEESSEN: &str = "7,834722;51,705578";
/// In Heessen, 1.5 km east of its old Amtshaus (a cell of its own).
pub const HEESSEN_EAST: &str = "7,8543;51,7109";
pub const WESTENTOR: &str = "7,8137;51,68016";
pub const WEST: &str = "7,75;51,67";

/// A local time `days` back from today at `hour`, as German spreadsheets write it.
pub fn german(days: i64, hour: i8, minute: i8) -> String {
    let today = model::schedule::local(Timestamp::now()).date();
    let day = today.checked_sub(days.days()).expect("date");
    format!(
        "{:02}.{:02}.{} {hour:02}:{minute:02}",
        day.day(),
        day.month(),
        day.year()
    )
}

pub const HEADER: &str = "Vorgang;Kategorie;Zeit;Anzahl;Rechtswert;Hochwert\n";

/// A disorder incident at 20:00 and a theft at 10:00 every day at three places, for the
/// nine weeks before today.
pub fn background(prefix: &str) -> String {
    let mut csv = HEADER.to_owned();
    for day in 1..=63 {
        for (i, place) in [WESTENTOR, HEESSEN, WEST].iter().enumerate() {
            csv += &format!(
                "{prefix}-{day}-{i}-a;Lärm;{};1;{place}\n",
                german(day, 20, 0)
            );
            csv += &format!(
                "{prefix}-{day}-{i}-b;Diebstahl;{};1;{place}\n",
                german(day, 10, 0)
            );
        }
    }
    csv
}

/// `n` incidents of `category` at `place` yesterday from 18:00, ten minutes apart.
pub fn cluster(prefix: &str, category: &str, place: &str, n: i8) -> String {
    let mut csv = HEADER.to_owned();
    for i in 0..n {
        csv += &format!(
            "{prefix}-{i};{category};{};1;{place}\n",
            german(1, 18 + i / 6, (i % 6) * 10)
        );
    }
    csv
}
