//! Change events, as pushed over Server-Sent Events: one per committed change.

use serde::{Deserialize, Serialize};

use crate::item::ItemKind;

string_enum! {
    ChangeOp { Created = "created", Updated = "updated", Deleted = "deleted", Imported = "imported" }
}

/// The `kind` of the change event that tells of a new alert (it changes no layer).
pub const ALERT_EVENT: &str = "alert";

/// One committed change. `seq` is the SSE event id; a client that reconnects with
/// `Last-Event-ID: <seq>` receives every later event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub seq: i64,
    /// An item kind (`hotspot`, `route`, `action`, `incident`) or `district` (after an import).
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

/// What a change event is about: what the server's caches and the app's screens refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// One layer's items.
    Layer(ItemKind),
    /// A new alert ([`ALERT_EVENT`]): no layer changed.
    Alert,
    /// Something every layer may rest on (districts imported, agencies).
    Shared,
}

impl ChangeEvent {
    pub fn subject(&self) -> Subject {
        match self.kind.parse::<ItemKind>() {
            Ok(kind) => Subject::Layer(kind),
            Err(_) if self.kind == ALERT_EVENT => Subject::Alert,
            Err(_) => Subject::Shared,
        }
    }

    /// The event as `role` may receive it: wall displays learn that a layer of aggregates
    /// changed (id and version 0), never which single item did.
    pub fn as_seen_by(&self, role: crate::access::Role) -> ChangeEvent {
        let aggregate_only = role == crate::access::Role::Display
            && self
                .kind
                .parse::<ItemKind>()
                .is_ok_and(|k| !k.displays_see_items());
        if aggregate_only {
            ChangeEvent {
                id: 0,
                version: 0,
                ..self.clone()
            }
        } else {
            self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;

    #[test]
    fn an_event_is_about_a_layer_an_alert_or_everything() {
        let of = |kind: &str| {
            ChangeEvent {
                seq: 1,
                kind: kind.into(),
                id: 0,
                op: ChangeOp::Created,
                version: 0,
            }
            .subject()
        };
        assert_eq!(of("incident"), Subject::Layer(ItemKind::Incident));
        assert_eq!(of("alert"), Subject::Alert);
        assert_eq!(of("district"), Subject::Shared);
    }

    #[test]
    fn a_wall_display_learns_that_incidents_changed_not_which() {
        let e = ChangeEvent::for_item(7, ItemKind::Incident, 42, ChangeOp::Created, 1);
        let seen = e.as_seen_by(Role::Display);
        assert_eq!(
            (seen.seq, seen.kind.as_str(), seen.id, seen.version),
            (7, "incident", 0, 0)
        );
        assert_eq!(e.as_seen_by(Role::Officer).id, 42);
        let h = ChangeEvent::for_item(8, ItemKind::Hotspot, 3, ChangeOp::Updated, 2);
        assert_eq!(h.as_seen_by(Role::Display).id, 3);
    }
}
