//! Base maps and place search in the browser (issue 21): tiles drawn from the server's own
//! MBTiles (raster) and PMTiles (vector) under the strict Content-Security-Policy, the wall's
//! dark and dimmed base map, the switch in the URL, nothing requested from elsewhere without a
//! base map, and the search box moving the map and giving an action its place.
#![allow(clippy::unwrap_used)] // a test that cannot set up should stop loudly

use std::{io::Write, path::Path, time::Duration};

use serde_json::{Value, json};
use tests::{Browser, TestServer};

/// Hamm's bounding box, west, south, east, north.
const HAMM: [f64; 4] = [7.65, 51.57, 8.05, 51.78];

/// The XYZ tiles over Hamm at `z`.
fn tiles_over_hamm(z: u8) -> Vec<(u8, u32, u32)> {
    let n = f64::from(1u32 << z);
    let x = |lon: f64| ((lon + 180.0) / 360.0 * n) as u32;
    let y = |lat: f64| {
        let r = lat.to_radians();
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32
    };
    let mut out = Vec::new();
    for tx in x(HAMM[0])..=x(HAMM[2]) {
        for ty in y(HAMM[3])..=y(HAMM[1]) {
            out.push((z, tx, ty));
        }
    }
    out
}

/// A 256×256 PNG of one colour (written here: the tests need a picture the browser decodes).
fn png(rgb: [u8; 3]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    // Each row: filter type 0, then 256 pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(std::iter::repeat_n(rgb, 256).flatten())
        .collect();
    let raw = row.repeat(256);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let idat = z.finish().unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A Mapbox vector tile whose layer `earth` (the Protomaps basemap schema, what planetiler
/// and `pmtiles extract` of the Protomaps build give) is one polygon over the whole tile.
fn land_tile() -> Vec<u8> {
    let zigzag = |n: i64| ((n << 1) ^ (n >> 63)) as u64;
    // MoveTo(-64,-64), LineTo +4224,0 / 0,+4224 / -4224,0, ClosePath: clockwise on screen.
    let mut geometry = Vec::new();
    for v in [
        9,
        zigzag(-64),
        zigzag(-64),
        26,
        zigzag(4224),
        0,
        0,
        zigzag(4224),
        zigzag(-4224),
        0,
        15,
    ] {
        varint(&mut geometry, v);
    }
    let mut feature = Vec::new();
    varint(&mut feature, 3 << 3); // type
    varint(&mut feature, 3); // polygon
    field_bytes(&mut feature, 4, &geometry);
    let mut layer = Vec::new();
    varint(&mut layer, 15 << 3); // version
    varint(&mut layer, 2);
    field_bytes(&mut layer, 1, b"earth");
    field_bytes(&mut layer, 2, &feature);
    varint(&mut layer, 5 << 3); // extent
    varint(&mut layer, 4096);
    let mut tile = Vec::new();
    field_bytes(&mut tile, 3, &layer);
    tile
}

/// An MBTiles file of PNG tiles over Hamm, zooms 8–13.
fn raster_mbtiles(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
         INSERT INTO metadata VALUES ('format', 'png'), ('minzoom', '8'), ('maxzoom', '13'),
           ('attribution', '© Testkarte Stadtplan');",
    )
    .unwrap();
    let tile = png([120, 200, 120]);
    for z in 8..=13u8 {
        for (z, x, y) in tiles_over_hamm(z) {
            let row = (1i64 << z) - 1 - i64::from(y);
            conn.execute(
                "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![z, x, row, tile],
            )
            .unwrap();
        }
    }
}

/// A PMTiles file of vector tiles over Hamm, zooms 8–13.
fn vector_pmtiles(path: &Path) {
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Mvt)
        .tile_compression(pmtiles::Compression::Gzip)
        .min_zoom(8)
        .max_zoom(13)
        .bounds(HAMM[0], HAMM[1], HAMM[2], HAMM[3])
        .metadata(r#"{"attribution": "© OpenStreetMap-Mitwirkende (Test)"}"#)
        .create(std::fs::File::create(path).unwrap())
        .unwrap();
    let tile = land_tile();
    for z in 8..=13u8 {
        for (z, x, y) in tiles_over_hamm(z) {
            writer
                .add_tile(pmtiles::TileCoord::new(z, x, y).unwrap(), &tile)
                .unwrap();
        }
    }
    writer.finalize().unwrap();
}

/// Every resource the page loaded came from `origin`.
async fn requested_elsewhere(browser: &Browser, origin: &str) -> Vec<String> {
    let names = browser
        .eval(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await;
    names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|n| !n.starts_with(origin))
        .map(str::to_owned)
        .collect()
}

/// The colour the vector base map has in the middle of the map (`null` until drawn there).
const VECTOR_PIXEL: &str = "const m = document.querySelector('[data-testid=map]').getBoundingClientRect(); \
    const x = (m.left + m.right) / 2, y = (m.top + m.bottom) / 2; \
    const c = [...document.querySelectorAll('.basemap canvas')].find(c => { \
        const r = c.getBoundingClientRect(); return r.left <= x && x < r.right && r.top <= y && y < r.bottom; }); \
    if (!c) return null; \
    const r = c.getBoundingClientRect(); \
    const d = c.getContext('2d').getImageData(Math.floor((x - r.left) * c.width / r.width), \
        Math.floor((y - r.top) * c.height / r.height), 1, 1).data; \
    return d[3] > 0 ? [...d] : null;";

/// A script that is `true` once the middle of the map shows `rgb`.
fn shows(rgb: [u8; 3]) -> String {
    format!(
        "const p = (() => {{ {VECTOR_PIXEL} }})(); return p !== null && p[0] === {} && p[1] === {} && p[2] === {};",
        rgb[0], rgb[1], rgb[2]
    )
}

#[tokio::test]
async fn base_maps_are_drawn_from_the_own_origin_switched_in_the_url_and_dimmed_on_the_wall() {
    let files = tempfile::tempdir().unwrap();
    let (plan, osm) = (
        files.path().join("stadtplan.mbtiles"),
        files.path().join("osm.pmtiles"),
    );
    raster_mbtiles(&plan);
    vector_pmtiles(&osm);
    let server = TestServer::with_app_and_demo_configured(|c| {
        c.basemaps = vec![
            format!("stadtplan={}", plan.display()),
            format!("osm={}", osm.display()),
        ];
    })
    .await;
    let browser = Browser::start(1600, 1000).await;

    // The first base map (raster) by default, its tiles from /tiles on this server, the
    // districts above it.
    browser
        .open(
            &format!("{}/", server.url),
            "return document.querySelectorAll('path.district').length === 7 \
             && document.querySelectorAll('.basemap img.leaflet-tile-loaded').length >= 4;",
        )
        .await;
    let sources = browser
        .eval(
            "return [...document.querySelectorAll('.basemap img.leaflet-tile-loaded')].map(i => i.src);",
            vec![],
        )
        .await;
    let prefix = format!("{}/tiles/stadtplan/", server.url);
    assert!(
        sources
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.as_str().unwrap().starts_with(&prefix)),
        "{sources}"
    );
    let above = browser
        .eval(
            "const t = getComputedStyle(document.querySelector('.leaflet-tile-pane')).zIndex; \
             const o = getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex; \
             return [Number(t), Number(o)];",
            vec![],
        )
        .await;
    assert_eq!(
        above,
        json!([200, 400]),
        "districts and layers above the base map"
    );
    let attribution = browser.text(".leaflet-control-attribution").await;
    assert!(
        attribution.contains("© Testkarte Stadtplan"),
        "{attribution}"
    );

    // The switch: "aus" takes it away and says so in the URL; the vector map is drawn light.
    browser
        .set_value("[data-testid=basemap-switch]", "aus")
        .await;
    browser
        .wait_until(
            "no base map",
            "return location.search.includes('grundkarte=aus') && !document.querySelector('.basemap');",
            Duration::from_secs(5),
        )
        .await;
    browser
        .set_value("[data-testid=basemap-switch]", "osm")
        .await;
    // The light flavour's land (#e2dfda) in the middle of the map.
    browser
        .wait_until(
            "the vector base map, light",
            &format!(
                "if (!location.search.includes('grundkarte=osm')) return false; {}",
                shows([226, 223, 218])
            ),
            Duration::from_secs(10),
        )
        .await;
    assert!(
        browser.csp_violations().await.is_empty(),
        "tiles and the vector script under the policy"
    );
    assert_eq!(
        requested_elsewhere(&browser, &server.url).await,
        Vec::<String>::new()
    );

    // The wall: the same vector map in the dark flavour, dimmed.
    browser
        .open(
            &format!("{}/wand?grundkarte=osm", server.url),
            "return document.querySelectorAll('path.district').length === 7;",
        )
        .await;
    // The dark flavour's land (#1f1f1f).
    browser
        .wait_until(
            "the vector base map, dark",
            &shows([31, 31, 31]),
            Duration::from_secs(10),
        )
        .await;
    let filter = browser
        .eval(
            "return getComputedStyle(document.querySelector('.basemap')).filter;",
            vec![],
        )
        .await;
    assert_eq!(filter, json!("brightness(0.55) saturate(0.5)"));
    // …and the raster map dimmed the same way.
    browser
        .open(
            &format!("{}/wand", server.url),
            "return document.querySelectorAll('.basemap img.leaflet-tile-loaded').length >= 4;",
        )
        .await;
    assert!(browser.csp_violations().await.is_empty());
    assert_eq!(
        requested_elsewhere(&browser, &server.url).await,
        Vec::<String>::new()
    );
    browser.save_screenshot("wall-basemap").await;

    // The admin screen says which base maps are loaded.
    browser
        .open(
            &format!("{}/verwaltung", server.url),
            "return document.querySelectorAll('[data-testid=basemap-loaded]').length === 2;",
        )
        .await;
    let loaded = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=basemap-loaded]')].map(l => l.textContent);",
            vec![],
        )
        .await;
    assert_eq!(
        loaded,
        json!([
            "stadtplan – png · z8–13 – © Testkarte Stadtplan",
            "osm – mvt · z8–13 – © OpenStreetMap-Mitwirkende (Test)"
        ])
    );
}

#[tokio::test]
async fn without_a_base_map_nothing_is_requested_from_elsewhere() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1400, 900).await;
    for (path, ready) in [
        (
            "/",
            "return document.querySelectorAll('path.district').length === 7;",
        ),
        (
            "/wand",
            "return document.querySelectorAll('path.district').length === 7;",
        ),
        (
            "/planung",
            "return document.querySelectorAll('.planning-map path.district').length === 7;",
        ),
    ] {
        browser.open(&format!("{}{path}", server.url), ready).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            browser
                .eval("return !document.querySelector('.basemap') && !document.querySelector('[data-testid=basemap-switch]');", vec![])
                .await
                == json!(true),
            "{path}: no base map, no switch"
        );
        assert_eq!(
            requested_elsewhere(&browser, &server.url).await,
            Vec::<String>::new(),
            "{path}"
        );
    }
    browser
        .open(
            &format!("{}/verwaltung", server.url),
            "return !!document.querySelector('[data-testid=basemap-none]');",
        )
        .await;
}

/// Types `text` into the search box and waits for the suggestions.
async fn search(browser: &Browser, text: &str) -> Vec<String> {
    browser
        .eval(
            "document.querySelector('[data-testid=place-search-input]').focus(); return true;",
            vec![],
        )
        .await;
    browser
        .set_value("[data-testid=place-search-input]", text)
        .await;
    browser
        .wait_until(
            &format!("suggestions for {text}"),
            "return document.querySelectorAll('[data-testid=place-suggestion]').length > 0;",
            Duration::from_secs(5),
        )
        .await;
    browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=place-suggestion] .name')].map(n => n.textContent);",
            vec![],
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_search_finds_places_and_addresses_moves_the_map_and_gives_an_action_its_place() {
    let server = TestServer::with_app_and_demo().await;
    // The state's address layout, imported through the command line.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("gebref.csv");
    std::fs::write(
        &csv,
        "STN;HNR;ADZ;PLZ;OSTWERT;NORDWERT\n\
         Südstraße;12;a;59065;417564,08;5725942,90\n\
         Südstraße;14;;59065;417600,00;5725950,00\n",
    )
    .unwrap();
    let data_dir = server.data.path().to_owned();
    let cli = server::cli::Command::Places(server::cli::PlaceCommand::Import {
        file: csv,
        attribution: Some("© Geobasis NRW (Test)".into()),
        place: server::cli::Place {
            data_dir,
            database_url: None,
            database_ca: None,
        },
    });
    server::cli::run(cli).await.expect("import");

    let browser = Browser::start(1600, 1000).await;
    browser
        .open(
            &format!("{}/", server.url),
            "return document.querySelectorAll('path.district').length === 7 \
             && !!document.querySelector('[data-testid=place-search-input]');",
        )
        .await;
    // The demo's hotspot (released to the police, whose admin this is) and the city's place.
    assert_eq!(
        search(&browser, "Westentor").await,
        ["Jugendszene Westentor", "Westentor (Bushaltestelle/Platz)"]
    );
    // Enter takes the first and moves the map there: the mark is in the middle of the map.
    browser.press(fantoccini::key::Key::Enter).await;
    let mark_in_middle = "const m = document.querySelector('path.search-mark'); if (!m) return false; \
        const r = m.getBoundingClientRect(); const c = document.querySelector('[data-testid=map]').getBoundingClientRect(); \
        return Math.abs((r.left + r.right) / 2 - (c.left + c.right) / 2) < 3 \
            && Math.abs((r.top + r.bottom) / 2 - (c.top + c.bottom) / 2) < 3;";
    browser
        .wait_until(
            "the mark in the middle",
            mark_in_middle,
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        search(&browser, "sudstr 12a").await,
        ["Südstraße 12a, 59065"]
    );
    // Whose addresses they are, below them (the import named it).
    assert_eq!(
        browser.text("[data-testid=place-attribution]").await,
        "© Geobasis NRW (Test)"
    );
    browser
        .eval(
            "document.querySelector('[data-testid=place-suggestion]').dispatchEvent(new MouseEvent('mousedown', {bubbles: true})); return true;",
            vec![],
        )
        .await;
    browser
        .wait_until(
            "the map at Südstraße 12a",
            mark_in_middle,
            Duration::from_secs(5),
        )
        .await;
    let value = browser
        .eval(
            "return document.querySelector('[data-testid=place-search-input]').value;",
            vec![],
        )
        .await;
    assert_eq!(value, json!("Südstraße 12a, 59065"));
    // Enter right after typing, before the new suggestions came, waits for them: it takes
    // Südstraße 14, not the 12a still listed.
    browser
        .set_value("[data-testid=place-search-input]", "sudstr 14")
        .await;
    browser.press(fantoccini::key::Key::Enter).await;
    browser
        .wait_until(
            "Südstraße 14 taken",
            "return document.querySelector('[data-testid=place-search-input]').value === 'Südstraße 14, 59065';",
            Duration::from_secs(5),
        )
        .await;
    assert!(browser.csp_violations().await.is_empty());

    // Planning: a result becomes the new action's place.
    browser
        .open(
            &format!("{}/planung", server.url),
            "return !!document.querySelector('[data-testid=action-form]') \
             && document.querySelectorAll('[data-testid=input-lead_agency] option').length >= 8 \
             && !!document.querySelector('[data-testid=place-search-input]');",
        )
        .await;
    assert_eq!(
        search(&browser, "südstr. 12 A").await,
        ["Südstraße 12a, 59065"]
    );
    browser.press(fantoccini::key::Key::Enter).await;
    browser
        .wait_until(
            "the offer to take the result",
            "return !!document.querySelector('[data-testid=take-search-result]');",
            Duration::from_secs(5),
        )
        .await;
    browser.click("[data-testid=take-search-result]").await;
    for (field, value) in [
        ("title", "Präsenzstreife Südstraße"),
        ("start", "2026-12-10T18:00"),
        ("end", "2026-12-10T20:00"),
    ] {
        browser
            .set_value(&format!("[data-testid=input-{field}]"), value)
            .await;
    }
    browser.click("[data-testid=save]").await;
    let actions = "/api/actions";
    let mut place = Value::Null;
    for _ in 0..50 {
        let stored: Value = server
            .client()
            .get(format!("{}{actions}", server.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(f) = stored["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["title"] == "Präsenzstreife Südstraße")
        {
            place = f["geometry"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(place["type"], "Point", "{place}");
    let [lon, lat] = [
        place["coordinates"][0].as_f64().unwrap(),
        place["coordinates"][1].as_f64().unwrap(),
    ];
    assert!(
        (lon - 7.8077).abs() < 1e-6 && (lat - 51.6784).abs() < 1e-6,
        "Südstraße 12a is where Hamm Hbf's coordinates were given: {place}"
    );
}

/// A stand-in for an intranet WMS on an origin of its own: answers every GetMap with a PNG and
/// keeps the query strings it was asked.
async fn map_service() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::{extract::RawQuery, http::header, routing::get};
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = std::sync::Arc::clone(&asked);
    let tile = png([200, 160, 120]);
    let app = axum::Router::new().route(
        "/wms",
        get(move |RawQuery(q): RawQuery| {
            let (seen, tile) = (std::sync::Arc::clone(&seen), tile.clone());
            async move {
                seen.lock().unwrap().push(q.unwrap_or_default());
                ([(header::CONTENT_TYPE, "image/png")], tile)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, asked)
}

#[tokio::test]
async fn a_map_service_is_drawn_from_its_origin_and_no_other_origin_is_allowed() {
    let (wms, asked) = map_service().await;
    let (elsewhere, _) = map_service().await;
    let url = format!("{wms}/wms");
    let server = TestServer::with_app_and_demo_configured(|c| {
        c.wms_url = Some(url);
        c.wms_layers = Some("stadtplan,gebaeude".into());
        c.wms_attribution = Some("© Stadt Hamm (Test)".into());
    })
    .await;
    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/", server.url),
            "return document.querySelectorAll('path.district').length === 7 \
             && document.querySelectorAll('.basemap img.leaflet-tile-loaded').length >= 4;",
        )
        .await;
    assert_eq!(
        browser
            .eval(
                "return document.querySelector('[data-testid=basemap-switch]').value;",
                vec![]
            )
            .await,
        json!("wms"),
        "the only base map is the first"
    );
    let sources = browser
        .eval(
            "return [...document.querySelectorAll('.basemap img.leaflet-tile-loaded')].map(i => i.src);",
            vec![],
        )
        .await;
    assert!(
        sources
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.as_str().unwrap().starts_with(&format!("{wms}/wms?"))),
        "{sources}"
    );
    // What the service was asked: GetMap 1.3.0 of the layers, 256-pixel tiles in Web Mercator.
    let first = asked.lock().unwrap().first().cloned().unwrap_or_default();
    for part in [
        "service=WMS",
        "request=GetMap",
        "version=1.3.0",
        "layers=stadtplan%2Cgebaeude",
        "format=image%2Fpng",
        "width=256",
        "height=256",
        "crs=EPSG%3A3857",
    ] {
        assert!(first.contains(part), "{part} not in {first}");
    }
    assert!(browser.csp_violations().await.is_empty());
    let attribution = browser.text(".leaflet-control-attribution").await;
    assert!(attribution.contains("© Stadt Hamm (Test)"), "{attribution}");

    // An image from any other origin is refused by the policy.
    browser
        .eval(
            "const i = document.createElement('img'); i.src = arguments[0]; document.body.appendChild(i); return true;",
            vec![json!(format!("{elsewhere}/wms?x=1"))],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let violations = browser.csp_violations().await;
    assert!(
        violations.iter().any(|v| v.contains(&elsewhere)),
        "{violations:#?}"
    );
}
