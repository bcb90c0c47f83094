//! Accounts, wall displays and the audit trail, for admins (their own agency's) and operators
//! (every agency's), as [`model::policy`] decides:
//! - `GET /api/accounts`, `POST /api/accounts` — list and add accounts
//! - `POST /api/accounts/{login}/disable` — disable an account; its sessions end at once
//! - `POST /api/accounts/{login}/enable` — enable a disabled account again
//! - `POST /api/displays` — a one-time code to pair a wall display
//! - `GET /api/audit?limit=&before=` — the audit trail as the viewer may read it, newest first
//! - `GET /api/audit/export.csv` — all of it as CSV
//!
//! Reading and exporting the trail are recorded in it; every change is recorded in the same
//! transaction as the change.

use crate::sql::Tx;
use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use model::{
    AgencyKey,
    access::{Account, AuditEntry, AuditOp, NewAccount, NewDisplay, PairingCode, Role},
    policy,
};

use crate::{
    accounts, attachment::attachment, audit, error::AppError, json::ApiJson, params::Params,
    sessions::Viewer, state::AppState,
};

/// Refuses what the viewer may not manage: an account of `role` of `agency`.
fn manages(viewer: &Viewer, agency: &AgencyKey, role: Role) -> Result<(), AppError> {
    if policy::may_manage_account(viewer.role, &viewer.agency, agency, role) {
        return Ok(());
    }
    Err(if role == Role::Operator && *agency == viewer.agency {
        AppError::forbidden_field("role", "operator accounts are managed by operators only")
    } else {
        AppError::forbidden_field(
            "agency",
            format!(
                "accounts and displays of '{agency}' are managed by its own admins and the operators"
            ),
        )
    })
}

/// Account `login`, if the viewer may manage it (404 if there is none, 403 if it is not
/// theirs).
fn managed(conn: &Tx, viewer: &Viewer, login: &str) -> Result<Account, AppError> {
    let account = accounts::find(conn, login)?
        .map(|a| a.account)
        .ok_or_else(|| AppError::NotFound(format!("account '{login}'")))?;
    manages(viewer, &account.agency, account.role)?;
    Ok(account)
}

/// The accounts the viewer manages: an admin's agency's, or (operators) all.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<Account>>, AppError> {
    let all = state.db.call(accounts::list).await?;
    Ok(Json(
        all.into_iter()
            .filter(|a| policy::may_manage_account(viewer.role, &viewer.agency, &a.agency, a.role))
            .collect(),
    ))
}

pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(new): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Account>), AppError> {
    manages(&viewer, &new.agency, new.role)?;
    accounts::check_new(&new.login, new.role, new.password.as_deref())?;
    let hash = match (new.role, new.password) {
        (Role::Display, _) | (_, None) => None,
        (_, Some(password)) => Some(state.passwords.hash(password).await?),
    };
    let actor = viewer.actor();
    let account = state
        .record(move |tx, _| {
            let account = accounts::insert(tx, &new.login, new.role, &new.agency, hash)?;
            audit::append(
                tx,
                &actor,
                audit::Record::new(AuditOp::AccountAdded, "account")
                    .concerns(&account.agency)
                    .details(&account),
            )?;
            Ok(account)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Disables or enables account `login` and records it, in one transaction.
async fn set_disabled(
    state: &AppState,
    viewer: &Viewer,
    login: String,
    disable: bool,
) -> Result<Json<Account>, AppError> {
    let (viewer, actor) = (viewer.clone(), viewer.actor());
    let account = state
        .record(move |tx, changes| {
            let before = managed(tx, &viewer, &login)?;
            let (account, op) = if disable {
                changes.sessions_ended = true;
                (accounts::disable(tx, &login)?, AuditOp::AccountDisabled)
            } else {
                (accounts::enable(tx, &login)?, AuditOp::AccountEnabled)
            };
            audit::append(
                tx,
                &actor,
                audit::Record::new(op, "account")
                    .concerns(&account.agency)
                    .change(
                        serde_json::to_string(&before).ok(),
                        serde_json::to_string(&account).ok(),
                    ),
            )?;
            Ok(account)
        })
        .await?;
    Ok(Json(account))
}

/// Disables an account: its sessions end and its event streams close at once.
pub async fn disable(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(login): Path<String>,
) -> Result<Json<Account>, AppError> {
    set_disabled(&state, &viewer, login, true).await
}

/// Enables a disabled account again.
pub async fn enable(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(login): Path<String>,
) -> Result<Json<Account>, AppError> {
    set_disabled(&state, &viewer, login, false).await
}

/// A pairing code for a wall display of the viewer's agency (operators: of the agency named).
pub async fn pairing_code(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(new): ApiJson<NewDisplay>,
) -> Result<(StatusCode, Json<PairingCode>), AppError> {
    let agency = new.agency.clone().unwrap_or_else(|| viewer.agency.clone());
    manages(&viewer, &agency, Role::Display)?;
    model::access::check_login(&new.login).map_err(|e| AppError::Invalid(vec![e]))?;
    let actor = viewer.actor();
    let code = state
        .record(move |tx, _| {
            // An existing display keeps its agency: the viewer must manage that one.
            if let Some(existing) = accounts::find(tx, &new.login)? {
                manages(&viewer, &existing.account.agency, existing.account.role)?;
            }
            let code = accounts::issue_pairing(tx, &new.login, &agency)?;
            audit::append(
                tx,
                &actor,
                audit::Record::new(AuditOp::PairingCodeIssued, "account")
                    .concerns(&code.agency)
                    .details(
                        &serde_json::json!({"login": code.login, "expires_at": code.expires_at}),
                    ),
            )?;
            Ok(code)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(code)))
}

/// The trail as the viewer may read it, newest first (see [`policy::audit_entry_for`]): at most
/// `limit` entries older than `before`. The reading itself is recorded.
pub async fn trail(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let params = Params::parse(raw.as_deref(), &["limit", "before"])?;
    let limit = params.number("limit", 1, 1000)?.unwrap_or(200);
    let before = params.number("before", 1, i64::MAX)?;
    let actor = viewer.actor();
    let entries = state
        .record(move |tx, _| {
            let entries = audit::list_for(tx, viewer.role, &viewer.agency, limit, before)?;
            audit::append(
                tx,
                &actor,
                audit::Record::new(AuditOp::AuditRead, "audit").details(&serde_json::json!({
                    "limit": limit, "before": before, "count": entries.len()
                })),
            )?;
            Ok(entries)
        })
        .await?;
    Ok(Json(entries))
}

/// All of the trail the viewer may read, as CSV; the export is recorded before it leaves.
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let actor = viewer.actor();
    let entries = state
        .record(move |tx, _| {
            let entries = audit::list_for(tx, viewer.role, &viewer.agency, i64::MAX, None)?;
            audit::append(
                tx,
                &actor,
                audit::Record::new(AuditOp::AuditExported, "audit.csv").details(&entries.len()),
            )?;
            Ok(entries)
        })
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "audit.csv",
        audit::csv(&entries),
    ))
}
