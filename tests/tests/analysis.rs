//! Agencies, coverage and summaries over real HTTP, on the demo data.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;

use model::{
    access::Role,
    api::{self, ErrorBody},
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::TestServer;

async fn demo_server() -> TestServer {
    let data = tempfile::tempdir().unwrap();
    let mut config = server::Config::for_tests(data.path().to_owned(), "no-dist".into());
    config.empty = false;
    // Build once with demo data, then serve that directory.
    drop(server::startup::state(&config).await.unwrap());
    TestServer::start_in(data, Path::new("no-dist")).await
}

#[tokio::test]
async fn the_demo_data_is_marked_and_covers_the_agenda() {
    let server = demo_server().await;
    let client = server.client();
    let actions: Value = client
        .get(format!("{}{}", server.url, api::ACTIONS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let features = actions["features"].as_array().unwrap();
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["demo"] == true && f["properties"]["note"] == "Beispieldaten")
    );
    let kinds = |k: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["kind"] == k)
            .count()
    };
    assert_eq!(kinds("citizen_dialogue"), 7, "one dialogue per district");
    assert_eq!(kinds("steering_group_meeting"), 2, "twice a year");
    assert_eq!(kinds("working_group_meeting"), 6, "six working groups");
    let conflicts: Value = client
        .get(format!("{}{}", server.url, api::CONFLICTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        conflicts.as_array().unwrap().len(),
        1,
        "the Südstraße night"
    );
    server.stop().await;
}

#[tokio::test]
async fn coverage_and_summary_answer_and_refuse_bad_parameters() {
    let server = demo_server().await;
    let client = server.client();
    let coverage: Value = client
        .get(format!("{}{}?week=2026-11-23", server.url, api::COVERAGE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = coverage.as_array().unwrap();
    assert_eq!(items.len(), 4, "one per hotspot");
    assert!(
        items
            .iter()
            .all(|c| (0.0..=1.0).contains(&c["share"].as_f64().unwrap()))
    );
    let summary: Value = client
        .get(format!("{}{}", server.url, api::SUMMARY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary.as_array().unwrap().len(), 7);
    for (path, field) in [
        (format!("{}?week=2026-11-24", api::COVERAGE), "week"),
        (format!("{}?week=soon", api::COVERAGE), "week"),
        (format!("{}?at=now", api::SUMMARY), "at"),
        (
            format!(
                "{}?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
                api::CONFLICTS
            ),
            "to",
        ),
    ] {
        let r = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        let err: ErrorBody = r.json().await.unwrap();
        assert_eq!(err.error.field.as_deref(), Some(field), "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_guest_agency_can_be_added_once() {
    let server = TestServer::start(Path::new("no-dist")).await;
    // Guest agencies are the operators' to add, not an agency admin's.
    let client = server.operator().await;
    let url = format!("{}{}", server.url, api::AGENCIES);
    let agencies: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(agencies.as_array().unwrap().len(), 8);
    let guest = json!({"key": "ak-jugendhilfe", "name": "Arbeitskreis Jugendhilfe", "short_name": "AK Jugendhilfe", "role": "guest"});
    let refused = server
        .client()
        .post(&url)
        .json(&guest)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "an admin adds no guests"
    );
    assert_eq!(
        client
            .post(&url)
            .json(&guest)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
    let again = client.post(&url).json(&guest).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let partner =
        json!({"key": "bka", "name": "Bundeskriminalamt", "short_name": "BKA", "role": "partner"});
    let r = client.post(&url).json(&partner).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: ErrorBody = r.json().await.unwrap();
    assert_eq!(err.error.field.as_deref(), Some("role"));
    let agencies: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(agencies.as_array().unwrap().len(), 9);
    // The new agency can now have accounts, and its planners lead actions (here one the police
    // take part in).
    let guest_planner = server
        .session("ak-planung", Role::Planner, "ak-jugendhilfe")
        .await;
    let action = json!({"title": "Beratung", "kind": "other", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z",
        "district": "mitte", "lead_agency": "ak-jugendhilfe", "agencies": ["polizei"], "status": "planned"});
    let r = tests::client_for(&guest_planner)
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    server.stop().await;
}
