//! Base maps the server carries itself (`--basemap NAME=FILE`), for control rooms without the
//! internet: **MBTiles** (an SQLite file of raster or vector tiles, rows in TMS order) and
//! **PMTiles** v3 (one file with a directory of tiles, read through the `pmtiles` crate from a
//! memory map). Their tiles are served at `/tiles/{name}/{z}/{x}/{y}` (see
//! [`crate::handlers::tiles`]) and described in `/api/config`.

use std::{
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use bytes::Bytes;
use model::config::{
    Basemap, Bounds, LatLng, TILE_SERVER_NAME, TileFormat, WMS_NAME, check_basemap_name,
};

#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("--basemap {0}")]
    Spec(String),
    #[error("base map {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("base map {name}: {reason}")]
    Read { name: String, reason: String },
}

/// One tile as stored, and how it is encoded.
pub struct Tile {
    pub bytes: Bytes,
    pub format: TileFormat,
    /// `gzip` where the file stores the tile compressed (vector tiles usually are).
    pub encoding: Option<&'static str>,
    /// Its ETag: the file's version and the tile's place (a file is not changed while it is
    /// served; a new one comes with a restart). Hashing each tile's bytes instead cost a third
    /// of the PMTiles throughput: 17,800 against 25,600 tiles/s (`cargo bench -p server
    /// --bench tiles`).
    pub etag: String,
}

/// Read-only connections to one MBTiles file: tiles are read on the blocking pool, a few at once.
struct MbTiles {
    connections: Vec<Mutex<rusqlite::Connection>>,
    next: AtomicUsize,
}

/// Connections kept to each MBTiles file (one per core here, and two more).
const MBTILES_CONNECTIONS: usize = 4;

enum Source {
    MbTiles(std::sync::Arc<MbTiles>),
    PmTiles {
        reader: Box<pmtiles::AsyncPmTilesReader<pmtiles::MmapBackend>>,
        encoding: Option<&'static str>,
    },
}

struct Entry {
    info: Basemap,
    source: Source,
    /// The file's size and modification time, for ETags.
    version: String,
}

/// A file's version: its size and modification time, in hex.
fn version_of(path: &Path) -> Result<String, BasemapError> {
    let meta = std::fs::metadata(path).map_err(|e| file_error(path, e))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{:x}-{modified:x}", meta.len()))
}

/// The configured base maps, in the order given.
#[derive(Default)]
pub struct Basemaps {
    entries: Vec<Entry>,
}

/// `NAME=FILE`, or `FILE` (named after the file, lowercased).
pub fn parse_spec(spec: &str) -> Result<(String, PathBuf), BasemapError> {
    let (name, path) = match spec.split_once('=') {
        Some((name, path)) => (name.to_owned(), PathBuf::from(path)),
        None => {
            let path = PathBuf::from(spec);
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            (stem, path)
        }
    };
    check_basemap_name(&name).map_err(BasemapError::Spec)?;
    if [WMS_NAME, TILE_SERVER_NAME].contains(&name.as_str()) {
        return Err(BasemapError::Spec(format!(
            "base map name '{name}' is the switch's name for --wms-url or --tile-url: choose another"
        )));
    }
    Ok((name, path))
}

/// A file's attribution as text: Leaflet shows attributions as HTML, and a downloaded file's
/// metadata is not the operator's to vouch for (a link elsewhere, a `<meta>` refresh). At most
/// 300 characters.
fn attribution_text(raw: &str) -> String {
    raw.chars()
        .take(300)
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn file_error(path: &Path, reason: impl std::fmt::Display) -> BasemapError {
    BasemapError::File {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

/// Bounds from west, south, east, north.
fn bounds(w: f64, s: f64, e: f64, n: f64) -> Option<Bounds> {
    let ok = (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && s < n;
    ok.then_some(Bounds {
        south_west: LatLng { lat: s, lng: w },
        north_east: LatLng { lat: n, lng: e },
    })
}

fn template(name: &str) -> String {
    format!("/tiles/{name}/{{z}}/{{x}}/{{y}}")
}

/// Opens an MBTiles file and reads its metadata (format, zooms, bounds, attribution).
fn open_mbtiles(name: &str, path: &Path) -> Result<Entry, BasemapError> {
    use rusqlite::OpenFlags;
    if !path.is_file() {
        return Err(file_error(path, "no such file"));
    }
    let open = || {
        rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| file_error(path, e))
    };
    let first = open()?;
    let meta: std::collections::HashMap<String, String> = first
        .prepare("SELECT name, value FROM metadata")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()
        })
        .map_err(|e| file_error(path, format!("not an MBTiles file ({e})")))?;
    let format = meta
        .get("format")
        .and_then(|f| TileFormat::from_mbtiles(f))
        .ok_or_else(|| {
            file_error(
                path,
                "its metadata names no tile format (png, jpg, webp or pbf)",
            )
        })?;
    let zoom = |key: &str, sql: &str| -> Result<u8, BasemapError> {
        match meta.get(key).and_then(|v| v.trim().parse().ok()) {
            Some(z) => Ok(z),
            None => first
                .query_row(sql, [], |r| r.get::<_, Option<u8>>(0))
                .map_err(|e| file_error(path, e))?
                .ok_or_else(|| file_error(path, "it holds no tiles")),
        }
    };
    let min_zoom = zoom("minzoom", "SELECT min(zoom_level) FROM tiles")?;
    let max_zoom = zoom("maxzoom", "SELECT max(zoom_level) FROM tiles")?;
    let bounds = meta.get("bounds").and_then(|b| {
        let v: Vec<f64> = b.split(',').filter_map(|p| p.trim().parse().ok()).collect();
        match v[..] {
            [w, s, e, n] => bounds(w, s, e, n),
            _ => None,
        }
    });
    let mut connections = vec![Mutex::new(first)];
    for _ in 1..MBTILES_CONNECTIONS {
        connections.push(Mutex::new(open()?));
    }
    Ok(Entry {
        info: Basemap {
            name: name.to_owned(),
            format,
            min_zoom,
            max_zoom,
            bounds,
            attribution: meta.get("attribution").map(|a| attribution_text(a)),
            tiles: template(name),
        },
        source: Source::MbTiles(std::sync::Arc::new(MbTiles {
            connections,
            next: AtomicUsize::new(0),
        })),
        version: version_of(path)?,
    })
}

/// Opens a PMTiles v3 file and reads its header and metadata.
async fn open_pmtiles(name: &str, path: &Path) -> Result<Entry, BasemapError> {
    use pmtiles::{Compression, TileType};
    if !path.is_file() {
        return Err(file_error(path, "no such file"));
    }
    let reader = pmtiles::AsyncPmTilesReader::new_with_path(path)
        .await
        .map_err(|e| file_error(path, format!("not a PMTiles v3 file ({e})")))?;
    let header = reader.get_header();
    let format = match header.tile_type {
        TileType::Png => TileFormat::Png,
        TileType::Jpeg => TileFormat::Jpeg,
        TileType::Webp => TileFormat::Webp,
        TileType::Mvt => TileFormat::Mvt,
        other => return Err(file_error(path, format!("tiles of type {other:?}"))),
    };
    let encoding = match header.tile_compression {
        Compression::None | Compression::Unknown => None,
        Compression::Gzip => Some("gzip"),
        other => {
            return Err(file_error(
                path,
                format!("tiles compressed as {other:?} (only gzip or none)"),
            ));
        }
    };
    let (min_zoom, max_zoom) = (header.min_zoom, header.max_zoom);
    let bounds = bounds(
        header.min_longitude,
        header.min_latitude,
        header.max_longitude,
        header.max_latitude,
    );
    let attribution = reader
        .get_metadata()
        .await
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m["attribution"].as_str().map(attribution_text));
    Ok(Entry {
        info: Basemap {
            name: name.to_owned(),
            format,
            min_zoom,
            max_zoom,
            bounds,
            attribution,
            tiles: template(name),
        },
        source: Source::PmTiles {
            reader: Box::new(reader),
            encoding,
        },
        version: version_of(path)?,
    })
}

impl Basemaps {
    /// Opens every `NAME=FILE` of `specs` (`.pmtiles` as PMTiles, anything else as MBTiles).
    pub async fn open(specs: &[String]) -> Result<Basemaps, BasemapError> {
        let mut entries: Vec<Entry> = Vec::new();
        for spec in specs {
            let (name, path) = parse_spec(spec)?;
            if entries.iter().any(|e| e.info.name == name) {
                return Err(BasemapError::Spec(format!("two base maps named '{name}'")));
            }
            let pmtiles = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pmtiles"));
            let entry = if pmtiles {
                open_pmtiles(&name, &path).await?
            } else {
                let p = path.clone();
                tokio::task::spawn_blocking(move || open_mbtiles(&name, &p))
                    .await
                    .map_err(|e| file_error(&path, e))??
            };
            entries.push(entry);
        }
        Ok(Basemaps { entries })
    }

    /// What `/api/config` says of them.
    pub fn infos(&self) -> Vec<Basemap> {
        self.entries.iter().map(|e| e.info.clone()).collect()
    }

    /// The base map `name`, if configured.
    pub fn info(&self, name: &str) -> Option<&Basemap> {
        self.entries
            .iter()
            .find(|e| e.info.name == name)
            .map(|e| &e.info)
    }

    /// Tile `z`/`x`/`y` (XYZ, y down) of base map `name`: `None` where it has none.
    pub async fn tile(
        &self,
        name: &str,
        z: u8,
        x: u32,
        y: u32,
    ) -> Result<Option<Tile>, BasemapError> {
        let Some(entry) = self.entries.iter().find(|e| e.info.name == name) else {
            return Ok(None);
        };
        let format = entry.info.format;
        let etag = format!("\"{}-{z}-{x}-{y}\"", entry.version);
        let read = |e: &dyn std::fmt::Display| BasemapError::Read {
            name: name.to_owned(),
            reason: e.to_string(),
        };
        match &entry.source {
            Source::MbTiles(mb) => {
                let mb = std::sync::Arc::clone(mb);
                // MBTiles rows count from the south (TMS).
                let row = (1u64 << z) - 1 - u64::from(y);
                let data: Option<Vec<u8>> = tokio::task::spawn_blocking(move || {
                    let i = mb.next.fetch_add(1, Ordering::Relaxed) % mb.connections.len();
                    let conn = mb.connections[i].lock().unwrap_or_else(|p| p.into_inner());
                    let mut stmt = conn.prepare_cached(
                        "SELECT tile_data FROM tiles
                         WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                    )?;
                    let mut rows = stmt.query(rusqlite::params![z, x, row as i64])?;
                    rows.next()?.map(|r| r.get(0)).transpose()
                })
                .await
                .map_err(|e| read(&e))?
                .map_err(|e: rusqlite::Error| read(&e))?;
                Ok(data.map(|d| {
                    // Vector tiles in MBTiles are usually stored gzipped, and say so only by
                    // their first bytes.
                    let encoding = d.starts_with(&[0x1f, 0x8b]).then_some("gzip");
                    Tile {
                        bytes: Bytes::from(d),
                        format,
                        encoding,
                        etag,
                    }
                }))
            }
            Source::PmTiles { reader, encoding } => {
                let coord = pmtiles::TileCoord::new(z, x, y).map_err(|e| read(&e))?;
                let data = reader.get_tile(coord).await.map_err(|e| read(&e))?;
                Ok(data.map(|bytes| Tile {
                    bytes,
                    format,
                    encoding: *encoding,
                    etag,
                }))
            }
        }
    }
}
