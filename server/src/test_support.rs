//! Signed-in requests for the in-process handler tests, and the fixture they run on: the
//! router on a fresh database, called with `oneshot`.

use axum::{
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header, request::Builder},
};
use http_body_util::BodyExt;
use model::{AgencyKey, access::Role};
use serde_json::Value;
use std::time::Duration;
use tokio::sync::mpsc;
use tower::ServiceExt;

use crate::{Config, accounts, sessions, startup, state::AppState};

/// The router on a fresh, empty database.
pub struct Fixture {
    pub router: axum::Router,
    pub state: AppState,
    _data: Option<TestDb>,
}

/// Names the PostgreSQL cluster the tests run on instead of SQLite (`script/with-postgres`
/// sets it; `script/test` runs the server's tests once on each backend).
pub const POSTGRES_ENV: &str = "LAGEBILD_TEST_POSTGRES";

/// A fresh, empty place for one test's data: a temporary directory for SQLite, or, when
/// [`POSTGRES_ENV`] names a cluster, a new database in it as well (dropped afterwards).
pub struct TestDb {
    pub dir: tempfile::TempDir,
    /// The database's URL, and the cluster's maintenance URL and the database's name.
    postgres: Option<(String, String, String)>,
    /// A cluster of the test's own, where none was named (dropped last).
    _cluster: Option<crate::pg_cluster::Cluster>,
}

impl TestDb {
    pub fn new() -> TestDb {
        Self::in_cluster(std::env::var(POSTGRES_ENV).ok(), None)
    }

    /// A database on PostgreSQL whatever the pass: in the cluster [`POSTGRES_ENV`] names, or
    /// in a throwaway cluster of its own (for tests of several servers on one database).
    pub fn postgres() -> TestDb {
        match std::env::var(POSTGRES_ENV) {
            Ok(admin) => Self::in_cluster(Some(admin), None),
            Err(_) => {
                let cluster = crate::pg_cluster::Cluster::start().expect("PostgreSQL cluster");
                Self::in_cluster(Some(cluster.url("postgres")), Some(cluster))
            }
        }
    }

    fn in_cluster(admin: Option<String>, cluster: Option<crate::pg_cluster::Cluster>) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let postgres = admin.map(|admin| {
            let name = format!(
                "t_{}",
                crate::accounts::digest(&format!(
                    "{:?}{:?}",
                    dir.path(),
                    std::time::Instant::now()
                ))[..16]
                    .to_owned()
            );
            let statement = format!("CREATE DATABASE {name}");
            on_a_thread(&admin, &statement);
            let url = match admin.rsplit_once('/') {
                Some((cluster, _)) => format!("{cluster}/{name}"),
                None => panic!("{POSTGRES_ENV} is no URL: {admin}"),
            };
            (url, admin, name)
        });
        TestDb {
            dir,
            postgres,
            _cluster: cluster,
        }
    }

    /// Where the test's data lives.
    pub fn storage(&self) -> crate::db::Storage {
        match &self.postgres {
            Some((url, _, _)) => crate::db::Storage::Postgres(crate::db::Postgres::at(url.clone())),
            None => crate::db::Storage::Sqlite(self.dir.path().to_owned()),
        }
    }

    /// The database, opened (and migrated).
    pub async fn open(&self) -> crate::db::Database {
        let storage = self.storage();
        tokio::task::spawn_blocking(move || crate::db::Database::open_storage(&storage))
            .await
            .expect("open task")
            .expect("database")
    }

    /// Is this test running on PostgreSQL?
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((_, admin, name)) = &self.postgres {
            on_a_thread(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

/// Runs `statement` on the cluster at `admin` from a thread of its own (the blocking client
/// must not run on an async worker).
fn on_a_thread(admin: &str, statement: &str) {
    let (admin, statement) = (admin.to_owned(), statement.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("test cluster");
        client.batch_execute(&statement).expect(&statement);
    })
    .join()
    .expect("test cluster thread");
}

/// A fixture with the default state.
pub async fn fixture() -> Fixture {
    fixture_with(|_| {}).await
}

/// A fixture whose state `adjust` sets up before the router is built.
pub async fn fixture_with(adjust: impl FnOnce(&mut AppState)) -> Fixture {
    let data = TestDb::new();
    let mut f = fixture_on(&data, adjust).await;
    f._data = Some(data);
    f
}

/// A fixture on a fresh database whose configuration `configure` sets.
pub async fn fixture_configured(configure: impl FnOnce(&mut Config)) -> Fixture {
    let data = TestDb::new();
    let mut config = Config::for_tests(data.dir.path().to_owned(), "no-dist".into());
    if let crate::db::Storage::Postgres(target) = data.storage() {
        config.database_url = Some(target.url);
    }
    configure(&mut config);
    let state = startup::state(&config).await.expect("state");
    Fixture {
        router: startup::app(state.clone(), std::path::Path::new("no-dist")),
        state,
        _data: Some(data),
    }
}

/// A server on `data`, which another fixture (another server) may share.
pub async fn fixture_on(data: &TestDb, adjust: impl FnOnce(&mut AppState)) -> Fixture {
    let mut config = Config::for_tests(data.dir.path().to_owned(), "no-dist".into());
    if let crate::db::Storage::Postgres(target) = data.storage() {
        config.database_url = Some(target.url);
    }
    let mut state = startup::state(&config).await.expect("state");
    adjust(&mut state);
    Fixture {
        router: startup::app(state.clone(), std::path::Path::new("no-dist")),
        state,
        _data: None,
    }
}

impl Fixture {
    /// Sends a request as `who` (no session: `None`) with a JSON body, if any, and extra
    /// `headers`.
    pub async fn request(
        &self,
        who: Option<&TestSession>,
        method: Method,
        uri: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Value) {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(s) = who {
            b = s.sign(b);
        }
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            b = b.header(*name, *value);
        }
        let request = b
            .body(body.map_or_else(Body::empty, |v| Body::from(v.to_string())))
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, body_json(response).await)
    }

    pub async fn send(
        &self,
        who: Option<&TestSession>,
        method: Method,
        uri: &str,
        body: Option<&Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        self.request(who, method, uri, body, &[]).await
    }

    /// GETs `uri` as `who`; fails unless `200`.
    pub async fn get(&self, who: &TestSession, uri: &str) -> Value {
        let (status, _, body) = self.send(Some(who), Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
        body
    }

    pub async fn post(&self, who: &TestSession, uri: &str, body: &Value) -> (StatusCode, Value) {
        let (status, _, body) = self.send(Some(who), Method::POST, uri, Some(body)).await;
        (status, body)
    }

    /// POSTs raw `body` (e.g. CSV) as `content_type` to `uri` as `who`.
    pub async fn upload(
        &self,
        who: &TestSession,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let request = who
            .sign(Request::post(uri))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        (response.status(), body_json(response).await)
    }

    /// PUTs `body` to `uri` as `who` with `If-Match: "v{version}"`.
    pub async fn put(
        &self,
        who: &TestSession,
        uri: &str,
        version: i64,
        body: &Value,
    ) -> (StatusCode, Value) {
        let etag = format!("\"v{version}\"");
        let (status, _, body) = self
            .request(
                Some(who),
                Method::PUT,
                uri,
                Some(body),
                &[("if-match", &etag)],
            )
            .await;
        (status, body)
    }

    /// DELETEs `uri` as `who` with `If-Match: "v{version}"`.
    pub async fn delete(&self, who: &TestSession, uri: &str, version: i64) -> StatusCode {
        let etag = format!("\"v{version}\"");
        self.request(Some(who), Method::DELETE, uri, None, &[("if-match", &etag)])
            .await
            .0
    }
}

/// A response's body as JSON, or as a JSON string if it is not JSON.
pub async fn body_json(response: axum::response::Response) -> Value {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A session's cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct TestSession {
    pub cookie: String,
    pub csrf: String,
}

impl TestSession {
    /// Adds the cookie and the CSRF token to a request.
    pub fn sign(&self, builder: Builder) -> Builder {
        builder
            .header(header::COOKIE, &self.cookie)
            .header(model::access::CSRF_HEADER, &self.csrf)
    }
}

/// Creates account `login` (role, agency) and signs it in.
pub async fn session(state: &AppState, login: &str, role: Role, agency: &str) -> TestSession {
    let agency = AgencyKey::parse(agency).expect("agency key");
    let login = login.to_owned();
    let new = state
        .db
        .call(move |c| {
            let password = (role != Role::Display).then_some("ein langes Testpasswort");
            accounts::add(c, &login, role, &agency, password)?;
            sessions::create(c, &login)
        })
        .await
        .expect("account and session");
    TestSession {
        cookie: format!("{}={}", sessions::COOKIE_PLAIN, new.token),
        csrf: new.viewer.csrf.to_string(),
    }
}

/// Another session for an existing account.
pub async fn another_session(state: &AppState, login: &str) -> TestSession {
    let login = login.to_owned();
    let new = state
        .db
        .call(move |c| sessions::create(c, &login))
        .await
        .expect("session");
    TestSession {
        cookie: format!("{}={}", sessions::COOKIE_PLAIN, new.token),
        csrf: new.viewer.csrf.to_string(),
    }
}

/// Every `data:` event of an event stream, sent on as `(kind, id)`; returns once the stream
/// is open (live events from then on reach it).
pub async fn follow(
    f: &Fixture,
    s: &TestSession,
    last_event_id: Option<&str>,
) -> mpsc::UnboundedReceiver<(String, i64)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (subscribed, ready) = tokio::sync::oneshot::channel();
    let mut request = s.sign(Request::get(model::api::EVENTS));
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let request = request.body(Body::empty()).expect("request");
    let router = f.router.clone();
    tokio::spawn(async move {
        let response = router.oneshot(request).await.expect("response");
        // The handler has subscribed to live events before it answers.
        let _ = subscribed.send(());
        let mut body = response.into_body();
        let mut text = String::new();
        while let Ok(Some(Ok(frame))) =
            tokio::time::timeout(Duration::from_secs(30), body.frame()).await
        {
            let Some(data) = frame.data_ref() else {
                continue;
            };
            text.push_str(&String::from_utf8_lossy(data));
            while let Some(end) = text.find("\n\n") {
                let event: String = text.drain(..end + 2).collect();
                for line in event.lines().filter_map(|l| l.strip_prefix("data: ")) {
                    if let Ok(e) = serde_json::from_str::<Value>(line) {
                        let kind = e["kind"].as_str().unwrap_or_default().to_owned();
                        if tx.send((kind, e["id"].as_i64().unwrap_or(0))).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    let _ = ready.await;
    rx
}

/// Names as a set, for comparing what an agency sees with what is written by hand.
pub fn set(names: &[&str]) -> std::collections::BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// What arrives on `rx` until a second passes without anything.
pub async fn drain(rx: &mut mpsc::UnboundedReceiver<(String, i64)>) -> Vec<(String, i64)> {
    let mut got = Vec::new();
    while let Ok(Some(e)) = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
        got.push(e);
    }
    got
}
