//! Several servers on PostgreSQL against one server on SQLite, with the release binary on
//! loopback, all in one run (so the ratios compare like with like):
//! 1. layer answers per second and p99 with `wrk` at 16 connections — `/api/hotspots` (a kept
//!    answer) and a new filter each request (nothing cached) — from one server on SQLite (the
//!    baseline), one on PostgreSQL, and two on PostgreSQL behind nginx;
//! 2. writes per second: 8 clients creating actions for `LOAD_SECONDS`, on each of the three;
//! 3. a write through server A until each of 1,000 event-stream clients on server B has it
//!    (p50 and p99 over all deliveries of 20 writes, and the worst write's last client).
//!
//! PostgreSQL is a throwaway cluster of its own (Debian's `postgresql-15`, durable: fsync and
//! `synchronous_commit` on, as in production). Needs `wrk` and `nginx` (`script/bootstrap
//! --bench`) and `ulimit -n` of at least 4096 (`script/bench` sets it). Run with
//! `cargo bench -p server --features pg-cluster --bench servers`. Prints Markdown tables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use std::{
    ffi::OsString,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use support::{
    fan_out::{SSE_CLIENTS, WRITES, fan_out},
    nginx::Nginx,
    session::{Session, add_account, client, sign_in},
    wrk::{NEW_QUERY_EACH_TIME, Run, median, wrk},
};
use tokio::process::Child;

fn runs() -> usize {
    std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

fn seconds() -> u64 {
    std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

/// The server binary on `place` (with the demo data), behind a proxy on loopback.
async fn spawn_server(place: &[OsString]) -> (Child, String) {
    let mut args = place.to_vec();
    args.extend(["--trusted-proxy".into(), "127.0.0.1".into()]);
    support::server::spawn(&args).await
}

/// nginx balancing `upstreams` (as README, "Running several servers"), on a free port.
async fn behind_nginx(upstreams: &[&str]) -> Nginx {
    let servers: String = upstreams
        .iter()
        .map(|u| {
            format!(
                "server {} max_fails=1 fail_timeout=30s;\n",
                u.trim_start_matches("http://")
            )
        })
        .collect();
    Nginx::start_temp(0, |port| {
        format!(
            "upstream lagebild {{ {servers} keepalive 64; }}
             server {{ listen 127.0.0.1:{port};
               location / {{ proxy_pass http://lagebild; proxy_http_version 1.1;
                 proxy_set_header Connection \"\"; proxy_set_header Host $host;
                 proxy_set_header X-Forwarded-For $remote_addr; proxy_buffering off;
                 proxy_read_timeout 1h; proxy_next_upstream error timeout http_502; }} }}"
        )
    })
    .await
}

/// Layer answers per second and p99 at 16 connections through `base`: a kept answer, and a
/// new filter each request.
async fn layer_runs(session: &Session, base: &str, script: &std::path::Path) -> (Run, Run) {
    let headers = vec![
        format!("Cookie: {}", session.cookie),
        "Accept-Encoding: gzip".to_owned(),
    ];
    let (mut kept, mut fresh) = (Vec::new(), Vec::new());
    for _ in 0..runs() {
        kept.push(wrk(&format!("{base}/api/hotspots"), 16, &headers, None).await);
        fresh.push(wrk(base, 16, &headers, Some(script)).await);
    }
    let m = |runs: &[Run]| Run {
        rps: median(runs.iter().map(|r| r.rps).collect()),
        p50: median(runs.iter().map(|r| r.p50).collect()),
        p99: median(runs.iter().map(|r| r.p99).collect()),
    };
    (m(&kept), m(&fresh))
}

/// Actions created per second by 8 clients through `base` for `LOAD_SECONDS`.
async fn writes_per_second(session: &Session, base: &str) -> f64 {
    let client = client(session, 8);
    let done = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(seconds());
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (client, base, done) = (client.clone(), base.to_owned(), Arc::clone(&done));
            tokio::spawn(async move {
                let body = serde_json::json!({
                    "title": "Lasttest", "kind": "other", "start": "2027-01-04T10:00:00Z",
                    "end": "2027-01-04T11:00:00Z", "district": "mitte", "lead_agency": "polizei",
                    "status": "planned"
                });
                while Instant::now() < until {
                    let r = client
                        .post(format!("{base}/api/actions"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 201);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let cluster = server::pg_cluster::Cluster::start().expect("PostgreSQL 15 cluster");
    let script_dir = tempfile::tempdir().unwrap();
    let script = script_dir.path().join("new-query-each-time.lua");
    std::fs::write(&script, NEW_QUERY_EACH_TIME).unwrap();

    // The baseline: one server on SQLite.
    let data = tempfile::tempdir().unwrap();
    let sqlite: Vec<OsString> = vec!["--data-dir".into(), data.path().into()];
    add_account(&sqlite).await;
    let (sqlite_server, sqlite_base) = spawn_server(&sqlite).await;
    let session = sign_in(&sqlite_base).await;
    let sqlite_layers = layer_runs(&session, &sqlite_base, &script).await;
    let sqlite_writes = writes_per_second(&session, &sqlite_base).await;
    drop(sqlite_server);

    // PostgreSQL: one server, the same behind nginx, two behind nginx (all reads before any
    // of the writes below, so every setup reads the same picture).
    cluster.psql("CREATE DATABASE lagebild").unwrap();
    let pg: Vec<OsString> = vec!["--database-url".into(), cluster.url("lagebild").into()];
    add_account(&pg).await;
    let (_one, one_base) = spawn_server(&pg).await;
    let session = sign_in(&one_base).await;
    let one_layers = layer_runs(&session, &one_base, &script).await;
    let (two, two_base) = spawn_server(&pg).await;
    let two_pid = two.id().unwrap();
    // The fan-out first on server B, while its caches are empty.
    let mut fan_outs = Vec::new();
    for _ in 0..runs() {
        // Written through server A, streamed from server B.
        fan_outs.push(fan_out(&session, &one_base, &two_base, two_pid).await);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let proxied = behind_nginx(&[&one_base]).await;
    let proxied_layers = layer_runs(&session, &proxied.base, &script).await;
    drop(proxied);
    let balancer = behind_nginx(&[&one_base, &two_base]).await;
    let two_layers = layer_runs(&session, &balancer.base, &script).await;
    let one_writes = writes_per_second(&session, &one_base).await;
    let proxied = behind_nginx(&[&one_base]).await;
    let proxied_writes = writes_per_second(&session, &proxied.base).await;
    drop(proxied);
    let two_writes = writes_per_second(&session, &balancer.base).await;

    let runs = runs();
    println!(
        "| setup | `/api/hotspots` (kept) req/s | ratio | p99 ms | new filter each request req/s | ratio | p99 ms | writes/s | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (label, (kept, fresh), writes) in [
        (
            "one server, SQLite (baseline)",
            sqlite_layers,
            sqlite_writes,
        ),
        ("one server, PostgreSQL", one_layers, one_writes),
        (
            "one server, PostgreSQL, behind nginx",
            proxied_layers,
            proxied_writes,
        ),
        (
            "two servers, PostgreSQL, behind nginx",
            two_layers,
            two_writes,
        ),
    ] {
        println!(
            "| {label} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} |",
            kept.rps,
            kept.rps / sqlite_layers.0.rps,
            kept.p99,
            fresh.rps,
            fresh.rps / sqlite_layers.1.rps,
            fresh.p99,
            writes,
            writes / sqlite_writes,
        );
    }
    let med = |f: fn(&(Duration, Duration, Duration, u64, u64)) -> Duration| {
        median(
            fan_outs
                .iter()
                .map(|r| f(r).as_secs_f64() * 1000.0)
                .collect(),
        )
    };
    println!();
    println!(
        "| write through server A → {SSE_CLIENTS} event-stream clients on server B ({runs} runs of {WRITES} writes) | ms |"
    );
    println!("|---|---:|");
    println!(
        "| p50 over all deliveries (median of runs) | {:.1} |",
        med(|r| r.0)
    );
    println!(
        "| p99 over all deliveries (median of runs) | {:.1} |",
        med(|r| r.1)
    );
    println!(
        "| worst write's last client (median of runs) | {:.1} |",
        med(|r| r.2)
    );
    println!(
        "\nServer B's memory for {SSE_CLIENTS} open streams: {:.1} MiB more than before they connected (largest of runs).",
        fan_outs
            .iter()
            .map(|r| r.4.saturating_sub(r.3))
            .max()
            .unwrap_or(0) as f64
            / 1024.0
    );
    println!(
        "\nMedians of {runs} `wrk -t2 -c16 --latency` runs of {} s per cell; writes: 8 clients \
         for {} s. Everything (wrk, nginx, the servers, PostgreSQL) shares this machine's cores.",
        seconds(),
        seconds()
    );
}
