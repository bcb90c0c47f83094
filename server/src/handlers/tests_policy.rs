//! The access policy through the real router, against outcomes written out by hand (never read
//! from the endpoint table or from `model::policy`, which would let a wrong rule pass its own
//! test): every route for every role; every item operation by role and by the acting agency's
//! relation to the item; creating; every admin and operator operation on their own and another
//! agency; the takeovers issue 17 found. An allowed case must answer 2xx.

use axum::http::{Method, StatusCode};
use model::{access::Role, api};
use serde_json::{Value, json};

use crate::test_support::{Fixture, TestSession, another_session, fixture, session};

/// Every method of every route, and what each caller gets from the guard: `P` through (the
/// handler answers), `U` 401, `F` 403. Columns: no session, display, officer, planner, admin,
/// operator. Written by hand: a route added to the endpoint table fails this test until it is
/// added here with its access.
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/api/health", "PPPPPP"),
    ("GET", "/api/session", "UPPPPP"),
    ("POST", "/api/session", "PPPPPP"),
    ("DELETE", "/api/session", "UPPPPP"),
    ("POST", "/api/session/pair", "PPPPPP"),
    ("GET", "/api/accounts", "UFFFPP"),
    ("POST", "/api/accounts", "UFFFPP"),
    ("POST", "/api/accounts/{login}/disable", "UFFFPP"),
    ("POST", "/api/accounts/{login}/enable", "UFFFPP"),
    ("POST", "/api/displays", "UFFFPP"),
    ("GET", "/api/audit", "UFFFPP"),
    ("GET", "/api/audit/export.csv", "UFFFPP"),
    ("GET", "/api/review-due", "UFPPPP"),
    ("GET", "/api/districts", "UPPPPP"),
    ("GET", "/api/outline", "UPPPPP"),
    ("GET", "/api/config", "UPPPPP"),
    ("GET", "/api/agencies", "UPPPPP"),
    ("POST", "/api/agencies", "UFFFFP"),
    ("GET", "/api/hotspots", "UPPPPP"),
    ("POST", "/api/hotspots", "UFFPPF"),
    ("GET", "/api/hotspots/{id}", "UFPPPP"),
    ("PUT", "/api/hotspots/{id}", "UFFPPF"),
    ("DELETE", "/api/hotspots/{id}", "UFFPPF"),
    ("GET", "/api/hotspots/map", "UFPPPP"),
    ("GET", "/api/routes", "UPPPPP"),
    ("POST", "/api/routes", "UFFPPF"),
    ("GET", "/api/routes/{id}", "UFPPPP"),
    ("PUT", "/api/routes/{id}", "UFFPPF"),
    ("DELETE", "/api/routes/{id}", "UFFPPF"),
    ("GET", "/api/actions", "UPPPPP"),
    ("POST", "/api/actions", "UFFPPF"),
    ("GET", "/api/actions/{id}", "UFPPPP"),
    ("PUT", "/api/actions/{id}", "UFFPPF"),
    ("DELETE", "/api/actions/{id}", "UFFPPF"),
    // Incidents: people only (wall displays get the density and counts); officers report.
    ("GET", "/api/incidents", "UFPPPP"),
    ("POST", "/api/incidents", "UFPPPF"),
    ("GET", "/api/incidents/{id}", "UFPPPP"),
    ("PUT", "/api/incidents/{id}", "UFFPPF"),
    ("DELETE", "/api/incidents/{id}", "UFFPPF"),
    ("GET", "/api/incidents/density", "UPPPPP"),
    ("GET", "/api/conflicts", "UFPPPP"),
    ("GET", "/api/coverage", "UFPPPP"),
    ("GET", "/api/indicators", "UPPPPP"),
    ("GET", "/api/summary", "UPPPPP"),
    ("GET", "/api/alerts", "UPPPPP"),
    // The report: people, not wall displays.
    ("GET", "/api/report", "UFPPPP"),
    // Acknowledging: planners and admins.
    ("POST", "/api/alerts/{key}/acknowledgement", "UFFPPF"),
    ("GET", "/api/events", "UPPPPP"),
    ("GET", "/api/export/{file}", "UFPPPP"),
    ("GET", "/tiles/{name}/{z}/{x}/{y}", "UPPPPP"),
    ("GET", "/api/places", "UFPPPP"),
    ("POST", "/api/import/districts", "UFFFFP"),
    ("POST", "/api/import/hotspots", "UFFFPF"),
    ("POST", "/api/import/routes", "UFFFPF"),
    ("POST", "/api/import/incidents", "UFFFPF"),
    ("GET", "/api/openapi.json", "PPPPPP"),
];

const ROLES: [Role; 5] = [
    Role::Display,
    Role::Officer,
    Role::Planner,
    Role::Admin,
    Role::Operator,
];

#[tokio::test]
async fn every_route_answers_each_role_as_the_hand_written_table_says() {
    // The table names every route the router has, and no other.
    let mut declared: Vec<(String, String)> = crate::handlers::endpoints()
        .iter()
        .flat_map(|e| {
            e.ops
                .iter()
                .map(|op| (op.method.to_string(), e.path.to_owned()))
        })
        .collect();
    let mut written: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    declared.sort();
    written.sort();
    assert_eq!(declared, written, "the table and the router disagree");

    let f = fixture().await;
    for role in ROLES {
        session(&f.state, &format!("kod-{role}"), role, "kod").await;
    }
    let mut checked = 0;
    for (method, path, expected) in ROUTES {
        let uri = path
            .replace("{id}", "999999")
            .replace("{login}", "niemand")
            .replace("{file}", "actions.csv")
            .replace("{name}/{z}/{x}/{y}", "stadtplan/0/0/0");
        // An event stream never ends; a bad resume id answers at once.
        let uri = if *path == api::EVENTS {
            format!("{uri}?since=x")
        } else {
            uri
        };
        let method: Method = method.parse().expect("method");
        let callers = std::iter::once(None).chain(ROLES.iter().map(Some));
        for (caller, want) in callers.zip(expected.chars()) {
            // A fresh session each time: signing out must not spoil the next check.
            let s = match caller {
                Some(role) => Some(another_session(&f.state, &format!("kod-{role}")).await),
                None => None,
            };
            let body = (method == Method::POST || method == Method::PUT).then(|| json!({}));
            let (status, _, answer) = f
                .send(s.as_ref(), method.clone(), &uri, body.as_ref())
                .await;
            let what = format!("{method} {uri} as {caller:?}: {status} {answer}");
            match want {
                'U' => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                    assert_eq!(answer["error"]["code"], "unauthorized", "{what}");
                }
                'F' => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
                _ => assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{what} should pass the guard"
                ),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * 6);
}

fn point() -> Value {
    json!({"type": "Point", "coordinates": [7.8137, 51.68016]})
}

/// An item of `kind` (`hotspots`, `routes`, `actions`) owned by the police, walked or joined
/// by the KOD (routes, actions), released to the customs office.
fn police_item(kind: &str, title: &str) -> Value {
    let every_day = json!([{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}]);
    match kind {
        "hotspots" => json!({"title": title, "category": "youth_crime", "severity": "high",
            "geometry": point(), "hours": every_day, "agency": "polizei",
            "released_to": ["hza"], "review_date": "2099-06-30"}),
        "routes" => json!({"title": title, "occasion": "city_centre",
            "geometry": {"type": "LineString", "coordinates": [[7.8137, 51.68016], [7.81971, 51.67949]]},
            "agency": "polizei", "agencies": ["polizei", "kod"], "released_to": ["hza"],
            "weekly": every_day}),
        _ => json!({"title": title, "kind": "joint_operation",
            "start": "2026-12-04T19:00:00+01:00", "end": "2026-12-04T23:00:00+01:00",
            "place": point(), "lead_agency": "polizei", "agencies": ["kod"],
            "released_to": ["hza"], "status": "planned"}),
    }
}

fn owner_field(kind: &str) -> &'static str {
    if kind == "actions" {
        "lead_agency"
    } else {
        "agency"
    }
}

/// What is tried on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Try {
    Read,
    /// Change the title (an operational field).
    EditTitle,
    /// Release it to one more agency (the owner's to decide).
    EditRelease,
    /// Make the acting agency (or, for the owner, the KOD) the owner.
    ChangeOwner,
    Delete,
}

/// How the acting agency stands to the police's item: the police itself, the KOD (walks the
/// route, joins the action), the customs office (released to), the prison (nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Owner,
    Participant,
    ReleasedTo,
    Unrelated,
}

impl Relation {
    fn agency(self) -> &'static str {
        match self {
            Relation::Owner => "polizei",
            Relation::Participant => "kod",
            Relation::ReleasedTo => "hza",
            Relation::Unrelated => "jva",
        }
    }
}

/// The item policy, by hand. Statuses for display, officer, planner, admin, operator. (A
/// hotspot has no participants: the KOD stands to it as the prison does. A wall display reads
/// no single item: it draws the layers.)
const ITEMS: &[(&str, Relation, Try, [u16; 5])] = {
    use Relation::*;
    use Try::*;
    &[
        ("hotspots", Owner, Read, [403, 200, 200, 200, 200]),
        ("hotspots", Owner, EditTitle, [403, 403, 200, 200, 403]),
        ("hotspots", Owner, EditRelease, [403, 403, 200, 200, 403]),
        ("hotspots", Owner, ChangeOwner, [403, 403, 403, 403, 403]),
        ("hotspots", Owner, Delete, [403, 403, 204, 204, 403]),
        ("hotspots", ReleasedTo, Read, [403, 200, 200, 200, 200]),
        ("hotspots", ReleasedTo, EditTitle, [403, 403, 403, 403, 403]),
        (
            "hotspots",
            ReleasedTo,
            EditRelease,
            [403, 403, 403, 403, 403],
        ),
        (
            "hotspots",
            ReleasedTo,
            ChangeOwner,
            [403, 403, 403, 403, 403],
        ),
        ("hotspots", ReleasedTo, Delete, [403, 403, 403, 403, 403]),
        ("hotspots", Unrelated, Read, [403, 404, 404, 404, 404]),
        ("hotspots", Unrelated, EditTitle, [403, 403, 404, 404, 403]),
        (
            "hotspots",
            Unrelated,
            EditRelease,
            [403, 403, 404, 404, 403],
        ),
        (
            "hotspots",
            Unrelated,
            ChangeOwner,
            [403, 403, 404, 404, 403],
        ),
        ("hotspots", Unrelated, Delete, [403, 403, 404, 404, 403]),
        ("routes", Owner, Read, [403, 200, 200, 200, 200]),
        ("routes", Owner, EditTitle, [403, 403, 200, 200, 403]),
        ("routes", Owner, EditRelease, [403, 403, 200, 200, 403]),
        ("routes", Owner, ChangeOwner, [403, 403, 403, 403, 403]),
        ("routes", Owner, Delete, [403, 403, 204, 204, 403]),
        ("routes", Participant, Read, [403, 200, 200, 200, 200]),
        ("routes", Participant, EditTitle, [403, 403, 403, 403, 403]),
        (
            "routes",
            Participant,
            EditRelease,
            [403, 403, 403, 403, 403],
        ),
        (
            "routes",
            Participant,
            ChangeOwner,
            [403, 403, 403, 403, 403],
        ),
        ("routes", Participant, Delete, [403, 403, 403, 403, 403]),
        ("routes", ReleasedTo, Read, [403, 200, 200, 200, 200]),
        ("routes", ReleasedTo, EditTitle, [403, 403, 403, 403, 403]),
        ("routes", ReleasedTo, EditRelease, [403, 403, 403, 403, 403]),
        ("routes", ReleasedTo, ChangeOwner, [403, 403, 403, 403, 403]),
        ("routes", ReleasedTo, Delete, [403, 403, 403, 403, 403]),
        ("routes", Unrelated, Read, [403, 404, 404, 404, 404]),
        ("routes", Unrelated, EditTitle, [403, 403, 404, 404, 403]),
        ("routes", Unrelated, EditRelease, [403, 403, 404, 404, 403]),
        ("routes", Unrelated, ChangeOwner, [403, 403, 404, 404, 403]),
        ("routes", Unrelated, Delete, [403, 403, 404, 404, 403]),
        ("actions", Owner, Read, [403, 200, 200, 200, 200]),
        ("actions", Owner, EditTitle, [403, 403, 200, 200, 403]),
        ("actions", Owner, EditRelease, [403, 403, 200, 200, 403]),
        ("actions", Owner, ChangeOwner, [403, 403, 403, 403, 403]),
        ("actions", Owner, Delete, [403, 403, 204, 204, 403]),
        ("actions", Participant, Read, [403, 200, 200, 200, 200]),
        ("actions", Participant, EditTitle, [403, 403, 200, 200, 403]),
        (
            "actions",
            Participant,
            EditRelease,
            [403, 403, 403, 403, 403],
        ),
        (
            "actions",
            Participant,
            ChangeOwner,
            [403, 403, 403, 403, 403],
        ),
        ("actions", Participant, Delete, [403, 403, 403, 403, 403]),
        ("actions", ReleasedTo, Read, [403, 200, 200, 200, 200]),
        ("actions", ReleasedTo, EditTitle, [403, 403, 403, 403, 403]),
        (
            "actions",
            ReleasedTo,
            EditRelease,
            [403, 403, 403, 403, 403],
        ),
        (
            "actions",
            ReleasedTo,
            ChangeOwner,
            [403, 403, 403, 403, 403],
        ),
        ("actions", ReleasedTo, Delete, [403, 403, 403, 403, 403]),
        ("actions", Unrelated, Read, [403, 404, 404, 404, 404]),
        ("actions", Unrelated, EditTitle, [403, 403, 404, 404, 403]),
        ("actions", Unrelated, EditRelease, [403, 403, 404, 404, 403]),
        ("actions", Unrelated, ChangeOwner, [403, 403, 404, 404, 403]),
        ("actions", Unrelated, Delete, [403, 403, 404, 404, 403]),
    ]
};

/// Accounts of every role in the police, the KOD, the customs office and the prison, named
/// `{agency}-{role}`.
async fn accounts(f: &Fixture) {
    for agency in ["polizei", "kod", "hza", "jva"] {
        for role in ROLES {
            session(&f.state, &format!("{agency}-{role}"), role, agency).await;
        }
    }
}

async fn as_(f: &Fixture, agency: &str, role: Role) -> TestSession {
    another_session(&f.state, &format!("{agency}-{role}")).await
}

#[tokio::test]
async fn every_item_operation_answers_each_role_and_relation_as_written() {
    let f = fixture().await;
    accounts(&f).await;
    let owner = as_(&f, "polizei", Role::Planner).await;
    for (kind, relation, attempt, expected) in ITEMS {
        for (role, want) in ROLES.iter().zip(expected) {
            let title = format!("{kind} {relation:?} {attempt:?} {role}");
            let (status, created) = f
                .post(&owner, &format!("/api/{kind}"), &police_item(kind, &title))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let uri = format!("/api/{kind}/{}", created["id"]);
            let who = as_(&f, relation.agency(), *role).await;
            let mut body = police_item(kind, &title);
            match attempt {
                Try::EditTitle => body["title"] = json!(format!("{title}, geändert")),
                Try::EditRelease => body["released_to"] = json!(["hza", "steufa"]),
                Try::ChangeOwner => {
                    let new_owner = match relation {
                        Relation::Owner => "kod",
                        other => other.agency(),
                    };
                    body[owner_field(kind)] = json!(new_owner);
                }
                Try::Read | Try::Delete => {}
            }
            let status = match attempt {
                Try::Read => f.send(Some(&who), Method::GET, &uri, None).await.0,
                Try::Delete => f.delete(&who, &uri, 1).await,
                _ => f.put(&who, &uri, 1, &body).await.0,
            };
            let case = format!("{kind}, {relation:?}, {attempt:?}, {role}");
            assert_eq!(status.as_u16(), *want, "{case}");
            // What was refused changed nothing; what was allowed did what it said.
            let (after, _, stored) = f.send(Some(&owner), Method::GET, &uri, None).await;
            match (attempt, *want) {
                (Try::Delete, 204) => assert_eq!(after, StatusCode::NOT_FOUND, "{case}"),
                (Try::EditTitle | Try::EditRelease, 200) => {
                    assert_eq!(stored["version"], 2, "{case}");
                    assert_eq!(stored["title"], body["title"], "{case}");
                    assert_eq!(stored["released_to"], body["released_to"], "{case}");
                }
                _ => {
                    assert_eq!(after, StatusCode::OK, "{case}");
                    assert_eq!(stored["version"], 1, "{case}: {stored}");
                    assert_eq!(stored["title"], json!(title), "{case}");
                    assert_eq!(stored["released_to"], json!(["hza"]), "{case}");
                    assert_eq!(stored[owner_field(kind)], "polizei", "{case}");
                }
            }
        }
    }
}

/// Creating, by hand: statuses for display, officer, planner, admin, operator of the police,
/// creating an item the police would own and one the KOD would.
const CREATE: &[(&str, &str, [u16; 5])] = &[
    ("hotspots", "polizei", [403, 403, 201, 201, 403]),
    ("hotspots", "kod", [403, 403, 403, 403, 403]),
    ("routes", "polizei", [403, 403, 201, 201, 403]),
    ("routes", "kod", [403, 403, 403, 403, 403]),
    ("actions", "polizei", [403, 403, 201, 201, 403]),
    ("actions", "kod", [403, 403, 403, 403, 403]),
];

#[tokio::test]
async fn items_are_created_only_by_planners_and_admins_and_only_for_their_own_agency() {
    let f = fixture().await;
    accounts(&f).await;
    for (kind, owner, expected) in CREATE {
        for (role, want) in ROLES.iter().zip(expected) {
            let who = as_(&f, "polizei", *role).await;
            let title = format!("{kind} von {owner} durch {role}");
            let mut body = police_item(kind, &title);
            body[owner_field(kind)] = json!(owner);
            if *owner == "kod" && *kind == "actions" {
                body["agencies"] = json!(["polizei"]);
            }
            let (status, answer) = f.post(&who, &format!("/api/{kind}"), &body).await;
            assert_eq!(status.as_u16(), *want, "{title}: {answer}");
            if *want == 403 && role.plans() {
                assert_eq!(answer["error"]["field"], owner_field(kind), "{answer}");
            }
            // Nothing refused was stored, for anyone.
            let stored = {
                let title = title.clone();
                f.state
                    .db
                    .call(move |c| {
                        c.query_one(
                            "SELECT count(*) FROM items WHERE body ->> 'title' = ?1",
                            crate::args![title],
                            |r| r.get::<i64>(0),
                        )
                    })
                    .await
                    .expect("count")
            };
            assert_eq!(stored, i64::from(*want == 201), "{title}");
        }
    }
}

/// What the admin and the operator try: on the police (the admin's agency), the prison
/// (another), the KOD (the operator's).
#[derive(Debug, Clone, Copy)]
enum Manage {
    AddOfficer(&'static str),
    AddOperator(&'static str),
    Disable(&'static str),
    Enable(&'static str),
    /// A code for a new display of the agency (named in the body unless it is the caller's).
    PairNew(&'static str),
    /// A code for the prison's existing display, named `jva-wand`, asked by the police admin
    /// for its own agency / by the operator for the prison.
    PairExisting,
    AddGuest,
    ImportDistricts,
    /// Hotspots without an owner: they become the importer's.
    ImportOwn,
    /// Hotspots owned by the prison.
    ImportOthers,
    ReadAudit,
}

/// Statuses for a police planner, the police admin and the KOD operator, by hand.
const MANAGE: &[(Manage, [u16; 3])] = {
    use Manage::*;
    &[
        (AddOfficer("polizei"), [403, 201, 201]),
        (AddOfficer("jva"), [403, 403, 201]),
        (AddOperator("polizei"), [403, 403, 201]),
        (Disable("polizei"), [403, 200, 200]),
        (Disable("jva"), [403, 403, 200]),
        (Enable("polizei"), [403, 200, 200]),
        (Enable("jva"), [403, 403, 200]),
        (PairNew("polizei"), [403, 201, 201]),
        (PairNew("jva"), [403, 403, 201]),
        (PairExisting, [403, 403, 201]),
        (AddGuest, [403, 403, 201]),
        (ImportDistricts, [403, 403, 201]),
        (ImportOwn, [403, 201, 403]),
        (ImportOthers, [403, 422, 403]),
        (ReadAudit, [403, 200, 200]),
    ]
};

#[tokio::test]
async fn admins_manage_their_own_agency_and_operators_every_agency() {
    let f = fixture().await;
    let callers = [
        ("polizei-plan", Role::Planner, "polizei"),
        ("polizei-admin", Role::Admin, "polizei"),
        ("kod-it", Role::Operator, "kod"),
    ];
    for (login, role, agency) in callers {
        session(&f.state, login, role, agency).await;
    }
    session(&f.state, "jva-wand", Role::Display, "jva").await;
    let districts = f
        .get(
            &another_session(&f.state, "polizei-admin").await,
            api::DISTRICTS,
        )
        .await;
    let mut n = 0;
    for (attempt, expected) in MANAGE {
        for ((login, _, own), want) in callers.iter().zip(expected) {
            n += 1;
            let who = another_session(&f.state, login).await;
            // Accounts to disable and enable, made for this case alone.
            let target = |agency: &str| format!("ziel-{n}-{agency}");
            let (status, answer) = match attempt {
                Manage::AddOfficer(agency) | Manage::AddOperator(agency) => {
                    let role = if matches!(attempt, Manage::AddOfficer(_)) {
                        "officer"
                    } else {
                        "operator"
                    };
                    let body = json!({"login": target(agency), "role": role, "agency": agency,
                        "password": "ein langes Passwort"});
                    f.post(&who, api::ACCOUNTS, &body).await
                }
                Manage::Disable(agency) | Manage::Enable(agency) => {
                    session(&f.state, &target(agency), Role::Officer, agency).await;
                    let verb = if matches!(attempt, Manage::Disable(_)) {
                        "disable"
                    } else {
                        let admin = another_session(&f.state, "kod-it").await;
                        let (s, _) = f
                            .post(
                                &admin,
                                &format!("/api/accounts/{}/disable", target(agency)),
                                &json!({}),
                            )
                            .await;
                        assert_eq!(s, StatusCode::OK);
                        "enable"
                    };
                    let uri = format!("/api/accounts/{}/{verb}", target(agency));
                    f.post(&who, &uri, &json!({})).await
                }
                Manage::PairNew(agency) => {
                    let mut body = json!({"login": format!("wand-{n}")});
                    if agency != own {
                        body["agency"] = json!(agency);
                    }
                    f.post(&who, api::DISPLAYS, &body).await
                }
                Manage::PairExisting => {
                    let body = if *own == "kod" {
                        json!({"login": "jva-wand", "agency": "jva"})
                    } else {
                        json!({"login": "jva-wand"})
                    };
                    f.post(&who, api::DISPLAYS, &body).await
                }
                Manage::AddGuest => {
                    let body = json!({"key": format!("gast-{n}"), "name": "Gast", "short_name": "Gast", "role": "guest"});
                    f.post(&who, api::AGENCIES, &body).await
                }
                Manage::ImportDistricts => f.post(&who, "/api/import/districts", &districts).await,
                Manage::ImportOwn | Manage::ImportOthers => {
                    let mut props = police_item("hotspots", &format!("Import {n}"));
                    let geometry = props["geometry"].take();
                    if let Some(p) = props.as_object_mut() {
                        p.remove("geometry");
                        p.remove("agency");
                        if matches!(attempt, Manage::ImportOthers) {
                            p.insert("agency".into(), json!("jva"));
                        }
                    }
                    let fc = json!({"type": "FeatureCollection", "features": [
                        {"type": "Feature", "geometry": geometry, "properties": props}]});
                    f.post(&who, "/api/import/hotspots", &fc).await
                }
                Manage::ReadAudit => {
                    let (s, _, body) = f.send(Some(&who), Method::GET, api::AUDIT, None).await;
                    (s, body)
                }
            };
            assert_eq!(status.as_u16(), *want, "{attempt:?} by {login}: {answer}");
            // What was allowed did what it said.
            match (attempt, *want) {
                (Manage::AddOfficer(agency) | Manage::AddOperator(agency), 201) => {
                    assert_eq!(answer["agency"], *agency);
                }
                (Manage::Disable(_), 200) => assert_eq!(answer["disabled"], true),
                (Manage::Enable(_), 200) => assert_eq!(answer["disabled"], false),
                (Manage::PairNew(agency), 201) => assert_eq!(answer["agency"], *agency),
                (Manage::PairExisting, 201) => assert_eq!(answer["agency"], "jva"),
                (Manage::ImportOwn, 201) => assert_eq!(answer["imported"], 1),
                (Manage::ImportOthers, 422) => {
                    assert_eq!(answer["error"]["field"], "features[0].agency")
                }
                _ => {}
            }
        }
    }
    // The prison's display still belongs to the prison.
    let operator = another_session(&f.state, "kod-it").await;
    let all = f.get(&operator, api::ACCOUNTS).await;
    let wall = all
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["login"] == "jva-wand")
        .cloned()
        .unwrap_or_default();
    assert_eq!(wall["agency"], "jva");
}

/// The logins each manager is shown, exactly.
#[tokio::test]
async fn admins_list_their_own_agencys_accounts_and_operators_all() {
    let f = fixture().await;
    for (login, role, agency) in [
        ("pol-admin", Role::Admin, "polizei"),
        ("pol-plan", Role::Planner, "polizei"),
        ("pol-wand", Role::Display, "polizei"),
        ("pol-it", Role::Operator, "polizei"),
        ("kod-admin", Role::Admin, "kod"),
        ("kod-lage", Role::Officer, "kod"),
        ("jva-it", Role::Operator, "jva"),
    ] {
        session(&f.state, login, role, agency).await;
    }
    let logins = |v: Value| {
        let mut l: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["login"].as_str().map(str::to_owned))
            .collect();
        l.sort();
        l
    };
    let seen = |login: &'static str| {
        let f = &f;
        async move {
            let s = another_session(&f.state, login).await;
            logins(f.get(&s, api::ACCOUNTS).await)
        }
    };
    assert_eq!(
        seen("pol-admin").await,
        ["pol-admin", "pol-plan", "pol-wand"]
    );
    assert_eq!(seen("kod-admin").await, ["kod-admin", "kod-lage"]);
    let everyone = [
        "jva-it",
        "kod-admin",
        "kod-lage",
        "pol-admin",
        "pol-it",
        "pol-plan",
        "pol-wand",
    ];
    assert_eq!(seen("jva-it").await, everyone);
    assert_eq!(seen("pol-it").await, everyone);
}

/// The takeovers issue 17 found, each refused, and the item as it was.
#[tokio::test]
async fn the_takeovers_of_issue_17_are_refused_and_change_nothing() {
    let f = fixture().await;
    for (login, role, agency) in [
        ("pol-plan", Role::Planner, "polizei"),
        ("pol-admin", Role::Admin, "polizei"),
        ("kod-plan", Role::Planner, "kod"),
        ("fa-admin", Role::Admin, "finanzamt"),
    ] {
        session(&f.state, login, role, agency).await;
    }
    let police = another_session(&f.state, "pol-plan").await;
    let kod = another_session(&f.state, "kod-plan").await;
    let tax = another_session(&f.state, "fa-admin").await;
    let mut action = police_item("actions", "Gemeinsamer Einsatz");
    action["released_to"] = json!([]);
    let (_, created) = f.post(&police, api::ACTIONS, &action).await;
    let uri = format!("{}/{}", api::ACTIONS, created["id"]);

    // The KOD, taking part, makes itself the lead, drops the police, releases it elsewhere.
    let mut takeover = action.clone();
    takeover["lead_agency"] = json!("kod");
    takeover["agencies"] = json!([]);
    takeover["released_to"] = json!(["steufa"]);
    let (status, answer) = f.put(&kod, &uri, 1, &takeover).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["error"]["field"], "lead_agency");
    // Step by step it fares no better.
    let mut without_police = action.clone();
    without_police["released_to"] = json!(["steufa"]);
    let (status, answer) = f.put(&kod, &uri, 1, &without_police).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["error"]["field"], "released_to");
    let (status, _) = f.put(&kod, &uri, 1, &takeover).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let read = f.get(&police, &uri).await;
    assert_eq!(
        (
            read["version"].clone(),
            read["lead_agency"].clone(),
            read["released_to"].clone()
        ),
        (json!(1), json!("polizei"), json!([]))
    );

    // The KOD creates an action led by the police.
    let (status, answer) = f.post(&kod, api::ACTIONS, &action).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["error"]["field"], "lead_agency");

    // The tax office's admin: a police planner's account, disabling one, a police display.
    let body = json!({"login": "pol-neu", "role": "planner", "agency": "polizei", "password": "ein langes Passwort"});
    let (status, answer) = f.post(&tax, api::ACCOUNTS, &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["error"]["field"], "agency");
    let (status, _) = f
        .post(&tax, "/api/accounts/pol-plan/disable", &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        f.get(&police, api::SESSION).await["login"],
        "pol-plan",
        "still signed in"
    );
    let (status, _) = f
        .post(
            &tax,
            api::DISPLAYS,
            &json!({"login": "pol-wand", "agency": "polizei"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // … and the trail: nothing of the police action.
    let trail = f.get(&tax, api::AUDIT).await.to_string();
    assert!(!trail.contains("Gemeinsamer Einsatz"), "{trail}");
    assert!(!trail.contains("\"subject\":\"action\""), "{trail}");
}

/// Links from an action are checked against what the writer's agency may see, after its right
/// to write: an unseen hotspot is "no such item", word for word like one that does not exist.
#[tokio::test]
async fn an_action_links_only_what_its_writer_may_see_and_keeps_the_links_it_has() {
    let f = fixture().await;
    session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    session(&f.state, "kod-plan", Role::Planner, "kod").await;
    let police = another_session(&f.state, "pol-plan").await;
    let kod = another_session(&f.state, "kod-plan").await;
    let mut secret = police_item("hotspots", "Geheim");
    secret["released_to"] = json!([]);
    let (_, secret) = f.post(&police, api::HOTSPOTS, &secret).await;
    let mut shared = police_item("hotspots", "Für den KOD");
    shared["released_to"] = json!(["kod"]);
    let (_, shared) = f.post(&police, api::HOTSPOTS, &shared).await;
    let (secret, shared) = (secret["id"].as_i64(), shared["id"].as_i64());

    let kods_action = |links: Value| {
        let mut a = police_item("actions", "Kontrolle des KOD");
        a["lead_agency"] = json!("kod");
        a["agencies"] = json!([]);
        a["hotspots"] = links;
        a
    };
    let (status, unseen) = f
        .post(&kod, api::ACTIONS, &kods_action(json!([secret])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, absent) = f
        .post(&kod, api::ACTIONS, &kods_action(json!([999_999])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = |v: &Value, id: String| {
        v["error"]["details"][0]["reason"]
            .as_str()
            .map(|r| r.replace(&id, "N"))
    };
    assert_eq!(unseen["error"]["field"], "hotspots[0]");
    assert_eq!(
        reason(&unseen, secret.unwrap_or_default().to_string()),
        reason(&absent, "999999".into()),
        "the same words for unseen and absent"
    );
    let (status, body) = f
        .post(&kod, api::ACTIONS, &kods_action(json!([shared])))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The right to write comes first: an action the KOD may not create is 403, links or not.
    let mut polices = police_item("actions", "Fremd");
    polices["hotspots"] = json!([secret]);
    let (status, body) = f.post(&kod, api::ACTIONS, &polices).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["field"], "lead_agency");

    // The police link their secret hotspot to a joint action; the KOD, taking part, saves it
    // with the link it cannot see and a new title: the link stays.
    let mut joint = police_item("actions", "Gemeinsam");
    joint["hotspots"] = json!([secret]);
    let (status, created) = f.post(&police, api::ACTIONS, &joint).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uri = format!("{}/{}", api::ACTIONS, created["id"]);
    joint["title"] = json!("Gemeinsam, verlegt");
    let (status, saved) = f.put(&kod, &uri, 1, &joint).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["hotspots"], json!([secret]));
    // Leaving it out does not drop it either: the KOD cannot see what it would remove.
    joint["hotspots"] = json!([shared]);
    let (status, saved) = f.put(&kod, &uri, 2, &joint).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["hotspots"], json!([shared, secret]));
    // The police, who see it, remove it.
    joint["hotspots"] = json!([]);
    let (status, saved) = f.put(&police, &uri, 3, &joint).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["hotspots"], json!([]));
    // … but cannot add it to an action of its own.
    let (status, _) = f
        .post(&kod, api::ACTIONS, &kods_action(json!([secret])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Official boundaries move items into other districts; the new versions are recorded on behalf
/// of each item's owner, so the trail of the importing operator's agency learns nothing of
/// items it cannot see.
#[tokio::test]
async fn a_district_import_tells_the_operators_agency_nothing_of_other_agencies_items() {
    let f = fixture().await;
    for (login, role, agency) in [
        ("pol-plan", Role::Planner, "polizei"),
        ("pol-admin", Role::Admin, "polizei"),
        ("kod-admin", Role::Admin, "kod"),
        ("kod-it", Role::Operator, "kod"),
    ] {
        session(&f.state, login, role, agency).await;
    }
    let police = another_session(&f.state, "pol-plan").await;
    let mut secret = police_item("hotspots", "Nur Polizei");
    secret["released_to"] = json!([]);
    let (status, created) = f.post(&police, api::HOTSPOTS, &secret).await;
    assert_eq!(status, StatusCode::CREATED);
    // Mitte's and Heessen's shapes swapped: the Westentor now lies in "Heessen".
    let operator = another_session(&f.state, "kod-it").await;
    let mut file = f.get(&operator, api::DISTRICTS).await;
    let features = file["features"].as_array_mut().expect("features");
    let at = |key: &str, features: &[Value]| {
        features
            .iter()
            .position(|f| f["properties"]["key"] == key)
            .expect("district")
    };
    let (mitte, heessen) = (at("mitte", features), at("heessen", features));
    let geometry = features[mitte]["geometry"].clone();
    features[mitte]["geometry"] = features[heessen]["geometry"].clone();
    features[heessen]["geometry"] = geometry;
    let (status, body) = f.post(&operator, "/api/import/districts", &file).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let moved = f
        .get(&police, &format!("{}/{}", api::HOTSPOTS, created["id"]))
        .await;
    assert_eq!(moved["district"], "heessen");

    let trail = |login: &'static str| {
        let f = &f;
        async move {
            let s = another_session(&f.state, login).await;
            f.get(&s, api::AUDIT).await
        }
    };
    let police_trail = trail("pol-admin").await;
    let update = police_trail
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["op"] == "updated" && e["item_id"] == created["id"])
        .cloned()
        .expect("the police read the move");
    assert_eq!(update["login"], "(district import by kod-it)");
    assert_eq!(update["after"]["district"], "heessen");
    let kod_trail = trail("kod-admin").await;
    let about_it = kod_trail
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["item_id"] == created["id"])
        .count();
    assert_eq!(about_it, 0, "{kod_trail}");
    assert!(!kod_trail.to_string().contains("Nur Polizei"));
}
