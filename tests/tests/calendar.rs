//! The planning screen's calendar and filters in headless Chromium: week and month pages,
//! stepping between them, the kind and agency filters, all kept in the URL.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::api;
use serde_json::{Value, json};
use tests::{Browser, TestServer};

fn action(title: &str, kind: &str, start: &str, end: &str, district: &str, lead: &str) -> Value {
    json!({"title": title, "kind": kind, "start": start, "end": end, "district": district,
        "lead_agency": lead, "status": "planned"})
}

/// The ids of the actions shown on one calendar day.
fn on_day(date: &str) -> String {
    format!(
        "return [...document.querySelectorAll('[data-date=\"{date}\"] .timeline-item')].map(b => +b.dataset.testid.split('-')[1]);"
    )
}

const SHOWN: &str = "return [...new Set([...document.querySelectorAll('[data-testid=calendar] .timeline-item')].map(b => +b.dataset.testid.split('-')[1]))].sort((a, b) => a - b);";

async fn wait_for_url(browser: &Browser, part: &str) {
    browser
        .wait_until(
            &format!("the URL to contain {part}"),
            &format!("return location.search.includes({part:?});"),
            Duration::from_secs(5),
        )
        .await;
}

#[tokio::test]
async fn week_and_month_pages_step_filter_and_live_in_the_url() {
    let server = TestServer::with_app().await;
    let a = server
        .create(
            api::ACTIONS,
            &action(
                "Schwerpunkt Südstraße",
                "joint_operation",
                "2026-12-04T19:00:00+01:00",
                "2026-12-05T01:00:00+01:00",
                "mitte",
                "polizei",
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let b = server
        .create(
            api::ACTIONS,
            &action(
                "Kontrolle Gastronomie",
                "inspection",
                "2026-12-04T21:00:00+01:00",
                "2026-12-04T23:00:00+01:00",
                "mitte",
                "kod",
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let c = server
        .create(
            api::ACTIONS,
            &action(
                "Bürgerdialog Pelkum",
                "citizen_dialogue",
                "2026-12-09T18:00:00+01:00",
                "2026-12-09T20:00:00+01:00",
                "pelkum",
                "jugendamt",
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let d = server
        .create(
            api::ACTIONS,
            &action(
                "Lenkungsgruppe",
                "steering_group_meeting",
                "2027-01-14T10:00:00+01:00",
                "2027-01-14T12:00:00+01:00",
                "mitte",
                "polizei",
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let browser = Browser::start(1600, 1000).await;
    browser
        .open(
            &format!("{}/planung?kalender=woche&datum=2026-12-04", server.url),
            "return document.querySelectorAll('[data-testid=calendar] .day').length === 7 \
             && document.querySelectorAll('[data-testid=calendar] .timeline-item').length > 0;",
        )
        .await;
    // The week of 4 December: Monday 30 November to Sunday 6 December, ISO week 49. The night
    // operation shows on both days it touches; the conflict between the two is marked.
    assert_eq!(
        browser.text("[data-testid=calendar-title]").await,
        "KW 49 · 30.11.–06.12.2026"
    );
    assert_eq!(
        browser.eval(&on_day("2026-12-04"), vec![]).await,
        json!([a, b])
    );
    assert_eq!(
        browser.eval(&on_day("2026-12-05"), vec![]).await,
        json!([a])
    );
    assert_eq!(browser.eval(SHOWN, vec![]).await, json!([a, b]));
    browser
        .wait_until(
            "the conflict marked on 4 December",
            &format!("return !!document.querySelector('[data-date=\"2026-12-04\"] [data-testid=conflict-{a}]');"),
            Duration::from_secs(5),
        )
        .await;
    browser.save_screenshot("planning-week").await;

    // The next week, by the button; the URL follows.
    browser.click("[data-testid=calendar-next]").await;
    wait_for_url(&browser, "datum=2026-12-11").await;
    browser
        .wait_until("the next week", &format!("return document.querySelectorAll('[data-testid=calendar] .timeline-item').length === 1 && !!document.querySelector('[data-testid=timeline-{c}]');"), Duration::from_secs(5))
        .await;
    assert_eq!(
        browser.eval(&on_day("2026-12-09"), vec![]).await,
        json!([c])
    );

    // The month: everything in December, nothing from January.
    browser.click("[data-testid=calendar-month]").await;
    wait_for_url(&browser, "kalender=monat").await;
    browser
        .wait_until(
            "the month grid",
            "return document.querySelectorAll('[data-testid=calendar] .day').length >= 35;",
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        browser.text("[data-testid=calendar-title]").await,
        "Dezember 2026"
    );
    assert_eq!(browser.eval(SHOWN, vec![]).await, json!([a, b, c]));
    assert!(
        !browser
            .eval(SHOWN, vec![])
            .await
            .as_array()
            .unwrap()
            .contains(&json!(d))
    );

    // Only citizen dialogues: the filter narrows the calendar and goes into the URL.
    browser
        .set_value("[data-testid=filter-kind-action]", "citizen_dialogue")
        .await;
    wait_for_url(&browser, "art=citizen_dialogue").await;
    browser
        .wait_until("only the dialogue", &format!("return document.querySelectorAll('[data-testid=calendar] .timeline-item').length === 1 && !!document.querySelector('[data-testid=timeline-{c}]');"), Duration::from_secs(5))
        .await;
    browser.save_screenshot("planning-month").await;

    // A deep link reproduces that view: the month, the filter, the controls showing both.
    let url = browser
        .eval("return location.pathname + location.search;", vec![])
        .await;
    let url = url.as_str().unwrap().to_owned();
    let again = Browser::start(1600, 1000).await;
    again
        .open(
            &format!("{}{url}&thema=dunkel", server.url),
            &format!("return !!document.querySelector('[data-testid=timeline-{c}]');"),
        )
        .await;
    // The dark theme from the URL applies to the planning screen as well.
    let theme = again
        .eval("const p = document.querySelector('.planning'); return [p.dataset.theme, getComputedStyle(p).backgroundColor];", vec![])
        .await;
    assert_eq!(theme, json!(["dark", "rgb(17, 20, 23)"]));
    assert_eq!(
        again.text("[data-testid=calendar-title]").await,
        "Dezember 2026"
    );
    assert_eq!(again.eval(SHOWN, vec![]).await, json!([c]));
    let controls = again
        .eval("return [document.querySelector('[data-testid=filter-kind-action]').value, document.querySelector('[data-testid=calendar-month]').getAttribute('aria-pressed')];", vec![])
        .await;
    assert_eq!(controls, json!(["citizen_dialogue", "true"]));

    // The agency filter: the KOD leads only the inspection.
    again
        .set_value("[data-testid=filter-kind-action]", "")
        .await;
    again.set_value("[data-testid=filter-agency]", "kod").await;
    wait_for_url(&again, "behoerde=kod").await;
    again
        .wait_until("only the KOD's action", &format!("return document.querySelectorAll('[data-testid=calendar] .timeline-item').length === 1 && !!document.querySelector('[data-testid=timeline-{b}]');"), Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn a_date_range_filters_the_city_maps_table() {
    let server = TestServer::with_app().await;
    let inside = server
        .create(
            api::ACTIONS,
            &action(
                "Bürgerdialog Heessen",
                "citizen_dialogue",
                "2026-12-02T18:00:00+01:00",
                "2026-12-02T20:00:00+01:00",
                "heessen",
                "jugendamt",
            ),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    server
        .create(
            api::ACTIONS,
            &action(
                "Bürgerdialog Uentrop",
                "citizen_dialogue",
                "2026-12-20T18:00:00+01:00",
                "2026-12-20T20:00:00+01:00",
                "uentrop",
                "jugendamt",
            ),
        )
        .await;
    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!(
                "{}/?ebenen=massnahmen&zeit=zeitraum&von=2026-12-01&bis=2026-12-07&tabelle=1",
                server.url
            ),
            "return document.querySelectorAll('[data-testid=table-actions] tbody tr').length > 0;",
        )
        .await;
    let rows = browser
        .eval("return [...document.querySelectorAll('[data-testid=table-actions] tbody tr')].map(r => r.textContent);", vec![])
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].as_str().unwrap().contains("Heessen"),
        "{rows:?} ({inside})"
    );
    // The range shows in the date fields; moving its end widens it and rewrites the URL.
    let range = browser
        .eval("return [document.querySelector('[data-testid=filter-from]').value, document.querySelector('[data-testid=filter-to]').value];", vec![])
        .await;
    assert_eq!(range, json!(["2026-12-01", "2026-12-07"]));
    browser
        .set_value("[data-testid=filter-to]", "2026-12-31")
        .await;
    wait_for_url(&browser, "bis=2026-12-31").await;
    browser
        .wait_until("both actions", "return document.querySelectorAll('[data-testid=table-actions] tbody tr').length === 2;", Duration::from_secs(5))
        .await;
}
