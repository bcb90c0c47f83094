//! Exports (GeoJSON, CSV, iCalendar) and all-or-nothing imports over real HTTP.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;

use model::api::{self, ErrorBody};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tests::TestServer;

fn action() -> Value {
    json!({
        "title": "Bürgerdialog Heessen",
        "kind": "citizen_dialogue",
        "start": "2026-12-02T18:00:00+01:00",
        "end": "2026-12-02T20:00:00+01:00",
        "district": "heessen",
        "lead_agency": "polizei",
        "agencies": ["kod"],
        "status": "confirmed"
    })
}

fn hotspot_feature(coordinates: [f64; 2]) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": {
            "title": "Trinkerszene Bahnhof",
            "category": "public_disorder",
            "severity": "medium",
            "hours": [{"days": ["mon", "tue", "wed"], "from": "08:00", "to": "20:00"}],
            // No owner named: they become the importing admin's agency's.
            "released_to": ["kod"],
            "review_date": "2027-03-31"
        }
    })
}

async fn count(client: &Client, server: &TestServer, path: &str) -> usize {
    let fc: Value = client
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    fc["features"].as_array().unwrap().len()
}

#[tokio::test]
async fn actions_export_as_geojson_csv_and_icalendar() {
    let server = TestServer::start(Path::new("no-dist")).await;
    let client = server.client();
    client
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&action())
        .send()
        .await
        .unwrap();

    for (file, content_type, needle) in [
        (
            "actions.geojson",
            "application/geo+json",
            "\"FeatureCollection\"",
        ),
        (
            "actions.csv",
            "text/csv; charset=utf-8",
            "Bürgerdialog Heessen,citizen_dialogue,confirmed,2026-12-02T18:00:00+01:00",
        ),
        (
            "actions.ics",
            "text/calendar; charset=utf-8",
            "DTSTART:20261202T170000Z\r\n",
        ),
    ] {
        let r = client
            .get(format!("{}/api/export/{file}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        assert_eq!(r.headers()["content-type"], content_type, "{file}");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(file),
            "{file}"
        );
        let body = r.text().await.unwrap();
        assert!(body.contains(needle), "{file}: {body}");
    }
    // Filters apply to exports too.
    let csv = client
        .get(format!(
            "{}/api/export/actions.csv?district=mitte",
            server.url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header");
    let missing = client
        .get(format!("{}/api/export/actions.pdf", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn an_import_with_one_bad_feature_stores_nothing() {
    let server = TestServer::start(Path::new("no-dist")).await;
    let client = server.client();
    let url = format!("{}/api/import/hotspots", server.url);
    let bad = json!({"type": "FeatureCollection", "features": [hotspot_feature([7.80724, 51.67825]), hotspot_feature([6.96, 50.94])]});
    let r = client.post(&url).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: ErrorBody = r.json().await.unwrap();
    assert_eq!(err.error.field.as_deref(), Some("features[1].geometry"));
    assert_eq!(count(&client, &server, api::HOTSPOTS).await, 0);

    let good = json!({"type": "FeatureCollection", "features": [hotspot_feature([7.80724, 51.67825]), hotspot_feature([7.8137, 51.68016])]});
    let r = client.post(&url).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["imported"], 2);
    assert_eq!(count(&client, &server, api::HOTSPOTS).await, 2);

    let garbage = client
        .post(&url)
        .header("content-type", "application/json")
        .body("[1,2")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    server.stop().await;
}

/// The served districts as an "official" file: only a name property, rings wound clockwise.
async fn official_file(client: &Client, server: &TestServer) -> Value {
    let mut fc: Value = client
        .get(format!("{}{}", server.url, api::DISTRICTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        let name = f["properties"]["name"].clone();
        f["properties"] = json!({"Name": name});
        f.as_object_mut().unwrap().remove("id");
        let rings = if f["geometry"]["type"] == "Polygon" {
            f["geometry"]["coordinates"].as_array_mut().unwrap()
        } else {
            f["geometry"]["coordinates"][0].as_array_mut().unwrap()
        };
        rings[0].as_array_mut().unwrap().reverse();
    }
    fc
}

#[tokio::test]
async fn official_boundaries_replace_the_approximate_ones() {
    let server = TestServer::start(Path::new("no-dist")).await;
    // District boundaries are the operators' to import.
    let client = server.operator().await;
    let url = format!("{}/api/import/districts", server.url);
    let file = official_file(&client, &server).await;
    let refused = server.client().post(&url).json(&file).send().await.unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "an agency admin imports no districts"
    );

    let mut six = file.clone();
    six["features"].as_array_mut().unwrap().pop();
    let r = client.post(&url).json(&six).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: ErrorBody = r.json().await.unwrap();
    assert!(
        err.error.message.contains("heessen"),
        "{}",
        err.error.message
    );
    let before: Value = client
        .get(format!("{}{}", server.url, api::DISTRICTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        before["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["approximate"] == true)
    );

    let r = client.post(&url).json(&file).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let after: Value = client
        .get(format!("{}{}", server.url, api::DISTRICTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for f in after["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["approximate"], false);
        assert!(
            f["properties"]["population"].as_u64().unwrap() > 10_000,
            "facts are kept"
        );
        let ring = if f["geometry"]["type"] == "Polygon" {
            &f["geometry"]["coordinates"][0]
        } else {
            &f["geometry"]["coordinates"][0][0]
        };
        let ring: Vec<[f64; 2]> = serde_json::from_value(ring.clone()).unwrap();
        let signed: f64 = ring
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum();
        assert!(signed > 0.0, "rewound to counter-clockwise");
    }
    server.stop().await;
}
