//! Changes committed by any server, made known on this one (PostgreSQL only; one SQLite file
//! has one server, which publishes its own commits directly).
//!
//! - Every change event is announced by the database itself: a trigger on the change log
//!   sends `NOTIFY lagebild_changes` with the event's number when its transaction commits
//!   (writes from the command line included).
//! - What is not in the change log (ended sessions, added agencies, new district boundaries)
//!   is announced on `lagebild_state` by the write that made it, in its transaction.
//! - Each server listens on a connection of its own. On an announcement it reads the change
//!   log from the last event it published and publishes what follows, in order
//!   ([`AppState::catch_up`]): its kept layers retire, its event streams hear of it. Its own
//!   commits take the same way, so events are published once and in order whichever server
//!   wrote them (see [`crate::announcement`] for what is announced).
//! - While the listening connection is lost, announcements may be missed: the layer cache is
//!   not trusted ([`crate::layer_cache::LayerCache::set_trusted`]); every answer is read
//!   afresh until the server has listened again and caught up from the change log.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::{
    announcement::{CHANGES, HEARTBEAT, STATE, StateChange},
    state::AppState,
};

/// What the listening connection received.
enum Heard {
    Change,
    State(StateChange),
    Heartbeat(String),
}

/// How often the listener proves that it still hears: a heartbeat sent through the pool (the
/// connections requests use) must come back on the listening connection before the next one
/// is due. A listener that no longer hears (a half-open connection, or still attached to a
/// database that has since stopped being the primary) is dropped, and the cache is not trusted
/// until a new one has caught up.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// How long the listener waits before connecting again.
const RECONNECT: Duration = Duration::from_secs(1);

/// Starts listening (PostgreSQL at `url`) until the server stops.
pub fn spawn(state: AppState, target: crate::db::Postgres) {
    tokio::spawn(async move {
        let mut stop = state.shutdown.subscribe();
        loop {
            tokio::select! {
                result = listen(&state, &target) => {
                    if let Err(e) = result {
                        tracing::warn!(error = %e, "lost the change announcements; answers are read afresh until they are back");
                    }
                }
                _ = stop.wait_for(|s| *s) => return,
            }
            state.layers.set_trusted(false);
            // Open event streams check their sessions now: if the database is gone they end,
            // and the screens show that they are no longer live until it is back.
            state.sessions_ended();
            tokio::select! {
                () = tokio::time::sleep(RECONNECT) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    });
}

#[derive(Debug, thiserror::Error)]
enum ListenError {
    #[error("{0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("{0}")]
    Db(#[from] crate::db::DbError),
    #[error("the listening connection closed")]
    Closed,
    #[error("the listening connection did not hear its heartbeat within {0:?}")]
    Silent(Duration),
}

/// Listens on one connection until it fails.
async fn listen(state: &AppState, target: &crate::db::Postgres) -> Result<(), ListenError> {
    let config = crate::db::pg_config(&target.url)?;
    let tls = crate::db::pg_tls(target.ca.as_deref())?;
    let (client, mut connection) = config.connect(tls).await?;
    let (heard, mut hear) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if let tokio_postgres::AsyncMessage::Notification(n) = message {
                let what = match n.channel() {
                    CHANGES => Some(Heard::Change),
                    HEARTBEAT => Some(Heard::Heartbeat(n.payload().to_owned())),
                    _ => StateChange::parse(n.payload()).map(Heard::State),
                };
                if let Some(what) = what
                    && heard.send(what).is_err()
                {
                    return;
                }
            }
        }
        // Dropping `heard` tells the listener the connection is gone.
    });
    client
        .batch_execute(&format!(
            "LISTEN {CHANGES}; LISTEN {STATE}; LISTEN {HEARTBEAT}"
        ))
        .await?;
    // Listening now: whatever was committed before is in the log and the tables.
    resync(state).await?;
    state.layers.set_trusted(true);
    tracing::info!("listening for changes committed by any server");
    let nonce: String = crate::accounts::random_bytes::<8>()
        .map_err(|e| crate::db::DbError::Task(e.to_string()))?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut beat = tokio::time::interval(HEARTBEAT_EVERY);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unanswered = false;
    loop {
        let first = tokio::select! {
            heard = hear.recv() => match heard {
                Some(h) => h,
                None => break,
            },
            _ = beat.tick() => {
                if unanswered {
                    return Err(ListenError::Silent(HEARTBEAT_EVERY));
                }
                let nonce = nonce.clone();
                state
                    .db
                    .call(move |tx| crate::announcement::heartbeat(tx, &nonce))
                    .await?;
                unanswered = true;
                continue;
            }
        };
        let mut change = false;
        let mut stated = vec![];
        let mut note = |h: Heard| match h {
            Heard::Change => change = true,
            Heard::State(s) => stated.push(s),
            Heard::Heartbeat(n) => {
                if n == nonce {
                    unanswered = false;
                }
            }
        };
        note(first);
        // Many announcements at once are one catch-up.
        while let Ok(more) = hear.try_recv() {
            note(more);
        }
        for s in stated {
            apply(state, s).await?;
        }
        if change {
            let state = state.clone();
            tokio::task::spawn_blocking(move || state.catch_up())
                .await
                .map_err(|e| crate::db::DbError::Task(e.to_string()))??;
        }
    }
    drop(client);
    Err(ListenError::Closed)
}

/// After (re)connecting: everything that may have been missed is read again.
async fn resync(state: &AppState) -> Result<(), ListenError> {
    for s in [StateChange::Districts, StateChange::Sessions] {
        apply(state, s).await?;
    }
    let s = state.clone();
    tokio::task::spawn_blocking(move || s.catch_up())
        .await
        .map_err(|e| crate::db::DbError::Task(e.to_string()))??;
    state.layers.changed();
    Ok(())
}

/// Takes in a change another server announced.
async fn apply(state: &AppState, change: StateChange) -> Result<(), ListenError> {
    match change {
        StateChange::Sessions => state.sessions_ended(),
        StateChange::Agencies => state.layers.changed(),
        StateChange::Districts => {
            let districts = state.db.call(crate::db::districts).await?;
            state.set_districts(districts);
        }
    }
    Ok(())
}
