//! The steering group's report (`/bericht`) in headless Chromium: printed through Chromium's
//! print-to-PDF it is A4 portrait, and the figures on the page are the API's.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use base64::Engine as _;
use model::api;
use serde_json::{Value, json};
use tests::{Browser, TestServer};

fn held(title: &str, kind: &str, start: &str, hours: i64, district: &str, with: &[&str]) -> Value {
    let start: jiff::Timestamp = start.parse().unwrap();
    let end = start + jiff::SignedDuration::from_hours(hours);
    json!({"title": title, "kind": kind, "start": start.to_string(), "end": end.to_string(),
        "district": district, "lead_agency": "polizei", "agencies": with, "status": "done"})
}

#[tokio::test]
async fn the_report_prints_as_a4_portrait_with_the_api_s_figures() {
    let server = TestServer::with_app().await;
    for body in [
        held(
            "Schwerpunkt Westentor",
            "joint_operation",
            "2026-03-06T18:00:00Z",
            4,
            "mitte",
            &["kod"],
        ),
        held(
            "Kontrolle Heessen",
            "inspection",
            "2026-05-02T08:00:00Z",
            3,
            "heessen",
            &["hza"],
        ),
        held(
            "Bürgerdialog Mitte",
            "citizen_dialogue",
            "2026-02-03T17:00:00Z",
            2,
            "mitte",
            &["kod"],
        ),
        held(
            "Lenkungsgruppe",
            "steering_group_meeting",
            "2026-02-10T09:00:00Z",
            2,
            "mitte",
            &["kod", "hza"],
        ),
    ] {
        server.create(api::ACTIONS, &body).await;
    }
    // Six incidents in Mitte in March, the police's own.
    let mut csv = String::from("Kategorie;Zeit;Rechtswert;Hochwert\n");
    for day in 10..16 {
        csv += &format!("Lärm;{day}.03.2026 21:00;7,8137;51,68016\n");
    }
    let outcome = server.import_incidents(csv).await;
    assert_eq!(outcome["imported"], 6, "{outcome}");

    let browser = Browser::start(1200, 1600).await;
    browser
        .open(
            &format!("{}/bericht?von=2026-01-01&bis=2026-06-30", server.url),
            "return !!document.querySelector('[data-testid=report-deployment-hours]');",
        )
        .await;
    let api: Value = server
        .client()
        .get(format!(
            "{}{}?from=2026-01-01&to=2026-06-30",
            server.url,
            api::REPORT
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The hand-made figures, on the page and in the API alike.
    let shown = browser
        .eval(
            "const t = id => document.querySelector(`[data-testid=${id}]`).textContent; \
             const row = d => document.querySelector(`[data-testid=report-districts] tr[data-district=${d}] [data-testid=incidents]`).textContent; \
             return [t('report-deployment-hours'), t('report-deployment-days'), t('report-steering'), \
                     t('report-dialogue-districts'), row('mitte'), row('heessen')];",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(["7,0", "2", "1", "1 / 7", "6", "< 5"]));
    assert_eq!(
        (
            &api["deployment_hours"],
            &api["deployment_days"],
            &api["steering_group_meetings"]
        ),
        (&json!(7.0), &json!(2), &json!(1))
    );
    let district = |key: &str| {
        api["districts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["district"] == key)
            .unwrap()["incidents"]
            .clone()
    };
    assert_eq!(
        (district("mitte"), district("heessen")),
        (json!(6), json!(0))
    );
    assert_eq!(
        browser.text("[data-testid=report-period]").await,
        "Zeitraum: 01.01.2026 – 30.06.2026"
    );

    // Printed as PDF: every page A4 portrait (595 × 842 points).
    let printed = browser
        .cdp(
            "Page.printToPDF",
            json!({"preferCSSPageSize": true, "printBackground": true}),
        )
        .await;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(printed["data"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let boxes: Vec<(f64, f64)> = text
        .match_indices("/MediaBox [")
        .map(|(i, _)| {
            let rest = &text[i + 11..];
            let numbers: Vec<f64> = rest[..rest.find(']').unwrap()]
                .split_whitespace()
                .map(|n| n.parse().unwrap())
                .collect();
            (numbers[2] - numbers[0], numbers[3] - numbers[1])
        })
        .collect();
    assert!(!boxes.is_empty(), "a PDF with pages");
    for (w, h) in &boxes {
        assert!(
            (w - 595.3).abs() < 1.5 && (h - 841.9).abs() < 1.5,
            "A4 portrait: {boxes:?}"
        );
    }
}
