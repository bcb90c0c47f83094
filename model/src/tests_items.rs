//! Validation and filtering of hotspots, routes and actions, on the real districts.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
use crate::{
    DistrictKey, Item, LayerQuery,
    action::{ActionKind, ActionStatus, WorkingGroup},
    fixtures::*,
    item::{from_feature, layer, to_feature},
    layer_text::{collection_text, feature_text, from_layer_text, layer_text},
    schedule::Weekday::*,
};

fn fields(errs: Vec<crate::validation::FieldError>) -> Vec<String> {
    errs.into_iter().map(|e| e.field).collect()
}

#[test]
fn a_hotspot_at_the_westentor_is_valid_and_lies_in_mitte() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri, Sat], (22, 0), (4, 0))]);
    h.prepare(&ctx()).unwrap();
    assert_eq!(h.district, Some(DistrictKey::Mitte));
}

#[test]
fn a_hotspot_names_every_bad_field() {
    let mut h = hotspot([8.5, 51.68], vec![]);
    h.title = " ".into();
    h.agency = agency("unbekannt");
    let errs = fields(h.prepare(&ctx()).unwrap_err());
    assert_eq!(errs, ["title", "geometry", "hours", "agency"]);
}

#[test]
fn a_given_district_must_match_the_place() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.district = Some(DistrictKey::Heessen);
    let errs = h.prepare(&ctx()).unwrap_err();
    assert_eq!(errs[0].field, "district");
    assert!(errs[0].reason.contains("mitte"), "{:?}", errs);
}

#[test]
fn a_hotspot_past_its_review_date_is_no_longer_active() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.review_date = "2026-11-01".parse().unwrap();
    assert!(!h.is_active_at(ts("2026-11-27T21:30:00Z")));
    h.review_date = "2026-12-31".parse().unwrap();
    assert!(h.is_active_at(ts("2026-11-27T21:30:00Z")));
}

#[test]
fn an_action_ending_before_it_starts_is_refused() {
    let mut a = operation("2026-12-01T18:00:00Z", "2026-12-01T17:00:00Z", WESTENTOR);
    assert_eq!(fields(a.prepare(&ctx()).unwrap_err()), ["end"]);
}

#[test]
fn an_action_needs_a_place_or_a_district() {
    let mut a = operation("2026-12-01T17:00:00Z", "2026-12-01T18:00:00Z", WESTENTOR);
    a.place = None;
    assert_eq!(fields(a.prepare(&ctx()).unwrap_err()), ["district"]);
    a.district = Some(DistrictKey::Pelkum);
    a.prepare(&ctx()).unwrap();
}

#[test]
fn working_groups_go_with_working_group_meetings_only() {
    let mut a = operation("2026-12-01T17:00:00Z", "2026-12-01T18:00:00Z", WESTENTOR);
    a.working_group = Some(WorkingGroup::Seniors);
    assert_eq!(fields(a.prepare(&ctx()).unwrap_err()), ["working_group"]);
    a.kind = ActionKind::WorkingGroupMeeting;
    a.prepare(&ctx()).unwrap();
    a.working_group = None;
    assert_eq!(fields(a.prepare(&ctx()).unwrap_err()), ["working_group"]);
}

#[test]
fn links_must_point_at_existing_items_and_agencies_must_not_repeat() {
    let mut a = operation("2026-12-01T17:00:00Z", "2026-12-01T18:00:00Z", WESTENTOR);
    a.hotspots = vec![1, 99];
    a.agencies = vec![agency("kod"), agency("kod")];
    assert_eq!(
        fields(a.prepare(&ctx()).unwrap_err()),
        ["agencies[1]", "hotspots[1]"]
    );
}

#[test]
fn a_route_gets_its_districts_and_its_owner_among_the_walkers() {
    let mut r = route(
        &[WESTENTOR, SUEDSTRASSE, HEESSEN],
        vec![window(&[Sat], (20, 0), (23, 0))],
    );
    r.agencies = vec![agency("kod")];
    r.prepare(&ctx()).unwrap();
    assert_eq!(r.districts, [DistrictKey::Mitte, DistrictKey::Heessen]);
    assert_eq!(r.agencies, [agency("polizei"), agency("kod")]);
}

#[test]
fn a_route_without_any_schedule_is_refused() {
    let mut r = route(&[WESTENTOR, SUEDSTRASSE], vec![]);
    assert_eq!(fields(r.prepare(&ctx()).unwrap_err()), ["weekly"]);
}

#[test]
fn layers_filter_by_district_agency_kind_status_and_time() {
    let mut a = operation("2026-12-01T17:00:00Z", "2026-12-01T19:00:00Z", WESTENTOR);
    let mut b = operation("2026-12-05T17:00:00Z", "2026-12-05T19:00:00Z", HEESSEN);
    a.prepare(&ctx()).unwrap();
    b.prepare(&ctx()).unwrap();
    b.status = ActionStatus::Confirmed;
    b.kind = ActionKind::Inspection;
    b.agencies = vec![agency("hza")];
    let items = [stored(1, a), stored(2, b)];
    let ids = |q: LayerQuery| -> Vec<i64> {
        layer(items.iter(), &q)
            .features
            .iter()
            .map(|f| from_feature::<crate::Action>(f).unwrap().id)
            .collect()
    };
    assert_eq!(ids(LayerQuery::default()), [1, 2]);
    assert_eq!(
        ids(LayerQuery {
            district: Some(DistrictKey::Heessen),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        ids(LayerQuery {
            agency: Some(agency("hza")),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        ids(LayerQuery {
            agency: Some(agency("kod")),
            ..Default::default()
        }),
        [1]
    );
    assert_eq!(
        ids(LayerQuery {
            kind: Some("inspection".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        ids(LayerQuery {
            status: Some(ActionStatus::Planned),
            ..Default::default()
        }),
        [1]
    );
    let window = (ts("2026-12-01T18:30:00Z"), ts("2026-12-02T00:00:00Z"));
    assert_eq!(
        ids(LayerQuery {
            window: Some(window),
            ..Default::default()
        }),
        [1]
    );
}

#[test]
fn a_layer_written_and_read_straight_as_text_equals_one_built_feature_by_feature() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.prepare(&ctx()).unwrap();
    let mut r = route(
        &[WESTENTOR, SUEDSTRASSE],
        vec![window(&[Sat], (20, 0), (23, 0))],
    );
    r.prepare(&ctx()).unwrap();
    let mut placed = operation("2026-12-01T17:00:00Z", "2026-12-01T19:00:00Z", WESTENTOR);
    placed.prepare(&ctx()).unwrap();
    // An action without a place: its feature's geometry is null.
    let mut nowhere = placed.clone();
    nowhere.place = None;
    nowhere.district = None;

    fn both<T: Item + PartialEq + std::fmt::Debug>(items: &[crate::Stored<T>]) {
        let text = serde_json::to_string(&layer(items, &LayerQuery::default())).unwrap();
        let direct = from_layer_text::<T>(&text).unwrap();
        let fc: geojson::FeatureCollection = serde_json::from_str(&text).unwrap();
        let one_by_one: Vec<_> = fc
            .features
            .iter()
            .map(|f| from_feature::<T>(f).unwrap())
            .collect();
        assert_eq!(direct, one_by_one);
        assert_eq!(direct, items);
        // Written straight from the items, the text is the same JSON.
        let written = layer_text(items, &LayerQuery::default()).unwrap();
        let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
        assert_eq!(json(&written), json(&text));
        // And put together from each item's own text, it is the same text.
        let features: Vec<_> = items.iter().map(|s| feature_text(s).unwrap()).collect();
        assert_eq!(collection_text(features.iter().map(|f| &**f)), written);
    }
    both(&[stored(1, h.clone()), stored(2, h)]);
    both(&[stored(3, r)]);
    both(&[stored(4, placed), stored(5, nowhere)]);
    both::<crate::Hotspot>(&[]);
}

#[test]
fn a_layer_text_is_read_whatever_the_order_of_its_members() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.prepare(&ctx()).unwrap();
    let expected = vec![stored(9, h)];
    let text = layer_text(&expected, &LayerQuery::default()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (properties, geometry) = (
        &value["features"][0]["properties"],
        &value["features"][0]["geometry"],
    );
    // Properties before the geometry, a foreign member, an escaped property name.
    let reordered = format!(
        r#"{{"features": [{{"properties": {properties}, "foreign": {{"a": [1, 2]}}, "geometry": {geometry}}}], "type": "FeatureCollection"}}"#
    )
    .replace(r#""title""#, r#""ti\u0074le""#);
    assert!(reordered.find(r#""properties""#) < reordered.find(r#""geometry""#));
    assert!(reordered.contains(r#"ti\u0074le"#));
    assert_eq!(
        from_layer_text::<crate::Hotspot>(&reordered).unwrap(),
        expected
    );
}

#[test]
fn a_layer_text_that_is_not_a_layer_is_an_error() {
    for text in [
        "",
        "[]",
        r#"{"type": "FeatureCollection"}"#,
        r#"{"features": [{"geometry": null, "properties": []}]}"#,
        r#"{"features": [{"geometry": {"type": "Point", "coordinates": [7.8, 51.7]}, "properties": {"id": 1}}]}"#,
        r#"{"features": [{"geometry": {"type": "Point", "coordinates": [7.8, 51.7]}}]}"#,
        r#"{"features": [{"properties": {"id": 1}, "geometry": null}]}"#,
        r#"{"features": []} trailing"#,
    ] {
        assert!(
            from_layer_text::<crate::Hotspot>(text).is_err(),
            "{text:?} was read"
        );
    }
}

#[test]
fn features_round_trip_and_keep_the_geometry_out_of_the_properties() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.prepare(&ctx()).unwrap();
    let s = stored(7, h);
    let f = to_feature(&s);
    assert!(!f.properties.as_ref().unwrap().contains_key("geometry"));
    assert_eq!(f.properties.as_ref().unwrap()["kind_of_item"], "hotspot");
    assert_eq!(from_feature::<crate::Hotspot>(&f).unwrap(), s);
    assert!(crate::Hotspot::KIND.as_str() == "hotspot");
}

#[test]
fn actions_export_to_csv_and_icalendar() {
    let mut a = operation("2026-12-04T18:00:00Z", "2026-12-04T22:00:00Z", WESTENTOR);
    a.title = "Einsatz, \"Südstraße\"".into();
    a.prepare(&ctx()).unwrap();
    let items = [stored(3, a)];
    let csv = crate::export::actions_csv(&items);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,title,kind,status,start,end,district,lead_agency,agencies,working_group,demo"
    );
    assert_eq!(
        lines[1],
        "3,\"Einsatz, \"\"Südstraße\"\"\",joint_operation,planned,2026-12-04T19:00:00+01:00,2026-12-04T23:00:00+01:00,mitte,polizei,kod,,false"
    );
    let ics = crate::export::actions_ics(&items, ts("2026-11-24T12:00:00Z"));
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in [
        "UID:action-3@lagebild-hamm",
        "DTSTART:20261204T180000Z",
        "DTEND:20261204T220000Z",
        "SUMMARY:Einsatz\\, \"Südstraße\"",
        "STATUS:TENTATIVE",
        "LOCATION:Hamm-Mitte",
        "SEQUENCE:1",
    ] {
        assert!(ics.contains(&format!("{line}\r\n")), "missing {line}");
    }
}

#[test]
fn an_item_is_seen_by_its_owner_those_taking_part_and_those_it_is_released_to() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    let all = [
        agency("polizei"),
        agency("kod"),
        agency("hza"),
        agency("jva"),
    ];
    assert_eq!(h.audience(&all), [agency("polizei")]);
    h.released_to = vec![agency("hza")];
    assert_eq!(h.audience(&all), [agency("polizei"), agency("hza")]);

    let r = route(&[WESTENTOR, [7.82, 51.681]], vec![]);
    assert_eq!(r.audience(&all), [agency("polizei"), agency("kod")]);

    let a = operation(
        "2026-12-04T20:00:00+01:00",
        "2026-12-04T23:00:00+01:00",
        WESTENTOR,
    );
    assert_eq!(a.audience(&all), [agency("polizei"), agency("kod")]);
}

#[test]
fn released_agencies_must_be_known_and_listed_once() {
    let mut h = hotspot(WESTENTOR, vec![window(&[Fri], (22, 0), (4, 0))]);
    h.released_to = vec![agency("kod"), agency("cia"), agency("kod")];
    let errs = fields(h.prepare(&ctx()).unwrap_err());
    assert_eq!(errs, ["released_to[1]", "released_to[2]"]);
}
