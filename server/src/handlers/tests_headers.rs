//! The security headers on every kind of response, caching by kind of path, and compression.

use axum::{
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use tower::ServiceExt;

use model::access::Role;

use crate::{
    Config, startup,
    test_support::{TestSession, session},
};

/// A router over a small built app: index.html with Trunk's inline start-up script, a hashed
/// script and Leaflet's unhashed file.
async fn app_with_dist() -> (axum::Router, tempfile::TempDir, tempfile::TempDir) {
    let (router, dist, data, _) = app_with_dist_and_session().await;
    (router, dist, data)
}

/// [`app_with_dist`] and a signed-in officer's session.
async fn app_with_dist_and_session() -> (
    axum::Router,
    tempfile::TempDir,
    tempfile::TempDir,
    TestSession,
) {
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><script src=\"/leaflet/leaflet.js\"></script><script type=\"module\">import init from '/app-0123456789abcdef.js';</script>",
    )
    .expect("index");
    std::fs::write(
        dist.path().join("app-0123456789abcdef.js"),
        "export default 1;".repeat(100),
    )
    .expect("js");
    std::fs::create_dir(dist.path().join("leaflet")).expect("leaflet dir");
    std::fs::write(dist.path().join("leaflet/leaflet.js"), "var L = {};").expect("leaflet");
    let data = tempfile::tempdir().expect("data");
    let config = Config::for_tests(data.path().to_owned(), dist.path().to_owned());
    let state = startup::state(&config).await.expect("state");
    let session = session(&state, "kod-lage", Role::Officer, "kod").await;
    (startup::app(state, dist.path()), dist, data, session)
}

async fn headers_of(
    router: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (router, _dist, _data) = app_with_dist().await;
    let requests = [
        ("/api/health", StatusCode::OK),
        ("/api/nothing-here", StatusCode::NOT_FOUND),
        ("/api/hotspots?kind=picnic", StatusCode::UNAUTHORIZED),
        ("/", StatusCode::OK),
        ("/bezirk/mitte", StatusCode::OK),
        ("/app-0123456789abcdef.js", StatusCode::OK),
        ("/leaflet/leaflet.js", StatusCode::OK),
    ];
    for (uri, expected) in requests {
        let (status, h, _) = headers_of(&router, get(uri)).await;
        assert_eq!(status, expected, "{uri}");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{uri}: {csp}"
        );
        for part in [
            "'wasm-unsafe-eval'",
            "'sha256-",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{uri}: {part} missing in {csp}");
        }
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        // No TLS here, so no HSTS.
        assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{uri}");
    }
}

#[tokio::test]
async fn the_csp_hash_matches_the_inline_start_up_script() {
    let (router, _dist, _data) = app_with_dist().await;
    let (_, h, body) = headers_of(&router, get("/")).await;
    let html = String::from_utf8(body).unwrap();
    let hashes = crate::security::inline_script_hashes(&html);
    assert_eq!(hashes.len(), 1);
    assert!(
        h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains(&hashes[0])
    );
}

#[tokio::test]
async fn the_api_is_never_stored_and_hashed_files_are_cached_for_a_year() {
    let (router, _dist, _data) = app_with_dist().await;
    for (uri, cache) in [
        ("/api/hotspots", "no-store"),
        ("/api/nothing-here", "no-store"),
        ("/api", "no-store"),
        (
            "/app-0123456789abcdef.js",
            "public, max-age=31536000, immutable",
        ),
        ("/leaflet/leaflet.js", "no-cache"),
        ("/", "no-cache"),
    ] {
        let (_, h, _) = headers_of(&router, get(uri)).await;
        assert_eq!(h[header::CACHE_CONTROL], cache, "{uri}");
    }
}

#[tokio::test]
async fn answers_are_compressed_when_the_client_accepts_it_but_events_are_not() {
    let (router, _dist, _data, s) = app_with_dist_and_session().await;
    for encoding in ["gzip", "br"] {
        let request = s
            .sign(Request::get("/api/districts"))
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let (status, h, body) = headers_of(&router, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_ENCODING], encoding);
        let plain_request = s.sign(Request::get("/api/districts"));
        let (_, _, plain) = headers_of(&router, plain_request.body(Body::empty()).unwrap()).await;
        assert!(
            body.len() * 2 < plain.len(),
            "{encoding}: {} of {} bytes",
            body.len(),
            plain.len()
        );
    }
    // The routes that skip the compression wrapper answer encoded by the layer cache; other
    // answers are compressed on the way out: another API answer, and an app file without a
    // precompressed copy.
    let density = format!(
        "{}?west=7.65&south=51.57&east=8.05&north=51.76&zoom=12",
        model::api::INCIDENT_DENSITY
    );
    let cached = super::ENCODED_BY_THE_CACHE.iter().map(|uri| {
        if *uri == model::api::INCIDENT_DENSITY {
            (density.as_str(), "gzip")
        } else {
            (*uri, "gzip")
        }
    });
    let others = [
        ("/api/openapi.json", "gzip"),
        ("/api/openapi.json", "br"),
        ("/", "gzip"),
    ];
    for (uri, encoding) in cached.chain(others) {
        let request = s
            .sign(Request::get(uri))
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let (status, h, _) = headers_of(&router, request).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(h[header::CONTENT_ENCODING], encoding, "{uri}");
    }
    // Server-Sent Events must reach clients at once, not wait in a compressor's buffer.
    let request = s
        .sign(Request::get("/api/events"))
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn precompressed_app_files_are_sent_as_they_are_and_only_to_clients_that_accept_them() {
    let (router, dist, _data) = app_with_dist().await;
    // What script/precompress.mjs leaves beside a file; the marker bytes show which was sent.
    let wasm = dist.path().join("app-0123456789abcdef_bg.wasm");
    std::fs::write(&wasm, b"\0asm plain").unwrap();
    std::fs::write(
        dist.path().join("app-0123456789abcdef_bg.wasm.br"),
        b"brotli copy",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("app-0123456789abcdef_bg.wasm.gz"),
        b"gzip copy",
    )
    .unwrap();
    for (accept, encoding, body) in [
        ("gzip, deflate, br", Some("br"), &b"brotli copy"[..]),
        ("gzip", Some("gzip"), &b"gzip copy"[..]),
        ("identity", None, &b"\0asm plain"[..]),
    ] {
        let request = Request::get("/app-0123456789abcdef_bg.wasm")
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .unwrap();
        let (status, h, sent) = headers_of(&router, request).await;
        assert_eq!(status, StatusCode::OK, "{accept}");
        assert_eq!(
            h.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            sent, body,
            "{accept}: the stored copy, not compressed again"
        );
        assert_eq!(h[header::CONTENT_TYPE], "application/wasm", "{accept}");
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
}
