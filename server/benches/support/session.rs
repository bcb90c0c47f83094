//! The benchmark's planner (`bench-plan`) and its signed-in clients.
#![allow(dead_code)] // not every benchmark uses every helper

/// The session every benchmark request carries: its `Cookie` header and CSRF token.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in as the benchmark's planner.
pub async fn sign_in(base: &str) -> Session {
    let r = reqwest::Client::new()
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({"login": "bench-plan", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the benchmark account signs in");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me: serde_json::Value = r.json().await.unwrap();
    Session {
        cookie,
        csrf: me["csrf_token"].as_str().unwrap().to_owned(),
    }
}

pub fn client(session: &Session, pool: usize) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, session.cookie.parse().unwrap());
    headers.insert("x-csrf-token", session.csrf.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(pool)
        .build()
        .unwrap()
}

pub const PASSWORD: &str = "ein langes Benchmark-Passwort";

/// Adds the benchmark's planner with the real `server user add`, on the database `place` names
/// (`--data-dir DIR` or `--database-url URL`).
pub async fn add_account(place: &[std::ffi::OsString]) {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "user",
            "add",
            "bench-plan",
            "--role",
            "planner",
            "--agency",
            "polizei",
            "--password-stdin",
        ])
        .args(place)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    assert!(child.wait().await.unwrap().success(), "server user add");
}
