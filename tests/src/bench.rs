//! Helpers the benchmarks share (issue 6): the built app plus the hand-written baseline pages
//! in one directory for the server to serve, and medians.

use std::path::Path;

use crate::{dist_dir, workspace_root};

/// Copies `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read directory").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A temporary copy of the built app with the baseline pages of `tests/benches/pages/` under
/// `/bench/`, and the npm packages they use (listed as `(package dir, file)`) under
/// `/bench/npm/<package dir>/`. The server serves the app and the pages alike, so both meet the
/// same HTTP stack (headers, compression) and the same API.
pub fn dist_with_pages(npm_files: &[(&str, &str)]) -> tempfile::TempDir {
    let dist = dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "no built app in {}: run script/build-app first (script/bench does)",
        dist.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&dist, dir.path());
    let root = workspace_root();
    copy_dir(&root.join("tests/benches/pages"), &dir.path().join("bench"));
    for (package, file) in npm_files {
        let from = root.join("node_modules").join(package).join(file);
        let to = dir.path().join("bench/npm").join(package).join(file);
        std::fs::create_dir_all(to.parent().expect("a file has a parent")).expect("create dir");
        std::fs::copy(&from, &to).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run script/bootstrap (npm ci)",
                from.display()
            )
        });
    }
    dir
}

/// The median of `values` (the mean of the middle two for an even count); `NaN` if empty.
pub fn median(values: &[f64]) -> f64 {
    percentile(values, 50.0)
}

/// The `p`th percentile of `values` by linear interpolation between closest ranks.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// `rows` incident reports as a partner's CSV (semicolons, German times), seeded by `seed`,
/// spread over the last `days` days and over the city's inner 10 km × 8 km in EPSG:25832 (as
/// in the server's import benchmark), counts 1 to 3.
pub fn incident_csv(rows: u64, days: u64, mut seed: u64) -> String {
    use std::fmt::Write as _;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let now = jiff::Timestamp::now();
    let mut out = String::with_capacity(rows as usize * 60);
    out.push_str("Kategorie;Zeit;Anzahl;Rechtswert;Hochwert\n");
    for _ in 0..rows {
        let t = model::schedule::local(
            now - jiff::SignedDuration::from_mins(next(days * 24 * 60) as i64),
        );
        let (e, n) = (412_500 + next(10_000), 5_722_000 + next(8_000));
        let _ = writeln!(
            out,
            "{};{:02}.{:02}.{} {:02}:{:02};{};{e};{n}",
            ["Lärm", "Diebstahl", "Sachbeschädigung", "Vermüllung"][next(4) as usize],
            t.day(),
            t.month(),
            t.year(),
            t.hour(),
            t.minute(),
            1 + next(3)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn percentiles_interpolate() {
        let v: Vec<f64> = (1..=101).map(f64::from).collect();
        assert_eq!(percentile(&v, 95.0), 96.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 100.0), 101.0);
        assert_eq!(percentile(&[10.0, 20.0], 50.0), 15.0);
    }
}
