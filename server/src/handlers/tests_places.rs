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

/// The command line's import into a database two servers share: both search it from their
/// next request, a second import replaces the first, and a bad file changes nothing.
#[tokio::test]
async fn imported_addresses_are_found_on_every_server_and_replaced_by_the_next_import() {
    let data = crate::test_support::TestDb::new();
    let a = crate::test_support::fixture_on(&data, |_| {}).await;
    let b = crate::test_support::fixture_on(&data, |_| {}).await;
    let on_a = session(&a.state, "kod-plan", Role::Planner, "kod").await;
    let on_b = session(&b.state, "pol-plan", Role::Planner, "polizei").await;
    let search = |q: &str| format!("{}?q={q}", api::PLACES);
    // Nothing imported yet: the city's own places only.
    assert_eq!(
        found(&a.get(&on_a, &search("sudstr%2012a")).await),
        pairs(&[])
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let import = |name: &str, text: &[u8], attribution: Option<&str>| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let (data_dir, database_url) = match data.storage() {
            crate::db::Storage::Sqlite(dir) => (dir, None),
            crate::db::Storage::Postgres(p) => (data.dir.path().to_owned(), Some(p.url)),
        };
        crate::cli::run(crate::cli::Command::Places(
            crate::cli::PlaceCommand::Import {
                file,
                attribution: attribution.map(str::to_owned),
                place: crate::cli::Place {
                    data_dir,
                    database_url,
                    database_ca: None,
                },
            },
        ))
    };
    // The state's layout: Hamm Hbf is at 417564.08 / 5725942.90 (EPSG:25832); eastings with
    // and without the zone prefix; a suffix in its own column; ISO 8859-1 would do as well.
    let first = "NBA;STN;HNR;ADZ;PLZ;OSTWERT;NORDWERT\n\
                 E;Südstraße;12;a;59065;417564,08;5725942,90\n\
                 E;Südstraße;12;;59065;32417574,08;5725942,90\n\
                 E;Willy-Brandt-Platz;1;;59065;417600,00;5725900,00\n\
                 E;Große Weststraße;7;b;59075;416000,00;5727000,00\n";
    import("gebref.csv", first.as_bytes(), None)
        .await
        .expect("import");

    assert_eq!(
        found(&a.get(&on_a, &search("sudstr%2012a")).await),
        pairs(&[("Südstraße 12a, 59065", "address")])
    );
    let hit = b.get(&on_b, &search("S%C3%BCdstr.%2012%20A")).await;
    assert_eq!(found(&hit), pairs(&[("Südstraße 12a, 59065", "address")]));
    assert!(hit[0].get("attribution").is_none(), "none given: none sent");
    let [lon, lat] = [hit[0]["point"][0].as_f64(), hit[0]["point"][1].as_f64()];
    assert!(
        (lon.unwrap_or(0.0) - 7.8077).abs() < 1e-6 && (lat.unwrap_or(0.0) - 51.6784).abs() < 1e-6,
        "{hit}"
    );
    assert_eq!(
        found(&b.get(&on_b, &search("grosse%20weststrasse")).await),
        pairs(&[("Große Weststraße, 59075", "street")])
    );
    assert_eq!(
        found(&a.get(&on_a, &search("sudstr")).await),
        pairs(&[
            ("Südstraße, 59065", "street"),
            ("Südstraße (\"Meile\")", "place"),
        ]),
        "the street's name is the word alone: before the place with a longer name"
    );

    // A bad file: refused with its line and column, the import before stays.
    let err = import(
        "kaputt.csv",
        "STN;HNR;OSTWERT;NORDWERT\nSüdstraße;;417564;5725942\n".as_bytes(),
        None,
    )
    .await
    .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "line 2, HNR: empty: an address needs its house number"
    );
    assert_eq!(
        found(&b.get(&on_b, &search("sudstr%2012a")).await),
        pairs(&[("Südstraße 12a, 59065", "address")])
    );

    // An OpenStreetMap export replaces it.
    let osm = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"addr:street":"Nordstraße","addr:housenumber":"3","addr:postcode":"59065"},
       "geometry":{"type":"Point","coordinates":[7.815,51.682]}},
      {"type":"Feature","properties":{"name":"Maximilianpark"},
       "geometry":{"type":"Polygon","coordinates":[[[7.86,51.68],[7.87,51.68],[7.87,51.69],[7.86,51.68]]]}}
    ]}"#;
    import(
        "hamm.geojson",
        osm.as_bytes(),
        Some("© OpenStreetMap-Mitwirkende"),
    )
    .await
    .expect("import");
    assert_eq!(
        found(&a.get(&on_a, &search("sudstr%2012a")).await),
        pairs(&[])
    );
    let nord = b.get(&on_b, &search("nordstr%203")).await;
    assert_eq!(found(&nord), pairs(&[("Nordstraße 3, 59065", "address")]));
    assert_eq!(nord[0]["attribution"], "© OpenStreetMap-Mitwirkende");
    assert_eq!(
        found(&a.get(&on_a, &search("maximilianpark")).await),
        pairs(&[("Maximilianpark", "place")])
    );
}
