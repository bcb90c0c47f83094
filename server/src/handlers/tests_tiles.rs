//! Base maps the server carries (issue 21, first part): small MBTiles and PMTiles files made
//! here are served at `/tiles/{name}/{z}/{x}/{y}` with their media type, ETag and caching, and
//! described in `/api/config`.

use std::{io::Write, path::Path};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use model::{access::Role, api};
use serde_json::json;
use tower::ServiceExt;

use crate::test_support::{Fixture, TestSession, fixture_configured, session};

/// A PNG's first bytes and a marker: the server never decodes tiles.
fn png(marker: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(marker.as_bytes());
    bytes
}

/// A tile's place (zoom, column, row counted from the north) and its bytes.
type Tiles = [((u8, u32, u32), Vec<u8>)];

/// Hamm's tile at zoom 12 (XYZ, y down).
const HAMM_12: (u8, u32, u32) = (12, 2136, 1364);

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// An MBTiles file (the spec's tables; rows in TMS order, counted from the south).
fn mbtiles(path: &Path, format: &str, tiles: &Tiles) {
    let conn = rusqlite::Connection::open(path).expect("mbtiles");
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .expect("schema");
    for (name, value) in [
        ("name", "Stadtplan Test"),
        ("format", format),
        ("minzoom", "12"),
        ("maxzoom", "14"),
        ("bounds", "7.70,51.60,7.95,51.75"),
        ("attribution", "© Testdaten"),
    ] {
        conn.execute(
            "INSERT INTO metadata VALUES (?1, ?2)",
            rusqlite::params![name, value],
        )
        .expect("metadata");
    }
    for ((z, x, y), data) in tiles {
        let row = (1i64 << z) - 1 - i64::from(*y);
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![z, x, row, data],
        )
        .expect("tile");
    }
}

/// A PMTiles v3 file of vector tiles, gzipped, written by the `pmtiles` crate.
fn pmtiles(path: &Path, tiles: &Tiles) {
    let file = std::fs::File::create(path).expect("pmtiles");
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Mvt)
        .tile_compression(pmtiles::Compression::Gzip)
        .min_zoom(10)
        .max_zoom(16)
        .bounds(7.70, 51.60, 7.95, 51.75)
        .metadata(r#"{"attribution": "© OpenStreetMap-Mitwirkende (Test)"}"#)
        .create(file)
        .expect("writer");
    for ((z, x, y), data) in tiles {
        writer
            .add_tile(pmtiles::TileCoord::new(*z, *x, *y).expect("coord"), data)
            .expect("tile");
    }
    writer.finalize().expect("finalize");
}

/// A raw GET with `headers`: status, headers and body bytes.
async fn raw(
    f: &Fixture,
    who: Option<&TestSession>,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut b = Request::get(uri);
    if let Some(s) = who {
        b = s.sign(b);
    }
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    let response = f
        .router
        .clone()
        .oneshot(b.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let h = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, h, bytes)
}

#[tokio::test]
async fn mbtiles_and_pmtiles_are_served_with_their_type_etag_and_caching() {
    let dir = tempfile::tempdir().expect("dir");
    let (plan, luft, vektor) = (
        dir.path().join("plan.mbtiles"),
        dir.path().join("luft.mbtiles"),
        dir.path().join("osm.pmtiles"),
    );
    mbtiles(&plan, "png", &[(HAMM_12, png("stadtplan 12"))]);
    let vector_tile = b"\x1a\x05layer-bytes-of-a-vector-tile".to_vec();
    mbtiles(&luft, "pbf", &[(HAMM_12, gzip(&vector_tile))]);
    pmtiles(
        &vektor,
        &[
            (HAMM_12, vector_tile.clone()),
            ((13, 4273, 2729), b"z13".to_vec()),
        ],
    );
    let specs = vec![
        format!("stadtplan={}", plan.display()),
        format!("vektor-mb={}", luft.display()),
        vektor.display().to_string(),
    ];
    let f = fixture_configured(|c| c.basemaps = specs).await;
    let officer = session(&f.state, "kod-lage", Role::Officer, "kod").await;
    let wall = session(&f.state, "kod-wand", Role::Display, "kod").await;

    // Described in the map's configuration, in the order given.
    let config = f.get(&officer, api::CONFIG).await;
    assert_eq!(
        config["basemaps"],
        json!([
            {"name": "stadtplan", "format": "png", "min_zoom": 12, "max_zoom": 14,
             "bounds": {"south_west": {"lat": 51.6, "lng": 7.7}, "north_east": {"lat": 51.75, "lng": 7.95}},
             "attribution": "© Testdaten", "tiles": "/tiles/stadtplan/{z}/{x}/{y}"},
            {"name": "vektor-mb", "format": "mvt", "min_zoom": 12, "max_zoom": 14,
             "bounds": {"south_west": {"lat": 51.6, "lng": 7.7}, "north_east": {"lat": 51.75, "lng": 7.95}},
             "attribution": "© Testdaten", "tiles": "/tiles/vektor-mb/{z}/{x}/{y}"},
            {"name": "osm", "format": "mvt", "min_zoom": 10, "max_zoom": 16,
             "bounds": {"south_west": {"lat": 51.6, "lng": 7.7}, "north_east": {"lat": 51.75, "lng": 7.95}},
             "attribution": "© OpenStreetMap-Mitwirkende (Test)", "tiles": "/tiles/osm/{z}/{x}/{y}"}
        ])
    );

    // A raster tile from MBTiles (y counted from the north, as Leaflet asks).
    let (z, x, y) = HAMM_12;
    let uri = format!("/tiles/stadtplan/{z}/{x}/{y}");
    let (status, h, body) = raw(&f, Some(&wall), &uri, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/png");
    assert_eq!(h[header::CACHE_CONTROL], "private, max-age=86400");
    assert_eq!(body, png("stadtplan 12"));
    let etag = h[header::ETAG].to_str().expect("etag").to_owned();
    let (status, h, body) = raw(&f, Some(&wall), &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(h[header::ETAG], etag.as_str());
    assert!(body.is_empty());
    // The tile south of it is not there: 204, nothing to draw.
    let (status, _, _) = raw(
        &f,
        Some(&wall),
        &format!("/tiles/stadtplan/{z}/{x}/{}", y + 1),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Vector tiles stored gzipped (MBTiles and PMTiles): sent gzipped to a client that takes
    // it, unpacked to one that does not.
    for name in ["vektor-mb", "osm"] {
        let uri = format!("/tiles/{name}/{z}/{x}/{y}");
        let (status, h, body) =
            raw(&f, Some(&officer), &uri, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(
            h[header::CONTENT_TYPE],
            "application/vnd.mapbox-vector-tile"
        );
        assert_eq!(h[header::CONTENT_ENCODING], "gzip", "{name}");
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unpacked)
            .expect("gzip");
        assert_eq!(unpacked, vector_tile, "{name}");
        let (_, h, body) = raw(&f, Some(&officer), &uri, &[]).await;
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, vector_tile, "{name}");
    }
    let (_, _, body) = raw(&f, Some(&officer), "/tiles/osm/13/4273/2729", &[]).await;
    assert_eq!(body, b"z13");

    // Refusals: no session, an unknown map, coordinates out of range (by field).
    let (status, _, _) = raw(&f, None, &uri, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = f
        .send(
            Some(&officer),
            axum::http::Method::GET,
            "/tiles/luftbild/12/1/1",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    for (uri, field) in [
        ("/tiles/stadtplan/31/0/0", "z"),
        ("/tiles/stadtplan/2/4/0", "x"),
        ("/tiles/stadtplan/2/0/-1", "y"),
        ("/tiles/stadtplan/zwölf/0/0", "z"),
    ] {
        let (status, _, body) = f
            .send(Some(&officer), axum::http::Method::GET, uri, None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["field"], field, "{uri}");
    }
}

#[tokio::test]
async fn a_base_map_that_cannot_be_read_stops_the_start_with_its_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let not_tiles = dir.path().join("kaputt.mbtiles");
    std::fs::write(&not_tiles, b"keine Datenbank").expect("file");
    let cases = [
        (
            "Stadt Plan=/x.mbtiles".to_owned(),
            "1 to 32 lowercase letters",
        ),
        (
            format!("plan={}", dir.path().join("fehlt.mbtiles").display()),
            "no such file",
        ),
        (
            format!("plan={}", not_tiles.display()),
            "not an MBTiles file",
        ),
        (
            format!("plan={}", dir.path().join("fehlt.pmtiles").display()),
            "no such file",
        ),
        (
            "wms=/x.mbtiles".to_owned(),
            "the switch's name for --wms-url or --tile-url",
        ),
    ];
    for (spec, reason) in cases {
        let error = crate::basemap::Basemaps::open(std::slice::from_ref(&spec))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains(reason), "{spec}: {error}");
    }
    let good = dir.path().join("gut.mbtiles");
    mbtiles(&good, "png", &[(HAMM_12, png("x"))]);
    let spec = format!("a={}", good.display());
    let twice = crate::basemap::Basemaps::open(&[spec.clone(), spec])
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(twice, "--basemap two base maps named 'a'");
}

/// An intranet map service: described in the map's configuration, and the page may load
/// images from its origin and from no other.
#[tokio::test]
async fn a_map_service_is_offered_and_its_origin_alone_allowed() {
    let f = fixture_configured(|c| {
        c.wms_url = Some("https://geo.intranet.hamm.de:8443/wms/dtk?map=dtk".into());
        c.wms_layers = Some("dtk10,gebaeude".into());
        c.wms_attribution = Some("© Stadt Hamm, Vermessungs- und Katasteramt".into());
    })
    .await;
    let planner = session(&f.state, "kod-plan", Role::Planner, "kod").await;
    let config = f.get(&planner, api::CONFIG).await;
    assert_eq!(
        config["wms"],
        json!({"url": "https://geo.intranet.hamm.de:8443/wms/dtk?map=dtk",
               "layers": "dtk10,gebaeude", "format": "image/png",
               "attribution": "© Stadt Hamm, Vermessungs- und Katasteramt"})
    );
    let (_, h, _) = raw(&f, Some(&planner), api::CONFIG, &[]).await;
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    assert!(
        csp.contains("img-src 'self' data: https://geo.intranet.hamm.de:8443;"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self';"), "{csp}");

    // Without one, none.
    let plain = fixture_configured(|_| {}).await;
    let planner = session(&plain.state, "kod-plan", Role::Planner, "kod").await;
    assert_eq!(
        plain.get(&planner, api::CONFIG).await["wms"],
        serde_json::Value::Null
    );
    let (_, h, _) = raw(&plain, Some(&planner), api::CONFIG, &[]).await;
    assert!(
        h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("csp")
            .contains("img-src 'self' data:;")
    );

    // A bad setting stops the start, naming the flag.
    let mut config = crate::Config::for_tests("d".into(), "dist".into());
    config.wms_url = Some("https://geo.intranet/wms".into());
    config.wms_layers = Some("a b".into());
    let err = crate::startup::map_config(&config).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "--wms-layers: layer names are letters, digits and _ - . : (comma-separated)"
    );
}

/// A file's attribution is shown as text: its HTML is not the operator's to vouch for.
#[tokio::test]
async fn a_files_attribution_is_text() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("plan.mbtiles");
    mbtiles(&file, "png", &[(HAMM_12, png("x"))]);
    rusqlite::Connection::open(&file)
        .expect("open")
        .execute(
            "UPDATE metadata SET value = ?1 WHERE name = 'attribution'",
            [r#"<a href="https://example.org">© Karte</a><meta http-equiv="refresh" content="0">"#],
        )
        .expect("update");
    let maps = crate::basemap::Basemaps::open(&[format!("plan={}", file.display())])
        .await
        .expect("opens");
    assert_eq!(
        maps.infos()[0].attribution.as_deref(),
        Some(
            "&lt;a href=&quot;https://example.org&quot;&gt;© Karte&lt;/a&gt;&lt;meta http-equiv=&quot;refresh&quot; content=&quot;0&quot;&gt;"
        )
    );
}
