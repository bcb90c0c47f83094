//! Text with HTML in it is shown as text everywhere it appears: the planning timeline, the
//! district officer's lists, and the map popups (which Leaflet would render as HTML if given
//! a string).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::api;
use serde_json::{Value, json};
use tests::{Browser, TestServer};

const PAYLOAD: &str = "<img src=x onerror=\"window.__xss=1\"><b>fett</b>";

#[tokio::test]
async fn html_in_titles_is_displayed_as_text() {
    let server = TestServer::with_app().await;
    let client = reqwest::Client::new();
    let action = json!({"title": PAYLOAD, "kind": "joint_operation", "start": "2026-12-04T18:00:00+01:00",
        "end": "2026-12-04T20:00:00+01:00", "place": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "lead_agency": "polizei", "status": "planned"});
    let r = client
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/planung", server.url),
            "return document.querySelectorAll('.timeline-item').length === 1;",
        )
        .await;
    let shown = browser
        .eval(
            "return document.querySelector('.timeline-item .what').textContent;",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(PAYLOAD), "the title is shown literally");

    // Open the action's popup on the map.
    browser
        .wait_until(
            "the action marker",
            "return !!document.querySelector('path.action');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .eval("document.querySelector('path.action').dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;", vec![])
        .await;
    browser
        .wait_until(
            "the popup",
            "return !!document.querySelector('.leaflet-popup-content .popup');",
            Duration::from_secs(5),
        )
        .await;
    let popup = browser
        .eval(
            "return document.querySelector('.leaflet-popup-content .popup strong').textContent;",
            vec![],
        )
        .await;
    assert_eq!(popup, json!(PAYLOAD));

    let injected = browser
        .eval("return { img: document.querySelectorAll('img[src=x]').length, b: [...document.querySelectorAll('b')].filter(b => b.textContent === 'fett').length, xss: window.__xss === 1 };", vec![])
        .await;
    assert_eq!(
        injected,
        json!({"img": 0, "b": 0, "xss": false}),
        "no markup was interpreted"
    );

    // The district officer's list too, with an action taking place now.
    let now = jiff::Timestamp::now();
    let minute = jiff::SignedDuration::from_secs(60);
    let mut today = action.clone();
    today["start"] = json!(now.checked_sub(minute).unwrap().to_string());
    today["end"] = json!(now.checked_add(minute).unwrap().to_string());
    assert_eq!(
        client
            .post(format!("{}{}", server.url, api::ACTIONS))
            .json(&today)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    browser
        .client
        .goto(&format!("{}/bezirk/mitte", server.url))
        .await
        .unwrap();
    browser
        .wait_until(
            "today's action",
            "const t = document.querySelector('[data-testid=officer-today] .what'); return !!t;",
            Duration::from_secs(10),
        )
        .await;
    let shown: Value = browser
        .eval(
            "return document.querySelector('[data-testid=officer-today] .what').textContent;",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(PAYLOAD));
    let injected: Value = browser
        .eval(
            "return document.querySelectorAll('img[src=x]').length;",
            vec![],
        )
        .await;
    assert_eq!(injected, json!(0));
}
