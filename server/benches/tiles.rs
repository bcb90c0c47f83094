//! Base-map tiles (issue 21) served by the server from MBTiles and PMTiles against nginx serving
//! the very same tiles as files, in one run: tiles per second and p50/p99 with `wrk` at 16
//! connections, each request a tile picked at random from 341 (zooms 12–16 over Hamm, 8–24 KB
//! each), medians of `LOAD_RUNS` (default 3) runs of `LOAD_SECONDS` (default 4).
//!
//! Run with `cargo bench -p server --bench tiles` (needs `wrk` and `nginx`:
//! `script/bootstrap --bench`). Prints a Markdown table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

mod support;

use std::{ffi::OsString, path::Path};

use support::{
    nginx::Nginx,
    session::{add_account, sign_in},
    wrk::{Run, median, wrk},
};

/// Tiles: place (zoom, column, row from the north) and bytes.
type Tiles = Vec<((u8, u32, u32), Vec<u8>)>;

/// The tiles: zooms 12–16 over Hamm's centre (a 1×1 block at 12 growing to 16×16 at 16 and
/// around), each with its own bytes.
fn tiles() -> Tiles {
    let mut out = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for z in 12u8..=16 {
        let scale = 1u32 << (z - 12);
        let (x0, y0) = (2136 * scale, 1364 * scale);
        for x in x0..x0 + scale {
            for y in y0..y0 + scale {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let size = 8_000 + (seed % 16_000) as usize;
                let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
                bytes.extend((0..size).map(|i| (seed >> (i % 56)) as u8));
                out.push(((z, x, y), bytes));
            }
        }
    }
    out
}

fn write_mbtiles(path: &Path, tiles: &Tiles) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,
                             tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
         INSERT INTO metadata VALUES ('format', 'png'), ('minzoom', '12'), ('maxzoom', '16');",
    )
    .unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    for ((z, x, y), data) in tiles {
        let row = (1i64 << z) - 1 - i64::from(*y);
        tx.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![z, x, row, data],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

fn write_pmtiles(path: &Path, tiles: &Tiles) {
    let mut writer = pmtiles::PmTilesWriter::new(pmtiles::TileType::Png)
        .min_zoom(12)
        .max_zoom(16)
        .create(std::fs::File::create(path).unwrap())
        .unwrap();
    for ((z, x, y), data) in tiles {
        writer
            .add_tile(pmtiles::TileCoord::new(*z, *x, *y).unwrap(), data)
            .unwrap();
    }
    writer.finalize().unwrap();
}

/// A `wrk` script asking for a random tile of `paths` each request.
fn random_tiles(paths: &[String]) -> String {
    let list: String = paths.iter().map(|p| format!("\"{p}\",")).collect();
    format!(
        "local paths = {{{list}}}\nmath.randomseed(42)\nfunction request()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n"
    )
}

/// nginx serving `root` as files on a free port.
async fn nginx(dir: &Path, root: &Path) -> Nginx {
    Nginx::start(dir, 0, |port| {
        format!(
            "sendfile on; tcp_nopush on; keepalive_requests 10000000; types {{ image/png png; }}
             server {{ listen 127.0.0.1:{port}; root {}; etag on; }}",
            root.display()
        )
    })
    .await
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let tiles = tiles();
    let (mb, pm) = (
        dir.path().join("plan.mbtiles"),
        dir.path().join("plan.pmtiles"),
    );
    write_mbtiles(&mb, &tiles);
    write_pmtiles(&pm, &tiles);
    let root = dir.path().join("files");
    for ((z, x, y), data) in &tiles {
        let folder = root.join(format!("{z}/{x}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("{y}.png")), data).unwrap();
    }
    let data = dir.path().join("data");
    let place: Vec<OsString> = vec!["--data-dir".into(), data.clone().into_os_string()];
    add_account(&place).await;
    let mut args = place.clone();
    args.extend([
        "--empty".into(),
        "--basemap".into(),
        format!("mb={},pm={}", mb.display(), pm.display()).into(),
    ]);
    let (_server, base) = support::server::spawn(&args).await;
    let session = sign_in(&base).await;
    let files_server = nginx(dir.path(), &root).await;
    let files = files_server.base.clone();

    let script = |prefix: &str, suffix: &str| {
        let paths: Vec<String> = tiles
            .iter()
            .map(|((z, x, y), _)| format!("{prefix}/{z}/{x}/{y}{suffix}"))
            .collect();
        let path = dir.path().join(format!("{}.lua", prefix.replace('/', "_")));
        std::fs::write(&path, random_tiles(&paths)).unwrap();
        path
    };
    let (mb_script, pm_script, files_script) = (
        script("/tiles/mb", ""),
        script("/tiles/pm", ""),
        script("", ".png"),
    );
    let cookie = vec![format!("Cookie: {}", session.cookie)];
    let (mut from_mb, mut from_pm, mut from_files) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        from_mb.push(wrk(&base, 16, &cookie, Some(&mb_script)).await);
        from_pm.push(wrk(&base, 16, &cookie, Some(&pm_script)).await);
        from_files.push(wrk(&files, 16, &[], Some(&files_script)).await);
    }
    let m = |runs: &[Run]| Run {
        rps: median(runs.iter().map(|r| r.rps).collect()),
        p50: median(runs.iter().map(|r| r.p50).collect()),
        p99: median(runs.iter().map(|r| r.p99).collect()),
    };
    let baseline = m(&from_files);
    println!("| tiles from | tiles/s | ratio to nginx | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for (label, r) in [
        ("the server, MBTiles", m(&from_mb)),
        ("the server, PMTiles", m(&from_pm)),
        ("nginx, the same tiles as files (baseline)", baseline),
    ] {
        println!(
            "| {label} | {:.0} | {:.2} | {:.2} | {:.2} |",
            r.rps,
            r.rps / baseline.rps,
            r.p50,
            r.p99
        );
    }
    println!(
        "\n{} tiles of 8–24 KB, each request one at random; medians of {runs} `wrk -t2 -c16 --latency` runs, the server (signed in) and nginx alternating on this machine's cores.",
        tiles.len()
    );
}
