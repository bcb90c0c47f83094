//! Handler tests: the router called in-process with `oneshot`, on a fresh database.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use model::{
    DistrictKey, MapConfig,
    api::{self, ErrorBody, Health},
    district::from_feature_collection,
};
use tower::ServiceExt;

use model::access::Role;

use crate::{
    Config, startup,
    test_support::{TestSession, session},
};

struct TestApp {
    router: axum::Router,
    /// An admin of the police, signed in.
    session: TestSession,
    _data: tempfile::TempDir,
}

async fn test_app(dist: &std::path::Path) -> TestApp {
    let data = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(data.path().to_owned(), dist.to_owned());
    let state = startup::state(&config).await.expect("state");
    let session = session(&state, "pol-admin", Role::Admin, "polizei").await;
    TestApp {
        router: startup::app(state, dist),
        session,
        _data: data,
    }
}

async fn get(app: &TestApp, uri: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = app
        .router
        .clone()
        .oneshot(
            app.session
                .sign(Request::get(uri))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, content_type, body.to_vec())
}

#[tokio::test]
async fn health_reports_seven_districts() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, _, body) = get(&app, api::HEALTH).await;
    assert_eq!(status, StatusCode::OK);
    let health: Health = serde_json::from_slice(&body).unwrap();
    assert_eq!(health.status, "ok");
    assert_eq!(health.districts, 7);
}

#[tokio::test]
async fn districts_are_a_geojson_feature_collection_of_all_seven() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, content_type, body) = get(&app, api::DISTRICTS).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/geo+json"));
    let fc: geojson::FeatureCollection = std::str::from_utf8(&body).unwrap().parse().unwrap();
    let districts = from_feature_collection(&fc).unwrap();
    let keys: Vec<_> = districts.iter().map(|d| d.properties.key).collect();
    assert_eq!(keys, DistrictKey::ALL);
    assert!(districts.iter().all(|d| d.properties.approximate));
}

#[tokio::test]
async fn the_outline_is_one_counter_clockwise_polygon_with_attribution() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, content_type, body) = get(&app, api::OUTLINE).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/geo+json"));
    let feature: geojson::Feature = std::str::from_utf8(&body).unwrap().parse().unwrap();
    let Some(geojson::GeometryValue::Polygon { coordinates }) = feature.geometry.map(|g| g.value)
    else {
        panic!("outline is not a Polygon");
    };
    let ring = &coordinates[0];
    assert_eq!(ring.first(), ring.last());
    // Shoelace: positive signed area means counter-clockwise, as RFC 7946 asks.
    let signed: f64 = ring
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    assert!(signed > 0.0);
    assert!(
        feature.properties.unwrap()["attribution"]
            .as_str()
            .unwrap()
            .contains("BKG")
    );
}

#[tokio::test]
async fn config_centres_on_hamm_without_a_tile_server() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, _, body) = get(&app, api::CONFIG).await;
    assert_eq!(status, StatusCode::OK);
    let config: MapConfig = serde_json::from_slice(&body).unwrap();
    assert_eq!(config.tile_url, None);
    assert!(
        (config.center.lat - 51.66).abs() < 0.02,
        "{:?}",
        config.center
    );
    assert!(
        (config.center.lng - 7.84).abs() < 0.02,
        "{:?}",
        config.center
    );
    assert!(config.data_attribution.contains("GeoBasis-DE / BKG"));
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404_not_the_app() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, content_type, body) = get(&app, "/api/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let err: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(err.error.code, "not_found");
}

#[tokio::test]
async fn a_request_whose_body_stalls_is_answered_408_with_a_json_error() {
    let data = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(data.path().to_owned(), "no-dist".into());
    let mut state = startup::state(&config).await.expect("state");
    state.request_timeout = std::time::Duration::from_millis(300);
    let s = session(&state, "pol-plan", Role::Planner, "polizei").await;
    let router = startup::app(state, std::path::Path::new("no-dist"));
    // The first bytes of a body, then nothing more: a slow or stuck client.
    let stalled = futures_util::stream::iter([Ok::<_, std::io::Error>(
        axum::body::Bytes::from_static(b"{\"title\": "),
    )])
    .chain(futures_util::stream::pending());
    let request = s
        .sign(Request::post(api::HOTSPOTS))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stalled))
        .unwrap();
    let started = std::time::Instant::now();
    let response = tokio::time::timeout(std::time::Duration::from_secs(5), router.oneshot(request))
        .await
        .expect("answered in time")
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let err: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(err.error.code, "timeout");
}

/// A body sent as anything but JSON is refused with a JSON 415 naming `Content-Type`, and
/// stores nothing.
#[tokio::test]
async fn a_body_that_is_not_sent_as_json_is_a_415_naming_content_type() {
    use super::tests_access::hotspot;
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (_, _, before) = get(&app, api::HOTSPOTS).await;
    let item = hotspot("Als Text", "polizei", &[]).to_string();
    let (status, body) = post(&app, api::HOTSPOTS, "text/plain", item).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let err: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(err.error.code, "unsupported_media_type");
    assert_eq!(err.error.field.as_deref(), Some("Content-Type"));
    let (_, _, after) = get(&app, api::HOTSPOTS).await;
    assert_eq!(after, before, "nothing was stored");
}

/// Posts `body` as `content_type` with the test app's session: the status and the body read
/// back.
async fn post(app: &TestApp, uri: &str, content_type: &str, body: String) -> (StatusCode, Vec<u8>) {
    let request = app
        .session
        .sign(Request::post(uri))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body");
    (status, body.to_bytes().to_vec())
}

/// Posts `body` as JSON with the test app's session: the status and the body read back.
async fn post_json(app: &TestApp, uri: &str, body: String) -> (StatusCode, Vec<u8>) {
    post(app, uri, "application/json", body).await
}

/// An item's body beyond [`crate::json::MAX_BODY`] is refused with a JSON 413 and stores
/// nothing; the same item without the padding is taken, and an import, which has a limit of its
/// own, may be larger.
#[tokio::test]
async fn an_item_body_over_the_limit_is_a_json_413_and_an_import_may_be_larger() {
    use super::tests_access::hotspot;
    use crate::json::MAX_BODY;
    let app = test_app(std::path::Path::new("no-dist")).await;
    let count = async || {
        let (status, _, body) = get(&app, api::HOTSPOTS).await;
        assert_eq!(status, StatusCode::OK);
        let layer: serde_json::Value = serde_json::from_slice(&body).unwrap();
        layer["features"].as_array().unwrap().len()
    };
    let before = count().await;

    let item = hotspot("Zu groß", "polizei", &[]).to_string();
    let padded = format!("{item}{}", " ".repeat(MAX_BODY));
    let (status, body) = post_json(&app, api::HOTSPOTS, padded).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let err: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(err.error.code, "payload_too_large");
    assert_eq!(
        err.error.field.as_deref(),
        Some("body"),
        "{}",
        err.error.message
    );
    assert_eq!(count().await, before, "nothing was stored");

    let (status, _) = post_json(&app, api::HOTSPOTS, item).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(count().await, before + 1);

    let features: Vec<serde_json::Value> = (0..1500)
        .map(|i| {
            let mut properties = hotspot(&format!("Importiert {i}"), "polizei", &[]);
            let geometry = properties["geometry"].take();
            serde_json::json!({"type": "Feature", "geometry": geometry, "properties": properties})
        })
        .collect();
    let import = serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
    assert!(import.len() > MAX_BODY, "{} bytes", import.len());
    let (status, body) = post_json(&app, "/api/import/hotspots", import).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(count().await, before + 1 + 1500);
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let response = app
        .router
        .clone()
        .oneshot(
            app.session
                .sign(Request::delete(api::DISTRICTS))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let err: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(err.error.code, "method_not_allowed");
}

#[tokio::test]
async fn client_routes_get_index_html() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Lagebild</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log(1)").unwrap();
    let app = test_app(dist.path()).await;

    let (status, content_type, body) = get(&app, "/bezirk/heessen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/html"));
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("<title>Lagebild</title>")
    );

    let (status, content_type, _) = get(&app, "/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().contains("javascript"));
}

#[tokio::test]
async fn without_a_built_app_the_page_says_how_to_build_it() {
    let app = test_app(std::path::Path::new("/nonexistent-dist")).await;
    let (status, _, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(String::from_utf8(body).unwrap().contains("trunk build"));
}

#[test]
fn an_invalid_tile_url_stops_the_start() {
    let mut config = Config::for_tests("d".into(), "dist".into());
    config.tile_url = Some("tiles.example/{z}/{x}/{y}.png".into());
    assert!(matches!(
        startup::map_config(&config),
        Err(startup::StartupError::TileUrl(_))
    ));
}

fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_resolves_every_reference() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    let (status, _, body) = get(&app, api::OPENAPI).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let endpoints = crate::handlers::endpoints();
    assert!(endpoints.len() >= 20);
    for e in &endpoints {
        for op in &e.ops {
            let method = op.method.as_str().to_lowercase();
            assert!(
                doc["paths"][e.path][&method].is_object(),
                "{method} {} is not documented",
                e.path
            );
        }
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        endpoints.iter().map(|e| e.ops.len()).sum::<usize>(),
        "no extra operations"
    );
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 30);
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling reference {r}"
        );
    }
    // The wire types' schemas follow serde's names.
    let action = &doc["components"]["schemas"]["Action"];
    assert!(action["properties"]["lead_agency"].is_object(), "{action}");
    assert!(
        doc["components"]["schemas"]["ActionKind"]
            .to_string()
            .contains("joint_operation")
    );
}

#[tokio::test]
async fn every_documented_method_is_routed_and_every_other_is_refused() {
    let app = test_app(std::path::Path::new("no-dist")).await;
    for e in crate::handlers::endpoints() {
        let path = e
            .path
            .replace("{id}", "999999")
            .replace("{login}", "niemand")
            .replace("{file}", "actions.csv");
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let documented = e.ops.iter().any(|op| op.method == method);
            let mut request = app
                .session
                .sign(Request::builder().method(method.clone()).uri(&path));
            if method == Method::GET && path == api::EVENTS {
                // An event stream never ends; a bad resume id answers at once.
                request = request.header("last-event-id", "x");
            }
            let response = app
                .router
                .clone()
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = response.status();
            if documented {
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but not routed"
                );
                let body = response.into_body().collect().await.unwrap().to_bytes();
                assert!(
                    !String::from_utf8_lossy(&body).contains("API endpoint not found"),
                    "{method} {path} fell through"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is routed but not documented"
                );
            }
        }
    }
}
