//! Analysis of the whole picture:
//! - `GET /api/conflicts?from=&to=` — operations that collide in a district
//! - `GET /api/coverage?week=YYYY-MM-DD` — patrol coverage of each hotspot in a week (Monday)
//! - `GET /api/summary?at=&from=&to=` — per-district counts (default: now, this week)

use axum::{
    Json,
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, ToSpan, civil::Date};
use model::{
    Action, Hotspot, PatrolRoute, Stored,
    access::Role,
    analysis::{self, Conflict, Coverage, DistrictSummary, Indicators},
    schedule::{berlin, local},
};

use crate::{
    error::AppError,
    routes::{districts::GEO_JSON, query, query_pairs},
    sessions::Viewer,
    state::AppState,
    store::{self, StoreError},
};

type Picture = (
    Vec<Stored<Hotspot>>,
    Vec<Stored<PatrolRoute>>,
    Vec<Stored<Action>>,
);

/// Everything released to the viewer's agency: analysis sees no more than the lists do.
async fn picture(state: &AppState, viewer: &Viewer) -> Result<Picture, AppError> {
    let agency = viewer.agency.clone();
    Ok(state
        .db
        .call(move |c| {
            Ok::<_, StoreError>((
                store::list_for(c, &agency)?,
                store::list_for(c, &agency)?,
                store::list_for(c, &agency)?,
            ))
        })
        .await?)
}

/// `GET /api/review-due`: the viewer's agency's hotspots past their review date, which no
/// longer show as active until their owner confirms them with a new review date.
pub async fn review_due(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let (hotspots, _, _) = picture(&state, &viewer).await?;
    let now = Timestamp::now();
    let due = hotspots
        .iter()
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
    let (_, _, mut actions) = picture(&state, &viewer).await?;
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
    let (hotspots, routes, _) = picture(&state, &viewer).await?;
    Ok(Json(analysis::coverage(&hotspots, &routes, week)))
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
    let (hotspots, routes, actions) = picture(state, viewer).await?;
    Ok(analysis::district_summaries(
        &hotspots, &routes, &actions, at, window,
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
    let (hotspots, routes, actions) = picture(&state, &viewer).await?;
    let tiles = analysis::indicators(&hotspots, &routes, &actions, at, district);
    // Wall displays hang where visitors may read them: small counts stay in the server.
    Ok(Json(if viewer.role == Role::Display {
        tiles.withhold_below(state.small_count)
    } else {
        tiles
    }))
}
