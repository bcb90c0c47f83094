//! Incidents are kept for a limited time (`--incident-retention-days`, default 730): once a day
//! (at start if a day has passed; once across all servers sharing a database, see
//! [`crate::jobs`]) those that began before the cut-off are deleted, one audit entry per owning
//! agency saying how many and before when, and one change event for those who could see them.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use model::{AgencyKey, ItemKind, access::AuditOp, event::ChangeOp};

use crate::{
    args,
    audit::{self, Actor},
    error::AppError,
    sql::Tx,
    state::AppState,
    store::{self, Published, StoreError},
};

/// The default retention period, days.
pub const DEFAULT_RETENTION_DAYS: u32 = 730;

/// How often retention runs.
const EVERY: SignedDuration = SignedDuration::from_hours(24);

/// How often a server asks whether retention is due.
const CHECK: Duration = Duration::from_secs(60 * 60);

/// The job's name in `job_runs`.
const JOB: &str = "incident-retention";

/// How many were deleted, per owning agency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deleted {
    pub agency: AgencyKey,
    pub deleted: u64,
    /// Incidents that began before this were deleted.
    pub before: String,
}

/// Deletes the incidents that began before `cutoff`, inside `tx`; the audit entries and
/// events of the deletion.
pub fn delete_before(
    tx: &Tx,
    cutoff: Timestamp,
) -> Result<(Vec<Deleted>, Vec<Published>), StoreError> {
    let before = cutoff.to_string();
    let mut per_agency: Vec<(AgencyKey, u64, Vec<AgencyKey>)> = Vec::new();
    {
        let rows = tx.query(
            "SELECT body FROM items WHERE kind = 'incident' AND body ->> 'start' < ?1",
            args![&before],
            |r| r.get::<String>(0),
        )?;
        for body in rows {
            let incident: model::Incident = serde_json::from_str(&body)
                .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
            match per_agency
                .iter_mut()
                .find(|(a, _, _)| *a == incident.agency)
            {
                Some((_, n, seen_by)) => {
                    *n += 1;
                    for r in incident.released_to {
                        if !seen_by.contains(&r) {
                            seen_by.push(r);
                        }
                    }
                }
                None => {
                    let mut seen_by = vec![incident.agency.clone()];
                    seen_by.extend(incident.released_to);
                    per_agency.push((incident.agency, 1, seen_by));
                }
            }
        }
    }
    tx.execute(
        "DELETE FROM items WHERE kind = 'incident' AND body ->> 'start' < ?1",
        args![&before],
    )?;
    let mut deleted = Vec::new();
    let mut events = Vec::new();
    for (agency, n, seen_by) in per_agency {
        let entry = Deleted {
            agency: agency.clone(),
            deleted: n,
            before: before.clone(),
        };
        let actor = Actor {
            login: "(retention)".to_owned(),
            agency: agency.clone(),
            role: model::access::Role::Operator,
        };
        audit::append(
            tx,
            &actor,
            audit::Record::new(AuditOp::RetentionDeleted, ItemKind::Incident.as_str())
                .details(&entry),
        )?;
        events.push(store::log_bulk(
            tx,
            ItemKind::Incident,
            ChangeOp::Deleted,
            seen_by,
        )?);
        deleted.push(entry);
    }
    Ok((deleted, events))
}

/// One retention run on the server's state: deletes what is older than `days`.
pub async fn run(state: &AppState, days: u32) -> Result<Vec<Deleted>, AppError> {
    let cutoff = Timestamp::now() - SignedDuration::from_hours(24 * i64::from(days));
    state
        .commit(move |tx, changes| {
            let (deleted, events) = delete_before(tx, cutoff)?;
            changes.events = events;
            Ok(deleted)
        })
        .await
}

/// Runs retention if no server has run it within a day; `None` if it was not due.
pub async fn run_if_due(state: &AppState, days: u32) -> Result<Option<Vec<Deleted>>, AppError> {
    let now = Timestamp::now();
    let cutoff = now - SignedDuration::from_hours(24 * i64::from(days));
    state
        .commit(move |tx, changes| {
            if !crate::jobs::claim(tx, JOB, EVERY, now)? {
                return Ok(None);
            }
            crate::rate_limit::sweep(tx, now)?;
            let (deleted, events) = delete_before(tx, cutoff)?;
            changes.events = events;
            Ok(Some(deleted))
        })
        .await
}

/// Runs retention when it is due (now, if a day has passed) until the server stops.
pub fn spawn(state: AppState, days: u32) {
    let mut stop = state.shutdown.subscribe();
    tokio::spawn(async move {
        loop {
            match run_if_due(&state, days).await {
                Ok(None) => {}
                Ok(Some(deleted)) => {
                    for d in deleted {
                        tracing::info!(agency = %d.agency, deleted = d.deleted, before = %d.before, "incidents past retention deleted");
                    }
                }
                Err(e) => tracing::error!(error = %e, "incident retention failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(CHECK) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    });
}
