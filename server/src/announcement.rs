//! What a committed write announces to the other servers sharing its PostgreSQL database
//! (see [`crate::change_feed`], which listens): change events on [`CHANGES`] (by the change
//! log's trigger), and on [`STATE`] what is not in the change log.

use crate::sql::Tx;

/// The channel change events are announced on (by the trigger of `pg_schema` migration 2).
pub const CHANGES: &str = "lagebild_changes";
/// The channel other committed state is announced on.
pub const STATE: &str = "lagebild_state";
/// The channel each server's listener expects its own heartbeat on (sent through the pool).
pub const HEARTBEAT: &str = "lagebild_heartbeat";

/// What a write changed besides the change log, as announced to the other servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    /// Sessions ended (an account disabled, a sign-out).
    Sessions,
    /// An agency was added.
    Agencies,
    /// District boundaries were imported.
    Districts,
}

impl StateChange {
    pub fn as_str(self) -> &'static str {
        match self {
            StateChange::Sessions => "sessions",
            StateChange::Agencies => "agencies",
            StateChange::Districts => "districts",
        }
    }

    pub fn parse(s: &str) -> Option<StateChange> {
        [
            StateChange::Sessions,
            StateChange::Agencies,
            StateChange::Districts,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Announces `change` to every server when `tx` commits (PostgreSQL; nothing on SQLite).
pub fn announce(tx: &Tx, change: StateChange) -> Result<(), crate::db::DbError> {
    if tx.backend() == crate::sql::Backend::Postgres {
        tx.execute(
            "SELECT pg_notify(?1, ?2)",
            crate::args![STATE, change.as_str()],
        )?;
    }
    Ok(())
}

/// Sends `nonce` on [`HEARTBEAT`] when `tx` commits: the listener that sent it expects it back.
pub fn heartbeat(tx: &Tx, nonce: &str) -> Result<(), crate::db_error::DbError> {
    tx.execute("SELECT pg_notify(?1, ?2)", crate::args![HEARTBEAT, nonce])?;
    Ok(())
}
