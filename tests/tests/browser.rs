//! End-to-end: the built app served by the real server, in headless Chromium.
//! Needs `trunk build --release` (script/test does it) and Debian's chromium + chromedriver.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::DistrictKey;
use serde_json::Value;
use tests::{Browser, TestServer};

const MAP_READY: &str = "return document.querySelectorAll('path.district').length === 7 \
     && document.querySelectorAll('[data-testid^=\"district-label-\"]').length === 7;";

async fn open(browser: &Browser, url: &str) {
    browser.open(url, MAP_READY).await;
}

async fn current_path(browser: &Browser) -> String {
    browser
        .eval("return location.pathname;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_map_shows_seven_labelled_districts_and_the_approximate_notice() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &server.url).await;

    let labels = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid^=\"district-label-\"]')]\
             .map(e => e.textContent);",
            vec![],
        )
        .await;
    let labels: Vec<String> = serde_json::from_value(labels).unwrap();
    let expected: Vec<String> = DistrictKey::ALL
        .iter()
        .map(|k| k.short_name().to_owned())
        .collect();
    assert_eq!(labels, expected);

    let notice = browser
        .eval(
            "const n = document.querySelector('[data-testid=approximate-notice]'); \
             return n && n.offsetParent !== null ? n.textContent : null;",
            vec![],
        )
        .await;
    assert!(
        notice
            .as_str()
            .unwrap_or_default()
            .contains("Bezirksgrenzen angenähert"),
        "{notice}"
    );
    let attribution = browser
        .eval(
            "return document.querySelector('.leaflet-control-attribution').textContent;",
            vec![],
        )
        .await;
    assert!(
        attribution
            .as_str()
            .unwrap()
            .contains("GeoBasis-DE / BKG 2020"),
        "{attribution}"
    );
    browser.save_screenshot("city-map").await;
}

#[tokio::test]
async fn clicking_a_district_label_selects_it_and_changes_the_url() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &server.url).await;

    browser
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=district-label-heessen]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "the URL to name Heessen",
            "return location.pathname === '/bezirk/heessen';",
            Duration::from_secs(5),
        )
        .await;
    browser
        .wait_until(
            "Heessen's facts",
            "const f = document.querySelector('[data-testid=district-facts]'); \
             return !!f && f.textContent.includes('Hamm-Heessen') && f.textContent.includes('23.886');",
            Duration::from_secs(5),
        )
        .await;
    let current = browser
        .eval(
            "return document.querySelector('[aria-current=page]').getAttribute('data-testid');",
            vec![],
        )
        .await;
    assert_eq!(current, Value::from("district-item-heessen"));
    browser.save_screenshot("district-heessen").await;
}

#[tokio::test]
async fn clicking_a_district_shape_selects_it() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &server.url).await;
    // Click the shape itself at its reference point, away from the label.
    browser
        .eval(
            "const p = document.querySelector('path.district-rhynern'); \
             const r = p.getBoundingClientRect(); \
             const x = r.left + r.width * 0.5, y = r.top + r.height * 0.8; \
             const target = document.elementFromPoint(x, y); \
             target.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y})); \
             return target.getAttribute('class');",
            vec![],
        )
        .await;
    browser
        .wait_until(
            "the URL to name Rhynern",
            "return location.pathname === '/bezirk/rhynern';",
            Duration::from_secs(5),
        )
        .await;
}

#[tokio::test]
async fn opening_a_district_url_directly_shows_that_district() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &format!("{}/bezirk/bockum-hoevel", server.url)).await;
    browser
        .wait_until(
            "Bockum-Hövel's facts",
            "const f = document.querySelector('[data-testid=district-facts]'); \
             return !!f && f.textContent.includes('Hamm-Bockum-Hövel');",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(current_path(&browser).await, "/bezirk/bockum-hoevel");
    // The map zoomed in to the district: its shape fills much of the map.
    browser
        .wait_until(
            "the map to zoom to the district",
            "const m = document.querySelector('[data-testid=map]').getBoundingClientRect(); \
             const d = document.querySelector('path.district-bockum-hoevel').getBoundingClientRect(); \
             return d.width * d.height > 0.25 * m.width * m.height;",
            Duration::from_secs(5),
        )
        .await;
}

#[tokio::test]
async fn the_district_list_selects_with_the_keyboard() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &server.url).await;
    let link = browser
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=district-item-uentrop]",
        ))
        .await
        .unwrap();
    link.send_keys("\u{E007}").await.unwrap(); // Enter
    browser
        .wait_until(
            "the URL to name Uentrop",
            "return location.pathname === '/bezirk/uentrop';",
            Duration::from_secs(5),
        )
        .await;
}

#[tokio::test]
async fn the_page_requests_nothing_outside_its_own_origin() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &server.url).await;
    // Let anything late (tiles, fonts, icons) start.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let urls = browser.requested_urls(&server.url).await;
    assert!(
        urls.iter().any(|u| u.ends_with("/api/districts")),
        "the network log must see the page's own requests: {urls:?}"
    );
    let foreign: Vec<_> = urls
        .iter()
        .filter(|u| {
            !u.starts_with(&server.url) && !u.starts_with("data:") && !u.starts_with("blob:")
        })
        .collect();
    assert!(
        foreign.is_empty(),
        "requests outside {}: {foreign:?}",
        server.url
    );
}

#[tokio::test]
async fn an_unknown_district_url_says_so() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1280, 800).await;
    open(&browser, &format!("{}/bezirk/altstadt", server.url)).await;
    browser
        .wait_until(
            "the not-found message",
            "return !!document.querySelector('[data-testid=not-found]');",
            Duration::from_secs(5),
        )
        .await;
}
