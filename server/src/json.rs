//! `ApiJson<T>`: a JSON body extractor whose every rejection is the API's own error, naming the
//! field (as a JSON path, e.g. `hours[0].from`) and the reason.

use axum::{
    extract::{FromRequest, Request},
    http::header,
};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Largest accepted JSON body for a single item (read no further: `413` beyond it).
pub const MAX_BODY: usize = 256 * 1024;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| AppError::PayloadTooLarge(MAX_BODY))?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the path of the first bad field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::BadRequest {
                field: "body".into(),
                reason: format!("malformed JSON: {inner}"),
            };
        }
        // serde's message ends with " at line L column C"; the field says where.
        let text = inner.to_string();
        let reason = text.split(" at line ").next().unwrap_or(&text).to_owned();
        let missing = reason
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'));
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => name.to_owned(),
            (_, Some(name)) => format!("{path}.{name}"),
            (".", None) => "body".to_owned(),
            _ => path,
        };
        AppError::BadRequest { field, reason }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Hotspot;

    fn field_of(json: &str) -> (String, String) {
        match parse::<Hotspot>(json.as_bytes()) {
            Err(AppError::BadRequest { field, reason }) => (field, reason),
            other => panic!("expected a bad request, got {:?}", other.err()),
        }
    }

    #[test]
    fn malformed_json_is_named_as_such() {
        let (field, reason) = field_of("{\"title\": ");
        assert_eq!(field, "body");
        assert!(reason.starts_with("malformed JSON"), "{field}: {reason}");
    }

    #[test]
    fn a_wrong_value_names_its_path() {
        let json = r#"{"title":"x","category":"youth_crime","severity":"high",
            "geometry":{"type":"Point","coordinates":[7.81,51.68]},
            "hours":[{"days":["fri"],"from":"25:00","to":"04:00"}],
            "agency":"polizei","review_date":"2027-01-01"}"#;
        let (field, reason) = field_of(json);
        assert_eq!(field, "hours[0].from");
        assert!(reason.contains("HH:MM"), "{reason}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let (field, reason) = field_of(r#"{"title":"x"}"#);
        assert_eq!(field, "category");
        assert!(reason.contains("missing"), "{reason}");
    }

    #[test]
    fn an_unknown_category_lists_the_choices() {
        let json = r#"{"title":"x","category":"riot"}"#;
        let (field, reason) = field_of(json);
        assert_eq!(field, "category");
        assert!(reason.contains("youth_crime"), "{reason}");
    }
}
