//! Many points (issue 6): 10,000 and 100,000 point hotspots — how long until the clustered map
//! is drawn (navigation start until the first cluster is in the document, or the canvas of a
//! very dense layer has drawn its markers), and the frame times
//! while the map is zoomed with the wheel and dragged by script — for the app (`/` with the
//! hotspot layer) and for two hand-written pages on the same `/api/hotspots` of the same
//! server: `leaflet.markercluster` (npm) and `supercluster` (npm) with canvas circle markers
//! (`tests/benches/pages/many_*`).
//!
//! Chromium runs with `--disable-frame-rate-limit --disable-gpu-vsync`, so a frame takes as
//! long as its work does rather than a 60 Hz tick: the frame time is the gap between two
//! `requestAnimationFrame` callbacks. Each row is the median of `MANY_POINTS_RUNS` loads
//! (default 3), pages alternating, each load from a blank page (see [`measure`]); the ratios
//! say how many times faster the app is.
//!
//! Run with `cargo bench -p tests --bench many_points` after `script/build-app`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::time::Duration;

use serde_json::{Value, json};
use tests::{
    ALL_AGENCIES, Browser, TestServer,
    bench::{dist_with_pages, median, percentile},
};

/// The app marks its first cluster (the baseline pages call `drawn()` themselves), and every
/// page gets the same driver: wheel zooms and drags on the map, frame gaps recorded meanwhile.
const INSTRUMENT: &str = r#"(() => {
  // `#leer`: the app before any hotspot exists, drawn once its districts are.
  const ready = location.hash === '#leer'
    ? () => document.querySelectorAll('path.district').length >= 7
    // DOM clusters, or a very dense layer's canvas once it has drawn its markers.
    : () => document.querySelector('.cluster-hotspot, canvas.dense-hotspot[data-markers]');
  const observer = new MutationObserver(() => {
    if (window.__drawn === undefined && ready()) {
      window.__drawn = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-markers'] });
  window.__drive = async function () {
    const map = document.querySelector('.leaflet-container');
    const r = map.getBoundingClientRect();
    const [cx, cy] = [r.left + r.width / 2, r.top + r.height / 2];
    const wait = (ms) => new Promise((done) => setTimeout(done, ms));
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    const gaps = [];
    let running = true;
    (async () => {
      let last = await frame();
      while (running) {
        const now = await frame();
        gaps.push(now - last);
        last = now;
      }
    })();
    const mouse = (type, x, y) => map.dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, view: window, clientX: x, clientY: y,
      button: 0, buttons: type === 'mouseup' ? 0 : 1 }));
    for (let round = 0; round < 2; round++) {
      for (const deltaY of [-120, -120, 120, 120]) {
        map.dispatchEvent(new WheelEvent('wheel', {
          bubbles: true, cancelable: true, clientX: cx, clientY: cy, deltaY, deltaMode: 0 }));
        await wait(500);
      }
      for (const dx of [300, -300]) {
        mouse('mousedown', cx, cy);
        for (let step = 1; step <= 30; step++) {
          mouse('mousemove', cx + (dx * step) / 30, cy + (dx * step) / 60);
          await frame();
        }
        mouse('mouseup', cx + dx, cy + dx / 2);
        await wait(400);
      }
    }
    running = false;
    return gaps;
  };
})();"#;

/// Whether `p` lies inside `ring` (even-odd rule).
fn inside(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut odd = false;
    for (a, b) in ring.iter().zip(ring.iter().cycle().skip(1)) {
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
        {
            odd = !odd;
        }
    }
    odd
}

/// The outer ring of the city outline the server answers (`/api/outline`).
async fn outline(server: &TestServer) -> Vec<[f64; 2]> {
    let feature: Value = server
        .client()
        .get(format!("{}/api/outline", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ring = &feature["geometry"]["coordinates"][0];
    ring.as_array()
        .expect("the outline is a polygon")
        .iter()
        .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
        .collect()
}

/// Point hotspots `first..first + n`, spread evenly at random (a fixed sequence) over the city.
fn hotspots(city: &[[f64; 2]], first: usize, n: usize) -> Value {
    let (west, east) = city
        .iter()
        .fold((f64::MAX, f64::MIN), |(w, e), p| (w.min(p[0]), e.max(p[0])));
    let (south, north) = city
        .iter()
        .fold((f64::MAX, f64::MIN), |(s, n), p| (s.min(p[1]), n.max(p[1])));
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15 ^ first as u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let features: Vec<Value> = (first..first + n)
        .map(|i| {
            let at = loop {
                let p = [west + next() * (east - west), south + next() * (north - south)];
                if inside(city, p) {
                    break p;
                }
            };
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": at},
                "properties": {"title": format!("Punkt {i}"), "category": "public_disorder",
                    "severity": "medium", "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
                    "agency": "kod", "released_to": ALL_AGENCIES, "review_date": "2099-06-30"}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// Features per import request (the server takes at most 5,000).
const IMPORT_PART: usize = 5_000;

/// Imports `n` more hotspots, in parts the import allows.
async fn add_hotspots(server: &TestServer, from: usize, n: usize) {
    let client = server.client();
    let city = outline(server).await;
    for start in (from..from + n).step_by(IMPORT_PART) {
        let count = IMPORT_PART.min(from + n - start);
        let r = client
            .post(format!("{}/api/import/hotspots", server.url))
            .json(&hotspots(&city, start, count))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
    }
}

/// One load of `url`: ms until drawn, the frame gaps while driving the map, and the number of
/// elements in the map's panes afterwards.
///
/// Each load starts from a blank page a second after the previous page was left: a page that
/// holds 100,000 markers or features is torn down (its heap collected) on the renderer's main
/// thread, and navigating straight from it to the next page charged that to the next page's
/// time (its document parsed 150–250 ms later than after a blank page).
async fn measure(browser: &Browser, url: &str) -> (f64, Vec<f64>, f64) {
    browser
        .client
        .goto("about:blank")
        .await
        .expect("a blank page opens");
    tokio::time::sleep(Duration::from_secs(1)).await;
    browser.client.goto(url).await.expect("the page opens");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while browser
        .eval("return window.__drawn === undefined;", vec![])
        .await
        == json!(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{url} drew no clusters within 60 s; its console: {:?}",
            browser.console().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drawn = browser.eval("return window.__drawn;", vec![]).await;
    // Let the page settle (the app fetches its other layers) before driving it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let gaps = browser.eval("return window.__drive();", vec![]).await;
    let gaps = gaps
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let elements = browser
        .eval(
            "return document.querySelectorAll('.leaflet-pane *').length;",
            vec![],
        )
        .await;
    (drawn.as_f64().unwrap(), gaps, elements.as_f64().unwrap())
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("MANY_POINTS_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dist = dist_with_pages(&[
        ("leaflet.markercluster", "dist/leaflet.markercluster.js"),
        ("leaflet.markercluster", "dist/MarkerCluster.css"),
        ("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
        ("supercluster", "dist/supercluster.min.js"),
    ]);
    let server = TestServer::start(dist.path()).await;
    let browser = Browser::start_with(
        1920,
        1080,
        &["--disable-frame-rate-limit", "--disable-gpu-vsync"],
    )
    .await;
    browser.sign_in_for(&server.url).await;
    browser.on_new_document(INSTRUMENT).await;
    let pages = [
        ("the app", format!("{}/?ebenen=brennpunkte", server.url)),
        (
            "leaflet.markercluster",
            format!("{}/bench/many_markercluster.html", server.url),
        ),
        (
            "supercluster + canvas",
            format!("{}/bench/many_supercluster.html", server.url),
        ),
    ];
    println!(
        "| points | page | drawn, median ms | app faster by | frame p95 ms | frame max ms | frames | map elements |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    // The floor: the app's map with no hotspots (districts, outline, controls) under the
    // same drive, so the rows below show what the points add.
    let mut floor = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (_, g, e) = measure(&browser, &format!("{}#leer", pages[0].1)).await;
        floor.0.extend(g);
        floor.2.push(e);
    }
    floor.1 = floor.0.clone();
    println!(
        "| 0 | the app (its map without hotspots) | – | – | {:.1} | {:.1} | {} | {:.0} |",
        percentile(&floor.0, 95.0),
        percentile(&floor.1, 100.0),
        floor.0.len(),
        median(&floor.2),
    );
    let mut have = 0;
    let mut verdicts = Vec::new();
    for points in [10_000, 100_000] {
        add_hotspots(&server, have, points - have).await;
        have = points;
        let mut drawn = vec![Vec::new(); pages.len()];
        let mut gaps = vec![Vec::new(); pages.len()];
        let mut elements = vec![Vec::new(); pages.len()];
        for _ in 0..runs {
            for (i, (_, url)) in pages.iter().enumerate() {
                let (d, g, e) = measure(&browser, url).await;
                drawn[i].push(d);
                gaps[i].extend(g);
                elements[i].push(e);
            }
        }
        let app = median(&drawn[0]);
        for (i, (name, _)) in pages.iter().enumerate() {
            let d = median(&drawn[i]);
            let faster = if i == 0 {
                "–".to_owned()
            } else {
                format!("{:.2}×", d / app)
            };
            println!(
                "| {points} | {name} | {d:.0} | {faster} | {:.1} | {:.1} | {} | {:.0} |",
                percentile(&gaps[i], 95.0),
                percentile(&gaps[i], 100.0),
                gaps[i].len(),
                median(&elements[i]),
            );
        }
        if points == 100_000 {
            let p95 = percentile(&gaps[0], 95.0);
            let verdict = |met: bool| if met { "met" } else { "missed" };
            verdicts.push(format!(
                "drawn within 1 s: {app:.0} ms ({}); frame p95 under 16.7 ms: {p95:.1} ms ({}); \
                 ≥ 10× markercluster: {:.2}× ({}); ≥ 1.2× supercluster: {:.2}× ({})",
                verdict(app < 1000.0),
                verdict(p95 < 16.7),
                median(&drawn[1]) / app,
                verdict(median(&drawn[1]) / app >= 10.0),
                median(&drawn[2]) / app,
                verdict(median(&drawn[2]) / app >= 1.2),
            ));
        }
    }
    println!(
        "\n{runs} loads per page and size, pages alternating, each from a blank page; frame \
         times over every load's drive (2 × four wheel zooms and two drags). Targets at \
         100,000 points — {}.",
        verdicts.join("; ")
    );
}
