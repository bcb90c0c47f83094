//! The server's read model: each layer's items as read from the database once per change and
//! kept in memory ([`Layer`], [`kept`]), and all of them together for the analyses
//! ([`Picture`]). Releasability is applied here, per request, before anything is kept for an
//! agency or sent.

use std::sync::Arc;

use jiff::{Timestamp, ToSpan};
use model::{
    Action, Hotspot, Incident, Item, LayerQuery, PatrolRoute, Stored,
    analysis::{self, DistrictSummary},
    layer_text::{collection_text, feature_text},
};

use crate::{
    error::AppError, params as query, params::Params, sessions::Viewer, state::AppState, store,
};

/// The items of layer `T` released to the viewer's agency that the query string's filters
/// select.
pub async fn filtered<T: Item>(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<Vec<Stored<T>>, AppError> {
    let layer = kept::<T>(state).await?;
    let q = query::layer_query::<T>(raw, &layer.agencies)?;
    Ok(layer
        .selected(&viewer.agency, &q)
        .map(|(s, _)| s.clone())
        .collect())
}

/// The layer answer (a FeatureCollection's text) of the items [`filtered`] selects, joined
/// from their kept feature texts, and how many features it holds.
pub async fn filtered_text<T: Item>(
    state: &AppState,
    viewer: &Viewer,
    raw: Option<&str>,
) -> Result<(usize, String), AppError> {
    let layer = kept::<T>(state).await?;
    let q = query::layer_query::<T>(raw, &layer.agencies)?;
    Ok(layer.text(&viewer.agency, &q))
}

/// A layer as read from the database once per change and kept in memory: its items, each
/// item's feature as text (a filtered answer is put together from them, not written anew),
/// and the agency keys (for checking `agency=`).
pub struct Layer<T> {
    items: Vec<Stored<T>>,
    features: Vec<Box<str>>,
    pub agencies: Vec<model::AgencyKey>,
}

impl<T: Item> Layer<T> {
    /// The agencies there are (for checking `agency=`).
    pub fn agencies(&self) -> &[model::AgencyKey] {
        &self.agencies
    }

    /// The items released to `agency` (see [`Item::visible_to`]), oldest first.
    pub fn released_to(&self, agency: &model::AgencyKey) -> Vec<&Stored<T>> {
        self.items
            .iter()
            .filter(|s| s.item.visible_to(agency))
            .collect()
    }

    /// The items released to `agency` that `q` selects.
    pub fn selected_items<'a>(
        &'a self,
        agency: &'a model::AgencyKey,
        q: &'a LayerQuery,
    ) -> impl Iterator<Item = &'a Stored<T>> {
        self.selected(agency, q).map(|(s, _)| s)
    }

    /// The items released to `agency` that `q` selects, each with its feature's text.
    /// Releasability is applied here, per request, before anything is kept or sent.
    pub fn selected<'a>(
        &'a self,
        agency: &'a model::AgencyKey,
        q: &'a LayerQuery,
    ) -> impl Iterator<Item = (&'a Stored<T>, &'a str)> {
        self.items
            .iter()
            .zip(self.features.iter().map(|f| &**f))
            .filter(move |(s, _)| s.item.visible_to(agency) && s.item.matches(q))
    }

    /// What [`Layer::selected`] selects as a FeatureCollection's text, and how many.
    pub fn text(&self, agency: &model::AgencyKey, q: &LayerQuery) -> (usize, String) {
        let mut count = 0;
        let text = collection_text(self.selected(agency, q).map(|(_, feature)| {
            count += 1;
            feature
        }));
        (count, text)
    }
}

/// Layer `T` as kept for the current generation: read from the database (and each item's
/// feature written) by the first request after a change, shared by the requests after it.
pub async fn kept<T: Item>(state: &AppState) -> Result<std::sync::Arc<Layer<T>>, AppError> {
    let read = async {
        let (items, agencies) = state
            .db
            .call(|c| {
                let agencies = store::agencies(c)?
                    .into_iter()
                    .map(|a| a.key)
                    .collect::<Vec<_>>();
                Ok::<_, store::StoreError>((store::list::<T>(c)?, agencies))
            })
            .await?;
        let features = items
            .iter()
            .map(feature_text)
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, AppError>(Layer {
            items,
            features,
            agencies,
        })
    };
    let key = (model::api::collection(T::KIND), String::new());
    state.layers.value(key, read).await
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
