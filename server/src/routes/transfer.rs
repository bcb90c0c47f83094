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
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use jiff::Timestamp;
use model::{
    Action, Hotspot, Item, PatrolRoute,
    export::{actions_csv, actions_ics},
    item::layer,
};
use serde::Serialize;

use crate::{
    error::AppError,
    import, json,
    routes::{districts::GEO_JSON, items::filtered},
    state::AppState,
};

/// Largest accepted import body.
pub const MAX_IMPORT: usize = 16 * 1024 * 1024;

fn attachment(content_type: &'static str, file: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"lagebild-hamm-{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn geojson<T: Item>(
    state: &AppState,
    raw: Option<&str>,
    file: &str,
) -> Result<Response, AppError> {
    let items = filtered::<T>(state, raw).await?;
    let body = layer(items.iter(), &model::LayerQuery::default()).to_string();
    Ok(attachment(GEO_JSON, file, body))
}

pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let raw = raw.as_deref();
    match file.as_str() {
        "hotspots.geojson" => geojson::<Hotspot>(&state, raw, &file).await,
        "routes.geojson" => geojson::<PatrolRoute>(&state, raw, &file).await,
        "actions.geojson" => geojson::<Action>(&state, raw, &file).await,
        "actions.csv" => {
            let actions = filtered::<Action>(&state, raw).await?;
            Ok(attachment(
                "text/csv; charset=utf-8",
                &file,
                actions_csv(&actions),
            ))
        }
        "actions.ics" => {
            let actions = filtered::<Action>(&state, raw).await?;
            Ok(attachment(
                "text/calendar; charset=utf-8",
                &file,
                actions_ics(&actions, Timestamp::now()),
            ))
        }
        _ => Err(AppError::NotFound(format!(
            "export '{file}' (hotspots.geojson, routes.geojson, actions.geojson, actions.csv, actions.ics)"
        ))),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub imported: usize,
    pub ids: Vec<i64>,
}

pub async fn import_items<T: Item>(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Imported>), AppError> {
    let fc: geojson::FeatureCollection = json::parse(&body)?;
    let districts = state.districts();
    let (ids, events) = state
        .db
        .call(move |c| import::items::<T>(c, &fc, &districts))
        .await?;
    for e in events {
        state.publish(e);
    }
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
    body: Bytes,
) -> Result<(StatusCode, Json<Imported>), AppError> {
    let fc: geojson::FeatureCollection = json::parse(&body)?;
    let current = state.districts();
    let (districts, events) = state
        .db
        .call(move |c| import::districts(c, &fc, &current))
        .await?;
    let count = districts.len();
    *state.districts.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(districts);
    for e in events {
        state.publish(e);
    }
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            imported: count,
            ids: vec![],
        }),
    ))
}
