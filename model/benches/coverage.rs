//! Patrol coverage (`model::analysis::coverage`, what `GET /api/coverage` computes) for 100
//! area hotspots and 50 patrol routes of 2,000 vertices each over Hamm's centre: the whole
//! computation, and as the baseline in the same run the way it was done before — the distance
//! of every route to every hotspot (`geometry::distance_between_m` for each pair), which
//! compares every edge of an area with every segment of a route.
//!
//! The areas are circles of 80 to 400 m radius drawn with 500 vertices; the routes are random
//! walks of 3 m steps (6 km each). Deterministic (a linear congruential generator).
//!
//! Run with `cargo bench -p model --bench coverage`. Prints a Markdown table; `COVERAGE_RUNS`
//! (default 5) runs of `coverage`, median reported; the baseline runs once (two minutes).

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::{hint::black_box, time::Instant};

use geojson::{Geometry, GeometryValue, Position};
use model::{
    AgencyKey, Hotspot, PatrolRoute, Stored,
    analysis::{self, NEARBY_M},
    geometry,
    hotspot::{HotspotCategory, Severity},
    route::Occasion,
    schedule::{ClockTime, Weekday, WeeklyWindow},
};

const HOTSPOTS: usize = 100;
const AREA_VERTICES: usize = 500;
const ROUTES: usize = 50;
const ROUTE_VERTICES: usize = 2_000;

struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Degrees per metre at Hamm's latitude: (longitude, latitude).
const DEG_PER_M: (f64, f64) = (1.0 / 69_200.0, 1.0 / 111_200.0);
/// The centre of the area the items are spread over (Hamm-Mitte), and its half-width in m.
const CENTRE: [f64; 2] = [7.8137, 51.6802];
const SPREAD_M: f64 = 3_000.0;

fn every_day(from: u8, to: u8) -> WeeklyWindow {
    WeeklyWindow {
        days: Weekday::ALL.to_vec(),
        from: ClockTime::new(from, 0).unwrap(),
        to: ClockTime::new(to, 0).unwrap(),
    }
}

fn hotspots(r: &mut Random) -> Vec<Stored<Hotspot>> {
    (0..HOTSPOTS)
        .map(|i| {
            let c = [
                CENTRE[0] + (r.next() * 2.0 - 1.0) * SPREAD_M * DEG_PER_M.0,
                CENTRE[1] + (r.next() * 2.0 - 1.0) * SPREAD_M * DEG_PER_M.1,
            ];
            let radius = 80.0 + r.next() * 320.0;
            let mut ring: Vec<Position> = (0..AREA_VERTICES)
                .map(|k| {
                    let a = k as f64 / AREA_VERTICES as f64 * std::f64::consts::TAU;
                    Position::from([
                        c[0] + a.cos() * radius * DEG_PER_M.0,
                        c[1] + a.sin() * radius * DEG_PER_M.1,
                    ])
                })
                .collect();
            ring.push(ring[0].clone());
            Stored {
                id: i as i64 + 1,
                version: 1,
                updated_at: jiff::Timestamp::UNIX_EPOCH,
                item: Hotspot {
                    title: format!("Fläche {i}"),
                    category: HotspotCategory::PublicDisorder,
                    severity: Severity::Medium,
                    geometry: Geometry::new(GeometryValue::Polygon {
                        coordinates: vec![ring],
                    }),
                    hours: vec![every_day(18, 2)],
                    agency: AgencyKey::parse("polizei").unwrap(),
                    released_to: vec![],
                    review_date: "2099-01-01".parse().unwrap(),
                    district: None,
                    note: String::new(),
                    demo: false,
                },
            }
        })
        .collect()
}

fn routes(r: &mut Random) -> Vec<Stored<PatrolRoute>> {
    (0..ROUTES)
        .map(|i| {
            let mut at = [
                (r.next() * 2.0 - 1.0) * SPREAD_M,
                (r.next() * 2.0 - 1.0) * SPREAD_M,
            ];
            let mut heading = r.next() * std::f64::consts::TAU;
            let line: Vec<Position> = (0..ROUTE_VERTICES)
                .map(|_| {
                    heading += (r.next() - 0.5) * 0.6;
                    at[0] = (at[0] + heading.cos() * 3.0).clamp(-SPREAD_M, SPREAD_M);
                    at[1] = (at[1] + heading.sin() * 3.0).clamp(-SPREAD_M, SPREAD_M);
                    Position::from([
                        CENTRE[0] + at[0] * DEG_PER_M.0,
                        CENTRE[1] + at[1] * DEG_PER_M.1,
                    ])
                })
                .collect();
            Stored {
                id: i as i64 + 1_000,
                version: 1,
                updated_at: jiff::Timestamp::UNIX_EPOCH,
                item: PatrolRoute {
                    title: format!("Streife {i}"),
                    geometry: Geometry::new(GeometryValue::LineString { coordinates: line }),
                    agency: AgencyKey::parse("polizei").unwrap(),
                    agencies: vec![AgencyKey::parse("polizei").unwrap()],
                    occasion: Occasion::CityCentre,
                    released_to: vec![],
                    weekly: vec![every_day(20, 23)],
                    dates: vec![],
                    districts: vec![],
                    note: String::new(),
                    demo: false,
                },
            }
        })
        .collect()
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("COVERAGE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut r = Random(0x2545_F491_4F6C_DD1D);
    let (hotspots, routes) = (hotspots(&mut r), routes(&mut r));
    let week = "2026-11-30".parse().unwrap();

    let mut times = Vec::new();
    let mut pairs_near = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let result = analysis::coverage(black_box(&hotspots), black_box(&routes), week);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        pairs_near = result.iter().map(|c| c.routes.len()).sum::<usize>();
    }
    let ours = median(times);

    // The baseline: every pair's distance, as coverage was computed before.
    let mut times = Vec::new();
    let mut baseline_near = 0;
    // Two minutes a run: once is enough to see the difference.
    for _ in 0..1 {
        let start = Instant::now();
        baseline_near = hotspots
            .iter()
            .map(|h| {
                routes
                    .iter()
                    .filter(|rt| {
                        geometry::distance_between_m(
                            black_box(&h.item.geometry.value),
                            &rt.item.line(),
                        ) <= NEARBY_M
                    })
                    .count()
            })
            .sum::<usize>();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let baseline = median(times);
    assert_eq!(
        pairs_near, baseline_near,
        "both find the same routes near the same hotspots"
    );

    println!(
        "{HOTSPOTS} area hotspots ({AREA_VERTICES} vertices each) × {ROUTES} routes ({ROUTE_VERTICES} vertices each); {pairs_near} of {} pairs within {NEARBY_M} m.",
        HOTSPOTS * ROUTES
    );
    println!();
    println!("| computation | median ms | ratio to the baseline | times faster |");
    println!("|---|---:|---:|---:|");
    println!(
        "| every pair's distance (the baseline: coverage before; one run) | {baseline:.0} | 1 | 1 |"
    );
    println!(
        "| `analysis::coverage` (the whole answer; {runs} runs) | {ours:.1} | {:.5} | {:.0} |",
        ours / baseline,
        baseline / ours
    );
}
