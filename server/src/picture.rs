//! The server's read model: each layer's items as read from the database once per change and
//! kept in memory ([`kept`], the slots in [`crate::kept`]), and all of them together for the
//! analyses ([`Picture`]). Releasability is applied here, per request, before anything is kept for an
//! agency or sent.

use std::sync::Arc;

use jiff::{Timestamp, ToSpan};
use model::{
    Action, Hotspot, Incident, PatrolRoute, Stored,
    analysis::{self, DistrictSummary},
};

use crate::{
    error::AppError,
    kept::{KeptKind, Layer},
    params as query,
    params::Params,
    sessions::Viewer,
    state::AppState,
};

/// The items of layer `T` released to the viewer's agency that the query string's filters
/// select.
pub async fn filtered<T: KeptKind>(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<Vec<Stored<T>>, AppError> {
    let layer = kept::<T>(state).await?;
    let q = query::layer_query::<T>(raw, layer.agencies())?;
    Ok(layer
        .selected(&viewer.agency, &q)
        .map(|(s, _)| s.clone())
        .collect())
}

/// The layer answer (a FeatureCollection's text) of the items [`filtered`] selects, joined
/// from their kept feature texts, and how many features it holds.
pub async fn filtered_text<T: KeptKind>(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<(usize, String), AppError> {
    let layer = kept::<T>(state).await?;
    let q = query::layer_query::<T>(raw, layer.agencies())?;
    Ok(layer.text(&viewer.agency, &q))
}

/// Layer `T` as kept for the current generation: read from the database (and each item's
/// feature written, off the async workers) by the first request after a change to it, shared
/// by the requests after it. The generation is read before the database, so a layer is never
/// kept under a newer generation than its data.
pub async fn kept<T: KeptKind>(state: &AppState) -> Result<Arc<Layer<T>>, AppError> {
    let generation = state.layers.layer_generation(T::KIND);
    if !state.layers.trusted() {
        // Changes may be going unannounced (see `crate::change_feed`): read afresh.
        return Ok(Arc::new(state.db.call(Layer::<T>::read).await?));
    }
    let mut current = T::slot(&state.kept).lock().await;
    if let Some((g, layer)) = current.as_ref()
        && *g == generation
    {
        return Ok(Arc::clone(layer));
    }
    let layer = Arc::new(state.db.call(Layer::<T>::read).await?);
    *current = Some((generation, Arc::clone(&layer)));
    Ok(layer)
}

/// The three layers as kept in memory (read from the database once per change, shared with the
/// layer endpoints); each analysis takes what is released to the viewer's agency from them, so
/// analysis sees no more than the lists do.
pub struct Picture {
    pub hotspots: Arc<Layer<Hotspot>>,
    pub routes: Arc<Layer<PatrolRoute>>,
    pub actions: Arc<Layer<Action>>,
    pub incidents: Arc<Layer<Incident>>,
    /// Residents per district, for rates.
    pub districts: Arc<Vec<model::District>>,
}

impl Picture {
    pub async fn of(state: &AppState) -> Result<Picture, AppError> {
        Ok(Picture {
            hotspots: kept(state).await?,
            routes: kept(state).await?,
            actions: kept(state).await?,
            incidents: kept(state).await?,
            districts: state.districts(),
        })
    }
}

pub fn district_summaries(
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

/// The time and window of a summary query (`at`, default now to the minute; `from` and `to`,
/// default the week of `at`).
pub fn summary_window(params: &Params) -> Result<(Timestamp, (Timestamp, Timestamp)), AppError> {
    let at = params
        .timestamp("at")?
        .unwrap_or_else(|| model::schedule::to_the_minute(Timestamp::now()));
    let window = match query::window(params.timestamp("from")?, params.timestamp("to")?)? {
        Some(w) => w,
        None => {
            let bad = |e: jiff::Error| AppError::BadRequest {
                field: "at".into(),
                reason: e.to_string(),
            };
            let start = model::schedule::monday_of(at)
                .to_zoned_datetime(model::schedule::berlin())
                .map_err(bad)?;
            let end = start.checked_add(7.days()).map_err(bad)?;
            (start.timestamp(), end.timestamp())
        }
    };
    Ok((at, window))
}
