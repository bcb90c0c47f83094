//! Hotspots, patrol routes and actions share one set of handlers:
//! - `GET {base}?district=&agency=&kind=&status=&from=&to=` — the layer, a FeatureCollection
//! - `POST {base}` — create; `201` with `Location` and `ETag`
//! - `GET {base}/{id}` — one item with its `ETag`
//! - `PUT {base}/{id}` — replace; needs `If-Match` (`428` without, `412` when stale)
//! - `DELETE {base}/{id}` — delete; needs `If-Match`
//!
//! and, for hotspots only, `GET /api/hotspots/map` with the same filters: the layer as the map
//! draws it ([`model::hotspot_map::HotspotMap`]).

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use model::{
    Hotspot, Item, ItemKind, LayerQuery, Stored, access::Access, api::GEO_JSON,
    hotspot_map::HotspotMap,
};

use crate::{
    endpoint::{Body, Endpoint, Op},
    error::AppError,
    json::ApiJson,
    kept::KeptKind,
    layer_cache::{Answer, Encoding, Key},
    params::{self as query, LAYER_FILTERS, if_match},
    picture::kept,
    sessions::Viewer,
    state::AppState,
    store,
};

/// The collection and item endpoints of one kind; `schema` names its OpenAPI schema.
pub fn endpoints<T: KeptKind>(base: &'static str, schema: &'static str) -> Vec<Endpoint> {
    let item_path = model::api::item(T::KIND);
    // Wall displays draw the layers they may see single items of; of the others they get
    // aggregates only.
    let layer_access = if T::KIND.displays_see_items() {
        Access::Read
    } else {
        Access::Person
    };
    let write = |method, summary| Op {
        method,
        access: Access::Plan,
        summary,
        query: &[],
        headers: &["If-Match"],
        request: Body::Json(schema),
        response: Body::Stored(schema),
        status: 200,
    };
    let mut list = vec![
        Endpoint {
            path: base,
            handler: get(list::<T>).post(create::<T>),
            ops: vec![
                Op::get(
                    layer_access,
                    "The layer, filtered (FeatureCollection)",
                    Body::GeoJson,
                )
                .query(LAYER_FILTERS),
                Op::post(
                    if T::KIND.officers_create() {
                        Access::Report
                    } else {
                        Access::Plan
                    },
                    "Create; answers with ETag and Location",
                    Body::Json(schema),
                    Body::Stored(schema),
                ),
            ],
        },
        Endpoint {
            path: item_path,
            handler: get(one::<T>).put(replace::<T>).delete(remove::<T>),
            ops: vec![
                // Wall displays draw the layers; a single item is for people.
                Op::get(
                    Access::Person,
                    "One item, with its ETag",
                    Body::Stored(schema),
                ),
                write(
                    Method::PUT,
                    "Replace; needs If-Match (428 without, 412 when stale)",
                ),
                Op {
                    status: 204,
                    request: Body::None,
                    response: Body::None,
                    ..write(Method::DELETE, "Delete; needs If-Match")
                },
            ],
        },
    ];
    if T::KIND == ItemKind::Hotspot {
        list.push(Endpoint {
            path: model::api::HOTSPOT_MAP,
            handler: get(hotspot_map),
            ops: vec![
                Op::get(
                    Access::Person,
                    "The layer as the map draws it: point hotspots as [id, lon, lat, severity], areas in full",
                    Body::Json("HotspotMap"),
                )
                .query(LAYER_FILTERS),
            ],
        });
    }
    list
}

/// The cache key of `answer`: the viewer's agency and the normalised query
/// (so `?`, `?&&` and `?kind=` share the unfiltered answer's entry).
async fn answer_key<T: KeptKind>(
    state: &AppState,
    viewer: &Viewer,
    answer: Answer,
    raw: Option<&str>,
) -> Result<(Key, LayerQuery), AppError> {
    let layer = kept::<T>(state).await?;
    let q = query::layer_query::<T>(raw, layer.agencies())?;
    let key = (
        answer,
        format!("{}?{}", viewer.agency, query::layer_key(&q)),
    );
    Ok((key, q))
}

async fn list<T: KeptKind>(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let (key, q) = answer_key::<T>(&state, &viewer, Answer::Layer(T::KIND), raw.as_deref()).await?;
    // The layer is read again inside the build: after the cache read the generation it keeps
    // the answer under, so an answer is never older than its generation.
    let build = async {
        let layer = kept::<T>(&state).await?;
        Ok(layer.text(&viewer.agency, &q).1)
    };
    state.layers.answer(key, GEO_JSON, encoding, build).await
}

/// `GET /api/hotspots/map`: what [`list`] answers for hotspots, as the map draws it, from the
/// same cache.
async fn hotspot_map(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
    encoding: Encoding,
) -> Result<Response, AppError> {
    let (key, q) =
        answer_key::<Hotspot>(&state, &viewer, Answer::HotspotMap, raw.as_deref()).await?;
    let build = async {
        let layer = kept::<Hotspot>(&state).await?;
        let map = HotspotMap::of(layer.selected(&viewer.agency, &q).map(|(s, _)| s));
        Ok(serde_json::to_string(&map)?)
    };
    state
        .layers
        .answer(key, "application/json", encoding, build)
        .await
}

fn with_etag<T: Item>(status: StatusCode, stored: Stored<T>) -> Response {
    let mut response = (status, Json(&stored)).into_response();
    if let Ok(v) = HeaderValue::from_str(&model::api::etag(stored.version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

async fn one<T: KeptKind>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let stored = state
        .db
        .call(move |c| store::get_for::<T>(c, id, &viewer.agency))
        .await?;
    Ok(with_etag(StatusCode::OK, stored))
}

async fn create<T: KeptKind>(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(item): ApiJson<T>,
) -> Result<Response, AppError> {
    let districts = state.districts();
    let actor = viewer.actor();
    let stored = state
        .commit(move |tx, changes| {
            let (stored, event) = store::create(tx, item, &districts, &actor)?;
            changes.events.push(event);
            Ok(stored)
        })
        .await?;
    let location = format!("{}/{}", model::api::collection(T::KIND), stored.id);
    let mut response = with_etag(StatusCode::CREATED, stored);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn replace<T: KeptKind>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(item): ApiJson<T>,
) -> Result<Response, AppError> {
    let expected = if_match(&headers)?;
    let districts = state.districts();
    let actor = viewer.actor();
    let stored = state
        .commit(move |tx, changes| {
            let (stored, event) = store::update(tx, id, expected, item, &districts, &actor)?;
            changes.events.push(event);
            Ok(stored)
        })
        .await?;
    Ok(with_etag(StatusCode::OK, stored))
}

async fn remove<T: KeptKind>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let expected = if_match(&headers)?;
    let actor = viewer.actor();
    state
        .commit(move |tx, changes| {
            changes
                .events
                .push(store::delete::<T>(tx, id, expected, &actor)?);
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
