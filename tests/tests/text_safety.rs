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
    let client = server.client();
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

/// The payload in every free-text field there is (titles, notes, a guest agency's names):
/// stored and served back verbatim as JSON data, and shown as text on every screen.
#[tokio::test]
async fn html_in_every_text_field_comes_back_inert_and_shows_as_text() {
    let server = TestServer::with_app().await;
    let client = server.client();
    let point = json!({"type": "Point", "coordinates": [7.8137, 51.68016]});
    let guest = json!({"key": "gast", "name": PAYLOAD, "short_name": "<i>x</i>", "role": "guest"});
    let r = server
        .operator()
        .await
        .post(format!("{}{}", server.url, api::AGENCIES))
        .json(&guest)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let bodies = [
        (
            api::HOTSPOTS,
            json!({"title": PAYLOAD, "note": PAYLOAD, "category": "drug_scene", "severity": "high",
            "geometry": point, "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}],
            "agency": "polizei", "released_to": ["gast"], "review_date": "2099-01-01"}),
        ),
        (
            api::ROUTES,
            json!({"title": PAYLOAD, "note": PAYLOAD, "occasion": "city_centre",
            "geometry": {"type": "LineString", "coordinates": [[7.8137, 51.68016], [7.81971, 51.67949]]},
            "agency": "polizei", "agencies": ["polizei"],
            "weekly": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}]}),
        ),
        (
            api::ACTIONS,
            json!({"title": PAYLOAD, "note": PAYLOAD, "kind": "joint_operation",
            "start": "2026-12-04T18:00:00+01:00", "end": "2026-12-04T20:00:00+01:00", "place": point,
            "lead_agency": "polizei", "agencies": ["gast"], "status": "planned"}),
        ),
    ];
    for (path, body) in &bodies {
        let created = server.create(path, body).await;
        let id = created["id"].as_i64().unwrap();
        let r = client
            .get(format!("{}{path}/{id}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], "application/json", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        let back: Value = r.json().await.unwrap();
        assert_eq!(
            (&back["title"], &back["note"]),
            (&json!(PAYLOAD), &json!(PAYLOAD)),
            "{path}"
        );
    }

    let browser = Browser::start(1400, 1000).await;
    let screens = [
        (
            "/?ebenen=brennpunkte,streifen,massnahmen&tabelle=1",
            "return document.querySelectorAll('table td, table th').length > 0;",
        ),
        (
            "/planung",
            "return document.querySelectorAll('.timeline-item').length === 1;",
        ),
        (
            "/verwaltung",
            "return document.querySelectorAll('[data-testid=audit] tbody tr').length > 0;",
        ),
    ];
    for (path, ready) in screens {
        browser.open(&format!("{}{path}", server.url), ready).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let seen = browser
            .eval(
                "return { text: document.body.textContent.includes(arguments[0]), \
                 img: document.querySelectorAll('img[src=x]').length, \
                 i: [...document.querySelectorAll('i')].filter(e => e.textContent === 'x').length, \
                 xss: window.__xss === 1 };",
                vec![json!(PAYLOAD)],
            )
            .await;
        let shows_text = path != "/verwaltung";
        assert_eq!(
            seen,
            json!({"text": shows_text, "img": 0, "i": 0, "xss": false}),
            "{path}"
        );
    }
    // The guest agency's short name is an option in the planning form, as text.
    browser
        .open(&format!("{}/planung", server.url), "return document.querySelectorAll('[data-testid=input-released_to] label').length >= 9;")
        .await;
    let labels = browser
        .eval("return [...document.querySelectorAll('[data-testid=input-released_to] label')].map(l => l.textContent.trim());", vec![])
        .await;
    assert!(
        labels.as_array().unwrap().contains(&json!("<i>x</i>")),
        "{labels}"
    );
    assert!(browser.csp_violations().await.is_empty());
}
