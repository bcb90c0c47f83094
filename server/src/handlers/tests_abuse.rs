//! Abuse limits and correctness under pressure: concurrent sign-ins, the bound on password
//! checks, forwarded client addresses, writes whose request is cancelled after the commit,
//! query strings that would fill the cache, unknown API paths, Origin without Host.

use std::{net::IpAddr, time::Duration};

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use model::{access::Role, api};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{
    guard::client_address,
    rate_limit::{PER_ACCOUNT, PER_ADDRESS},
    test_support::{Fixture, another_session, body_json, fixture, fixture_with, session},
};

fn hotspot(title: &str) -> Value {
    json!({"title": title, "category": "youth_crime", "severity": "high",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "hours": [{"days": ["fri"], "from": "22:00", "to": "04:00"}],
        "agency": "polizei", "review_date": "2099-06-30"})
}

async fn sign_in(f: &Fixture, login: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"login": login, "password": password});
    let (status, _, answer) = f.send(None, Method::POST, api::SESSION, Some(&body)).await;
    (status, answer)
}

/// The trail as an operator reads it (every account entry).
async fn trail(f: &Fixture) -> Vec<Value> {
    let exists = f
        .state
        .db
        .call(|c| crate::accounts::find(c, "it-betrieb"))
        .await
        .ok()
        .flatten()
        .is_some();
    if !exists {
        session(&f.state, "it-betrieb", Role::Operator, "kod").await;
    }
    let operator = another_session(&f.state, "it-betrieb").await;
    f.get(&operator, &format!("{}?limit=1000", api::AUDIT))
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn ops_of<'a>(trail: &'a [Value], login: &str) -> Vec<&'a str> {
    trail
        .iter()
        .filter(|e| e["login"] == login)
        .filter_map(|e| e["op"].as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_forty_concurrent_wrong_passwords_five_are_checked_and_the_rest_refused() {
    let f = fixture().await;
    session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let attempts: Vec<_> = (0..40)
        .map(|_| {
            let router = f.router.clone();
            tokio::spawn(async move {
                let request = Request::post(api::SESSION)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        json!({"login": "pol-plan", "password": "falsches Passwort"}).to_string(),
                    ))
                    .expect("request");
                router.oneshot(request).await.expect("response").status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.expect("task"));
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(count(StatusCode::UNAUTHORIZED), PER_ACCOUNT, "{statuses:?}");
    assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 40 - PER_ACCOUNT);
    // Even the right password waits now.
    let (status, _) = sign_in(&f, "pol-plan", "ein langes Testpasswort").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // The trail has each checked failure and the lock-out, never the password.
    let trail = trail(&f).await;
    let mut ops = ops_of(&trail, "pol-plan");
    ops.sort();
    let mut expected = vec!["sign_in_failed"; PER_ACCOUNT];
    expected.push("locked_out");
    expected.sort();
    assert_eq!(ops, expected);
    assert!(
        !Value::Array(trail)
            .to_string()
            .contains("falsches Passwort")
    );
}

#[tokio::test]
async fn a_sign_in_waits_for_a_free_password_check_then_answers_503_and_is_not_counted() {
    let f = fixture().await;
    session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    for _ in 0..PER_ACCOUNT - 1 {
        assert_eq!(
            sign_in(&f, "pol-plan", "falsch, falsch").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Every place for a password check is taken.
    let taken = f.state.passwords.occupy_all().await.expect("places");
    let started = std::time::Instant::now();
    let (status, headers, body) = f
        .send(
            None,
            Method::POST,
            api::SESSION,
            Some(&json!({"login": "pol-plan", "password": "falsch, falsch"})),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "busy");
    assert!(headers.contains_key(header::RETRY_AFTER));
    assert!(started.elapsed() >= crate::passwords::WAIT);
    drop(taken);
    // The attempt that was not checked does not count: this is the fifth failure, not a
    // sixth attempt.
    assert_eq!(
        sign_in(&f, "pol-plan", "falsch, falsch").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&f, "pol-plan", "ein langes Testpasswort").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn logins_and_passwords_too_long_for_any_account_are_refused_before_any_work() {
    let f = fixture().await;
    let (status, body) = sign_in(&f, &"a".repeat(61), "egal").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "login");
    let (status, body) = sign_in(&f, "pol-plan", &"x".repeat(1001)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "password");
    // Nothing was checked or counted: no failure in the trail.
    let trail = trail(&f).await;
    assert!(
        trail.iter().all(|e| e["op"] != "sign_in_failed"),
        "{trail:?}"
    );
}

#[tokio::test]
async fn sign_ins_are_in_the_trail_and_an_unknown_login_is_not_recorded_as_typed() {
    let f = fixture().await;
    session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    assert_eq!(
        sign_in(&f, "pol-plan", "ein langes Testpasswort").await.0,
        StatusCode::OK
    );
    assert_eq!(
        sign_in(&f, "Geheimes Passwort", "x").await.0,
        StatusCode::UNAUTHORIZED
    );
    let trail = trail(&f).await;
    let signed_in = trail
        .iter()
        .find(|e| e["op"] == "signed_in" && e["login"] == "pol-plan")
        .expect("the sign-in");
    assert_eq!(signed_in["agency"], "polizei");
    assert_eq!(signed_in["concerns"], "polizei");
    let unknown = trail
        .iter()
        .find(|e| e["op"] == "sign_in_failed")
        .expect("the failure");
    assert_eq!(unknown["login"], "(unknown login)");
    assert_eq!(unknown["agency"], Value::Null);
    assert!(!Value::Array(trail.clone()).to_string().contains("Geheimes"));
    // A disabled account's failure is recorded under its name; a wrong pairing code too.
    session(&f.state, "pol-alt", Role::Officer, "polizei").await;
    f.state
        .db
        .call(|c| crate::accounts::disable(c, "pol-alt"))
        .await
        .expect("disabled");
    assert_eq!(
        sign_in(&f, "pol-alt", "ein langes Testpasswort").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = f
        .send(
            None,
            Method::POST,
            api::SESSION_PAIR,
            Some(&json!({"code": "0000-0000"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let trail = self::trail(&f).await;
    assert_eq!(ops_of(&trail, "pol-alt").first(), Some(&"sign_in_failed"));
    assert_eq!(ops_of(&trail, "(pairing code)"), ["pairing_failed"]);
    // An admin of the police reads its own accounts' entries, not the unknown ones.
    session(&f.state, "pol-admin", Role::Admin, "polizei").await;
    let admin = another_session(&f.state, "pol-admin").await;
    let seen = f.get(&admin, api::AUDIT).await;
    let entries: Vec<(&str, &str)> = seen
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e["login"].as_str()?, e["op"].as_str()?)))
        .collect();
    assert_eq!(
        entries,
        [("pol-alt", "sign_in_failed"), ("pol-plan", "signed_in")],
        "{seen}"
    );
}

#[test]
fn the_client_is_the_last_forwarded_address_that_is_not_a_trusted_proxy() {
    let ip = |s: &str| s.parse::<IpAddr>().expect("address");
    let headers = |xff: &[&str]| {
        let mut h = axum::http::HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        h
    };
    let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
    let cases: &[(&str, &[&str], &str)] = &[
        // Not from a trusted proxy: the header is the client's word, ignored.
        ("192.0.2.7", &["198.51.100.1"], "192.0.2.7"),
        // From the proxy: the address it received the request from.
        ("127.0.0.1", &["198.51.100.1"], "198.51.100.1"),
        // A forged first hop before the real one.
        ("127.0.0.1", &["203.0.113.9, 198.51.100.1"], "198.51.100.1"),
        // Through two trusted proxies.
        ("127.0.0.1", &["198.51.100.1, 10.0.0.2"], "198.51.100.1"),
        ("127.0.0.1", &["198.51.100.1", "10.0.0.2"], "198.51.100.1"),
        // No header, or one that does not parse where a proxy's hop should be: the last
        // trusted address.
        ("127.0.0.1", &[], "127.0.0.1"),
        ("127.0.0.1", &["unbekannt"], "127.0.0.1"),
        ("127.0.0.1", &["10.0.0.2"], "10.0.0.2"),
        ("127.0.0.1", &["198.51.100.1, unbekannt"], "127.0.0.1"),
        // Garbage the client wrote before the real hop is never read.
        ("127.0.0.1", &["x, 198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", &["1.2.3.4:5, 198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", &["2001:db8::1"], "2001:db8::1"),
        // A dual-stack listener sees IPv4 peers as IPv6.
        ("::ffff:127.0.0.1", &["198.51.100.1"], "198.51.100.1"),
        ("::ffff:192.0.2.7", &["198.51.100.1"], "192.0.2.7"),
    ];
    for (peer, xff, client) in cases {
        assert_eq!(
            client_address(ip(peer), &headers(xff), &trusted),
            ip(client),
            "{peer} {xff:?}"
        );
    }
}

/// A real server (with peers' addresses), behind a proxy at 127.0.0.1 if `trusted`.
async fn server(trusted: bool) -> (String, tokio::sync::oneshot::Sender<()>, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("dir");
    let mut config = crate::Config::for_tests(data.path().to_owned(), "no-dist".into());
    if trusted {
        config.trusted_proxies = vec![IpAddr::from([127, 0, 0, 1])];
    }
    let app = crate::Application::build(config).await.expect("server");
    let url = app.url();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (url, stop, data)
}

async fn sign_in_from(url: &str, login: &str, forwarded: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}{}", api::SESSION))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"login": login, "password": "falsch, falsch"}))
        .send()
        .await
        .expect("answer")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_forwarded_address_counts_only_when_a_trusted_proxy_forwards_it() {
    // Behind a trusted proxy: one client's failures do not lock out its neighbours.
    let (url, _stop, _data) = server(true).await;
    for i in 0..PER_ADDRESS {
        assert_eq!(
            sign_in_from(&url, &format!("konto-{i}"), "198.51.100.1").await,
            401
        );
    }
    assert_eq!(sign_in_from(&url, "noch-eins", "198.51.100.1").await, 429);
    assert_eq!(
        sign_in_from(&url, "noch-eins", "203.0.113.9, 198.51.100.1").await,
        429,
        "a forged first hop changes nothing"
    );
    assert_eq!(sign_in_from(&url, "noch-eins", "198.51.100.2").await, 401);

    // Without one, the header is the client's word: the peer is what counts.
    let (url, _stop, _data) = server(false).await;
    for i in 0..PER_ADDRESS {
        assert_eq!(
            sign_in_from(&url, &format!("konto-{i}"), "198.51.100.1").await,
            401
        );
    }
    assert_eq!(sign_in_from(&url, "noch-eins", "198.51.100.2").await, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_request_is_cancelled_after_the_commit_is_still_published() {
    let f = fixture_with(|s| s.request_timeout = Duration::from_millis(300)).await;
    let planner = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    // The layer is read (and kept) before the write.
    assert_eq!(f.get(&planner, api::HOTSPOTS).await["features"], json!([]));
    // A live event stream, opened before the write.
    let request = planner
        .sign(Request::get(api::EVENTS))
        .body(Body::empty())
        .expect("request");
    let mut stream = f
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("stream")
        .into_body();
    // The database is busy for longer than the request may take: the request times out while
    // its write waits, then the write commits.
    let busy = {
        let db = f.state.db.clone();
        tokio::spawn(async move {
            // A writer holding the write lock (SQLite's one connection, PostgreSQL's
            // advisory lock).
            db.write(|_| {
                std::thread::sleep(Duration::from_millis(900));
                Ok::<_, crate::db::DbError>(())
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = f
        .post(&planner, api::HOTSPOTS, &hotspot("Nach dem Abbruch"))
        .await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{body}");
    busy.await.expect("task").expect("db");

    // The next read has it: the cached layer was retired.
    let mut seen = false;
    for _ in 0..40 {
        let layer = f.get(&planner, api::HOTSPOTS).await.to_string();
        if layer.contains("Nach dem Abbruch") {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "the committed write never reached the layer");
    // And the stream heard of it.
    let mut text = String::new();
    while !text.contains("\"op\":\"created\"") {
        let frame = tokio::time::timeout(Duration::from_secs(2), stream.frame())
            .await
            .expect("an event within 2 s")
            .expect("a frame")
            .expect("data");
        if let Some(d) = frame.data_ref() {
            text.push_str(&String::from_utf8_lossy(d));
        }
    }
}

#[tokio::test]
async fn equal_layer_queries_share_one_cache_entry_and_a_repeated_parameter_is_refused() {
    let f = fixture().await;
    let planner = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    f.post(&planner, api::HOTSPOTS, &hotspot("Westentor")).await;
    let first = f.get(&planner, api::HOTSPOTS).await;
    let kept = f.state.layers.bytes();
    assert!(kept > 0);
    for query in ["?", "?&&", "?&", "?kind=", "?district=&agency="] {
        let again = f.get(&planner, &format!("{}{query}", api::HOTSPOTS)).await;
        assert_eq!(again, first, "{query}");
        assert_eq!(
            f.state.layers.bytes(),
            kept,
            "{query} made an entry of its own"
        );
    }
    for query in [
        "district=mitte&district=mitte",
        "district=mitte&district=heessen",
    ] {
        let (status, _, body) = f
            .send(
                Some(&planner),
                Method::GET,
                &format!("{}?{query}", api::HOTSPOTS),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"]["field"], "district");
    }
}

#[tokio::test]
async fn unknown_paths_under_api_answer_a_json_404_whatever_the_method() {
    let f = fixture().await;
    let planner = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    for path in ["/api", "/api/", "/api/nichts", "/api/hotspots/1/mehr"] {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let (status, _, body) = f.send(Some(&planner), method.clone(), path, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
            assert_eq!(body["error"]["code"], "not_found", "{method} {path}");
        }
    }
}

/// HTTP/2 requests carry no `Host`: the Origin is compared with the request's authority.
#[tokio::test]
async fn without_a_host_header_the_origin_is_compared_with_the_authority() {
    let f = fixture().await;
    let planner = session(&f.state, "pol-plan", Role::Planner, "polizei").await;
    let post = |uri: &str, origin: &str, title: &str| {
        planner
            .sign(Request::post(uri))
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(hotspot(title).to_string()))
            .expect("request")
    };
    let send = |request: Request<Body>| {
        let router = f.router.clone();
        async move {
            let response = router.oneshot(request).await.expect("response");
            (response.status(), body_json(response).await)
        }
    };
    let (status, body) = send(post(
        "https://lagebild.hamm.example/api/hotspots",
        "https://evil.example",
        "Fremd",
    ))
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["field"], "Origin");
    // No Host and no authority: nothing to compare with, refused.
    let (status, _) = send(post(api::HOTSPOTS, "https://lagebild.hamm.example", "Ohne")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = send(post(
        "https://lagebild.hamm.example/api/hotspots",
        "https://lagebild.hamm.example",
        "Eigen",
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
