//! Incident reports in the browser: a district officer of the police reports one from a
//! 360×740 phone in three taps, with the device's position mocked; the police's paired wall
//! display shows it as a cell within 2 seconds, its count withheld ("< 5"), and that display
//! cannot read single incidents.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::{access::Role, api};
use serde_json::{Value, json};
use tests::{Browser, TEST_PASSWORD, TestServer};

/// Hamm Hbf, where the phone says it is.
const STATION: (f64, f64) = (51.6784, 7.8077);

#[tokio::test]
async fn an_officer_reports_from_a_phone_and_the_wall_shows_it() {
    let server = TestServer::with_app().await;
    server.session("pol-lage", Role::Officer, "polizei").await;

    // The police's wall display, paired with a code.
    let code: Value = server
        .client()
        .post(format!("{}{}", server.url, api::DISPLAYS))
        .json(&json!({"login": "leitstelle-wand-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wall = Browser::start(1920, 1080).await;
    wall.client
        .goto(&format!("{}/wand?fenster=24h", server.url))
        .await
        .unwrap();
    wall.wait_until(
        "the pairing screen",
        "return !!document.querySelector('[data-testid=pair-display]');",
        Duration::from_secs(10),
    )
    .await;
    wall.set_value("[data-testid=input-code]", code["code"].as_str().unwrap())
        .await;
    wall.click("[data-testid=pair-button]").await;
    let cells = "document.querySelector('[data-testid=incident-density]')";
    wall.wait_until(
        "the wall's empty incident layer",
        &format!("const d = {cells}; return !!d && d.dataset.cells === '0';"),
        Duration::from_secs(15),
    )
    .await;

    // The phone: signed in as the officer, its position mocked.
    let phone = Browser::start(360, 740).await;
    phone
        .on_new_document(&format!(
            "navigator.geolocation.getCurrentPosition = (ok) => setTimeout(() => ok({{ \
               coords: {{ latitude: {}, longitude: {}, accuracy: 8 }}, timestamp: Date.now() }}), 10);",
            STATION.0, STATION.1
        ))
        .await;
    phone
        .client
        .goto(&format!("{}/api/health", server.url))
        .await
        .unwrap();
    let status = phone
        .eval(
            "return fetch('/api/session', {method: 'POST', headers: {'Content-Type': 'application/json'}, \
             body: JSON.stringify({login: 'pol-lage', password: arguments[0]})}).then(r => r.status);",
            vec![json!(TEST_PASSWORD)],
        )
        .await;
    assert_eq!(status, json!(200));
    phone
        .client
        .goto(&format!("{}/bezirk/mitte", server.url))
        .await
        .unwrap();
    phone
        .wait_until(
            "the report form",
            "return !!document.querySelector('[data-testid=report-noise]');",
            Duration::from_secs(20),
        )
        .await;
    // Three taps: what, where, send.
    phone.click("[data-testid=report-noise]").await;
    phone.click("[data-testid=report-locate]").await;
    phone
        .wait_until(
            "the mocked position taken",
            "return document.querySelector('[data-testid=report-place]').textContent.includes('51.67840, 7.80770');",
            Duration::from_secs(5),
        )
        .await;
    let layout = phone
        .eval(
            "const small = [...document.querySelectorAll('.incident-report button')] \
               .filter(e => e.getBoundingClientRect().height < 44).map(e => e.textContent); \
             return {scroll: document.documentElement.scrollWidth, small};",
            vec![],
        )
        .await;
    assert!(layout["scroll"].as_i64().unwrap() <= 360, "{layout}");
    assert_eq!(layout["small"], json!([]), "{layout}");
    phone.click("[data-testid=report-send]").await;
    phone
        .wait_until(
            "the report accepted",
            "return document.querySelector('[data-testid=report-status]').textContent === 'Gemeldet';",
            Duration::from_secs(5),
        )
        .await;
    phone.save_screenshot("incident-report-phone").await;

    // On the wall within 2 seconds: one cell, its count withheld.
    wall.wait_until(
        "the reported incident on the wall",
        &format!("const d = {cells}; return d.dataset.cells === '1' && d.dataset.total === '< 5';"),
        Duration::from_secs(2),
    )
    .await;
    wall.save_screenshot("incident-wall").await;
    // The display reads counts only: single incidents are refused.
    let refused = wall
        .eval(
            "return Promise.all([fetch('/api/incidents'), fetch('/api/export/incidents.geojson')]) \
               .then(rs => rs.map(r => r.status));",
            vec![],
        )
        .await;
    assert_eq!(refused, json!([403, 403]));
    // The officer's own agency's planner sees the single report where the phone was.
    let layer: Value = server
        .client()
        .get(format!("{}{}", server.url, api::INCIDENTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let f = &layer["features"][0];
    assert_eq!(
        (
            &f["properties"]["category"],
            &f["properties"]["district"],
            &f["geometry"]["coordinates"]
        ),
        (
            &json!("noise"),
            &json!("mitte"),
            &json!([STATION.1, STATION.0])
        )
    );
}
