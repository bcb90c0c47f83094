//! What incident reports have besides the layer endpoints every kind has:
//! - `GET /api/incidents/density?west=&south=&east=&north=&zoom=&from=&to=` (and the layer's
//!   filters `category`, `agency`, `district`): counts per grid cell ([`model::density`]).
//!   Wall displays get it too, with small counts withheld and cells no finer than zoom 14;
//!   they never get single incidents.
//! - `POST /api/import/incidents`: CSV or GeoJSON ([`crate::incident_import`]).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use jiff::{Timestamp, ToSpan};
use model::{
    Incident,
    access::Role,
    density::{DISPLAY_MAX_ZOOM, Density, DensityQuery},
};

use crate::{
    error::AppError,
    layer_cache::Encoding,
    routes::{
        items::kept,
        query::{self, LAYER_FILTERS, Params},
    },
    sessions::Viewer,
    state::AppState,
};

/// The density's own parameters, besides [`LAYER_FILTERS`].
pub const DENSITY_PARAMS: &[&str] = &["west", "south", "east", "north", "zoom"];

/// The window when none is given: the last 28 days.
const DEFAULT_DAYS: i64 = 28;

fn required(params: &Params, name: &str) -> Result<f64, AppError> {
    params.decimal(name)?.ok_or_else(|| AppError::BadRequest {
        field: name.to_owned(),
        reason: "is required".into(),
    })
}

pub async fn density(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let allowed: Vec<&str> = LAYER_FILTERS
        .iter()
        .chain(DENSITY_PARAMS)
        .copied()
        .collect();
    let params = Params::parse(raw.as_deref(), &allowed)?;
    let layer = kept::<Incident>(&state).await?;
    let mut q = query::layer_query_of::<Incident>(&params, layer.agencies())?;
    let window = q.window.take().unwrap_or_else(|| {
        let now = Timestamp::now();
        let from = now.checked_sub((DEFAULT_DAYS * 24).hours()).unwrap_or(now);
        (from, now)
    });
    let zoom = params
        .number("zoom", 0, i64::from(u8::MAX))?
        .ok_or_else(|| AppError::BadRequest {
            field: "zoom".into(),
            reason: "is required".into(),
        })?;
    let display = viewer.role == Role::Display;
    if display && zoom > i64::from(DISPLAY_MAX_ZOOM) {
        return Err(AppError::BadRequest {
            field: "zoom".into(),
            reason: format!("wall displays get cells down to zoom {DISPLAY_MAX_ZOOM}"),
        });
    }
    let dq = DensityQuery {
        bbox: [
            required(&params, "west")?,
            required(&params, "south")?,
            required(&params, "east")?,
            required(&params, "north")?,
        ],
        zoom: u8::try_from(zoom).unwrap_or(u8::MAX),
        window,
    };
    dq.check().map_err(|e| AppError::BadRequest {
        field: e.field.into(),
        reason: e.reason,
    })?;
    let withhold = display.then_some(state.small_count);
    let [w, s, e, n] = dq.bbox;
    let normalised = format!(
        "{}?{}&bbox={w},{s},{e},{n}&zoom={}&from={}&to={}&withhold={}",
        viewer.agency,
        query::layer_key(&q),
        dq.zoom,
        window.0,
        window.1,
        withhold.unwrap_or(0)
    );
    let agency = viewer.agency.clone();
    let reader = state.clone();
    let build = async move {
        // Read again inside the build, after the cache read the generation it keeps the
        // answer under.
        let layer = kept::<Incident>(&reader).await?;
        let density = reader
            .analyse(move || {
                let d = Density::of(layer.selected_items(&agency, &q).map(|s| &s.item), &dq);
                match withhold {
                    Some(below) => d.withhold_below(below),
                    None => d,
                }
            })
            .await?;
        Ok::<_, AppError>(serde_json::to_string(&density)?)
    };
    let key = (model::api::INCIDENT_DENSITY, normalised);
    state
        .layers
        .answer(key, "application/json", encoding, build)
        .await
}
