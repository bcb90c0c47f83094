//! Early detection on generated data: two years of background incidents over Hamm with daily,
//! weekly and seasonal rhythm and a slow trend, weighted by district population and gathered
//! around a few places per district, and emerging clusters planted in the second year (of
//! varying size, duration and strength). The scan ([`model::scan`]) runs every six hours of
//! the second year, as the server's watcher does; against it, the simplest thing a user would
//! try: a fixed threshold on each district's weekly count per category group (the first
//! year's mean plus three standard deviations). One background incident in ten is reported
//! two to four times within the hour, so counts are overdispersed as real ones are.
//!
//! Prints: the share of planted clusters detected within 7 days of their start (of those with
//! at least twice the local rate and at least 10 extra incidents in their first week), the
//! median delay, false alerts per district per 30 days on the same background without plants,
//! and the time of one full recomputation on 1,000,000 incidents.
//!
//! Run with `cargo bench -p model --bench detection` (seeded: every run sees the same data).

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::{collections::HashMap, time::Instant};

use geojson::{Geometry, GeometryValue};
use jiff::{SignedDuration, Timestamp};
use model::{
    District, DistrictKey, Incident,
    alert::{AlertList, CategoryGroup},
    detection::Detection,
    geometry,
    incident::IncidentCategory,
    partition::approximate_districts,
    scan, schedule,
};

/// A seeded generator (SplitMix64): the same data on every run, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// A standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    /// A Poisson count (Knuth's method; the rates here are below 100).
    fn poisson(&mut self, lambda: f64) -> u32 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

/// Metres east and north as degrees here.
const DEG_PER_M: [f64; 2] = [1.0 / 68_980.0, 1.0 / 111_195.0];

/// Where incidents happen: per district its population weight, its bounding box and three
/// places most of its incidents gather around.
struct City {
    districts: Vec<District>,
    weights: Vec<f64>,
    boxes: Vec<[f64; 4]>,
    centres: Vec<Vec<[f64; 2]>>,
}

impl City {
    fn new(rng: &mut Rng) -> City {
        let districts = approximate_districts().unwrap();
        let total: f64 = districts
            .iter()
            .map(|d| f64::from(d.properties.population))
            .sum();
        let weights = districts
            .iter()
            .map(|d| f64::from(d.properties.population) / total)
            .collect();
        let boxes: Vec<[f64; 4]> = districts
            .iter()
            .map(|d| {
                geometry::vertices(&d.geometry.value).iter().fold(
                    [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
                    |[w, s, e, n], [x, y]| [w.min(*x), s.min(*y), e.max(*x), n.max(*y)],
                )
            })
            .collect();
        let mut city = City {
            districts,
            weights,
            boxes,
            centres: vec![],
        };
        city.centres = (0..city.districts.len())
            .map(|i| (0..3).map(|_| city.uniform_in(i, rng)).collect())
            .collect();
        city
    }

    fn uniform_in(&self, i: usize, rng: &mut Rng) -> [f64; 2] {
        let [w, s, e, n] = self.boxes[i];
        loop {
            let p = [w + rng.unit() * (e - w), s + rng.unit() * (n - s)];
            if geometry::polygon_contains(&self.districts[i].geometry.value, p) {
                return p;
            }
        }
    }

    fn district_by_population(&self, rng: &mut Rng) -> usize {
        let mut u = rng.unit();
        for (i, w) in self.weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        self.weights.len() - 1
    }

    /// A background place: 60 % within about 400 m of one of the district's places, the rest
    /// anywhere in it.
    fn place(&self, rng: &mut Rng) -> (usize, [f64; 2]) {
        let i = self.district_by_population(rng);
        if rng.unit() < 0.6 {
            let c = self.centres[i][rng.below(3)];
            let p = near(c, 400.0, rng);
            if geometry::polygon_contains(&self.districts[i].geometry.value, p) {
                return (i, p);
            }
        }
        (i, self.uniform_in(i, rng))
    }
}

fn near(c: [f64; 2], sd_m: f64, rng: &mut Rng) -> [f64; 2] {
    [
        c[0] + rng.normal() * sd_m * DEG_PER_M[0],
        c[1] + rng.normal() * sd_m * DEG_PER_M[1],
    ]
}

/// The categories with their shares of all incidents.
const CATEGORIES: &[(IncidentCategory, f64)] = &[
    (IncidentCategory::Theft, 0.22),
    (IncidentCategory::Damage, 0.14),
    (IncidentCategory::Noise, 0.12),
    (IncidentCategory::Violence, 0.09),
    (IncidentCategory::Littering, 0.09),
    (IncidentCategory::PublicDisorder, 0.07),
    (IncidentCategory::TrafficAccident, 0.08),
    (IncidentCategory::Burglary, 0.05),
    (IncidentCategory::PublicDrinking, 0.05),
    (IncidentCategory::YouthGathering, 0.04),
    (IncidentCategory::Drugs, 0.03),
    (IncidentCategory::IllicitWork, 0.01),
    (IncidentCategory::SmuggledGoods, 0.01),
];

fn category(rng: &mut Rng) -> IncidentCategory {
    let mut u = rng.unit();
    for (c, share) in CATEGORIES {
        if u < *share {
            return *c;
        }
        u -= share;
    }
    IncidentCategory::Theft
}

fn incident(at: [f64; 2], start: Timestamp, category: IncidentCategory, d: &District) -> Incident {
    Incident {
        category,
        count: 1,
        start,
        end: None,
        geometry: Geometry::new(GeometryValue::new_point(at.to_vec())),
        agency: model::AgencyKey::parse("polizei").unwrap(),
        released_to: vec![],
        source_key: None,
        district: Some(d.properties.key),
        demo: false,
    }
}

/// The relative rate at a local hour of a weekday (0 = Monday) on a day of the year.
fn rhythm(hour: i8, weekday: i8, day_of_year: i16, years: f64) -> f64 {
    // Quiet nights, busy afternoons and evenings.
    const HOURS: [f64; 24] = [
        0.7, 0.5, 0.4, 0.3, 0.25, 0.3, 0.5, 0.8, 1.0, 1.0, 1.1, 1.2, 1.2, 1.2, 1.3, 1.4, 1.5, 1.6,
        1.7, 1.7, 1.6, 1.4, 1.1, 0.9,
    ];
    let weekend = match weekday {
        4 => 1.25,
        5 => 1.35,
        6 => 0.9,
        _ => 1.0,
    };
    let season =
        1.0 + 0.2 * (std::f64::consts::TAU * (f64::from(day_of_year) - 110.0) / 365.0).sin();
    let trend = 1.0 + 0.05 * years;
    HOURS[hour as usize] * weekend * season * trend
}

/// Background incidents from `start` over `days`, about `per_day` a day on average.
fn background(
    city: &City,
    start: Timestamp,
    days: i64,
    per_day: f64,
    rng: &mut Rng,
) -> Vec<Incident> {
    let mut out = vec![];
    for h in 0..days * 24 {
        let t = start + SignedDuration::from_hours(h);
        let z = schedule::local(t);
        let r = rhythm(
            z.hour(),
            z.weekday().to_monday_zero_offset(),
            z.day_of_year(),
            h as f64 / (365.0 * 24.0),
        );
        for _ in 0..rng.poisson(per_day / 24.0 * r) {
            let (i, at) = city.place(rng);
            let when = t + SignedDuration::from_secs(rng.below(3600) as i64);
            let c = category(rng);
            // One in ten is reported more than once (2–4 reports within the hour): real
            // counts are overdispersed, not Poisson.
            let reports = if rng.unit() < 0.1 {
                2 + rng.below(3)
            } else {
                1
            };
            for k in 0..reports {
                let later = when + SignedDuration::from_mins(10 * k as i64);
                out.push(incident(at, later, c, &city.districts[i]));
            }
        }
    }
    out
}

/// A planted cluster: extra incidents of one category around a place.
struct Plant {
    centre: [f64; 2],
    group: CategoryGroup,
    start: Timestamp,
    /// Extra incidents in its first 7 days.
    first_week: u32,
    /// Background incidents of its group within its radius in the 7 days before it.
    local: u32,
}

fn plant(city: &City, start: Timestamp, rng: &mut Rng, incidents: &mut Vec<Incident>) -> Plant {
    let (district, centre) = city.place(rng);
    let category = category(rng);
    let radius = 80.0 + rng.unit() * 170.0;
    let days = 7 + rng.below(22) as i64;
    // Strength: 4 to 40 extra incidents a week.
    let per_week = 4.0 + rng.unit() * 36.0;
    let total = rng.poisson(per_week * days as f64 / 7.0);
    let mut first_week = 0;
    for _ in 0..total {
        let day = rng.below(days as usize) as i64;
        // Mostly in the evening (16–24).
        let hour = if rng.unit() < 0.7 {
            16 + rng.below(8)
        } else {
            rng.below(24)
        } as i64;
        let t = start
            + SignedDuration::from_hours(day * 24 + hour)
            + SignedDuration::from_secs(rng.below(3600) as i64);
        if day < 7 {
            first_week += 1;
        }
        let at = near(centre, radius / 2.0, rng);
        let d = geometry::district_of(at, &city.districts)
            .and_then(|k| city.districts.iter().find(|x| x.properties.key == k))
            .unwrap_or(&city.districts[district]);
        incidents.push(incident(at, t, category, d));
    }
    let group = CategoryGroup::of(category);
    let week_before = start - SignedDuration::from_hours(7 * 24);
    let local = incidents
        .iter()
        .filter(|i| i.start >= week_before && i.start < start)
        .filter(|i| CategoryGroup::of(i.category) == group)
        .filter(|i| {
            geometry::anchor(&i.geometry.value)
                .is_some_and(|p| geometry::distance_m(p, centre) <= radius)
        })
        .count() as u32;
    Plant {
        centre,
        group,
        start,
        first_week,
        local,
    }
}

/// The incidents that begin in `[from, to)` (`sorted` by start).
fn slice(sorted: &[Incident], from: Timestamp, to: Timestamp) -> &[Incident] {
    let a = sorted.partition_point(|i| i.start < from);
    let b = sorted.partition_point(|i| i.start < to);
    &sorted[a..b]
}

/// Each evaluation's alerts: (time, (key, group, geometry)).
type Raised = Vec<(Timestamp, Vec<(String, CategoryGroup, Geometry)>)>;

/// The alerts `alerts_at` gives every six hours over `[from, to)`, as the server's watcher
/// scans.
fn every_six_hours(
    from: Timestamp,
    to: Timestamp,
    mut alerts_at: impl FnMut(Timestamp) -> Vec<(String, CategoryGroup, Geometry)>,
) -> Raised {
    let mut out = vec![];
    let mut t = from;
    while t < to {
        out.push((t, alerts_at(t)));
        t += SignedDuration::from_hours(6);
    }
    out
}

/// The scan every six hours over `[from, to)`.
fn scans(
    d: &Detection,
    sorted: &[Incident],
    districts: &[District],
    from: Timestamp,
    to: Timestamp,
) -> Raised {
    every_six_hours(from, to, |t| {
        let (base, _, end) = scan::windows(d, t);
        let part = slice(sorted, base.timestamp(), end.timestamp());
        let list: AlertList = scan::scan(d, part, districts, &[], t);
        list.alerts
            .into_iter()
            .map(|a| (a.key, a.group, a.geometry))
            .collect()
    })
}

/// Incidents per district and group.
fn counted(incidents: &[Incident]) -> HashMap<(DistrictKey, CategoryGroup), f64> {
    let mut out = HashMap::new();
    for i in incidents {
        if let Some(d) = i.district {
            *out.entry((d, CategoryGroup::of(i.category))).or_default() += 1.0;
        }
    }
    out
}

/// New alerts as the server counts them: a key not raised within the week before.
fn newly_raised(raised: &Raised) -> usize {
    let mut last: HashMap<&str, Timestamp> = HashMap::new();
    let mut n = 0;
    for (t, alerts) in raised {
        for (key, ..) in alerts {
            let fresh = last
                .get(key.as_str())
                .is_none_or(|&seen| *t - seen > SignedDuration::from_hours(7 * 24));
            if fresh {
                n += 1;
                last.insert(key, *t);
            }
        }
    }
    n
}

/// The fixed threshold: per district and group, the first year's weekly counts' mean plus
/// three standard deviations; an alert whenever the last 7 days' count exceeds it.
struct Threshold {
    limit: HashMap<(DistrictKey, CategoryGroup), f64>,
}

impl Threshold {
    fn calibrate(sorted: &[Incident], from: Timestamp, weeks: i64) -> Threshold {
        let mut counts: HashMap<(DistrictKey, CategoryGroup), Vec<f64>> = HashMap::new();
        for w in 0..weeks {
            let a = from + SignedDuration::from_hours(w * 168);
            let week = counted(slice(sorted, a, a + SignedDuration::from_hours(168)));
            for d in DistrictKey::ALL {
                for g in CategoryGroup::ALL {
                    counts
                        .entry((d, *g))
                        .or_default()
                        .push(week.get(&(d, *g)).copied().unwrap_or(0.0));
                }
            }
        }
        let limit = counts
            .into_iter()
            .map(|(k, v)| {
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64;
                (k, mean + 3.0 * var.sqrt())
            })
            .collect();
        Threshold { limit }
    }

    /// Every six hours, the (district, group) pairs over their limit in the last 7 days.
    fn scans(
        &self,
        sorted: &[Incident],
        districts: &[District],
        from: Timestamp,
        to: Timestamp,
    ) -> Raised {
        every_six_hours(from, to, |t| {
            counted(slice(sorted, t - SignedDuration::from_hours(168), t))
                .into_iter()
                .filter(|(k, n)| *n > self.limit.get(k).copied().unwrap_or(f64::MAX))
                .filter_map(|((d, g), _)| {
                    let geometry = districts
                        .iter()
                        .find(|x| x.properties.key == d)?
                        .geometry
                        .clone();
                    Some((format!("district:{d}:{g}"), g, geometry))
                })
                .collect()
        })
    }
}

/// (detected share of qualifying plants, median delay in hours, qualifying count).
fn detection_of(plants: &[Plant], raised: &Raised) -> (f64, f64, usize) {
    let qualifying: Vec<&Plant> = plants
        .iter()
        .filter(|p| p.first_week >= 10 && p.first_week >= p.local.max(1))
        .collect();
    let mut delays = vec![];
    for p in &qualifying {
        let until = p.start + SignedDuration::from_hours(7 * 24);
        let hit = raised.iter().find(|(t, alerts)| {
            *t >= p.start
                && *t <= until
                && alerts.iter().any(|(_, g, geometry)| {
                    *g == p.group && geometry::polygon_contains(&geometry.value, p.centre)
                })
        });
        if let Some((t, _)) = hit {
            delays.push((*t - p.start).as_secs_f64() / 3600.0);
        }
    }
    delays.sort_by(f64::total_cmp);
    let median = delays.get(delays.len() / 2).copied().unwrap_or(f64::NAN);
    (
        delays.len() as f64 / qualifying.len().max(1) as f64,
        median,
        qualifying.len(),
    )
}

fn main() {
    let d = Detection::default();
    let mut rng = Rng(0x1a6e_b11d_4a33);
    let city = City::new(&mut rng);
    let start: Timestamp = "2024-12-02T00:00:00Z".parse().unwrap();
    let year = SignedDuration::from_hours(364 * 24);
    // About 100 incidents a day: 36,500 a year, what the partners record in a city of
    // 180,000 (police-recorded crime and the order service's reports together).
    let clean = background(&city, start, 2 * 364, 100.0, &mut rng);
    let mut planted = clean.clone();
    let mut plants = vec![];
    for k in 0..60 {
        let at = start + year + SignedDuration::from_hours(24 * (3 + k * 5) + rng.below(24) as i64);
        plants.push(plant(&city, at, &mut rng, &mut planted));
    }
    let by_start = |mut v: Vec<Incident>| {
        v.sort_by_key(|i| i.start);
        v
    };
    let (clean, planted) = (by_start(clean), by_start(planted));
    let (from, to) = (start + year, start + year + year);
    let districts = &city.districts;

    let with = scans(&d, &planted, districts, from, to);
    let without = scans(&d, &clean, districts, from, to);
    let threshold = Threshold::calibrate(&clean, start, 52);
    let t_with = threshold.scans(&planted, districts, from, to);
    let t_without = threshold.scans(&clean, districts, from, to);
    let per_district_month =
        |raised: &Raised| newly_raised(raised) as f64 / districts.len() as f64 / (364.0 / 30.0);
    let (share, delay, qualifying) = detection_of(&plants, &with);
    let (t_share, t_delay, _) = detection_of(&plants, &t_with);

    // One full recomputation on a million incidents (two years, ~1,370 a day).
    let mut big_rng = Rng(7);
    let million = by_start(background(&city, start, 2 * 364, 1_370.0, &mut big_rng));
    let now = to - SignedDuration::from_hours(3);
    let mut times = vec![];
    let mut tests = 0;
    for _ in 0..5 {
        let begin = Instant::now();
        let list = scan::scan(&d, std::hint::black_box(&million), districts, &[], now);
        times.push(begin.elapsed().as_secs_f64());
        tests = list.tests;
    }
    times.sort_by(f64::total_cmp);

    println!(
        "Background: {} incidents over two years ({} without plants); {} clusters planted in the second year, {qualifying} of them with at least twice the local rate and at least 10 extra incidents in their first week. Scans every six hours of the second year.",
        planted.len(),
        clean.len(),
        plants.len()
    );
    println!();
    println!("| | target | space-time permutation scan | fixed weekly threshold per district |");
    println!("|---|---|---:|---:|");
    println!(
        "| clusters detected within 7 days | ≥ 90 % | {:.0} % | {:.0} % |",
        share * 100.0,
        t_share * 100.0
    );
    println!(
        "| median delay | – | {:.0} h | {} |",
        delay,
        if t_delay.is_nan() {
            "–".to_owned()
        } else {
            format!("{t_delay:.0} h")
        }
    );
    println!(
        "| false alerts per district per 30 days (no plants) | ≤ 1 | {:.2} | {:.2} |",
        per_district_month(&without),
        per_district_month(&t_without)
    );
    println!(
        "| full recomputation, {} incidents ({tests} tests) | < 2 s | {:.2} s (median of 5) | – |",
        million.len(),
        times[2]
    );
}
