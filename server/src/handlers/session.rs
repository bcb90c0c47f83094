//! Signing in and out:
//! - `GET /api/session` — who is signed in, with the CSRF token for writes
//! - `POST /api/session` — sign in with login and password (rate-limited); sets the cookie
//! - `DELETE /api/session` — sign out: the session ends at once
//! - `POST /api/session/pair` — a wall display signs in with its one-time pairing code
//!
//! Sign-ins, failed sign-ins, lock-outs and pairings are recorded in the audit trail (login,
//! address, time; never a password, never an unknown login as typed).

use jiff::Timestamp;

use crate::sql::Tx;
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use model::{
    AgencyKey,
    access::{AuditOp, Login, Me, Pair, check_sign_in},
};
use serde_json::json;

use crate::{
    accounts, audit,
    error::AppError,
    guard::ClientAddr,
    json::ApiJson,
    rate_limit::LockedOut,
    sessions::{self, NewSession, Viewer},
    state::AppState,
};

/// What the trail records for a sign-in by a login no account has: what was typed may have
/// been a password.
const UNKNOWN_LOGIN: &str = "(unknown login)";
/// What the trail records for a wrong pairing code (whose display is unknown).
const PAIRING: &str = "(pairing code)";

pub async fn me(viewer: Viewer) -> Json<Me> {
    Json(viewer.me())
}

fn signed_in(state: &AppState, session: NewSession) -> Response {
    let mut response = Json(session.viewer.me()).into_response();
    if let Ok(v) = HeaderValue::from_str(&sessions::cookie(&session.token, state.tls)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Records a failed sign-in (and the lock-out it caused) of `account` (`None`: unknown).
fn record_failure(
    conn: &Tx,
    account: Option<&(String, AgencyKey)>,
    address: Option<&str>,
    locked: Option<LockedOut>,
) -> Result<(), AppError> {
    let (login, agency) = match account {
        Some((login, agency)) => (login.as_str(), Some(agency)),
        None => (UNKNOWN_LOGIN, None),
    };
    let record = |op| {
        let r = audit::Record::new(op, "account");
        match agency {
            Some(a) => r.concerns(a),
            None => r,
        }
    };
    audit::append_as(
        conn,
        login,
        agency,
        record(AuditOp::SignInFailed).details(&json!({"address": address})),
    )?;
    if let Some(locked) = locked {
        let what = match locked {
            LockedOut::Account => "account",
            LockedOut::Address => "address",
        };
        audit::append_as(
            conn,
            login,
            agency,
            record(AuditOp::LockedOut).details(&json!({"address": address, "locked": what})),
        )?;
    }
    Ok(())
}

/// Signs in. The attempt counts against the account and the address *before* the password is
/// checked, and at most a few passwords are checked at once (the rest wait briefly, then
/// `503`).
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<Login>,
) -> Result<Response, AppError> {
    check_sign_in(&body).map_err(|e| AppError::Invalid(vec![e]))?;
    let limiter = &state.login_limiter;
    let attempt = limiter
        .begin_sign_in(&body.login, addr.as_deref(), Timestamp::now())
        .await?;
    let login = body.login.clone();
    let stored = match state.db.call(move |c| accounts::find(c, &login)).await {
        Ok(stored) => stored,
        Err(e) => {
            attempt.cancelled().await?;
            return Err(e.into());
        }
    };
    // A disabled account's failures are recorded under its name, like an enabled one's.
    let known = stored
        .as_ref()
        .map(|a| (a.account.login.clone(), a.account.agency.clone()));
    let found = stored.filter(|a| !a.account.disabled);
    let hash = found
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| accounts::decoy_hash().to_owned());
    let matches = match state.passwords.verify(hash, body.password).await {
        Ok(matches) => matches,
        Err(busy) => {
            attempt.cancelled().await?;
            return Err(busy);
        }
    };
    let Some(account) = found.filter(|a| matches && a.password_hash.is_some()) else {
        let locked = attempt.failed().await?;
        state
            .record(move |tx, _| record_failure(tx, known.as_ref(), addr.as_deref(), locked))
            .await?;
        return Err(AppError::BadCredentials);
    };
    attempt.succeeded().await?;
    let (login, agency) = (account.account.login, account.account.agency);
    let session = state
        .record(move |tx, _| {
            let session = sessions::create(tx, &login)?;
            audit::append(
                tx,
                &session.viewer.actor(),
                audit::Record::new(AuditOp::SignedIn, "account")
                    .concerns(&agency)
                    .details(&json!({"address": addr})),
            )?;
            Ok(session)
        })
        .await?;
    Ok(signed_in(&state, session))
}

/// A wall display signs in with its pairing code; wrong codes count against the address.
pub async fn pair(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<Pair>,
) -> Result<Response, AppError> {
    if body.code.len() > 32 {
        return Err(AppError::Invalid(vec![model::validation::FieldError::new(
            "code",
            "a pairing code has eight digits",
        )]));
    }
    let limiter = &state.login_limiter;
    let attempt = limiter
        .begin_pairing(addr.as_deref(), Timestamp::now())
        .await?;
    let address = addr.clone();
    let addr_for_trail = addr.clone();
    let session = state
        .record(move |tx, _| {
            let Some(login) = accounts::redeem_pairing(tx, &body.code)? else {
                return Ok(None);
            };
            let session = sessions::create(tx, &login)?;
            audit::append(
                tx,
                &session.viewer.actor(),
                audit::Record::new(AuditOp::DisplayPaired, "account")
                    .concerns(&session.viewer.agency)
                    .details(&json!({"login": login, "address": address})),
            )?;
            Ok(Some(session))
        })
        .await;
    match session {
        Ok(Some(s)) => {
            attempt.succeeded().await?;
            Ok(signed_in(&state, s))
        }
        Ok(None) => {
            let locked = attempt.failed().await?;
            state
                .record(move |tx, _| {
                    let record = |op| audit::Record::new(op, "account");
                    let address = json!({"address": addr_for_trail});
                    audit::append_as(
                        tx,
                        PAIRING,
                        None,
                        record(AuditOp::PairingFailed).details(&address),
                    )?;
                    if locked.is_some() {
                        audit::append_as(
                            tx,
                            PAIRING,
                            None,
                            record(AuditOp::LockedOut).details(&address),
                        )?;
                    }
                    Ok(())
                })
                .await?;
            Err(AppError::Invalid(vec![model::validation::FieldError::new(
                "code",
                "unknown, used or expired pairing code: ask an admin for a new one",
            )]))
        }
        Err(e) => {
            attempt.cancelled().await?;
            Err(e)
        }
    }
}

pub async fn logout(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let hash = viewer.token_hash.clone();
    state
        .record(move |tx, changes| {
            sessions::end(tx, &hash)?;
            changes.sessions_ended = true;
            Ok(())
        })
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&sessions::clear_cookie(state.tls)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}
