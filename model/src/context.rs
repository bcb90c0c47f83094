//! What validation needs to know about the rest of the picture.

use crate::{AgencyKey, District};

/// The known agencies and districts (and, for links, the ids that exist).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub agencies: &'a [AgencyKey],
    pub districts: &'a [District],
    pub hotspot_ids: &'a [i64],
    pub route_ids: &'a [i64],
}

impl Context<'_> {
    pub fn knows_agency(&self, key: &AgencyKey) -> bool {
        self.agencies.contains(key)
    }
}
