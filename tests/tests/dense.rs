//! A very dense point layer (more than `CANVAS_FROM` points) is drawn on one canvas instead of
//! an element per marker: every point is counted in what it draws, Enter on the focused map
//! opens the cluster at its centre, a click on a cluster zooms in, a click on a single point
//! opens that hotspot's popup, and a click beside the markers still reaches the district
//! beneath.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::{MapConfig, api, cluster::CANVAS_FROM};
use serde_json::{Value, json};
use tests::{ALL_AGENCIES, Browser, TestServer};

/// The map container's centre in the page and its bottom, `[x, y, bottom]`.
const MAP_CENTRE: &str = "const r = document.querySelector('.leaflet-container').getBoundingClientRect(); \
    return [r.left + r.width / 2, r.top + r.height / 2, r.bottom];";

/// What the dense canvas says it drew.
const DRAWN: &str = "const c = document.querySelector('canvas.dense-hotspot'); \
    return c && {markers: Number(c.dataset.markers), points: Number(c.dataset.points)};";

#[tokio::test]
async fn a_very_dense_layer_draws_on_a_canvas_and_answers_clicks() {
    let server = TestServer::with_app().await;
    let client = server.client();
    let config: MapConfig = client
        .get(format!("{}{}", server.url, api::CONFIG))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A 41 × 31 grid about 1.5 m apart centred on the map's centre, where the map starts.
    let n = 41 * 31;
    assert!(n > CANVAS_FROM);
    let features: Vec<Value> = (0..n)
        .map(|i| {
            let at = [
                config.center.lng + ((i % 41) as f64 - 20.0) * 0.00002,
                config.center.lat + ((i / 41) as f64 - 15.0) * 0.00001,
            ];
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": at},
                "properties": {"title": format!("Punkt {i}"), "category": "public_disorder",
                    "severity": "high", "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
                    "released_to": ALL_AGENCIES, "review_date": "2099-06-30"}})
        })
        .collect();
    let r = client
        .post(format!("{}/api/import/hotspots", server.url))
        .json(&json!({"type": "FeatureCollection", "features": features}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);

    let browser = Browser::start(1400, 900).await;
    let url = format!("{}/?ebenen=brennpunkte", server.url);
    let drawn_ready = "const c = document.querySelector('canvas.dense-hotspot'); return !!c && c.dataset.points !== undefined;";
    let split = format!(
        "const c = document.querySelector('canvas.dense-hotspot'); return Number(c.dataset.markers) > {};",
        n / 2
    );
    browser.open(&url, drawn_ready).await;
    let drawn = browser.eval(DRAWN, vec![]).await;
    assert_eq!(
        drawn["points"],
        json!(n),
        "every point counted once: {drawn}"
    );
    assert!(
        drawn["markers"].as_u64().unwrap() <= 4,
        "at city zoom the grid is a cluster or few: {drawn}"
    );
    let elements = browser
        .eval(
            "return document.querySelectorAll('path.hotspot, .cluster-hotspot').length;",
            vec![],
        )
        .await;
    assert_eq!(elements, json!(0), "no element per marker");
    browser.save_screenshot("dense").await;

    // Keyboard: Enter on the focused map opens the cluster at its centre.
    browser
        .eval(
            "document.querySelector('.leaflet-container').focus();",
            vec![],
        )
        .await;
    browser.press(fantoccini::key::Key::Enter).await;
    browser
        .wait_until(
            "Enter to split the cluster into single points",
            &split,
            Duration::from_secs(10),
        )
        .await;

    // A click on the cluster at the centre (of a fresh city view) zooms to its points, which
    // then stand alone.
    browser.open(&url, drawn_ready).await;
    assert!(
        browser.eval(DRAWN, vec![]).await["markers"]
            .as_u64()
            .unwrap()
            <= 4
    );
    let centre = browser.eval(MAP_CENTRE, vec![]).await;
    let (x, y) = (centre[0].as_f64().unwrap(), centre[1].as_f64().unwrap());
    browser.click_at(x, y).await;
    browser
        .wait_until(
            "the cluster to split into single points",
            &split,
            Duration::from_secs(10),
        )
        .await;
    let path = browser.eval("return location.pathname;", vec![]).await;
    assert_eq!(path, json!("/"), "the click went to the cluster only");

    // A click on the single point at the centre opens its popup.
    browser.click_at(x, y).await;
    browser
        .wait_until(
            "a hotspot's popup",
            "return document.querySelector('.leaflet-popup-content')?.textContent.includes('Punkt') ?? false;",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        browser.eval("return location.pathname;", vec![]).await,
        json!("/")
    );

    // Beside the markers (below the grid, which is about 60 % of the view's height at this
    // zoom) the district beneath takes the click.
    let bottom = centre[2].as_f64().unwrap();
    browser.click_at(x, bottom - 30.0).await;
    browser
        .wait_until(
            "the district to be selected",
            "return location.pathname.startsWith('/bezirk/');",
            Duration::from_secs(5),
        )
        .await;
}
