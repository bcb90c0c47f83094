//! Query strings of the layer and analysis endpoints: typed, with unknown parameters refused
//! so a typo never silently returns everything.

use jiff::Timestamp;
use model::{AgencyKey, Item, ItemKind, LayerQuery, action::ActionStatus};

use crate::error::AppError;

fn bad(field: &str, reason: impl Into<String>) -> AppError {
    AppError::BadRequest {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Reads the filters of layer `T`; any other parameter is refused.
pub fn layer_query<T: Item>(
    params: &[(String, String)],
    agencies: &[AgencyKey],
) -> Result<LayerQuery, AppError> {
    let mut q = LayerQuery::default();
    let (mut from, mut to) = (None, None);
    for (name, value) in params {
        match name.as_str() {
            "district" => {
                q.district = Some(value.parse().map_err(
                    |e: model::district::UnknownDistrict| bad("district", e.to_string()),
                )?)
            }
            "agency" => {
                let key = AgencyKey::parse(value).map_err(|e| bad("agency", e.to_string()))?;
                if !agencies.contains(&key) {
                    return Err(bad("agency", format!("unknown agency '{key}'")));
                }
                q.agency = Some(key);
            }
            "kind" => {
                T::check_kind(value).map_err(|e| bad("kind", e.to_string()))?;
                q.kind = Some(value.clone());
            }
            "status" if T::KIND == ItemKind::Action => {
                q.status = Some(
                    value
                        .parse::<ActionStatus>()
                        .map_err(|e| bad("status", e.to_string()))?,
                )
            }
            "status" => return Err(bad("status", "only actions have a status")),
            "from" => from = Some(timestamp("from", value)?),
            "to" => to = Some(timestamp("to", value)?),
            other => {
                return Err(bad(
                    other,
                    "unknown parameter (district, agency, kind, status, from, to)",
                ));
            }
        }
    }
    q.window = window(from, to)?;
    Ok(q)
}

pub fn timestamp(field: &str, value: &str) -> Result<Timestamp, AppError> {
    value.parse().map_err(|_| {
        bad(
            field,
            "must be an RFC 3339 time with offset, e.g. 2026-12-01T18:00:00+01:00",
        )
    })
}

/// `from` and `to` go together, and `from` comes first.
pub fn window(
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) -> Result<Option<(Timestamp, Timestamp)>, AppError> {
    match (from, to) {
        (None, None) => Ok(None),
        (Some(f), Some(t)) if f < t => Ok(Some((f, t))),
        (Some(_), Some(_)) => Err(bad("to", "must be after from")),
        (Some(_), None) => Err(bad("to", "from and to go together")),
        (None, Some(_)) => Err(bad("from", "from and to go together")),
    }
}

/// The district filter alone (used where only it applies).
pub fn only<'a>(
    params: &'a [(String, String)],
    allowed: &[&str],
) -> Result<Vec<(&'a str, &'a str)>, AppError> {
    params
        .iter()
        .map(|(n, v)| {
            if allowed.contains(&n.as_str()) {
                Ok((n.as_str(), v.as_str()))
            } else {
                Err(bad(
                    n,
                    format!("unknown parameter ({})", allowed.join(", ")),
                ))
            }
        })
        .collect()
}
