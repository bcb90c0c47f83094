//! The incidents' week-by-week playback (issue 18): how long one week step takes in the
//! browser, from moving the slider until the week's density is drawn — the URL changed, the
//! density asked for and answered by the server, the cells drawn on the canvas, and the next
//! frame painted. Target: < 50 ms.
//!
//! The server holds `PLAYBACK_INCIDENTS` incidents (default 200,000) spread over Hamm's
//! centre and the last twelve weeks, imported as a partner's CSV. The page steps through the
//! twelve weeks twice: first each week is counted by the server ("first"), then answered from
//! its cache of finished answers ("again"). Chromium runs without its frame-rate limit, so a
//! frame is as long as its work.
//!
//! Run with `cargo bench -p tests --bench incident_playback` after `script/build-app`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::time::Duration;

use serde_json::json;
use tests::{
    Browser, TestServer,
    bench::{incident_csv, median, percentile},
};

/// The page's driver: sets the slider to each index in turn and waits until the density of
/// that week is in the document, then for the frame that paints it.
const DRIVER: &str = r#"
window.__steps = async (indices) => {
  const slider = document.querySelector('[data-testid=playback-week]');
  const density = () => document.querySelector('[data-testid=incident-density]');
  const times = [];
  const parts = [];
  for (const i of indices) {
    const before = density().dataset.window;
    const changed = new Promise((done) => {
      const observer = new MutationObserver(() => {
        if (density() && density().dataset.window !== before) { observer.disconnect(); done(); }
      });
      observer.observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    const start = performance.now();
    slider.value = String(i);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await changed;
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const end = performance.now();
    times.push(end - start);
    // Where the time went: before the density was asked for, its request, after it arrived.
    const asked = performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/density') && e.startTime >= start).pop();
    if (asked) parts.push([asked.startTime - start, asked.responseEnd - asked.startTime, end - asked.responseEnd]);
  }
  performance.clearResourceTimings();
  return { times, parts, cells: Number(density().dataset.cells) };
};
"#;

#[tokio::main]
async fn main() {
    let rows: u64 = std::env::var("PLAYBACK_INCIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let server = TestServer::with_app().await;
    let imported = server.import_incidents(incident_csv(rows, 84, 7)).await;
    assert_eq!(imported["imported"], json!(rows), "{imported}");

    let browser = Browser::start_with(
        1920,
        1080,
        &["--disable-frame-rate-limit", "--disable-gpu-vsync"],
    )
    .await;
    browser
        .open(
            &format!("{}/?ebenen=lagemeldungen", server.url),
            "const d = document.querySelector('[data-testid=incident-density]'); \
             return !!d && d.dataset.window !== '' \
               && !!document.querySelector('[data-testid=playback-week]');",
        )
        .await;
    browser
        .eval(&format!("{DRIVER} return true;"), vec![])
        .await;
    // Weeks 0 … 10 (11 is the current week, which the start window is not): each is counted
    // by the server the first time, answered from its cache the second.
    let weeks: Vec<u64> = (0..11).collect();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let r = tokio::time::timeout(
            Duration::from_secs(300),
            browser.eval("return window.__steps(arguments[0]);", vec![json!(weeks)]),
        )
        .await
        .expect("the playback steps finish");
        let times: Vec<f64> = r["times"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let part = |i: usize| {
            let v: Vec<f64> = r["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p[i].as_f64().unwrap())
                .collect();
            median(&v)
        };
        eprintln!(
            "parts (median ms): before the request {:.1}, request {:.1}, after {:.1}",
            part(0),
            part(1),
            part(2)
        );
        runs.push((
            times,
            r["cells"].as_u64().unwrap_or(0),
            [part(0), part(1), part(2)],
        ));
        // Back to the first week's neighbour so every step of the second pass changes week.
        browser
            .eval("return window.__steps([11]).then(() => true);", vec![])
            .await;
    }
    println!(
        "| playback, one week step ({rows} incidents over 12 weeks, zoom 11 city map) | median | p95 | max | target | cells drawn | before the request · request · after (medians) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---|");
    for ((times, cells, parts), name) in
        runs.iter().zip(["first (server counts)", "again (cached)"])
    {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | < 50 ms | {cells} | {:.1} · {:.1} · {:.1} ms |",
            median(times),
            percentile(times, 95.0),
            times.iter().copied().fold(0.0, f64::max),
            parts[0],
            parts[1],
            parts[2]
        );
    }
}
