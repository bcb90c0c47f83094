//! Access control in front of every API route: who is asking (the session cookie), whether
//! their role may use the route (each route declares its [`Access`]), and for state-changing
//! requests, CSRF protection: the session's token in `X-CSRF-Token`, and no cross-site request
//! (`Sec-Fetch-Site`, `Origin`) at all.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{FromRequestParts, OptionalFromRequestParts, Request, State},
    http::{HeaderMap, Method, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use jiff::Timestamp;
use model::access::{Access, CSRF_HEADER};

use crate::{
    error::AppError,
    sessions::{self, Viewer},
    state::AppState,
};

/// What the guard of one path knows: the state and each method's access.
#[derive(Clone)]
pub struct Rules {
    pub state: AppState,
    pub access: Arc<Vec<(Method, Access)>>,
    /// An event stream: it stays open, so it has no deadline, and it does not count as
    /// activity for the idle timeout.
    pub stream: bool,
    /// A bulk upload (incident import): it may take [`BULK_TIMEOUT`] instead of the state's
    /// `request_timeout`.
    pub bulk: bool,
}

/// How long a bulk upload may take, reading its body included.
pub const BULK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The viewer of the request's session cookie, if it names a valid session.
pub async fn viewer(
    state: &AppState,
    headers: &HeaderMap,
    touch: bool,
) -> Result<Option<Viewer>, AppError> {
    let Some(token) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| sessions::token_from_cookies(v, state.tls))
        .map(str::to_owned)
    else {
        return Ok(None);
    };
    let hash = crate::accounts::digest(&token);
    let generation = match state.session_cache.get(&hash, Instant::now()) {
        Ok(v) => return Ok(Some(v)),
        Err(generation) => generation,
    };
    let viewer = state
        .db
        .call(move |c| sessions::resolve_hash(c, &hash, Timestamp::now(), touch))
        .await?;
    if let Some(v) = &viewer {
        state
            .session_cache
            .put(v.clone(), generation, Instant::now());
    }
    Ok(viewer)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request that another site started. The request's own host is its
/// `Host` header, or (HTTP/2, which has none) the authority of its URI; an `Origin` that cannot
/// be compared with either is refused.
fn check_same_origin(headers: &HeaderMap, authority: Option<&str>) -> Result<(), AppError> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Err(AppError::ForbiddenHeader {
            header: "Sec-Fetch-Site",
            reason: format!("cross-site request refused (Sec-Fetch-Site: {site})"),
        });
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        let host = text("host").or(authority);
        if host.is_none_or(|host| !origin_host.eq_ignore_ascii_case(host)) {
            return Err(AppError::ForbiddenHeader {
                header: "Origin",
                reason: format!("cross-origin request refused (Origin: {origin})"),
            });
        }
    }
    Ok(())
}

/// Do the two tokens match? In constant time, so the time of a refusal tells nothing of how
/// much of a guessed token was right.
fn same_token(sent: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    sent.len() == expected.len() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

/// The middleware: refuses what the rules do not allow, and answers `408` with a JSON error if
/// a request but an event stream (reading its body included) is not done within the state's
/// `request_timeout`. One middleware for both, since every API request passes it.
pub async fn guard(State(rules): State<Rules>, req: Request, next: Next) -> Response {
    if rules.stream {
        return admit(&rules, req, next).await;
    }
    let limit = if rules.bulk {
        BULK_TIMEOUT.max(rules.state.request_timeout)
    } else {
        rules.state.request_timeout
    };
    match tokio::time::timeout(limit, admit(&rules, req, next)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout(limit).into_response(),
    }
}

async fn admit(rules: &Rules, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let authority = req.uri().authority().map(|a| a.as_str());
    match check(rules, method, req.headers(), authority).await {
        Ok(viewer) => {
            if let Some(v) = viewer {
                req.extensions_mut().insert(v);
            }
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

async fn check(
    rules: &Rules,
    method: Method,
    headers: &HeaderMap,
    authority: Option<&str>,
) -> Result<Option<Viewer>, AppError> {
    let method = if method == Method::HEAD {
        Method::GET
    } else {
        method
    };
    // A method without a declared access is refused, never let through.
    let access = rules
        .access
        .iter()
        .find(|(m, _)| *m == method)
        .map_or(Access::Operator, |(_, a)| *a);
    let viewer = viewer(&rules.state, headers, !rules.stream).await?;
    if !access.allows(viewer.as_ref().map(|v| v.role)) {
        return Err(match &viewer {
            None => AppError::Unauthorized,
            Some(v) => AppError::forbidden(format!(
                "the role '{}' may not {} this",
                v.role,
                if is_safe(&method) { "read" } else { "change" }
            )),
        });
    }
    if !is_safe(&method) {
        check_same_origin(headers, authority)?;
        if let Some(v) = &viewer
            && access != Access::Public
        {
            let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|sent| same_token(sent, &v.csrf)) {
                return Err(AppError::ForbiddenHeader {
                    header: CSRF_HEADER,
                    reason: format!(
                        "missing or wrong {CSRF_HEADER} header (GET /api/session tells the token)"
                    ),
                });
            }
        }
    }
    Ok(viewer)
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned())
    }
}

/// The client's address, when the server knows it (it serves with connect info): the peer's,
/// or, when the peer is a trusted proxy (`--trusted-proxy`), the one `X-Forwarded-For` names
/// (see [`client_address`]).
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(peer.map(|peer| {
            client_address(peer, &parts.headers, &state.trusted_proxies).to_string()
        })))
    }
}

/// The client behind `peer`: `peer` itself, unless it is one of `trusted` proxies; then the
/// last address in `X-Forwarded-For` that is not a trusted proxy. Each proxy appends the
/// address it received the request from, so the hops are read from the right: what stands
/// left of the first untrusted one is the client's word and is never read. A hop that does
/// not parse where a proxy's should stand ends the walk at the last trusted address. IPv4
/// addresses written as IPv6 (`::ffff:10.0.0.1`, as a dual-stack listener sees them) are the
/// IPv4 addresses they are.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |a: &std::net::IpAddr| trusted.iter().any(|t| t.to_canonical() == *a);
    if !is_trusted(&peer) {
        return peer;
    }
    let values: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    let mut client = peer;
    for hop in values.iter().rev().flat_map(|v| v.rsplit(',')) {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(hop) => {
                let hop = hop.to_canonical();
                client = hop;
                if !is_trusted(&hop) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}
