//! Analysis of the whole picture:
//! - `GET /api/conflicts?from=&to=` — operations that collide in a district
//! - `GET /api/coverage?week=YYYY-MM-DD` — patrol coverage of each hotspot in a week (Monday)
//! - `GET /api/summary?at=&from=&to=` — per-district counts (default: now, this week)

use std::sync::Arc;

use axum::{
    Json,
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, ToSpan, civil::Date};
use model::{
    Action, Hotspot, PatrolRoute,
    access::Role,
    analysis::{self, Conflict, Coverage, DistrictSummary, Indicators},
    schedule::{berlin, local},
};

use crate::{
    error::AppError,
    routes::{
        districts::GEO_JSON,
        items::{Layer, kept},
        query, query_pairs,
    },
    sessions::Viewer,
    state::AppState,
};

/// The three layers as kept in memory (read from the database once per change, shared with the
/// layer endpoints); each handler takes what is released to the viewer's agency from them, so
/// analysis sees no more than the lists do.
struct Picture {
    hotspots: Arc<Layer<Hotspot>>,
    routes: Arc<Layer<PatrolRoute>>,
    actions: Arc<Layer<Action>>,
}

impl Picture {
    async fn of(state: &AppState) -> Result<Picture, AppError> {
        Ok(Picture {
            hotspots: kept(state).await?,
            routes: kept(state).await?,
            actions: kept(state).await?,
        })
    }
}

/// `GET /api/review-due`: the viewer's agency's hotspots past their review date, which no
/// longer show as active until their owner confirms them with a new review date.
pub async fn review_due(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let hotspots = kept::<Hotspot>(&state).await?;
    let now = Timestamp::now();
    let due = hotspots
        .released_to(&viewer.agency)
        .into_iter()
        .filter(|h| h.item.agency == viewer.agency && h.item.is_review_due(now));
    let body = model::layer_text::layer_text(due, &model::LayerQuery::default())?;
    Ok(([(header::CONTENT_TYPE, GEO_JSON)], body).into_response())
}

fn value<'a>(params: &'a [(&str, &str)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

pub async fn conflicts(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Conflict>>, AppError> {
    let pairs = query_pairs(raw.as_deref());
    let params = query::only(&pairs, &["from", "to"])?;
    let from = value(&params, "from")
        .map(|v| query::timestamp("from", v))
        .transpose()?;
    let to = value(&params, "to")
        .map(|v| query::timestamp("to", v))
        .transpose()?;
    let window = query::window(from, to)?;
    let actions = kept::<Action>(&state).await?;
    let mut actions = actions.released_to(&viewer.agency);
    if let Some((f, t)) = window {
        actions.retain(|a| a.item.overlaps(f, t));
    }
    Ok(Json(analysis::conflicts(&actions)))
}

/// Monday of the local week containing `t`.
fn monday_of(t: Timestamp) -> Date {
    let date = local(t).date();
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(back.days()).unwrap_or(date)
}

pub async fn coverage(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Coverage>>, AppError> {
    let pairs = query_pairs(raw.as_deref());
    let params = query::only(&pairs, &["week"])?;
    let week = match value(&params, "week") {
        None => monday_of(Timestamp::now()),
        Some(v) => {
            let bad = |reason: &str| AppError::BadRequest {
                field: "week".into(),
                reason: reason.into(),
            };
            let d: Date = v.parse().map_err(|_| bad("must be a date, YYYY-MM-DD"))?;
            if d.weekday() != jiff::civil::Weekday::Monday {
                return Err(bad("must be a Monday"));
            }
            d
        }
    };
    let (hotspots, routes) = (
        kept::<Hotspot>(&state).await?,
        kept::<PatrolRoute>(&state).await?,
    );
    Ok(Json(analysis::coverage(
        &hotspots.released_to(&viewer.agency),
        &routes.released_to(&viewer.agency),
        week,
    )))
}

pub async fn summary(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<DistrictSummary>>, AppError> {
    Ok(Json(summaries(&state, &viewer, raw.as_deref()).await?))
}

/// Per-district counts of what is released to the viewer (`?at=&from=&to=`).
pub async fn summaries(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<Vec<DistrictSummary>, AppError> {
    let pairs = query_pairs(raw);
    let params = query::only(&pairs, &["at", "from", "to"])?;
    let at = value(&params, "at")
        .map(|v| query::timestamp("at", v))
        .transpose()?
        .unwrap_or_else(Timestamp::now);
    let from = value(&params, "from")
        .map(|v| query::timestamp("from", v))
        .transpose()?;
    let to = value(&params, "to")
        .map(|v| query::timestamp("to", v))
        .transpose()?;
    let window = match query::window(from, to)? {
        Some(w) => w,
        None => {
            let start =
                monday_of(at)
                    .to_zoned_datetime(berlin())
                    .map_err(|e| AppError::BadRequest {
                        field: "at".into(),
                        reason: e.to_string(),
                    })?;
            let end = start
                .checked_add(7.days())
                .map_err(|e| AppError::BadRequest {
                    field: "at".into(),
                    reason: e.to_string(),
                })?;
            (start.timestamp(), end.timestamp())
        }
    };
    let picture = Picture::of(state).await?;
    Ok(analysis::district_summaries(
        &picture.hotspots.released_to(&viewer.agency),
        &picture.routes.released_to(&viewer.agency),
        &picture.actions.released_to(&viewer.agency),
        at,
        window,
    ))
}

pub async fn indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Indicators>, AppError> {
    let pairs = query_pairs(raw.as_deref());
    let params = query::only(&pairs, &["district", "at"])?;
    let district = value(&params, "district")
        .map(|v| {
            v.parse::<model::DistrictKey>()
                .map_err(|e| AppError::BadRequest {
                    field: "district".into(),
                    reason: e.to_string(),
                })
        })
        .transpose()?;
    let at = value(&params, "at")
        .map(|v| query::timestamp("at", v))
        .transpose()?
        .unwrap_or_else(Timestamp::now);
    let picture = Picture::of(&state).await?;
    let tiles = analysis::indicators(
        &picture.hotspots.released_to(&viewer.agency),
        &picture.routes.released_to(&viewer.agency),
        &picture.actions.released_to(&viewer.agency),
        at,
        district,
    );
    // Wall displays hang where visitors may read them: small counts stay in the server.
    Ok(Json(if viewer.role == Role::Display {
        tiles.withhold_below(state.small_count)
    } else {
        tiles
    }))
}
