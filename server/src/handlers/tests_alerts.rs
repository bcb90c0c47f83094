//! Early detection through the real router: a planted cluster raises one alert in its cell
//! and one `alert` event for its agency alone; what the KOD, the police, the customs office and
//! the KOD's wall display each get (exact sets of alert keys, written by hand); who may
//! acknowledge what, and the trail's record of it.
//!
//! Cells of the 500 m grid counted from 7.8365° E, 51.6614° N (1° of longitude is 68.98 km,
//! of latitude 111.195 km there): Südstraße (7.81971, 51.67949) is cell −3 east, 4 north;
//! Heessen's old Amtshaus (7.834722, 51.705578) is cell −1 east, 9 north.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::{Value, json};

use crate::{
    sample_data::{HEESSEN, SUEDSTRASSE, background, cluster},
    test_support::{Fixture, TestSession, fixture, follow, session, set},
};

async fn import(f: &Fixture, who: &TestSession, query: &str, csv: String) {
    let (status, outcome) = f
        .upload(
            who,
            &format!("{}{query}", api::INCIDENT_IMPORT),
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
}

fn keys(list: &Value) -> BTreeSet<String> {
    list["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["key"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The events of `kind` that arrive within `seconds`.
async fn events_of(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, i64)>,
    kind: &str,
    seconds: u64,
) -> usize {
    let mut n = 0;
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while let Ok(Some((k, _))) = tokio::time::timeout_at(until, rx.recv()).await {
        n += usize::from(k == kind);
    }
    n
}

#[tokio::test]
async fn a_planted_cluster_raises_one_alert_its_agency_alone_is_told_of_and_sees() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let police = session(&f.state, "polizei-admin", Role::Admin, "polizei").await;
    let customs = session(&f.state, "zoll-planer", Role::Planner, "hza").await;
    let wall = session(&f.state, "kod-wand", Role::Display, "kod").await;

    import(&f, &kod, "", background("B")).await;
    assert_eq!(keys(&f.get(&kod, api::ALERTS).await), set(&[]));

    let mut kod_events = follow(&f, &kod, None).await;
    let mut police_events = follow(&f, &police, None).await;
    import(&f, &kod, "", cluster("K", "Lärm", SUEDSTRASSE, 15)).await;
    assert_eq!(events_of(&mut kod_events, "alert", 4).await, 1);
    assert_eq!(events_of(&mut police_events, "alert", 1).await, 0);

    let list = f.get(&kod, api::ALERTS).await;
    assert_eq!(keys(&list), set(&["cell:-3:4:disorder"]));
    let alert = &list["alerts"][0];
    assert_eq!(
        alert["place"],
        json!({"type": "cell", "east": -3, "north": 4, "shifted": false})
    );
    assert_eq!(alert["district"], "mitte");
    assert_eq!(alert["categories"], json!(["noise"]));
    assert_eq!(alert["observed"], 15);
    assert_eq!(alert["geometry"]["type"], "Polygon");
    assert!(alert["since"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(alert["hours"].as_array().is_some_and(|h| !h.is_empty()));

    // The police's burglaries in Heessen, released to the KOD: the police sees its own alert,
    // the KOD both, the customs office none.
    import(
        &f,
        &police,
        "?released_to=kod",
        cluster("P", "Einbruch", HEESSEN, 12),
    )
    .await;
    assert_eq!(
        keys(&f.get(&kod, api::ALERTS).await),
        set(&["cell:-3:4:disorder", "cell:-1:9:property"])
    );
    assert_eq!(
        keys(&f.get(&police, api::ALERTS).await),
        set(&["cell:-1:9:property"])
    );
    assert_eq!(keys(&f.get(&customs, api::ALERTS).await), set(&[]));
    assert_eq!(
        keys(
            &f.get(&kod, &format!("{}?district=heessen", api::ALERTS))
                .await
        ),
        set(&["cell:-1:9:property"])
    );
    let shown = f.get(&wall, api::ALERTS).await;
    assert_eq!(
        keys(&shown),
        set(&["cell:-3:4:disorder", "cell:-1:9:property"])
    );
    // The wall gets where and which group, nothing that moves with a single incident.
    for a in shown["alerts"].as_array().into_iter().flatten() {
        assert_eq!(
            (
                &a["observed"],
                &a["categories"],
                &a["hours"],
                &a["p_value"],
                &a["score"]
            ),
            (&json!(0), &json!([]), &json!([]), &json!(0.0), &json!(0.0)),
            "{a}"
        );
        assert_eq!(
            (&a["since"], &a["withheld_below"]),
            (&shown["from"], &json!(5))
        );
    }
    assert_eq!(shown["tests"], 0);
}

#[tokio::test]
async fn an_alert_is_acknowledged_by_its_agency_s_planners_with_a_reason_from_the_list() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-admin", Role::Admin, "kod").await;
    let officer = session(&f.state, "kod-streife", Role::Officer, "kod").await;
    let police = session(&f.state, "polizei-planer", Role::Planner, "polizei").await;
    import(&f, &kod, "", background("B")).await;
    import(&f, &kod, "", cluster("K", "Lärm", SUEDSTRASSE, 15)).await;
    let uri = "/api/alerts/cell:-3:4:disorder/acknowledgement";

    let (status, body) = f.post(&kod, uri, &json!({"reason": "riot"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "reason", "{body}");
    let (status, _) = f.post(&officer, uri, &json!({"reason": "known"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = f.post(&police, uri, &json!({"reason": "known"})).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "not an alert of the police's"
    );
    let (status, body) = f
        .post(
            &kod,
            "/api/alerts/cell:0:0:drugs/acknowledgement",
            &json!({"reason": "known"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, body) = f
        .post(&kod, uri, &json!({"reason": "hotspot", "hotspot": 999}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such hotspot: {body}");
    let (status, body) = f.post(&kod, uri, &json!({"reason": "hotspot"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "hotspot", "{body}");

    let (status, ack) = f.post(&kod, uri, &json!({"reason": "being_handled"})).await;
    assert_eq!(status, StatusCode::CREATED, "{ack}");
    let list = f.get(&officer, api::ALERTS).await;
    assert_eq!(list["alerts"][0]["acknowledged"]["reason"], "being_handled");

    let trail = f.get(&kod, api::AUDIT).await;
    let acks: Vec<Value> = trail
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["op"] == "acknowledged")
        .map(|e| (e["subject"].clone(), e["after"].clone()))
        .map(|(s, a)| json!([s, a]))
        .collect();
    assert_eq!(
        acks,
        vec![json!(["alert", {"alert": "cell:-3:4:disorder", "reason": "being_handled"}])]
    );
    let (status, _, _) = f
        .request(Some(&police), Method::GET, api::AUDIT, None, &[])
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "planners do not read the trail"
    );

    // Made into a hotspot of the KOD's: acknowledged under the alert's key and the hotspot's,
    // and counted once in the report; the alert continues under the hotspot, acknowledged.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await; // the watcher records it
    let spot = json!({"title": "Auffälligkeit: Gewalt und Ordnungsstörungen", "category": "public_disorder",
        "severity": "medium", "geometry": {"type": "Point", "coordinates": [7.81971, 51.67949]},
        "hours": [{"days": ["wed"], "from": "18:00", "to": "00:00"}], "agency": "kod",
        "review_date": "2099-01-01"});
    let (status, made) = f.post(&kod, api::HOTSPOTS, &spot).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap_or_default();
    let (status, body) = f
        .post(&kod, uri, &json!({"reason": "hotspot", "hotspot": id}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let list = f.get(&kod, api::ALERTS).await;
    assert_eq!(keys(&list), set(&[&format!("hotspot:{id}:disorder")]));
    assert_eq!(list["alerts"][0]["acknowledged"]["reason"], "hotspot");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let today = model::schedule::local(jiff::Timestamp::now()).date();
    let report = f
        .get(&kod, &format!("{}?from={today}&to={today}", api::REPORT))
        .await;
    assert_eq!(
        (
            &report["alerts_raised"],
            &report["alerts_acknowledged"],
            &report["alerts_made_hotspots"]
        ),
        (&json!(1), &json!(1), &json!(1)),
        "{report}"
    );
}
