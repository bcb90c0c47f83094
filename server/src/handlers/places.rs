//! `GET /api/places?q=…&limit=…`: place search for people (not wall displays). It knows the
//! districts, the city's named places (the embedded reference data), the streets and
//! addresses imported with `server places import` ([`crate::addresses`]), and the hotspots, patrol
//! routes and actions by title — the items only as far as they are released to the viewer's
//! agency, read from the layers kept for it. Matching: [`model::place_search`].

use axum::{
    Json,
    extract::{RawQuery, State},
};
use model::{
    Item,
    place_search::{MAX_HITS, PlaceHit, PlaceKind, Query},
};

use crate::{error::AppError, params::Params, picture::kept, sessions::Viewer, state::AppState};

/// The city's named places, read from the embedded reference data once, not per search.
static PLACES: std::sync::LazyLock<Result<Vec<model::hamm::Place>, String>> =
    std::sync::LazyLock::new(|| model::hamm::places().map_err(|e| e.to_string()));

/// Results when no `limit` is given.
const DEFAULT_HITS: i64 = 10;

pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<PlaceHit>>, AppError> {
    let params = Params::parse(raw.as_deref(), &["q", "limit"])?;
    let typed = params.get("q").unwrap_or_default();
    if typed.chars().count() > model::place_search::MAX_QUERY {
        return Err(AppError::BadRequest {
            field: "q".into(),
            reason: format!("at most {} characters", model::place_search::MAX_QUERY),
        });
    }
    let query = Query::parse(typed).ok_or_else(|| AppError::BadRequest {
        field: "q".into(),
        reason: "type a word of the place's name".into(),
    })?;
    let limit = params
        .number("limit", 1, MAX_HITS as i64)?
        .unwrap_or(DEFAULT_HITS) as usize;

    let mut scored: Vec<(u32, PlaceHit)> = Vec::new();
    let mut consider = |name: &str, kind: PlaceKind, point: Option<[f64; 2]>, id: Option<i64>| {
        if let (Some(score), Some(point)) = (query.score(name, None), point) {
            scored.push((
                score,
                PlaceHit {
                    name: name.to_owned(),
                    kind,
                    point,
                    id,
                    attribution: None,
                },
            ));
        }
    };
    for d in state.districts().iter() {
        consider(
            &d.properties.name,
            PlaceKind::District,
            Some(d.properties.label_point),
            None,
        );
    }
    let places = PLACES
        .as_ref()
        .map_err(|e| AppError::Db(crate::db::DbError::Corrupt(e.clone())))?;
    for p in places {
        consider(&p.name, PlaceKind::Place, p.point, None);
    }
    let agency = &viewer.agency;
    let point_of =
        |g: Option<&geojson::Geometry>| g.and_then(|g| model::geometry::anchor(&g.value));
    for s in kept::<model::Hotspot>(&state).await?.released_to(agency) {
        consider(
            &s.item.title,
            PlaceKind::Hotspot,
            point_of(s.item.geometry()),
            Some(s.id),
        );
    }
    for s in kept::<model::PatrolRoute>(&state)
        .await?
        .released_to(agency)
    {
        consider(
            &s.item.title,
            PlaceKind::Route,
            point_of(s.item.geometry()),
            Some(s.id),
        );
    }
    for s in kept::<model::Action>(&state).await?.released_to(agency) {
        consider(
            &s.item.title,
            PlaceKind::Action,
            point_of(s.item.geometry()),
            Some(s.id),
        );
    }
    let addresses = state.addresses.index(&state.db).await?;
    // Scoring every street is CPU work (a millisecond or two for 2,000 streets, more for a
    // large import): off the async workers.
    let found = tokio::task::spawn_blocking(move || addresses.search(&query, limit))
        .await
        .map_err(|e| AppError::Db(crate::db::DbError::Task(e.to_string())))?;
    scored.extend(found);
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(Json(
        scored.into_iter().take(limit).map(|(_, hit)| hit).collect(),
    ))
}
