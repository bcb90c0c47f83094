//! The planning screen (`/planung`) in headless Chromium: creating an action through the
//! form, a validation message next to its field, a conflict shown in the timeline, and a
//! stale edit refused with the offer to load the other version.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use fantoccini::Locator;
use model::api;
use serde_json::{Value, json};
use tests::{Browser, TestServer};

const READY: &str = "return !!document.querySelector('[data-testid=action-form]') \
    && document.querySelectorAll('[data-testid=input-lead_agency] option').length >= 8;";

async fn fill(browser: &Browser, field: &str, value: &str) {
    browser
        .set_value(&format!("[data-testid=input-{field}]"), value)
        .await;
}

async fn save(browser: &Browser) {
    browser.click("[data-testid=save]").await;
}

#[tokio::test]
async fn a_planner_creates_an_action_sees_validation_and_a_conflict() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1600, 1000).await;
    browser
        .open(&format!("{}/planung", server.url), READY)
        .await;

    // End before start: the message stands next to the "end" field, and nothing is stored.
    fill(&browser, "title", "Schwerpunkteinsatz Westentor").await;
    fill(&browser, "start", "2026-12-04T19:00").await;
    fill(&browser, "end", "2026-12-04T18:00").await;
    fill(&browser, "district", "mitte").await;
    save(&browser).await;
    browser
        .wait_until(
            "the end-time message",
            "return !!document.querySelector('[data-testid=error-end]');",
            Duration::from_secs(5),
        )
        .await;
    let msg = browser
        .eval(
            "return document.querySelector('[data-testid=error-end]').textContent;",
            vec![],
        )
        .await;
    assert!(msg.as_str().unwrap().contains("after start"), "{msg}");
    let stored: Value = server
        .client()
        .get(format!("{}{}", server.url, api::ACTIONS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["features"].as_array().unwrap().len(), 0);

    // Corrected, it is saved and appears in the timeline.
    fill(&browser, "end", "2026-12-04T23:00").await;
    save(&browser).await;
    browser
        .wait_until(
            "the action in the timeline",
            "return document.querySelectorAll('.timeline-item').length === 1;",
            Duration::from_secs(5),
        )
        .await;
    let stored: Value = server
        .client()
        .get(format!("{}{}", server.url, api::ACTIONS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let props = &stored["features"][0]["properties"];
    assert_eq!(props["title"], "Schwerpunkteinsatz Westentor");
    assert_eq!(props["start"], "2026-12-04T18:00:00Z", "19:00 in Hamm");

    // Someone else plans an overlapping operation in Mitte: both show the conflict.
    let other = json!({"title": "Kontrolle Gastronomie", "kind": "inspection", "start": "2026-12-04T21:00:00+01:00",
        "end": "2026-12-05T01:00:00+01:00", "place": {"type": "Point", "coordinates": [7.81971, 51.67949]},
        "lead_agency": "hza", "status": "planned"});
    server.create(api::ACTIONS, &other).await;
    browser
        .wait_until(
            "the conflict",
            "return document.querySelectorAll('.conflict-badge').length === 2;",
            Duration::from_secs(3),
        )
        .await;
    browser.save_screenshot("planning-conflict").await;
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_the_offer_to_load_the_other_version() {
    let server = TestServer::with_app().await;
    let client = server.client();
    let action = json!({"title": "Bürgerdialog Pelkum", "kind": "citizen_dialogue", "start": "2026-12-09T18:00:00+01:00",
        "end": "2026-12-09T20:00:00+01:00", "district": "pelkum", "lead_agency": "polizei", "status": "planned"});
    let created: Value = client
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();

    let browser = Browser::start(1600, 1000).await;
    browser
        .open(&format!("{}/planung", server.url), READY)
        .await;
    browser
        .wait_until(
            "the timeline",
            &format!("return !!document.querySelector('[data-testid=timeline-{id}]');"),
            Duration::from_secs(5),
        )
        .await;
    browser
        .client
        .find(Locator::Css(&format!("[data-testid=timeline-{id}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_until("the form to load the action", "return document.querySelector('[data-testid=input-title]').value === 'Bürgerdialog Pelkum';", Duration::from_secs(5)).await;

    // Meanwhile someone else moves it; the list shows that live, the form keeps the planner's copy.
    let mut theirs = action.clone();
    theirs["title"] = json!("Bürgerdialog Pelkum (verlegt)");
    let r = client
        .put(format!("{}{}/{id}", server.url, api::ACTIONS))
        .header("if-match", "\"v1\"")
        .json(&theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    browser.wait_until("the list to show their change", &format!("return document.querySelector('[data-testid=timeline-{id}]').textContent.includes('verlegt');"), Duration::from_secs(3)).await;
    fill(&browser, "status", "confirmed").await;
    let title = browser
        .eval(
            "return document.querySelector('[data-testid=input-title]').value;",
            vec![],
        )
        .await;
    assert_eq!(
        title,
        json!("Bürgerdialog Pelkum"),
        "the form was not overwritten"
    );

    save(&browser).await;
    browser
        .wait_until(
            "the stale-edit message",
            "return !!document.querySelector('[data-testid=stale-edit]');",
            Duration::from_secs(5),
        )
        .await;
    let stored: Value = client
        .get(format!("{}{}/{id}", server.url, api::ACTIONS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            stored["version"].as_i64(),
            stored["item"].is_null(),
            stored["status"].as_str()
        ),
        (Some(2), true, Some("planned")),
        "the stale save changed nothing"
    );
    browser.save_screenshot("planning-stale").await;

    browser
        .client
        .find(Locator::Css("[data-testid=reload-theirs]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "their version in the form",
            "return document.querySelector('[data-testid=input-title]').value.includes('verlegt');",
            Duration::from_secs(5),
        )
        .await;
    // Saved on top of their version, the planner's change now goes through.
    fill(&browser, "status", "confirmed").await;
    save(&browser).await;
    browser.wait_until("the saved status", &format!("return document.querySelector('[data-testid=timeline-{id}]').textContent.includes('bestätigt');"), Duration::from_secs(5)).await;
}

#[tokio::test]
async fn coverage_gaps_are_shown_beside_the_timeline() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1600, 1000).await;
    browser
        .open(
            &format!("{}/planung", server.url),
            "return document.querySelectorAll('[data-testid=coverage] li').length === 4;",
        )
        .await;
    let items: Value = browser
        .eval("return [...document.querySelectorAll('[data-testid=coverage] li')].map(li => li.textContent);", vec![])
        .await;
    let items = items.as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|t| t.as_str().unwrap().contains("% der Zeiten bestreift")),
        "{items:?}"
    );
    // The Westentor youth scene (afternoons, six days) is not patrolled at those hours.
    assert!(
        items
            .iter()
            .any(|t| t.as_str().unwrap().contains("Jugendszene Westentor")
                && t.as_str().unwrap().contains("Lücken")),
        "{items:?}"
    );
}

#[tokio::test]
async fn the_print_layout_has_map_legend_actions_and_date_but_no_controls() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1600, 1000).await;
    browser
        .open(
            &format!("{}/planung", server.url),
            "return document.querySelectorAll('path.district').length === 7 \
             && document.querySelectorAll('.timeline-item').length > 0;",
        )
        .await;
    browser.emulate_media("print").await;
    let shown = browser
        .eval(
            "const visible = sel => { const el = document.querySelector(sel); \
               return !!el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0; }; \
             return {map: visible('.planning-map .leaflet-container'), legend: visible('.planning-map .legend'), \
               actions: visible('.timeline-item'), date: visible('.planning-header .print-only'), \
               form: visible('.planning-form'), filters: visible('[data-testid=filters]'), \
               buttons: visible('[data-testid=print]'), zoom: visible('.leaflet-control-zoom')};",
            vec![],
        )
        .await;
    assert_eq!(
        shown,
        json!({"map": true, "legend": true, "actions": true, "date": true,
            "form": false, "filters": false, "buttons": false, "zoom": false}),
        "{shown}"
    );
    let date = browser
        .eval(
            "return document.querySelector('.planning-header .print-only').textContent;",
            vec![],
        )
        .await;
    assert!(date.as_str().unwrap().starts_with("Stand: "), "{date}");
    browser.save_screenshot("planning-print").await;
}
