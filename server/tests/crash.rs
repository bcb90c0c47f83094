//! The real server binary. Durability: the server process is killed with SIGKILL in the middle
//! of a stream of writes; after a restart on the same database every acknowledged write is
//! there (on SQLite, and on PostgreSQL). Several servers on PostgreSQL behind Debian's nginx:
//! one is killed while writes and an event stream go through the balancer, and PostgreSQL
//! itself is stopped and started under load. Its command line: standard output holds only the
//! answer, so scripts can read it.

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

/// Where a server keeps its data.
#[derive(Clone, Copy)]
enum Store<'a> {
    Sqlite(&'a std::path::Path),
    #[cfg_attr(not(feature = "pg-cluster"), allow(dead_code))]
    Postgres(&'a str),
}

impl Store<'_> {
    fn args(self) -> Vec<std::ffi::OsString> {
        match self {
            Store::Sqlite(dir) => vec!["--data-dir".into(), dir.into()],
            Store::Postgres(url) => vec!["--database-url".into(), url.into()],
        }
    }
}

/// Starts the real server binary on `store` with `extra` arguments.
async fn spawn_on(store: Store<'_>, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--addr", "127.0.0.1:0", "--empty", "--dist-dir", "no-dist"])
        .args(store.args())
        .args(extra)
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
    add_planner_to(Store::Sqlite(data_dir)).await;
}

async fn add_planner_to(store: Store<'_>) {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "user", "add", "pol-plan", "--role", "planner", "--agency", "polizei",
        ])
        .arg("--password-stdin")
        .args(store.args())
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
    survives_a_sigkill(Store::Sqlite(data.path())).await;
}

/// Writes stream in through four clients; the server is killed (SIGKILL) after 100 are
/// acknowledged; a new server on the same data has every acknowledged write and its event.
async fn survives_a_sigkill(store: Store<'_>) {
    let (mut server, url) = spawn_on(store, &[]).await;
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
    let (_server, url) = spawn_on(store, &[]).await;
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

/// Several servers on PostgreSQL (a throwaway cluster of the test's own, durable: fsync on).
#[cfg(feature = "pg-cluster")]
mod postgres {
    use std::{collections::BTreeSet, path::PathBuf};

    use server::pg_cluster::Cluster;

    use super::*;

    /// A cluster with an empty database `lagebild`, and its URL.
    fn database() -> (Cluster, String) {
        let cluster = Cluster::start().unwrap();
        cluster.psql("CREATE DATABASE lagebild").unwrap();
        let url = cluster.url("lagebild");
        (cluster, url)
    }

    #[tokio::test]
    async fn every_acknowledged_write_survives_a_sigkill_on_postgresql() {
        let (_cluster, url) = database();
        add_planner_to(Store::Postgres(&url)).await;
        survives_a_sigkill(Store::Postgres(&url)).await;
    }

    /// Debian's nginx in front of `upstreams` (host:port), as the README's example configures
    /// it; stopped when dropped.
    struct Nginx {
        _dir: tempfile::TempDir,
        child: Child,
        url: String,
    }

    /// The load balancer's configuration (README, "Running several servers").
    fn nginx_conf(dir: &std::path::Path, port: u16, upstreams: &[String]) -> String {
        let servers: String = upstreams
            .iter()
            .map(|u| format!("        server {u} max_fails=1 fail_timeout=30s;\n"))
            .collect();
        let d = dir.display();
        format!(
            "daemon off;
master_process off;
worker_processes 1;
error_log {d}/error.log warn;
pid {d}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream lagebild {{
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 600m;
        location / {{
            proxy_pass http://lagebild;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            # The event stream: no buffering, and no time limit while it is open.
            proxy_buffering off;
            proxy_read_timeout 1h;
            # A server that is down: the request goes to the next.
            proxy_next_upstream error timeout http_502;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"
        )
    }

    impl Nginx {
        async fn start(upstreams: &[String]) -> Nginx {
            let dir = tempfile::tempdir().unwrap();
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let conf = dir.path().join("nginx.conf");
            std::fs::write(&conf, nginx_conf(dir.path(), port, upstreams)).unwrap();
            let child = Command::new(PathBuf::from("/usr/sbin/nginx"))
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("Debian's nginx (script/bootstrap --browser installs it)");
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
            {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "nginx did not start"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Nginx {
                _dir: dir,
                child,
                url: format!("http://127.0.0.1:{port}"),
            }
        }
    }

    impl Drop for Nginx {
        fn drop(&mut self) {
            let _ = self.child.start_kill();
        }
    }

    /// What an event stream through the balancer received, reconnecting with `Last-Event-ID`
    /// whenever its connection ends.
    #[derive(Default)]
    struct Heard {
        data: Vec<String>,
        last: i64,
        /// The server each connection reached (nginx's `X-Upstream`).
        upstreams: Vec<String>,
    }

    fn follow(client: reqwest::Client, url: String, heard: Arc<Mutex<Heard>>) {
        tokio::spawn(async move {
            loop {
                let last = heard.lock().unwrap().last;
                let response = client
                    .get(format!("{url}{}", api::EVENTS))
                    .header("last-event-id", last.to_string())
                    .send()
                    .await;
                if let Ok(mut r) = response
                    && r.status() == 200
                {
                    let upstream = r
                        .headers()
                        .get("x-upstream")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    heard.lock().unwrap().upstreams.push(upstream);
                    let mut text = String::new();
                    while let Ok(Some(chunk)) = r.chunk().await {
                        text.push_str(&String::from_utf8_lossy(&chunk));
                        while let Some(end) = text.find("\n\n") {
                            let event: String = text.drain(..end + 2).collect();
                            let mut h = heard.lock().unwrap();
                            for line in event.lines() {
                                if let Some(id) = line.strip_prefix("id: ") {
                                    h.last = id.trim().parse().unwrap_or(h.last);
                                } else if let Some(data) = line.strip_prefix("data: ") {
                                    h.data.push(data.to_owned());
                                }
                            }
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }

    /// Writes hotspots through `url` until `stop`; returns the acknowledged ones.
    fn writer(
        client: reqwest::Client,
        csrf: String,
        url: String,
        w: usize,
        acked: Arc<Mutex<Vec<(i64, String)>>>,
        statuses: Arc<Mutex<Vec<u16>>>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            for n in 0.. {
                if *stop.borrow() {
                    return;
                }
                let title = format!("Schreiber {w} Nr. {n}");
                let sent = client
                    .post(format!("{url}{}", api::HOTSPOTS))
                    .header(model::access::CSRF_HEADER, &csrf)
                    .json(&hotspot(&title))
                    .send()
                    .await;
                match sent {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        statuses.lock().unwrap().push(status);
                        if status == 201
                            && let Ok(body) = r.json::<Value>().await
                        {
                            acked
                                .lock()
                                .unwrap()
                                .push((body["id"].as_i64().unwrap(), title));
                        }
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        })
    }

    async fn wait_for(what: &str, mut done: impl FnMut() -> bool, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every acknowledged hotspot is there, read through `url`.
    async fn all_there(client: &reqwest::Client, url: &str, acked: &[(i64, String)]) {
        for (id, title) in acked {
            let r = client
                .get(format!("{url}{}/{id}", api::HOTSPOTS))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "acknowledged hotspot {id} is lost");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["title"], title.as_str());
        }
    }

    #[tokio::test]
    async fn two_servers_behind_nginx_lose_nothing_when_one_is_killed() {
        let (_cluster, db) = database();
        add_planner_to(Store::Postgres(&db)).await;
        let proxy = ["--trusted-proxy", "127.0.0.1"];
        let (one, one_url) = spawn_on(Store::Postgres(&db), &proxy).await;
        let (two, two_url) = spawn_on(Store::Postgres(&db), &proxy).await;
        let upstream = |u: &str| u.trim_start_matches("http://").to_owned();
        let nginx = Nginx::start(&[upstream(&one_url), upstream(&two_url)]).await;
        let url = nginx.url.clone();
        let mut servers = vec![(one, upstream(&one_url)), (two, upstream(&two_url))];

        let (client, csrf) = signed_in(&url).await;
        let heard: Arc<Mutex<Heard>> = Arc::default();
        follow(client.clone(), url.clone(), Arc::clone(&heard));
        wait_for(
            "the event stream never connected",
            || !heard.lock().unwrap().upstreams.is_empty(),
            Duration::from_secs(10),
        )
        .await;
        let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
        let statuses: Arc<Mutex<Vec<u16>>> = Arc::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let writers: Vec<_> = (0..4)
            .map(|w| {
                writer(
                    client.clone(),
                    csrf.clone(),
                    url.clone(),
                    w,
                    Arc::clone(&acked),
                    Arc::clone(&statuses),
                    stopped.clone(),
                )
            })
            .collect();
        wait_for(
            "fewer than 50 writes acknowledged in a minute",
            || acked.lock().unwrap().len() >= 50,
            Duration::from_secs(60),
        )
        .await;
        // The server the event stream is on is killed.
        let streaming = heard.lock().unwrap().upstreams[0].clone();
        let i = servers
            .iter()
            .position(|(_, u)| *u == streaming)
            .expect("the stream reached one of the two servers");
        let (mut killed, _) = servers.remove(i);
        killed.start_kill().unwrap(); // SIGKILL
        killed.wait().await.unwrap();
        let at_kill = acked.lock().unwrap().len();
        wait_for(
            "the surviving server acknowledged no more writes",
            || acked.lock().unwrap().len() >= at_kill + 50,
            Duration::from_secs(60),
        )
        .await;
        stop.send(true).unwrap();
        for w in writers {
            w.await.unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        all_there(&client, &url, &acked).await;
        // The stream reconnected through the balancer (to the survivor) and missed nothing:
        // every acknowledged write's event arrived, each once.
        let event_of = |id: &i64| format!("\"id\":{id},");
        wait_for(
            "an acknowledged write's event never reached the stream",
            || {
                let h = heard.lock().unwrap();
                acked
                    .iter()
                    .all(|(id, _)| h.data.iter().any(|d| d.contains(&event_of(id))))
            },
            Duration::from_secs(10),
        )
        .await;
        let h = heard.lock().unwrap();
        assert!(h.upstreams.len() >= 2, "the stream reconnected");
        assert_eq!(h.upstreams.last(), Some(&servers[0].1), "to the survivor");
        for (id, _) in &acked {
            let n = h.data.iter().filter(|d| d.contains(&event_of(id))).count();
            assert_eq!(n, 1, "the event of {id} arrived {n} times");
        }
        // A write to the killed server may fail (nginx does not resend a POST it had sent);
        // nothing else did.
        let statuses: BTreeSet<u16> = statuses.lock().unwrap().iter().copied().collect();
        assert!(
            statuses.iter().all(|s| [201, 502].contains(s)),
            "{statuses:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgresql_stopped_and_started_under_load_loses_nothing() {
        let (cluster, db) = database();
        add_planner_to(Store::Postgres(&db)).await;
        let (_server, url) = spawn_on(Store::Postgres(&db), &[]).await;
        let (client, csrf) = signed_in(&url).await;
        let acked: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
        let statuses: Arc<Mutex<Vec<u16>>> = Arc::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut tasks: Vec<_> = (0..2)
            .map(|w| {
                writer(
                    client.clone(),
                    csrf.clone(),
                    url.clone(),
                    w,
                    Arc::clone(&acked),
                    Arc::clone(&statuses),
                    stopped.clone(),
                )
            })
            .collect();
        // Readers of a layer and of the health check.
        for path in [api::HOTSPOTS, "/api/health"] {
            let (client, url, statuses, stop) = (
                client.clone(),
                url.clone(),
                Arc::clone(&statuses),
                stopped.clone(),
            );
            tasks.push(tokio::spawn(async move {
                while !*stop.borrow() {
                    if let Ok(r) = client.get(format!("{url}{path}")).send().await {
                        let status = r.status().as_u16();
                        if status == 503 {
                            assert!(r.headers().contains_key("retry-after"), "{path}");
                            let body: Value = r.json().await.unwrap();
                            assert_eq!(body["error"]["code"], "database_unavailable");
                        }
                        statuses.lock().unwrap().push(status);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }));
        }
        wait_for(
            "no writes acknowledged before the outage",
            || acked.lock().unwrap().len() >= 20,
            Duration::from_secs(60),
        )
        .await;
        // PostgreSQL goes away (its connections ended) for six seconds: a request waits at most
        // `server::db::CHECKOUT_TIMEOUT` (3 s) for a connection, then is answered 503.
        tokio::task::block_in_place(|| cluster.stop().unwrap());
        let from = statuses.lock().unwrap().len();
        tokio::time::sleep(Duration::from_secs(6)).await;
        let during: BTreeSet<u16> = statuses.lock().unwrap()[from..].iter().copied().collect();
        tokio::task::block_in_place(|| cluster.start_again().unwrap());
        let at_restart = acked.lock().unwrap().len();
        // Recovered without restarting the server.
        wait_for(
            "writes were not acknowledged again within 30 s of PostgreSQL's return",
            || acked.lock().unwrap().len() >= at_restart + 20,
            Duration::from_secs(30),
        )
        .await;
        stop.send(true).unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        assert!(
            during.contains(&503),
            "the outage was answered 503: {during:?}"
        );
        let statuses: BTreeSet<u16> = statuses.lock().unwrap().iter().copied().collect();
        assert!(
            statuses.iter().all(|s| [200, 201, 503].contains(s)),
            "no 5xx but 503: {statuses:?}"
        );
        let acked = acked.lock().unwrap().clone();
        all_there(&client, &url, &acked).await;
    }

    /// The issue-3 concurrency test across two servers: twelve planners, half on each server,
    /// each adds five notes to one hotspot with `If-Match`, retrying on 412; none is lost.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_planners_on_two_servers_lose_no_update() {
        use model::{Hotspot, Stored};
        let (_cluster, db) = database();
        add_planner_to(Store::Postgres(&db)).await;
        let (_one, one_url) = spawn_on(Store::Postgres(&db), &[]).await;
        let (_two, two_url) = spawn_on(Store::Postgres(&db), &[]).await;
        let (client, csrf) = signed_in(&one_url).await;
        let created: Value = client
            .post(format!("{one_url}{}", api::HOTSPOTS))
            .header(model::access::CSRF_HEADER, &csrf)
            .json(&hotspot("Gemeinsam bearbeitet"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["id"].as_i64().unwrap();
        let (planners, edits) = (12, 5);
        let mut tasks = Vec::new();
        for p in 0..planners {
            // The session is shared: the same cookie works on both servers.
            let base = if p % 2 == 0 { &one_url } else { &two_url };
            let url = format!("{base}{}/{id}", api::HOTSPOTS);
            let (client, csrf) = (client.clone(), csrf.clone());
            tasks.push(tokio::spawn(async move {
                for e in 0..edits {
                    loop {
                        let r = client.get(&url).send().await.unwrap();
                        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
                        let mut current: Stored<Hotspot> = r.json().await.unwrap();
                        current.item.note.push_str(&format!("[{p}.{e}]"));
                        let w = client
                            .put(&url)
                            .header("if-match", etag)
                            .header(model::access::CSRF_HEADER, &csrf)
                            .json(&current.item)
                            .send()
                            .await
                            .unwrap();
                        match w.status().as_u16() {
                            200 => break,
                            412 => continue,
                            other => panic!("unexpected {other}"),
                        }
                    }
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let last: Stored<Hotspot> = client
            .get(format!("{two_url}{}/{id}", api::HOTSPOTS))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(last.version, 1 + planners * edits);
        for p in 0..planners {
            for e in 0..edits {
                assert!(
                    last.item.note.contains(&format!("[{p}.{e}]")),
                    "lost edit {p}.{e}"
                );
            }
        }
    }
}
