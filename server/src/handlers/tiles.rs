//! `GET /tiles/{name}/{z}/{x}/{y}`: a tile of a base map the server carries (see
//! [`crate::basemap`]), with its media type and an ETag (a day's caching is the
//! security layer's, [`crate::security::TILE_CACHING`]); `204`
//! where the map has no tile in its range (a map library draws nothing there), `404` for an
//! unknown map, `400` naming the coordinate that is out of range.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{error::AppError, state::AppState};

fn bad(field: &str, reason: impl Into<String>) -> AppError {
    AppError::BadRequest {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Tile coordinates from the path: `z` up to 30, `x` and `y` within the zoom's grid.
fn coordinates(z: &str, x: &str, y: &str) -> Result<(u8, u32, u32), AppError> {
    let z: u8 = z
        .parse()
        .ok()
        .filter(|z| *z <= 30)
        .ok_or_else(|| bad("z", "a zoom level from 0 to 30"))?;
    let size = 1u64 << z;
    let within = |name: &str, v: &str| -> Result<u32, AppError> {
        v.parse::<u32>()
            .ok()
            .filter(|v| u64::from(*v) < size)
            .ok_or_else(|| bad(name, format!("a tile column or row from 0 to {}", size - 1)))
    };
    Ok((z, within("x", x)?, within("y", y)?))
}

pub async fn get(
    State(state): State<AppState>,
    Path((name, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if state.basemaps.info(&name).is_none() {
        return Err(AppError::NotFound(format!("base map '{name}'")));
    }
    let (z, x, y) = coordinates(&z, &x, &y)?;
    let tile = state
        .basemaps
        .tile(&name, z, x, y)
        .await
        .map_err(|e| AppError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
    let Some(tile) = tile else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let etag = tile.etag.clone();
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    // A tile stored gzipped goes as it is to a client that takes gzip (every browser);
    // others get it unpacked.
    let takes_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let (body, encoding) = match tile.encoding {
        Some(_) if !takes_gzip => {
            let mut out = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::MultiGzDecoder::new(&tile.bytes[..]),
                &mut out,
            )
            .map_err(|e| {
                AppError::Db(crate::db::DbError::Corrupt(format!("tile: {e} ({name})")))
            })?;
            (axum::body::Bytes::from(out), None)
        }
        other => (tile.bytes, other),
    };
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(tile.format.content_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    Ok(r)
}
