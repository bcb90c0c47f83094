//! Hotspots, routes and actions over real HTTP: create, read, update, delete with ETags,
//! every kind of bad input (which must change nothing), filters, live events, concurrency.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::{path::Path, time::Duration};

use geojson::Geometry;
use model::{
    Action, AgencyKey, DistrictKey, Hotspot, LayerQuery, Stored,
    action::{ActionKind, ActionStatus},
    api::{self, ErrorBody},
    hotspot::{HotspotCategory, Severity},
    hotspot_map::{HotspotMap, Pin},
    schedule::{ClockTime, Weekday, WeeklyWindow},
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tests::{TestServer, read_sse};

const WESTENTOR: [f64; 2] = [7.8137, 51.68016];
const SUEDSTRASSE: [f64; 2] = [7.81971, 51.67949];

fn hotspot() -> Hotspot {
    Hotspot {
        title: "Jugendszene Westentor".into(),
        category: HotspotCategory::YouthCrime,
        severity: Severity::High,
        geometry: Geometry::new_point(WESTENTOR),
        hours: vec![WeeklyWindow {
            days: vec![Weekday::Fri, Weekday::Sat],
            from: ClockTime::new(22, 0).unwrap(),
            to: ClockTime::new(4, 0).unwrap(),
        }],
        agency: AgencyKey::parse("polizei").unwrap(),
        released_to: vec![],
        review_date: "2027-06-30".parse().unwrap(),
        district: None,
        note: String::new(),
        demo: false,
    }
}

fn operation(start: &str, end: &str) -> Action {
    Action {
        title: "Schwerpunkteinsatz".into(),
        kind: ActionKind::JointOperation,
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
        place: Some(Geometry::new_point(SUEDSTRASSE)),
        district: None,
        lead_agency: AgencyKey::parse("polizei").unwrap(),
        agencies: vec![AgencyKey::parse("kod").unwrap()],
        status: ActionStatus::Planned,
        released_to: vec![],
        working_group: None,
        hotspots: vec![],
        routes: vec![],
        note: String::new(),
        demo: false,
    }
}

async fn start() -> (TestServer, Client) {
    let server = TestServer::start(Path::new("no-dist")).await;
    let client = server.client();
    (server, client)
}

async fn layer_count(client: &Client, server: &TestServer, path: &str) -> usize {
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
async fn a_hotspot_is_created_read_updated_and_deleted_with_etags() {
    let (server, client) = start().await;
    let url = format!("{}{}", server.url, api::HOTSPOTS);

    let created = client.post(&url).json(&hotspot()).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()["etag"], "\"v1\"");
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let stored: Stored<Hotspot> = created.json().await.unwrap();
    assert_eq!(location, format!("{}/{}", api::HOTSPOTS, stored.id));
    assert_eq!(
        stored.item.district,
        Some(DistrictKey::Mitte),
        "derived from the place"
    );

    let item_url = format!("{}{location}", server.url);
    let read: Stored<Hotspot> = client
        .get(&item_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, stored);

    let mut changed = stored.item.clone();
    changed.severity = Severity::Medium;
    let updated = client
        .put(&item_url)
        .header("if-match", "\"v1\"")
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(updated.headers()["etag"], "\"v2\"");

    // A second planner still holding v1 is refused and told the current version.
    let stale = client
        .put(&item_url)
        .header("if-match", "\"v1\"")
        .json(&stored.item)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.headers()["etag"], "\"v2\"");
    let err: ErrorBody = stale.json().await.unwrap();
    assert_eq!(err.error.code, "stale");

    let blind = client
        .put(&item_url)
        .json(&stored.item)
        .send()
        .await
        .unwrap();
    assert_eq!(blind.status(), StatusCode::PRECONDITION_REQUIRED);
    let garbled = client
        .delete(&item_url)
        .header("if-match", "v2")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status(), StatusCode::BAD_REQUEST);

    let now: Stored<Hotspot> = client
        .get(&item_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (now.version, now.item.severity),
        (2, Severity::Medium),
        "refused writes changed nothing"
    );

    let deleted = client
        .delete(&item_url)
        .header("if-match", "\"v2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        client.get(&item_url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_4xx_naming_the_field_and_changes_nothing() {
    let (server, client) = start().await;
    let url = format!("{}{}", server.url, api::ACTIONS);
    let valid =
        serde_json::to_value(operation("2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z")).unwrap();
    let with = |key: &str, value: Value| {
        let mut v = valid.clone();
        v[key] = value;
        v.to_string()
    };
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            "{\"title\": ".into(),
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "wrong geometry type",
            with(
                "place",
                json!({"type": "LineString", "coordinates": [WESTENTOR, SUEDSTRASSE]}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "place",
        ),
        (
            "outside Hamm",
            with(
                "place",
                json!({"type": "Point", "coordinates": [13.4, 52.5]}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "place",
        ),
        (
            "lat/lon swapped",
            with(
                "place",
                json!({"type": "Point", "coordinates": [51.68, 7.81]}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "place",
        ),
        (
            "end before start",
            with("end", json!("2026-12-04T17:00:00Z")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "end",
        ),
        (
            "another agency's lead, an unknown one",
            with("lead_agency", json!("cia")),
            StatusCode::FORBIDDEN,
            "lead_agency",
        ),
        (
            "unknown participating agency",
            with("agencies", json!(["cia"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "agencies[0]",
        ),
        (
            "invalid agency key",
            with("lead_agency", json!("Polizei Hamm")),
            StatusCode::BAD_REQUEST,
            "lead_agency",
        ),
        (
            "unknown district",
            with("district", json!("altstadt")),
            StatusCode::BAD_REQUEST,
            "district",
        ),
        (
            "over-long title",
            with("title", json!("x".repeat(121))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            "time without offset",
            with("start", json!("2026-12-04 18:00")),
            StatusCode::BAD_REQUEST,
            "start",
        ),
        (
            "unknown kind",
            with("kind", json!("raid")),
            StatusCode::BAD_REQUEST,
            "kind",
        ),
        (
            "missing field",
            {
                let mut v = valid.clone();
                v.as_object_mut().unwrap().remove("status");
                v.to_string()
            },
            StatusCode::BAD_REQUEST,
            "status",
        ),
        (
            "link to nothing",
            with("hotspots", json!([4711])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hotspots[0]",
        ),
    ];
    for (what, body, status, field) in cases {
        let response = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{what}");
        let err: ErrorBody = response.json().await.unwrap();
        assert_eq!(
            err.error.field.as_deref(),
            Some(field),
            "{what}: {}",
            err.error.message
        );
        assert!(!err.error.message.is_empty(), "{what}");
    }

    let not_json = client
        .post(&url)
        .header("content-type", "text/plain")
        .body(valid.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = with("note", json!("x".repeat(300 * 1024)));
    let too_big = client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(
        layer_count(&client, &server, api::ACTIONS).await,
        0,
        "nothing was stored"
    );
    // And no change event was written either: a fresh stream resumed from 0 gets nothing.
    let mut events = client
        .get(format!("{}{}", server.url, api::EVENTS))
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    assert!(
        read_sse(&mut events, 1, Duration::from_millis(300))
            .await
            .is_empty()
    );
    server.stop().await;
}

#[tokio::test]
async fn layers_filter_and_refuse_unknown_filters() {
    let (server, client) = start().await;
    let url = format!("{}{}", server.url, api::ACTIONS);
    for (start, end) in [
        ("2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z"),
        ("2026-12-11T18:00:00Z", "2026-12-11T22:00:00Z"),
    ] {
        assert!(
            client
                .post(&url)
                .json(&operation(start, end))
                .send()
                .await
                .unwrap()
                .status()
                .is_success()
        );
    }
    let count = |q: &'static str| {
        let client = client.clone();
        let url = format!("{url}?{q}");
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{q}");
            r.json::<Value>().await.unwrap()["features"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count("district=mitte").await, 2);
    assert_eq!(count("district=heessen").await, 0);
    assert_eq!(count("agency=kod").await, 2);
    assert_eq!(count("kind=inspection").await, 0);
    assert_eq!(count("status=planned").await, 2);
    assert_eq!(
        count("from=2026-12-04T00:00:00%2B01:00&to=2026-12-05T00:00:00%2B01:00").await,
        1
    );
    for (q, field) in [
        ("from=2026-12-04T00:00:00Z", "to"),
        ("kind=riot", "kind"),
        ("agency=cia", "agency"),
        ("disctrict=mitte", "disctrict"),
    ] {
        let r = client.get(format!("{url}?{q}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
        let err: ErrorBody = r.json().await.unwrap();
        assert_eq!(err.error.field.as_deref(), Some(field), "{q}");
    }
    let conflicts: Value = client
        .get(format!("{}{}", server.url, api::CONFLICTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(conflicts.as_array().unwrap().len(), 0, "a week apart");
    server.stop().await;
}

/// `GET /api/hotspots/map` holds what the layer holds for the same filters and viewer: point
/// hotspots as pins, areas in full; `LayerQuery::pairs` asks the server for the same filter
/// the app applies.
#[tokio::test]
async fn the_map_layer_holds_the_filtered_layer_as_pins_and_areas() {
    let (server, client) = start().await;
    let point = server
        .create(api::HOTSPOTS, &serde_json::to_value(hotspot()).unwrap())
        .await;
    let mut area = serde_json::to_value(hotspot()).unwrap();
    area["agency"] = json!("kod");
    area["category"] = json!("drug_scene");
    area["severity"] = json!("low");
    area["released_to"] = json!(["polizei"]);
    area["geometry"] = json!({"type": "Polygon", "coordinates": [[
        [7.812, 51.679], [7.816, 51.679], [7.816, 51.681], [7.812, 51.681], [7.812, 51.679]]]});
    let area = server.create(api::HOTSPOTS, &area).await;
    // A point the police may not see: the map must not show it to them either.
    let mut hidden = serde_json::to_value(hotspot()).unwrap();
    hidden["agency"] = json!("kod");
    hidden["released_to"] = json!([]);
    server.create(api::HOTSPOTS, &hidden).await;

    let read = |query: Vec<(&'static str, String)>| {
        let client = client.clone();
        let base = server.url.clone();
        async move {
            let get = |path: &'static str| client.get(format!("{base}{path}")).query(&query).send();
            let layer = get(api::HOTSPOTS).await.unwrap();
            assert_eq!(layer.status(), StatusCode::OK);
            let layer = model::layer_text::from_layer_text::<Hotspot>(&layer.text().await.unwrap())
                .unwrap();
            let map = get(api::HOTSPOT_MAP).await.unwrap();
            assert_eq!(map.status(), StatusCode::OK);
            let map: HotspotMap = map.json().await.unwrap();
            (layer, map)
        }
    };
    let (layer, map) = read(vec![]).await;
    assert_eq!(layer.len(), 2, "the hidden hotspot is not in the layer");
    assert_eq!(map, HotspotMap::of(&layer));
    assert_eq!(
        map.pins,
        vec![Pin {
            id: point["id"].as_i64().unwrap(),
            at: WESTENTOR,
            severity: Severity::High
        }]
    );
    assert_eq!(map.areas.len(), 1);
    assert_eq!(map.areas[0].id, area["id"].as_i64().unwrap());
    assert_eq!(map.areas[0].item.category, HotspotCategory::DrugScene);

    // Filters, written by the model as the app sends them.
    let friday_night = (
        "2026-12-04T23:00:00+01:00".parse().unwrap(),
        "2026-12-04T23:01:00+01:00".parse().unwrap(),
    );
    let tuesday = (
        "2026-12-01T12:00:00+01:00".parse().unwrap(),
        "2026-12-01T13:00:00+01:00".parse().unwrap(),
    );
    for (query, pins, areas) in [
        (
            LayerQuery {
                kind: Some("drug_scene".into()),
                ..LayerQuery::default()
            },
            0,
            1,
        ),
        (
            LayerQuery {
                agency: Some(AgencyKey::parse("polizei").unwrap()),
                ..LayerQuery::default()
            },
            1,
            0,
        ),
        (
            LayerQuery {
                district: Some(DistrictKey::Heessen),
                ..LayerQuery::default()
            },
            0,
            0,
        ),
        (
            LayerQuery {
                district: Some(DistrictKey::Mitte),
                window: Some(friday_night),
                ..LayerQuery::default()
            },
            1,
            1,
        ),
        (
            LayerQuery {
                window: Some(tuesday),
                ..LayerQuery::default()
            },
            0,
            0,
        ),
    ] {
        let (layer, map) = read(query.pairs()).await;
        assert_eq!(
            (map.pins.len(), map.areas.len()),
            (pins, areas),
            "{query:?}"
        );
        assert_eq!(map, HotspotMap::of(&layer), "{query:?}");
    }
    let r = client
        .get(format!("{}{}?kind=riot", server.url, api::HOTSPOT_MAP))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let err: ErrorBody = r.json().await.unwrap();
    assert_eq!(err.error.field.as_deref(), Some("kind"));

    // A change shows at once (the cached answer is not served again).
    let r = client
        .delete(format!("{}{}/{}", server.url, api::HOTSPOTS, point["id"]))
        .header("If-Match", format!("\"v{}\"", point["version"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, map) = read(vec![]).await;
    assert!(map.pins.is_empty(), "{map:?}");
    server.stop().await;
}

#[tokio::test]
async fn overlapping_operations_show_up_as_a_conflict_as_soon_as_they_are_saved() {
    let (server, client) = start().await;
    let url = format!("{}{}", server.url, api::ACTIONS);
    let get = |path: String| {
        let client = client.clone();
        async move {
            let r = client.get(path).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let conflicts = || get(format!("{}{}", server.url, api::CONFLICTS));
    // Planned actions in the week of 2026-12-04, summed over the districts.
    let planned = || async {
        let week = "from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z";
        let summary = get(format!("{}{}?{week}", server.url, api::SUMMARY)).await;
        summary
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["actions"].as_u64().unwrap())
            .sum::<u64>()
    };
    // Asked before and between the writes: the analysis reads the layers the server keeps in
    // memory, and a write must retire them at once.
    assert_eq!(conflicts().await, json!([]));
    assert_eq!(planned().await, 0);
    let first = client
        .post(&url)
        .json(&operation("2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(conflicts().await, json!([]));
    assert_eq!(planned().await, 1);
    client
        .post(&url)
        .json(&operation("2026-12-04T21:00:00Z", "2026-12-04T23:00:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        conflicts().await,
        json!([{"district": "mitte", "actions": [1, 2], "overlap_start": "2026-12-04T21:00:00Z", "overlap_end": "2026-12-04T22:00:00Z"}])
    );
    assert_eq!(planned().await, 2);
    let r = client
        .delete(format!("{url}/1"))
        .header("If-Match", "\"v1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(conflicts().await, json!([]));
    assert_eq!(planned().await, 1);
    server.stop().await;
}

#[tokio::test]
async fn every_change_is_pushed_and_a_reconnecting_client_gets_what_it_missed() {
    let (server, client) = start().await;
    let events_url = format!("{}{}", server.url, api::EVENTS);
    let mut live = client.get(&events_url).send().await.unwrap();
    assert_eq!(live.headers()["content-type"], "text/event-stream");
    // Let the stream subscribe before writing.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let created: Stored<Hotspot> = client
        .post(format!("{}{}", server.url, api::HOTSPOTS))
        .json(&hotspot())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got = read_sse(&mut live, 1, Duration::from_secs(1)).await;
    assert_eq!(got.len(), 1, "the event arrives within a second");
    assert_eq!(got[0].1["kind"], "hotspot");
    assert_eq!(got[0].1["id"], created.id);
    assert_eq!(got[0].1["op"], "created");
    assert_eq!(got[0].1["version"], 1);
    let seen = got[0].0;
    drop(live);

    // While disconnected: an update and a delete.
    let item = format!("{}{}/{}", server.url, api::HOTSPOTS, created.id);
    client
        .put(&item)
        .header("if-match", "\"v1\"")
        .json(&created.item)
        .send()
        .await
        .unwrap();
    client
        .delete(&item)
        .header("if-match", "\"v2\"")
        .send()
        .await
        .unwrap();

    let mut resumed = client
        .get(&events_url)
        .header("last-event-id", seen.to_string())
        .send()
        .await
        .unwrap();
    let missed = read_sse(&mut resumed, 2, Duration::from_secs(2)).await;
    let ops: Vec<_> = missed
        .iter()
        .map(|(id, e)| {
            (
                *id,
                e["op"].as_str().unwrap().to_owned(),
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            (seen + 1, "updated".to_owned(), 2),
            (seen + 2, "deleted".to_owned(), 0)
        ]
    );

    let bad = client
        .get(&events_url)
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    server.stop().await;
}

#[tokio::test]
async fn many_planners_editing_one_action_lose_no_update() {
    let (server, client) = start().await;
    let created: Stored<Action> = client
        .post(format!("{}{}", server.url, api::ACTIONS))
        .json(&operation("2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!("{}{}/{}", server.url, api::ACTIONS, created.id);
    let (planners, edits) = (12, 5);
    let mut tasks = Vec::new();
    for p in 0..planners {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            for e in 0..edits {
                // Read, change, write with If-Match; on 412 read again and retry.
                loop {
                    let r = client.get(&url).send().await.unwrap();
                    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
                    let mut current: Stored<Action> = r.json().await.unwrap();
                    current.item.note.push_str(&format!("[{p}.{e}]"));
                    let w = client
                        .put(&url)
                        .header("if-match", etag)
                        .json(&current.item)
                        .send()
                        .await
                        .unwrap();
                    match w.status() {
                        StatusCode::OK => break,
                        StatusCode::PRECONDITION_FAILED => continue,
                        other => panic!("unexpected {other}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let last: Stored<Action> = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(last.version, 1 + planners * edits);
    for p in 0..planners {
        for e in 0..edits {
            assert!(
                last.item.note.contains(&format!("[{p}.{e}]")),
                "lost edit {p}.{e}"
            );
        }
    }
    server.stop().await;
}
