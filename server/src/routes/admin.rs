//! What only admins do:
//! - `GET /api/accounts`, `POST /api/accounts` — list and add accounts
//! - `POST /api/accounts/{login}/disable` — disable an account; its sessions end at once
//! - `POST /api/displays` — a one-time code to pair a wall display of the admin's agency
//! - `GET /api/audit?limit=&before=` — the audit trail, newest first
//! - `GET /api/audit/export.csv` — all of it as CSV (itself recorded in the trail)

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use model::access::{Account, AuditEntry, AuditOp, NewAccount, NewDisplay, PairingCode};

use crate::{
    accounts, audit,
    error::AppError,
    json::ApiJson,
    routes::{query, query_pairs, transfer::attachment},
    sessions::Viewer,
    state::AppState,
};

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Account>>, AppError> {
    Ok(Json(state.db.call(|c| accounts::list(c)).await?))
}

pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Account>), AppError> {
    let actor = viewer.actor();
    let account = state
        .db
        .call(move |c| {
            let tx = c.transaction().map_err(crate::db::DbError::from)?;
            let account = accounts::add(
                &tx,
                &new.login,
                new.role,
                &new.agency,
                new.password.as_deref(),
            )?;
            audit::append(
                &tx,
                &actor,
                audit::Record::new(AuditOp::AccountAdded, "account").details(&account),
            )?;
            tx.commit().map_err(crate::db::DbError::from)?;
            Ok::<_, AppError>(account)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

pub async fn disable(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(login): Path<String>,
) -> Result<Json<Account>, AppError> {
    let actor = viewer.actor();
    let account = state
        .db
        .call(move |c| {
            let before = accounts::find(c, &login)?.map(|a| a.account);
            let account = accounts::disable(c, &login)?;
            audit::append(
                c,
                &actor,
                audit::Record::new(AuditOp::AccountDisabled, "account").change(
                    before.and_then(|b| serde_json::to_string(&b).ok()),
                    serde_json::to_string(&account).ok(),
                ),
            )?;
            Ok::<_, AppError>(account)
        })
        .await?;
    // Its event streams close now, not at their next request.
    state.sessions_ended();
    Ok(Json(account))
}

pub async fn pairing_code(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(new): ApiJson<NewDisplay>,
) -> Result<(StatusCode, Json<PairingCode>), AppError> {
    let actor = viewer.actor();
    let code = state
        .db
        .call(move |c| {
            let code = accounts::issue_pairing(c, &new.login, &actor.agency)?;
            audit::append(
                c,
                &actor,
                audit::Record::new(AuditOp::DisplayPaired, "account")
                    .details(&(&code.login, "pairing code issued")),
            )?;
            Ok::<_, AppError>(code)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(code)))
}

pub async fn trail(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let pairs = query_pairs(raw.as_deref());
    let params = query::only(&pairs, &["limit", "before"])?;
    let number = |name: &str, min: i64, max: i64| {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| AppError::BadRequest {
                        field: name.to_owned(),
                        reason: format!("must be a whole number from {min} to {max}"),
                    })
            })
            .transpose()
    };
    let limit = number("limit", 1, 1000)?.unwrap_or(200);
    let before = number("before", 1, i64::MAX)?;
    Ok(Json(
        state
            .db
            .call(move |c| audit::list(c, limit, before))
            .await?,
    ))
}

pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let actor = viewer.actor();
    let entries = state
        .db
        .call(move |c| {
            let entries = audit::list(c, i64::MAX, None)?;
            audit::append(
                c,
                &actor,
                audit::Record::new(AuditOp::AuditExported, "audit.csv").details(&entries.len()),
            )?;
            Ok::<_, AppError>(entries)
        })
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "audit.csv",
        audit::csv(&entries),
    ))
}
