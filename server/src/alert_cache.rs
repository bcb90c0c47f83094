//! Each agency's alerts as last computed ([`crate::alerts::current`] fills and reads it).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use jiff::Timestamp;
use model::{AgencyKey, alert::AlertList};

/// When an agency's alerts were computed: the incidents' and hotspots' generations and the
/// end of the recent week.
pub type Stamp = (u64, u64, Timestamp);

/// Each agency's alerts as last computed.
#[derive(Default)]
pub struct AlertCache {
    latest: Mutex<HashMap<AgencyKey, (Stamp, Arc<AlertList>)>>,
    /// One scan at a time: the requests that find the cache outdated wait for the first's
    /// scan instead of each scanning (every open screen refetches after a change).
    pub scanning: tokio::sync::Mutex<()>,
}

impl AlertCache {
    pub fn latest(&self) -> MutexGuard<'_, HashMap<AgencyKey, (Stamp, Arc<AlertList>)>> {
        self.latest.lock().unwrap_or_else(|p| p.into_inner())
    }
}
