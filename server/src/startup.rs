//! Building and running the server; `main` and the tests use the same path.

use std::{future::Future, net::SocketAddr, path::Path};

use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use model::{MapConfig, config::validate_tile_url, hamm};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::{
    config::Config,
    db::{Database, DbError},
    handlers,
    security::SecurityHeaders,
    seed,
    state::AppState,
    static_files,
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("--tile-url: {0}")]
    TileUrl(#[from] model::config::TileUrlError),
    #[error("{0}")]
    MapService(#[from] model::config::MapServiceError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error("reference data: {0}")]
    ReferenceData(#[from] hamm::ReferenceDataError),
    #[error(transparent)]
    Basemap(#[from] crate::basemap::BasemapError),
    #[error("TLS certificate or key ({cert}, {key}): {source}")]
    Tls {
        cert: std::path::PathBuf,
        key: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// The certificate and key of `--tls-cert` / `--tls-key`, if given.
async fn tls_config(config: &Config) -> Result<Option<RustlsConfig>, StartupError> {
    let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) else {
        return Ok(None);
    };
    // One process-wide crypto provider (ring); a second install is refused and harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem_file(cert, key)
        .await
        .map(Some)
        .map_err(|source| StartupError::Tls {
            cert: cert.clone(),
            key: key.clone(),
            source,
        })
}

/// The whole HTTP surface: the API and the app's files, every response with the security
/// headers (see [`security`]) and compressed where the client accepts it.
pub fn app(state: AppState, dist_dir: &Path) -> Router {
    let security = SecurityHeaders::new(dist_dir, &state.map_config.image_origins(), state.tls);
    handlers::api(&state)
        .with_state(state)
        .merge(static_files::router(dist_dir).layer(handlers::compression()))
        .layer(security)
        .layer(TraceLayer::new_for_http())
}

/// The map's start view: the city outline's bounds, and the tile server if one is configured.
pub fn map_config(config: &Config) -> Result<MapConfig, StartupError> {
    if let Some(url) = &config.tile_url {
        validate_tile_url(url)?;
    }
    let outline = hamm::outline()?;
    let bounds = model::config::bounds_of(&outline).ok_or_else(|| {
        hamm::ReferenceDataError::Content("the city outline has no positions".into())
    })?;
    Ok(MapConfig {
        center: bounds.center(),
        bounds,
        tile_url: config.tile_url.clone(),
        tile_attribution: config.tile_attribution.clone(),
        data_attribution: hamm::DATA_ATTRIBUTION.to_owned(),
        basemaps: vec![],
        wms: match &config.wms_url {
            Some(url) => Some(model::config::MapService::new(
                url,
                config.wms_layers.as_deref(),
                &config.wms_format,
                config.wms_attribution.as_deref(),
            )?),
            None => None,
        },
    })
}

/// The outline as a clean Feature: its geometry and the attribution it must carry.
pub fn outline_feature() -> Result<String, StartupError> {
    let ring = hamm::outline()?;
    let mut properties = geojson::JsonObject::new();
    properties.insert("name".into(), "Hamm".into());
    properties.insert("attribution".into(), hamm::DATA_ATTRIBUTION.into());
    let feature = geojson::Feature {
        geometry: Some(geojson::Geometry::new_polygon([ring])),
        properties: Some(properties),
        ..Default::default()
    };
    Ok(feature.to_string())
}

/// Opens and migrates the database, loads first-start data, and builds the shared state.
pub async fn state(config: &Config) -> Result<AppState, StartupError> {
    let map_config = map_config(config)?;
    let storage = config.storage();
    let db = tokio::task::spawn_blocking(move || Database::open_storage(&storage))
        .await
        .map_err(|e| crate::db::DbError::Task(e.to_string()))??;
    seed::districts_if_empty(&db).await?;
    seed::agencies(&db).await?;
    let districts = db.call(crate::db::districts).await?;
    if !config.empty {
        seed::demo_if_new(&db, districts.clone()).await?;
    }
    let basemaps = crate::basemap::Basemaps::open(&config.basemaps).await?;
    let mut map_config = map_config;
    map_config.basemaps = basemaps.infos();
    let options = crate::state::Options {
        trusted_proxies: config.trusted_proxies.clone(),
        layer_cache_bytes: config.layer_cache_mb.saturating_mul(1 << 20),
        basemaps,
    };
    let mut state = AppState::new(db, map_config, outline_feature()?, districts, options);
    state.tls = config.tls_cert.is_some();
    state.small_count = config.small_count;
    if let crate::db::Storage::Postgres(target) = config.storage() {
        // Published from here on: what is in the log already is history.
        let last = state
            .db
            .call(crate::store::last_seq)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Db(db) => db,
                other => crate::db::DbError::Corrupt(other.to_string()),
            })?;
        *state.published.lock().unwrap_or_else(|p| p.into_inner()) = last;
        // Nothing is kept until the server listens for other servers' changes.
        state.layers.set_trusted(false);
        crate::change_feed::spawn(state.clone(), target);
    }
    crate::alerts::spawn(state.clone());
    Ok(state)
}

/// A server that is bound and ready to run.
pub struct Application {
    state: AppState,
    tls: Option<RustlsConfig>,
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl Application {
    /// Opens and migrates the database, loads first-start data, and binds the address.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let tls = tls_config(&config).await?;
        let state = state(&config).await?;
        if config.incident_retention_days > 0 {
            crate::retention::spawn(state.clone(), config.incident_retention_days);
        }
        let shutdown = state.shutdown.clone();
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
        Ok(Self {
            tls,
            listener,
            router: app(state.clone(), &config.dist_dir),
            state,
            addr,
            shutdown,
        })
    }

    /// The shared state (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// True while no account exists (the first admin comes from `server user add`).
    pub async fn has_no_accounts(&self) -> bool {
        self.state
            .db
            .call(|c| {
                c.query_one("SELECT count(*) FROM accounts", crate::args![], |r| {
                    r.get::<i64>(0)
                })
            })
            .await
            .is_ok_and(|n| n == 0)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let stopping = self.shutdown;
        // The client's address is what sign-in attempts are limited by.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        if let Some(tls) = self.tls {
            let handle = axum_server::Handle::new();
            let stop = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                stopping.send_replace(true);
                stop.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            return axum_server::from_tcp_rustls(self.listener.into_std()?, tls)?
                .handle(handle)
                .serve(service)
                .await;
        }
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown.await;
                // End the event streams, or the graceful shutdown would wait for them forever.
                stopping.send_replace(true);
            })
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!("cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
