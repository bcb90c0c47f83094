//! Signed-in requests for the in-process handler tests.

use axum::http::{header, request::Builder};
use model::{AgencyKey, access::Role};

use crate::{accounts, sessions, state::AppState};

/// A session's cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct TestSession {
    pub cookie: String,
    pub csrf: String,
}

impl TestSession {
    /// Adds the cookie and the CSRF token to a request.
    pub fn sign(&self, builder: Builder) -> Builder {
        builder
            .header(header::COOKIE, &self.cookie)
            .header(model::access::CSRF_HEADER, &self.csrf)
    }
}

/// Creates account `login` (role, agency) and signs it in.
pub async fn session(state: &AppState, login: &str, role: Role, agency: &str) -> TestSession {
    let agency = AgencyKey::parse(agency).expect("agency key");
    let login = login.to_owned();
    let new = state
        .db
        .call(move |c| {
            let password = (role != Role::Display).then_some("ein langes Testpasswort");
            accounts::add(c, &login, role, &agency, password)?;
            sessions::create(c, &login)
        })
        .await
        .expect("account and session");
    TestSession {
        cookie: format!("{}={}", sessions::COOKIE_PLAIN, new.token),
        csrf: new.viewer.csrf.to_string(),
    }
}

/// Another session for an existing account.
pub async fn another_session(state: &AppState, login: &str) -> TestSession {
    let login = login.to_owned();
    let new = state
        .db
        .call(move |c| sessions::create(c, &login))
        .await
        .expect("session");
    TestSession {
        cookie: format!("{}={}", sessions::COOKIE_PLAIN, new.token),
        csrf: new.viewer.csrf.to_string(),
    }
}
