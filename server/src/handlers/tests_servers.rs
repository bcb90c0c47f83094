//! Several servers on one PostgreSQL database (in one process, each with its own state, pool
//! and listening connection, as two machines would have): sessions are shared, a change
//! written through one reaches the other's event streams and layers within a second, a stream
//! resumes on either, and a server that lost its listening connection catches up. These run on
//! PostgreSQL in both passes of `script/test` (in a cluster of their own in the SQLite pass).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use model::{access::Role, api};

use super::tests_access::hotspot;
use crate::test_support::{
    Fixture, TestDb, TestSession, another_session, drain, fixture_on, follow, session,
};

/// Two servers on one fresh PostgreSQL database, both listening for changes.
async fn two_servers(data: &TestDb) -> (Fixture, Fixture) {
    let a = fixture_on(data, |_| {}).await;
    let b = fixture_on(data, |_| {}).await;
    for f in [&a, &b] {
        listening(f).await;
    }
    (a, b)
}

/// Waits until `f` listens for other servers' changes (at most five seconds).
async fn listening(f: &Fixture) {
    let start = Instant::now();
    while !f.state.layers.trusted() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the server never began listening"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn titles(layer: &serde_json::Value) -> Vec<String> {
    layer["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["properties"]["title"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_change_through_one_server_reaches_the_other_within_a_second() {
    let data = TestDb::postgres();
    let (a, b) = two_servers(&data).await;
    // Signed in through server A; the session is valid on server B.
    let planner = session(&a.state, "pol-plan", Role::Planner, "polizei").await;
    let watcher: TestSession = another_session(&b.state, "pol-plan").await;
    // B has read (and kept) the layer before the change.
    assert!(titles(&b.get(&planner, api::HOTSPOTS).await).is_empty());
    let mut on_b = follow(&b, &watcher, None).await;

    let written = Instant::now();
    let (status, created) = a
        .post(&planner, api::HOTSPOTS, &hotspot("Über A", "polizei", &[]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap_or(0);
    let heard = tokio::time::timeout(Duration::from_secs(1), on_b.recv())
        .await
        .expect("B's stream heard of A's write within a second");
    assert_eq!(heard, Some(("hotspot".to_owned(), id)));
    assert!(written.elapsed() < Duration::from_secs(1));
    // B's kept layer was retired: it answers with the new hotspot.
    assert_eq!(titles(&b.get(&planner, api::HOTSPOTS).await), ["Über A"]);

    // A write through B reaches A; each event once, in order, on both.
    let mut on_a = follow(&a, &planner, None).await;
    let (status, other) = b
        .post(&planner, api::HOTSPOTS, &hotspot("Über B", "polizei", &[]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other_id = other["id"].as_i64().unwrap_or(0);
    assert_eq!(drain(&mut on_a).await, [("hotspot".to_owned(), other_id)]);
    assert_eq!(drain(&mut on_b).await, [("hotspot".to_owned(), other_id)]);

    // A stream resumes on either server from the shared change log, without a gap.
    for f in [&a, &b] {
        let mut resumed = follow(f, &planner, Some("0")).await;
        let got: Vec<i64> = drain(&mut resumed).await.into_iter().map(|e| e.1).collect();
        assert_eq!(got, [id, other_id]);
    }
}

#[tokio::test]
async fn signing_out_on_one_server_ends_the_session_on_the_other() {
    let data = TestDb::postgres();
    let (a, b) = two_servers(&data).await;
    let officer = session(&a.state, "kod-lage", Role::Officer, "kod").await;
    // B has the session in its cache of sessions (trusted for a few seconds)...
    assert_eq!(b.get(&officer, api::SESSION).await["login"], "kod-lage");
    let (status, _, _) = a
        .send(Some(&officer), Method::DELETE, api::SESSION, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // ...and forgets it when A announces the sign-out.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _, body) = b
        .send(Some(&officer), Method::GET, api::SESSION, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn a_server_that_lost_its_listening_connection_catches_up() {
    let data = TestDb::postgres();
    let (a, b) = two_servers(&data).await;
    let planner = session(&a.state, "pol-plan", Role::Planner, "polizei").await;
    assert!(titles(&b.get(&planner, api::HOTSPOTS).await).is_empty());
    let mut on_b = follow(&b, &planner, None).await;
    // B's listening connection is cut (as by a network fault), and A writes meanwhile.
    let cut: i64 = a
        .state
        .db
        .call(|tx| {
            tx.query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE query LIKE 'LISTEN%' AND datname = current_database()
                 AND pid <> pg_backend_pid()",
                crate::args![],
                |r| r.get(0),
            )
        })
        .await
        .expect("terminate");
    assert_eq!(cut, 2, "both servers' listening connections");
    let (status, created) = a
        .post(
            &planner,
            api::HOTSPOTS,
            &hotspot("Während der Störung", "polizei", &[]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    // B does not answer from what it kept: the new hotspot is there at once or after the
    // catch-up, never the old layer once B listens again.
    listening(&b).await;
    assert_eq!(
        titles(&b.get(&planner, api::HOTSPOTS).await),
        ["Während der Störung"]
    );
    let id = created["id"].as_i64().unwrap_or(0);
    assert_eq!(drain(&mut on_b).await, [("hotspot".to_owned(), id)]);
}

#[tokio::test]
async fn the_sign_in_limit_counts_across_servers() {
    let data = TestDb::postgres();
    let (a, b) = two_servers(&data).await;
    let _ = session(&a.state, "kod-plan", Role::Planner, "kod").await;
    let wrong = serde_json::json!({"login": "kod-plan", "password": "nicht das Passwort"});
    // Five wrong passwords, alternating between the servers: each server saw fewer than five.
    for i in 0..crate::rate_limit::PER_ACCOUNT {
        let f = if i % 2 == 0 { &a } else { &b };
        let (status, _, body) = f.send(None, Method::POST, api::SESSION, Some(&wrong)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}: {body}");
    }
    // The sixth is refused on both, even with the right password.
    let right = serde_json::json!({"login": "kod-plan", "password": "ein langes Testpasswort"});
    for f in [&a, &b] {
        let (status, headers, body) = f.send(None, Method::POST, api::SESSION, Some(&right)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(headers.contains_key("retry-after"));
    }
}

#[tokio::test]
async fn a_periodic_job_runs_once_across_the_servers() {
    let data = TestDb::postgres();
    let (a, b) = two_servers(&data).await;
    let first = crate::retention::run_if_due(&a.state, 730).await;
    assert_eq!(first.expect("retention").map(|d| d.len()), Some(0));
    for f in [&b, &a] {
        let again = crate::retention::run_if_due(&f.state, 730).await;
        assert_eq!(again.expect("retention"), None, "already run today");
    }
}
