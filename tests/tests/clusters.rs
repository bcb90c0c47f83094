//! Dense points cluster on the map (computed in Rust): the counts add up to every point,
//! Enter on a focused cluster zooms in and splits it, and a few points never cluster.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::{api, cluster::CLUSTER_FROM};
use serde_json::{Value, json};
use tests::{Browser, TestServer};

/// How many points the map shows: singles plus the counts on the clusters.
const TALLY: &str = "return {singles: document.querySelectorAll('path.hotspot').length, \
    clusters: document.querySelectorAll('.cluster-hotspot').length, \
    inClusters: [...document.querySelectorAll('.cluster-hotspot')].reduce((n, c) => n + Number(c.textContent.replace(/\\./g, '')), 0)};";

#[tokio::test]
async fn dense_hotspots_cluster_and_enter_splits_them() {
    let server = TestServer::with_app().await;
    // A 12 × 10 grid of point hotspots, about 70 m apart, in the city centre.
    let n = 120;
    assert!(n > CLUSTER_FROM);
    for i in 0..n {
        let at = [
            7.805 + (i % 12) as f64 * 0.001,
            51.675 + (i / 12) as f64 * 0.0007,
        ];
        server
            .create(
                api::HOTSPOTS,
                &json!({"title": format!("Punkt {i}"), "category": "public_disorder", "severity": "medium",
                    "geometry": {"type": "Point", "coordinates": at},
                    "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
                    "agency": "kod", "review_date": "2027-06-30"}),
            )
            .await;
    }
    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/?ebenen=brennpunkte", server.url),
            "return document.querySelectorAll('.cluster-hotspot').length > 0;",
        )
        .await;
    let tally = browser.eval(TALLY, vec![]).await;
    let total = |t: &Value| t["singles"].as_u64().unwrap() + t["inClusters"].as_u64().unwrap();
    assert_eq!(total(&tally), n as u64, "every point counted once: {tally}");
    let markers_before = tally["singles"].as_u64().unwrap() + tally["clusters"].as_u64().unwrap();
    assert!(
        markers_before < 20,
        "the city view is not a carpet of points: {tally}"
    );
    browser.save_screenshot("clusters").await;

    // A cluster is a focusable marker with a title saying what it holds.
    let title = browser
        .eval(
            "const c = document.querySelector('.cluster-hotspot'); return [c.getAttribute('title'), c.tabIndex];",
            vec![],
        )
        .await;
    assert!(
        title[0].as_str().unwrap().ends_with(" Brennpunkte"),
        "{title}"
    );
    assert_eq!(title[1], json!(0));

    // Enter on the focused biggest cluster (keyboard, no mouse) zooms to its points: more
    // markers, still every point.
    browser
        .eval(
            "const biggest = [...document.querySelectorAll('.cluster-hotspot')]\
               .sort((a, b) => Number(b.textContent) - Number(a.textContent))[0]; biggest.focus(); \
             return document.activeElement === biggest;",
            vec![],
        )
        .await;
    browser.press(fantoccini::key::Key::Enter).await;
    browser
        .wait_until(
            "the cluster to split",
            &format!("const m = document.querySelectorAll('path.hotspot').length + document.querySelectorAll('.cluster-hotspot').length; return m > {markers_before};"),
            Duration::from_secs(5),
        )
        .await;
    // Points outside the view are still drawn (as clusters or singles), so the tally holds.
    let after = browser.eval(TALLY, vec![]).await;
    assert_eq!(total(&after), n as u64, "{after}");
}
