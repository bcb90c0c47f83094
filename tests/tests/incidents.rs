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

/// A German local time `hours` ago, as spreadsheets write it.
fn german_time_ago(hours: i64) -> String {
    let t =
        model::schedule::local(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours));
    format!(
        "{:02}.{:02}.{} {:02}:{:02}",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// A planner's city map: a CSV in EPSG:25832 imported into Heessen shows in the incidents'
/// table under Heessen, colours Heessen by incidents per 1,000 residents, the week-by-week
/// playback shows an earlier week's report instead, and zoomed in far the map draws single
/// incidents.
#[tokio::test]
async fn imported_incidents_show_in_the_table_the_district_colour_the_playback_and_as_points() {
    let server = TestServer::with_app().await;
    // Heessen (7.8543, 51.7109) in EPSG:25832 (PROJ reference values, as in the server's
    // tests): 30 damaged cars two hours ago, and 4 noise reports three weeks ago.
    let csv = format!(
        "Vorgang;Kategorie;Zeit;Anzahl;Rechtswert;Hochwert\n\
         B-1;Sachbeschädigung;{};30;420842,64;5729505,70\n\
         B-2;Lärm;{};4;420842,64;5729505,70\n",
        german_time_ago(2),
        german_time_ago(21 * 24)
    );
    let imported = server.import_incidents(csv).await;
    assert_eq!(imported, json!({"rows": 2, "imported": 2, "skipped": 0}));

    let browser = Browser::start(1280, 900).await;
    let rows = "[...document.querySelectorAll('[data-testid=table-incidents] tbody tr')] \
                .map(r => [...r.cells].slice(1).map(c => c.textContent))";
    browser
        .open(
            &format!("{}/?tabelle=1&faerbung=lagemeldungen", server.url),
            "return !!document.querySelector('[data-testid=table-incidents]');",
        )
        .await;
    browser
        .wait_until(
            "the incidents' table",
            &format!("return JSON.stringify({rows}) === JSON.stringify([['Sachbeschädigung/Graffiti', '30', 'Heessen', 'polizei']]);"),
            Duration::from_secs(10),
        )
        .await;
    // 30 per about 24,000 residents: 1.2 per 1,000, the third class ("0,5 – < 2").
    browser
        .wait_until(
            "Heessen coloured by its rate",
            "const p = document.querySelector('path.district-heessen'); \
             return !!p && p.getAttribute('fill') === '#4292c6';",
            Duration::from_secs(10),
        )
        .await;
    let legend = browser.text("[data-testid=legend-classes]").await;
    assert_eq!(legend, "0< 0,50,5 – < 2≥ 2");
    let mitte = browser
        .eval(
            "return document.querySelector('path.district-mitte').getAttribute('fill');",
            vec![],
        )
        .await;
    assert_eq!(mitte, json!("#eff3ff"));

    // The playback: the calendar week of the report three weeks back, chosen on the slider.
    let weeks = model::density::playback_weeks(jiff::Timestamp::now());
    let back = model::schedule::monday_of(
        jiff::Timestamp::now() - jiff::SignedDuration::from_hours(21 * 24),
    );
    let index = weeks.iter().position(|w| *w == back).unwrap();
    let (from, _) = model::density::week_window(back);
    browser
        .set_value("[data-testid=playback-week]", &index.to_string())
        .await;
    browser
        .wait_until(
            "the played week drawn with its report",
            &format!(
                "const d = document.querySelector('[data-testid=incident-density]'); \
                 return !!d && d.dataset.window === '{from}' && d.dataset.total === '4' \
                   && JSON.stringify({rows}) === JSON.stringify([['Lärm', '4', 'Heessen', 'polizei']]);"
            ),
            Duration::from_secs(10),
        )
        .await;
    let label = browser.text("[data-testid=playback-label]").await;
    assert!(
        label.starts_with(&format!("KW {} · ", back.iso_week_date().week())),
        "{label}"
    );
    assert!(
        browser
            .eval("return location.search;", vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .contains(&format!("meldewoche={back}")),
    );
    browser.click("[data-testid=playback-live]").await;

    // Not zoomed in: no single points. Zoomed in far (wheel over the map): the points.
    let points = "document.querySelector('[data-testid=incident-points]').dataset.points";
    assert_eq!(
        browser.eval(&format!("return {points};"), vec![]).await,
        json!("0")
    );
    for _ in 0..6 {
        browser
            .eval(
                "const m = document.querySelector('.leaflet-container'); const r = m.getBoundingClientRect(); \
                 m.dispatchEvent(new WheelEvent('wheel', {bubbles: true, cancelable: true, \
                   clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: -120, deltaMode: 0})); \
                 return true;",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    browser
        .wait_until(
            "single incidents drawn when zoomed in",
            &format!("return {points} === '1';"),
            Duration::from_secs(10),
        )
        .await;
    // Nothing went wrong on the way: no refused density, no script error.
    let console = browser.console().await;
    assert!(
        !console
            .iter()
            .any(|l| l.contains("status of 4") || l.contains("Uncaught") || l.contains("panicked")),
        "{console:?}"
    );
    browser.save_screenshot("incident-points").await;
}
