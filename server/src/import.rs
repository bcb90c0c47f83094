//! Imports, validated as a whole inside one transaction: all or nothing.

use geojson::{Feature, FeatureCollection, GeometryValue, Position};
use jiff::Timestamp;
use model::{
    District, DistrictKey, Item, access::AuditOp, event::ChangeOp, geometry, validation::FieldError,
};

use crate::{
    audit::{self, Actor},
    db,
    sql::Tx,
    store::{self, Known, Published, StoreError, Write},
};

/// Most features one import may hold.
pub const MAX_FEATURES: usize = 5_000;
/// Most problems reported for one import.
const MAX_PROBLEMS: usize = 100;

fn too_many(n: usize) -> StoreError {
    StoreError::Invalid(vec![FieldError {
        field: "features".into(),
        reason: format!("{n} features; at most {MAX_FEATURES} per import"),
    }])
}

/// A feature's properties with its geometry put back where the item keeps it, owned by
/// `owner` where the feature names no owner.
fn item_json<T: Item>(f: &Feature, owner: &model::AgencyKey) -> serde_json::Value {
    let mut props = f.properties.clone().unwrap_or_default();
    for k in ["id", "version", "updated_at", "kind_of_item"] {
        props.remove(k);
    }
    props
        .entry(T::OWNER_FIELD)
        .or_insert_with(|| owner.as_str().into());
    if let Some(g) = &f.geometry
        && let Ok(v) = serde_json::to_value(g)
    {
        props.insert(T::GEOMETRY_FIELD.into(), v);
    }
    serde_json::Value::Object(props)
}

/// Hotspots or routes from a FeatureCollection, owned by the importer's agency: a feature
/// without an owner gets it, one naming another agency is refused.
pub fn items<T: Item>(
    tx: &Tx,
    fc: &FeatureCollection,
    districts: &[District],
    actor: &Actor,
) -> Result<(Vec<i64>, Vec<Published>), StoreError> {
    if fc.features.len() > MAX_FEATURES {
        return Err(too_many(fc.features.len()));
    }
    let known = Known::read(tx)?;
    let ctx = known.context(districts);
    let mut problems = Vec::new();
    let mut ready = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let parsed: Result<T, _> =
            serde_path_to_error::deserialize(item_json::<T>(f, &actor.agency));
        match parsed {
            Ok(item) if item.owner() != &actor.agency => problems.push(FieldError {
                field: format!("features[{i}].{}", T::OWNER_FIELD),
                reason: format!(
                    "must be your agency '{}': items belong to the agency that imports them",
                    actor.agency
                ),
            }),
            Ok(mut item) => match item.prepare(&ctx) {
                Ok(()) => ready.push(item),
                Err(errs) => problems.extend(errs.into_iter().map(|e| FieldError {
                    field: format!("features[{i}].{}", e.field),
                    reason: e.reason,
                })),
            },
            Err(e) => {
                let path = e.path().to_string();
                let text = e.into_inner().to_string();
                let field = if path == "." {
                    format!("features[{i}]")
                } else {
                    format!("features[{i}].{path}")
                };
                problems.push(FieldError {
                    field,
                    reason: text,
                });
            }
        }
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let w = Write {
        now: Timestamp::now(),
        actor,
        agencies: &known.agencies,
    };
    let mut ids = Vec::with_capacity(ready.len());
    let mut events = Vec::with_capacity(ready.len());
    for item in &ready {
        let (id, e) = store::insert_prepared(tx, item, &w, AuditOp::Imported)?;
        ids.push(id);
        events.push(e);
    }
    Ok((ids, events))
}

/// Which district a feature names: `key`, or a name property matching a district's key,
/// short or official name (case-insensitive).
fn district_key(f: &Feature) -> Option<DistrictKey> {
    let props = f.properties.as_ref()?;
    [
        "key",
        "name",
        "Name",
        "NAME",
        "stadtbezirk",
        "Stadtbezirk",
        "bezeichnung",
        "Bezeichnung",
    ]
    .iter()
    .filter_map(|k| props.get(*k).and_then(|v| v.as_str()))
    .find_map(|v| {
        let v = v.trim().to_lowercase();
        DistrictKey::ALL.into_iter().find(|k| {
            v == k.as_str()
                || v == k.short_name().to_lowercase()
                || v == k.official_name().to_lowercase()
        })
    })
}

/// Twice the signed area of a ring (positive: counter-clockwise).
fn signed_area(ring: &[Position]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

/// Rewinds rings as RFC 7946 asks: exteriors counter-clockwise, holes clockwise.
fn rewind(value: &mut GeometryValue) {
    let fix = |rings: &mut Vec<Vec<Position>>| {
        for (i, ring) in rings.iter_mut().enumerate() {
            let ccw = signed_area(ring) > 0.0;
            if (i == 0) != ccw {
                ring.reverse();
            }
        }
    };
    match value {
        GeometryValue::Polygon { coordinates } => fix(coordinates),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter_mut().for_each(fix),
        _ => {}
    }
}

/// How far (degrees) an official boundary may reach beyond the simplified city outline's box.
const SLACK: f64 = 0.02;

fn check_boundary(
    i: usize,
    f: &Feature,
    bounds: &model::config::Bounds,
    problems: &mut Vec<FieldError>,
) {
    let field = format!("features[{i}].geometry");
    let Some(g) = &f.geometry else {
        problems.push(FieldError {
            field,
            reason: "missing".into(),
        });
        return;
    };
    let rings: Vec<&Vec<Position>> = match &g.value {
        GeometryValue::Polygon { coordinates } => coordinates.iter().collect(),
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().flatten().collect(),
        other => {
            problems.push(FieldError {
                field,
                reason: format!(
                    "must be a Polygon or MultiPolygon, not a {}",
                    other.type_name()
                ),
            });
            return;
        }
    };
    if rings.is_empty() || rings.iter().any(|r| r.len() < 4 || r.first() != r.last()) {
        problems.push(FieldError {
            field,
            reason: "rings must be closed and have at least four positions".into(),
        });
        return;
    }
    let outside = rings.iter().flat_map(|r| r.iter()).find(|p| {
        p.len() < 2
            || !p[0].is_finite()
            || !p[1].is_finite()
            || p[0] < bounds.south_west.lng - SLACK
            || p[0] > bounds.north_east.lng + SLACK
            || p[1] < bounds.south_west.lat - SLACK
            || p[1] > bounds.north_east.lat + SLACK
    });
    if let Some(p) = outside {
        problems.push(FieldError {
            field,
            reason: format!(
                "position {:?} lies outside Hamm (expected WGS84 [longitude, latitude])",
                p.as_slice()
            ),
        });
    }
}

/// Official district boundaries replace the approximate ones; items get their districts
/// derived again (each change is a new version with its event).
pub fn districts(
    tx: &Tx,
    fc: &FeatureCollection,
    current: &[District],
    actor: &Actor,
) -> Result<(Vec<District>, Vec<Published>), StoreError> {
    let outline =
        model::hamm::outline().map_err(|e| StoreError::Db(db::DbError::Corrupt(e.to_string())))?;
    let bounds = model::config::bounds_of(&outline)
        .ok_or_else(|| StoreError::Db(db::DbError::Corrupt("empty outline".into())))?;
    let mut problems = Vec::new();
    let mut found: Vec<(DistrictKey, usize)> = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        match district_key(f) {
            Some(k) if found.iter().any(|(seen, _)| *seen == k) => problems.push(FieldError { field: format!("features[{i}].properties"), reason: format!("{k} appears twice") }),
            Some(k) => found.push((k, i)),
            None => problems.push(FieldError { field: format!("features[{i}].properties.key"), reason: "names no district (key or name: mitte, uentrop, rhynern, pelkum, herringen, bockum-hoevel, heessen)".into() }),
        }
        check_boundary(i, f, &bounds, &mut problems);
    }
    for k in DistrictKey::ALL {
        if !found.iter().any(|(seen, _)| *seen == k) {
            problems.push(FieldError {
                field: "features".into(),
                reason: format!("{k} is missing: all seven districts must be imported together"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let mut districts = Vec::with_capacity(7);
    for key in DistrictKey::ALL {
        let (_, i) = found
            .iter()
            .find(|(k, _)| *k == key)
            .copied()
            .ok_or_else(|| StoreError::Db(db::DbError::Corrupt("district lost".into())))?;
        let mut geometry = fc.features[i]
            .geometry
            .clone()
            .ok_or_else(|| StoreError::Db(db::DbError::Corrupt("geometry lost".into())))?;
        rewind(&mut geometry.value);
        let mut properties = current
            .iter()
            .find(|d| d.properties.key == key)
            .map(|d| d.properties.clone())
            .ok_or_else(|| StoreError::Db(db::DbError::Corrupt(format!("no facts for {key}"))))?;
        properties.approximate = false;
        if let Some(p) = geometry::anchor(&geometry.value) {
            properties.label_point = p;
        }
        districts.push(District {
            properties,
            geometry,
        });
    }

    db::write_districts(tx, &districts)?;
    audit::append(
        tx,
        actor,
        audit::Record::new(AuditOp::Imported, "districts").details(
            &districts
                .iter()
                .map(|d| d.properties.key)
                .collect::<Vec<_>>(),
        ),
    )?;
    let mut events = vec![store::log_other(tx, "district", ChangeOp::Imported)?];
    let known = Known::everything(tx)?;
    let ctx = known.context(&districts);
    let w = Write {
        now: Timestamp::now(),
        actor,
        agencies: &known.agencies,
    };
    struct Rederive<'a, 't>(&'a Tx<'t>, &'a model::Context<'a>, &'a Write<'a>);
    impl model::item::ForKind for Rederive<'_, '_> {
        type Output = Result<Vec<Published>, StoreError>;
        fn visit<T: Item>(self) -> Self::Output {
            rederive::<T>(self.0, self.1, self.2)
        }
    }
    for kind in model::ItemKind::ALL {
        events.extend(kind.with_type(Rederive(tx, &ctx, &w))?);
    }
    Ok((districts, events))
}

/// Derives each item's districts again; stores those that changed as a new version.
fn rederive<T: Item>(
    tx: &Tx,
    ctx: &model::Context,
    w: &Write,
) -> Result<Vec<Published>, StoreError> {
    let mut events = Vec::new();
    for stored in store::list::<T>(tx)? {
        let mut item = stored.item.clone();
        // A place on a new boundary may now lie in another district than the one an action
        // named by hand; the place decides, so drop the old derived value first.
        clear_district(&mut item);
        if item.prepare(ctx).is_ok() && item != stored.item {
            // Recorded as the district import's on behalf of the item's owner: the trail then
            // shows the change to the agencies that see the item, and to no other (the
            // importing operator's agency would otherwise learn of every item that moved).
            let actor = Actor {
                login: format!("(district import by {})", w.actor.login),
                agency: stored.item.owner().clone(),
                role: w.actor.role,
            };
            let on_behalf = Write {
                actor: &actor,
                ..*w
            };
            events.push(store::write_version(
                tx,
                stored.id,
                stored.version + 1,
                &stored.item,
                &item,
                &on_behalf,
                AuditOp::Updated,
            )?);
        }
    }
    Ok(events)
}

fn clear_district<T: Item>(item: &mut T) {
    if let Ok(serde_json::Value::Object(mut map)) = serde_json::to_value(&*item) {
        if map.get("place").is_some_and(|p| !p.is_null()) || T::GEOMETRY_FIELD == "geometry" {
            map.remove("district");
        }
        if let Ok(cleared) = serde_json::from_value(serde_json::Value::Object(map)) {
            *item = cleared;
        }
    }
}
