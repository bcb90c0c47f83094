//! German by default, English on request: `?sprache=en` switches the whole UI (remembered on
//! the device), the switch button goes back, and numbers and weekdays follow the language.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use serde_json::json;
use tests::{Browser, TestServer};

const READY: &str = "return document.querySelectorAll('path.district').length === 7 \
    && document.querySelectorAll('[data-testid=filter-agency] option').length > 1;";

const WORDS: &str = "return {lang: document.documentElement.lang, \
    h1: document.querySelector('h1').textContent, \
    layers: document.querySelector('.layer-controls h2').textContent, \
    switch: document.querySelector('[data-testid=language-switch]').textContent};";

#[tokio::test]
async fn the_ui_speaks_german_by_default_and_english_on_request() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1400, 900).await;
    browser.open(&format!("{}/", server.url), READY).await;
    assert_eq!(
        browser.eval(WORDS, vec![]).await,
        json!({"lang": "de", "h1": "Lagebild Hamm", "layers": "Ebenen", "switch": "English"})
    );

    // The switch reloads the page in English, keeping the view in the URL.
    browser
        .open(
            &format!("{}/bezirk/mitte?ebenen=brennpunkte", server.url),
            READY,
        )
        .await;
    browser.click("[data-testid=language-switch]").await;
    browser
        .wait_until(
            "the English page",
            "return document.documentElement.lang === 'en' && document.querySelectorAll('path.district').length === 7;",
            Duration::from_secs(20),
        )
        .await;
    let url = browser
        .eval("return location.pathname + location.search;", vec![])
        .await;
    assert_eq!(url, json!("/bezirk/mitte?ebenen=brennpunkte&sprache=en"));
    let words = browser.eval(WORDS, vec![]).await;
    assert_eq!(words["layers"], "Layers");
    assert_eq!(words["switch"], "Deutsch");
    // The officer's lists and the facts: English headings, English number format.
    let officer = browser
        .eval(
            "return [...document.querySelectorAll('.district-today h2')].map(h => h.textContent);",
            vec![],
        )
        .await;
    assert!(
        officer.as_array().unwrap().iter().any(|h| h == "Today"),
        "{officer}"
    );
    let population = browser
        .eval(
            "return [...document.querySelectorAll('dd')].map(d => d.textContent).find(t => /\\(\\d{4}\\)/.test(t));",
            vec![],
        )
        .await;
    assert!(
        population.as_str().unwrap().contains(','),
        "thousands with a comma: {population}"
    );

    // Remembered on the device: another screen, without the parameter, is English too.
    browser
        .open(
            &format!("{}/planung?kalender=woche&datum=2026-12-04", server.url),
            "return !!document.querySelector('[data-testid=calendar-title]');",
        )
        .await;
    let planning = browser
        .eval(
            "return [document.documentElement.lang, document.querySelector('[data-testid=calendar-title]').textContent, \
             document.querySelector('[data-date=\"2026-12-04\"] .day-head').textContent, \
             document.querySelector('[data-testid=new-route]').textContent];",
            vec![],
        )
        .await;
    assert_eq!(
        planning,
        json!([
            "en",
            "Week 49 · 30.11.–06.12.2026",
            "Fri 4.",
            "New patrol route"
        ])
    );

    // And back to German.
    browser.click("[data-testid=language-switch]").await;
    browser
        .wait_until(
            "the German page",
            "return document.documentElement.lang === 'de' && document.querySelector('[data-testid=new-route]')?.textContent === 'Neue Streifenroute';",
            Duration::from_secs(20),
        )
        .await;
}
