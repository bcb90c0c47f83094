//! Early detection in the browser: a police import with a planted cluster in Heessen (in a
//! cell without incidents before: the cluster is most of the city's week in its hours, so next
//! to the background's own cell the permutation expectation would rise with it) gives
//! the wall an "Auffälligkeiten" tile of 1, the cell outlined and Heessen first in the
//! rotation, and the officer's phone lists it on Heessen's page; in planning, "Als Brennpunkt
//! anlegen" opens the hotspot form filled from the alert, and saving it stores the hotspot and
//! acknowledges the alert.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::api;
use serde_json::{Value, json};
use server::sample_data::{HEESSEN_EAST, background, cluster};
use tests::{Browser, TestServer};

async fn planted(server: &TestServer) {
    for csv in [background("B"), cluster("K", "Lärm", HEESSEN_EAST, 15)] {
        let outcome = server.import_incidents(csv).await;
        assert!(
            outcome["imported"].as_u64().is_some_and(|n| n > 0),
            "{outcome}"
        );
    }
}

#[tokio::test]
async fn the_wall_counts_and_outlines_the_alert_and_shows_its_district_first() {
    let server = TestServer::with_app().await;
    planted(&server).await;
    let wall = Browser::start(1920, 1080).await;
    // Every change of the title, from the first document on.
    wall.on_new_document(
        "window.__titles = []; new MutationObserver(() => { \
           const t = document.querySelector('[data-testid=wall-title]'); \
           if (t && window.__titles[window.__titles.length - 1] !== t.textContent) \
             window.__titles.push(t.textContent); \
         }).observe(document, {subtree: true, childList: true, characterData: true});",
    )
    .await;
    wall.open(
        &format!("{}/wand?rotation=8", server.url),
        "return document.querySelectorAll('path.district').length === 7;",
    )
    .await;
    wall.wait_until(
        "the alerts' tile at 1 and one outlined area",
        "return document.querySelector('[data-testid=tile-alerts] .tile-value').textContent === '1' \
         && document.querySelectorAll('path.alert-outline').length === 1;",
        Duration::from_secs(10),
    )
    .await;
    // The city first, then the alerted district before Mitte.
    wall.wait_until(
        "the first step of the rotation",
        "return window.__titles.length >= 2;",
        Duration::from_secs(12),
    )
    .await;
    let titles = wall
        .eval("return window.__titles.slice(0, 2);", vec![])
        .await;
    assert_eq!(titles, json!(["Ganze Stadt", "Hamm-Heessen"]));
}

#[tokio::test]
async fn an_alert_becomes_a_hotspot_from_the_planning_screen() {
    let server = TestServer::with_app().await;
    planted(&server).await;
    let browser = Browser::start(1600, 1000).await;
    browser
        .open(
            &format!("{}/planung", server.url),
            "return document.querySelectorAll('[data-testid=alert]').length === 1;",
        )
        .await;
    let what = browser.text("[data-testid=alert] .what").await;
    assert_eq!(what, "Gewalt und Ordnungsstörungen – 500-m-Feld (Heessen)");

    browser.click("[data-testid=alert-to-hotspot]").await;
    browser
        .wait_until(
            "the hotspot form filled from the alert",
            "const t = document.querySelector('[data-testid=input-title] input, input[data-testid=input-title]'); \
             return !!t && t.value === 'Auffälligkeit: Gewalt und Ordnungsstörungen';",
            Duration::from_secs(5),
        )
        .await;
    let yesterday = model::schedule::local(jiff::Timestamp::now())
        .date()
        .yesterday()
        .unwrap();
    let day = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
        [yesterday.weekday().to_monday_zero_offset() as usize];
    let fields = browser
        .eval(
            "const v = id => { const e = document.querySelector(`[data-testid=input-${id}] input, input[data-testid=input-${id}], select[data-testid=input-${id}]`); return e && e.value; }; \
             return [v('hours'), v('category')];",
            vec![],
        )
        .await;
    assert_eq!(
        fields,
        json!([format!("{day} 18:00–00:00"), "public_disorder"])
    );

    browser.click("[data-testid=save-hotspot]").await;
    browser
        .wait_until(
            "the alert acknowledged as made a hotspot",
            "const a = document.querySelector('[data-testid=alert-acknowledged]'); \
             return !!a && a.textContent === 'als Brennpunkt angelegt';",
            Duration::from_secs(5),
        )
        .await;
    let hotspots: Value = server
        .client()
        .get(format!("{}{}", server.url, api::HOTSPOTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let made: Vec<(String, String, String)> = hotspots["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["title"].as_str().unwrap_or_default().to_owned(),
                p["district"].as_str().unwrap_or_default().to_owned(),
                f["geometry"]["type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        made,
        [(
            "Auffälligkeit: Gewalt und Ordnungsstörungen".to_owned(),
            "heessen".to_owned(),
            "Polygon".to_owned()
        )]
    );
}
