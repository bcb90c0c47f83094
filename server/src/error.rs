//! The API's one error type and its JSON form:
//! `{"error": {"code", "message", "field"?, "details"?: [{"field", "reason"}]}}`.
//! Internal faults are logged with `tracing` and answered without internals.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use model::{
    api::{ErrorBody, ErrorDetail},
    validation::FieldError,
};

use model::api::etag;

use crate::{accounts::AccountError, db::DbError, store::StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A request field (body, query or header) is malformed.
    #[error("invalid {field}: {reason}")]
    BadRequest { field: String, reason: String },
    /// The body parsed but does not pass validation.
    #[error("{} problem(s), first: {}: {}", .0.len(), .0.first().map_or("", |e| e.field.as_str()), .0.first().map_or("", |e| e.reason.as_str()))]
    Invalid(Vec<FieldError>),
    #[error("the body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("If-Match is required: send the ETag you last read")]
    PreconditionRequired,
    #[error("{0}: it was changed meanwhile; reload it (ETag {1})")]
    PreconditionFailed(String, i64),
    #[error("{0}")]
    Conflict(String),
    #[error("the request was not complete within {} s", .0.as_secs_f64())]
    Timeout(std::time::Duration),
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong login name or password")]
    BadCredentials,
    /// Not the caller's to do; `field` names the request field that may not be so, if one.
    #[error("forbidden: {reason}")]
    Forbidden {
        field: Option<String>,
        reason: String,
    },
    /// Refused for what one of the request's headers says, or for its absence; the answer's
    /// `field` names the header.
    #[error("forbidden: {reason}")]
    ForbiddenHeader {
        header: &'static str,
        reason: String,
    },
    #[error("too many failed attempts: try again in {} minute(s)", .0.as_secs().div_ceil(60))]
    TooManyRequests(std::time::Duration),
    /// The server is at its limit of this expensive work (e.g. checking passwords).
    #[error("the server is busy: try again in {} second(s)", .0.as_secs().max(1))]
    Busy(std::time::Duration),
    #[error(transparent)]
    Db(#[from] DbError),
    /// An answer could not be written as JSON (a fault of the server, not of the request).
    #[error("could not write the answer: {0}")]
    Encode(#[from] serde_json::Error),
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(error) => AppError::Invalid(vec![error]),
            AccountError::Exists(_) => AppError::Conflict(e.to_string()),
            AccountError::NotFound(_) => AppError::NotFound(e.to_string()),
            AccountError::NotADisplay(_) | AccountError::OtherAgency { .. } => {
                AppError::Conflict(e.to_string())
            }
            AccountError::Db(db) => AppError::Db(db),
            AccountError::Hash(_) | AccountError::Random(_) => {
                AppError::Db(DbError::Task(e.to_string()))
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => AppError::NotFound(e.to_string()),
            StoreError::Stale { kind, id, current } => {
                AppError::PreconditionFailed(format!("{kind} {id}"), current)
            }
            StoreError::Invalid(errors) => AppError::Invalid(errors),
            StoreError::Forbidden { field, reason } => AppError::Forbidden {
                field: field.map(str::to_owned),
                reason,
            },
            StoreError::Db(db) => AppError::Db(db),
        }
    }
}

/// How long a client is asked to wait while the database cannot be reached.
pub const DATABASE_RETRY: std::time::Duration = std::time::Duration::from_secs(5);

/// Most problems one error answer lists (the first ones found).
pub const MAX_DETAILS: usize = 20;

impl AppError {
    /// Refused, with no particular field to blame.
    pub fn forbidden(reason: impl Into<String>) -> AppError {
        AppError::Forbidden {
            field: None,
            reason: reason.into(),
        }
    }

    /// Refused for what `field` says.
    pub fn forbidden_field(field: &str, reason: impl Into<String>) -> AppError {
        AppError::Forbidden {
            field: Some(field.to_owned()),
            reason: reason.into(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::PreconditionRequired => {
                (StatusCode::PRECONDITION_REQUIRED, "precondition_required")
            }
            AppError::PreconditionFailed(..) => (StatusCode::PRECONDITION_FAILED, "stale"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            AppError::Forbidden { .. } | AppError::ForbiddenHeader { .. } => {
                (StatusCode::FORBIDDEN, "forbidden")
            }
            AppError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            AppError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Db(DbError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
            }
            AppError::Db(_) | AppError::Encode(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let mut detail = ErrorDetail {
            code: code.to_owned(),
            message: self.to_string(),
            field: None,
            details: vec![],
        };
        match &self {
            AppError::Db(DbError::Unavailable(err)) => {
                tracing::warn!(error = %err, "database unreachable");
                detail.message =
                    "the database cannot be reached just now: try again shortly".to_owned();
            }
            AppError::Db(err) => {
                tracing::error!(error = %err, "database fault");
                detail.message = "internal server error".to_owned();
            }
            AppError::Encode(err) => {
                tracing::error!(error = %err, "answer not written");
                detail.message = "internal server error".to_owned();
            }
            AppError::BadRequest { field, .. } => detail.field = Some(field.clone()),
            AppError::Invalid(errors) => {
                detail.field = errors.first().map(|e| e.field.clone());
                detail.details = errors.iter().take(MAX_DETAILS).cloned().collect();
            }
            AppError::Forbidden { field, .. } => detail.field = field.clone(),
            AppError::PreconditionRequired | AppError::PreconditionFailed(..) => {
                detail.field = Some("If-Match".to_owned());
            }
            AppError::ForbiddenHeader { header, .. } => detail.field = Some((*header).to_owned()),
            AppError::UnsupportedMediaType => detail.field = Some("Content-Type".to_owned()),
            AppError::PayloadTooLarge(_) => detail.field = Some("body".to_owned()),
            _ => {}
        }
        let mut response = (status, Json(ErrorBody { error: detail })).into_response();
        if let AppError::PreconditionFailed(_, current) = self
            && let Ok(v) = HeaderValue::from_str(&etag(current))
        {
            response.headers_mut().insert(header::ETAG, v);
        }
        let wait = match self {
            AppError::TooManyRequests(wait) | AppError::Busy(wait) => Some(wait),
            AppError::Db(DbError::Unavailable(_)) => Some(DATABASE_RETRY),
            _ => None,
        };
        if let Some(wait) = wait
            && let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
