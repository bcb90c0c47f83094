//! Drawing on the planning map in headless Chromium, with real mouse input: a patrol route
//! drawn as a line and saved, a vertex dragged and saved again, a hotspot area drawn, an
//! action's place set on the map; bad weekly hours refused next to their field.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::api;
use serde_json::{Value, json};
use tests::{Browser, Mouse, TestServer};

const READY: &str = "return !!document.querySelector('.planning-map .leaflet-container') \
    && document.querySelectorAll('path.district').length === 7 \
    && document.querySelectorAll('[data-testid=input-lead_agency] option').length >= 8;";

/// The centre of the map in viewport pixels (Mitte, inside Hamm).
async fn map_centre(browser: &Browser) -> (f64, f64) {
    let r = browser
        .eval(
            "const r = document.querySelector('.planning-map .leaflet-container').getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2];",
            vec![],
        )
        .await;
    (r[0].as_f64().unwrap(), r[1].as_f64().unwrap())
}

async fn list(server: &TestServer, path: &str) -> Vec<Value> {
    let body: Value = server
        .client()
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["features"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_planner_draws_and_edits_a_route_and_draws_a_hotspot_area() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1600, 1000).await;
    browser
        .open(&format!("{}/planung", server.url), READY)
        .await;
    let (cx, cy) = map_centre(&browser).await;

    // A new patrol route: title, a wrong weekly time first.
    browser.click("[data-testid=new-route]").await;
    browser
        .wait_until(
            "the route form",
            "return !!document.querySelector('[data-testid=route-form]');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .set_value("[data-testid=input-title]", "Streife Innenstadt")
        .await;
    browser
        .set_value("[data-testid=input-weekly]", "Freitags abends")
        .await;
    // Three points on the map; a double click on the last ends the line.
    browser.click("[data-testid=draw-line]").await;
    browser.click_at(cx - 60.0, cy - 10.0).await;
    browser.click_at(cx, cy + 25.0).await;
    browser.double_click_at(cx + 60.0, cy - 10.0).await;
    browser
        .wait_until("the line in the form", "return document.querySelector('[data-testid=geometry-status]').textContent.startsWith('Linie gezeichnet');", Duration::from_secs(5))
        .await;
    let drawn = browser.text("[data-testid=geometry-status]").await;
    assert!(
        drawn.contains("3 Punkte") || drawn.contains("4 Punkte"),
        "{drawn}"
    );
    browser.click("[data-testid=save-route]").await;
    browser
        .wait_until(
            "the message next to the weekly hours",
            "return !!document.querySelector('[data-testid=error-weekly]');",
            Duration::from_secs(5),
        )
        .await;
    let reason = browser.text("[data-testid=error-weekly]").await;
    assert!(reason.contains("Freitags abends"), "{reason}");
    assert!(list(&server, api::ROUTES).await.is_empty(), "nothing saved");

    // Corrected, it is saved with the drawn line, inside Mitte.
    browser
        .set_value("[data-testid=input-weekly]", "Fr, Sa 20:00–23:00")
        .await;
    browser.click("[data-testid=save-route]").await;
    browser
        .wait_until("the saved route", "return document.querySelector('[data-testid=route-form] h2').textContent === 'Streifenroute bearbeiten';", Duration::from_secs(5))
        .await;
    let routes = list(&server, api::ROUTES).await;
    assert_eq!(routes.len(), 1);
    let route = &routes[0];
    let line = route["geometry"]["coordinates"].as_array().unwrap().clone();
    assert_eq!(route["geometry"]["type"], "LineString");
    assert!(line.len() >= 3, "{line:?}");
    assert_eq!(route["properties"]["title"], "Streife Innenstadt");
    assert_eq!(
        route["properties"]["weekly"],
        json!([{"days": ["fri", "sat"], "from": "20:00", "to": "23:00"}])
    );
    assert_eq!(route["properties"]["version"], 1);
    assert!(
        !route["properties"]["districts"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Dragging the first vertex 40 px down changes the line; saving writes version 2.
    let vertex = browser
        .eval(
            "const m = [...document.querySelectorAll('.leaflet-marker-pane .marker-icon:not(.marker-icon-middle)')]; \
             if (!m.length) return null; const r = m[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2, m.length];",
            vec![],
        )
        .await;
    assert!(
        !vertex.is_null(),
        "the saved route stays editable on the map"
    );
    let (vx, vy) = (vertex[0].as_f64().unwrap(), vertex[1].as_f64().unwrap());
    browser
        .mouse(&[
            Mouse::MoveTo(vx, vy),
            Mouse::Down,
            Mouse::Pause(100),
            Mouse::MoveTo(vx + 5.0, vy + 20.0),
            Mouse::MoveTo(vx + 10.0, vy + 40.0),
            Mouse::Up,
            Mouse::Pause(300),
        ])
        .await;
    browser.click("[data-testid=save-route]").await;
    let mut saved = Value::Null;
    for _ in 0..50 {
        saved = list(&server, api::ROUTES).await[0].clone();
        if saved["properties"]["version"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(saved["properties"]["version"], 2, "{saved}");
    let moved = saved["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(moved.len(), line.len());
    assert_ne!(moved, &line, "a vertex moved");
    browser.save_screenshot("planning-route").await;

    // A hotspot area: three corners, closed by a click on the first.
    browser.click("[data-testid=new-hotspot]").await;
    browser
        .wait_until(
            "the hotspot form",
            "return !!document.querySelector('[data-testid=hotspot-form]');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .set_value("[data-testid=input-title]", "Platz am Bahnhof")
        .await;
    browser
        .set_value("[data-testid=input-hours]", "Fr, Sa 22:00–04:00")
        .await;
    browser.click("[data-testid=draw-area]").await;
    browser.click_at(cx - 30.0, cy + 60.0).await;
    browser.click_at(cx + 30.0, cy + 60.0).await;
    browser.click_at(cx, cy + 100.0).await;
    browser.click_at(cx - 30.0, cy + 60.0).await;
    browser
        .wait_until("the area in the form", "return document.querySelector('[data-testid=geometry-status]').textContent.startsWith('Fläche gezeichnet');", Duration::from_secs(5))
        .await;
    browser.click("[data-testid=save-hotspot]").await;
    browser
        .wait_until("the saved hotspot", "return document.querySelector('[data-testid=hotspot-form] h2').textContent === 'Brennpunkt bearbeiten';", Duration::from_secs(5))
        .await;
    let hotspots = list(&server, api::HOTSPOTS).await;
    assert_eq!(hotspots.len(), 1);
    assert_eq!(hotspots[0]["geometry"]["type"], "Polygon");
    assert_eq!(
        hotspots[0]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .len(),
        4,
        "a closed triangle"
    );

    // An action placed on the map: its district comes from the place.
    browser.click("[data-testid=new-action]").await;
    browser
        .wait_until(
            "the action form",
            "return !!document.querySelector('[data-testid=action-form]');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .set_value("[data-testid=input-title]", "Präsenz am Platz")
        .await;
    browser
        .set_value("[data-testid=input-start]", "2026-12-11T20:00")
        .await;
    browser
        .set_value("[data-testid=input-end]", "2026-12-11T23:00")
        .await;
    browser.click("[data-testid=draw-point]").await;
    browser.click_at(cx, cy - 40.0).await;
    browser
        .wait_until("the place in the form", "return document.querySelector('[data-testid=geometry-status]').textContent === 'Punkt gesetzt';", Duration::from_secs(5))
        .await;
    browser.click("[data-testid=save]").await;
    browser
        .wait_until("the saved action", "return document.querySelector('[data-testid=action-form] h2').textContent === 'Maßnahme bearbeiten';", Duration::from_secs(5))
        .await;
    let actions = list(&server, api::ACTIONS).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["geometry"]["type"], "Point");
    assert!(
        actions[0]["properties"]["district"].is_string(),
        "{}",
        actions[0]
    );
}
