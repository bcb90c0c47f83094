//! What validation needs to know about the rest of the picture.

use crate::{AgencyKey, District};

/// The known agencies and districts, and for an action's links the ids it may link to: those
/// of the items the writer's agency may see (and those it links already). An id outside them
/// is refused as "no such item", whether it exists or not, so a refusal tells nothing of what
/// the writer may not see.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub agencies: &'a [AgencyKey],
    pub districts: &'a [District],
    /// Sorted ascending.
    pub hotspot_ids: &'a [i64],
    /// Sorted ascending.
    pub route_ids: &'a [i64],
}

impl Context<'_> {
    pub fn knows_agency(&self, key: &AgencyKey) -> bool {
        self.agencies.contains(key)
    }
}
