//! Demo data ("Beispieldaten"), loaded on first start unless `--empty`: drawn from the
//! partnership's published agenda (press release of September 2023). Every item says
//! `demo: true` and its note says "Beispieldaten"; places are the agenda's named places (from
//! `model/data/hamm-places.geojson`) or, for routes and the districts' dialogues, the district
//! reference points and lines between them. Dates are relative to the week of first start.

use geojson::Geometry;
use jiff::{Timestamp, ToSpan, civil::Date};
use model::{
    Action, AgencyKey, DistrictKey, Hotspot, Item, PatrolRoute,
    action::{ActionKind, ActionStatus, WorkingGroup},
    hamm,
    hotspot::{HotspotCategory, Severity},
    route::Occasion,
    schedule::{ClockTime, Period, Weekday, WeeklyWindow, berlin, local},
};

use crate::{
    audit::Actor,
    store::{self, StoreError},
};

const NOTE: &str = "Beispieldaten";

/// Demo items are released to the five partners of the agreement; associated partners see
/// only what they take part in (which shows releasability at work).
fn partners() -> Vec<AgencyKey> {
    model::agency::partnership_agencies()
        .into_iter()
        .filter(|a| a.role == model::agency::AgencyRole::Partner)
        .map(|a| a.key)
        .collect()
}

/// Who the audit trail names for demo data: the system, on behalf of the owning agency.
fn system(agency: &AgencyKey) -> Actor {
    Actor {
        login: "system".to_owned(),
        agency: agency.clone(),
        role: model::access::Role::Planner,
    }
}

fn agency(key: &str) -> Result<AgencyKey, StoreError> {
    AgencyKey::parse(key).map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))
}

fn place(name: &str) -> Result<[f64; 2], StoreError> {
    let places =
        hamm::places().map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
    places
        .iter()
        .find(|p| p.name.starts_with(name))
        .and_then(|p| p.point)
        .ok_or_else(|| StoreError::Db(crate::db::DbError::Corrupt(format!("no place {name}"))))
}

fn window(days: &[Weekday], from: (u8, u8), to: (u8, u8)) -> WeeklyWindow {
    let t = |(h, m): (u8, u8)| {
        ClockTime::new(h, m).unwrap_or(ClockTime::new(0, 0).unwrap_or_else(|_| unreachable!()))
    };
    WeeklyWindow {
        days: days.to_vec(),
        from: t(from),
        to: t(to),
    }
}

/// Local time `day` days after `monday` at `hh:mm`.
fn at(monday: Date, day: i64, hour: i8, minute: i8) -> Result<Timestamp, StoreError> {
    let fail = |e: jiff::Error| StoreError::Db(crate::db::DbError::Corrupt(e.to_string()));
    let date = monday.checked_add(day.days()).map_err(fail)?;
    let dt = date.at(hour, minute, 0, 0);
    Ok(dt.to_zoned_datetime(berlin()).map_err(fail)?.timestamp())
}

fn hotspot(
    title: &str,
    category: HotspotCategory,
    severity: Severity,
    at: [f64; 2],
    hours: Vec<WeeklyWindow>,
    owner: &str,
    review: Date,
) -> Result<Hotspot, StoreError> {
    Ok(Hotspot {
        title: title.into(),
        category,
        severity,
        geometry: Geometry::new_point(at),
        hours,
        agency: agency(owner)?,
        released_to: partners(),
        review_date: review,
        district: None,
        note: NOTE.into(),
        demo: true,
    })
}

#[allow(clippy::too_many_arguments)]
fn action(
    title: &str,
    kind: ActionKind,
    start: Timestamp,
    hours: i64,
    place: Option<[f64; 2]>,
    district: Option<DistrictKey>,
    lead: &str,
    with: &[&str],
) -> Result<Action, StoreError> {
    Ok(Action {
        title: title.into(),
        kind,
        start,
        end: start
            .checked_add(hours.hours())
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?,
        place: place.map(Geometry::new_point),
        district,
        lead_agency: agency(lead)?,
        agencies: with.iter().map(|a| agency(a)).collect::<Result<_, _>>()?,
        status: ActionStatus::Planned,
        released_to: partners(),
        working_group: None,
        hotspots: vec![],
        routes: vec![],
        note: NOTE.into(),
        demo: true,
    })
}

/// Loads the demo picture for the week of `now`.
pub fn load(
    tx: &crate::sql::Tx,
    districts: &[model::District],
    now: Timestamp,
) -> Result<usize, StoreError> {
    use Weekday::*;
    // All of it or none (the caller's transaction): a start interrupted half-way loads it
    // again on the next start.
    let today = local(now).date();
    let monday = today
        .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
        .unwrap_or(today);
    let review = monday.checked_add(180.days()).unwrap_or(monday);
    let (westentor, sued, bahnhof, praesidium) = (
        place("Westentor")?,
        place("Südstraße")?,
        place("Hamm (Westf) Hauptbahnhof")?,
        place("Polizeipräsidium")?,
    );
    let mut count = 0;

    let hotspots = [
        hotspot(
            "Jugendszene Westentor",
            HotspotCategory::YouthCrime,
            Severity::High,
            westentor,
            vec![window(&[Mon, Tue, Wed, Thu, Fri, Sat], (15, 0), (21, 0))],
            "polizei",
            review,
        )?,
        hotspot(
            "Nachtleben Südstraße",
            HotspotCategory::NightlifeGastronomy,
            Severity::Medium,
            sued,
            vec![window(&[Fri, Sat], (22, 0), (5, 0))],
            "kod",
            review,
        )?,
        hotspot(
            "Drogenszene Innenstadt (Crack)",
            HotspotCategory::DrugScene,
            Severity::High,
            bahnhof,
            vec![window(&Weekday::ALL, (10, 0), (22, 0))],
            "polizei",
            review,
        )?,
        hotspot(
            "Gastronomie Innenstadt",
            HotspotCategory::PublicDisorder,
            Severity::Low,
            [
                (sued[0] + praesidium[0]) / 2.0,
                (sued[1] + praesidium[1]) / 2.0,
            ],
            vec![window(&[Thu, Fri, Sat], (20, 0), (2, 0))],
            "kod",
            review,
        )?,
    ];
    let mut hotspot_ids = Vec::new();
    for h in hotspots {
        let (s, _) = {
            let actor = system(h.owner());
            store::create(tx, h, districts, &actor)
        }?;
        hotspot_ids.push(s.id);
        count += 1;
    }

    let refs = hamm::district_references()
        .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
    let point_of = |k: DistrictKey| refs.iter().find(|r| r.key == k).map(|r| r.point);
    let route = |title: &str,
                 line: Vec<[f64; 2]>,
                 occasion,
                 weekly,
                 dates|
     -> Result<PatrolRoute, StoreError> {
        Ok(PatrolRoute {
            title: title.into(),
            geometry: Geometry::new_line_string(line),
            agency: agency("polizei")?,
            agencies: vec![agency("polizei")?, agency("kod")?],
            occasion,
            released_to: partners(),
            weekly,
            dates,
            districts: vec![],
            note: NOTE.into(),
            demo: true,
        })
    };
    let event_evening = Period {
        start: at(monday, 5, 17, 0)?,
        end: at(monday, 5, 23, 30)?,
    };
    let routes = [
        route(
            "Gemeinsame Streife Innenstadt",
            vec![bahnhof, westentor, sued, praesidium],
            Occasion::CityCentre,
            vec![window(&[Fri, Sat], (21, 0), (2, 0))],
            vec![],
        )?,
        route(
            "Streife Spielplätze Bockum-Hövel (Beispielroute)",
            point_of(DistrictKey::BockumHoevel)
                .map(|p| vec![p, [p[0] + 0.006, p[1] + 0.002], [p[0] + 0.01, p[1] - 0.002]])
                .unwrap_or_default(),
            Occasion::Playgrounds,
            vec![window(&[Mon, Wed, Fri], (15, 0), (18, 0))],
            vec![],
        )?,
        route(
            "Großveranstaltung Innenstadt (Beispielroute)",
            vec![bahnhof, sued],
            Occasion::BigEvent,
            vec![],
            vec![event_evening],
        )?,
    ];
    let mut route_ids = Vec::new();
    for r in routes {
        let (s, _) = {
            let actor = system(r.owner());
            store::create(tx, r, districts, &actor)
        }?;
        route_ids.push(s.id);
        count += 1;
    }

    let mut actions = Vec::new();
    // A citizen dialogue by police and KOD in each of the seven districts, one a week.
    for (i, key) in DistrictKey::ALL.iter().enumerate() {
        let start = at(monday, 7 * i as i64 + 2, 18, 0)?;
        actions.push(action(
            &format!("Bürgerdialog {}", key.short_name()),
            ActionKind::CitizenDialogue,
            start,
            2,
            point_of(*key),
            Some(*key),
            "polizei",
            &["kod"],
        )?);
    }
    // The steering group meets twice a year.
    for weeks in [3, 29] {
        actions.push(action(
            "Sitzung der Lenkungsgruppe",
            ActionKind::SteeringGroupMeeting,
            at(monday, 7 * weeks + 1, 10, 0)?,
            3,
            Some(praesidium),
            None,
            "polizei",
            &["kod", "jugendamt", "hza", "jva"],
        )?);
    }
    // The prevention council's six working groups.
    for (i, group) in WorkingGroup::ALL.iter().enumerate() {
        let mut a = action(
            &format!("Fachkreis {}", group_name(*group)),
            ActionKind::WorkingGroupMeeting,
            at(monday, 7 * (i as i64 + 1) + 3, 14, 0)?,
            2,
            Some(praesidium),
            None,
            "polizei",
            &["kod"],
        )?;
        a.working_group = Some(*group);
        actions.push(a);
    }
    // Joint operation on the Südstraße, and a customs inspection of gastronomy the same night:
    // a conflict the planners should see.
    let mut op = action(
        "Schwerpunkteinsatz Südstraße",
        ActionKind::JointOperation,
        at(monday, 5, 22, 0)?,
        5,
        Some(sued),
        None,
        "polizei",
        &["kod"],
    )?;
    op.status = ActionStatus::Confirmed;
    op.hotspots = vec![hotspot_ids[1]];
    op.routes = vec![route_ids[0]];
    actions.push(op);
    actions.push(action(
        "Kontrolle Gastronomie (Zoll, Finanzamt)",
        ActionKind::Inspection,
        at(monday, 5, 23, 0)?,
        3,
        Some(sued),
        None,
        "hza",
        &["finanzamt", "steufa", "kod"],
    )?);
    actions.push(action(
        "Austausch mit den Gastwirten der Südstraße",
        ActionKind::GastronomyExchange,
        at(monday, 3, 16, 0)?,
        2,
        Some(sued),
        None,
        "kod",
        &["polizei"],
    )?);
    // What the partnership did in the months before (for the steering group's report): a joint
    // operation on the Südstraße every four weeks, held.
    for k in 1..=6i64 {
        let mut past = action(
            "Schwerpunkteinsatz Südstraße",
            ActionKind::JointOperation,
            at(monday, -28 * k + 4, 22, 0)?,
            4,
            Some(sued),
            None,
            "polizei",
            &["kod"],
        )?;
        past.status = ActionStatus::Done;
        past.hotspots = vec![hotspot_ids[1]];
        actions.push(past);
    }
    for a in actions {
        {
            let actor = system(a.owner());
            store::create(tx, a, districts, &actor)
        }?;
        count += 1;
    }
    for i in demo_incidents(now, &[westentor, sued, bahnhof], districts)? {
        {
            let actor = system(i.owner());
            store::create(tx, i, districts, &actor)
        }?;
        count += 1;
    }
    Ok(count)
}

/// How many demo incidents there are in the background (nine weeks), and in the emerging
/// cluster.
const DEMO_INCIDENTS: u64 = 360;
const DEMO_CLUSTER: u64 = 14;

/// The emerging cluster's place: the Kurpark in Hamm-Mitte, away from the centre's other
/// places.
const KURPARK: [f64; 2] = [7.8352, 51.6771];

/// Incidents of the last nine weeks (what early detection compares the recent week with),
/// reported by the police and the KOD and released to the partners: most around the agenda's
/// places in the centre (so the density shows them), the rest near each district's reference
/// point; and one emerging cluster for early detection to find: public drinking at the
/// Kurpark on the last four evenings. Spread by a fixed sequence, so every first start looks
/// alike.
fn demo_incidents(
    now: Timestamp,
    centre: &[[f64; 2]],
    districts: &[model::District],
) -> Result<Vec<model::Incident>, StoreError> {
    use model::incident::IncidentCategory as C;
    let mut seed: u64 = 0x5eed_1e5e;
    let mut next = move |n: u64| {
        // A 64-bit linear congruential generator (Knuth's MMIX constants).
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut anchors: Vec<[f64; 2]> = centre.to_vec();
    anchors.extend(
        hamm::district_references()
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?
            .iter()
            .map(|r| r.point),
    );
    let categories = [
        C::Damage,
        C::Noise,
        C::PublicDisorder,
        C::Littering,
        C::Theft,
        C::PublicDrinking,
        C::YouthGathering,
        C::Drugs,
        C::Violence,
        C::Burglary,
        C::TrafficAccident,
    ];
    let reporters = [agency("polizei")?, agency("kod")?];
    let mut out = Vec::new();
    for n in 0..DEMO_INCIDENTS {
        // Two in three at the centre's places.
        let anchor = if next(3) < 2 {
            anchors[next(centre.len() as u64) as usize]
        } else {
            anchors[next(anchors.len() as u64) as usize]
        };
        // About ±400 m around it; drawn again (a few times) where that leaves the districts.
        let mut position = anchor;
        for _ in 0..8 {
            let dx = (next(1000) as f64 - 500.0) * 0.000_012;
            let dy = (next(1000) as f64 - 500.0) * 0.000_008;
            let candidate = [anchor[0] + dx, anchor[1] + dy];
            if model::geometry::district_of(candidate, districts).is_some() {
                position = candidate;
                break;
            }
        }
        let hours_ago = next(63 * 24) as i64;
        let start = now
            .checked_sub(hours_ago.hours())
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
        let owner = reporters[(n % 2) as usize].clone();
        let released_to = partners().into_iter().filter(|a| *a != owner).collect();
        out.push(model::Incident {
            category: categories[next(categories.len() as u64) as usize],
            count: 1 + u32::from(next(6) == 0) * 2,
            start,
            end: None,
            geometry: Geometry::new(geojson::GeometryValue::new_point(position)),
            agency: owner,
            released_to,
            source_key: None,
            district: None,
            demo: true,
        });
    }
    let kod = agency("kod")?;
    for n in 0..DEMO_CLUSTER {
        // One of the last four evenings, 19:00 to 23:00 local time, within about 80 m.
        let day = model::schedule::local(now).date() - jiff::Span::new().days(1 + (n % 4) as i64);
        let evening = day
            .at(19 + (next(4) as i8), next(60) as i8, 0, 0)
            .to_zoned_datetime(model::schedule::berlin())
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
        let dx = (next(100) as f64 - 50.0) * 0.000_023;
        let dy = (next(100) as f64 - 50.0) * 0.000_014;
        out.push(model::Incident {
            category: C::PublicDrinking,
            count: 1,
            start: evening.timestamp(),
            end: None,
            geometry: Geometry::new(geojson::GeometryValue::new_point(vec![
                KURPARK[0] + dx,
                KURPARK[1] + dy,
            ])),
            agency: kod.clone(),
            released_to: partners().into_iter().filter(|a| *a != kod).collect(),
            source_key: None,
            district: None,
            demo: true,
        });
    }
    Ok(out)
}

fn group_name(g: WorkingGroup) -> &'static str {
    match g {
        WorkingGroup::UrbanDesign => "Städtebauliche und technische Kriminalprävention",
        WorkingGroup::DomesticViolence => "Häusliche und familiäre Gewalt",
        WorkingGroup::SexualViolenceAgainstChildren => {
            "Sexuelle Gewalt gegen Kinder und Jugendliche"
        }
        WorkingGroup::Seniors => "Kriminalprävention für Seniorinnen und Senioren",
        WorkingGroup::InternetSafety => "Sicherheit im Internet",
        WorkingGroup::RoadSafety => "Verkehrsunfallprävention",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The demo loads whole on a fresh database, its incidents among it, every one placed in a
    /// district and marked as demo data.
    #[tokio::test]
    async fn the_demo_loads_with_its_incidents_in_the_districts() {
        let place = crate::test_support::TestDb::new();
        let db = place.open().await;
        crate::seed::districts_if_empty(&db).await.unwrap();
        crate::seed::agencies(&db).await.unwrap();
        let incidents = db
            .call(|c| {
                let districts = crate::db::districts(c)?;
                load(c, &districts, Timestamp::now())?;
                store::list::<model::Incident>(c)
            })
            .await
            .unwrap();
        assert_eq!(incidents.len() as u64, DEMO_INCIDENTS + DEMO_CLUSTER);
        assert!(
            incidents
                .iter()
                .all(|i| i.item.demo && i.item.district.is_some())
        );
        let in_mitte = incidents
            .iter()
            .filter(|i| i.item.district == Some(DistrictKey::Mitte))
            .count();
        assert!(
            in_mitte > incidents.len() / 3,
            "most around the centre: {in_mitte}"
        );
        // Early detection finds the emerging cluster, and nothing else.
        let districts = db.call(crate::db::districts).await.unwrap();
        let list = model::scan::scan(
            &crate::alerts::detection(),
            incidents.iter().map(|s| &s.item),
            &districts,
            &[],
            Timestamp::now(),
        );
        let found: Vec<_> = list
            .alerts
            .iter()
            .map(|a| (a.group, a.district, a.categories.clone()))
            .collect();
        assert_eq!(
            found,
            [(
                model::alert::CategoryGroup::Disorder,
                Some(DistrictKey::Mitte),
                vec![model::incident::IncidentCategory::PublicDrinking]
            )],
            "{:#?}",
            list.alerts
        );
        assert!(model::geometry::polygon_contains(
            &list.alerts[0].geometry.value,
            KURPARK
        ));
    }
}
