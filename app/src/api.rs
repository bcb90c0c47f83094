//! Typed client for the server's API. Wire types come from `model`; nothing here spells JSON.

use std::fmt;

use gloo_net::http::{Request, Response};
use model::{
    District, DistrictKey, Item, MapConfig, Stored,
    analysis::Indicators,
    api::{self, ErrorBody},
    district::from_feature_collection,
    item::from_feature,
};
use serde::de::DeserializeOwned;

/// Why a request failed, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached at all.
    Unreachable,
    /// The server answered with an error.
    Server { status: u16, message: String },
    /// The answer was not what this version of the app understands.
    Unreadable(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable => {
                f.write_str("Der Server ist nicht erreichbar. Bitte Netzwerk prüfen.")
            }
            ApiError::Server { status, message } => {
                write!(f, "Der Server meldet einen Fehler ({status}): {message}")
            }
            ApiError::Unreadable(detail) => {
                write!(f, "Die Antwort des Servers ist unlesbar: {detail}")
            }
        }
    }
}

async fn get(path: &str) -> Result<Response, ApiError> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => response.status_text(),
    };
    Err(ApiError::Server { status, message })
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    get(path)
        .await?
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
pub async fn items<T: Item>() -> Result<Vec<Stored<T>>, ApiError> {
    let fc: geojson::FeatureCollection = get_json(api::collection(T::KIND)).await?;
    fc.features
        .iter()
        .map(|f| from_feature::<T>(f).map_err(|e| ApiError::Unreadable(e.to_string())))
        .collect()
}

/// The wall's tiles for the city or one district.
pub async fn indicators(district: Option<DistrictKey>) -> Result<Indicators, ApiError> {
    match district {
        Some(d) => get_json(&format!("{}?district={d}", api::INDICATORS)).await,
        None => get_json(api::INDICATORS).await,
    }
}
