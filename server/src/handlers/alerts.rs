//! Early detection's alerts ([`crate::alerts`]):
//! - `GET /api/alerts?district=` — the viewer's agency's alerts now, from the incidents and
//!   hotspots released to it; wall displays get each alert's place and group only
//!   ([`model::alert::Alert::for_display`]).
//! - `POST /api/alerts/{key}/acknowledgement` — planners acknowledge one of their agency's
//!   current alerts with a reason from a fixed list (audited).

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use jiff::Timestamp;
use model::{
    DistrictKey, Hotspot,
    access::Role,
    alert::{Acknowledgement, AlertList, NewAcknowledgement},
};

use crate::{
    alerts, error::AppError, json::ApiJson, params::Params, picture::kept, sessions::Viewer,
    state::AppState,
};

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<AlertList>, AppError> {
    let params = Params::parse(raw.as_deref(), &["district"])?;
    let district = params
        .get("district")
        .map(|d| {
            d.parse::<DistrictKey>().map_err(|e| AppError::BadRequest {
                field: "district".into(),
                reason: e.to_string(),
            })
        })
        .transpose()?;
    let current = alerts::current(&state, &viewer.agency).await?;
    let mut list = AlertList::clone(&current);
    if let Some(d) = district {
        list.alerts.retain(|a| a.district == Some(d));
    }
    if viewer.role == Role::Display {
        let (below, from) = (state.small_count, list.from);
        list.alerts = list
            .alerts
            .into_iter()
            .map(|a| a.for_display(below, from))
            .collect();
        // How many places were tested rises with each incident in a new cell.
        list.tests = 0;
        return Ok(Json(list));
    }
    let agency = viewer.agency.clone();
    let acks = state
        .db
        .call(move |c| alerts::acknowledgements(c, &agency, Timestamp::now()))
        .await?;
    for a in &mut list.alerts {
        a.acknowledged = acks.get(&a.key).cloned();
    }
    Ok(Json(list))
}

pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
    ApiJson(new): ApiJson<NewAcknowledgement>,
) -> Result<(StatusCode, Json<Acknowledgement>), AppError> {
    let keys = new.keys(&key).map_err(|e| AppError::BadRequest {
        field: e.field,
        reason: e.reason,
    })?;
    // A hotspot made from the alert is one of the agency's own.
    if let Some(id) = new.hotspot {
        let hotspots = kept::<Hotspot>(&state).await?;
        let own = hotspots
            .released_to(&viewer.agency)
            .iter()
            .any(|h| h.id == id && h.item.agency == viewer.agency);
        if !own {
            return Err(AppError::NotFound(format!("hotspot {id} of your agency")));
        }
    }
    // A current alert, or one raised for the agency within the week (made into a hotspot,
    // an alert continues under the hotspot's key).
    let current = alerts::current(&state, &viewer.agency).await?;
    let agency = viewer.agency.clone();
    let asked = key.clone();
    let raised = state
        .db
        .call(move |c| alerts::raised_lately(c, &agency, &asked, Timestamp::now()))
        .await?;
    if !raised && !current.alerts.iter().any(|a| a.key == key) {
        return Err(AppError::NotFound(format!(
            "no alert '{key}' for your agency this week"
        )));
    }
    let actor = viewer.actor();
    let ack = state
        .commit(move |tx, _| {
            Ok(alerts::acknowledge(
                tx,
                &actor,
                &keys,
                new.reason,
                Timestamp::now(),
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ack)))
}
