//! Signing in and out:
//! - `GET /api/session` — who is signed in, with the CSRF token for writes
//! - `POST /api/session` — sign in with login and password (rate-limited); sets the cookie
//! - `DELETE /api/session` — sign out: the session ends at once
//! - `POST /api/session/pair` — a wall display signs in with its one-time pairing code

use std::time::Instant;

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use model::access::{AuditOp, Login, Me, Pair};

use crate::{
    accounts, audit,
    error::AppError,
    guard::ClientAddr,
    json::ApiJson,
    sessions::{self, NewSession, Viewer},
    state::AppState,
};

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

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<Login>,
) -> Result<Response, AppError> {
    let limiter = &state.login_limiter;
    if let Some(wait) = limiter.wait(&body.login, addr.as_deref(), Instant::now()) {
        return Err(AppError::TooManyRequests(wait));
    }
    let login = body.login.clone();
    let found = state
        .db
        .call(move |c| accounts::find(c, &login))
        .await?
        .filter(|a| !a.account.disabled);
    let hash = found
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| accounts::decoy_hash().to_owned());
    let password = body.password;
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let matches = tokio::task::spawn_blocking(move || accounts::verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let Some(account) = found.filter(|a| matches && a.password_hash.is_some()) else {
        limiter.failed(&body.login, addr.as_deref(), Instant::now());
        return Err(AppError::BadCredentials);
    };
    limiter.succeeded(&body.login);
    let login = account.account.login;
    let session = state.db.call(move |c| sessions::create(c, &login)).await?;
    Ok(signed_in(&state, session))
}

pub async fn pair(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<Pair>,
) -> Result<Response, AppError> {
    let limiter = &state.login_limiter;
    // Guessing codes counts against the address like guessing passwords.
    if let Some(wait) = limiter.wait("(pairing)", addr.as_deref(), Instant::now()) {
        return Err(AppError::TooManyRequests(wait));
    }
    let session = state
        .db
        .call(move |c| {
            let Some(login) = accounts::redeem_pairing(c, &body.code)? else {
                return Ok(None);
            };
            let session = sessions::create(c, &login)?;
            audit::append(
                c,
                &session.viewer.actor(),
                audit::Record::new(AuditOp::DisplayPaired, "account").details(&login),
            )?;
            Ok::<_, AppError>(Some(session))
        })
        .await?;
    match session {
        Some(s) => Ok(signed_in(&state, s)),
        None => {
            limiter.failed("(pairing)", addr.as_deref(), Instant::now());
            Err(AppError::Invalid(vec![model::validation::FieldError::new(
                "code",
                "unknown, used or expired pairing code: ask an admin for a new one",
            )]))
        }
    }
}

pub async fn logout(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let hash = viewer.token_hash.clone();
    state.db.call(move |c| sessions::end(c, &hash)).await?;
    state.sessions_ended();
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&sessions::clear_cookie(state.tls)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}
