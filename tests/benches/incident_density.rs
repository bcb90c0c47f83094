//! Incident density against d3-hexbin (issue 18): the whole city's incidents of 28 days out of
//! `DENSITY_INCIDENTS` (default 1,000,000 over two years), counted per cell — by the server
//! (`/api/incidents/density`, what the app asks for) and by a plain JavaScript page that
//! fetches the same incidents as the layer's GeoJSON and bins them with `d3-hexbin` (npm)
//! into hexagons as wide as the server's cells (`tests/benches/pages/incident_hexbin.*`).
//! Both run in the same Chromium on the same server; each row is the median of
//! `DENSITY_RUNS` (default 5) requests with a new window each (so nothing is answered from a
//! cache of finished answers), alternating. Zoom 13: cells of about 600 m.
//!
//! Run with `cargo bench -p tests --bench incident_density` after `script/build-app`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::{fmt::Write as _, time::Duration};

use model::api;
use serde_json::{Value, json};
use tests::{
    Browser, TestServer,
    bench::{dist_with_pages, median},
};

fn csv(rows: u64) -> String {
    let mut seed: u64 = 11;
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
            now - jiff::SignedDuration::from_mins(next(730 * 24 * 60) as i64),
        );
        // The city's inner 10 km × 8 km in EPSG:25832 (as in the server's import benchmark).
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

#[tokio::main]
async fn main() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rows = env("DENSITY_INCIDENTS", 1_000_000);
    let runs = env("DENSITY_RUNS", 5);
    let dist = dist_with_pages(&[("d3-hexbin", "build/d3-hexbin.min.js")]);
    let server = TestServer::start(dist.path()).await;
    let imported: Value = server
        .client()
        .post(format!("{}{}", server.url, api::INCIDENT_IMPORT))
        .header("content-type", "text/csv")
        .body(csv(rows))
        .timeout(Duration::from_secs(900))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imported["imported"], json!(rows), "{imported}");

    let browser = Browser::start(1280, 800).await;
    browser
        .open(
            &format!("{}/bench/incident_hexbin.html", server.url),
            "return typeof window.__hexbin === 'function' && !!window.d3;",
        )
        .await;
    let window = |k: u64| {
        let to = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(k as i64 + 1);
        let from = to - jiff::SignedDuration::from_hours(28 * 24);
        (from.to_string(), to.to_string())
    };
    let call = |f: &'static str, k: u64| {
        let (from, to) = window(k);
        let browser = &browser;
        async move {
            tokio::time::timeout(
                Duration::from_secs(300),
                browser.eval(
                    &format!("return window.{f}(arguments[0], arguments[1], 13);"),
                    vec![json!(from), json!(to)],
                ),
            )
            .await
            .expect("an answer")
        }
    };
    // Warm-up: the first request after the import reads the layer.
    call("__density", 1000).await;
    call("__hexbin", 1001).await;
    let (mut server_side, mut page) = (Vec::new(), Vec::new());
    for k in 0..runs {
        server_side.push(call("__density", 2 * k).await);
        page.push(call("__hexbin", 2 * k + 1).await);
    }
    let med = |rows: &[Value], key: &str| {
        median(
            &rows
                .iter()
                .map(|r| r[key].as_f64().unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        )
    };
    let total = server_side[0]["total"].as_u64().unwrap_or(0);
    println!(
        "| whole city, 28 days of {rows} incidents ({total} counted), zoom 13, median of {runs} | until the counts are there | bytes sent | cells or hexagons | app faster by |"
    );
    println!("|---|---:|---:|---:|---:|");
    let app_ms = med(&server_side, "ms");
    println!(
        "| the app: `/api/incidents/density` (target < 100 ms, < 200 KB) | {app_ms:.1} ms | {:.1} KB | {:.0} | – |",
        med(&server_side, "bytes") / 1000.0,
        med(&server_side, "bins")
    );
    let page_ms = med(&page, "ms");
    println!(
        "| plain page: the incidents' GeoJSON + `d3-hexbin` (fetch {:.0} ms, binning {:.0} ms) | {page_ms:.1} ms | {:.1} KB | {:.0} | {:.1}× |",
        med(&page, "fetch_ms"),
        med(&page, "bin_ms"),
        med(&page, "bytes") / 1000.0,
        med(&page, "bins"),
        page_ms / app_ms
    );
}
