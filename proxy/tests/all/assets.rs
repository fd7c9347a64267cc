//! Serving the built app: compression, caching, the SPA fallback and the CSP that fits it.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine as _;
use common::{body_text, TestApp, HOST};
use sha2::{Digest, Sha256};

const LOADER: &str = "import init from '/orgdesk-web-0123456789abcdef.js'; await init();";

async fn app_with_dist() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        format!("<!doctype html><html><head><script type=\"module\">{LOADER}</script></head><body></body></html>"),
    )
    .unwrap();
    std::fs::write(
        dist.join("orgdesk-web-0123456789abcdef.js"),
        "export default 1;",
    )
    .unwrap();
    std::fs::write(
        dist.join("orgdesk-web-0123456789abcdef.js.br"),
        b"\x0b\x08\x80export default 1;\x03",
    )
    .unwrap();
    let app = TestApp::in_dir(dir, Some(&dist)).await;
    app
}

fn get(uri: &str, encoding: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri).header(header::HOST, HOST);
    if let Some(encoding) = encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn hashed_files_are_cached_for_ever_and_served_precompressed() {
    let app = app_with_dist().await;
    let response = app
        .send(get("/orgdesk-web-0123456789abcdef.js", Some("br, gzip")))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");

    let response = app
        .send(get("/orgdesk-web-0123456789abcdef.js", None))
        .await;
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body_text(response).await, "export default 1;");
}

#[tokio::test]
async fn app_paths_fall_back_to_the_uncached_index() {
    let app = app_with_dist().await;
    for uri in ["/", "/orgs", "/orgs/org_aiOrg7Qm2Xk4Lp9"] {
        let response = app.send(get(uri, None)).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{uri}"
        );
        assert!(
            body_text(response)
                .await
                .contains("<script type=\"module\">"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_csp_allows_exactly_the_inline_loader_by_hash() {
    let app = app_with_dist().await;
    let response = app.send(get("/", None)).await;
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
}

#[tokio::test]
async fn without_a_built_app_the_page_says_how_to_build_it() {
    let app = TestApp::new().await;
    let response = app.send(get("/", None)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(body_text(response).await.contains("cargo xtask demo"));
}
