//! The steering group's report through the real router: what the KOD, the police and the
//! customs office each read (exact sets of agencies and hours, written by hand), the CSV,
//! bad periods named by field, wall displays refused, and every report in the audit trail.

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::{Value, json};

use crate::test_support::{fixture, session};

const PLACE: &str = r#"{"type": "Point", "coordinates": [7.8137, 51.68016]}"#;

/// A joint action held on 6 March 2026 from 19:00 for `hours`, led by `lead` with `with`.
fn held(title: &str, kind: &str, lead: &str, with: &[&str], hours: i64) -> Value {
    let start: jiff::Timestamp = "2026-03-06T18:00:00Z".parse().unwrap_or_default();
    let end = start + jiff::SignedDuration::from_hours(hours);
    json!({"title": title, "kind": kind, "start": start.to_string(), "end": end.to_string(),
        "place": serde_json::from_str::<Value>(PLACE).unwrap_or_default(),
        "lead_agency": lead, "agencies": with, "released_to": [], "status": "done"})
}

fn agencies_and_hours(report: &Value) -> Vec<(String, f64)> {
    report["agencies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["agency"].as_str().unwrap_or_default().to_owned(),
                a["deployment_hours"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect()
}

const PERIOD: &str = "from=2026-01-01&to=2026-06-30";

#[tokio::test]
async fn each_agency_reads_its_own_report() {
    let f = fixture().await;
    let police = session(&f.state, "pol-planer", Role::Planner, "polizei").await;
    let kod = session(&f.state, "kod-planer", Role::Planner, "kod").await;
    let customs = session(&f.state, "hza-planer", Role::Planner, "hza").await;
    let wall = session(&f.state, "kod-wand", Role::Display, "kod").await;
    for (who, body) in [
        (
            &police,
            held(
                "Schwerpunkt Westentor",
                "joint_operation",
                "polizei",
                &["kod"],
                3,
            ),
        ),
        (
            &customs,
            held("Kontrolle Gaststätten", "inspection", "hza", &["jva"], 2),
        ),
    ] {
        let (status, body) = f.post(who, api::ACTIONS, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let uri = format!("{}?{PERIOD}", api::REPORT);
    let of = |r: &[(&str, f64)]| -> Vec<(String, f64)> {
        r.iter().map(|(a, h)| ((*a).to_owned(), *h)).collect()
    };
    let kod_report = f.get(&kod, &uri).await;
    assert_eq!(
        agencies_and_hours(&kod_report),
        of(&[("kod", 3.0), ("polizei", 3.0)])
    );
    assert_eq!(kod_report["deployment_hours"], 3.0);
    assert_eq!(kod_report["deployment_days"], 1);
    assert_eq!(kod_report["agency"], "kod");
    assert_eq!(
        agencies_and_hours(&f.get(&police, &uri).await),
        of(&[("kod", 3.0), ("polizei", 3.0)])
    );
    let customs_report = f.get(&customs, &uri).await;
    assert_eq!(
        agencies_and_hours(&customs_report),
        of(&[("hza", 2.0), ("jva", 2.0)])
    );
    assert_eq!(customs_report["basis"]["actions"], 1);

    let (status, _, _) = f.request(Some(&wall), Method::GET, &uri, None, &[]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "wall displays get aggregates on the wall only"
    );

    // The CSV: German, with the period and the agency named first.
    let (status, headers, body) = f
        .request(
            Some(&kod),
            Method::GET,
            &format!("{uri}&format=csv"),
            None,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let body = body
        .as_str()
        .and_then(|b| b.strip_prefix('\u{feff}'))
        .unwrap_or_default()
        .to_owned();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        body.starts_with(
            "Bericht der Sicherheitspartnerschaft Hamm;Zeitraum 01.01.2026 bis 30.06.2026;Stand "
        ),
        "{body}"
    );
    assert!(
        body.contains("\r\nGemeinsame Einsätze;;Stunden;3,0\r\n"),
        "{body}"
    );
    assert!(
        body.contains("\r\nBehörde;polizei;Einsatzstunden;3,0\r\n"),
        "{body}"
    );
    assert!(!body.contains("hza"), "{body}");

    // Each report made is in the trail, with its period and format.
    let trail = f
        .get(
            &session(&f.state, "kod-admin", Role::Admin, "kod").await,
            api::AUDIT,
        )
        .await;
    let made: Vec<Value> = trail
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["op"] == "exported" && e["subject"] == "report" && e["login"] == "kod-planer")
        .map(|e| e["after"].clone())
        .collect();
    assert_eq!(
        made,
        [
            json!({"from": "2026-01-01", "to": "2026-06-30", "format": "csv"}),
            json!({"from": "2026-01-01", "to": "2026-06-30", "format": "json"}),
        ]
    );
}

#[tokio::test]
async fn a_bad_period_is_refused_by_field() {
    let f = fixture().await;
    let kod = session(&f.state, "kod-planer", Role::Planner, "kod").await;
    for (query, field) in [
        ("to=2026-06-30", "from"),
        ("from=2026-01-01", "to"),
        ("from=01.01.2026&to=2026-06-30", "from"),
        ("from=2026-07-01&to=2026-06-30", "to"),
        ("from=2024-01-01&to=2026-01-01", "to"),
        ("from=2026-01-01&to=2026-06-30&format=pdf", "format"),
        ("from=2026-01-01&to=2026-06-30&von=x", "von"),
    ] {
        let (status, _, body) = f
            .request(
                Some(&kod),
                Method::GET,
                &format!("{}?{query}", api::REPORT),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
}
