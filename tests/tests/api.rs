//! The API over real HTTP: a server on a free port, reached with an HTTP client.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use model::{
    DistrictKey, MapConfig,
    api::{self, ErrorBody, Health},
    district::from_feature_collection,
    hamm,
};
use tests::TestServer;

async fn get(server: &TestServer, path: &str) -> reqwest::Response {
    server
        .client()
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .expect("request reaches the server")
}

/// Ray casting; enough for a test oracle on simple polygons.
fn ring_contains(ring: &[geojson::Position], [x, y]: [f64; 2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if (a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
    }
    inside
}

fn contains(geometry: &geojson::Geometry, point: [f64; 2]) -> bool {
    let polygon_contains = |rings: &Vec<Vec<geojson::Position>>| {
        rings
            .first()
            .is_some_and(|outer| ring_contains(outer, point))
            && !rings[1..].iter().any(|hole| ring_contains(hole, point))
    };
    match &geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => polygon_contains(coordinates),
        geojson::GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().any(polygon_contains)
        }
        _ => false,
    }
}

#[tokio::test]
async fn health_answers_over_http() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let response = get(&server, api::HEALTH).await;
    assert_eq!(response.status(), 200);
    let health: Health = response.json().await.unwrap();
    assert_eq!(health.districts, 7);
    server.stop().await;
}

#[tokio::test]
async fn the_seven_districts_come_back_as_geojson() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let response = get(&server, api::DISTRICTS).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/geo+json"
    );
    let fc: geojson::FeatureCollection = response.text().await.unwrap().parse().unwrap();
    let districts = from_feature_collection(&fc).unwrap();
    assert_eq!(
        districts
            .iter()
            .map(|d| d.properties.key)
            .collect::<Vec<_>>(),
        DistrictKey::ALL
    );
    let heessen = &districts[6];
    assert_eq!(heessen.properties.name, "Hamm-Heessen");
    assert_eq!(heessen.properties.population, 23886);
    assert!(
        heessen
            .properties
            .subdistricts
            .iter()
            .any(|s| s == "Dasbeck")
    );
    server.stop().await;
}

#[tokio::test]
async fn westentor_and_suedstrasse_lie_in_mitte_as_served() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let fc: geojson::FeatureCollection = get(&server, api::DISTRICTS)
        .await
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    let districts = from_feature_collection(&fc).unwrap();
    let places = hamm::places().unwrap();
    for name in ["Westentor", "Südstraße"] {
        let point = places
            .iter()
            .find(|p| p.name.starts_with(name))
            .and_then(|p| p.point)
            .unwrap();
        let holders: Vec<_> = districts
            .iter()
            .filter(|d| contains(&d.geometry, point))
            .map(|d| d.properties.key)
            .collect();
        assert_eq!(holders, [DistrictKey::Mitte], "{name}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_config_names_no_tile_server_by_default() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let config: MapConfig = get(&server, api::CONFIG).await.json().await.unwrap();
    assert_eq!(config.tile_url, None);
    server.stop().await;
}

#[tokio::test]
async fn districts_survive_a_restart_on_the_same_database() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let before = get(&server, api::DISTRICTS).await.text().await.unwrap();
    let data = server.stop().await;
    assert!(data.path().join(server::db::DB_FILE).is_file());

    let server = TestServer::start_in(data, std::path::Path::new("no-dist")).await;
    let after = get(&server, api::DISTRICTS).await.text().await.unwrap();
    assert_eq!(before, after);
    server.stop().await;
}

#[tokio::test]
async fn unknown_api_paths_answer_json_errors() {
    let server = TestServer::start(std::path::Path::new("no-dist")).await;
    let response = get(&server, "/api/districts/nope").await;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "not_found");
    server.stop().await;
}
