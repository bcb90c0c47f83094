//! Wall display endurance (issue 6): the wall page in headless Chromium through 2,880
//! refreshes — a day at one every 30 s — each a live change that makes the wall fetch and
//! redraw every layer and tile. Prints the JS heap (after a forced garbage collection) and the
//! DOM node and SVG path counts at the start and at the end, as a Markdown table.
//!
//! Run with `cargo bench -p tests --bench wall_endurance` after `script/build-app`
//! (`script/bench` does both). `WALL_REFRESHES` overrides the count; `WALL_RUNS` (default 3)
//! how many fresh walls run it (the table gives medians, and the largest heap growth).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::time::{Duration, Instant};

use model::{access::Role, api};
use serde_json::{Value, json};
use tests::{ALL_AGENCIES, Browser, TestServer, bench::median, client_for};

const READY: &str = "return document.querySelectorAll('path.district').length === 7 \
    && document.querySelector('[data-testid=tile-actions-week] .tile-value').textContent !== '–';";

/// JS heap after a full collection (MiB), the WebAssembly memory (MiB), DOM elements, SVG
/// paths.
async fn measure(browser: &Browser) -> (f64, f64, u64, u64) {
    let v = browser
        .eval(
            "window.gc(); window.gc(); \
             return [performance.memory.usedJSHeapSize, window.__wasm.memory.buffer.byteLength, \
                     document.getElementsByTagName('*').length, document.querySelectorAll('path').length];",
            vec![],
        )
        .await;
    let mib = |v: &Value| v.as_f64().unwrap() / (1024.0 * 1024.0);
    (
        mib(&v[0]),
        mib(&v[1]),
        v[2].as_u64().unwrap(),
        v[3].as_u64().unwrap(),
    )
}

/// JS heap MiB, WebAssembly memory MiB, DOM elements, SVG paths.
type Sample = (f64, f64, u64, u64);

/// One wall, from a fresh server and browser, through `refreshes`: the sample at the start
/// (after a warm-up) and at the end, and the seconds it took.
async fn one_run(refreshes: usize) -> (Sample, Sample, f64) {
    let server = TestServer::with_app_and_demo().await;
    let kod = client_for(&server.session("kod-plan", Role::Planner, "kod").await);
    let mut hotspot = json!({"title": "Wechselnde Lage", "category": "public_disorder", "severity": "high",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}],
        "agency": "kod", "released_to": ALL_AGENCIES, "review_date": "2099-06-30"});
    let id = server.create(api::HOTSPOTS, &hotspot).await["id"]
        .as_i64()
        .unwrap();
    let browser = Browser::start_with(
        1920,
        1080,
        &["--js-flags=--expose-gc", "--enable-precise-memory-info"],
    )
    .await;
    // Trunk hands the instantiated module to this event: keep it to read its memory.
    browser
        .on_new_document(
            "addEventListener('TrunkApplicationStarted', e => { window.__wasm = e.detail.wasm; });",
        )
        .await;
    browser
        .open(&format!("{}/wand?rotation=30", server.url), READY)
        .await;
    let fill = |colour: &str| {
        format!(
            "return document.querySelector('path.hotspot-{id}')?.getAttribute('fill') === '{colour}';"
        )
    };
    browser
        .wait_until("the hotspot", &fill("#D55E00"), Duration::from_secs(10))
        .await;
    let started = Instant::now();
    let mut start = None;
    let warm_up = 20;
    for n in 1..=refreshes + warm_up {
        if n == warm_up + 1 {
            start = Some(measure(&browser).await);
        }
        let severity = if n % 2 == 1 { "medium" } else { "high" };
        hotspot["severity"] = json!(severity);
        let r = kod
            .put(format!("{}{}/{id}", server.url, api::HOTSPOTS))
            .header("if-match", format!("\"v{n}\""))
            .json(&hotspot)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{:?}", r.json::<Value>().await);
        let colour = if severity == "high" {
            "#D55E00"
        } else {
            "#E69F00"
        };
        browser
            .wait_until(
                &format!("refresh {n}"),
                &fill(colour),
                Duration::from_secs(10),
            )
            .await;
    }
    let end = measure(&browser).await;
    (start.unwrap(), end, started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() {
    let refreshes: usize = std::env::var("WALL_REFRESHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2880);
    let runs: usize = std::env::var("WALL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut samples = Vec::new();
    for _ in 0..runs {
        samples.push(one_run(refreshes).await);
    }
    let med = |f: &dyn Fn(&(Sample, Sample, f64)) -> f64| {
        median(samples.iter().map(f).collect::<Vec<_>>().as_slice())
    };
    println!(
        "| wall endurance (median of {runs} runs) | start | after {refreshes} refreshes | growth |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| JS heap after GC | {:.2} MiB | {:.2} MiB | {:+.2} MiB |",
        med(&|s| s.0.0),
        med(&|s| s.1.0),
        med(&|s| s.1.0 - s.0.0)
    );
    println!(
        "| WebAssembly memory | {:.2} MiB | {:.2} MiB | {:+.2} MiB |",
        med(&|s| s.0.1),
        med(&|s| s.1.1),
        med(&|s| s.1.1 - s.0.1)
    );
    println!(
        "| DOM elements | {:.0} | {:.0} | {:+.0} |",
        med(&|s| s.0.2 as f64),
        med(&|s| s.1.2 as f64),
        med(&|s| s.1.2 as f64 - s.0.2 as f64)
    );
    println!(
        "| SVG paths | {:.0} | {:.0} | {:+.0} |",
        med(&|s| s.0.3 as f64),
        med(&|s| s.1.3 as f64),
        med(&|s| s.1.3 as f64 - s.0.3 as f64)
    );
    let largest = samples
        .iter()
        .map(|s| s.1.0 - s.0.0)
        .fold(f64::MIN, f64::max);
    let seconds = med(&|s| s.2);
    println!(
        "\nLargest heap growth of the {runs} runs: {largest:+.2} MiB. A run of {refreshes} refreshes takes {seconds:.0} s ({:.0} ms each: write, event, refetch of every layer and tile, redraw).",
        seconds * 1000.0 / refreshes as f64
    );
}
