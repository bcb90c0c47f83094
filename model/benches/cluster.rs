//! Clustering speed for 10,000 and 100,000 hotspot points spread over Hamm: making the
//! `model::cluster::Index` (once per data: the points sorted and projected), then its markers
//! at the city zoom and two closer zooms (once per zoom). Native code; the app runs the same
//! functions compiled to WebAssembly (measured in the browser by issue 6's benchmarks).
//! Median of 15 runs per row.
//!
//! Run with `cargo bench -p model --bench cluster`. Prints a Markdown table.

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::{hint::black_box, time::Instant};

use model::cluster::{Index, Marker, Point};

/// `n` points, deterministic, in Hamm's bounding box (a linear congruential generator, so
/// every run sees the same points without a dependency).
fn points(n: usize) -> Vec<Point> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| Point {
            id: i as i64,
            at: [7.70 + next() * 0.27, 51.60 + next() * 0.16],
        })
        .collect()
}

fn main() {
    println!("| points | step | markers drawn | median ms | p90 ms |");
    println!("|---:|---|---:|---:|---:|");
    let row = |n: usize, step: &str, drawn: String, mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        println!(
            "| {n} | {step} | {drawn} | {:.1} | {:.1} |",
            times[times.len() / 2],
            times[times.len() * 9 / 10]
        );
    };
    for n in [10_000, 100_000] {
        let pts = points(n);
        let mut times = Vec::new();
        let mut index = Index::default();
        for _ in 0..15 {
            let start = Instant::now();
            index = Index::new(black_box(&pts));
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        row(n, "index (once per data)", "–".into(), times);
        for zoom in [11.0, 13.0, 15.0] {
            let mut times = Vec::new();
            let mut drawn = 0;
            for _ in 0..15 {
                let start = Instant::now();
                let m: Vec<Marker> = black_box(&index).markers(zoom);
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                drawn = m.len();
            }
            row(
                n,
                &format!("markers at zoom {zoom}"),
                drawn.to_string(),
                times,
            );
        }
    }
}
