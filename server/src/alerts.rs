//! Early detection on the server: each agency's alerts ([`model::scan`] over the incidents and
//! hotspots released to it), computed once per change of incidents or hotspots (or when the
//! recent week moves on by six hours) and kept until then; alerts raised are recorded and
//! told on the event stream; acknowledgements are stored per agency and audited.
//!
//! A watcher task recomputes an agency's alerts soon after a change it can see (a second after
//! the first of a burst, taking in what came meanwhile, so a large import is scanned once) and
//! at each six-hour step,
//! records alerts that were not raised for that agency within the last week, and publishes one
//! `alert` event per new alert to that agency alone.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
    time::Duration,
};

use jiff::Timestamp;
use model::{
    AgencyKey, Hotspot, Incident, ItemKind,
    access::AuditOp,
    alert::{ACK_HOLDS, AckReason, Acknowledgement, AlertList},
    detection::Detection,
    event::{ChangeOp, Subject},
    scan,
};

use crate::{
    args,
    audit::{self, Actor},
    error::AppError,
    picture::kept,
    sql::Tx,
    state::AppState,
    store::{self, Published, StoreError},
};

/// The detection's parameters (see [`model::detection`]).
pub fn detection() -> Detection {
    Detection::default()
}

/// `agency`'s alerts now: kept ones while nothing they rest on changed, else scanned anew
/// (off the async workers, as an analysis).
pub async fn current(state: &AppState, agency: &AgencyKey) -> Result<Arc<AlertList>, AppError> {
    let now = Timestamp::now();
    let end = scan::windows(&detection(), now).2.timestamp();
    // Generations before the data, so what is kept is never older than its stamp.
    let stamp = (
        state.layers.layer_generation(ItemKind::Incident),
        state.layers.layer_generation(ItemKind::Hotspot),
        end,
    );
    let kept_now = || {
        state
            .alert_cache
            .latest()
            .get(agency)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, list)| Arc::clone(list))
    };
    if let Some(list) = kept_now() {
        return Ok(list);
    }
    let _scanning = state.alert_cache.scanning.lock().await;
    if let Some(list) = kept_now() {
        return Ok(list);
    }
    let incidents = kept::<Incident>(state).await?;
    let hotspots = kept::<Hotspot>(state).await?;
    let districts = state.districts();
    let who = agency.clone();
    let list = state
        .analyse(move || {
            let areas: Vec<(i64, &Hotspot)> = hotspots
                .released_to(&who)
                .into_iter()
                .map(|s| (s.id, &s.item))
                .collect();
            let seen = incidents.released_to(&who);
            scan::scan(
                &detection(),
                seen.into_iter().map(|s| &s.item),
                &districts,
                &areas,
                now,
            )
        })
        .await?;
    let list = Arc::new(list);
    state
        .alert_cache
        .latest()
        .insert(agency.clone(), (stamp, Arc::clone(&list)));
    Ok(list)
}

/// `agency`'s acknowledgements that still hold at `now`, by alert key (the latest of each).
pub fn acknowledgements(
    conn: &Tx,
    agency: &AgencyKey,
    now: Timestamp,
) -> Result<HashMap<String, Acknowledgement>, StoreError> {
    let since = (now - ACK_HOLDS).to_string();
    let rows = conn.query(
        "SELECT key, reason, at FROM alert_acknowledgements
         WHERE agency = ?1 AND at > ?2 ORDER BY at",
        args![agency.as_str(), since],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
            ))
        },
    )?;
    let mut out = HashMap::new();
    for (key, reason, at) in rows {
        let corrupt = |e: String| StoreError::Db(crate::db::DbError::Corrupt(e));
        let ack = Acknowledgement {
            reason: reason.parse().map_err(|e| corrupt(format!("{e}")))?,
            at: at.parse().map_err(|e| corrupt(format!("{e}")))?,
        };
        out.insert(key, ack);
    }
    Ok(out)
}

/// Was alert `key` raised for `agency` within the last week?
pub fn raised_lately(
    conn: &Tx,
    agency: &AgencyKey,
    key: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let since = (now - ACK_HOLDS).to_string();
    Ok(conn
        .query_opt(
            "SELECT 1 FROM alerts_raised WHERE agency = ?1 AND key = ?2 AND raised_at > ?3",
            args![agency.as_str(), key, since],
            |_| Ok(()),
        )?
        .is_some())
}

/// Records `actor`'s acknowledgement of the alert `keys` (the first is the one acknowledged;
/// audited once, in the same transaction).
pub fn acknowledge(
    tx: &Tx,
    actor: &Actor,
    keys: &[String],
    reason: AckReason,
    now: Timestamp,
) -> Result<Acknowledgement, StoreError> {
    for (i, key) in keys.iter().enumerate() {
        let continues = (i > 0).then(|| keys[0].as_str());
        tx.execute(
            "INSERT INTO alert_acknowledgements (agency, key, reason, at, login, continues)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                actor.agency.as_str(),
                key,
                reason.as_str(),
                now.to_string(),
                &actor.login,
                continues
            ],
        )?;
    }
    let ack = Acknowledgement { reason, at: now };
    let details = match keys {
        [key] => serde_json::json!({"alert": key, "reason": reason}),
        [key, rest @ ..] => {
            serde_json::json!({"alert": key, "reason": reason, "continues_as": rest})
        }
        [] => serde_json::json!({"reason": reason}),
    };
    audit::append(
        tx,
        actor,
        audit::Record::new(AuditOp::Acknowledged, "alert").details(&details),
    )?;
    Ok(ack)
}

/// Records the alerts of `list` not raised for `agency` within the last week, each with one
/// `alert` event for `agency` alone.
fn record_raised(
    tx: &Tx,
    agency: &AgencyKey,
    list: &AlertList,
    now: Timestamp,
) -> Result<Vec<Published>, StoreError> {
    let since = (now - ACK_HOLDS).to_string();
    // Raised within the week, or the continuation of one (an alert made into a hotspot
    // continues under the hotspot's key): not new.
    let known: BTreeSet<String> = tx
        .query(
            "SELECT key FROM alerts_raised WHERE agency = ?1 AND raised_at > ?2
             UNION SELECT key FROM alert_acknowledgements
                   WHERE agency = ?1 AND at > ?2 AND continues IS NOT NULL",
            args![agency.as_str(), since],
            |r| r.get::<String>(0),
        )?
        .into_iter()
        .collect();
    let mut events = vec![];
    for alert in list.alerts.iter().filter(|a| !known.contains(&a.key)) {
        let body = serde_json::to_string(alert)
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
        tx.execute(
            "INSERT INTO alerts_raised (agency, key, raised_at, body) VALUES (?1, ?2, ?3, ?4)",
            args![agency.as_str(), &alert.key, now.to_string(), body],
        )?;
        // No id: the rows count across agencies, so gaps would tell of others' alerts.
        events.push(store::log_for(
            tx,
            model::event::ALERT_EVENT,
            0,
            ChangeOp::Created,
            vec![agency.clone()],
        )?);
    }
    Ok(events)
}

/// Scans `agency`'s alerts and records the new ones.
async fn refresh(state: &AppState, agency: AgencyKey) -> Result<(), AppError> {
    let list = current(state, &agency).await?;
    state
        .commit(move |tx, changes| {
            changes.events = record_raised(tx, &agency, &list, Timestamp::now())?;
            Ok(())
        })
        .await
}

/// How long after a change the watcher waits for more before it scans.
const SETTLE: Duration = Duration::from_secs(1);

/// Starts the watcher (see the module's documentation).
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut rx = state.events.subscribe();
        let mut stop = state.shutdown.subscribe();
        // At start, every agency: alerts that arose while the server was down are raised.
        let mut everyone = true;
        let mut pending: BTreeSet<AgencyKey> = BTreeSet::new();
        loop {
            if everyone || !pending.is_empty() {
                tokio::time::sleep(SETTLE).await;
                // Take in what came meanwhile.
                while let Ok(p) = rx.try_recv() {
                    note(&p, &mut pending, &mut everyone);
                }
                let agencies = if everyone {
                    match state.db.call(store::agencies).await {
                        Ok(all) => all.into_iter().map(|a| a.key).collect(),
                        Err(e) => {
                            tracing::error!(error = %e, "early detection cannot read the agencies");
                            BTreeSet::new()
                        }
                    }
                } else {
                    std::mem::take(&mut pending)
                };
                everyone = false;
                pending.clear();
                for agency in agencies {
                    if let Err(e) = refresh(&state, agency.clone()).await {
                        tracing::error!(error = %e, %agency, "early detection failed");
                    }
                }
            }
            let next_step = next_block(Timestamp::now());
            tokio::select! {
                received = rx.recv() => match received {
                    Ok(p) => note(&p, &mut pending, &mut everyone),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => everyone = true,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
                () = tokio::time::sleep(next_step) => everyone = true,
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    });
}

/// Notes whose alerts a published change may change.
fn note(p: &Published, pending: &mut BTreeSet<AgencyKey>, everyone: &mut bool) {
    match p.event.subject() {
        Subject::Layer(ItemKind::Incident | ItemKind::Hotspot) => match &p.audience {
            Some(audience) => pending.extend(audience.iter().cloned()),
            None => *everyone = true,
        },
        Subject::Layer(_) | Subject::Alert => {}
        // Districts imported: every place may have moved.
        Subject::Shared => *everyone = true,
    }
}

/// How long until the recent week moves on (the next six-hour step), and a little more.
fn next_block(now: Timestamp) -> Duration {
    let end = scan::windows(&detection(), now).2.timestamp();
    let wait = end.duration_since(now).unsigned_abs();
    wait + Duration::from_secs(5)
}

/// How many alerts `agency` had raised, acknowledged and made into hotspots in `[from, to)`.
pub fn raised_in(
    conn: &Tx,
    agency: &AgencyKey,
    (from, to): (Timestamp, Timestamp),
) -> Result<(u32, u32, u32), StoreError> {
    let (from, to) = (from.to_string(), to.to_string());
    let raised: u32 = conn.query_one(
        "SELECT count(*) FROM alerts_raised WHERE agency = ?1 AND raised_at >= ?2 AND raised_at < ?3",
        args![agency.as_str(), &from, &to],
        |r| r.get(0),
    )?;
    let acked = |hotspot: bool| -> Result<u32, StoreError> {
        let sql = if hotspot {
            "SELECT count(DISTINCT key) FROM alert_acknowledgements
             WHERE agency = ?1 AND at >= ?2 AND at < ?3 AND continues IS NULL
             AND reason = 'hotspot'"
        } else {
            "SELECT count(DISTINCT key) FROM alert_acknowledgements
             WHERE agency = ?1 AND at >= ?2 AND at < ?3 AND continues IS NULL
             AND reason <> 'hotspot'"
        };
        Ok(conn
            .query_opt(sql, args![agency.as_str(), &from, &to], |r| r.get(0))?
            .unwrap_or(0))
    };
    Ok((raised, acked(false)?, acked(true)?))
}
