//! The map's view lives in the URL: a deep link reproduces layers, filters and the table view,
//! and changing a toggle writes the URL.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use tests::{Browser, TestServer};

const COUNTS: &str = "return {hotspots: document.querySelectorAll('path.hotspot').length, \
    routes: document.querySelectorAll('path.route').length, actions: document.querySelectorAll('path.action').length, \
    rows: document.querySelectorAll('[data-testid=table-hotspots] tbody tr').length, \
    actionRows: document.querySelectorAll('[data-testid=table-actions] tbody tr').length};";

#[tokio::test]
async fn a_deep_link_reproduces_the_view_and_toggles_write_the_url() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1400, 900).await;
    browser
        .open(&format!(
            "{}/?ebenen=brennpunkte&behoerde=kod&tabelle=1",
            server.url
        ), "return document.querySelectorAll('path.hotspot').length > 0 && !!document.querySelector('[data-testid=table-hotspots]');")
        .await;
    // Only the KOD's hotspots (the demo has two), no routes, no actions; the table matches.
    let counts = browser.eval(COUNTS, vec![]).await;
    assert_eq!(
        counts,
        json!({"hotspots": 2, "routes": 0, "actions": 0, "rows": 2, "actionRows": 0}),
        "{counts}"
    );
    let agency = browser
        .eval(
            "return document.querySelector('[data-testid=filter-agency]').value;",
            vec![],
        )
        .await;
    assert_eq!(agency, json!("kod"));

    // Switching the actions layer on is written into the URL.
    browser
        .client
        .find(Locator::Css("[data-testid=toggle-action]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "the URL to name the actions layer",
            "return location.search.includes('massnahmen');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .wait_until(
            "KOD's actions on the map",
            "return document.querySelectorAll('path.action').length > 0;",
            Duration::from_secs(5),
        )
        .await;
    let url = browser
        .eval("return location.pathname + location.search;", vec![])
        .await;
    assert_eq!(
        url,
        json!("/?ebenen=brennpunkte,massnahmen&behoerde=kod&tabelle=1")
    );
}

#[tokio::test]
async fn districts_can_be_coloured_by_this_weeks_actions() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/?faerbung=massnahmen", server.url),
            "return true;",
        )
        .await;
    // The demo plans four actions in Mitte this week (dialogue, gastronomy exchange, operation,
    // inspection) and none in Uentrop: the top class and the bottom class.
    browser
        .wait_until(
            "the class colours",
            "return document.querySelector('path.district-mitte')?.getAttribute('fill') === '#08519c' \
             && document.querySelector('path.district-uentrop')?.getAttribute('fill') === '#eff3ff';",
            Duration::from_secs(20),
        )
        .await;
    let classes = browser.eval("return [...document.querySelectorAll('[data-testid=legend-classes] li')].map(l => l.textContent);", vec![]).await;
    assert_eq!(classes, json!(["0", "1", "2–3", "≥ 4"]));
    browser.save_screenshot("city-coloured").await;
}

#[tokio::test]
async fn district_filter_and_dark_theme_come_from_the_url() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!(
                "{}/?bezirk=heessen&ebenen=massnahmen&thema=dunkel",
                server.url
            ),
            "return document.querySelectorAll('path.district').length === 7;",
        )
        .await;
    // Heessen's only demo action with a place is its citizen dialogue.
    browser
        .wait_until(
            "Heessen's action only",
            "return document.querySelectorAll('path.action').length === 1;",
            Duration::from_secs(5),
        )
        .await;
    let look = browser
        .eval("const l = document.querySelector('.layout'); return [l.dataset.theme, getComputedStyle(l).backgroundColor];", vec![])
        .await;
    assert_eq!(look, json!(["dark", "rgb(17, 20, 23)"]));
    let district = browser
        .eval(
            "return document.querySelector('[data-testid=filter-district]').value;",
            vec![],
        )
        .await;
    assert_eq!(district, json!("heessen"));
}

/// The city map draws hotspots from the compact map answer (`/api/hotspots/map`, filtered by
/// the server as the URL asks), fetches a point's details only when its popup opens, and the
/// whole layer only when a list shows it.
#[tokio::test]
async fn the_city_map_fetches_pins_and_a_points_details_when_its_popup_opens() {
    let server = TestServer::with_app().await;
    let hotspot = |title: &str, agency: &str, at: [f64; 2]| {
        json!({"title": title, "category": "drug_scene", "severity": "high",
            "geometry": {"type": "Point", "coordinates": at},
            "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
            "agency": agency, "review_date": "2099-06-30"})
    };
    let title = "<b>Treffpunkt</b> Westentor";
    let id = server
        .create(
            model::api::HOTSPOTS,
            &hotspot(title, "polizei", [7.8137, 51.68016]),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    server
        .create(
            model::api::HOTSPOTS,
            &hotspot("Südstraße", "kod", [7.81971, 51.67949]),
        )
        .await;

    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/?ebenen=brennpunkte&behoerde=polizei", server.url),
            &format!("return !!document.querySelector('path.hotspot-{id}');"),
        )
        .await;
    assert_eq!(
        browser
            .eval(
                "return document.querySelectorAll('path.hotspot').length;",
                vec![]
            )
            .await,
        json!(1),
        "the server applied the agency filter"
    );
    browser
        .eval(
            &format!("document.querySelector('path.hotspot-{id}').dispatchEvent(new MouseEvent('click', {{bubbles: true}})); return true;"),
            vec![],
        )
        .await;
    browser
        .wait_until(
            "the popup with the fetched details",
            "return document.querySelector('.leaflet-popup-content .popup strong')?.textContent.includes('Westentor') ?? false;",
            Duration::from_secs(5),
        )
        .await;
    let popup = browser
        .eval(
            "const p = document.querySelector('.leaflet-popup-content .popup'); \
             return [p.querySelector('strong').textContent, p.textContent.includes('Drogenszene'), \
             document.querySelectorAll('.leaflet-popup-content b').length];",
            vec![],
        )
        .await;
    assert_eq!(popup, json!([title, true, 0]), "details shown as text");

    let requested = |urls: Vec<String>, path: &str| {
        urls.iter()
            .filter(|u| u.trim_start_matches(&server.url).split('?').next() == Some(path))
            .count()
    };
    let urls = browser.requested_urls(&server.url).await;
    assert!(
        requested(urls.clone(), "/api/hotspots/map") >= 1,
        "{urls:?}"
    );
    assert_eq!(
        requested(urls.clone(), &format!("/api/hotspots/{id}")),
        1,
        "{urls:?}"
    );
    assert_eq!(
        requested(urls.clone(), "/api/hotspots"),
        0,
        "no list needed the whole layer: {urls:?}"
    );

    // The table lists whole hotspots, so it fetches the layer.
    browser
        .open(
            &format!("{}/?ebenen=brennpunkte&behoerde=polizei&tabelle=1", server.url),
            "return document.querySelectorAll('[data-testid=table-hotspots] tbody tr').length === 1;",
        )
        .await;
    let urls = browser.requested_urls(&server.url).await;
    assert!(requested(urls, "/api/hotspots") >= 1);
}
