//! The real server binary. Durability: the server process is killed with SIGKILL in the middle
//! of a stream of writes; after a restart on the same database every acknowledged write is
//! there. Its command line: standard output holds only the answer, so scripts can read it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use model::api;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Starts the real server binary and returns it with its base URL.
async fn spawn_server(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--empty",
            "--dist-dir",
            "no-dist",
            "--data-dir",
        ])
        .arg(data_dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("Lagebild Hamm is running at ") {
                return url.to_owned();
            }
        }
        panic!("the server exited before printing its URL");
    })
    .await
    .unwrap();
    (child, url)
}

/// Adds a planner with the real `server user add` (password on standard input).
async fn add_planner(data_dir: &std::path::Path) {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "user", "add", "pol-plan", "--role", "planner", "--agency", "polizei",
        ])
        .arg("--password-stdin")
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"ein langes Passwort\n").await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "server user add failed");
    assert!(String::from_utf8_lossy(&out.stdout).contains("added pol-plan (planner, polizei)"));
}

/// A client signed in as the planner, and the CSRF token for its writes.
async fn signed_in(url: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = client
        .post(format!("{url}{}", api::SESSION))
        .json(&json!({"login": "pol-plan", "password": "ein langes Passwort"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    (client, me["csrf_token"].as_str().unwrap().to_owned())
}

fn hotspot(title: &str) -> Value {
    json!({
        "title": title,
        "category": "drug_scene",
        "severity": "high",
        "geometry": {"type": "Point", "coordinates": [7.80724, 51.67825]},
        "hours": [{"days": ["mon", "tue"], "from": "10:00", "to": "22:00"}],
        "agency": "polizei",
        "review_date": "2027-06-30"
    })
}

#[tokio::test]
async fn every_acknowledged_write_survives_a_sigkill() {
    let data = tempfile::tempdir().unwrap();
    add_planner(data.path()).await;
    let (mut server, url) = spawn_server(data.path()).await;
    let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let (client, csrf) = signed_in(&url).await;

    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, url, acked) = (client.clone(), url.clone(), Arc::clone(&acked));
        let csrf = csrf.clone();
        writers.push(tokio::spawn(async move {
            for n in 0.. {
                let title = format!("Schreiber {w} Nr. {n}");
                let sent = client
                    .post(format!("{url}{}", api::HOTSPOTS))
                    .header(model::access::CSRF_HEADER, &csrf)
                    .json(&hotspot(&title))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 201 => {
                        let body: Value = match r.json().await {
                            Ok(b) => b,
                            Err(_) => return, // killed while answering: not acknowledged
                        };
                        acked
                            .lock()
                            .unwrap()
                            .push((body["id"].as_i64().unwrap(), title));
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // Kill the server while the writes stream in.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 100 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "fewer than 100 writes were acknowledged in a minute"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.start_kill().unwrap(); // SIGKILL
    server.wait().await.unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 100);

    // The session is in the database too: the same client goes on after the restart.
    let (_server, url) = spawn_server(data.path()).await;
    for (id, title) in &acked {
        let r = client
            .get(format!("{url}{}/{id}", api::HOTSPOTS))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged hotspot {id} is lost");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["title"], title.as_str());
    }
    // Each acknowledged write also kept its change event.
    let mut events = client
        .get(format!("{url}{}", api::EVENTS))
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    // Read until every acknowledged write's event is in. (Counting events is not enough: a
    // write the server committed but was killed before acknowledging has its event too, in
    // between.)
    let event_of = |id: &i64| format!("\"id\":{id},");
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !acked.iter().all(|(id, _)| text.contains(&event_of(id))) {
        match tokio::time::timeout_at(deadline, events.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    for (id, _) in &acked {
        assert!(text.contains(&event_of(id)), "no change event for {id}");
    }
}

/// `script/server` creates the first admin when `server user list` prints nothing; a log line on
/// standard output (a fresh database logs that it derived the districts) made it skip that.
#[test]
fn the_command_line_answers_on_standard_output_and_logs_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let list = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["user", "list", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(list.status.success());
    assert_eq!(String::from_utf8_lossy(&list.stdout), "");
    assert!(
        String::from_utf8_lossy(&list.stderr).contains("districts"),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
}
