//! Shared helpers for the integration and browser tests: a real server on a free port, and a
//! real headless Chromium driven over WebDriver (Debian's `chromedriver`).

use std::{
    collections::BTreeMap,
    net::TcpListener as StdListener,
    path::{Path, PathBuf},
    process::Stdio,
    sync::Mutex,
    time::{Duration, Instant},
};

pub mod bench;

use fantoccini::{Client, ClientBuilder, wd::WebDriverCompatibleCommand};
use model::access::Role;
use serde_json::{Value, json};
use tokio::{process::Child, sync::oneshot};

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The built app: `LAGEBILD_DIST_DIR`, else `dist/` in the workspace.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("LAGEBILD_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

/// Where browser tests save screenshots.
pub fn screenshot_dir() -> PathBuf {
    let dir = workspace_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// A signed-in session: its cookie value and its CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
}

/// The running test servers (by origin). [`Browser::open`] signs a browser in as the server's
/// admin before it first opens a page there.
static BROWSER_SESSIONS: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// The password of every test account.
pub const TEST_PASSWORD: &str = "ein langes Testpasswort";

/// Every agency key of the partnership: what test items are released to unless a test says
/// otherwise, so any test account sees them.
pub const ALL_AGENCIES: [&str; 8] = [
    "polizei",
    "kod",
    "jugendamt",
    "hza",
    "jva",
    "bpol",
    "steufa",
    "finanzamt",
];

/// A server running in this process on a free loopback port, with its own empty data directory.
/// It has an admin of the police signed in (`test-admin`), whose session [`TestServer::client`]
/// and browsers use.
pub struct TestServer {
    pub url: String,
    pub data: tempfile::TempDir,
    pub state: server::state::AppState,
    pub admin: Session,
    planners: Mutex<BTreeMap<String, Session>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Starts a server serving `dist` (which may not exist, for API-only tests).
    pub async fn start(dist: &Path) -> TestServer {
        TestServer::start_in(tempfile::tempdir().expect("temp data dir"), dist).await
    }

    /// Starts a server on an existing data directory (e.g. one a stopped server left).
    pub async fn start_in(data: tempfile::TempDir, dist: &Path) -> TestServer {
        TestServer::start_with(data, dist, None, true).await
    }

    /// Starts a server with the built app and the demo data.
    pub async fn with_app_and_demo() -> TestServer {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "no built app in {}",
            dist.display()
        );
        TestServer::start_with(tempfile::tempdir().expect("temp dir"), &dist, None, false).await
    }

    /// Starts a server at `addr` (e.g. where a stopped one listened), optionally with demo data.
    pub async fn start_with(
        data: tempfile::TempDir,
        dist: &Path,
        addr: Option<std::net::SocketAddr>,
        empty: bool,
    ) -> TestServer {
        let mut config = server::Config::for_tests(data.path().to_owned(), dist.to_owned());
        config.empty = empty;
        if let Some(addr) = addr {
            config.addr = addr;
        }
        TestServer::from_config(data, config).await
    }

    /// Starts a server with the built app and the demo data, configured by `configure` (base
    /// maps, a map service).
    pub async fn with_app_and_demo_configured(
        configure: impl FnOnce(&mut server::Config),
    ) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = server::Config::for_tests(data.path().to_owned(), dist_dir());
        config.empty = false;
        configure(&mut config);
        TestServer::from_config(data, config).await
    }

    /// Starts a server with the built app and the demo data on the PostgreSQL database at
    /// `url`.
    pub async fn with_app_and_demo_on(url: &str) -> TestServer {
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = server::Config::for_tests(data.path().to_owned(), dist_dir());
        config.empty = false;
        config.database_url = Some(url.to_owned());
        TestServer::from_config(data, config).await
    }

    async fn from_config(data: tempfile::TempDir, config: server::Config) -> TestServer {
        let app = server::Application::build(config)
            .await
            .expect("server starts");
        let url = app.url();
        let state = app.state().clone();
        let admin = sign_in(&state, "test-admin", Role::Admin, "polizei").await;
        BROWSER_SESSIONS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(url.clone(), admin.token.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        TestServer {
            url,
            data,
            state,
            admin,
            planners: Mutex::default(),
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Starts a server with the built app; fails clearly if it has not been built.
    pub async fn with_app() -> TestServer {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "no built app in {}: run `trunk build --release` first (script/test does)",
            dist.display()
        );
        TestServer::start(&dist).await
    }

    /// Imports `csv` as incident reports of the admin's agency (the police) and returns the
    /// server's answer (`{"rows", "imported", "skipped"}`, or the error).
    pub async fn import_incidents(&self, csv: String) -> Value {
        self.client()
            .post(format!("{}{}", self.url, model::api::INCIDENT_IMPORT))
            .header("content-type", "text/csv")
            .body(csv)
            .timeout(Duration::from_secs(900))
            .send()
            .await
            .expect("the import is answered")
            .json()
            .await
            .expect("the answer is JSON")
    }

    /// An HTTP client signed in as the admin (cookie and CSRF token on every request).
    pub fn client(&self) -> reqwest::Client {
        client_for(&self.admin)
    }

    /// A session of a new or existing account `login` with `role` in `agency`.
    pub async fn session(&self, login: &str, role: Role, agency: &str) -> Session {
        sign_in(&self.state, login, role, agency).await
    }

    /// An HTTP client signed in as an operator (the partnership's IT, of the city's KOD):
    /// guest agencies, district boundaries, every agency's accounts.
    pub async fn operator(&self) -> reqwest::Client {
        client_for(&self.session("test-it", Role::Operator, "kod").await)
    }

    /// A planner of `agency` (one account per agency, made on first use).
    async fn planner(&self, agency: &str) -> Session {
        if let Some(s) = self
            .planners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(agency)
        {
            return s.clone();
        }
        let s = self
            .session(&format!("test-{agency}"), Role::Planner, agency)
            .await;
        self.planners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(agency.to_owned(), s.clone());
        s
    }

    /// POSTs `body` to `path` as a planner of the item's owning agency (`agency` or
    /// `lead_agency`) and returns the created item; panics unless it was created. Without
    /// `released_to` the item is released to every agency, so every test account sees it.
    pub async fn create(&self, path: &str, body: &Value) -> Value {
        let owner = body["agency"]
            .as_str()
            .or_else(|| body["lead_agency"].as_str())
            .unwrap_or("polizei")
            .to_owned();
        let mut body = body.clone();
        if body.get("released_to").is_none()
            && let Some(map) = body.as_object_mut()
        {
            map.insert("released_to".into(), json!(ALL_AGENCIES));
        }
        let response = client_for(&self.planner(&owner).await)
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("POST reaches the server");
        let status = response.status();
        let json: Value = response.json().await.expect("a JSON answer");
        assert_eq!(status, 201, "POST {path}: {json}");
        json
    }

    /// Stops the server, waits until it has finished, and hands back its data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        let empty = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.data, empty)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Creates account `login` if it is new, and starts a session for it.
pub async fn sign_in(
    state: &server::state::AppState,
    login: &str,
    role: Role,
    agency: &str,
) -> Session {
    let (login, agency) = (login.to_owned(), agency.to_owned());
    let new = state
        .db
        .call(move |c| {
            if server::accounts::find(c, &login)?.is_none() {
                let agency = model::AgencyKey::parse(&agency).expect("agency key");
                let password = (role != Role::Display).then_some(TEST_PASSWORD);
                server::accounts::add(c, &login, role, &agency, password)?;
            }
            server::sessions::create(c, &login)
        })
        .await
        .expect("account and session");
    Session {
        token: new.token,
        csrf: new.viewer.csrf.to_string(),
    }
}

/// An HTTP client that sends `session`'s cookie and CSRF token with every request.
pub fn client_for(session: &Session) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let cookie = format!("{}={}", server::sessions::COOKIE_PLAIN, session.token);
    headers.insert(
        reqwest::header::COOKIE,
        cookie.parse().expect("cookie header"),
    );
    headers.insert(
        model::access::CSRF_HEADER,
        session.csrf.parse().expect("csrf header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("HTTP client")
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// One step of real mouse input for [`Browser::mouse`].
#[derive(Debug, Clone, Copy)]
pub enum Mouse {
    MoveTo(f64, f64),
    Down,
    Up,
    Pause(u64),
}

/// Headless Chromium with its own profile and its own chromedriver; both end on drop.
pub struct Browser {
    pub client: Client,
    /// Origins this browser has a session cookie for.
    signed_in: Mutex<Vec<String>>,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium with a window of `width` × `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Browser {
        Browser::start_with(width, height, &[]).await
    }

    /// [`Browser::start`] with more Chromium switches (e.g. `--js-flags=--expose-gc`).
    pub async fn start_with(width: u32, height: u32, extra: &[&str]) -> Browser {
        let chromedriver = which("chromedriver").expect(
            "chromedriver not found: run `script/bootstrap --browser` (Debian: chromium-driver)",
        );
        let chromium = which("chromium")
            .expect("chromium not found: run `script/bootstrap --browser` (Debian: chromium)");
        let port = free_port();
        let driver = tokio::process::Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let args: Vec<String> = args
            .into_iter()
            .chain(extra.iter().map(|a| (*a).to_owned()))
            .collect();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
            // A stuck page fails its test instead of hanging the suite.
            "timeouts": { "script": 30_000, "pageLoad": 30_000 },
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        };
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => break client,
                Err(err) if Instant::now() < deadline => {
                    let _ = err;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => panic!("cannot start a Chromium session: {err}"),
            }
        };
        client
            .set_window_size(width, height)
            .await
            .expect("window size");
        Browser {
            client,
            signed_in: Mutex::default(),
            _driver: driver,
            _profile: profile,
        }
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its result.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        match tokio::time::timeout(Duration::from_secs(45), self.client.execute(script, args)).await
        {
            Ok(result) => result.unwrap_or_else(|e| panic!("script failed: {e}\n{script}")),
            Err(_) => panic!("the browser did not answer within 45 s\n{script}"),
        }
    }

    /// Signs the browser in at `url`'s test server as its admin (`test-admin`), once per
    /// server, through the sign-in API as the sign-in form does: the server sets its HttpOnly
    /// session cookie.
    pub async fn sign_in_for(&self, url: &str) {
        let servers = BROWSER_SESSIONS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(origin) = servers.into_keys().find(|o| url.starts_with(o.as_str())) else {
            return;
        };
        if self
            .signed_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&origin)
        {
            return;
        }
        self.client
            .goto(&format!("{origin}/api/health"))
            .await
            .expect("the server answers");
        let status = self
            .eval(
                "return fetch('/api/session', {method: 'POST', headers: {'Content-Type': 'application/json'}, \
                 body: JSON.stringify({login: 'test-admin', password: arguments[0]})}).then(r => r.status);",
                vec![json!(TEST_PASSWORD)],
            )
            .await;
        assert_eq!(status, json!(200), "the test admin signs in");
        self.signed_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(origin);
    }

    /// Forgets the session cookies (as after signing out in another tab).
    pub async fn sign_out_all(&self) {
        self.client
            .delete_all_cookies()
            .await
            .expect("cookies deleted");
        self.signed_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Opens `url` (signed in as its server's admin) and waits until `ready` returns `true`.
    pub async fn open(&self, url: &str, ready: &str) {
        self.sign_in_for(url).await;
        self.client.goto(url).await.expect("the page opens");
        self.wait_until(
            &format!("{url} to be ready"),
            ready,
            Duration::from_secs(20),
        )
        .await;
    }

    /// The text of the first element `css` selects; panics if there is none.
    pub async fn text(&self, css: &str) -> String {
        let v = self
            .eval(
                "return document.querySelector(arguments[0])?.textContent ?? null;",
                vec![json!(css)],
            )
            .await;
        v.as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    /// Presses `key` on the element that has the keyboard focus.
    pub async fn press(&self, key: fantoccini::key::Key) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(&char::from(key).to_string())
            .await
            .expect("the key press");
    }

    /// Clicks the element that `css` selects.
    pub async fn click(&self, css: &str) {
        self.client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Real mouse input at viewport coordinates (CSS pixels), through WebDriver actions:
    /// each step is a move, a press or a release, with a short pause where a hand would.
    pub async fn mouse(&self, steps: &[Mouse]) {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let mut actions = MouseActions::new("mouse".to_owned());
        for step in steps {
            actions = match *step {
                Mouse::MoveTo(x, y) => actions.then(PointerAction::MoveTo {
                    duration: Some(Duration::from_millis(50)),
                    x,
                    y,
                }),
                Mouse::Down => actions.then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                }),
                Mouse::Up => actions.then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                }),
                Mouse::Pause(ms) => actions.then(PointerAction::Pause {
                    duration: Duration::from_millis(ms),
                }),
            };
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("mouse actions");
    }

    /// A click at `(x, y)`, then a pause so the next click is not a double click.
    pub async fn click_at(&self, x: f64, y: f64) {
        self.mouse(&[
            Mouse::MoveTo(x, y),
            Mouse::Down,
            Mouse::Up,
            Mouse::Pause(400),
        ])
        .await;
    }

    /// A double click at `(x, y)`.
    pub async fn double_click_at(&self, x: f64, y: f64) {
        self.mouse(&[
            Mouse::MoveTo(x, y),
            Mouse::Down,
            Mouse::Up,
            Mouse::Pause(60),
            Mouse::Down,
            Mouse::Up,
            Mouse::Pause(400),
        ])
        .await;
    }

    /// Sets a form control's value the way a user would, firing `input` or `change`.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.eval(
            "const el = document.querySelector(arguments[0]); \
             el.value = arguments[1]; \
             el.dispatchEvent(new Event(el.tagName === 'SELECT' || el.type === 'date' ? 'change' : 'input', {bubbles: true})); \
             return true;",
            vec![json!(css), json!(value)],
        )
        .await;
    }

    /// Waits until `script` returns `true`, or panics with `what` after `timeout`.
    pub async fn wait_until(&self, what: &str, script: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.eval(script, vec![]).await == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                let _ = self.save_screenshot("timeout").await;
                panic!("timed out after {timeout:?} waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The Content-Security-Policy violations Chromium reported on the console since the last
    /// call (reading the log empties it).
    pub async fn csp_violations(&self) -> Vec<String> {
        self.console()
            .await
            .into_iter()
            .filter(|m| m.contains("Content Security Policy"))
            .collect()
    }

    /// The console messages (errors, warnings, logs) since the last call.
    pub async fn console(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(Chromedriver::log("browser"))
            .await
            .expect("browser log");
        log.as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry["message"].as_str())
            .map(str::to_owned)
            .collect()
    }

    /// Runs `script` in every document this browser opens from now on, before the page's own
    /// scripts (Chrome DevTools `Page.addScriptToEvaluateOnNewDocument`).
    pub async fn on_new_document(&self, script: &str) {
        self.client
            .issue_cmd(Chromedriver::cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": script }),
            ))
            .await
            .expect("script for new documents");
    }

    /// Sends one Chrome DevTools command (e.g. `Network.setCacheDisabled`) to this browser's tab.
    pub async fn cdp(&self, method: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Chromedriver::cdp(method, params))
            .await
            .unwrap_or_else(|e| panic!("DevTools command {method} failed: {e}"))
    }

    /// Lays the page out for `media` (`print` or `screen`), as Chromium's print preview does.
    pub async fn emulate_media(&self, media: &str) {
        self.client
            .issue_cmd(Chromedriver::cdp(
                "Emulation.setEmulatedMedia",
                json!({ "media": media }),
            ))
            .await
            .expect("media emulation");
    }

    /// Every URL that documents loaded from `origin` have requested so far, from Chromium's
    /// network log (it also lists requests that failed, which Resource Timing would not).
    /// Requests of the browser's own pages (its new-tab page) are not the app's and are left out.
    pub async fn requested_urls(&self, origin: &str) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(Chromedriver::log("performance"))
            .await
            .expect("performance log");
        let mut urls = Vec::new();
        for entry in log.as_array().into_iter().flatten() {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let Ok(message) = serde_json::from_str::<Value>(message) else {
                continue;
            };
            let params = &message["message"]["params"];
            let from_app = params["documentURL"]
                .as_str()
                .is_some_and(|d| d.starts_with(origin));
            if message["message"]["method"] == "Network.requestWillBeSent"
                && from_app
                && let Some(url) = params["request"]["url"].as_str()
            {
                urls.push(url.to_owned());
            }
        }
        urls
    }

    /// Saves a PNG screenshot as `target/screenshots/<name>.png` and returns its path.
    pub async fn save_screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

impl Drop for Browser {
    /// Chromium outlives a killed chromedriver: end every process of this browser's own
    /// profile, or each test would leave a browser running on the machine.
    fn drop(&mut self) {
        let profile = format!("--user-data-dir={}", self._profile.path().display());
        let _ = std::process::Command::new("pkill")
            .args(["-KILL", "-f", "--", &profile])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A chromedriver command outside W3C WebDriver (so fantoccini has no method for it): a POST
/// to `session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct Chromedriver {
    path: &'static str,
    body: Value,
}

impl Chromedriver {
    /// The browser's log of `kind` (`performance`, `browser`).
    fn log(kind: &str) -> Chromedriver {
        Chromedriver {
            path: "se/log",
            body: json!({ "type": kind }),
        }
    }

    /// A Chrome DevTools Protocol command.
    fn cdp(cmd: &str, params: Value) -> Chromedriver {
        Chromedriver {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        }
    }
}

impl WebDriverCompatibleCommand for Chromedriver {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Reads Server-Sent Events from a streaming response until `count` `change` events arrived
/// or `timeout` passed; returns `(id, data)` pairs.
pub async fn read_sse(
    response: &mut reqwest::Response,
    count: usize,
    timeout: Duration,
) -> Vec<(i64, Value)> {
    let deadline = Instant::now() + timeout;
    let mut buffer = String::new();
    let mut events = Vec::new();
    while events.len() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Ok(Some(chunk))) = tokio::time::timeout(left, response.chunk()).await else {
            break;
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut id, mut data, mut is_change) = (None, None, false);
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data = serde_json::from_str(v.trim()).ok();
                } else if line.trim() == "event: change" || line.trim() == "event:change" {
                    is_change = true;
                }
            }
            if let (true, Some(id), Some(data)) = (is_change, id, data) {
                events.push((id, data));
            }
        }
    }
    events
}
