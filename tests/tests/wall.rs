//! The control-room wall (`/wand`) in headless Chromium at 1920×1080: rotation, indicator
//! tiles, a change saved through the API appearing within 2 s, and the "Verbindung
//! unterbrochen" banner while the server is down, gone again once it is back.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::{access::Role, api};
use serde_json::{Value, json};
use tests::{Browser, TestServer};

const READY: &str = "return document.querySelectorAll('path.district').length === 7 \
    && document.querySelector('[data-testid=tile-actions-week] .tile-value').textContent !== '–';";

async fn tile(browser: &Browser, id: &str) -> i64 {
    let v = browser
        .eval(
            &format!(
                "return document.querySelector('[data-testid=tile-{id}] .tile-value').textContent;"
            ),
            vec![],
        )
        .await;
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_wall_rotates_shows_indicators_and_updates_live() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1920, 1080).await;
    browser
        .open(&format!("{}/wand?rotation=5", server.url), READY)
        .await;

    assert_eq!(
        browser.text("[data-testid=wall-title]").await,
        "Ganze Stadt"
    );
    let clock = browser
        .eval(
            "return document.querySelector('[data-testid=clock]').textContent;",
            vec![],
        )
        .await;
    assert!(clock.as_str().unwrap().contains(':'), "{clock}");
    assert!(tile(&browser, "actions-week").await >= 0);
    let demo = browser
        .eval(
            "return !!document.querySelector('[data-testid=demo-badge]');",
            vec![],
        )
        .await;
    assert_eq!(demo, Value::Bool(true), "demo data is marked");
    browser.save_screenshot("wall-city").await;

    // A change saved elsewhere appears without a reload, within 2 seconds.
    browser
        .eval("window.__marker = 1; return true;", vec![])
        .await;
    let before = tile(&browser, "actions-today").await;
    let now = around_now();
    let action = json!({"title": "Spontane Kontrolle", "kind": "inspection", "start": now.0, "end": now.1,
        "place": {"type": "Point", "coordinates": [7.8137, 51.68016]}, "lead_agency": "kod", "status": "confirmed"});
    server.create(api::ACTIONS, &action).await;
    browser
        .wait_until(
            "the new action on the wall",
            &format!("return document.querySelector('[data-testid=tile-actions-today] .tile-value').textContent === '{}';", before + 1),
            Duration::from_secs(2),
        )
        .await;
    assert_eq!(
        browser.eval("return window.__marker;", vec![]).await,
        json!(1),
        "no reload happened"
    );

    // The rotation moves on to the first district.
    browser
        .wait_until("the rotation to reach Mitte", "return document.querySelector('[data-testid=wall-title]').textContent === 'Hamm-Mitte';", Duration::from_secs(8))
        .await;
    browser.save_screenshot("wall-mitte").await;
}

/// Start and end (RFC 3339) of a period around now: it is always "today" and "this week",
/// whatever the hour the test runs.
fn around_now() -> (String, String) {
    let now = jiff::Timestamp::now();
    let minute = jiff::SignedDuration::from_secs(60);
    (
        now.checked_sub(minute).unwrap().to_string(),
        now.checked_add(minute).unwrap().to_string(),
    )
}

#[tokio::test]
async fn the_wall_shows_when_the_connection_is_lost_and_recovers_by_itself() {
    let server = TestServer::with_app_and_demo().await;
    let addr: std::net::SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let browser = Browser::start(1920, 1080).await;
    browser.open(&format!("{}/wand", server.url), READY).await;
    let banner = "return !!document.querySelector('[data-testid=connection-banner]');";
    assert_eq!(browser.eval(banner, vec![]).await, Value::Bool(false));
    let week = tile(&browser, "actions-week").await;

    let data = server.stop().await;
    browser
        .wait_until(
            "the connection banner",
            "return !!document.querySelector('[data-testid=connection-banner]');",
            Duration::from_secs(10),
        )
        .await;
    browser.save_screenshot("wall-disconnected").await;
    assert_eq!(
        tile(&browser, "actions-week").await,
        week,
        "the last data stays on screen"
    );

    let server = TestServer::start_with(data, &tests::dist_dir(), Some(addr), false).await;
    browser
        .wait_until(
            "the banner to go",
            "return !document.querySelector('[data-testid=connection-banner]');",
            Duration::from_secs(15),
        )
        .await;
    // And it is live again: a change made after the restart arrives.
    let before = tile(&browser, "actions-week").await;
    let (start, end) = around_now();
    let action = json!({"title": "Nach dem Neustart", "kind": "other", "start": start, "end": end, "district": "heessen", "lead_agency": "polizei", "status": "planned"});
    server
        .client()
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action)
        .send()
        .await
        .unwrap();
    browser
        .wait_until(
            "the change after the restart",
            &format!("return document.querySelector('[data-testid=tile-actions-week] .tile-value').textContent === '{}';", before + 1),
            Duration::from_secs(3),
        )
        .await;
    server.stop().await;
}

/// On PostgreSQL: the database goes away while the server stays up; the wall shows that it is
/// no longer live (its stream ends and reconnecting is answered 503), keeps its last data, and
/// is live again by itself once the database is back, without the server restarting.
#[tokio::test]
async fn the_wall_shows_a_database_outage_and_recovers_by_itself() {
    use std::sync::Arc;
    let cluster = tokio::task::spawn_blocking(|| {
        let c = server::pg_cluster::Cluster::start().expect("PostgreSQL cluster");
        c.psql("CREATE DATABASE lagebild").expect("database");
        Arc::new(c)
    })
    .await
    .unwrap();
    let server = TestServer::with_app_and_demo_on(&cluster.url("lagebild")).await;
    let browser = Browser::start(1920, 1080).await;
    browser.open(&format!("{}/wand", server.url), READY).await;
    let banner = "return !!document.querySelector('[data-testid=connection-banner]');";
    assert_eq!(browser.eval(banner, vec![]).await, Value::Bool(false));
    let week = tile(&browser, "actions-week").await;

    let c = Arc::clone(&cluster);
    tokio::task::spawn_blocking(move || c.stop().expect("stop"))
        .await
        .unwrap();
    browser
        .wait_until("the connection banner", banner, Duration::from_secs(15))
        .await;
    assert_eq!(
        tile(&browser, "actions-week").await,
        week,
        "the last data stays on screen"
    );

    let c = Arc::clone(&cluster);
    tokio::task::spawn_blocking(move || c.start_again().expect("start"))
        .await
        .unwrap();
    browser
        .wait_until(
            "the banner to go",
            "return !document.querySelector('[data-testid=connection-banner]');",
            Duration::from_secs(20),
        )
        .await;
    let (start, end) = around_now();
    let action = json!({"title": "Nach dem Ausfall", "kind": "other", "start": start, "end": end, "district": "heessen", "lead_agency": "polizei", "status": "planned"});
    let created = server
        .client()
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    browser
        .wait_until(
            "the change after the outage",
            &format!("return document.querySelector('[data-testid=tile-actions-week] .tile-value').textContent === '{}';", week + 1),
            Duration::from_secs(3),
        )
        .await;
    server.stop().await;
}

#[tokio::test]
async fn the_wall_scales_from_full_hd_to_4k() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1920, 1080).await;
    browser.open(&format!("{}/wand", server.url), READY).await;
    let size =
        "return parseFloat(getComputedStyle(document.querySelector('.tile-value')).fontSize);";
    let full_hd = browser.eval(size, vec![]).await.as_f64().unwrap();
    // Readable from 4 m: tile numbers of at least 60 px on a 1920-pixel-wide wall.
    assert!(full_hd >= 60.0, "{full_hd} px");
    browser.client.set_window_size(3840, 2160).await.unwrap();
    browser
        .wait_until(
            "the 4K layout",
            "return window.innerWidth >= 3800;",
            Duration::from_secs(5),
        )
        .await;
    let uhd = browser.eval(size, vec![]).await.as_f64().unwrap();
    assert!(
        (uhd / full_hd - 2.0).abs() < 0.1,
        "text must scale with the display: {full_hd} px → {uhd} px"
    );
    browser.save_screenshot("wall-4k").await;
}

#[tokio::test]
async fn refreshing_the_wall_many_times_leaves_no_layers_or_nodes_behind() {
    let server = TestServer::with_app_and_demo().await;
    // The hotspot is the KOD's: a KOD planner changes it.
    let client = tests::client_for(&server.session("kod-plan", Role::Planner, "kod").await);
    let mut hotspot = json!({"title": "Wechselnde Lage", "category": "public_disorder", "severity": "high",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "hours": [{"days": ["fri"], "from": "20:00", "to": "23:00"}],
        "agency": "kod", "released_to": tests::ALL_AGENCIES, "review_date": "2027-06-30"});
    let id = server.create(api::HOTSPOTS, &hotspot).await["id"]
        .as_i64()
        .unwrap();
    let browser = Browser::start(1920, 1080).await;
    // No rotation during the test: every redraw comes from a change.
    browser
        .open(&format!("{}/wand?rotation=3600", server.url), READY)
        .await;
    let fill = |colour: &str| {
        format!(
            "return document.querySelector('path.hotspot-{id}')?.getAttribute('fill') === '{colour}';"
        )
    };
    browser
        .wait_until(
            "the hotspot on the wall",
            &fill("#D55E00"),
            Duration::from_secs(5),
        )
        .await;
    const COUNT: &str = "return [document.getElementsByTagName('*').length, document.querySelectorAll('path').length];";
    let before = browser.eval(COUNT, vec![]).await;

    // 40 changes, each redrawing every layer; the last one restores the first state.
    for version in 1..=40 {
        let severity = if version % 2 == 1 { "medium" } else { "high" };
        hotspot["severity"] = json!(severity);
        let r = client
            .put(format!("{}{}/{id}", server.url, api::HOTSPOTS))
            .header("if-match", format!("\"v{version}\""))
            .json(&hotspot)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let colour = if severity == "high" {
            "#D55E00"
        } else {
            "#E69F00"
        };
        browser
            .wait_until(
                &format!("redraw {version}"),
                &fill(colour),
                Duration::from_secs(5),
            )
            .await;
    }
    let after = browser.eval(COUNT, vec![]).await;
    assert_eq!(
        after, before,
        "[elements, paths] before and after 40 redraws"
    );
}

#[tokio::test]
async fn the_walls_map_follows_the_layer_and_agency_filters_in_the_url() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1920, 1080).await;
    // Only the KOD's hotspots, no routes or actions; the tiles still count everything.
    browser
        .open(
            &format!(
                "{}/wand?rotation=3600&ebenen=brennpunkte&behoerde=kod",
                server.url
            ),
            READY,
        )
        .await;
    browser
        .wait_until(
            "the KOD's hotspots",
            "return document.querySelectorAll('path.hotspot').length > 0;",
            Duration::from_secs(5),
        )
        .await;
    let counts = browser
        .eval(
            "return [document.querySelectorAll('path.hotspot').length, document.querySelectorAll('path.route').length, \
             document.querySelectorAll('path.action').length];",
            vec![],
        )
        .await;
    // The demo has two KOD hotspots (as on the city map).
    assert_eq!(counts, json!([2, 0, 0]));
    assert!(
        tile(&browser, "actions-week").await > 0,
        "tiles are not filtered"
    );
}
