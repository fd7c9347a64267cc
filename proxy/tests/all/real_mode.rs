//! Real mode: configuration, `orgdesk check`, and the proxy serving a tenant's organizations
//! from a loopback stand-in that answers with Auth0's recorded responses.

#![allow(clippy::unwrap_used)]

use crate::upstream;

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use orgdesk_proxy::config::{FileConfig, REQUIRED_SCOPES};
use orgdesk_proxy::session::demo::PERSONAS;
use serde_json::Value;
use tower::ServiceExt;
use upstream::{Reply, Upstream};

/// The offset page Auth0 sent in the recorded `TestOrganizationManager_List`.
const RECORDED_LIST: &str = r#"{"organizations":[{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Test Organization","branding":{"logo_url":"https://example.com/logo.gif"}}],"start":0,"limit":50,"total":1}"#;

fn config(management_url: &str) -> FileConfig {
    FileConfig::parse(&format!(
        "[auth0]\ndomain = \"tenant.example.com\"\napp_client_id = \"app123\"\napp_redirect_uri = \"https://ai.example.com/callback\"\nclient_id = \"m2m123\"\nmanagement_url = \"{management_url}\"\nlogin_client_id = \"login123\"\n"
    ))
    .unwrap()
}

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn token_with_scopes(scopes: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{}","expires_in":86400,"token_type":"Bearer","scope":"{scopes}"}}"#,
            upstream::TOKEN
        ),
    )
}

#[test]
fn an_incomplete_configuration_is_named_precisely() {
    let none = FileConfig::default().real_mode(&env(&[])).unwrap_err();
    assert!(none.to_string().contains("[auth0]"), "{none}");
    assert!(none.to_string().contains("--demo"));

    let no_secret = config("http://127.0.0.1:9")
        .real_mode(&env(&[]))
        .unwrap_err();
    assert!(
        no_secret
            .to_string()
            .contains("ORGDESK_AUTH0_CLIENT_SECRET"),
        "{no_secret}"
    );

    let plain = config("http://evil.example")
        .real_mode(&env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "s")]))
        .unwrap_err();
    assert!(plain.to_string().contains("https://"), "{plain}");

    let real = config("http://127.0.0.1:9")
        .real_mode(&env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "s3cret")]))
        .unwrap();
    assert_eq!(real.client.audience, "https://tenant.example.com/api/v2/");
    assert!(
        !format!("{real:?}").contains("s3cret"),
        "the secret never reaches Debug output"
    );
}

#[tokio::test]
async fn check_names_every_missing_scope() {
    let server = Upstream::start(|seen| {
        if seen.path == "/oauth/token" {
            token_with_scopes("read:organizations read:users")
        } else {
            Reply::json(200, RECORDED_LIST)
        }
    })
    .await;
    let report = orgdesk_proxy::check::check(
        &config(&server.base_url),
        &env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "s3cret")]),
    )
    .await;
    assert!(!report.ok());
    assert_eq!(report.missing_scopes.len(), REQUIRED_SCOPES.len() - 2);
    assert!(report
        .missing_scopes
        .iter()
        .any(|s| s == "create:organizations"));
    let text: Vec<String> = report.findings.iter().map(|f| f.text.clone()).collect();
    assert!(
        text.iter().any(|t| t.contains("update:tenant_settings")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("readable (1 in the tenant)")),
        "{text:?}"
    );
    assert!(text.iter().all(|t| !t.contains("s3cret")));

    let all = REQUIRED_SCOPES.join(" ");
    server.set_handler(move |seen| {
        if seen.path == "/oauth/token" {
            token_with_scopes(&all)
        } else {
            Reply::json(200, RECORDED_LIST)
        }
    });
    let report = orgdesk_proxy::check::check(
        &config(&server.base_url),
        &env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "s3cret")]),
    )
    .await;
    assert!(report.ok(), "{:?}", report.findings);
}

#[tokio::test]
async fn check_explains_a_bad_secret_and_an_unreachable_tenant() {
    let server = Upstream::start(|_| {
        Reply::json(
            401,
            r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        )
    })
    .await;
    let report = orgdesk_proxy::check::check(
        &config(&server.base_url),
        &env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "wrong")]),
    )
    .await;
    assert!(!report.ok());
    let last = &report.findings.last().unwrap().text;
    assert!(
        last.contains("refused the client credentials (access_denied"),
        "{last}"
    );
    assert_eq!(server.api_requests(), 0);

    // Nothing listens on port 9 of loopback.
    let report = orgdesk_proxy::check::check(
        &config("http://127.0.0.1:9"),
        &env(&[("ORGDESK_AUTH0_CLIENT_SECRET", "s")]),
    )
    .await;
    let last = &report.findings.last().unwrap().text;
    assert!(last.contains("cannot reach http://127.0.0.1:9"), "{last}");
}

#[tokio::test]
async fn real_mode_serves_the_tenants_organizations_and_reports_its_budget() {
    let server = Upstream::with_token(|seen| {
        assert_eq!(seen.path, "/api/v2/organizations");
        Reply::json(200, RECORDED_LIST)
            .with_header("x-ratelimit-limit", "10")
            .with_header("x-ratelimit-remaining", "1")
            .with_header("x-ratelimit-reset", "4102444800")
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let state = orgdesk_proxy::real_state(
        &dir.path().join("data"),
        &dir.path().join("no-assets"),
        "http://orgdesk.test",
        &config(&server.base_url),
        &env(&[
            ("ORGDESK_AUTH0_CLIENT_SECRET", "s3cret"),
            ("ORGDESK_LOGIN_CLIENT_SECRET", "login-s3cret"),
        ]),
    )
    .await
    .unwrap();
    // Until Auth0 sign-in lands, a session is made the way the sign-in will make it.
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, _) = state.sessions.create(admin.session()).await.unwrap();
    let cookie = format!("{}={token}", orgdesk_proxy::session::cookie_name(false));
    let app = orgdesk_proxy::app(state);
    let get = |uri: &str| {
        Request::get(uri)
            .header(header::HOST, "orgdesk.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };

    let status: Value = json(app.clone().oneshot(get("/api/status")).await.unwrap()).await;
    assert_eq!(status["mode"], "auth0");
    assert_eq!(status["upstream"], "unknown");

    let response = app
        .clone()
        .oneshot(get("/api/orgs?page=0&per_page=50"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list = json(response).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "test-organization298");
    assert_eq!(
        list["items"][0]["branding"]["logo_url"],
        "https://example.com/logo.gif"
    );
    assert_eq!(
        server.api_requests(),
        1,
        "one Management API call for the list"
    );

    let status = json(app.clone().oneshot(get("/api/status")).await.unwrap()).await;
    assert_eq!(status["upstream"], "ok");
    assert_eq!(status["rate_limit"]["remaining"], 1);
    assert_eq!(status["rate_limit"]["limit"], 10);

    let me = json(app.oneshot(get("/api/me")).await.unwrap()).await;
    assert_eq!(me["mode"], "auth0");
    assert!(me["try_sign_in"]
        .as_str()
        .unwrap()
        .starts_with("https://tenant.example.com/authorize?client_id=app123"));
}

async fn json(response: axum::response::Response) -> Value {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}
