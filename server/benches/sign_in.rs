//! Signing in under concurrent load, against the real server binary (release) on loopback:
//! `C` clients at once, each signing in `ROUNDS` times with its own account and the right
//! password, for C = 4, 16, 64, 256: sign-ins per second, p50/p99 latency, how many were
//! answered `503` (too busy: try again), and the server's peak resident memory (each password
//! check holds 19 MiB while it runs). Then 40 wrong passwords at once for one account: how many
//! were checked (`401`) and how many refused before any work (`429`).
//!
//! The clients come as through a reverse proxy (`LAGEBILD_TRUSTED_PROXY=127.0.0.1`, each with
//! its own `X-Forwarded-For`), so each counts as its own address; a server that knows no
//! trusted proxy ignores both.
//!
//! Run with `cargo bench -p server --bench sign_in`. Prints Markdown tables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use support::{percentile, status_kib};

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use model::{AgencyKey, access::Role};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

const PASSWORD: &str = "ein langes Benchmark-Passwort";
const ACCOUNTS: usize = 256;
const ROUNDS: usize = 2;

async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    (login, address): (&str, &str),
    password: &str,
) -> (u16, Duration) {
    let start = Instant::now();
    let status = client
        .post(format!("{base}/api/session"))
        .header("x-forwarded-for", address)
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (status, start.elapsed())
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    // The accounts, straight into the database before the server starts.
    {
        let db = server::db::Database::open(data.path()).unwrap();
        server::seed::agencies(&db).await.unwrap();
        db.call(|c| {
            let police = AgencyKey::parse("polizei").unwrap();
            for i in 0..ACCOUNTS {
                server::accounts::add(
                    c,
                    &format!("konto-{i}"),
                    Role::Planner,
                    &police,
                    Some(PASSWORD),
                )?;
            }
            Ok::<_, server::accounts::AccountError>(())
        })
        .await
        .unwrap();
    }
    let mut server = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--dist-dir",
            "no-dist",
            "--empty",
            "--data-dir",
        ])
        .arg(data.path())
        .env("RUST_LOG", "error")
        .env("LAGEBILD_TRUSTED_PROXY", "127.0.0.1")
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
    // Keep reading what the server logs (each 503 is an error line), or its writes would block
    // once the pipe is full.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(ACCOUNTS)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let idle = status_kib(pid, "VmHWM") as f64 / 1024.0;

    println!("Right passwords, each client its own account, {ROUNDS} sign-ins per client.");
    println!();
    println!(
        "| clients at once | sign-ins | per second | p50 ms | p99 ms | 200 | 503 | other | peak memory MiB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!("| (idle) | | | | | | | | {idle:.0} |");
    for clients in [4, 16, 64, 256] {
        let start = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|i| {
                let (client, base) = (client.clone(), base.clone());
                tokio::spawn(async move {
                    let mut out = Vec::new();
                    for _ in 0..ROUNDS {
                        let (login, address) = (format!("konto-{i}"), format!("198.51.100.{i}"));
                        out.push(sign_in(&client, &base, (&login, &address), PASSWORD).await);
                    }
                    out
                })
            })
            .collect();
        let mut results = Vec::new();
        for t in tasks {
            results.extend(t.await.unwrap());
        }
        let elapsed = start.elapsed().as_secs_f64();
        let mut times: Vec<Duration> = results.iter().map(|(_, t)| *t).collect();
        times.sort();
        let count = |s: u16| results.iter().filter(|(x, _)| *x == s).count();
        let ok = count(200);
        let busy = count(503);
        println!(
            "| {clients} | {} | {:.0} | {:.0} | {:.0} | {ok} | {busy} | {} | {:.0} |",
            results.len(),
            ok as f64 / elapsed,
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0,
            results.len() - ok - busy,
            (status_kib(pid, "VmHWM") as f64 / 1024.0)
        );
    }

    // Forty wrong passwords for one account, all at once.
    let start = Instant::now();
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move {
                sign_in(
                    &client,
                    &base,
                    ("konto-0", "198.51.100.0"),
                    "ein falsches Passwort",
                )
                .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().0);
    }
    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    println!();
    println!("| 40 wrong passwords for one account at once | value |");
    println!("|---|---:|");
    println!("| checked (401) | {} |", count(401));
    println!("| refused before any work (429) | {} |", count(429));
    println!("| other | {} |", 40 - count(401) - count(429));
    println!(
        "| time until all were answered, ms | {:.0} |",
        start.elapsed().as_secs_f64() * 1000.0
    );
}
