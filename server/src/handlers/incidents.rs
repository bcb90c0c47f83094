//! What incident reports have besides the layer endpoints every kind has:
//! - `GET /api/incidents/density?west=&south=&east=&north=&zoom=&from=&to=` (and the layer's
//!   filters `category`, `agency`, `district`): counts per grid cell ([`model::density`]).
//!   Wall displays get it too, with small counts withheld, cells at zoom 14 only, no filters
//!   and only fixed windows ([`model::density::check_display_window`]); they never get single incidents.
//! - `POST /api/import/incidents`: CSV or GeoJSON ([`crate::incident_import`]).

use axum::{
    Json,
    body::Body,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use futures_util::StreamExt;
use jiff::Timestamp;
use model::{
    AgencyKey, Incident,
    access::Role,
    density::{DISPLAY_ZOOM, Density, DensityQuery, Window},
};

use crate::{
    error::AppError,
    incident_import::{self, Format, Outcome},
    layer_cache::Encoding,
    params::{self as query, LAYER_FILTERS, Params},
    picture::kept,
    sessions::Viewer,
    state::AppState,
};

/// The density's own parameters, besides [`LAYER_FILTERS`].
pub const DENSITY_PARAMS: &[&str] = &["west", "south", "east", "north", "zoom"];

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
    let window = q
        .window
        .take()
        .unwrap_or_else(|| Window::FourWeeks.span(Timestamp::now()));
    let zoom = params
        .number("zoom", 0, i64::from(u8::MAX))?
        .ok_or_else(|| AppError::BadRequest {
            field: "zoom".into(),
            reason: "is required".into(),
        })?;
    let display = viewer.role == Role::Display;
    if display && zoom != i64::from(DISPLAY_ZOOM) {
        return Err(AppError::BadRequest {
            field: "zoom".into(),
            reason: format!("wall displays get cells at zoom {DISPLAY_ZOOM} only"),
        });
    }
    // A display's cells are the whole picture: one cell with and without a filter would give
    // the withheld count of the rest by subtraction.
    if display
        && let Some(filter) = ["category", "agency", "district"]
            .into_iter()
            .find(|f| params.get(f).is_some())
    {
        return Err(AppError::BadRequest {
            field: filter.into(),
            reason: "wall displays get the density unfiltered".into(),
        });
    }
    if display {
        query::display_window(window)?;
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
    let key = (crate::layer_cache::Answer::IncidentDensity, normalised);
    state
        .layers
        .answer(key, "application/json", encoding, build)
        .await
}

/// Largest incident upload: a million rows of a partner's export take about 100 MB.
pub const MAX_INCIDENT_UPLOAD: usize = 512 * 1024 * 1024;

/// `?released_to=kod,hza`: the agencies besides the importer's that may see the incidents.
fn released_to(params: &Params) -> Result<Vec<AgencyKey>, AppError> {
    let Some(list) = params.get("released_to") else {
        return Ok(vec![]);
    };
    let keys = list
        .split(',')
        .filter(|k| !k.trim().is_empty())
        .map(|k| {
            AgencyKey::parse(k.trim()).map_err(|e| AppError::BadRequest {
                field: "released_to".into(),
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if keys.len() > model::route::MAX_AGENCIES {
        return Err(AppError::BadRequest {
            field: "released_to".into(),
            reason: format!("at most {} agencies", model::route::MAX_AGENCIES),
        });
    }
    Ok(keys)
}

/// `POST /api/import/incidents[?released_to=…]`: CSV or GeoJSON (by `Content-Type`, else by
/// the first character), written to a temporary file as it arrives and imported from there
/// in one transaction: all or nothing.
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Outcome>), AppError> {
    let params = Params::parse(raw.as_deref(), &["released_to"])?;
    let released_to = released_to(&params)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let spool = tempfile::tempfile().map_err(|e| spool_error(&e))?;
    let mut file = tokio::fs::File::from_std(spool);
    let mut start = Vec::new();
    let mut size = 0usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest {
            field: "body".into(),
            reason: format!("the upload broke off: {e}"),
        })?;
        size += chunk.len();
        if size > MAX_INCIDENT_UPLOAD {
            return Err(AppError::PayloadTooLarge(MAX_INCIDENT_UPLOAD));
        }
        if start.len() < 64 {
            start.extend_from_slice(&chunk[..chunk.len().min(64 - start.len())]);
        }
        tokio::io::AsyncWriteExt::write_all(&mut file, &chunk)
            .await
            .map_err(|e| spool_error(&e))?;
    }
    let format = Format::detect(content_type.as_deref(), &start);
    let mut file = file.into_std().await;
    std::io::Seek::rewind(&mut file).map_err(|e| spool_error(&e))?;
    let districts = state.districts();
    let actor = viewer.actor();
    let outcome = state
        .commit(move |tx, changes| {
            let input = std::io::BufReader::with_capacity(1 << 16, file);
            let (outcome, event) =
                incident_import::import(tx, input, format, &released_to, &districts, &actor)?;
            changes.events.extend(event);
            Ok(outcome)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

fn spool_error(e: &std::io::Error) -> AppError {
    AppError::Db(crate::db::DbError::Task(format!(
        "cannot keep the upload in a temporary file: {e}"
    )))
}
