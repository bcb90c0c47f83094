//! Property tests of every parser of outside input: arbitrary and mangled JSON bodies on every
//! write endpoint (items, agencies, imports, sign-in, pairing, accounts), arbitrary query
//! strings on every read endpoint, arbitrary bytes as bodies. The server may refuse (4xx) or accept (2xx), but
//! never panics and never answers 5xx, and every refusal is a JSON error body.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use proptest::{prelude::*, test_runner::TestRunner};
use serde_json::{Value, json};
use tower::ServiceExt;

use model::access::Role;

use crate::{
    Config, startup,
    test_support::{TestSession, session},
};

struct Fixture {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    /// An admin (who may use every endpoint) of the police.
    session: TestSession,
    _data: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let data = tempfile::tempdir().expect("temp dir");
    let config = Config::for_tests(data.path().to_owned(), "no-dist".into());
    let state = runtime.block_on(startup::state(&config)).expect("state");
    let session = runtime.block_on(session(&state, "pol-admin", Role::Admin, "polizei"));
    Fixture {
        runtime,
        session,
        router: startup::app(state, std::path::Path::new("no-dist")),
        _data: data,
    }
}

impl Fixture {
    /// Sends a request, signed in unless `signed` is false, with the given extra headers;
    /// returns the status and the body (only the status of an event stream that opened).
    fn send_with(
        &self,
        method: Method,
        uri: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
        signed: bool,
    ) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if signed {
            request = self.session.sign(request);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).expect("request");
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("response");
            let status = response.status();
            let is_stream = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
            if is_stream {
                return (status, vec![]);
            }
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            (status, body.to_vec())
        })
    }

    /// Sends a request signed in; returns the status and the body.
    fn send(
        &self,
        method: Method,
        uri: &str,
        body: Vec<u8>,
        if_match: bool,
    ) -> (StatusCode, Vec<u8>) {
        let headers: &[(&str, &str)] = if if_match {
            &[("if-match", "\"v1\"")]
        } else {
            &[]
        };
        self.send_with(method, uri, body, headers, true)
    }

    /// Fails unless the answer is a success or a refusal with a JSON error body.
    fn check(
        &self,
        method: Method,
        uri: &str,
        body: Vec<u8>,
        if_match: bool,
    ) -> Result<(), TestCaseError> {
        let headers: &[(&str, &str)] = if if_match {
            &[("if-match", "\"v1\"")]
        } else {
            &[]
        };
        self.check_with(method, uri, body, headers, true)
            .map(|_| ())
    }

    /// [`Fixture::check`] with extra headers, signed in or not; the status.
    fn check_with(
        &self,
        method: Method,
        uri: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
        signed: bool,
    ) -> Result<StatusCode, TestCaseError> {
        let (status, answer) = self.send_with(method.clone(), uri, body, headers, signed);
        prop_assert!(
            !status.is_server_error(),
            "{method} {uri}: {status} {}",
            String::from_utf8_lossy(&answer)
        );
        if status.is_client_error() {
            let parsed: Result<Value, _> = serde_json::from_slice(&answer);
            prop_assert!(
                parsed
                    .as_ref()
                    .is_ok_and(|v| v["error"]["message"].is_string()),
                "{method} {uri}: {status} without a JSON error: {}",
                String::from_utf8_lossy(&answer)
            );
        }
        Ok(status)
    }

    /// Creates `body` at `path`; the new item's URI and ETag.
    fn create(&self, path: &str, body: &Value) -> (String, String) {
        let request = self
            .session
            .sign(Request::post(path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("response");
            assert_eq!(response.status(), StatusCode::CREATED, "{path}");
            let etag = response.headers()[header::ETAG]
                .to_str()
                .expect("ETag")
                .to_owned();
            let location = response.headers()[header::LOCATION]
                .to_str()
                .expect("Location")
                .to_owned();
            (location, etag)
        })
    }
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::hash_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Valid bodies for each write endpoint, to be mangled one field at a time.
fn valid_bodies() -> Vec<(&'static str, Value)> {
    let point = json!({"type": "Point", "coordinates": [7.8137, 51.68016]});
    let hotspot = json!({"title": "Westentor", "category": "youth_crime", "severity": "high",
        "geometry": point, "hours": [{"days": ["fri"], "from": "22:00", "to": "04:00"}],
        "agency": "polizei", "review_date": "2027-06-30"});
    let route = json!({"title": "Innenstadt", "geometry": {"type": "LineString", "coordinates": [[7.8137, 51.68016], [7.81971, 51.67949]]},
        "agency": "polizei", "agencies": ["polizei", "kod"], "occasion": "city_centre",
        "weekly": [{"days": ["sat"], "from": "20:00", "to": "23:00"}]});
    let action = json!({"title": "Einsatz", "kind": "joint_operation", "start": "2026-12-04T19:00:00+01:00",
        "end": "2026-12-04T23:00:00+01:00", "place": point, "lead_agency": "polizei", "status": "planned"});
    let agency = json!({"key": "gast", "name": "Gast", "short_name": "Gast", "role": "guest"});
    let import = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": point, "properties": hotspot}]});
    vec![
        (model::api::HOTSPOTS, hotspot),
        (model::api::ROUTES, route),
        (model::api::ACTIONS, action),
        (model::api::AGENCIES, agency),
        ("/api/import/hotspots", import.clone()),
        ("/api/import/routes", import.clone()),
        ("/api/import/districts", import),
        (
            model::api::SESSION,
            json!({"login": "pol-admin", "password": "ein langes Testpasswort"}),
        ),
        (model::api::SESSION_PAIR, json!({"code": "1234-5678"})),
        (
            model::api::ACCOUNTS,
            json!({"login": "kod-lage", "role": "officer", "agency": "kod", "password": "ein langes Passwort"}),
        ),
        (model::api::DISPLAYS, json!({"login": "wand-1"})),
    ]
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

#[test]
fn arbitrary_json_bodies_are_refused_cleanly_on_every_write_endpoint() {
    let f = fixture();
    for (path, _) in valid_bodies() {
        runner(64)
            .run(&any_json(), |body| {
                f.check(
                    Method::POST,
                    path,
                    serde_json::to_vec(&body).unwrap(),
                    false,
                )
            })
            .unwrap();
    }
}

#[test]
fn valid_bodies_with_one_field_replaced_never_break_the_server() {
    let f = fixture();
    // The unmangled items are valid: mangling starts from something the server accepts, and
    // the replacements below have an item 1 of each kind to replace.
    for (path, valid) in valid_bodies().into_iter().take(3) {
        let (status, answer) = f.send(
            Method::POST,
            path,
            serde_json::to_vec(&valid).unwrap(),
            false,
        );
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{path}: {}",
            String::from_utf8_lossy(&answer)
        );
    }
    for (path, valid) in valid_bodies() {
        let fields: Vec<String> = valid
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let strategy = (prop::sample::select(fields), any_json());
        runner(96)
            .run(&strategy, |(field, value)| {
                let mut body = valid.clone();
                body[&field] = value;
                f.check(
                    Method::POST,
                    path,
                    serde_json::to_vec(&body).unwrap(),
                    false,
                )?;
                // The same on replacing an item: a fresh one, at its current version, so the
                // mangled body reaches validation (never 404 or 412 before it).
                if [
                    model::api::HOTSPOTS,
                    model::api::ROUTES,
                    model::api::ACTIONS,
                ]
                .contains(&path)
                {
                    let (uri, etag) = f.create(path, &valid);
                    let status = f.check_with(
                        Method::PUT,
                        &uri,
                        serde_json::to_vec(&body).unwrap(),
                        &[("if-match", &etag)],
                        true,
                    )?;
                    prop_assert!(
                        ![
                            StatusCode::NOT_FOUND,
                            StatusCode::PRECONDITION_FAILED,
                            StatusCode::PRECONDITION_REQUIRED
                        ]
                        .contains(&status),
                        "PUT {uri}: {status} before validation"
                    );
                }
                Ok(())
            })
            .unwrap();
    }
}

/// Header values as clients might send them: printable text, quotes, commas, `=`, `;`.
fn any_header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,48}",
        "\"v[0-9]{1,20}\"",
        "[0-9]{1,25}",
        "(https?://)?[a-z.:0-9]{0,30}",
        "([a-z_-]{1,20}=[ -:<-~]{0,30}; ){0,3}",
    ]
}

#[test]
fn arbitrary_if_match_last_event_id_origin_and_cookie_headers_are_refused_cleanly() {
    let f = fixture();
    let (valid_path, valid) = valid_bodies().into_iter().next().expect("a hotspot");
    let (uri, _) = f.create(valid_path, &valid);
    runner(96)
        .run(&any_header_value(), |value| {
            let value = value.as_str();
            let body = || serde_json::to_vec(&valid).unwrap();
            // If-Match on a replacement.
            f.check_with(Method::PUT, &uri, body(), &[("if-match", value)], true)?;
            // Last-Event-ID on the event stream (it opens, or is refused at once).
            f.check_with(
                Method::GET,
                model::api::EVENTS,
                vec![],
                &[("last-event-id", value)],
                true,
            )?;
            // Origin on a change.
            let status =
                f.check_with(Method::POST, valid_path, body(), &[("origin", value)], true)?;
            prop_assert!(
                status == StatusCode::CREATED || status == StatusCode::FORBIDDEN,
                "Origin {value:?}: {status}"
            );
            // Any Cookie, with no session behind it.
            let status =
                f.check_with(Method::GET, valid_path, vec![], &[("cookie", value)], false)?;
            prop_assert_eq!(status, StatusCode::UNAUTHORIZED, "Cookie {:?}", value);
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_bytes_as_bodies_are_refused_cleanly() {
    let f = fixture();
    runner(64)
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            f.check(Method::POST, model::api::HOTSPOTS, bytes.clone(), false)?;
            f.check(Method::POST, "/api/import/routes", bytes, false)
        })
        .unwrap();
}

#[test]
fn arbitrary_query_strings_are_refused_cleanly_on_every_read_endpoint() {
    let f = fixture();
    let paths = [
        model::api::HOTSPOTS,
        model::api::ROUTES,
        model::api::ACTIONS,
        model::api::CONFLICTS,
        model::api::COVERAGE,
        model::api::SUMMARY,
        model::api::INDICATORS,
        "/api/export/actions.csv",
        "/api/export/actions.ics",
    ];
    // Keys the endpoints know and random ones; values anything, percent-encoded.
    let key = prop_oneof![
        prop::sample::select(vec![
            "district", "agency", "kind", "status", "from", "to", "at", "week"
        ])
        .prop_map(str::to_owned),
        "[a-z%&=]{0,8}",
    ];
    let pairs = prop::collection::vec((key, ".{0,24}"), 0..4);
    for path in paths {
        runner(48)
            .run(&pairs, |pairs| {
                let query: String = pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={}", utf8_percent(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                f.check(Method::GET, &format!("{path}?{query}"), vec![], false)
            })
            .unwrap();
    }
}

/// Percent-encodes everything but unreserved characters.
fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
