//! Creating, changing and deleting organizations as each persona, with the rules of Auth0.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, ACME, AI_ORG};
use serde_json::{json, Value};

async fn org(app: &TestApp, who: &common::Signed, id: &str) -> Value {
    let (status, org) = app
        .get_json(&format!("/api/orgs/{id}"), Some(&who.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    org
}

#[tokio::test]
async fn a_platform_admin_creates_an_org_and_the_audit_log_records_it() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, created) = app
        .call(
            "POST",
            "/api/orgs",
            &admin,
            Some(json!({
                "name": "new-customer",
                "display_name": "New Customer",
                "branding": {"colors": {"primary": "#5B21B6"}},
                "metadata": {"tenant_id": "tenant999", "ai_models": "claude-sonnet, gpt-4o"}
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["id"].as_str().unwrap().starts_with("org_"));
    assert_eq!(created["branding"]["colors"]["primary"], "#5b21b6");
    assert_eq!(
        created["metadata"]["ai_models"], "gpt-4o,claude-sonnet",
        "normalised by the schema"
    );

    let (_, list) = app
        .get_json("/api/orgs?q=new-customer", Some(&admin.cookie))
        .await;
    assert_eq!(list["total"], 1);

    let (_, audit) = app.get_json("/api/audit", Some(&admin.cookie)).await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "org.create");
    assert_eq!(entry["actor_email"], "admin@example.com");
    assert_eq!(entry["org_id"], created["id"]);
    assert!(entry["request_id"].is_string());
}

#[tokio::test]
async fn a_taken_name_is_a_409_on_the_name_field() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, body) = app
        .call(
            "POST",
            "/api/orgs",
            &admin,
            Some(json!({"name": "ai-organization"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["field"], "name");
    let (_, list) = app.get_json("/api/orgs", Some(&admin.cookie)).await;
    assert_eq!(list["total"], 12, "nothing was created");
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_the_store_is_unchanged() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let before = org(&app, &admin, AI_ORG).await;
    let too_many: serde_json::Map<String, Value> =
        (0..26).map(|i| (format!("k{i}"), json!("v"))).collect();
    let base = before["metadata"].clone();
    let cases = [
        (
            json!({"branding": {"logo_url": "javascript:alert(1)"}}),
            "branding.logo_url",
        ),
        (
            json!({"branding": {"logo_url": "http://cdn.example.com/logo.png"}}),
            "branding.logo_url",
        ),
        (
            json!({"branding": {"colors": {"primary": "#12345"}}}),
            "branding.colors.primary",
        ),
        (
            json!({"branding": {"colors": {"page_background": "blue"}}}),
            "branding.colors.page_background",
        ),
        (
            json!({"metadata": too_many, "base_metadata": base}),
            "metadata",
        ),
        (
            json!({"metadata": {"tenant_id": "tenant12345", "notes": "x".repeat(256)}, "base_metadata": base}),
            "metadata.notes",
        ),
        (
            json!({"metadata": {"tenant_id": "tenant12345", "data_region": "mars"}, "base_metadata": base}),
            "metadata.data_region",
        ),
        (json!({"display_name": "", }), "display_name"),
        (json!({"display_name": "A", "id": "org_other"}), "id"),
        (json!({"metadata": {}}), "base_metadata"),
    ];
    for (body, field) in cases {
        let (status, answer) = app
            .call(
                "PATCH",
                &format!("/api/orgs/{AI_ORG}"),
                &admin,
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {answer}");
        assert_eq!(answer["error"], "invalid_input", "{body}");
        assert_eq!(answer["field"], field, "{body} → {answer}");
    }
    let (status, answer) = app
        .call(
            "POST",
            "/api/orgs",
            &admin,
            Some(json!({"name": "Bad Name"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["field"], "name");
    assert_eq!(
        org(&app, &admin, AI_ORG).await,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn an_org_admin_rebrands_their_own_org_only() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (status, saved) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &omar,
            Some(json!({"branding": {"logo_url": "https://example.com/logo.png", "colors": {"primary": "#5b21b6", "page_background": "#0b1437"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["branding"]["colors"]["primary"], "#5b21b6");
    assert_eq!(
        saved["metadata"]["tenant_id"], "tenant12345",
        "metadata untouched by a branding save"
    );

    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &omar,
            Some(json!({"display_name": "Renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "org admins cannot rename");

    let calls = app.directory_calls();
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{ACME}"),
            &omar,
            Some(json!({"branding": {"colors": {"primary": "#000000"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call("DELETE", &format!("/api/orgs/{ACME}"), &omar, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call("POST", "/api/orgs", &omar, Some(json!({"name": "mine"})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.directory_calls(),
        calls,
        "denied requests never reach the directory"
    );
}

#[tokio::test]
async fn an_org_admin_edits_only_metadata_marked_for_org_admins() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let current = org(&app, &omar, AI_ORG).await;
    let base = current["metadata"].clone();
    let mut allowed = base.clone();
    allowed["default_model"] = json!("claude-sonnet");
    let (status, saved) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &omar,
            Some(json!({"metadata": allowed, "base_metadata": base})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["metadata"]["default_model"], "claude-sonnet");

    let base = saved["metadata"].clone();
    let mut denied = base.clone();
    denied["ai_models"] = json!("gpt-4o,claude-sonnet,llama-3-70b");
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &omar,
            Some(json!({"metadata": denied, "base_metadata": base})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        org(&app, &omar, AI_ORG).await["metadata"],
        saved["metadata"]
    );
}

#[tokio::test]
async fn a_member_changes_nothing() {
    let app = TestApp::new().await;
    let sam = app.sign_in("member").await;
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &sam,
            Some(json!({"branding": {"colors": {"primary": "#000000"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get_json("/api/audit", Some(&sam.cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_concurrent_metadata_edit_is_a_409_and_overwrites_nothing() {
    let app = TestApp::new().await;
    let first = app.sign_in("platform-admin").await;
    let second = app.sign_in("platform-admin").await;
    let opened = org(&app, &first, AI_ORG).await["metadata"].clone();

    let mut theirs = opened.clone();
    theirs["data_region"] = json!("eu");
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &second,
            Some(json!({"metadata": theirs, "base_metadata": opened})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let mut mine = opened.clone();
    mine["monthly_token_quota"] = json!("42");
    let (status, answer) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &first,
            Some(json!({"metadata": mine, "base_metadata": opened})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        answer["current"]["metadata"]["data_region"], "eu",
        "the answer carries what is stored now"
    );
    let stored = org(&app, &first, AI_ORG).await["metadata"].clone();
    assert_eq!(stored["data_region"], "eu");
    assert_eq!(
        stored["monthly_token_quota"], "5000000",
        "the stale edit wrote nothing"
    );
}

#[tokio::test]
async fn tenant_id_cannot_change_after_creation() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let base = org(&app, &admin, AI_ORG).await["metadata"].clone();
    let mut changed = base.clone();
    changed["tenant_id"] = json!("tenant00000");
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &admin,
            Some(json!({"metadata": changed, "base_metadata": base})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deleting_takes_members_and_invitations_along_and_is_audited() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (_, counts) = app
        .get_json(&format!("/api/orgs/{AI_ORG}/counts"), Some(&admin.cookie))
        .await;
    assert_eq!(counts, json!({"members": 4, "invitations": 2}));
    let (status, _) = app
        .call("DELETE", &format!("/api/orgs/{AI_ORG}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call("DELETE", &format!("/api/orgs/{AI_ORG}"), &admin, None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "deleting a deleted org is 404, as in Auth0"
    );
    let (_, audit) = app
        .get_json(
            &format!("/api/audit?org_id={AI_ORG}&action=org.delete"),
            Some(&admin.cookie),
        )
        .await;
    let changes = &audit["items"][0]["changes"];
    assert_eq!(changes[1]["before"], "4");
}

#[tokio::test]
async fn org_admins_read_only_their_own_orgs_audit_records() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for id in [AI_ORG, ACME] {
        let (status, _) = app
            .call(
                "PATCH",
                &format!("/api/orgs/{id}"),
                &admin,
                Some(json!({"display_name": "Renamed"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let lena = app.sign_in("org-admin-acme").await;
    let (_, audit) = app.get_json("/api/audit", Some(&lena.cookie)).await;
    let entries: Vec<(&str, &str)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["org_id"].as_str().unwrap()))
        .collect();
    // Her own sign-in, and the platform admin's change to her org; nothing of AI Organization.
    assert_eq!(entries, [("auth.sign_in", ACME), ("org.update", ACME)]);
    let (status, _) = app
        .get_json(&format!("/api/audit?org_id={AI_ORG}"), Some(&lena.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_claims_preview_shows_the_orgs_segmentation() {
    let app = TestApp::new().await;
    let sam = app.sign_in("member").await;
    let (status, claims) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/claims-preview"),
            Some(&sam.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(claims["org_id"], AI_ORG);
    assert_eq!(claims["org_name"], "ai-organization");
    assert_eq!(
        claims["https://ai.example.com/allowed_models"],
        json!(["gpt-4o", "claude-sonnet"])
    );
    assert_eq!(claims["https://ai.example.com/token_quota"], 5_000_000);
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &admin,
            Some(json!({"display_name": "x".repeat(100_000)})),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "too_large");
}
