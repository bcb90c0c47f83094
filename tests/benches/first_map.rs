//! First map (issue 6): navigation start until the seven districts are drawn, in headless
//! Chromium against the real server, for the app (`/`) and for a plain hand-written Leaflet page
//! (`tests/benches/pages/first_map.html`) that fetches the same `/api/districts` from the same
//! server. Both are timed by the same script, injected before any of the page's own: a
//! MutationObserver notes `performance.now()` (milliseconds since navigation start) when the
//! seventh `path.district` enters the document.
//!
//! Each page is loaded `FIRST_MAP_RUNS` times (default 9), alternating, once with the browser's
//! cache disabled (a first visit) and once with it (a wall display or a returning user); rows
//! are medians, with the app's ratio to the plain page from the same runs.
//!
//! Run with `cargo bench -p tests --bench first_map` after `script/build-app`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::time::Duration;

use serde_json::json;
use tests::{
    Browser, TestServer,
    bench::{dist_with_pages, median},
};

const TARGET_MS: f64 = 500.0;

/// Notes when the seventh district path is in the document, and when Trunk started the wasm.
const TIMER: &str = "(() => {
  const t = { drawn: null, wasm: null };
  window.__firstMap = t;
  const observer = new MutationObserver(() => {
    if (t.drawn === null && document.querySelectorAll('path.district').length >= 7) {
      t.drawn = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  addEventListener('TrunkApplicationStarted', () => { t.wasm = performance.now(); });
})();";

/// Loads `url` and returns (ms to the districts drawn, ms to the wasm started if any).
async fn load(browser: &Browser, url: &str) -> (f64, Option<f64>) {
    browser.client.goto(url).await.expect("the page opens");
    browser
        .wait_until(
            &format!("the districts on {url}"),
            "return window.__firstMap && window.__firstMap.drawn !== null;",
            Duration::from_secs(20),
        )
        .await;
    let t = browser.eval("return window.__firstMap;", vec![]).await;
    (t["drawn"].as_f64().unwrap(), t["wasm"].as_f64())
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("FIRST_MAP_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let dist = dist_with_pages(&[]);
    let server = TestServer::start(dist.path()).await;
    let browser = Browser::start(1920, 1080).await;
    browser.sign_in_for(&server.url).await;
    browser.on_new_document(TIMER).await;
    browser.cdp("Network.enable", json!({})).await;
    let app = format!("{}/", server.url);
    let plain = format!("{}/bench/first_map.html", server.url);
    // Warm-up: the server's first answers and Chromium's first compile are not measured.
    load(&browser, &app).await;
    load(&browser, &plain).await;

    println!(
        "| first map | cache | median ms | ratio to the plain page | wasm started, median ms |"
    );
    println!("|---|---|---:|---:|---:|");
    let mut verdicts = Vec::new();
    for (cache, disabled) in [("cold (cache off)", true), ("warm (cache on)", false)] {
        browser
            .cdp(
                "Network.setCacheDisabled",
                json!({ "cacheDisabled": disabled }),
            )
            .await;
        let (mut app_ms, mut plain_ms, mut wasm_ms) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let (drawn, wasm) = load(&browser, &app).await;
            app_ms.push(drawn);
            wasm_ms.extend(wasm);
            plain_ms.push(load(&browser, &plain).await.0);
        }
        let (a, p) = (median(&app_ms), median(&plain_ms));
        println!(
            "| the app | {cache} | {a:.0} | {:.2} | {:.0} |",
            a / p,
            median(&wasm_ms)
        );
        println!("| plain Leaflet page | {cache} | {p:.0} | 1.00 | – |");
        verdicts.push(format!(
            "{cache}: ratio {:.2} ({}), {a:.0} ms ({})",
            a / p,
            if a <= p { "met" } else { "missed" },
            if a < TARGET_MS { "met" } else { "missed" }
        ));
    }
    // Where the app's time goes (last warm load): each request from start to end of response.
    load(&browser, &app).await;
    let timeline = browser
        .eval(
            "return performance.getEntriesByType('resource').map(e =>              `${new URL(e.name).pathname} ${Math.round(e.startTime)}–${Math.round(e.responseEnd)}`);",
            vec![],
        )
        .await;
    let timeline: Vec<&str> = timeline
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    println!(
        "\nThe app's requests (warm, ms since navigation start): {}.",
        timeline.join(", ")
    );
    println!(
        "\n{runs} runs per row, alternating app and plain page. Targets: ratio ≤ 1.00 and under \
         {TARGET_MS:.0} ms — {}.",
        verdicts.join("; ")
    );
}
