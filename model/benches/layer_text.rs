//! A layer answer as text and back: how long the server takes to write `/api/hotspots` (a
//! GeoJSON FeatureCollection) from its items, and the app to read it into typed
//! `Stored<Hotspot>` items (which it does in WebAssembly before it can cluster), each through
//! GeoJSON values and straight (`model::layer_text`). Native code; median of 5–15 runs.
//!
//! Run with `cargo bench -p model --bench layer_text`. Prints a Markdown table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::{hint::black_box, time::Instant};

use model::{
    Hotspot, Stored,
    item::{LayerQuery, from_feature, layer},
    layer_text::{from_layer_text, layer_text},
};

fn hotspots(n: usize) -> Vec<Stored<Hotspot>> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let json = serde_json::json!({
                "id": i, "version": 1, "updated_at": "2026-11-24T10:00:00Z",
                "title": format!("Punkt {i}"), "category": "public_disorder", "severity": "medium",
                "geometry": {"type": "Point", "coordinates": [7.70 + next() * 0.27, 51.60 + next() * 0.16]},
                "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
                "agency": "kod", "released_to": ["polizei", "kod", "jugendamt", "zoll", "jva", "bundespolizei", "steufa", "finanzamt"],
                "review_date": "2099-06-30", "district": "mitte"
            });
            serde_json::from_value(json).expect("a valid hotspot")
        })
        .collect()
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    println!("| hotspots | JSON MB | direction | way | median ms |");
    println!("|---:|---:|---|---|---:|");
    for n in [10_000, 100_000] {
        let items = hotspots(n);
        let text = serde_json::to_string(&layer(&items, &LayerQuery::default())).unwrap();
        let mb = text.len() as f64 / 1e6;
        let runs = if n > 10_000 { 5 } else { 15 };
        let write_geojson = time(runs, || layer(&items, &LayerQuery::default()).to_string());
        println!(
            "| {n} | {mb:.1} | write | through `geojson::FeatureCollection` | {write_geojson:.0} |"
        );
        let write_straight = time(runs, || layer_text(&items, &LayerQuery::default()).unwrap());
        println!("| {n} | {mb:.1} | write | straight (`layer_text`) | {write_straight:.0} |");
        let read_geojson = time(runs, || {
            let fc: geojson::FeatureCollection = serde_json::from_str(&text).unwrap();
            fc.features
                .iter()
                .map(from_feature::<Hotspot>)
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        });
        println!(
            "| {n} | {mb:.1} | read | through `geojson::FeatureCollection` | {read_geojson:.0} |"
        );
        let read_straight = time(runs, || from_layer_text::<Hotspot>(&text).unwrap());
        println!("| {n} | {mb:.1} | read | straight (`from_layer_text`) | {read_straight:.0} |");
    }
}
