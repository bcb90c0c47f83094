//! Place search over 100,000 imported addresses (issue 21): the release server after
//! `server places import` of a generated address list in the state's CSV layout (2,000 streets
//! of 50 houses, EPSG:25832), answering `GET /api/places` one request at a time and with 8 at
//! once. Queries are what people type: a street and house number, a street's beginning, a
//! street with a typo, a district. The baseline, in the same run, is the same queries against
//! the same server before any import (districts, the city's places and the demo's items only).
//!
//! Run with `cargo bench -p server --bench places`. Prints a Markdown table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use std::{
    ffi::OsString,
    time::{Duration, Instant},
};

use support::{
    percentile,
    session::{add_account, client, sign_in},
};

const FIRST: [&str; 40] = [
    "Amsel", "Birken", "Buchen", "Dorf", "Eichen", "Erlen", "Fasanen", "Feld", "Finken", "Garten",
    "Heide", "Hof", "Holunder", "Kamp", "Kirch", "Lerchen", "Linden", "Mühlen", "Nord", "Ost",
    "Park", "Rosen", "Schul", "See", "Sonnen", "Süd", "Tannen", "Ulmen", "Wald", "Weiden", "West",
    "Wiesen", "Zechen", "Brunnen", "Bahnhof", "Berg", "Bach", "Markt", "Schloss", "Kloster",
];
const SECOND: [&str; 10] = [
    "", "ober", "unter", "kamp", "feld", "grund", "hagen", "horst", "busch", "winkel",
];
const KIND: [&str; 5] = ["straße", "weg", "allee", "ring", "platz"];

/// The street names: 40 × 10 × 5 = 2,000, German as street names are.
fn streets() -> Vec<String> {
    let mut out = Vec::new();
    for a in FIRST {
        for b in SECOND {
            for k in KIND {
                out.push(format!("{a}{b}{k}"));
            }
        }
    }
    out
}

/// The address list in the state's layout: 2,000 streets × 50 houses (every fifth with a
/// suffix), spread over Hamm in EPSG:25832.
fn address_csv(streets: &[String]) -> String {
    let mut csv = String::from("NBA;STN;HNR;ADZ;PLZ;OSTWERT;NORDWERT\n");
    for (i, street) in streets.iter().enumerate() {
        let (e0, n0) = (
            405_000.0 + (i % 50) as f64 * 480.0,
            5_717_000.0 + (i / 50) as f64 * 450.0,
        );
        for h in 1..=50u32 {
            let suffix = if h % 5 == 0 { "a" } else { "" };
            csv.push_str(&format!(
                "E;{street};{h};{suffix};{};{:.2};{:.2}\n",
                59063 + (i % 6) * 2,
                e0 + f64::from(h) * 8.0,
                n0 + f64::from(h % 7) * 5.0,
            ));
        }
    }
    csv
}

/// 1,000 queries as people type them, fixed by a seed.
fn queries(streets: &[String]) -> Vec<String> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..1000)
        .map(|i| {
            let street = &streets[(next() % streets.len() as u64) as usize];
            let house = 1 + next() % 50;
            match i % 4 {
                // "Amselstr. 12a" style: the street short, the number.
                0 => format!("{} {house}", street.replace("straße", "str.")),
                // The beginning of a street.
                1 => street.chars().take(5).collect(),
                // A typo: two letters swapped.
                2 => {
                    let mut c: Vec<char> = street.chars().collect();
                    c.swap(2, 3);
                    c.into_iter().collect()
                }
                _ => ["heessen", "westentor", "bockum", "rhynern"][(next() % 4) as usize].into(),
            }
        })
        .collect()
}

/// Each query's latency, `at_once` requests in flight at a time.
async fn run(
    http: &reqwest::Client,
    base: &str,
    queries: &[String],
    at_once: usize,
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(queries.len());
    for chunk in queries.chunks(at_once) {
        let calls = chunk.iter().map(|q| async move {
            let start = Instant::now();
            let r = http
                .get(format!("{base}/api/places"))
                .query(&[("q", q.as_str()), ("limit", "10")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{q}");
            r.bytes().await.unwrap();
            start.elapsed()
        });
        times.extend(futures_util::future::join_all(calls).await);
    }
    times.sort();
    times
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    let place: Vec<OsString> = vec!["--data-dir".into(), data.path().into()];
    let streets = streets();
    let queries = queries(&streets);
    let csv = data.path().join("gebref.csv");
    std::fs::write(&csv, address_csv(&streets)).unwrap();

    add_account(&place).await;
    let args = place.clone();
    let (mut server, base) = support::server::spawn(&args).await;
    let session = sign_in(&base).await;
    let http = client(&session, 16);
    // Baseline: no addresses.
    run(&http, &base, &queries[..50], 1).await;
    let base_one = run(&http, &base, &queries, 1).await;
    let base_eight = run(&http, &base, &queries, 8).await;

    let started = Instant::now();
    let import = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            OsString::from("places"),
            "import".into(),
            csv.into_os_string(),
        ])
        .args(&place)
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(import.success(), "server places import");
    let import_time = started.elapsed();
    // The first search after an import loads the list.
    let first = run(&http, &base, &queries[..1], 1).await[0];
    let found: serde_json::Value = http
        .get(format!("{base}/api/places?q=Amselstr.%2012"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["name"], "Amselstraße 12, 59063", "{found}");
    let one = run(&http, &base, &queries, 1).await;
    let eight = run(&http, &base, &queries, 8).await;
    server.kill().await.ok();

    println!(
        "100,000 addresses on 2,000 streets; 1,000 queries (street and number, a street's beginning, a typo, a district), 10 results each."
    );
    println!();
    println!("| measure | target | measured | baseline (no addresses, same run) | ratio |");
    println!("|---|---|---|---|---|");
    for (what, target, got, baseline) in [
        (
            "p50, one at a time",
            "",
            one[one.len() / 2],
            base_one[base_one.len() / 2],
        ),
        (
            "p99, one at a time",
            "< 20 ms",
            percentile(&one, 0.99),
            percentile(&base_one, 0.99),
        ),
        (
            "p50, 8 at once",
            "",
            eight[eight.len() / 2],
            base_eight[base_eight.len() / 2],
        ),
        (
            "p99, 8 at once",
            "< 20 ms",
            percentile(&eight, 0.99),
            percentile(&base_eight, 0.99),
        ),
    ] {
        println!(
            "| {what} | {target} | {:.2} ms | {:.2} ms | {:.2} |",
            ms(got),
            ms(baseline),
            ms(got) / ms(baseline)
        );
    }
    println!(
        "| `server places import` of the 100,000 (CSV, 5.4 MB) | | {:.1} s | | |",
        import_time.as_secs_f64()
    );
    println!(
        "| first search after the import (loads the list) | | {:.0} ms | | |",
        ms(first)
    );
}
