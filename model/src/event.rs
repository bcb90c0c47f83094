//! Change events, as pushed over Server-Sent Events: one per committed change.

use serde::{Deserialize, Serialize};

use crate::item::ItemKind;

string_enum! {
    ChangeOp { Created = "created", Updated = "updated", Deleted = "deleted", Imported = "imported" }
}

/// One committed change. `seq` is the SSE event id; a client that reconnects with
/// `Last-Event-ID: <seq>` receives every later event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub seq: i64,
    /// `hotspot`, `route`, `action` or `district` (after an import).
    pub kind: String,
    pub id: i64,
    pub op: ChangeOp,
    /// The item's version after the change (0 for deletions and imports).
    pub version: i64,
}

impl ChangeEvent {
    pub fn for_item(seq: i64, kind: ItemKind, id: i64, op: ChangeOp, version: i64) -> Self {
        ChangeEvent {
            seq,
            kind: kind.as_str().to_owned(),
            id,
            op,
            version,
        }
    }
}
