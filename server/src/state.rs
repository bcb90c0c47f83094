//! What every handler can reach.

use std::sync::{Arc, RwLock};

use model::{District, MapConfig, event::ChangeEvent};
use tokio::sync::{broadcast, watch};

use crate::db::Database;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub map_config: Arc<MapConfig>,
    /// The city outline Feature, serialised once at start.
    pub outline: Arc<String>,
    /// The districts, for validation; replaced when boundaries are imported.
    pub districts: Arc<RwLock<Arc<Vec<District>>>>,
    /// Committed changes, for Server-Sent Events.
    pub events: broadcast::Sender<ChangeEvent>,
    /// Becomes `true` when the server shuts down, so endless responses (SSE) end and the
    /// graceful shutdown can finish.
    pub shutdown: watch::Sender<bool>,
}

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
            db,
            map_config: Arc::new(map_config),
            outline: Arc::new(outline),
            districts: Arc::new(RwLock::new(Arc::new(districts))),
            events: broadcast::channel(EVENT_BUFFER).0,
            shutdown: watch::channel(false).0,
        }
    }

    pub fn districts(&self) -> Arc<Vec<District>> {
        Arc::clone(&self.districts.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Tells connected screens about a committed change.
    pub fn publish(&self, event: ChangeEvent) {
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
    }
}
