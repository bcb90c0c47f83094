//! What two agencies read, on every read path, with the exact sets written out by hand: the
//! KOD and the customs office (`hza`) beside the police, which owns most of the picture.
//! Hotspots, patrol routes and actions, each kept to the police, released to one of the two,
//! or (routes, actions) shared with the KOD taking part; the KOD's own hotspots; two past their
//! review date. Paths: the layers, the hotspot map, single items, conflicts, coverage,
//! summary, indicators, every export, review reminders, the audit trail, and the event stream
//! both replayed and live (opened before the writes).

use std::{collections::BTreeSet, time::Duration};

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::{Value, json};

use crate::test_support::{another_session, drain, fixture_with, follow, session, set};

const WHOLE_WEEK: &str = r#"[{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "00:00"}]"#;

fn point() -> Value {
    json!({"type": "Point", "coordinates": [7.8137, 51.68016]})
}

fn hotspot(title: &str, owner: &str, released: &[&str], review: &str) -> Value {
    json!({"title": title, "category": "youth_crime", "severity": "high", "geometry": point(),
        "hours": serde_json::from_str::<Value>(WHOLE_WEEK).unwrap_or_default(),
        "agency": owner, "released_to": released, "review_date": review})
}

fn route(title: &str, walkers: &[&str], released: &[&str]) -> Value {
    json!({"title": title, "occasion": "city_centre",
        "geometry": {"type": "LineString", "coordinates": [[7.8137, 51.68016], [7.81971, 51.67949]]},
        "agency": "polizei", "agencies": walkers, "released_to": released,
        "weekly": serde_json::from_str::<Value>(WHOLE_WEEK).unwrap_or_default()})
}

fn action(title: &str, with: &[&str], released: &[&str]) -> Value {
    let now = jiff::Timestamp::now();
    let start = now - jiff::SignedDuration::from_mins(30);
    let end = now + jiff::SignedDuration::from_hours(2);
    json!({"title": title, "kind": "joint_operation", "start": start.to_string(),
        "end": end.to_string(), "place": point(), "lead_agency": "polizei",
        "agencies": with, "released_to": released, "status": "planned"})
}

/// The picture: (path, owner's planner, body) for every item, in the order they are made.
fn picture() -> Vec<(&'static str, &'static str, Value)> {
    let future = "2099-06-30";
    let past = "2025-01-31";
    vec![
        (
            api::HOTSPOTS,
            "polizei",
            hotspot("H intern", "polizei", &[], future),
        ),
        (
            api::HOTSPOTS,
            "polizei",
            hotspot("H für KOD", "polizei", &["kod"], future),
        ),
        (
            api::HOTSPOTS,
            "polizei",
            hotspot("H für Zoll", "polizei", &["hza"], future),
        ),
        (
            api::HOTSPOTS,
            "polizei",
            hotspot("H Polizei fällig", "polizei", &["kod", "hza"], past),
        ),
        (
            api::HOTSPOTS,
            "kod",
            hotspot("H KOD eigen", "kod", &[], future),
        ),
        (
            api::HOTSPOTS,
            "kod",
            hotspot("H KOD fällig", "kod", &["hza"], past),
        ),
        (api::ROUTES, "polizei", route("R intern", &["polizei"], &[])),
        (
            api::ROUTES,
            "polizei",
            route("R mit KOD", &["polizei", "kod"], &[]),
        ),
        (
            api::ROUTES,
            "polizei",
            route("R für Zoll", &["polizei"], &["hza"]),
        ),
        (api::ACTIONS, "polizei", action("A intern", &[], &[])),
        (api::ACTIONS, "polizei", action("A mit KOD", &["kod"], &[])),
        (api::ACTIONS, "polizei", action("A2 mit KOD", &["kod"], &[])),
        (api::ACTIONS, "polizei", action("A für Zoll", &[], &["hza"])),
        (
            api::ACTIONS,
            "polizei",
            action("A2 für Zoll", &[], &["hza"]),
        ),
    ]
}

/// What each agency may read, by hand.
struct Expected {
    agency: &'static str,
    hotspots: &'static [&'static str],
    routes: &'static [&'static str],
    actions: &'static [&'static str],
    /// Its own hotspots past their review date.
    review_due: &'static [&'static str],
    /// Hotspots active now (not past their review date).
    active: u64,
}

const KOD: Expected = Expected {
    agency: "kod",
    hotspots: &[
        "H KOD eigen",
        "H KOD fällig",
        "H Polizei fällig",
        "H für KOD",
    ],
    routes: &["R mit KOD"],
    actions: &["A mit KOD", "A2 mit KOD"],
    review_due: &["H KOD fällig"],
    active: 2,
};

const CUSTOMS: Expected = Expected {
    agency: "hza",
    hotspots: &["H KOD fällig", "H Polizei fällig", "H für Zoll"],
    routes: &["R für Zoll"],
    actions: &["A für Zoll", "A2 für Zoll"],
    review_due: &[],
    active: 1,
};

impl Expected {
    fn all(&self) -> BTreeSet<String> {
        [self.hotspots, self.routes, self.actions]
            .concat()
            .iter()
            .map(|t| (*t).to_owned())
            .collect()
    }
}

fn titles_of(v: &Value) -> BTreeSet<String> {
    let list = v["features"].as_array().or_else(|| v.as_array());
    list.into_iter()
        .flatten()
        .filter_map(|f| {
            f["properties"]["title"]
                .as_str()
                .or_else(|| f["title"].as_str())
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn each_agency_reads_exactly_what_is_released_to_it_on_every_read_path() {
    // Exact counts in exports: no "< 5" here (walls and exports withhold small counts; a test
    // of its own checks that).
    let f = fixture_with(|s| s.small_count = 0).await;
    for agency in ["polizei", "kod", "hza"] {
        session(&f.state, &format!("{agency}-plan"), Role::Planner, agency).await;
        session(&f.state, &format!("{agency}-admin"), Role::Admin, agency).await;
    }
    let as_ = |login: &'static str| another_session(&f.state, login);
    // Live streams, opened before anything is written.
    let mut live_kod = follow(&f, &as_("kod-plan").await, None).await;
    let mut live_customs = follow(&f, &as_("hza-plan").await, None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut ids: Vec<(String, &'static str, i64)> = Vec::new();
    for (path, owner, body) in picture() {
        let planner = another_session(&f.state, &format!("{owner}-plan")).await;
        let (status, created) = f.post(&planner, path, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let title = body["title"].as_str().unwrap_or_default().to_owned();
        ids.push((title, path, created["id"].as_i64().unwrap_or_default()));
    }
    let title_of = |kind: &str, id: i64| {
        let path = api::collection(kind.parse().expect("an item kind"));
        ids.iter()
            .find(|(_, p, i)| *p == path && *i == id)
            .map(|(t, _, _)| t.clone())
            .unwrap_or_else(|| format!("{kind} {id}?"))
    };
    let id_of = |title: &str| {
        ids.iter()
            .find(|(t, _, _)| t == title)
            .map(|(_, _, id)| *id)
            .unwrap_or_default()
    };
    let everything: BTreeSet<String> = ids.iter().map(|(t, _, _)| t.clone()).collect();

    for (expected, live) in [(&KOD, &mut live_kod), (&CUSTOMS, &mut live_customs)] {
        let a = expected.agency;
        let planner = as_(if a == "kod" { "kod-plan" } else { "hza-plan" }).await;
        let admin = as_(if a == "kod" { "kod-admin" } else { "hza-admin" }).await;
        let absent: BTreeSet<String> = everything.difference(&expected.all()).cloned().collect();

        // The layers.
        assert_eq!(
            titles_of(&f.get(&planner, api::HOTSPOTS).await),
            set(expected.hotspots),
            "{a}"
        );
        assert_eq!(
            titles_of(&f.get(&planner, api::ROUTES).await),
            set(expected.routes),
            "{a}"
        );
        assert_eq!(
            titles_of(&f.get(&planner, api::ACTIONS).await),
            set(expected.actions),
            "{a}"
        );

        // The hotspot map: its pins are the hotspots.
        let map = f.get(&planner, api::HOTSPOT_MAP).await;
        let pins: BTreeSet<String> = map["pins"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| title_of("hotspot", p[0].as_i64().unwrap_or_default()))
            .collect();
        assert_eq!(pins, set(expected.hotspots), "{a}: map");

        // Single items: what is not released does not exist.
        for (title, path, id) in &ids {
            let (status, _, body) = f
                .send(Some(&planner), Method::GET, &format!("{path}/{id}"), None)
                .await;
            let want = if expected.all().contains(title) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, want, "{a}: {title} {body}");
        }

        // Conflicts: the two operations it sees collide; none it does not see appears.
        let conflicts = f.get(&planner, api::CONFLICTS).await;
        let pairs: Vec<BTreeSet<String>> = conflicts
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                c["actions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|id| title_of("action", id.as_i64().unwrap_or_default()))
                    .collect()
            })
            .collect();
        assert_eq!(pairs, [set(expected.actions)], "{a}: conflicts");

        // Coverage: each of its hotspots, covered by the one route it sees.
        let coverage = f.get(&planner, api::COVERAGE).await;
        let covered: BTreeSet<String> = coverage
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| title_of("hotspot", c["hotspot"].as_i64().unwrap_or_default()))
            .collect();
        assert_eq!(covered, set(expected.hotspots), "{a}: coverage");
        for c in coverage.as_array().into_iter().flatten() {
            let routes: BTreeSet<String> = c["routes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| title_of("route", r.as_i64().unwrap_or_default()))
                .collect();
            assert_eq!(routes, set(expected.routes), "{a}: coverage {c}");
        }

        // Summary and indicators count exactly what it sees.
        let summary = f.get(&planner, api::SUMMARY).await;
        let sum = |field: &str| {
            summary
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| d[field].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        assert_eq!(
            (
                sum("hotspots_active"),
                sum("actions"),
                sum("routes"),
                sum("conflicts")
            ),
            (expected.active, 2, 1, 1),
            "{a}: {summary}"
        );
        let tiles = f.get(&planner, api::INDICATORS).await;
        assert_eq!(
            (
                tiles["hotspots_active"].as_u64(),
                tiles["actions_week"].as_u64(),
                tiles["patrols_today"].as_u64(),
                tiles["conflicts_week"].as_u64()
            ),
            (Some(expected.active), Some(2), Some(1), Some(1)),
            "{a}: {tiles}"
        );

        // Every export: each title it sees is in, none other is.
        for (file, titles) in [
            ("hotspots.geojson", expected.hotspots),
            ("routes.geojson", expected.routes),
            ("actions.geojson", expected.actions),
            ("actions.csv", expected.actions),
            ("actions.ics", expected.actions),
        ] {
            let text = f
                .get(&planner, &format!("/api/export/{file}"))
                .await
                .to_string();
            for title in titles {
                assert!(text.contains(title), "{a}: {file} lacks {title}: {text}");
            }
            for title in &absent {
                assert!(!text.contains(title.as_str()), "{a}: {file} has {title}");
            }
        }
        let districts = f.get(&planner, "/api/export/districts.csv").await;
        let mitte = districts
            .as_str()
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("mitte,"))
            .unwrap_or_default()
            .to_owned();
        // No incidents in this picture: 0, and 0.0 per 1,000 residents.
        assert_eq!(
            mitte,
            format!("mitte,{},2,1,1,0,0.0", expected.active),
            "{a}"
        );

        // Review reminders: its own hotspots past their date, nobody else's.
        assert_eq!(
            titles_of(&f.get(&planner, api::REVIEW_DUE).await),
            set(expected.review_due),
            "{a}: review due"
        );

        // The audit trail: the creation of each item it sees, with content; nothing else.
        let trail = f.get(&admin, api::AUDIT).await;
        let created: BTreeSet<String> = trail
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["op"] == "created")
            .map(|e| {
                e["after"]["title"]
                    .as_str()
                    .unwrap_or("(withheld)")
                    .to_owned()
            })
            .collect();
        assert_eq!(created, expected.all(), "{a}: audit trail");
        let text = trail.to_string();
        for title in &absent {
            assert!(
                !text.contains(title.as_str()),
                "{a}: the trail shows {title}"
            );
        }

        // The event stream, replayed from the start and as it happened.
        let wanted: BTreeSet<(String, i64)> = expected
            .all()
            .iter()
            .map(|t| {
                let (_, path, id) = ids
                    .iter()
                    .find(|(title, _, _)| title == t)
                    .cloned()
                    .unwrap_or_default();
                let kind = match path {
                    api::HOTSPOTS => "hotspot",
                    api::ROUTES => "route",
                    _ => "action",
                };
                (kind.to_owned(), id)
            })
            .collect();
        let mut replay = follow(&f, &planner, Some("0")).await;
        let replayed: BTreeSet<(String, i64)> = drain(&mut replay).await.into_iter().collect();
        assert_eq!(replayed, wanted, "{a}: replayed events");
        let heard: BTreeSet<(String, i64)> = drain(live).await.into_iter().collect();
        assert_eq!(heard, wanted, "{a}: live events");
        assert!(id_of("H intern") > 0);
    }
}

/// Display accounts read the wall's tiles with small counts withheld, and no single item
/// through an export.
#[tokio::test]
async fn a_wall_display_gets_counts_with_small_ones_withheld() {
    let f = fixture_with(|_| {}).await;
    session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    session(&f.state, "pol-wand", Role::Display, "polizei").await;
    let planner = another_session(&f.state, "pol-plan").await;
    let wall = another_session(&f.state, "pol-wand").await;
    for title in ["Eins", "Zwei"] {
        let body = hotspot(title, "polizei", &[], "2099-06-30");
        assert_eq!(
            f.post(&planner, api::HOTSPOTS, &body).await.0,
            StatusCode::CREATED
        );
    }
    let tiles = f.get(&wall, api::INDICATORS).await;
    assert_eq!(
        (
            tiles["hotspots_active"].as_u64(),
            tiles["withheld_below"].as_u64()
        ),
        (Some(0), Some(5))
    );
    assert_eq!(f.get(&planner, api::INDICATORS).await["hotspots_active"], 2);
    // The same question asked by the wall again is answered from the cache, still withheld.
    assert_eq!(f.get(&wall, api::INDICATORS).await["hotspots_active"], 0);
    let (status, _, _) = f
        .send(
            Some(&wall),
            Method::GET,
            "/api/export/hotspots.geojson",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
