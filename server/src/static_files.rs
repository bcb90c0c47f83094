//! Serves the built app from the dist directory; unknown paths get `index.html` so client-side
//! routes such as `/bezirk/heessen` open directly. Where the build left a brotli or gzip copy
//! beside a file (`app_bg.wasm.br`, see `script/precompress.mjs`), a browser that accepts it
//! gets that copy: nothing is compressed per request.

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
        let index = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        let files = ServeDir::new(dist_dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(index);
        Router::new().fallback_service(files)
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
