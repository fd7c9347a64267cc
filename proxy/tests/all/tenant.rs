//! Tenant settings: read and changed by platform admins, checked field by field, audited.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_seeded_settings_are_the_scenarios() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, settings) = app
        .get_json("/api/tenant/settings", Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("seeded_settings", settings);
}

#[tokio::test]
async fn a_change_is_saved_whole_audited_and_survives_a_reload() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, saved) = app
        .call(
            "PATCH",
            "/api/tenant/settings",
            &admin,
            Some(json!({"friendly_name": "  Acme AI  ", "support_email": "Help@Acme.ai", "error_page": {"html": "<p>Oops</p>", "url": "", "show_log_link": true}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["friendly_name"], "Acme AI");
    assert_eq!(saved["support_email"], "help@acme.ai");
    assert_eq!(
        saved["support_url"], "https://support.example.com",
        "untouched"
    );
    assert_eq!(saved["error_page"]["show_log_link"], true);
    let (_, reread) = app
        .get_json("/api/tenant/settings", Some(&admin.cookie))
        .await;
    assert_eq!(reread, saved);
    let (_, audit) = app
        .get_json("/api/audit?action=tenant.update", Some(&admin.cookie))
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "tenant.update");
    let fields: Vec<&str> = entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "friendly_name",
            "support_email",
            "error_page.url",
            "error_page.html",
            "error_page.show_log_link"
        ]
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for (body, field) in [
        (json!({"support_email": "not-an-address"}), "support_email"),
        (
            json!({"support_url": "http://support.example.com"}),
            "support_url",
        ),
        (json!({"friendly_name": ""}), "friendly_name"),
        (
            json!({"error_page": {"html": "", "url": "javascript:alert(1)", "show_log_link": false}}),
            "error_page.url",
        ),
    ] {
        let (status, error) = app
            .call("PATCH", "/api/tenant/settings", &admin, Some(body))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error["field"], field);
    }
    let (status, error) = app
        .call(
            "PATCH",
            "/api/tenant/settings",
            &admin,
            Some(json!({"flags": {"x": true}})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "flags are read-only: {error}"
    );
    let (_, settings) = app
        .get_json("/api/tenant/settings", Some(&admin.cookie))
        .await;
    assert_eq!(settings["friendly_name"], "My AI Application");
}
