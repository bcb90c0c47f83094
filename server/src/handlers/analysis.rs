//! Analysis of the whole picture:
//! - `GET /api/conflicts?from=&to=` — operations that collide in a district
//! - `GET /api/coverage?week=YYYY-MM-DD` — patrol coverage of each hotspot in a week (Monday)
//! - `GET /api/summary?at=&from=&to=` — per-district counts (default: now, this week)
//! - `GET /api/indicators?district=&at=` — the wall's tiles
//! - `GET /api/review-due` — the viewer's agency's hotspots past their review date
//!
//! Each analysis sees only what is released to the viewer's agency. It is computed off the
//! async workers (at most [`crate::state::ANALYSES_AT_ONCE`] at once) and its answer is kept
//! per agency and normalised query until the next change, in the layer cache.

use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, civil::Date};
use model::{Hotspot, access::Role, analysis, api::GEO_JSON};
use serde::Serialize;

use crate::{
    error::AppError,
    layer_cache::{Answer, Encoding},
    params::{self as query, Params},
    picture::{Picture, district_summaries, kept, summary_window},
    sessions::Viewer,
    state::AppState,
};

/// The answer at `path` for the normalised query `normalised` (the agency is added here): the
/// kept one, or `compute`d from the picture off the async workers and kept until the next
/// change. The picture is read inside the build, after the cache has read the generation it
/// keeps the answer under.
async fn answer<T: Serialize + Send + 'static>(
    state: &AppState,
    viewer: &Viewer,
    (path, normalised): (Answer, String),
    encoding: Encoding,
    compute: impl FnOnce(&Picture, &model::AgencyKey) -> T + Send + 'static,
) -> Result<Response, AppError> {
    let agency = viewer.agency.clone();
    let key = (path, format!("{agency}?{normalised}"));
    let build = async {
        let picture = Picture::of(state).await?;
        state
            .analyse(move || serde_json::to_string(&compute(&picture, &agency)))
            .await?
            .map_err(AppError::from)
    };
    state
        .layers
        .answer(key, "application/json", encoding, build)
        .await
}

/// Now, to the minute: analyses asked for "now" share one answer within a minute.
fn this_minute() -> Timestamp {
    model::schedule::to_the_minute(Timestamp::now())
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

pub async fn conflicts(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["from", "to"])?;
    let window = query::window(params.timestamp("from")?, params.timestamp("to")?)?;
    let normalised = window.map_or_else(String::new, |(f, t)| format!("from={f}&to={t}"));
    answer(
        &state,
        &viewer,
        (Answer::Conflicts, normalised),
        encoding,
        move |p, agency| {
            let mut actions = p.actions.released_to(agency);
            if let Some((f, t)) = window {
                actions.retain(|a| a.item.overlaps(f, t));
            }
            analysis::conflicts(&actions)
        },
    )
    .await
}

pub async fn coverage(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["week"])?;
    let week = match params.get("week") {
        None => model::schedule::monday_of(Timestamp::now()),
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
    answer(
        &state,
        &viewer,
        (Answer::Coverage, format!("week={week}")),
        encoding,
        move |p, agency| {
            analysis::coverage(
                &p.hotspots.released_to(agency),
                &p.routes.released_to(agency),
                week,
            )
        },
    )
    .await
}

pub async fn summary(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["at", "from", "to"])?;
    let (at, window) = summary_window(&params)?;
    // Wall displays get the counts with small ones withheld, kept apart from the exact ones,
    // and only for fixed windows: two free windows subtracted would date a single incident.
    let withhold = (viewer.role == Role::Display).then_some(state.small_count);
    if withhold.is_some() {
        query::display_window(window)?;
    }
    let normalised = format!(
        "at={at}&from={}&to={}&withhold={}",
        window.0,
        window.1,
        withhold.unwrap_or(0)
    );
    answer(
        &state,
        &viewer,
        (Answer::Summary, normalised),
        encoding,
        move |p, agency| {
            let rows = district_summaries(p, agency, at, window);
            match withhold {
                Some(below) => rows.into_iter().map(|r| r.withhold_below(below)).collect(),
                None => rows,
            }
        },
    )
    .await
}

pub async fn indicators(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["district", "at"])?;
    let district = params
        .get("district")
        .map(|v| {
            v.parse::<model::DistrictKey>()
                .map_err(|e| AppError::BadRequest {
                    field: "district".into(),
                    reason: e.to_string(),
                })
        })
        .transpose()?;
    let at = params.timestamp("at")?.unwrap_or_else(this_minute);
    // Wall displays hang where visitors may read them: small counts stay in the server, and
    // their answer is kept apart from the exact one.
    let withhold = (viewer.role == Role::Display).then_some(state.small_count);
    let normalised = format!(
        "at={at}&district={}&withhold={}",
        district.map_or("", |d| d.as_str()),
        withhold.unwrap_or(0)
    );
    answer(
        &state,
        &viewer,
        (Answer::Indicators, normalised),
        encoding,
        move |p, agency| {
            let tiles = analysis::indicators(
                &p.hotspots.released_to(agency),
                &p.routes.released_to(agency),
                &p.actions.released_to(agency),
                at,
                district,
            );
            match withhold {
                Some(below) => tiles.withhold_below(below),
                None => tiles,
            }
        },
    )
    .await
}
