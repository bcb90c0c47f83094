//! Incident reports in bulk, against the real server binary (release):
//!
//! 1. `server incidents import` of 1,000,000 CSV rows as a partner's system exports them
//!    (semicolons, German times over the last two years, half the places in EPSG:25832 with
//!    decimal commas, half in WGS84): rows per second and the process's peak memory
//!    (`/usr/bin/time`).
//! 2. The server on that database: the whole city's density for the last 28 days at zoom 13
//!    (cells of ~600 m), first (the kept layer of 1,000,000 incidents read from the database)
//!    and then with a new window each request (counted anew, nothing cached): time to the
//!    whole answer, its size, and the server's resident memory with the layer kept.
//!
//! Run with `cargo bench -p server --bench incidents`. Prints Markdown tables.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use std::{
    io::Write,
    process::Stdio,
    time::{Duration, Instant},
};

use model::{AgencyKey, access::Role};
use support::{percentile, status_kib};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

const ROWS: u64 = 1_000_000;
const PASSWORD: &str = "ein langes Benchmark-Passwort";
const CATEGORIES: [&str; 8] = [
    "Sachbeschädigung",
    "Lärm",
    "Diebstahl",
    "Ordnungsstörung",
    "Vermüllung",
    "Betäubungsmittel",
    "Gewalt",
    "Einbruch",
];

/// The rows, spread over Hamm's centre and districts and over the last 730 days.
fn write_csv(path: &std::path::Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "\u{feff}Vorgang;Kategorie;Zeit;Anzahl;Rechtswert;Hochwert"
    )
    .unwrap();
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let now = jiff::Timestamp::now();
    for i in 0..ROWS {
        let t = model::schedule::local(
            now - jiff::SignedDuration::from_mins(next(730 * 24 * 60) as i64),
        );
        // The city's inner 10 km × 8 km, in EPSG:25832 (Hamm Hbf is 417,564 / 5,725,943).
        let (e, n) = (
            412_500.0 + next(10_000) as f64 + next(100) as f64 / 100.0,
            5_722_000.0 + next(8_000) as f64 + next(100) as f64 / 100.0,
        );
        let place = if i % 2 == 0 {
            format!(
                "{};{}",
                format!("{e:.2}").replace('.', ","),
                format!("{n:.2}").replace('.', ",")
            )
        } else {
            // Roughly the same area in WGS84 (good enough for a spread of points).
            let lon = 7.7347 + (e - 412_500.0) / 69_000.0;
            let lat = 51.6363 + (n - 5_722_000.0) / 111_200.0;
            format!("{lon:.6};{lat:.6}")
        };
        writeln!(
            out,
            "Q-{i};{};{:02}.{:02}.{} {:02}:{:02};{};{place}",
            CATEGORIES[next(CATEGORIES.len() as u64) as usize],
            t.day(),
            t.month(),
            t.year(),
            t.hour(),
            t.minute(),
            1 + next(3),
        )
        .unwrap();
    }
}

fn sign_in_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().map(str::to_owned))
        .expect("a session cookie")
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("meldungen.csv");
    let data = dir.path().join("data");
    write_csv(&csv);
    let size_mb = std::fs::metadata(&csv).unwrap().len() as f64 / 1e6;

    // 1. The import, timed by /usr/bin/time: wall seconds and peak resident KiB.
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(env!("CARGO_BIN_EXE_server"))
        .args(["incidents", "import"])
        .arg(&csv)
        .args(["--agency", "polizei", "--data-dir"])
        .arg(&data)
        .output()
        .expect("the import runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let mut fields = last.split_whitespace();
    let seconds: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap();
    let peak_kib: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap();
    println!("| import | value | target |");
    println!("|---|---:|---:|");
    println!("| rows (CSV, {size_mb:.0} MB) | {ROWS} | 1,000,000 |");
    let said = String::from_utf8_lossy(&out.stdout);
    println!(
        "| what the command said | {} | |",
        said.lines().last().unwrap_or_default().trim()
    );
    println!("| time, s | {seconds:.1} | |");
    println!(
        "| rows per second | {:.0} | ≥ 50,000 |",
        ROWS as f64 / seconds
    );
    println!("| peak memory, MiB | {:.0} | < 300 |", peak_kib / 1024.0);
    println!();

    // 2. The server on that database, one planner of the police.
    {
        let db = server::db::Database::open(&data).unwrap();
        db.call(|c| {
            let police = AgencyKey::parse("polizei").unwrap();
            server::accounts::add(c, "pol-plan", Role::Planner, &police, Some(PASSWORD))
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
        .arg(&data)
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
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({"login": "pol-plan", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = sign_in_cookie(&response);
    let rss_before = status_kib(pid, "VmRSS") as f64 / 1024.0;

    let density = |end: jiff::Timestamp| {
        let (client, base, cookie) = (client.clone(), base.clone(), cookie.clone());
        async move {
            let from = end - jiff::SignedDuration::from_hours(28 * 24);
            let url = format!(
                "{base}/api/incidents/density?west=7.65&south=51.57&east=8.05&north=51.76&zoom=13&from={from}&to={end}"
            );
            let start = Instant::now();
            let r = client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let body = r.bytes().await.unwrap();
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            (
                start.elapsed(),
                body.len(),
                v["cells"].as_array().map_or(0, Vec::len),
                v["total"].as_u64().unwrap_or(0),
            )
        }
    };
    let now = model::schedule::to_the_minute(jiff::Timestamp::now());
    let (first, bytes, cells, total) = density(now).await;
    let rss_kept = status_kib(pid, "VmRSS") as f64 / 1024.0;
    let mut times = Vec::new();
    for k in 1..=9 {
        let (t, ..) = density(now - jiff::SignedDuration::from_mins(k)).await;
        times.push(t);
    }
    times.sort();
    println!("| density: whole city, 28 days, zoom 13 | value | target |");
    println!("|---|---:|---:|");
    println!("| incidents counted (their counts summed) | {total} | |");
    println!("| cells | {cells} | |");
    println!(
        "| answer size, KB (JSON, uncompressed) | {:.0} | < 200 |",
        bytes as f64 / 1000.0
    );
    println!(
        "| first answer (reads the kept layer of 1,000,000), ms | {:.0} | |",
        first.as_secs_f64() * 1000.0
    );
    println!(
        "| a new window each request (median of 9), ms | {:.1} | < 100 |",
        percentile(&times, 0.5).as_secs_f64() * 1000.0
    );
    println!(
        "| server memory before / with the layer kept, MiB | {rss_before:.0} / {rss_kept:.0} | |"
    );
}
