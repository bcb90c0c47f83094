//! The API's one error type and its JSON form: `{"error": {"code", "message", "field"?}}`.
//! Internal faults are logged with `tracing` and answered without internals.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use model::api::{ErrorBody, ErrorDetail};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::Invalid { .. } => (StatusCode::BAD_REQUEST, "invalid"),
            AppError::Db(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let (message, field) = match &self {
            AppError::Db(err) => {
                tracing::error!(error = %err, "database fault");
                ("internal server error".to_owned(), None)
            }
            AppError::Invalid { field, .. } => (self.to_string(), Some(field.clone())),
            _ => (self.to_string(), None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field,
            },
        };
        (status, Json(body)).into_response()
    }
}
