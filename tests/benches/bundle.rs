//! Bundle size (issue 6): the built app's files in `dist/` — raw, gzip (level 9) and brotli
//! (quality 11, as a precompressing server would store them) — with the app's total beside
//! the target of 200 KB brotli. Leaflet and Leaflet-Geoman (copied from npm) are listed apart.
//!
//! Run with `cargo bench -p tests --bench bundle` after `trunk build --release`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot run should stop loudly

use std::{io::Write, path::Path};

const TARGET_BROTLI: usize = 200 * 1000;

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).unwrap();
    out.len()
}

fn kb(n: usize) -> String {
    format!("{:.1}", n as f64 / 1000.0)
}

/// Files below `dir` (relative names), sorted.
fn files(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            files(&e.path(), &format!("{name}/"), out);
        } else if name.ends_with(".br") || name.ends_with(".gz") {
            // The precompressed copies are what the columns below measure.
        } else {
            out.push((name, std::fs::read(e.path()).unwrap()));
        }
    }
}

fn main() {
    let dist = tests::dist_dir();
    assert!(
        dist.join("index.html").is_file(),
        "no built app in {}",
        dist.display()
    );
    let mut all = Vec::new();
    files(&dist, "", &mut all);
    println!("| file | raw KB | gzip KB | brotli KB |");
    println!("|---|---:|---:|---:|");
    let (mut app, mut third_party) = ([0usize; 3], [0usize; 3]);
    for (name, bytes) in &all {
        let sizes = [bytes.len(), gzip(bytes), brotli(bytes)];
        let bucket = if name.starts_with("leaflet/") || name.starts_with("geoman/") {
            &mut third_party
        } else {
            &mut app
        };
        for (total, s) in bucket.iter_mut().zip(sizes) {
            *total += s;
        }
        if bytes.len() >= 1000 {
            println!(
                "| `{name}` | {} | {} | {} |",
                kb(sizes[0]),
                kb(sizes[1]),
                kb(sizes[2])
            );
        }
    }
    println!(
        "| **the app** (all but `leaflet/`, `geoman/`) | **{}** | **{}** | **{}** |",
        kb(app[0]),
        kb(app[1]),
        kb(app[2])
    );
    println!(
        "| Leaflet and Geoman (npm) | {} | {} | {} |",
        kb(third_party[0]),
        kb(third_party[1]),
        kb(third_party[2])
    );
    let verdict = if app[2] <= TARGET_BROTLI {
        "met"
    } else {
        "missed"
    };
    println!(
        "\nTarget: the app at most {} KB brotli — {verdict} ({} KB).",
        kb(TARGET_BROTLI),
        kb(app[2])
    );
}
