//! What every handler can reach.

use std::{
    net::IpAddr,
    sync::{Arc, RwLock},
};

use model::{District, MapConfig, event::Subject};
use tokio::sync::{Semaphore, broadcast, watch};

use crate::{
    db::{Database, DbError},
    error::AppError,
    layer_cache::LayerCache,
    passwords::Passwords,
    rate_limit::LoginLimiter,
    sessions::SessionCache,
    sql::{Backend, Tx},
    store::Published,
};

/// What a committed write changed besides its rows, to be made known once it is committed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Change events, for the event stream and the layers they retire.
    pub events: Vec<Published>,
    /// New district boundaries.
    pub districts: Option<Vec<District>>,
    /// The agencies changed (layer queries check `agency=` against them).
    pub agencies: bool,
    /// Sessions ended (an account was disabled).
    pub sessions_ended: bool,
}

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
    /// Each layer's items, as read at its current generation.
    pub kept: crate::kept::Kept,
    /// Committed changes, for Server-Sent Events.
    pub events: broadcast::Sender<Published>,
    /// Raised whenever sessions end (logout, disabled account), so open event streams check
    /// theirs at once.
    pub sessions_ended: watch::Sender<u64>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Recently resolved sessions (see [`SessionCache`]).
    pub session_cache: Arc<SessionCache>,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Password hashes computed and checked, a few at a time on threads of their own.
    pub passwords: Passwords,
    /// Analyses (coverage, conflicts, summaries) computed at once, off the async workers.
    pub analyses: Arc<Semaphore>,
    /// The base maps this server carries (`--basemap`).
    pub basemaps: crate::basemap::Basemaps,
    /// The imported address list, as the place search last loaded it.
    pub addresses: crate::addresses::AddressBook,
    /// Each agency's alerts as last computed.
    pub alert_cache: crate::alert_cache::AlertCache,
    /// Reports made at once (one: see `handlers::report`).
    pub reports: Semaphore,
    /// The number of the last change event this server published (PostgreSQL: see
    /// [`crate::change_feed`]); held while publishing, so events go out once and in order.
    pub published: std::sync::Mutex<i64>,
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

/// How long one API request may take, reading its body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// District counts below this are shown as "< 5" by default.
pub const DEFAULT_SMALL_COUNT: u32 = 5;

/// Most events read from the log per round trip while catching up.
const CATCH_UP_PAGE: i64 = 1000;

/// How many events a slow SSE client may fall behind before it re-reads the log.
pub const EVENT_BUFFER: usize = 1024;

/// What the command line sets besides storage and listening.
pub struct Options {
    pub trusted_proxies: Vec<IpAddr>,
    /// Most bytes the layer cache keeps (answers in every encoding it made).
    pub layer_cache_bytes: usize,
    /// The base maps (opened).
    pub basemaps: crate::basemap::Basemaps,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trusted_proxies: vec![],
            layer_cache_bytes: DEFAULT_LAYER_CACHE_MB << 20,
            basemaps: crate::basemap::Basemaps::default(),
        }
    }
}

/// The layer cache's default size, in MiB.
pub const DEFAULT_LAYER_CACHE_MB: usize = 256;

/// Analyses computed at once (one per core here).
pub const ANALYSES_AT_ONCE: usize = 2;

impl AppState {
    pub fn new(
        db: Database,
        map_config: MapConfig,
        outline: String,
        districts: Vec<District>,
        options: Options,
    ) -> Self {
        // Several servers on PostgreSQL count sign-in attempts together.
        let login_limiter = Arc::new(match db.backend() {
            Backend::Sqlite => LoginLimiter::default(),
            Backend::Postgres => LoginLimiter::shared(db.clone()),
        });
        AppState {
            shared: Arc::new(Shared {
                db,
                map_config: Arc::new(map_config),
                outline: Arc::new(outline),
                districts: Arc::new(RwLock::new(Arc::new(districts))),
                layers: Arc::new(LayerCache::new(options.layer_cache_bytes)),
                kept: crate::kept::Kept::default(),
                events: broadcast::channel(EVENT_BUFFER).0,
                sessions_ended: watch::channel(0).0,
                login_limiter,
                session_cache: Arc::default(),
                trusted_proxies: options.trusted_proxies,
                passwords: Passwords::default(),
                analyses: Arc::new(Semaphore::new(ANALYSES_AT_ONCE)),
                alert_cache: crate::alert_cache::AlertCache::default(),
                basemaps: options.basemaps,
                addresses: crate::addresses::AddressBook::default(),
                reports: Semaphore::new(1),
                published: std::sync::Mutex::new(0),
                shutdown: watch::channel(false).0,
            }),
            tls: false,
            small_count: DEFAULT_SMALL_COUNT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }

    pub fn districts(&self) -> Arc<Vec<District>> {
        Arc::clone(&self.districts.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Runs `write` in one transaction on the blocking pool, commits it, and makes known what
    /// it changed — in the same blocking task, so a write that committed is always published
    /// (its events sent, the answers it outdates retired, ended sessions closed), even when
    /// its request was cancelled meanwhile: a timeout, or a client that went away. Writes that
    /// append to the change log are one at a time (across all servers on PostgreSQL).
    pub async fn commit<T, F>(&self, write: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Tx, &mut Changes) -> Result<T, AppError> + Send + 'static,
    {
        self.write_in(crate::sql::Mode::Write, write).await
    }

    /// [`AppState::commit`] for a write that appends **no change event** (sessions, sign-in
    /// failures, accounts, audit entries alone): it does not wait for the writers' lock, so a
    /// long import elsewhere does not hold up signing in.
    pub async fn record<T, F>(&self, write: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Tx, &mut Changes) -> Result<T, AppError> + Send + 'static,
    {
        self.write_in(crate::sql::Mode::Plain, write).await
    }

    async fn write_in<T, F>(&self, mode: crate::sql::Mode, write: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Tx, &mut Changes) -> Result<T, AppError> + Send + 'static,
    {
        let state = self.clone();
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut changes = Changes::default();
            let value = db.blocking(mode, |tx| {
                let value = write(tx, &mut changes)?;
                changes.announce(tx)?;
                Ok::<_, AppError>(value)
            })?;
            state.committed(changes);
            Ok(value)
        })
        .await
        .map_err(|e| AppError::Db(DbError::Task(e.to_string())))?
    }

    /// Makes a committed write known here (on a blocking thread). On PostgreSQL its events
    /// are published by catching up with the change log, in order with other servers' (see
    /// [`crate::change_feed`]); should that read fail, the listener catches up later.
    fn committed(&self, changes: Changes) {
        if let Some(districts) = changes.districts {
            self.set_districts(districts);
        }
        if changes.agencies {
            self.layers.changed();
        }
        match self.db.backend() {
            Backend::Sqlite => {
                for event in changes.events {
                    self.publish(event);
                }
            }
            Backend::Postgres if changes.events.is_empty() => {}
            Backend::Postgres => {
                if let Err(e) = self.catch_up() {
                    tracing::warn!(error = %e, "committed, but not yet published here");
                }
            }
        }
        if changes.sessions_ended {
            self.sessions_ended();
        }
    }

    /// Publishes the change events committed after the last one this server published, in
    /// their order (PostgreSQL; on a blocking thread: it reads the database). A write's own
    /// events take this way too, so events are published once and in order whichever server
    /// wrote them (see [`crate::change_feed`]).
    pub fn catch_up(&self) -> Result<usize, DbError> {
        let mut published = self.published.lock().unwrap_or_else(|p| p.into_inner());
        let mut count = 0;
        loop {
            let after = *published;
            let page = self
                .db
                .blocking(crate::sql::Mode::Plain, |tx| {
                    crate::store::events_after(tx, after, CATCH_UP_PAGE)
                })
                .map_err(|e| match e {
                    crate::store::StoreError::Db(db) => db,
                    other => DbError::Corrupt(other.to_string()),
                })?;
            let full = page.len() as i64 == CATCH_UP_PAGE;
            for event in page {
                *published = event.event.seq;
                self.publish(event);
                count += 1;
            }
            if !full {
                return Ok(count);
            }
        }
    }

    /// New district boundaries: validation uses them, and every answer is out of date.
    pub fn set_districts(&self, districts: Vec<District>) {
        *self.districts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(districts);
        self.layers.changed();
    }

    /// Tells connected screens about a committed change (and retires the cached layers).
    pub fn publish(&self, event: Published) {
        match event.event.subject() {
            Subject::Layer(kind) => self.layers.layer_changed(kind),
            Subject::Alert => {}
            // An import of districts (it may move items to other districts).
            Subject::Shared => self.layers.changed(),
        }
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
    }
}

impl Changes {
    /// Announces to the other servers what is not in the change log (on PostgreSQL, in the
    /// write's transaction).
    fn announce(&self, tx: &Tx) -> Result<(), DbError> {
        use crate::announcement::{StateChange, announce};
        if self.districts.is_some() {
            announce(tx, StateChange::Districts)?;
        }
        if self.agencies {
            announce(tx, StateChange::Agencies)?;
        }
        if self.sessions_ended {
            announce(tx, StateChange::Sessions)?;
        }
        Ok(())
    }
}

impl AppState {
    /// Runs `work` (an analysis) on the blocking pool once one of [`ANALYSES_AT_ONCE`] places
    /// is free, so a few large computations cannot hold up the workers that answer requests.
    /// The place goes with the work: a request that goes away does not free it before its
    /// analysis is done.
    pub async fn analyse<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let place = Arc::clone(&self.analyses)
            .acquire_owned()
            .await
            .map_err(|e| AppError::Db(DbError::Task(e.to_string())))?;
        tokio::task::spawn_blocking(move || {
            let _place = place;
            work()
        })
        .await
        .map_err(|e| AppError::Db(DbError::Task(e.to_string())))
    }

    /// Some sessions have ended: forget the cached ones and tell open event streams.
    pub fn sessions_ended(&self) {
        self.session_cache.clear();
        self.sessions_ended.send_modify(|n| *n += 1);
    }
}
