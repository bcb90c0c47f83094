//! What every handler can reach.

use std::sync::Arc;

use model::MapConfig;

use crate::db::Database;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub map_config: Arc<MapConfig>,
    /// The city outline Feature, serialised once at start.
    pub outline: Arc<String>,
}
