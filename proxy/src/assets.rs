//! Serving the built browser app: precompressed files, long caching for hashed names, the app's
//! page for every unknown path, and the Content-Security-Policy that fits it.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};

/// The built app, as found on disk at start.
#[derive(Debug, Clone)]
pub struct Assets {
    /// The folder `cargo xtask` wrote (`dist/`).
    pub dir: PathBuf,
    /// `'sha256-…'` sources for the inline scripts of `index.html` (the module loader).
    pub inline_script_hashes: Vec<String>,
}

impl Assets {
    /// Reads `index.html` from `dir`; `None` when the app has not been built there.
    #[must_use]
    pub fn load(dir: &Path) -> Option<Self> {
        let html = std::fs::read_to_string(dir.join("index.html")).ok()?;
        Some(Self {
            dir: dir.to_path_buf(),
            inline_script_hashes: inline_scripts(&html)
                .map(|script| {
                    format!(
                        "'sha256-{}'",
                        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))
                    )
                })
                .collect(),
        })
    }
}

/// The bodies of `<script>` elements that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        let (body, _) = rest.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

/// The policy sent with every response: scripts only from this origin (plus the hashed loader),
/// no inline script, no framing, no plug-ins. Logos may come from any https host.
#[must_use]
pub fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let hashes: String = inline_script_hashes
        .iter()
        .map(|h| format!(" {h}"))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether a path is named by its content, so that it can be cached for ever: a file in the
/// build's folder (`/app-0123456789abcdef/…`, the hash over every file in it), or a file whose
/// name carries its own hash (`name-0123456789abcdef.ext`; a 64-bit hash printed without
/// leading zeros can be shorter than 16 digits).
fn is_hashed(path: &str) -> bool {
    let in_build_folder = path
        .strip_prefix("/app-")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(hash, file)| {
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !file.is_empty()
        });
    if in_build_folder {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let policy = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

async fn not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html("<!doctype html><title>orgdesk</title><p>The orgdesk browser app has not been built. Run <code>cargo xtask demo</code>.</p>"),
    )
        .into_response()
}

/// The service for every path that no route claims.
pub fn router<S: Clone + Send + Sync + 'static>(assets: Option<&Assets>) -> Router<S> {
    match assets {
        Some(assets) => {
            let index = ServeFile::new(assets.dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            let files = ServeDir::new(&assets.dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(index);
            Router::new()
                .fallback_service(files)
                .layer(middleware::from_fn(cache_headers))
        }
        None => Router::new().fallback(not_built),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_names_are_recognised_as_hashed() {
        assert!(is_hashed("/orgdesk-web-3f2a1b4c5d6e7f80_bg.wasm"));
        assert!(is_hashed("/orgdesk-web-3f2a1b4c5d6e7f80.js"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(
            is_hashed("/orgdesk-web-20ff5695afc6b09_bg.wasm"),
            "15 digits: a leading zero dropped"
        );
        assert!(is_hashed("/app-0123456789abcdef/split_audit_screen.wasm"));
        assert!(
            !is_hashed("/app-0123/orgdesk-web.js"),
            "too short for a build hash"
        );
        assert!(!is_hashed("/app-0123456789abcdef/"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/orgs/org_abc"));
    }

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<script type="module">import init from '/a.js';</script><script src="/b.js"></script>"#;
        assert_eq!(
            inline_scripts(html).collect::<Vec<_>>(),
            ["import init from '/a.js';"]
        );
    }

    #[test]
    fn the_policy_never_allows_unsafe_inline_scripts() {
        let csp = content_security_policy(&["'sha256-abc'".into()]);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
