//! `GET /api/events`: Server-Sent Events, one `change` event per committed change, with the
//! change-log sequence number as event id. A client that reconnects with `Last-Event-ID` (or
//! `?since=`) first receives everything it missed, from the log, then live events.

use std::{collections::VecDeque, convert::Infallible, time::Duration};

use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderName},
    response::{
        IntoResponse,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream;
use model::event::ChangeEvent;
use tokio::sync::{
    broadcast::{Receiver, error::RecvError},
    watch,
};

use crate::{
    error::AppError,
    params::Params,
    sessions::Viewer,
    state::AppState,
    store::{self, Published},
};

/// Events read from the log per round trip.
const PAGE: i64 = 500;
/// What browsers wait before reconnecting.
const RETRY: Duration = Duration::from_secs(2);

struct Feed {
    state: AppState,
    viewer: Viewer,
    rx: Receiver<Published>,
    last: i64,
    backlog: VecDeque<Published>,
    reload: bool,
    greeted: bool,
    stop: watch::Receiver<bool>,
    ended: watch::Receiver<u64>,
}

/// How often an open stream checks that its session is still valid (idle and absolute limits).
const CHECK_SESSION: Duration = Duration::from_secs(60);

fn bad_id() -> AppError {
    AppError::BadRequest {
        field: "Last-Event-ID".into(),
        reason: "must be a non-negative integer".into(),
    }
}

pub async fn stream(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<impl IntoResponse, AppError> {
    let params = Params::parse(raw.as_deref(), &["since"])?;
    let since = params.get("since").map(str::to_owned);
    let resume = match headers
        .get("last-event-id")
        .map(|v| v.to_str().map(str::to_owned))
    {
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => return Err(bad_id()),
        None => since,
    };
    let resume = resume
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(bad_id)
        })
        .transpose()?;
    // Subscribe before reading the log, so nothing committed in between is missed.
    let rx = state.events.subscribe();
    let last = match resume {
        Some(seq) => seq,
        None => state.db.call(store::last_seq).await?,
    };
    let feed = Feed {
        rx,
        last,
        backlog: VecDeque::new(),
        reload: resume.is_some(),
        greeted: false,
        stop: state.shutdown.subscribe(),
        ended: state.sessions_ended.subscribe(),
        viewer,
        state,
    };
    // A reverse proxy that buffers answers (nginx does by default) would hold the events back:
    // `X-Accel-Buffering: no` tells nginx not to.
    Ok((
        [(HeaderName::from_static("x-accel-buffering"), "no")],
        Sse::new(stream::unfold(feed, next)).keep_alive(KeepAlive::default()),
    ))
}

/// Is the stream's session still valid? A stream outlives neither logout nor a disabled
/// account nor the session's time limits.
async fn session_lives(feed: &Feed) -> bool {
    let hash = feed.viewer.token_hash.clone();
    feed.state
        .db
        .call(move |c| crate::sessions::resolve_hash(c, &hash, jiff::Timestamp::now(), false))
        .await
        .is_ok_and(|v| v.is_some())
}

fn to_sse(e: &ChangeEvent, role: model::access::Role) -> Event {
    Event::default()
        .event("change")
        .id(e.seq.to_string())
        .json_data(e.as_seen_by(role))
        .unwrap_or_else(|_| Event::default().comment("unserialisable event"))
}

async fn next(mut feed: Feed) -> Option<(Result<Event, Infallible>, Feed)> {
    if !feed.greeted {
        feed.greeted = true;
        return Some((Ok(Event::default().retry(RETRY).comment("connected")), feed));
    }
    loop {
        if let Some(p) = feed.backlog.pop_front() {
            feed.last = p.event.seq;
            if p.reaches(&feed.viewer.agency) {
                return Some((Ok(to_sse(&p.event, feed.viewer.role)), feed));
            }
            continue;
        }
        if feed.reload {
            let after = feed.last;
            match feed
                .state
                .db
                .call(move |c| store::events_after(c, after, PAGE))
                .await
            {
                Ok(page) => {
                    feed.reload = page.len() as i64 == PAGE;
                    feed.backlog = page.into();
                    continue;
                }
                Err(err) => {
                    tracing::error!(error = %err, "cannot read the change log for an event stream");
                    return None;
                }
            }
        }
        let received = tokio::select! {
            r = feed.rx.recv() => Some(r),
            _ = feed.stop.wait_for(|stopping| *stopping) => return None,
            _ = feed.ended.changed() => None,
            () = tokio::time::sleep(CHECK_SESSION) => None,
        };
        let Some(received) = received else {
            if session_lives(&feed).await {
                continue;
            }
            return None;
        };
        match received {
            Ok(p) if p.event.seq == feed.last + 1 => {
                feed.last = p.event.seq;
                if p.reaches(&feed.viewer.agency) {
                    return Some((Ok(to_sse(&p.event, feed.viewer.role)), feed));
                }
            }
            Ok(p) if p.event.seq <= feed.last => continue,
            // A gap: concurrent writers may publish out of order; the log has them in order.
            Ok(_) | Err(RecvError::Lagged(_)) => feed.reload = true,
            Err(RecvError::Closed) => return None,
        }
    }
}
