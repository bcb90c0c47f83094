//! The report on a hand-made half year: every expected figure worked out by hand in the
//! comments, not by the code under test.

use geojson::{Geometry, GeometryValue};

use super::*;
use crate::{
    action::ActionKind as K,
    fixtures::{
        HEESSEN, SUEDSTRASSE, WESTENTOR, agency, districts, hotspot, operation, route, stored, ts,
        window,
    },
    incident::IncidentCategory,
    schedule::Weekday::Fri,
};

fn action(
    kind: K,
    start: &str,
    end: &str,
    district: DistrictKey,
    lead: &str,
    others: &[&str],
) -> Action {
    Action {
        kind,
        status: ActionStatus::Done,
        district: Some(district),
        place: None,
        lead_agency: agency(lead),
        agencies: others.iter().map(|a| agency(a)).collect(),
        ..operation(start, end, WESTENTOR)
    }
}

fn incident(at: [f64; 2], start: &str, district: DistrictKey) -> Incident {
    Incident {
        category: IncidentCategory::Noise,
        count: 1,
        start: ts(start),
        end: None,
        geometry: Geometry::new(GeometryValue::new_point(at.to_vec())),
        agency: agency("kod"),
        released_to: vec![],
        source_key: None,
        district: Some(district),
        demo: false,
    }
}

#[test]
fn a_half_year_reads_as_worked_out_by_hand() {
    use DistrictKey::{Heessen, Mitte};
    let mut linked = action(
        K::Inspection,
        "2026-05-02T08:00:00Z",
        "2026-05-02T11:00:00Z",
        Heessen,
        "hza",
        &["kod"],
    );
    linked.hotspots = vec![1];
    let mut planned = action(
        K::JointOperation,
        "2026-04-01T17:00:00Z",
        "2026-04-01T20:00:00Z",
        Mitte,
        "polizei",
        &["kod"],
    );
    planned.status = ActionStatus::Planned;
    let actions = [
        // 19:00–23:00 and 12:00–14:00 on 6 March: 6 hours on one day.
        action(
            K::JointOperation,
            "2026-03-06T18:00:00Z",
            "2026-03-06T22:00:00Z",
            Mitte,
            "polizei",
            &["kod"],
        ),
        action(
            K::JointOperation,
            "2026-03-06T11:00:00Z",
            "2026-03-06T13:00:00Z",
            Mitte,
            "polizei",
            &["kod"],
        ),
        // 3 hours on 2 May, for hotspot 1.
        linked,
        // The KOD alone: a citizen dialogue held, not a joint action.
        action(
            K::CitizenDialogue,
            "2026-02-03T17:00:00Z",
            "2026-02-03T19:00:00Z",
            Heessen,
            "kod",
            &[],
        ),
        action(
            K::SteeringGroupMeeting,
            "2026-02-10T09:00:00Z",
            "2026-02-10T11:00:00Z",
            Mitte,
            "kod",
            &["polizei", "hza"],
        ),
        planned,
        // The day before the period.
        action(
            K::JointOperation,
            "2025-12-31T18:00:00Z",
            "2025-12-31T20:00:00Z",
            Mitte,
            "polizei",
            &["kod"],
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, a)| stored(i as i64 + 10, a))
    .collect::<Vec<_>>();

    // Fridays 20:00–22:00 along Westentor–Südstraße, the police and the KOD: 26 Fridays from
    // 2 January to 26 June, 52 hours.
    let mut street = route(
        &[WESTENTOR, SUEDSTRASSE],
        vec![window(&[Fri], (20, 0), (22, 0))],
    );
    street.districts = vec![Mitte];
    let routes = [stored(1, street)];

    // Hotspot 1 in Heessen (no patrol near), hotspot 2 at Südstraße (the patrol passes),
    // both Fridays 20–22; hotspot 2's review was due on 1 March.
    let fridays = vec![window(&[Fri], (20, 0), (22, 0))];
    let mut far = hotspot(HEESSEN, fridays.clone());
    far.review_date = "2026-12-31".parse().unwrap();
    far.district = Some(Heessen);
    let mut near = hotspot(SUEDSTRASSE, fridays);
    near.review_date = "2026-03-01".parse().unwrap();
    let hotspots = [stored(1, far), stored(2, near)];

    let mut incidents = vec![];
    // Mitte: six in the period, three in the previous one (withheld).
    for day in ["01-10", "02-11", "03-12", "04-13", "05-14", "06-15"] {
        incidents.push(incident(WESTENTOR, &format!("2026-{day}T12:00:00Z"), Mitte));
    }
    for day in ["08-01", "09-01", "10-01"] {
        incidents.push(incident(WESTENTOR, &format!("2025-{day}T12:00:00Z"), Mitte));
    }
    // Around hotspot 1: five in the 28 days before 2 May 10:00, two in the 28 after.
    for day in ["04-05", "04-10", "04-20", "04-30", "05-01"] {
        incidents.push(incident(HEESSEN, &format!("2026-{day}T12:00:00Z"), Heessen));
    }
    for day in ["05-03", "05-20"] {
        incidents.push(incident(HEESSEN, &format!("2026-{day}T12:00:00Z"), Heessen));
    }
    let incidents: Vec<_> = incidents
        .into_iter()
        .enumerate()
        .map(|(i, x)| stored(i as i64 + 100, x))
        .collect();

    let kod = agency("kod");
    let (a, r, h, i): (Vec<_>, Vec<_>, Vec<_>, Vec<_>) = (
        actions.iter().collect(),
        routes.iter().collect(),
        hotspots.iter().collect(),
        incidents.iter().collect(),
    );
    let src = Sources {
        agency: &kod,
        hotspots: &h,
        routes: &r,
        actions: &a,
        incidents: &i,
        districts: districts(),
        alerts: (3, 1, 1),
    };
    let (from, to) = ("2026-01-01".parse().unwrap(), "2026-06-30".parse().unwrap());
    let report = Report::make(&src, from, to, ts("2026-12-06T10:00:00Z"), 5);

    assert_eq!(
        report.previous_from.to_string(),
        "2025-07-04",
        "181 days before"
    );
    assert_eq!(report.previous_to.to_string(), "2025-12-31");
    let kinds: Vec<(K, u32, f64)> = report
        .by_kind
        .iter()
        .filter(|k| k.held > 0)
        .map(|k| (k.kind, k.held, k.hours))
        .collect();
    assert_eq!(
        kinds,
        [
            (K::JointOperation, 2, 6.0),
            (K::Inspection, 1, 3.0),
            (K::SteeringGroupMeeting, 1, 2.0)
        ]
    );
    assert_eq!((report.deployment_hours, report.deployment_days), (9.0, 2));
    assert_eq!(
        (
            report.steering_group_meetings,
            report.working_group_meetings
        ),
        (1, 0)
    );
    assert_eq!((report.patrol_hours, report.patrol_days), (52.0, 26));
    // 27 weeks (from Monday 29 December) × 2 hotspots × 2 hours; hotspot 2's half covered.
    assert_eq!(
        (report.hotspot_hours, report.hotspot_hours_covered_share),
        (108.0, 0.5)
    );
    assert_eq!(
        (report.hotspots_reviewed_on_time, report.hotspots_overdue),
        (1, 1)
    );

    let row = |d: DistrictKey| report.districts.iter().find(|r| r.district == d).unwrap();
    let mitte = row(Mitte);
    assert_eq!(
        (
            mitte.joint_actions,
            mitte.deployment_hours,
            mitte.deployment_days,
            mitte.citizen_dialogues,
            mitte.patrol_hours
        ),
        (3, 6.0, 1, 0, 52.0)
    );
    assert_eq!(
        (
            mitte.incidents,
            mitte.previous_incidents,
            mitte.previous_per_1000
        ),
        (6, 0, 0.0)
    );
    let heessen = row(Heessen);
    assert_eq!(
        (
            heessen.joint_actions,
            heessen.deployment_hours,
            heessen.citizen_dialogues,
            heessen.patrol_hours,
            heessen.incidents
        ),
        (1, 3.0, 1, 0.0, 7)
    );

    let agencies: Vec<(&str, u32, f64, u32, f64)> = report
        .agencies
        .iter()
        .map(|a| {
            (
                a.agency.as_str(),
                a.joint_actions,
                a.deployment_hours,
                a.deployment_days,
                a.patrol_hours,
            )
        })
        .collect();
    assert_eq!(
        agencies,
        [
            ("hza", 2, 3.0, 1, 0.0),
            ("kod", 4, 9.0, 2, 52.0),
            ("polizei", 3, 6.0, 1, 52.0)
        ]
    );

    assert_eq!(report.hotspots.len(), 1);
    let spot = &report.hotspots[0];
    assert_eq!(
        (
            spot.hotspot,
            spot.actions,
            spot.window_days,
            spot.before,
            spot.after
        ),
        (1, 1, 28, 5, 0),
        "two after: withheld"
    );
    assert_eq!(
        (
            report.alerts_raised,
            report.alerts_acknowledged,
            report.alerts_made_hotspots
        ),
        (3, 1, 1)
    );
    assert_eq!(
        report.basis,
        Basis {
            actions: 7,
            routes: 1,
            hotspots: 2,
            incidents: 16
        }
    );
}

#[test]
fn a_period_is_checked() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert_eq!(check_period(d("2026-01-01"), d("2026-12-31")), Ok(()));
    assert_eq!(check_period(d("2026-01-01"), d("2026-01-01")), Ok(()));
    assert_eq!(
        check_period(d("2026-02-01"), d("2026-01-31")).map_err(|e| e.field),
        Err("to".into())
    );
    assert_eq!(
        check_period(d("2024-01-01"), d("2025-01-01")).map_err(|e| e.field),
        Err("to".into())
    );
}

#[test]
fn the_csv_is_german_and_withholds_small_counts() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    let kod = agency("kod");
    let spot = stored(1, hotspot(HEESSEN, vec![window(&[Fri], (20, 0), (22, 0))]));
    let mut visit = action(
        K::JointOperation,
        "2026-05-02T08:00:00Z",
        "2026-05-02T11:30:00Z",
        DistrictKey::Heessen,
        "polizei",
        &["kod"],
    );
    visit.hotspots = vec![1];
    let visit = stored(5, visit);
    let src = Sources {
        agency: &kod,
        hotspots: &[&spot],
        routes: &[],
        actions: &[&visit],
        incidents: &[],
        districts: districts(),
        alerts: (0, 0, 0),
    };
    let csv = Report::make(
        &src,
        d("2026-01-01"),
        d("2026-06-30"),
        ts("2026-07-01T08:00:00Z"),
        5,
    )
    .csv();
    let lines: Vec<&str> = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark")
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "Bericht der Sicherheitspartnerschaft Hamm;Zeitraum 01.01.2026 bis 30.06.2026;Stand 01.07.2026 10:00;Behörde kod"
    );
    assert_eq!(lines[1], "Bereich;Name;Kennzahl;Wert");
    for expected in [
        "Gemeinsame Maßnahmen;Gemeinsamer Einsatz;Stunden;3,5",
        "Gemeinsame Einsätze;;Tage;1",
        "Bezirk;Hamm-Heessen;Lagemeldungen;< 5",
        "Bezirk;Hamm-Heessen;je 1.000 Einwohner;",
        "Brennpunkt;Jugendszene Westentor;Lagemeldungen 28 Tage davor (Beschreibung: kein Wirkungsnachweis);< 5",
        "Datengrundlage;;Maßnahmen;1",
    ] {
        assert!(lines.contains(&expected), "{expected} in\n{csv}");
    }
}
