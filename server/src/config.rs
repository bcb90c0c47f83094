//! Server configuration: every option is a command-line flag and an environment variable.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "server",
    version,
    about = "Lagebild Hamm: the dashboard's API and web server"
)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "LAGEBILD_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Directory for the SQLite database file; created if missing (unused with
    /// `--database-url`).
    #[arg(long, env = "LAGEBILD_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// A PostgreSQL database (`postgres://user:password@host:port/name`) instead of the SQLite
    /// file: several servers may share it (see README, "Running several servers").
    #[arg(long, env = "LAGEBILD_DATABASE_URL")]
    pub database_url: Option<String>,

    /// A CA certificate (PEM) to trust for PostgreSQL's TLS besides the system's. A database
    /// on another machine is reached over TLS only, unless its URL says `sslmode=disable`.
    #[arg(long, env = "LAGEBILD_DATABASE_CA")]
    pub database_ca: Option<PathBuf>,

    /// Directory with the built app (`trunk build --release` writes `dist/`).
    #[arg(long, env = "LAGEBILD_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Optional base-map tile URL template, e.g. `https://tiles.example/{z}/{x}/{y}.png`.
    /// Without it the map shows no base map and contacts nothing but this server.
    #[arg(long, env = "LAGEBILD_TILE_URL")]
    pub tile_url: Option<String>,

    /// A base map the server carries itself: `NAME=FILE` (or just `FILE`), an MBTiles file
    /// (raster or vector tiles) or a PMTiles v3 file (`.pmtiles`); repeat the flag, or separate
    /// with commas. Served at `/tiles/NAME/{z}/{x}/{y}` and listed in `/api/config`.
    #[arg(long = "basemap", env = "LAGEBILD_BASEMAP", value_delimiter = ',')]
    pub basemaps: Vec<String>,

    /// An intranet map service (OGC WMS 1.3.0) to offer as a base map, e.g.
    /// `https://geo.intranet/wms/stadtplan`; asked for tiles in EPSG:3857. The page may load
    /// images from its origin and no other.
    #[arg(long, env = "LAGEBILD_WMS_URL", requires = "wms_layers")]
    pub wms_url: Option<String>,

    /// The map service's layers, comma-separated (`--wms-url`).
    #[arg(long, env = "LAGEBILD_WMS_LAYERS")]
    pub wms_layers: Option<String>,

    /// The image format asked of the map service: image/png or image/jpeg.
    #[arg(long, env = "LAGEBILD_WMS_FORMAT", default_value = "image/png")]
    pub wms_format: String,

    /// Attribution for the map service (shown on the map).
    #[arg(long, env = "LAGEBILD_WMS_ATTRIBUTION")]
    pub wms_attribution: Option<String>,

    /// Attribution for the tile server (shown on the map when `--tile-url` is set).
    #[arg(long, env = "LAGEBILD_TILE_ATTRIBUTION")]
    pub tile_attribution: Option<String>,

    /// TLS certificate chain (PEM). With `--tls-key`, the server speaks HTTPS only: session
    /// cookies become `__Host-` and `Secure`, and HSTS is sent.
    #[arg(long, env = "LAGEBILD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// TLS private key (PEM) for `--tls-cert`.
    #[arg(long, env = "LAGEBILD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// District counts below this are shown as "< N" on wall displays and in exports.
    #[arg(long, env = "LAGEBILD_SMALL_COUNT", default_value_t = crate::state::DEFAULT_SMALL_COUNT)]
    pub small_count: u32,

    /// On first start, do not load the demo data ("Beispieldaten"): start with an empty picture.
    #[arg(long, env = "LAGEBILD_EMPTY")]
    pub empty: bool,

    /// A reverse proxy in front of the server (IP address; repeat the flag, or separate with
    /// commas). Only from these peers is `X-Forwarded-For` believed, so sign-in limits per
    /// address count the real client, not the proxy.
    #[arg(
        long = "trusted-proxy",
        env = "LAGEBILD_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Most memory (MiB) the layer cache keeps for finished answers, all encodings counted.
    #[arg(long, env = "LAGEBILD_LAYER_CACHE_MB", default_value_t = crate::state::DEFAULT_LAYER_CACHE_MB)]
    pub layer_cache_mb: usize,

    /// Incident reports that began longer ago than this many days are deleted (daily, and at
    /// start); each run is in the audit trail. 0 keeps them for ever.
    #[arg(long, env = "LAGEBILD_INCIDENT_RETENTION_DAYS", default_value_t = crate::retention::DEFAULT_RETENTION_DAYS)]
    pub incident_retention_days: u32,
}

impl Config {
    /// Where the data lives: PostgreSQL if a URL is given, else the SQLite file.
    pub fn storage(&self) -> crate::db::Storage {
        match &self.database_url {
            Some(url) => crate::db::Storage::Postgres(crate::db::Postgres {
                url: url.clone(),
                ca: self.database_ca.clone(),
            }),
            None => crate::db::Storage::Sqlite(self.data_dir.clone()),
        }
    }

    /// A configuration for tests: a free port on loopback and the given directories.
    pub fn for_tests(data_dir: PathBuf, dist_dir: PathBuf) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: None,
            database_ca: None,
            basemaps: vec![],
            dist_dir,
            tile_url: None,
            tile_attribution: None,
            wms_url: None,
            wms_layers: None,
            wms_format: "image/png".into(),
            wms_attribution: None,
            tls_cert: None,
            tls_key: None,
            small_count: crate::state::DEFAULT_SMALL_COUNT,
            empty: true,
            trusted_proxies: vec![],
            layer_cache_mb: crate::state::DEFAULT_LAYER_CACHE_MB,
            incident_retention_days: crate::retention::DEFAULT_RETENTION_DAYS,
        }
    }
}
