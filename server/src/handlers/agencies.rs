//! `GET /api/agencies` — the agencies; `POST /api/agencies` — add a guest agency.

use axum::{Json, extract::State, http::StatusCode};
use model::{
    Agency,
    access::AuditOp,
    agency::AgencyRole,
    validation::{Problems, check_text},
};

use crate::{audit, error::AppError, json::ApiJson, sessions::Viewer, state::AppState, store};

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Agency>>, AppError> {
    Ok(Json(state.db.call(store::agencies).await?))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(agency): ApiJson<Agency>,
) -> Result<(StatusCode, Json<Agency>), AppError> {
    let mut p = Problems::default();
    check_text(&mut p, "name", &agency.name, 120, true);
    check_text(&mut p, "short_name", &agency.short_name, 20, true);
    p.check(
        agency.role == AgencyRole::Guest,
        "role",
        "new agencies join as guests",
    );
    p.into_result().map_err(AppError::Invalid)?;
    let saved = agency.clone();
    let actor = viewer.actor();
    state
        .commit(move |tx, changes| {
            if store::agencies(tx)?.iter().any(|a| a.key == agency.key) {
                return Err(AppError::Invalid(vec![model::validation::FieldError {
                    field: "key".into(),
                    reason: format!("agency '{}' exists already", agency.key),
                }]));
            }
            store::insert_agency(tx, &agency)?;
            audit::append(
                tx,
                &actor,
                audit::Record::new(AuditOp::AgencyAdded, "agency").details(&agency),
            )?;
            // Layer queries check `agency=` against the kept list of agencies.
            changes.agencies = true;
            Ok(())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}
