//! Typed client for the server's API. Wire types come from `model`; nothing here spells JSON.

use std::{fmt, sync::Arc};

use gloo_net::http::{Request, RequestBuilder, Response};
use model::access::{
    Account, AuditEntry, CSRF_HEADER, Login, Me, NewAccount, NewDisplay, Pair, PairingCode,
};
use model::{
    Agency, District, DistrictKey, Item, LayerQuery, MapConfig, Stored,
    analysis::{Conflict, Coverage, DistrictSummary, Indicators},
    api::{self, ErrorBody},
    district::from_feature_collection,
    hotspot_map::HotspotMap,
    layer_text::from_layer_text,
    validation::FieldError,
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{session, text};

/// Why a request failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached at all.
    Unreachable,
    /// The server answered with an error.
    Server { status: u16, message: String },
    /// The answer was not what this version of the app understands.
    Unreadable(String),
    /// The server refused the input; each problem names its field.
    Invalid(Vec<FieldError>),
    /// Someone else changed the item meanwhile.
    Stale,
    /// Not signed in (any more).
    SignedOut,
    /// Signed in, but the role or agency may not do this: the server's reason, and the field
    /// that may not be so, where one is to blame (e.g. a participant changing `released_to`).
    Forbidden {
        field: Option<String>,
        reason: String,
    },
    /// Too many failed sign-ins; the server's reason says how long to wait.
    TooManyAttempts(String),
}

impl ApiError {
    /// The reason given for `field` (or a field inside it, e.g. `agencies[1]`).
    pub fn reason_for(&self, field: &str) -> Option<String> {
        match self {
            ApiError::Invalid(errors) => errors
                .iter()
                .find(|e| {
                    e.field == field
                        || e.field.starts_with(&format!("{field}["))
                        || e.field.starts_with(&format!("{field}."))
                })
                .map(|e| e.reason.clone()),
            ApiError::Forbidden {
                field: Some(f),
                reason,
            } if f == field => Some(format!("{} ({reason})", text::err_forbidden())),
            _ => None,
        }
    }

    /// A refusal about one field, shown beside it rather than above the form.
    pub fn is_about_a_field(&self) -> bool {
        matches!(
            self,
            ApiError::Invalid(_) | ApiError::Forbidden { field: Some(_), .. }
        )
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable => f.write_str(text::err_unreachable()),
            ApiError::Server { status, message } => {
                write!(f, "{} ({status}): {message}", text::err_server())
            }
            ApiError::Unreadable(detail) => {
                write!(f, "{}: {detail}", text::err_unreadable())
            }
            ApiError::Invalid(errors) => {
                write!(
                    f,
                    "{} ({} {}).",
                    text::err_invalid(),
                    errors.len(),
                    text::notes()
                )
            }
            ApiError::Stale => f.write_str(text::err_stale()),
            ApiError::SignedOut => f.write_str(text::err_signed_out()),
            ApiError::Forbidden { reason, .. } => {
                write!(f, "{} ({reason})", text::err_forbidden())
            }
            ApiError::TooManyAttempts(reason) => {
                write!(f, "{} ({reason})", text::err_too_many_attempts())
            }
        }
    }
}

/// The error an answer that is not OK stands for, by the `code` of the server's error body
/// (the status only where the body is not the server's, e.g. a proxy's page). The one place
/// the app reads refusals. `unauthorized` means the session ended: the app starts over at
/// the sign-in screen.
async fn refusal(response: Response) -> ApiError {
    let status = response.status();
    let Ok(ErrorBody { error }) = response.json::<ErrorBody>().await else {
        return match status {
            401 => {
                session::ended();
                ApiError::SignedOut
            }
            _ => ApiError::Server {
                status,
                message: response.status_text(),
            },
        };
    };
    match error.code.as_str() {
        "unauthorized" => {
            session::ended();
            ApiError::SignedOut
        }
        "bad_credentials" => {
            ApiError::Invalid(vec![FieldError::new("password", text::wrong_login())])
        }
        "forbidden" => ApiError::Forbidden {
            field: error.field,
            reason: error.message,
        },
        "too_many_requests" | "busy" => ApiError::TooManyAttempts(error.message),
        "stale" => ApiError::Stale,
        "invalid"
        | "bad_request"
        | "unsupported_media_type"
        | "conflict"
        | "payload_too_large"
        | "precondition_required" => {
            let mut details = error.details;
            if details.is_empty() {
                details.push(FieldError {
                    field: error.field.unwrap_or_else(|| "body".into()),
                    reason: error.message,
                });
            }
            ApiError::Invalid(details)
        }
        _ => ApiError::Server {
            status,
            message: error.message,
        },
    }
}

async fn get(path: &str) -> Result<Response, ApiError> {
    send(Request::get(path)).await
}

/// Sends `request`: the response if it is OK, else why not.
async fn send(request: RequestBuilder) -> Result<Response, ApiError> {
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        return Ok(response);
    }
    Err(refusal(response).await)
}

/// A state-changing request, with the session's CSRF token.
fn changing(request: RequestBuilder) -> RequestBuilder {
    match session::csrf_token() {
        Some(token) => request.header(CSRF_HEADER, &token),
        None => request,
    }
}

/// Sends `body` with the CSRF token: the answer read as `T` if it is OK, else the response to
/// look into.
async fn send_changing<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<Result<T, Response>, ApiError> {
    let response = changing(request)
        .json(body)
        .map_err(|e| ApiError::Unreadable(e.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if !response.ok() {
        return Ok(Err(response));
    }
    read_json(response).await.map(Ok)
}

/// Sends `body` and reads the answer as `T`; a refusal with details becomes
/// [`ApiError::Invalid`].
async fn send_json<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    let response = match send_changing(request, body).await? {
        Ok(answer) => return Ok(answer),
        Err(response) => response,
    };
    Err(refusal(response).await)
}

/// Who is signed in; [`ApiError::SignedOut`] if nobody (without starting over).
pub async fn session() -> Result<Me, ApiError> {
    let response = Request::get(api::SESSION)
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    match response.status() {
        200 => read_json(response).await,
        401 => Err(ApiError::SignedOut),
        _ => Err(refusal(response).await),
    }
}

/// Signs in; a wrong login or password is [`ApiError::Invalid`] on `password`.
pub async fn login(login: &Login) -> Result<Me, ApiError> {
    let response = Request::post(api::SESSION)
        .json(login)
        .map_err(|e| ApiError::Unreadable(e.to_string()))?
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        read_json(response).await
    } else {
        Err(refusal(response).await)
    }
}

/// A wall display signs in with its pairing code.
pub async fn pair(code: &Pair) -> Result<Me, ApiError> {
    send_json(Request::post(api::SESSION_PAIR), code).await
}

/// Signs out: the server ends the session at once.
pub async fn logout() -> Result<(), ApiError> {
    let response = changing(Request::delete(api::SESSION))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if response.ok() || response.status() == 401 {
        Ok(())
    } else {
        Err(refusal(response).await)
    }
}

/// The user's agency's hotspots past their review date.
pub async fn review_due() -> Result<Vec<Stored<model::Hotspot>>, ApiError> {
    stored_items(api::REVIEW_DUE).await
}

pub async fn accounts() -> Result<Vec<Account>, ApiError> {
    get_json(api::ACCOUNTS).await
}

pub async fn add_account(new: &NewAccount) -> Result<Account, ApiError> {
    send_json(Request::post(api::ACCOUNTS), new).await
}

pub async fn disable_account(login: &str) -> Result<Account, ApiError> {
    let url = format!("{}/{login}/disable", api::ACCOUNTS);
    send_json(Request::post(&url), &serde_json::json!({})).await
}

pub async fn enable_account(login: &str) -> Result<Account, ApiError> {
    let url = format!("{}/{login}/enable", api::ACCOUNTS);
    send_json(Request::post(&url), &serde_json::json!({})).await
}

pub async fn pairing_code(new: &NewDisplay) -> Result<PairingCode, ApiError> {
    send_json(Request::post(api::DISPLAYS), new).await
}

pub async fn audit() -> Result<Vec<AuditEntry>, ApiError> {
    get_json(api::AUDIT).await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read_json(get(path).await?).await
}

/// An OK answer's body as `T`.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json()
        .await
        .map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// The map's start view.
pub async fn map_config() -> Result<MapConfig, ApiError> {
    get_json(api::CONFIG).await
}

/// The seven districts.
pub async fn districts() -> Result<Vec<District>, ApiError> {
    let fc: geojson::FeatureCollection = get_json(api::DISTRICTS).await?;
    from_feature_collection(&fc).map_err(|e| ApiError::Unreadable(e.to_string()))
}

/// The city outline as a GeoJSON feature.
pub async fn outline() -> Result<geojson::Feature, ApiError> {
    get_json(api::OUTLINE).await
}

/// A whole layer of items.
/// A layer's items as fetched, shared rather than copied between the signals that hold it and
/// the views that show all of it (a layer can hold tens of thousands of items).
pub type Items<T> = std::sync::Arc<Vec<model::Stored<T>>>;

pub async fn items<T: Item>() -> Result<Items<T>, ApiError> {
    stored_items(api::collection(T::KIND)).await.map(Arc::new)
}

/// The items of layer `T` that `query` selects, selected by the server.
pub async fn items_selected<T: Item>(query: &LayerQuery) -> Result<Items<T>, ApiError> {
    let mut path = api::collection(T::KIND).to_owned();
    for (i, (name, value)) in query.pairs_for::<T>().into_iter().enumerate() {
        let sep = if i == 0 { '?' } else { '&' };
        path.push_str(&format!(
            "{sep}{name}={}",
            js_sys::encode_uri_component(&value)
        ));
    }
    stored_items(&path).await.map(Arc::new)
}

/// The hotspots `query` selects, as the map draws them: pins and areas (see
/// [`model::hotspot_map`]). The body is read as bytes, like a layer's.
pub async fn hotspot_map(query: &LayerQuery) -> Result<Arc<HotspotMap>, ApiError> {
    let unreadable = |e: &dyn std::fmt::Display| ApiError::Unreadable(e.to_string());
    let pairs = query.pairs();
    let request =
        Request::get(api::HOTSPOT_MAP).query(pairs.iter().map(|(name, value)| (*name, value)));
    let bytes = send(request)
        .await?
        .binary()
        .await
        .map_err(|e| unreadable(&e))?;
    HotspotMap::from_json(&bytes)
        .map(Arc::new)
        .map_err(|e| unreadable(&e))
}

/// The items of a FeatureCollection the server answers at `path`, read straight from its text
/// (a large layer would otherwise be built as GeoJSON values first). The body comes in as
/// bytes: as text it would be decoded into a JavaScript string and encoded again into wasm.
async fn stored_items<T: Item>(path: &str) -> Result<Vec<Stored<T>>, ApiError> {
    let unreadable = |e: &dyn std::fmt::Display| ApiError::Unreadable(e.to_string());
    let bytes = get(path)
        .await?
        .binary()
        .await
        .map_err(|e| unreadable(&e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| unreadable(&e))?;
    from_layer_text::<T>(text).map_err(|e| unreadable(&e))
}

/// The steering group's report for `from..=to`.
pub async fn report(
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<model::report::Report, ApiError> {
    get_json(&format!("{}?from={from}&to={to}", api::REPORT)).await
}

/// Early detection's alerts now, of the whole city or one district.
pub async fn alerts(district: Option<DistrictKey>) -> Result<model::alert::AlertList, ApiError> {
    match district {
        Some(d) => get_json(&format!("{}?district={d}", api::ALERTS)).await,
        None => get_json(api::ALERTS).await,
    }
}

/// Places matching what was typed (`GET /api/places`), best first.
pub async fn places(typed: &str) -> Result<Vec<model::place_search::PlaceHit>, ApiError> {
    let q = String::from(js_sys::encode_uri_component(typed));
    get_json(&format!("{}?q={q}&limit=8", api::PLACES)).await
}

/// Acknowledges alert `key` for the user's agency.
pub async fn acknowledge(
    key: &str,
    ack: &model::alert::NewAcknowledgement,
) -> Result<model::alert::Acknowledgement, ApiError> {
    let url = format!("{}/{key}/acknowledgement", api::ALERTS);
    send_json(Request::post(&url), ack).await
}

/// The wall's tiles for the city or one district.
pub async fn indicators(district: Option<DistrictKey>) -> Result<Indicators, ApiError> {
    match district {
        Some(d) => get_json(&format!("{}?district={d}", api::INDICATORS)).await,
        None => get_json(api::INDICATORS).await,
    }
}

pub async fn agencies() -> Result<Vec<Agency>, ApiError> {
    get_json(api::AGENCIES).await
}

pub async fn conflicts() -> Result<Vec<Conflict>, ApiError> {
    get_json(api::CONFLICTS).await
}

/// Sends `item` and reads the stored result; 4xx answers become [`ApiError::Invalid`] or
/// [`ApiError::Stale`].
async fn write<T: Item>(request: RequestBuilder, item: &T) -> Result<Stored<T>, ApiError> {
    match send_changing(request, item).await? {
        Ok(stored) => Ok(stored),
        Err(response) => Err(refusal(response).await),
    }
}

pub async fn create<T: Item>(item: &T) -> Result<Stored<T>, ApiError> {
    write(Request::post(api::collection(T::KIND)), item).await
}

/// Replaces item `id` if it is still at `version`.
pub async fn update<T: Item>(id: i64, version: i64, item: &T) -> Result<Stored<T>, ApiError> {
    let url = format!("{}/{id}", api::collection(T::KIND));
    write(
        Request::put(&url).header("If-Match", &api::etag(version)),
        item,
    )
    .await
}

/// One item as stored now.
pub async fn item<T: Item>(id: i64) -> Result<Stored<T>, ApiError> {
    get_json(&format!("{}/{id}", api::collection(T::KIND))).await
}

/// Per-district counts for this week (hotspots active now).
pub async fn summary() -> Result<Vec<DistrictSummary>, ApiError> {
    get_json(api::SUMMARY).await
}

/// Per-district counts with incidents in `window`.
pub async fn summary_of(
    (from, to): (jiff::Timestamp, jiff::Timestamp),
) -> Result<Vec<DistrictSummary>, ApiError> {
    get_json(&format!(
        "{}?from={}&to={}",
        api::SUMMARY,
        js_sys::encode_uri_component(&from.to_string()),
        js_sys::encode_uri_component(&to.to_string())
    ))
    .await
}

/// Incidents counted per cell of `bbox` at `zoom`, for the query's window (the server's
/// default: the last 28 days) and filters.
pub async fn incident_density(
    bbox: [f64; 4],
    zoom: u8,
    q: &LayerQuery,
) -> Result<model::density::Density, ApiError> {
    let [w, s, e, n] = bbox;
    let mut url = format!(
        "{}?west={w}&south={s}&east={e}&north={n}&zoom={zoom}",
        api::INCIDENT_DENSITY
    );
    for (name, value) in q.pairs_for::<model::Incident>() {
        url.push_str(&format!("&{name}={}", js_sys::encode_uri_component(&value)));
    }
    get_json(&url).await
}

/// Patrol coverage of every hotspot in the current week.
pub async fn coverage() -> Result<Vec<Coverage>, ApiError> {
    get_json(api::COVERAGE).await
}
