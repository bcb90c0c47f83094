//! Load benchmarks against the real server binary (release), on loopback:
//! 1. layer endpoints: requests per second and p50/p99 latency at 16 and 64 connections;
//! 2. live updates: 1,000 SSE clients; time from a write's acknowledgement until the last
//!    client has its event (p50/p99 over repeated writes), and the server's resident memory.
//!
//! Run with `cargo bench -p server --bench load` (needs `ulimit -n` of at least 4096 for the
//! 1,000 SSE connections; `script/bench-api` sets it). Prints a Markdown table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::{
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
    sync::Barrier,
};

const RUN: Duration = Duration::from_secs(5);
const SSE_CLIENTS: usize = 1000;
const WRITES: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// The session every benchmark request carries: its `Cookie` header and CSRF token.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// Signs in as the benchmark's planner.
async fn sign_in(base: &str) -> Session {
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

fn client(session: &Session, pool: usize) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, session.cookie.parse().unwrap());
    headers.insert("x-csrf-token", session.csrf.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .pool_max_idle_per_host(pool)
        .build()
        .unwrap()
}

const PASSWORD: &str = "ein langes Benchmark-Passwort";

async fn load(session: &Session, url: &str, connections: usize) -> (f64, Duration, Duration) {
    let client = client(session, connections);
    let deadline = Instant::now() + RUN;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client.get(&url).send().await.unwrap();
                assert!(r.status().is_success(), "{url}: {}", r.status());
                r.bytes().await.unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    (
        all.len() as f64 / RUN.as_secs_f64(),
        percentile(&all, 0.5),
        percentile(&all, 0.99),
    )
}

async fn sse_fan_out(
    session: &Session,
    base: &str,
    pid: u32,
) -> (Duration, Duration, Duration, u64, u64) {
    let rss_before = rss_kib(pid);
    let client = client(session, SSE_CLIENTS);
    let ready = Arc::new(Barrier::new(SSE_CLIENTS + 1));
    let mut clients = Vec::new();
    for _ in 0..SSE_CLIENTS {
        let (client, url, ready) = (
            client.clone(),
            format!("{base}/api/events"),
            Arc::clone(&ready),
        );
        clients.push(tokio::spawn(async move {
            let mut r = client.get(url).send().await.unwrap();
            ready.wait().await;
            let mut arrivals = Vec::new();
            let mut buffer = String::new();
            while arrivals.len() < WRITES {
                match tokio::time::timeout(Duration::from_secs(30), r.chunk()).await {
                    Ok(Ok(Some(chunk))) => {
                        buffer.push_str(&String::from_utf8_lossy(&chunk));
                        while let Some(i) = buffer.find("event: change") {
                            arrivals.push(Instant::now());
                            buffer.drain(..i + 13);
                        }
                    }
                    _ => break,
                }
            }
            arrivals
        }));
    }
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = rss_kib(pid);
    let body = serde_json::json!({
        "title": "Lasttest", "kind": "other", "start": "2027-01-04T10:00:00Z", "end": "2027-01-04T11:00:00Z",
        "district": "mitte", "lead_agency": "polizei", "status": "planned"
    });
    let mut acks = Vec::new();
    for _ in 0..WRITES {
        let r = client
            .post(format!("{base}/api/actions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        acks.push(Instant::now());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut per_write_last = vec![Duration::ZERO; WRITES];
    let mut all = Vec::new();
    for c in clients {
        let arrivals = c.await.unwrap();
        assert_eq!(arrivals.len(), WRITES, "a client missed events");
        for (i, at) in arrivals.into_iter().enumerate() {
            let d = at.saturating_duration_since(acks[i]);
            all.push(d);
            per_write_last[i] = per_write_last[i].max(d);
        }
    }
    all.sort();
    per_write_last.sort();
    (
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        *per_write_last.last().unwrap(),
        rss_before,
        rss_connected,
    )
}

/// Adds the benchmark's planner with the real `server user add`.
async fn add_account(data: &std::path::Path) {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "user",
            "add",
            "bench-plan",
            "--role",
            "planner",
            "--agency",
            "polizei",
        ])
        .arg("--password-stdin")
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
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

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    add_account(data.path()).await;
    let mut server = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--dist-dir",
            "no-dist",
            "--data-dir",
        ])
        .arg(data.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("server starts");
    let pid = server.id().unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("server prints its URL");
        if let Some(url) = line.strip_prefix("Lagebild Hamm is running at ") {
            break url.to_owned();
        }
    };

    let session = sign_in(&base).await;
    println!("| endpoint | connections | requests/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for path in [
        "/api/districts",
        "/api/hotspots",
        "/api/routes",
        "/api/actions",
        "/api/actions?district=mitte&status=planned",
        "/api/actions?from=2026-01-01T00:00:00Z&to=2027-12-31T00:00:00Z",
        "/api/summary",
    ] {
        for connections in [16, 64] {
            let (rps, p50, p99) = load(&session, &format!("{base}{path}"), connections).await;
            println!(
                "| `{path}` | {connections} | {rps:.0} | {} | {} |",
                ms(p50),
                ms(p99)
            );
        }
    }
    let (p50, p99, last, rss0, rss1) = sse_fan_out(&session, &base, pid).await;
    println!();
    println!("| SSE fan-out | value |");
    println!("|---|---:|");
    println!("| clients | {SSE_CLIENTS} |");
    println!("| writes | {WRITES} |");
    println!("| ack → event, p50 over all deliveries | {} ms |", ms(p50));
    println!("| ack → event, p99 over all deliveries | {} ms |", ms(p99));
    println!("| ack → last client, worst write | {} ms |", ms(last));
    println!(
        "| server RSS before / with {SSE_CLIENTS} clients | {:.1} / {:.1} MiB |",
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0
    );
    let _ = server.start_kill();
}
