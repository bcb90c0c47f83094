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

use std::sync::Arc;

use axum::{
    extract::{RawQuery, State},
    http::header,
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, ToSpan, civil::Date};
use model::{
    Action, Hotspot, Incident, PatrolRoute,
    access::Role,
    analysis::{self, DistrictSummary},
    schedule::{berlin, local},
};
use serde::Serialize;

use crate::{
    error::AppError,
    layer_cache::Encoding,
    routes::{
        districts::GEO_JSON,
        items::{Layer, kept},
        query::{self, Params},
    },
    sessions::Viewer,
    state::AppState,
};

/// The three layers as kept in memory (read from the database once per change, shared with the
/// layer endpoints); each analysis takes what is released to the viewer's agency from them, so
/// analysis sees no more than the lists do.
struct Picture {
    hotspots: Arc<Layer<Hotspot>>,
    routes: Arc<Layer<PatrolRoute>>,
    actions: Arc<Layer<Action>>,
    incidents: Arc<Layer<Incident>>,
    /// Residents per district, for rates.
    districts: Arc<Vec<model::District>>,
}

impl Picture {
    async fn of(state: &AppState) -> Result<Picture, AppError> {
        Ok(Picture {
            hotspots: kept(state).await?,
            routes: kept(state).await?,
            actions: kept(state).await?,
            incidents: kept(state).await?,
            districts: state.districts(),
        })
    }
}

/// The answer at `path` for the normalised query `normalised` (the agency is added here): the
/// kept one, or `compute`d from the picture off the async workers and kept until the next
/// change. The picture is read inside the build, after the cache has read the generation it
/// keeps the answer under.
async fn answer<T: Serialize + Send + 'static>(
    state: &AppState,
    viewer: &Viewer,
    (path, normalised): (&'static str, String),
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
        (model::api::CONFLICTS, normalised),
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
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["week"])?;
    let week = match params.get("week") {
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
    answer(
        &state,
        &viewer,
        (model::api::COVERAGE, format!("week={week}")),
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

/// The time and window of a summary query (`at`, default now to the minute; `from` and `to`,
/// default the week of `at`).
fn summary_window(params: &Params) -> Result<(Timestamp, (Timestamp, Timestamp)), AppError> {
    let at = params.timestamp("at")?.unwrap_or_else(this_minute);
    let window = match query::window(params.timestamp("from")?, params.timestamp("to")?)? {
        Some(w) => w,
        None => {
            let bad = |e: jiff::Error| AppError::BadRequest {
                field: "at".into(),
                reason: e.to_string(),
            };
            let start = monday_of(at).to_zoned_datetime(berlin()).map_err(bad)?;
            let end = start.checked_add(7.days()).map_err(bad)?;
            (start.timestamp(), end.timestamp())
        }
    };
    Ok((at, window))
}

pub async fn summary(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let params = Params::parse(raw.as_deref(), &["at", "from", "to"])?;
    let (at, window) = summary_window(&params)?;
    // Wall displays get the counts with small ones withheld, kept apart from the exact ones.
    let withhold = (viewer.role == Role::Display).then_some(state.small_count);
    let normalised = format!(
        "at={at}&from={}&to={}&withhold={}",
        window.0,
        window.1,
        withhold.unwrap_or(0)
    );
    answer(
        &state,
        &viewer,
        (model::api::SUMMARY, normalised),
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

fn district_summaries(
    p: &Picture,
    agency: &model::AgencyKey,
    at: Timestamp,
    window: (Timestamp, Timestamp),
) -> Vec<DistrictSummary> {
    let mut rows = analysis::district_summaries(
        &p.hotspots.released_to(agency),
        &p.routes.released_to(agency),
        &p.actions.released_to(agency),
        at,
        window,
    );
    let population = |key| {
        p.districts
            .iter()
            .find(|d| d.properties.key == key)
            .map_or(0, |d| d.properties.population)
    };
    DistrictSummary::add_incidents(
        &mut rows,
        p.incidents.released_to(agency).into_iter().map(|s| &s.item),
        window,
        population,
    );
    rows
}

/// Per-district counts of what is released to the viewer (`?at=&from=&to=`), for exports.
pub async fn summaries(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<Vec<DistrictSummary>, AppError> {
    let params = Params::parse(raw, &["at", "from", "to"])?;
    let (at, window) = summary_window(&params)?;
    let picture = Picture::of(state).await?;
    let agency = viewer.agency.clone();
    state
        .analyse(move || district_summaries(&picture, &agency, at, window))
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
        (model::api::INDICATORS, normalised),
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
