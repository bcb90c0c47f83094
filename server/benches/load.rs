//! Load benchmarks against the real server binary (release), on loopback:
//! 1. layer endpoints: requests per second and p50/p99 latency with `wrk` (Debian) at 16 and 64
//!    connections, beside `nginx` (Debian) serving the very same bytes as static files
//!    (`gzip_static`, as the server sends its layers gzip-encoded to a client that asks for
//!    gzip). Each row is the median of `LOAD_RUNS` runs (default 3) of `LOAD_SECONDS` (default
//!    4), server and nginx alternating, with the ratio of the medians;
//! 2. live updates (run first, on the fresh server): 1,000 SSE clients; time from sending a
//!    write until each client has its event (p50/p99 over repeated writes), and the server's
//!    resident memory.
//!
//! Run with `cargo bench -p server --bench load` (needs `wrk` and `nginx` on PATH —
//! `script/bootstrap --bench` installs them — and `ulimit -n` of at least 4096 for the 1,000
//! SSE connections; `script/bench` sets it). Prints Markdown tables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use support::{
    fan_out::{SSE_CLIENTS, WRITES, fan_out},
    nginx::Nginx,
    session::{Session, add_account, client, sign_in},
    wrk::{NEW_QUERY_EACH_TIME, Run, median, wrk},
};

use std::time::Duration;

/// The layer rows: each path from the server and the same bytes from nginx.
async fn layers(session: &Session, base: &str) {
    let runs: usize = std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let paths = [
        "/api/districts",
        "/api/hotspots",
        "/api/routes",
        "/api/actions",
        "/api/actions?district=mitte&status=planned",
        "/api/actions?from=2026-01-01T00:00:00Z&to=2027-12-31T00:00:00Z",
    ];
    // The same bytes as static files, each with its gzip copy, for nginx.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    let client = client(session, 1);
    for (i, path) in paths.iter().enumerate() {
        let body = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        std::fs::write(root.join(format!("layer-{i}.geojson")), &body).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        std::io::Write::write_all(&mut gz, &body).unwrap();
        std::fs::write(
            root.join(format!("layer-{i}.geojson.gz")),
            gz.finish().unwrap(),
        )
        .unwrap();
    }
    // nginx's workers may run as another user: let them read the files.
    for p in [dir.path(), root.as_path()] {
        std::fs::set_permissions(p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    // Two workers for two cores; keep-alive without limit, sendfile, and the precompressed
    // `.gz` beside each file for clients that accept gzip.
    let nginx = Nginx::start(dir.path(), 2, |port| {
        format!(
            "sendfile on; tcp_nopush on; keepalive_requests 10000000; gzip_static on;
             types {{ application/geo+json geojson; }}
             server {{ listen 127.0.0.1:{port}; root {}; }}",
            root.display()
        )
    })
    .await;
    let server_headers = vec![
        format!("Cookie: {}", session.cookie),
        "Accept-Encoding: gzip".to_owned(),
    ];
    let nginx_headers = vec!["Accept-Encoding: gzip".to_owned()];

    println!(
        "| endpoint | connections | server requests/s | nginx requests/s | ratio | server p50 ms | server p99 ms | nginx p99 ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let new_queries = dir.path().join("new-query-each-time.lua");
    std::fs::write(&new_queries, NEW_QUERY_EACH_TIME).unwrap();
    let rows = paths
        .iter()
        .enumerate()
        .map(|(i, path)| (format!("`{path}`"), format!("{base}{path}"), i, None))
        .chain([(
            "`/api/actions?district=mitte&from=…&to=…`, a new `from` each request (nothing cached)"
                .to_owned(),
            base.to_owned(),
            4,
            Some(new_queries.as_path()),
        )]);
    for (label, url, file, script) in rows {
        for connections in [16, 64] {
            let (mut ours, mut theirs) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                ours.push(wrk(&url, connections, &server_headers, script).await);
                let file = format!("{}/layer-{file}.geojson", nginx.base);
                theirs.push(wrk(&file, connections, &nginx_headers, None).await);
            }
            let m = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
            let (rps, nginx_rps) = (m(&ours, |r| r.rps), m(&theirs, |r| r.rps));
            println!(
                "| {label} | {connections} | {rps:.0} | {nginx_rps:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
                rps / nginx_rps,
                m(&ours, |r| r.p50),
                m(&ours, |r| r.p99),
                m(&theirs, |r| r.p99),
            );
        }
    }
    println!(
        "\nMedians of {runs} `wrk -t2 -cN --latency` runs per row, server and nginx alternating; \
         both answer gzip: the server from its layer cache (one answer per layer, agency and \
         query string, kept until the next change) or, for the last row's ever new queries, \
         filtering its in-memory items and compressing per request; nginx from a `.gz` file \
         beside the same bytes (the last row: the bytes of the `district=mitte` row). Targets: \
         unfiltered ratio ≥ 1.0, filtered ≥ 0.5, p99 < 5 ms at 16 connections."
    );
    drop(nginx);
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    add_account(&["--data-dir".into(), data.path().into()]).await;
    let (mut server, base) =
        support::server::spawn(&["--data-dir".into(), data.path().into()]).await;
    let pid = server.id().unwrap();

    let session = sign_in(&base).await;
    // Live updates first, on the fresh server (the layer runs below fill the layer cache, up to
    // its budget, with answers to ever new queries): the same fan-out several times; medians of
    // the latencies, and the largest memory seen (the target is a ceiling).
    let runs: usize = std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut fan_outs = Vec::new();
    for _ in 0..runs {
        fan_outs.push(fan_out(&session, &base, &base, pid).await);
        // Let the closed streams go before the next run connects its clients.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    layers(&session, &base).await;
    let med = |f: fn(&(Duration, Duration, Duration, u64, u64)) -> Duration| {
        median(
            fan_outs
                .iter()
                .map(|r| f(r).as_secs_f64() * 1000.0)
                .collect(),
        )
    };
    let most = |f: fn(&(Duration, Duration, Duration, u64, u64)) -> u64| {
        fan_outs.iter().map(f).max().unwrap_or(0) as f64 / 1024.0
    };
    println!();
    println!("| SSE fan-out ({runs} runs) | value |");
    println!("|---|---:|");
    println!("| clients | {SSE_CLIENTS} |");
    println!("| writes per run | {WRITES} |");
    println!(
        "| write sent → event, p50 over all deliveries (median of runs) | {:.2} ms |",
        med(|r| r.0)
    );
    println!(
        "| write sent → event, p99 over all deliveries (median of runs) | {:.2} ms |",
        med(|r| r.1)
    );
    println!(
        "| write sent → last client, worst write (median of runs) | {:.2} ms |",
        med(|r| r.2)
    );
    println!(
        "| server RSS before / with {SSE_CLIENTS} clients (largest of runs) | {:.1} / {:.1} MiB |",
        most(|r| r.3),
        most(|r| r.4)
    );
    let _ = server.start_kill();
}
