//! Answers that a browser saves as a file.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

/// `body` as `content_type`, to be saved as `lagebild-hamm-{file}`.
pub fn attachment(content_type: &'static str, file: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"lagebild-hamm-{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}
