//! Exports and imports.
//! - `GET /api/export/{file}` — `hotspots.geojson`, `routes.geojson`, `actions.geojson`,
//!   `actions.csv`, `actions.ics`; the layer filters apply
//! - `POST /api/import/districts` — official boundaries (a FeatureCollection of the seven)
//! - `POST /api/import/hotspots`, `POST /api/import/routes` — items as a FeatureCollection
//!
//! Imports are validated as a whole and stored in one transaction: all or nothing.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use jiff::Timestamp;
use model::{
    Action, Hotspot, Incident, Item, PatrolRoute,
    access::AuditOp,
    analysis::{DistrictSummary, shown_count},
    api::GEO_JSON,
    export::{actions_csv, actions_ics},
};
use serde::Serialize;

use crate::{
    attachment::attachment,
    audit,
    error::AppError,
    import, json,
    picture::{filtered, filtered_text, summaries},
    sessions::Viewer,
    state::AppState,
};

/// Largest accepted import body.
pub const MAX_IMPORT: usize = 16 * 1024 * 1024;

/// What an export's audit entry records: the filters and how many rows left the system.
#[derive(Serialize)]
struct Exported<'a> {
    query: &'a str,
    count: usize,
}

pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let raw = raw.as_deref();
    let v = &viewer;
    let (content_type, count, body) = match file.as_str() {
        "hotspots.geojson" => geojson(filtered_text::<Hotspot>(&state, v, raw).await?),
        "routes.geojson" => geojson(filtered_text::<PatrolRoute>(&state, v, raw).await?),
        "actions.geojson" => geojson(filtered_text::<Action>(&state, v, raw).await?),
        "incidents.geojson" => geojson(filtered_text::<Incident>(&state, v, raw).await?),
        "actions.csv" => {
            let actions = filtered::<Action>(&state, v, raw).await?;
            (
                "text/csv; charset=utf-8",
                actions.len(),
                actions_csv(&actions),
            )
        }
        "actions.ics" => {
            let actions = filtered::<Action>(&state, v, raw).await?;
            let body = actions_ics(&actions, Timestamp::now());
            ("text/calendar; charset=utf-8", actions.len(), body)
        }
        "districts.csv" => {
            let rows = summaries(&state, v, raw).await?;
            let body = districts_csv(&rows, state.small_count);
            ("text/csv; charset=utf-8", rows.len(), body)
        }
        _ => {
            return Err(AppError::NotFound(format!(
                "export '{file}' (hotspots.geojson, routes.geojson, actions.geojson, incidents.geojson, actions.csv, actions.ics, districts.csv)"
            )));
        }
    };
    // The export is recorded before it leaves: no record, no export.
    let actor = viewer.actor();
    let subject = file.clone();
    let query = raw.unwrap_or_default().to_owned();
    state
        .db
        .call(move |c| {
            audit::append(
                c,
                &actor,
                audit::Record::new(AuditOp::Exported, &subject).details(&Exported {
                    query: &query,
                    count,
                }),
            )
        })
        .await?;
    Ok(attachment(content_type, &file, body))
}

/// A GeoJSON export: the layer's text as the layer endpoint answers it, and its count.
fn geojson((count, body): (usize, String)) -> (&'static str, usize, String) {
    (GEO_JSON, count, body)
}

/// Per-district counts as CSV; counts below `small` are written as "< small".
fn districts_csv(rows: &[DistrictSummary], small: u32) -> String {
    let below = (small > 0).then_some(small);
    let mut out = String::from(
        "district,hotspots_active,actions,routes,conflicts,incidents,incidents_per_1000\r\n",
    );
    for r in rows {
        let cells = [
            r.hotspots_active,
            r.actions,
            r.routes,
            r.conflicts,
            r.incidents,
        ]
        .map(|n| shown_count(n, below));
        // A rate of a withheld count would give the count away.
        let rate = if below.is_some_and(|b| r.incidents < b) {
            String::new()
        } else {
            format!("{:.1}", r.incidents_per_1000)
        };
        out.push_str(&format!("{},{},{rate}\r\n", r.district, cells.join(",")));
    }
    out
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub imported: usize,
    pub ids: Vec<i64>,
}

pub async fn import_items<T: Item>(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<(StatusCode, Json<Imported>), AppError> {
    let fc: geojson::FeatureCollection = json::parse(&body)?;
    let districts = state.districts();
    let actor = viewer.actor();
    let ids = state
        .commit(move |tx, changes| {
            let (ids, events) = import::items::<T>(tx, &fc, &districts, &actor)?;
            changes.events = events;
            Ok(ids)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            imported: ids.len(),
            ids,
        }),
    ))
}

pub async fn import_districts(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<(StatusCode, Json<Imported>), AppError> {
    let fc: geojson::FeatureCollection = json::parse(&body)?;
    let current = state.districts();
    let actor = viewer.actor();
    let count = state
        .commit(move |tx, changes| {
            let (districts, events) = import::districts(tx, &fc, &current, &actor)?;
            let count = districts.len();
            changes.districts = Some(districts);
            changes.events = events;
            Ok(count)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            imported: count,
            ids: vec![],
        }),
    ))
}
