//! Who may see and change what, through the real router: every route for every role,
//! sign-in, sessions, CSRF, releasability on every read path, planners' limits, the audit
//! trail, wall displays.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use model::{access::Role, api};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::test_support::{TestSession, another_session, body_json, fixture, session};

fn point() -> Value {
    json!({"type": "Point", "coordinates": [7.8137, 51.68016]})
}

pub(super) fn hotspot(title: &str, agency: &str, released_to: &[&str]) -> Value {
    json!({"title": title, "category": "youth_crime", "severity": "high", "geometry": point(),
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}],
        "agency": agency, "released_to": released_to, "review_date": "2099-06-30"})
}

fn action(title: &str, lead: &str, with: &[&str], released_to: &[&str]) -> Value {
    let now = jiff::Timestamp::now();
    let start = now - jiff::SignedDuration::from_mins(30);
    let end = now + jiff::SignedDuration::from_hours(2);
    json!({"title": title, "kind": "joint_operation", "start": start.to_string(), "end": end.to_string(),
        "place": point(), "lead_agency": lead, "agencies": with, "released_to": released_to,
        "status": "planned"})
}

/// The `field` of a refusal's JSON body.
async fn refused_field(response: axum::response::Response) -> String {
    let body = body_json(response).await;
    body["error"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn writes_need_the_sessions_csrf_token_and_refuse_other_sites() {
    let f = fixture().await;
    let s = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let body = hotspot("Westentor", "polizei", &[]);
    let send = |csrf: Option<&'static str>, site: Option<&'static str>| {
        let mut b = Request::post(api::HOTSPOTS)
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header(model::access::CSRF_HEADER, c);
        }
        if let Some(site) = site {
            b = b.header("sec-fetch-site", site);
        }
        b.body(Body::from(body.to_string())).expect("request")
    };
    for (request, why) in [
        (send(None, None), "no token"),
        (send(Some("falsch"), None), "a wrong token"),
    ] {
        let response = f.router.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{why}");
        assert_eq!(
            refused_field(response).await,
            model::access::CSRF_HEADER,
            "{why}"
        );
    }
    let token: &'static str = Box::leak(s.csrf.clone().into_boxed_str());
    let cross = f
        .router
        .clone()
        .oneshot(send(Some(token), Some("cross-site")))
        .await
        .expect("response");
    assert_eq!(
        cross.status(),
        StatusCode::FORBIDDEN,
        "a cross-site form post"
    );
    assert_eq!(refused_field(cross).await, "Sec-Fetch-Site");
    let foreign_origin = Request::post(api::HOTSPOTS)
        .header(header::COOKIE, &s.cookie)
        .header(model::access::CSRF_HEADER, token)
        .header(header::HOST, "lagebild.hamm.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = f
        .router
        .clone()
        .oneshot(foreign_origin)
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "another origin");
    assert_eq!(refused_field(response).await, "Origin");
    // Nothing of it was stored.
    let list = f.get(&s, api::HOTSPOTS).await;
    assert_eq!(list["features"].as_array().map(Vec::len), Some(0));
    let ok = f
        .router
        .clone()
        .oneshot(send(Some(token), Some("same-origin")))
        .await
        .expect("response");
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_repeated_failures_are_limited() {
    let f = fixture().await;
    session(&f.state, "kod-plan", Role::Planner, "kod").await;
    let login = |password: &str| json!({"login": "kod-plan", "password": password});
    let (status, headers, me) = f
        .send(
            None,
            Method::POST,
            api::SESSION,
            Some(&login("ein langes Testpasswort")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["role"], "planner");
    assert_eq!(me["agency"], "kod");
    let cookie = headers[header::SET_COOKIE].to_str().expect("cookie");
    for part in ["lagebild-session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");

    // An unknown login and a wrong password get the same answer.
    let (unknown, _, a) = f
        .send(
            None,
            Method::POST,
            api::SESSION,
            Some(&json!({"login": "niemand", "password": "x"})),
        )
        .await;
    let (wrong, _, b) = f
        .send(None, Method::POST, api::SESSION, Some(&login("falsch")))
        .await;
    assert_eq!(
        (unknown, wrong),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(a["error"]["message"], b["error"]["message"]);
    for _ in 1..crate::rate_limit::PER_ACCOUNT {
        f.send(None, Method::POST, api::SESSION, Some(&login("falsch")))
            .await;
    }
    // Now even the right password waits.
    let (status, headers, body) = f
        .send(
            None,
            Method::POST,
            api::SESSION,
            Some(&login("ein langes Testpasswort")),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(wait > 800 && wait <= 900, "{wait}");
}

/// Reads an event stream until it ends or `timeout` passes; true if it ended.
async fn stream_ends(router: &axum::Router, s: &TestSession, timeout: Duration) -> (bool, String) {
    let request = s
        .sign(Request::get(api::EVENTS))
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    // A buffering reverse proxy (nginx) is told to pass the events on at once.
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut body = response.into_body();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    text.push_str(&String::from_utf8_lossy(data));
                }
            }
            Ok(_) => return (true, text),
            Err(_) => return (false, text),
        }
    }
}

#[tokio::test]
async fn logout_and_disabling_an_account_end_its_sessions_and_streams_at_once() {
    let f = fixture().await;
    let admin = session(&f.state, "pol-admin", Role::Admin, "polizei").await;
    let officer = session(&f.state, "pol-lage", Role::Officer, "polizei").await;
    let second = another_session(&f.state, "pol-lage").await;

    let (status, headers, _) = f
        .send(Some(&officer), Method::DELETE, api::SESSION, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap_or("")
            .contains("Max-Age=0")
    );
    let (status, _, _) = f
        .send(Some(&officer), Method::GET, api::SESSION, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out");
    assert_eq!(
        f.get(&second, api::SESSION).await["login"],
        "pol-lage",
        "other sessions live"
    );

    // Disabling ends every session, and an open event stream closes within moments.
    let stream = {
        let second = second.clone();
        let router = f.router.clone();
        tokio::spawn(async move { stream_ends(&router, &second, Duration::from_secs(10)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, account) = f
        .post(&admin, "/api/accounts/pol-lage/disable", &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(account["disabled"], true);
    let (ended, _) = stream.await.expect("stream task");
    assert!(ended, "the event stream of a disabled account stays open");
    let (status, _, _) = f
        .send(Some(&second), Method::GET, api::HOTSPOTS, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = f
        .send(
            None,
            Method::POST,
            api::SESSION,
            Some(&json!({"login": "pol-lage", "password": "ein langes Testpasswort"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
}

fn titles(v: &Value) -> Vec<String> {
    let list = v["features"].as_array().or_else(|| v.as_array());
    list.into_iter()
        .flatten()
        .map(|f| {
            f["properties"]["title"]
                .as_str()
                .or_else(|| f["title"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// An item the police keep to themselves, one released to the KOD, and an operation that
/// collides with another: the KOD sees exactly what was released to it or what it takes part
/// in, on every read path.
#[tokio::test]
async fn an_agency_receives_only_what_is_released_to_it_on_every_read_path() {
    let f = fixture().await;
    let police = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let kod = session(&f.state, "kod-lage", Role::Officer, "kod").await;
    let customs = session(&f.state, "zoll-lage", Role::Officer, "hza").await;
    for (title, released) in [("Intern", &[][..]), ("Für den KOD", &["kod"][..])] {
        let (status, body) = f
            .post(&police, api::HOTSPOTS, &hotspot(title, "polizei", released))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Two operations at the same place and time: a conflict only the police can see whole.
    for title in ["Einsatz A", "Einsatz B"] {
        let (status, body) = f
            .post(&police, api::ACTIONS, &action(title, "polizei", &[], &[]))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, joint) = f
        .post(
            &police,
            api::ACTIONS,
            &action("Mit dem Zoll", "polizei", &["hza"], &[]),
        )
        .await;

    assert_eq!(titles(&f.get(&kod, api::HOTSPOTS).await), ["Für den KOD"]);
    assert_eq!(titles(&f.get(&police, api::HOTSPOTS).await).len(), 2);
    assert!(titles(&f.get(&kod, api::ACTIONS).await).is_empty());
    assert_eq!(
        titles(&f.get(&customs, api::ACTIONS).await),
        ["Mit dem Zoll"]
    );
    let (status, _, _) = f
        .send(Some(&kod), Method::GET, "/api/hotspots/1", None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an unreleased item does not exist for them"
    );
    assert_eq!(f.get(&kod, "/api/hotspots/2").await["title"], "Für den KOD");

    assert_eq!(
        f.get(&police, api::CONFLICTS)
            .await
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(f.get(&kod, api::CONFLICTS).await, json!([]));
    let coverage = f.get(&kod, api::COVERAGE).await;
    assert_eq!(coverage.as_array().map(Vec::len), Some(1), "{coverage}");
    let sum = |v: &Value, field: &str| {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|d| d[field].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    assert_eq!(sum(&f.get(&kod, api::SUMMARY).await, "actions"), 0);
    assert_eq!(sum(&f.get(&police, api::SUMMARY).await, "actions"), 3);
    assert_eq!(f.get(&kod, api::INDICATORS).await["hotspots_active"], 1);
    assert_eq!(f.get(&police, api::INDICATORS).await["hotspots_active"], 2);
    for file in [
        "hotspots.geojson",
        "actions.geojson",
        "actions.csv",
        "actions.ics",
    ] {
        let text = f
            .get(&kod, &format!("/api/export/{file}"))
            .await
            .to_string();
        assert!(
            !text.contains("Intern") && !text.contains("Einsatz"),
            "{file}: {text}"
        );
    }
    let csv = f.get(&customs, "/api/export/actions.csv").await.to_string();
    assert!(
        csv.contains("Mit dem Zoll") && !csv.contains("Einsatz A"),
        "{csv}"
    );

    // Events: the KOD hears of its hotspot only; the customs office of the joint action.
    let replay = |s: TestSession| {
        let router = f.router.clone();
        async move {
            let request = s
                .sign(Request::get(api::EVENTS))
                .header("last-event-id", "0")
                .body(Body::empty())
                .expect("request");
            let response = router.oneshot(request).await.expect("response");
            let mut body = response.into_body();
            let mut text = String::new();
            while let Ok(Some(Ok(frame))) =
                tokio::time::timeout(Duration::from_millis(500), body.frame()).await
            {
                if let Some(d) = frame.data_ref() {
                    text.push_str(&String::from_utf8_lossy(d));
                }
            }
            text.lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .filter_map(|d| serde_json::from_str::<Value>(d).ok())
                .map(|e| {
                    (
                        e["kind"].as_str().unwrap_or("").to_owned(),
                        e["id"].as_i64().unwrap_or(0),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(replay(kod.clone()).await, [("hotspot".to_owned(), 2)]);
    let joint_id = joint["id"].as_i64().expect("id");
    assert_eq!(
        replay(customs.clone()).await,
        [("action".to_owned(), joint_id)]
    );
    assert_eq!(replay(police.clone()).await.len(), 5);
}

#[tokio::test]
async fn planners_change_their_agencys_items_and_the_actions_it_takes_part_in() {
    let f = fixture().await;
    let police = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let kod = session(&f.state, "kod-plan", Role::Planner, "kod").await;
    let officer = session(&f.state, "kod-lage", Role::Officer, "kod").await;

    let (status, body) = f
        .post(&kod, api::HOTSPOTS, &hotspot("Fremd", "polizei", &["kod"]))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "not for another agency: {body}"
    );
    let (status, _) = f
        .post(&officer, api::HOTSPOTS, &hotspot("Eigen", "kod", &[]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "officers read only");

    let (_, shared) = f
        .post(
            &police,
            api::HOTSPOTS,
            &hotspot("Geteilt", "polizei", &["kod"]),
        )
        .await;
    let id = shared["id"].as_i64().expect("id");
    let put = |who: &TestSession, uri: String, body: Value| {
        let request = who
            .sign(Request::put(uri))
            .header(header::IF_MATCH, "\"v1\"")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        let router = f.router.clone();
        async move { router.oneshot(request).await.expect("response").status() }
    };
    let changed = hotspot("Vom KOD geändert", "polizei", &["kod"]);
    assert_eq!(
        put(&kod, format!("{}/{id}", api::HOTSPOTS), changed).await,
        StatusCode::FORBIDDEN,
        "released is not editable"
    );
    // Taking part in an action makes it editable; handing it away is not allowed.
    let (_, joint) = f
        .post(
            &police,
            api::ACTIONS,
            &action("Gemeinsam", "polizei", &["kod"], &[]),
        )
        .await;
    let aid = joint["id"].as_i64().expect("id");
    let uri = format!("{}/{aid}", api::ACTIONS);
    assert_eq!(
        put(
            &kod,
            uri.clone(),
            action("Gemeinsam, vom KOD", "polizei", &["kod"], &[])
        )
        .await,
        StatusCode::OK
    );
    let request = kod
        .sign(Request::put(uri))
        .header(header::IF_MATCH, "\"v2\"")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            action("Ohne KOD", "polizei", &[], &[]).to_string(),
        ))
        .expect("request");
    let status = f
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("response")
        .status();
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the KOD cannot write itself out"
    );
}

#[tokio::test]
async fn every_write_and_export_is_in_the_append_only_audit_trail() {
    let f = fixture().await;
    let admin = session(&f.state, "pol-admin", Role::Admin, "polizei").await;
    let (_, created) = f
        .post(&admin, api::HOTSPOTS, &hotspot("Vorher", "polizei", &[]))
        .await;
    let id = created["id"].as_i64().expect("id");
    let request = admin
        .sign(Request::put(format!("{}/{id}", api::HOTSPOTS)))
        .header(header::IF_MATCH, "\"v1\"")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(hotspot("Nachher", "polizei", &[]).to_string()))
        .expect("request");
    assert_eq!(
        f.router
            .clone()
            .oneshot(request)
            .await
            .expect("response")
            .status(),
        StatusCode::OK
    );
    f.get(&admin, "/api/export/hotspots.geojson?district=mitte")
        .await;

    let trail = f.get(&admin, api::AUDIT).await;
    let entries = trail.as_array().expect("a list");
    let ops: Vec<&str> = entries.iter().filter_map(|e| e["op"].as_str()).collect();
    assert_eq!(ops, ["exported", "updated", "created"], "newest first");
    let update = &entries[1];
    assert_eq!(update["login"], "pol-admin");
    assert_eq!(update["agency"], "polizei");
    assert_eq!(update["item_id"], id);
    assert_eq!(update["before"]["title"], "Vorher");
    assert_eq!(update["after"]["title"], "Nachher");
    assert_eq!(entries[0]["subject"], "hotspots.geojson");
    assert_eq!(entries[0]["after"]["query"], "district=mitte");

    // No route changes or deletes the trail.
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let (status, _, _) = f.send(Some(&admin), method.clone(), api::AUDIT, None).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // The CSV export holds every entry (the reading above among them), and is itself
    // recorded.
    let csv = f.get(&admin, api::AUDIT_CSV).await;
    let text = csv.as_str().expect("text");
    let ops: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(4))
        .collect();
    assert_eq!(
        ops,
        ["audit_read", "exported", "updated", "created"],
        "{text}"
    );
    let newest = &f.get(&admin, api::AUDIT).await[0];
    assert_eq!(newest["op"], "audit_exported");
}

#[tokio::test]
async fn a_wall_display_pairs_once_reads_and_sees_small_counts_withheld() {
    let f = fixture().await;
    let admin = session(&f.state, "pol-admin", Role::Admin, "polizei").await;
    let (_, created) = f
        .post(&admin, api::HOTSPOTS, &hotspot("Eins", "polizei", &[]))
        .await;
    assert!(created["id"].is_i64());
    let (status, code) = f
        .post(&admin, api::DISPLAYS, &json!({"login": "leitstelle-wand"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{code}");
    assert_eq!(code["agency"], "polizei");
    let typed = json!({"code": code["code"]});
    let (status, headers, me) = f
        .send(None, Method::POST, api::SESSION_PAIR, Some(&typed))
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["role"], "display");
    let (again, _, body) = f
        .send(None, Method::POST, api::SESSION_PAIR, Some(&typed))
        .await;
    assert_eq!(again, StatusCode::UNPROCESSABLE_ENTITY, "used up: {body}");
    assert_eq!(body["error"]["field"], "code");

    let cookie = headers[header::SET_COOKIE].to_str().expect("cookie");
    let wall = TestSession {
        cookie: cookie.split(';').next().unwrap_or_default().to_owned(),
        csrf: me["csrf_token"].as_str().unwrap_or_default().to_owned(),
    };
    let tiles = f.get(&wall, api::INDICATORS).await;
    assert_eq!(tiles["hotspots_active"], 0, "1 is below 5: withheld");
    assert_eq!(tiles["withheld_below"], 5);
    assert_eq!(f.get(&admin, api::INDICATORS).await["hotspots_active"], 1);
    let (status, _, _) = f
        .send(Some(&wall), Method::GET, "/api/export/actions.csv", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a wall does not export");
    let districts = f.get(&admin, "/api/export/districts.csv").await;
    let text = districts.as_str().expect("csv");
    assert!(text.contains("mitte,< 5,< 5,< 5,< 5"), "{text}");
}
