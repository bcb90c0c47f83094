//! Request parameters: the query strings of the layer and analysis endpoints, parsed and
//! normalised before anything uses them, and the `If-Match` header of changes. Empty parameters (`?`, `?&&`, `kind=`) are ignored, a parameter given twice is
//! `400` naming it, and an unknown one is `400` too, so a typo never silently returns
//! everything. What a cache is keyed by is the normalised form, never the raw text.

use jiff::Timestamp;
use model::{AgencyKey, Item, ItemKind, LayerQuery, action::ActionStatus};

use crate::error::AppError;

fn bad(field: &str, reason: impl Into<String>) -> AppError {
    AppError::BadRequest {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Most parameters one query string may have (each endpoint knows fewer).
const MAX_PARAMS: usize = 16;

/// A query string's parameters: each known to the endpoint, each at most once, none empty.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Reads `raw`, allowing the parameter names in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, AppError> {
        let mut params: Vec<(String, String)> = Vec::new();
        for (i, (name, value)) in raw
            .map(|q| form_urlencoded::parse(q.as_bytes()))
            .into_iter()
            .flatten()
            .enumerate()
        {
            if i >= MAX_PARAMS {
                return Err(bad("query", format!("at most {MAX_PARAMS} parameters")));
            }
            if name.is_empty() && value.is_empty() {
                continue;
            }
            if !allowed.contains(&name.as_ref()) {
                return Err(bad(
                    &name,
                    format!("unknown parameter ({})", allowed.join(", ")),
                ));
            }
            if value.is_empty() {
                continue;
            }
            if params.iter().any(|(seen, _)| *seen == name) {
                return Err(bad(&name, "given twice: give each parameter once"));
            }
            params.push((name.into_owned(), value.into_owned()));
        }
        Ok(Params(params))
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `name` as a time, if given.
    pub fn timestamp(&self, name: &str) -> Result<Option<Timestamp>, AppError> {
        self.get(name).map(|v| timestamp(name, v)).transpose()
    }

    /// `name` as a whole number from `min` to `max`, if given.
    pub fn number(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, AppError> {
        self.get(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| bad(name, format!("must be a whole number from {min} to {max}")))
            })
            .transpose()
    }

    /// `name` as a finite decimal number (point, not comma), if given.
    pub fn decimal(&self, name: &str) -> Result<Option<f64>, AppError> {
        self.get(name)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| bad(name, "must be a decimal number, e.g. 7.8137"))
            })
            .transpose()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// The filters of the layer endpoints.
pub const LAYER_FILTERS: &[&str] = &[
    "district", "agency", "kind", "category", "status", "from", "to",
];

/// Reads the filters of layer `T` from `raw`; `agencies` are those that exist.
pub fn layer_query<T: Item>(
    raw: Option<&str>,
    agencies: &[AgencyKey],
) -> Result<LayerQuery, AppError> {
    layer_query_of::<T>(&Params::parse(raw, LAYER_FILTERS)?, agencies)
}

/// The filters of layer `T` among `params` (parsed with [`LAYER_FILTERS`] and maybe more).
pub fn layer_query_of<T: Item>(
    params: &Params,
    agencies: &[AgencyKey],
) -> Result<LayerQuery, AppError> {
    let mut q = LayerQuery::default();
    for (name, value) in params.iter() {
        match name {
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
            name if name == T::KIND_FILTER => {
                T::check_kind(value).map_err(|e| bad(name, e.to_string()))?;
                q.kind = Some(value.to_owned());
            }
            "kind" | "category" => {
                return Err(bad(
                    name,
                    format!("this layer is filtered by '{}'", T::KIND_FILTER),
                ));
            }
            "status" if T::KIND == ItemKind::Action => {
                q.status = Some(
                    value
                        .parse::<ActionStatus>()
                        .map_err(|e| bad("status", e.to_string()))?,
                )
            }
            "status" => return Err(bad("status", "only actions have a status")),
            // "from" and "to", read together below; others are the caller's.
            _ => {}
        }
    }
    q.window = window(params.timestamp("from")?, params.timestamp("to")?)?;
    Ok(q)
}

/// The normalised form of a layer query, for keys: its filters in a fixed order, times in UTC.
pub fn layer_key(q: &LayerQuery) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.pairs())
        .finish()
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

/// Checks that a wall display may have `window` now ([`model::density::check_display_window`]);
/// the refusal names `from`.
pub fn display_window(window: (Timestamp, Timestamp)) -> Result<(), AppError> {
    model::density::check_display_window(window, Timestamp::now())
        .map_err(|reason| bad("from", reason))
}

/// The version an `If-Match` header names; required for changes.
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<i64, AppError> {
    let value = headers
        .get(axum::http::header::IF_MATCH)
        .ok_or(AppError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .and_then(model::api::version_of_etag)
        .ok_or_else(|| {
            bad(
                "If-Match",
                "must be the ETag of the version you edit, e.g. \"v3\"",
            )
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use model::Hotspot;

    use super::*;

    fn key(raw: &str) -> Result<String, String> {
        let agencies = [AgencyKey::parse("kod").unwrap()];
        layer_query::<Hotspot>(Some(raw), &agencies)
            .map(|q| layer_key(&q))
            .map_err(|e| match e {
                AppError::BadRequest { field, .. } => field,
                other => other.to_string(),
            })
    }

    #[test]
    fn empty_parameters_are_ignored_and_equal_queries_share_one_key() {
        for raw in ["", "&&", "&", "kind=", "district=&agency="] {
            assert_eq!(key(raw), Ok(String::new()), "{raw:?}");
        }
        assert_eq!(
            key("kind=drug_scene&district=mitte"),
            key("district=mitte&&kind=drug_scene")
        );
        assert_eq!(
            key("from=2026-12-01T00:00:00%2B01:00&to=2026-12-02T00:00:00%2B01:00"),
            key("to=2026-12-01T23:00:00Z&from=2026-11-30T23:00:00Z"),
            "one instant, written two ways"
        );
        assert_eq!(
            key("district=mitte&kind=drug_scene"),
            Ok("district=mitte&kind=drug_scene".to_owned())
        );
    }

    #[test]
    fn a_repeated_or_unknown_parameter_is_refused_by_its_name() {
        assert_eq!(key("district=mitte&district=mitte"), Err("district".into()));
        assert_eq!(
            key("district=mitte&district=heessen"),
            Err("district".into())
        );
        assert_eq!(key("distrct=mitte"), Err("distrct".into()));
        assert_eq!(key("=x"), Err(String::new()));
        assert_eq!(key("status=planned"), Err("status".into()));
        assert_eq!(key("category=drug_scene"), Err("category".into()));
        // Empty segments are no parameters; empty values are, and their number is bounded.
        let gaps = "&".repeat(40) + "district=mitte";
        assert_eq!(key(&gaps), Ok("district=mitte".into()));
        assert_eq!(key(&"kind=&".repeat(17)), Err("query".into()));
    }
}
