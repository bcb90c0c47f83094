//! Incident reports through the real router: the CSV import as German spreadsheets write it
//! (EPSG:25832 and WGS84, decimal comma, German times, BOM), all or nothing with problems
//! named by row and column, re-imports that change nothing; what the KOD, the customs office
//! and the police each read on every path (exact sets, written by hand); what a wall display
//! gets (aggregates only); who may report and change.
//!
//! Reference coordinates in EPSG:25832 were computed with PROJ (pyproj 3, `EPSG:4326` →
//! `EPSG:25832`, always_xy), not with the code under test.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::{Value, json};

use crate::test_support::{
    Fixture, TestSession, another_session, drain, fixture, follow, session, set,
};

/// Hamm's extent: `west,south,east,north`.
const HAMM: &str = "west=7.65&south=51.57&east=8.05&north=51.76";

/// Hamm Hbf (7.8077, 51.6784) and Heessen (7.8543, 51.7109) in EPSG:25832 with decimal
/// commas, and a WGS84 place; a BOM first, as Excel writes "CSV UTF-8".
const SPREADSHEET: &str = "\u{feff}Vorgang;Kategorie;Zeit;Anzahl;Rechtswert;Hochwert\r\n\
    A-1;Sachbeschädigung;05.12.2026 22:10;3;417564,08;5725942,90\r\n\
    A-2;Lärm;06.12.2026 01:30;1;420842,64;5729505,70\r\n\
    A-3;Diebstahl;01.07.2026 12:00;;7,8137;51,68016\r\n";

fn by_category(layer: &Value) -> Vec<(String, Value)> {
    let mut rows: Vec<(String, Value)> = layer["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["properties"]["category"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                f.clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

fn categories(layer: &Value) -> BTreeSet<String> {
    by_category(layer).into_iter().map(|(c, _)| c).collect()
}

#[tokio::test]
async fn a_spreadsheet_in_epsg_25832_lands_in_its_districts_and_a_reimport_changes_nothing() {
    let f = fixture().await;
    let admin = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let (status, outcome) = f
        .upload(&admin, api::INCIDENT_IMPORT, "text/csv", SPREADSHEET)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    assert_eq!(outcome, json!({"rows": 3, "imported": 3, "skipped": 0}));

    let layer = f.get(&admin, api::INCIDENTS).await;
    let rows = by_category(&layer);
    let summary: Vec<(&str, &str, &str, u64)> = rows
        .iter()
        .map(|(c, f)| {
            let p = &f["properties"];
            (
                c.as_str(),
                p["district"].as_str().unwrap_or_default(),
                p["start"].as_str().unwrap_or_default(),
                p["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("damage", "mitte", "2026-12-05T21:10:00Z", 3),
            ("noise", "heessen", "2026-12-06T00:30:00Z", 1),
            // Summer time: 12:00 in Hamm is 10:00 UTC.
            ("theft", "mitte", "2026-07-01T10:00:00Z", 1),
        ]
    );
    let station = &rows[0].1["geometry"]["coordinates"];
    let (lon, lat) = (
        station[0].as_f64().unwrap_or(0.0),
        station[1].as_f64().unwrap_or(0.0),
    );
    assert!(
        (lon - 7.8077).abs() < 1e-6 && (lat - 51.6784).abs() < 1e-6,
        "{lon}, {lat}"
    );
    // The source system's record id is kept only as a SHA-256, never in clear.
    let text = layer.to_string();
    assert!(!text.contains("A-1"), "{text}");
    assert_eq!(
        rows[0].1["properties"]["source_key"].as_str().map(str::len),
        Some(64)
    );

    let (status, again) = f
        .upload(&admin, api::INCIDENT_IMPORT, "text/csv", SPREADSHEET)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again, json!({"rows": 3, "imported": 0, "skipped": 3}));
    assert_eq!(by_category(&f.get(&admin, api::INCIDENTS).await).len(), 3);

    // Nor as a plain SHA-256 of the id, which anyone could recompute by trying every number
    // of the source system's pattern: the key is made with the installation's secret.
    let plain = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for p in ["id", "kod", "A-1"] {
            h.update(p.as_bytes());
            h.update([0x1f]);
        }
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert!(!text.contains(&plain), "{text}");

    // The trail records each import as one entry, with its numbers.
    let trail = f.get(&admin, api::AUDIT).await;
    let imports = trail
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["op"] == "bulk_imported" && e["subject"] == "incident")
        .map(|e| e["after"].clone())
        .collect::<Vec<_>>();
    assert_eq!(
        imports,
        [
            json!({"rows": 3, "imported": 0, "skipped": 3}),
            json!({"rows": 3, "imported": 3, "skipped": 0})
        ],
        "{trail}"
    );
}

#[tokio::test]
async fn a_bad_spreadsheet_names_row_and_column_and_stores_nothing() {
    let f = fixture().await;
    let admin = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let csv = "Kategorie;Zeit;Lon;Lat\n\
        Diebstahl;05.12.2026 22:10;7,8137;51,68016\n\
        Mord;05.12.2026 22:10;7,8137;51,68016\n\
        Lärm;32.13.2026 25:00;7,8137;51,68016\n\
        Lärm;05.12.2026 22:10;7,8137;51,68016\n";
    let (status, body) = f
        .upload(&admin, api::INCIDENT_IMPORT, "text/csv", csv)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(fields, ["row 3, column Kategorie", "row 4, column Zeit"]);
    assert_eq!(by_category(&f.get(&admin, api::INCIDENTS).await).len(), 0);

    let missing = "Kategorie;Datum der Meldung\nDiebstahl;05.12.2026\n";
    let (status, body) = f
        .upload(&admin, api::INCIDENT_IMPORT, "text/csv", missing)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "header");

    let outside = "Kategorie;Zeit;Lon;Lat\nLärm;05.12.2026 22:10;9,5;48,1\n";
    let (status, body) = f
        .upload(&admin, api::INCIDENT_IMPORT, "text/csv", outside)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["details"][0]["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("row 2, ")),
        "{body}"
    );
    let (status, body) = f
        .upload(
            &admin,
            &format!("{}?released_to=kod", api::INCIDENT_IMPORT),
            "text/csv",
            "Kategorie;Zeit;Lon;Lat\nLärm;05.12.2026 22:10;7,8137;51,68016\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"][0]["field"], "released_to[0]");
}

fn incident(category: &str, owner: &str, released: &[&str]) -> Value {
    let start = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
    json!({"category": category, "start": start.to_string(), "agency": owner,
        "released_to": released,
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]}})
}

async fn density_total(f: &Fixture, who: &TestSession) -> Value {
    f.get(who, &format!("{}?{HAMM}&zoom=14", api::INCIDENT_DENSITY))
        .await
}

fn summary_incidents(rows: &Value) -> u64 {
    rows.as_array()
        .into_iter()
        .flatten()
        .map(|r| r["incidents"].as_u64().unwrap_or(0))
        .sum()
}

/// Three agencies' incidents; each agency reads exactly its own and those released to it.
#[tokio::test]
async fn each_agency_reads_exactly_its_incidents_on_every_path() {
    let f = fixture().await;
    session(&f.state, "kod-admin", Role::Admin, "kod").await;
    session(&f.state, "kod-lage", Role::Officer, "kod").await;
    session(&f.state, "hza-plan", Role::Planner, "hza").await;
    session(&f.state, "pol-lage", Role::Officer, "polizei").await;
    let kod = another_session(&f.state, "kod-admin").await;
    let kod_officer = another_session(&f.state, "kod-lage").await;
    let hza = another_session(&f.state, "hza-plan").await;
    let police = another_session(&f.state, "pol-lage").await;
    // Streams opened before anything is written.
    let mut live = [
        follow(&f, &kod, None).await,
        follow(&f, &hza, None).await,
        follow(&f, &police, None).await,
    ];
    // Yesterday, as a German spreadsheet writes it: inside the density's last 28 days.
    let day = model::schedule::local(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24))
        .date();
    let yesterday = format!("{:02}.{:02}.{}", day.day(), day.month(), day.year());
    let a = format!("Kategorie;Zeit;Lon;Lat\nLärm;{yesterday} 00:05;7,8137;51,68016\n");
    let b = format!("Kategorie;Zeit;Lon;Lat\nVermüllung;{yesterday} 00:10;7,8137;51,68016\n");
    assert_eq!(
        f.upload(&kod, api::INCIDENT_IMPORT, "text/csv", a).await.0,
        StatusCode::CREATED
    );
    let released = format!("{}?released_to=hza", api::INCIDENT_IMPORT);
    assert_eq!(
        f.upload(&kod, &released, "text/csv", b).await.0,
        StatusCode::CREATED
    );
    let (status, drugs) = f
        .post(&police, api::INCIDENTS, &incident("drugs", "polizei", &[]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{drugs}");
    let (status, gathering) = f
        .post(
            &kod_officer,
            api::INCIDENTS,
            &incident("youth_gathering", "kod", &["polizei"]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{gathering}");
    let (drugs_id, gathering_id) = (
        drugs["id"].as_i64().unwrap_or(0),
        gathering["id"].as_i64().unwrap_or(0),
    );

    let cases = [
        (&kod, set(&["noise", "littering", "youth_gathering"])),
        (&hza, set(&["littering"])),
        (&police, set(&["drugs", "youth_gathering"])),
    ];
    for (who, want) in &cases {
        assert_eq!(&categories(&f.get(who, api::INCIDENTS).await), want);
        let export = f.get(who, "/api/export/incidents.geojson").await;
        assert_eq!(&categories(&export), want);
        let d = density_total(&f, who).await;
        assert_eq!(d["total"].as_u64(), Some(want.len() as u64), "{d}");
        assert_eq!(d["withheld_below"], Value::Null);
        // The incidents began yesterday and two hours ago: the window is given, since the
        // default (this week) leaves them out on a Monday.
        let now = jiff::Timestamp::now();
        let window = format!(
            "{}?from={}&to={}",
            api::SUMMARY,
            now - jiff::SignedDuration::from_hours(72),
            now + jiff::SignedDuration::from_hours(1)
        );
        let rows = f.get(who, &window).await;
        assert_eq!(summary_incidents(&rows), want.len() as u64, "{rows}");
    }
    // Single items: the owner's, a released one, and one not released (as if it did not exist).
    let one = |id: i64| format!("{}/{id}", api::INCIDENTS);
    let (status, _, _) = f.send(Some(&hza), Method::GET, &one(drugs_id), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = f
        .send(Some(&hza), Method::GET, &one(gathering_id), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = f
        .send(Some(&police), Method::GET, &one(gathering_id), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    // Filters: by category, and by agency.
    let noise = f
        .get(&kod, &format!("{}?category=noise", api::INCIDENTS))
        .await;
    assert_eq!(categories(&noise), set(&["noise"]));
    let polices = f
        .get(&police, &format!("{}?agency=kod", api::INCIDENTS))
        .await;
    assert_eq!(categories(&polices), set(&["youth_gathering"]));
    let (status, _, body) = f
        .send(
            Some(&kod),
            Method::GET,
            &format!("{}?kind=noise", api::INCIDENTS),
            None,
        )
        .await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (StatusCode::BAD_REQUEST, &json!("kind"))
    );

    // The event stream, live and replayed: each import is one event without an item.
    let want_events = [
        vec![
            ("incident".to_owned(), 0),
            ("incident".to_owned(), 0),
            ("incident".to_owned(), gathering_id),
        ],
        vec![("incident".to_owned(), 0)],
        vec![
            ("incident".to_owned(), drugs_id),
            ("incident".to_owned(), gathering_id),
        ],
    ];
    for (rx, want) in live.iter_mut().zip(&want_events) {
        assert_eq!(&drain(rx).await, want);
    }
    for ((who, _), want) in cases.iter().zip(&want_events) {
        let mut replay = follow(&f, who, Some("0")).await;
        assert_eq!(&drain(&mut replay).await, want);
    }
}

/// A GeoJSON feature of one incident with a given source key.
fn keyed_feature(key: &str, agency: &str) -> String {
    json!({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "properties": {"category": "noise", "start": "2026-12-05T21:10:00Z",
                       "agency": agency, "source_key": key},
    }]})
    .to_string()
}

/// Re-imports skip what the importing agency has stored, and only that: another agency
/// importing the same key learns nothing (it is imported as its own).
#[tokio::test]
async fn a_source_key_is_looked_up_within_the_importing_agency_only() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let police = session(&f.state, "pol-admin", Role::Admin, "polizei").await;
    let key = "ab".repeat(32);
    let geo = "application/geo+json";
    let (status, outcome) = f
        .upload(&kod, api::INCIDENT_IMPORT, geo, keyed_feature(&key, "kod"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    assert_eq!(outcome, json!({"rows": 1, "imported": 1, "skipped": 0}));
    let (_, outcome) = f
        .upload(&kod, api::INCIDENT_IMPORT, geo, keyed_feature(&key, "kod"))
        .await;
    assert_eq!(outcome, json!({"rows": 1, "imported": 0, "skipped": 1}));
    let (status, outcome) = f
        .upload(
            &police,
            api::INCIDENT_IMPORT,
            geo,
            keyed_feature(&key, "polizei"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    assert_eq!(outcome, json!({"rows": 1, "imported": 1, "skipped": 0}));
    let kods = by_category(&f.get(&kod, api::INCIDENTS).await);
    assert_eq!(kods.len(), 1);
    assert_eq!(by_category(&f.get(&police, api::INCIDENTS).await).len(), 1);
    // The key sent is a source system's (it might be a plain SHA-256 of a case number): it is
    // stored only under the installation's secret. The stored key, imported again with the
    // agency's own export, is recognised as it is.
    let stored = kods[0].1["properties"]["source_key"].clone();
    assert_ne!(stored, json!(key));
    assert_eq!(stored.as_str().map(str::len), Some(64));
    let (_, outcome) = f
        .upload(
            &kod,
            api::INCIDENT_IMPORT,
            geo,
            keyed_feature(stored.as_str().unwrap_or_default(), "kod"),
        )
        .await;
    assert_eq!(outcome, json!({"rows": 1, "imported": 0, "skipped": 1}));
}

/// GeoJSON is parsed whole, so it has a size limit; the refusal names the body and says
/// what to do, and nothing is stored.
#[tokio::test]
async fn a_geojson_import_over_its_limit_is_refused_whole() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let feature = json!({"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "properties": {"category": "noise", "start": "2026-12-05T21:10:00Z"}})
    .to_string();
    let n = (crate::incident_import::MAX_GEOJSON_BYTES as usize) / feature.len() + 1;
    let big = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        vec![feature; n].join(",")
    );
    let (status, body) = f
        .upload(&kod, api::INCIDENT_IMPORT, "application/geo+json", big)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let problem = &body["error"]["details"][0];
    assert_eq!(problem["field"], "body", "{body}");
    assert!(
        problem["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("16 MiB"),
        "{body}"
    );
    assert_eq!(by_category(&f.get(&kod, api::INCIDENTS).await).len(), 0);
}

#[tokio::test]
async fn a_wall_display_gets_cells_and_counts_never_single_incidents() {
    let f = fixture().await;
    session(&f.state, "kod-lage", Role::Officer, "kod").await;
    session(&f.state, "kod-wand", Role::Display, "kod").await;
    let officer = another_session(&f.state, "kod-lage").await;
    let wall = another_session(&f.state, "kod-wand").await;
    let (status, created) = f
        .post(&officer, api::INCIDENTS, &incident("noise", "kod", &[]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or(0);
    assert!(id > 0);

    for uri in [
        api::INCIDENTS.to_owned(),
        format!("{}/{id}", api::INCIDENTS),
        "/api/export/incidents.geojson".to_owned(),
    ] {
        let (status, _, _) = f.send(Some(&wall), Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
    }
    let (status, _, body) = f
        .send(
            Some(&wall),
            Method::GET,
            &format!("{}?{HAMM}&zoom=16", api::INCIDENT_DENSITY),
            None,
        )
        .await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (StatusCode::BAD_REQUEST, &json!("zoom"))
    );
    // Nested cells of two zooms, or a cell with and without a filter, subtracted, would give a
    // withheld count: a display gets zoom 14 only, unfiltered.
    for (query, field) in [
        ("zoom=13", "zoom"),
        ("zoom=14&category=noise", "category"),
        ("zoom=14&agency=kod", "agency"),
        ("zoom=14&district=mitte", "district"),
    ] {
        let (status, _, body) = f
            .send(
                Some(&wall),
                Method::GET,
                &format!("{}?{HAMM}&{query}", api::INCIDENT_DENSITY),
                None,
            )
            .await;
        assert_eq!(
            (status, &body["error"]["field"]),
            (StatusCode::BAD_REQUEST, &json!(field)),
            "{query}"
        );
    }
    // Free windows would date a single incident by subtracting two answers: a display gets
    // the last 24 hours, 7 or 28 days up to a whole hour, or whole weeks from a Monday.
    let free = "from=2026-12-01T10:17:00Z&to=2026-12-06T10:17:00Z";
    for uri in [
        format!("{}?{HAMM}&zoom=14&{free}", api::INCIDENT_DENSITY),
        format!("{}?{free}", api::SUMMARY),
    ] {
        let (status, _, body) = f.send(Some(&wall), Method::GET, &uri, None).await;
        assert_eq!(
            (status, &body["error"]["field"]),
            (StatusCode::BAD_REQUEST, &json!("from")),
            "{uri}"
        );
    }
    // The last 7 days up to the end of this hour, and an earlier week from Monday.
    let (from, to) = model::density::Window::Week.span(jiff::Timestamp::now());
    let week = model::density::week_window("2026-11-30".parse().unwrap_or_default());
    let fixed = format!("from={from}&to={to}");
    let monday = format!("from={}&to={}", week.0, week.1);
    // A rolling week ending at an earlier hour: sliding it would date a single report. Five
    // hours earlier, or six where five would end it at a Monday midnight (between 04:00 and
    // 05:00 on a Monday), which is a calendar week and allowed.
    let shifted = |hours: i64| {
        (
            from - jiff::SignedDuration::from_hours(hours),
            to - jiff::SignedDuration::from_hours(hours),
        )
    };
    let at_monday_midnight = |t: jiff::Timestamp| {
        let local = model::schedule::local(t);
        local.weekday() == jiff::civil::Weekday::Monday && local.hour() == 0
    };
    let (early_from, early_to) = if at_monday_midnight(shifted(5).1) {
        shifted(6)
    } else {
        shifted(5)
    };
    let earlier = format!("from={early_from}&to={early_to}");
    let (status, _, body) = f
        .send(
            Some(&wall),
            Method::GET,
            &format!("{}?{HAMM}&zoom=14&{earlier}", api::INCIDENT_DENSITY),
            None,
        )
        .await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (StatusCode::BAD_REQUEST, &json!("from"))
    );
    for uri in [
        format!("{}?{HAMM}&zoom=14&{fixed}", api::INCIDENT_DENSITY),
        format!("{}?{fixed}", api::SUMMARY),
        format!("{}?{HAMM}&zoom=14&{monday}", api::INCIDENT_DENSITY),
    ] {
        let (status, _, _) = f.send(Some(&wall), Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    // The officer asks what it likes.
    let (status, _, _) = f
        .send(
            Some(&officer),
            Method::GET,
            &format!("{}?{HAMM}&zoom=14&{free}", api::INCIDENT_DENSITY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let d = density_total(&f, &wall).await;
    assert_eq!(
        (
            d["cells"].as_array().map(Vec::len),
            &d["cells"][0][2],
            &d["total"],
            &d["withheld_below"]
        ),
        (Some(1), &json!(0), &json!(0), &json!(5)),
        "{d}"
    );
    let rows = f.get(&wall, api::SUMMARY).await;
    assert_eq!(summary_incidents(&rows), 0, "{rows}");
    assert_eq!(rows[0]["withheld_below"], 5);
    // The planner's view of the same: exact.
    assert_eq!(density_total(&f, &officer).await["total"], 1);
    // The event tells the wall that incidents changed, not which; the officer, which.
    let mut replay = follow(&f, &wall, Some("0")).await;
    assert_eq!(drain(&mut replay).await, [("incident".to_owned(), 0)]);
    let mut replay = follow(&f, &officer, Some("0")).await;
    assert_eq!(drain(&mut replay).await, [("incident".to_owned(), id)]);

    // Five more at the same place: the cell shows its count.
    for _ in 0..5 {
        let (status, _) = f
            .post(&officer, api::INCIDENTS, &incident("noise", "kod", &[]))
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let d = density_total(&f, &wall).await;
    assert_eq!(
        (&d["cells"][0][2], &d["total"]),
        (&json!(6), &json!(6)),
        "{d}"
    );
}

#[tokio::test]
async fn officers_report_for_their_agency_and_only_planners_change() {
    let f = fixture().await;
    for (login, role, agency) in [
        ("kod-lage", Role::Officer, "kod"),
        ("kod-plan", Role::Planner, "kod"),
        ("hza-plan", Role::Planner, "hza"),
        ("pol-plan", Role::Planner, "polizei"),
    ] {
        session(&f.state, login, role, agency).await;
    }
    let officer = another_session(&f.state, "kod-lage").await;
    let planner = another_session(&f.state, "kod-plan").await;
    let hza = another_session(&f.state, "hza-plan").await;
    let police = another_session(&f.state, "pol-plan").await;

    let (status, body) = f
        .post(&officer, api::INCIDENTS, &incident("noise", "polizei", &[]))
        .await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (StatusCode::FORBIDDEN, &json!("agency"))
    );
    let (status, created) = f
        .post(
            &officer,
            api::INCIDENTS,
            &incident("noise", "kod", &["polizei"]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uri = format!("{}/{}", api::INCIDENTS, created["id"]);
    let mut changed = incident("damage", "kod", &["polizei"]);
    changed["count"] = json!(2);

    assert_eq!(
        f.put(&officer, &uri, 1, &changed).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        f.put(&hza, &uri, 1, &changed).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        f.put(&police, &uri, 1, &changed).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, after) = f.put(&planner, &uri, 1, &changed).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(
        (&after["category"], &after["count"]),
        (&json!("damage"), &json!(2))
    );
    assert_eq!(f.delete(&officer, &uri, 2).await, StatusCode::FORBIDDEN);
    assert_eq!(f.delete(&police, &uri, 2).await, StatusCode::FORBIDDEN);
    assert_eq!(f.delete(&planner, &uri, 2).await, StatusCode::NO_CONTENT);

    // No free text, no person: refused by name.
    let mut with_name = incident("noise", "kod", &[]);
    with_name["note"] = json!("Max Mustermann, 17");
    let (status, body) = f.post(&officer, api::INCIDENTS, &with_name).await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (StatusCode::BAD_REQUEST, &json!("note"))
    );
}

#[tokio::test]
async fn incidents_past_retention_are_deleted_and_the_run_is_in_the_owners_trail() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let hza = session(&f.state, "hza-admin", Role::Admin, "hza").await;
    let old = "Kategorie;Zeit;Lon;Lat\n\
        Lärm;01.01.2020 22:00;7,8137;51,68016\n\
        Lärm;02.01.2020 22:00;7,8137;51,68016\n";
    assert_eq!(
        f.upload(&kod, api::INCIDENT_IMPORT, "text/csv", old)
            .await
            .0,
        StatusCode::CREATED
    );
    let (status, _) = f
        .post(
            &hza,
            api::INCIDENTS,
            &incident("smuggled_goods", "hza", &[]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(by_category(&f.get(&kod, api::INCIDENTS).await).len(), 2);

    let deleted = crate::retention::run(&f.state, 730)
        .await
        .expect("retention");
    assert_eq!(
        deleted
            .iter()
            .map(|d| (d.agency.as_str(), d.deleted))
            .collect::<Vec<_>>(),
        [("kod", 2)]
    );
    assert_eq!(by_category(&f.get(&kod, api::INCIDENTS).await).len(), 0);
    assert_eq!(
        categories(&f.get(&hza, api::INCIDENTS).await),
        set(&["smuggled_goods"])
    );
    let runs = |trail: &Value| {
        trail
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["op"] == "retention_deleted")
            .map(|e| (e["login"].clone(), e["after"]["deleted"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        runs(&f.get(&kod, api::AUDIT).await),
        [(json!("(retention)"), json!(2))]
    );
    assert_eq!(runs(&f.get(&hza, api::AUDIT).await), []);
}
