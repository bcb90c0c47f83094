//! HTTP hardening on every response: a strict Content-Security-Policy, `nosniff`, no referrer,
//! no framing; `no-store` for the API; long caching for the app's hashed files and
//! revalidation for everything else.
//!
//! The policy allows no inline script or style and no `eval`; the WebAssembly needs
//! `'wasm-unsafe-eval'`. Trunk's start-up script is inline in `index.html`, so the policy
//! carries the SHA-256 of each inline script found there when the server starts.

use std::{
    future::Future,
    path::Path,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Response, header};
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};
use tower::{Layer, Service};

/// `script-src` hashes of the inline `<script>` elements of `html` (`'sha256-…'`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(format!("'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

/// The Content-Security-Policy for the app built in `dist_dir`, with images (tiles) also from
/// `image_origins` (see [`model::MapConfig::image_origins`]).
pub fn content_security_policy(dist_dir: &Path, image_origins: &[String]) -> String {
    let index = std::fs::read_to_string(dist_dir.join("index.html")).unwrap_or_default();
    let mut script = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    script.extend(inline_script_hashes(&index));
    let mut img = vec!["'self'".to_owned(), "data:".to_owned()];
    img.extend(image_origins.iter().cloned());
    [
        "default-src 'self'".to_owned(),
        format!("script-src {}", script.join(" ")),
        "style-src 'self'".to_owned(),
        format!("img-src {}", img.join(" ")),
        "connect-src 'self'".to_owned(),
        "font-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
        "form-action 'self'".to_owned(),
    ]
    .join("; ")
}

/// The headers every response carries.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    /// Served over TLS: browsers are told to use nothing else (HSTS).
    tls: bool,
}

/// Two years of HTTPS only, as the HSTS preload list asks; no subdomains (the dashboard does
/// not own its parent domain).
pub const HSTS: &str = "max-age=63072000";

impl SecurityHeaders {
    pub fn new(dist_dir: &Path, image_origins: &[String], tls: bool) -> SecurityHeaders {
        let policy = content_security_policy(dist_dir, image_origins);
        SecurityHeaders {
            // Built from hashes and a validated tile URL: always a valid header value.
            csp: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
            tls,
        }
    }

    fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        if self.tls {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(HSTS),
            );
        }
    }
}

/// How long a browser keeps a base-map tile (the ETag revalidates it after).
pub const TILE_CACHING: &str = "private, max-age=86400";

/// `/api/…` is never stored; files whose names carry Trunk's content hash never change and
/// are cached for a year; base-map tiles (for signed-in viewers) for a day, by the browser
/// only; everything else (index.html, Leaflet's files) is revalidated.
fn cache_control(path: &str) -> HeaderValue {
    if path == "/api" || path.starts_with("/api/") {
        HeaderValue::from_static("no-store")
    } else if path.starts_with("/tiles/") {
        HeaderValue::from_static(TILE_CACHING)
    } else if has_content_hash(path) {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

/// `app-d098a52d949a5195_bg.wasm`, `leaflet-6c92c0056ca7a79.css`: Trunk's 64-bit content
/// hash after a dash, before the extension or `_bg`. Trunk writes it in hex without leading
/// zeros, so it may be shorter than 16 digits; fewer than 12 (one build in 65,536) are not taken
/// for a hash, so a name such as `icon-add.svg` is not cached for a year.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

impl<S> Layer<S> for SecurityHeaders {
    type Service = Secured<S>;

    fn layer(&self, inner: S) -> Secured<S> {
        Secured {
            inner,
            headers: Arc::new(self.clone()),
        }
    }
}

/// A service with [`SecurityHeaders`] on its every response. A plain service rather than a
/// `from_fn` middleware: every request passes it, and this costs no boxed future.
#[derive(Clone)]
pub struct Secured<S> {
    inner: S,
    headers: Arc<SecurityHeaders>,
}

impl<S, B, ResBody> Service<Request<B>> for Secured<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = SecuredFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        SecuredFuture {
            cache_control: Some(cache_control(request.uri().path())),
            headers: Arc::clone(&self.headers),
            inner: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// The inner service's answer, with the headers set once it is there.
    pub struct SecuredFuture<F> {
        #[pin]
        inner: F,
        headers: Arc<SecurityHeaders>,
        cache_control: Option<HeaderValue>,
    }
}

impl<F, ResBody, E> Future for SecuredFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        let headers = response.headers_mut();
        this.headers.apply(headers);
        if let Some(value) = this.cache_control.take() {
            headers.insert(header::CACHE_CONTROL, value);
        }
        Poll::Ready(Ok(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<script src="/leaflet/leaflet.js"></script>
<script type="module">
import init from '/app.js';
</script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = STANDARD.encode(Sha256::digest(b"\nimport init from '/app.js';\n"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }

    #[test]
    fn the_policy_allows_no_inline_code_and_names_the_tile_server() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<script>boot()</script>").unwrap();
        let csp = content_security_policy(
            dir.path(),
            &[
                "https://*.tiles.example".to_owned(),
                "https://geo.intranet:8443".to_owned(),
            ],
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        for part in [
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "img-src 'self' data: https://*.tiles.example https://geo.intranet:8443;",
        ] {
            assert!(csp.contains(part), "{part} missing from {csp}");
        }
        let none = content_security_policy(dir.path(), &[]);
        assert!(none.contains("img-src 'self' data:;"), "{none}");
    }

    #[test]
    fn only_hashed_file_names_are_cached_for_long() {
        assert!(has_content_hash("/app-d098a52d949a5195_bg.wasm"));
        assert!(has_content_hash("/app-f1a1769a9e824d0b.css"));
        // Trunk drops the hash's leading zeros.
        assert!(has_content_hash("/leaflet/leaflet-6c92c0056ca7a79.css"));
        assert!(!has_content_hash("/leaflet/leaflet.js"));
        assert!(!has_content_hash("/leaflet/leaflet-src.js"));
        assert!(!has_content_hash("/icon-add.svg"));
        assert!(!has_content_hash("/app-0123456789abcdef0.js"));
        assert!(!has_content_hash("/index.html"));
        assert!(!has_content_hash("/bezirk/bockum-hoevel"));
        assert_eq!(cache_control("/api/hotspots"), "no-store");
        assert_eq!(cache_control("/"), "no-cache");
        assert_eq!(cache_control("/tiles/stadtplan/12/2136/1364"), TILE_CACHING);
    }
}
