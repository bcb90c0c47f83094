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

use std::time::Duration;

use serde_json::{Value, json};
use tests::{
    Browser, TestServer,
    bench::{dist_with_pages, incident_csv, median},
};

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
    let imported = server.import_incidents(incident_csv(rows, 730, 11)).await;
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
