//! What every handler can reach.

use std::sync::{Arc, RwLock};

use model::{District, MapConfig};
use tokio::sync::{broadcast, watch};

use crate::{
    db::Database, layer_cache::LayerCache, rate_limit::LoginLimiter, sessions::SessionCache,
    store::Published,
};

/// What every request handler gets. Cloned for every request (by each middleware and
/// extractor that takes it), so everything shared sits behind one `Arc`: a clone is one
/// reference count, not one per field (the load profile showed the per-field clones and drops).
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    /// Served over TLS: cookies are `__Host-` and `Secure`, and HSTS is sent.
    pub tls: bool,
    /// District counts below this are shown as "< n" on wall displays and in exports.
    pub small_count: u32,
    /// How long an API request (but the event stream) may take, reading its body included.
    pub request_timeout: std::time::Duration,
}

/// The state all requests share.
pub struct Shared {
    pub db: Database,
    pub map_config: Arc<MapConfig>,
    /// The city outline Feature, serialised once at start.
    pub outline: Arc<String>,
    /// The districts, for validation; replaced when boundaries are imported.
    pub districts: Arc<RwLock<Arc<Vec<District>>>>,
    /// Finished layer answers until the next committed change.
    pub layers: Arc<LayerCache>,
    /// Committed changes, for Server-Sent Events.
    pub events: broadcast::Sender<Published>,
    /// Raised whenever sessions end (logout, disabled account), so open event streams check
    /// theirs at once.
    pub sessions_ended: watch::Sender<u64>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Recently resolved sessions (see [`SessionCache`]).
    pub session_cache: Arc<SessionCache>,
    /// Becomes `true` when the server shuts down, so endless responses (SSE) end and the
    /// graceful shutdown can finish.
    pub shutdown: watch::Sender<bool>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// District counts below this are shown as "< 5" by default.
pub const DEFAULT_SMALL_COUNT: u32 = 5;

/// How many events a slow SSE client may fall behind before it re-reads the log.
pub const EVENT_BUFFER: usize = 1024;

impl AppState {
    pub fn new(
        db: Database,
        map_config: MapConfig,
        outline: String,
        districts: Vec<District>,
    ) -> Self {
        AppState {
            shared: Arc::new(Shared {
                db,
                map_config: Arc::new(map_config),
                outline: Arc::new(outline),
                districts: Arc::new(RwLock::new(Arc::new(districts))),
                layers: Arc::default(),
                events: broadcast::channel(EVENT_BUFFER).0,
                sessions_ended: watch::channel(0).0,
                login_limiter: Arc::default(),
                session_cache: Arc::default(),
                shutdown: watch::channel(false).0,
            }),
            tls: false,
            small_count: DEFAULT_SMALL_COUNT,
            request_timeout: crate::routes::REQUEST_TIMEOUT,
        }
    }

    pub fn districts(&self) -> Arc<Vec<District>> {
        Arc::clone(&self.districts.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Tells connected screens about a committed change (and retires the cached layers).
    pub fn publish(&self, event: Published) {
        match event.event.kind.parse::<model::ItemKind>() {
            Ok(kind) => self.layers.layer_changed(kind),
            // An import of districts (it may move items to other districts).
            Err(_) => self.layers.changed(),
        }
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
    }
}

impl AppState {
    /// Some sessions have ended: forget the cached ones and tell open event streams.
    pub fn sessions_ended(&self) {
        self.session_cache.clear();
        self.sessions_ended.send_modify(|n| *n += 1);
    }
}
