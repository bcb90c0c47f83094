//! Serves the built app from the dist directory; unknown paths get `index.html` so client-side
//! routes such as `/bezirk/heessen` open directly.

use std::path::Path;

use axum::{
    Router,
    http::{StatusCode, header},
    response::IntoResponse,
};
use tower_http::services::{ServeDir, ServeFile};

/// The app's files, or a clear message where the app has not been built.
pub fn router<S: Clone + Send + Sync + 'static>(dist_dir: &Path) -> Router<S> {
    let index = dist_dir.join("index.html");
    if index.is_file() {
        Router::new().fallback_service(ServeDir::new(dist_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(
            "no app in {}: run `script/server` or `trunk build --release` to build it",
            dist_dir.display()
        );
        Router::new().fallback(app_not_built)
    }
}

async fn app_not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Lagebild Hamm: the web app has not been built. Run `script/server`, or \
         `trunk build --release` and restart the server. The API under /api/ works.\n",
    )
}
