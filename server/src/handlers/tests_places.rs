//! Place search through the router: what two agencies find, written out by hand; refusals by
//! field; wall displays are not served.

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::Value;

use super::tests_access::hotspot;
use crate::test_support::{fixture, session};

/// Names and kinds, in the order found.
fn found(answer: &Value) -> Vec<(String, String)> {
    answer
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            (
                h["name"].as_str().unwrap_or_default().to_owned(),
                h["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn each_agency_finds_places_and_only_the_items_released_to_it() {
    let f = fixture().await;
    let police = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let kod = session(&f.state, "kod-plan", Role::Planner, "kod").await;
    let wall = session(&f.state, "kod-wand", Role::Display, "kod").await;
    let (status, _) = f
        .post(
            &police,
            api::HOTSPOTS,
            &hotspot("Drogenszene Westentor", "polizei", &[]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = f
        .post(
            &kod,
            api::HOTSPOTS,
            &hotspot("Jugendtreff Westentor", "kod", &["polizei"]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let search = |q: &str| format!("{}?q={q}", api::PLACES);
    assert_eq!(
        found(&f.get(&kod, &search("westentor")).await),
        pairs(&[
            ("Jugendtreff Westentor", "hotspot"),
            ("Westentor (Bushaltestelle/Platz)", "place"),
        ])
    );
    assert_eq!(
        found(&f.get(&police, &search("Westentor")).await),
        pairs(&[
            ("Drogenszene Westentor", "hotspot"),
            ("Jugendtreff Westentor", "hotspot"),
            ("Westentor (Bushaltestelle/Platz)", "place"),
        ])
    );
    // Forgiving: a typo, no umlaut, the street written short.
    assert_eq!(
        found(&f.get(&kod, &search("drogenszene")).await),
        pairs(&[]),
        "not released to the KOD: not there"
    );
    assert_eq!(
        found(&f.get(&kod, &search("Westentro")).await),
        pairs(&[
            ("Jugendtreff Westentor", "hotspot"),
            ("Westentor (Bushaltestelle/Platz)", "place"),
        ])
    );
    assert_eq!(
        found(&f.get(&kod, &search("sudstr")).await),
        pairs(&[("Südstraße (\"Meile\")", "place")])
    );
    assert_eq!(
        found(&f.get(&kod, &search("heessen")).await),
        pairs(&[("Hamm-Heessen", "district")])
    );
    let one = f
        .get(&police, &format!("{}&limit=1", search("westentor")))
        .await;
    assert_eq!(found(&one), pairs(&[("Drogenszene Westentor", "hotspot")]));
    assert!(one[0]["id"].as_i64().is_some() && one[0]["point"][0].as_f64().is_some());

    // Refusals: a wall display, no query, a bad limit.
    let (status, _, _) = f
        .send(Some(&wall), Method::GET, &search("westentor"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (uri, field) in [
        (api::PLACES.to_owned(), "q"),
        (search("12"), "q"),
        (format!("{}&limit=0", search("a")), "limit"),
        (format!("{}&limit=51", search("a")), "limit"),
    ] {
        let (status, _, body) = f.send(Some(&kod), Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["field"], field, "{uri}");
    }
}
