//! The district officer's screen on a phone (360×740): their district, today and this week,
//! hotspots active now, today's patrols, big touch targets; the district is remembered.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use serde_json::{Value, json};
use tests::{Browser, TestServer};

#[tokio::test]
async fn a_district_officer_checks_mitte_on_a_phone() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(360, 740).await;
    browser
        .open(
            &format!("{}/bezirk/mitte", server.url),
            "return !!document.querySelector('[data-testid=district-today]') \
             && document.querySelectorAll('[data-testid=officer-week] li').length > 0;",
        )
        .await;
    for id in [
        "officer-today",
        "officer-week",
        "officer-hotspots",
        "officer-patrols",
    ] {
        let present = browser
            .eval(
                &format!("return !!document.querySelector('[data-testid={id}]');"),
                vec![],
            )
            .await;
        assert_eq!(present, Value::Bool(true), "{id}");
    }
    let name = browser
        .eval(
            "return document.querySelector('[data-testid=officer-district]').textContent;",
            vec![],
        )
        .await;
    assert_eq!(name, json!("Hamm-Mitte"));
    let badges = browser
        .eval(
            "return document.querySelectorAll('[data-testid=officer-week] .demo-badge').length;",
            vec![],
        )
        .await;
    assert!(badges.as_i64().unwrap() > 0, "demo data is marked");
    // The demo's gastronomy exchange and Südstraße operations are in Mitte this week.
    let week = browser
        .eval(
            "return document.querySelector('[data-testid=officer-week]').textContent;",
            vec![],
        )
        .await;
    assert!(week.as_str().unwrap().contains("Südstraße"), "{week}");
    // Nothing wider than the phone, and every link or button is a big touch target.
    let layout = browser
        .eval(
            "const small = [...document.querySelectorAll('.panel a, .panel button')] \
               .filter(e => e.offsetParent !== null) \
               .filter(e => e.getBoundingClientRect().height < 44) \
               .map(e => e.textContent); \
             return {scroll: document.documentElement.scrollWidth, small};",
            vec![],
        )
        .await;
    assert!(layout["scroll"].as_i64().unwrap() <= 360, "{layout}");
    assert_eq!(layout["small"], json!([]), "small touch targets: {layout}");
    browser.save_screenshot("officer-mitte").await;

    // Back at the start page, the app offers the officer's district.
    browser.client.goto(&server.url).await.unwrap();
    browser
        .wait_until("the 'Mein Bezirk' link", "const a = document.querySelector('[data-testid=my-district]'); return !!a && a.getAttribute('href') === '/bezirk/mitte';", Duration::from_secs(10))
        .await;
}
