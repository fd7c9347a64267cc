//! `/api/apis` over HTTP on the embedded store: the rules, the answers, the audit, and what a
//! change to an API does to the roles that hold its permissions.

#![allow(clippy::unwrap_used)]

use crate::common::TestApp;

use axum::http::StatusCode;
use serde_json::json;

const AI_API: &str = "rs_aiPlatformApi0002";
const MANAGEMENT_API: &str = "rs_managementApi0001";

#[tokio::test]
async fn the_demo_tenant_lists_the_directorys_own_api_first_then_the_ai_products() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, list) = app.get_json("/api/apis", Some(&admin.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], MANAGEMENT_API);
    assert_eq!(items[0]["system"], true);
    assert_eq!(
        items[1]["identifier"],
        "https://api.ai-application.example/"
    );
    let values: Vec<&str> = items[1]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    for held in ["read:datasets", "run:inference", "invoke:gpt-4o"] {
        assert!(values.contains(&held), "{held} in {values:?}");
    }
}

#[tokio::test]
async fn an_api_is_created_with_rbac_and_permissions_in_the_token_and_audited() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, api) = app
        .call(
            "POST",
            "/api/apis",
            &admin,
            Some(json!({
                "name": "Model Gateway",
                "identifier": "https://models.ai-application.example/",
                "permissions": [
                    {"value": "invoke:gpt-4o", "description": "Call GPT-4o"},
                    {"value": "read:usage", "description": "Read token usage"}
                ]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{api}");
    assert_eq!(api["signing_alg"], "RS256");
    assert_eq!(api["rbac"], true);
    assert_eq!(api["permissions_in_token"], true);
    assert_eq!(api["token_lifetime"], 86_400);
    assert_eq!(api["permissions"].as_array().unwrap().len(), 2);

    let (_, audit) = app
        .get_json("/api/audit?action=api.create", Some(&admin.cookie))
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "api.create");
    let fields: Vec<&str> = entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["identifier", "name", "permissions", "permissions"]);

    let (status, body) = app
        .call(
            "POST",
            "/api/apis",
            &admin,
            Some(json!({"name": "Again", "identifier": "https://models.ai-application.example/"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["field"], "identifier");
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let cases = [
        (json!({"name": "X", "identifier": "models"}), "identifier"),
        (
            json!({"name": "X", "identifier": "urn:x", "permissions": [{"value": "invoke gpt"}]}),
            "permissions[0].value",
        ),
        (json!({"name": " ", "identifier": "urn:x"}), "name"),
        (
            json!({"name": "X", "identifier": "urn:x", "token_lifetime": 1}),
            "token_lifetime",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = app.call("POST", "/api/apis", &admin, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let (status, answer) = app
        .call(
            "PATCH",
            &format!("/api/apis/{AI_API}"),
            &admin,
            Some(json!({"identifier": "urn:other"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (_, list) = app.get_json("/api/apis", Some(&admin.cookie)).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "nothing created"
    );
    assert_eq!(
        list["items"][1]["identifier"],
        "https://api.ai-application.example/"
    );
}

#[tokio::test]
async fn removing_a_permission_takes_it_from_the_roles_and_deleting_the_api_takes_them_all() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let holds = |roles: &serde_json::Value, permission: &str| {
        roles["items"].as_array().unwrap().iter().any(|r| {
            r["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == permission)
        })
    };
    let (_, roles) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    assert!(holds(&roles, "deploy:models"));

    let (_, api) = app
        .get_json(&format!("/api/apis/{AI_API}"), Some(&admin.cookie))
        .await;
    let kept: Vec<serde_json::Value> = api["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["value"] != "deploy:models")
        .cloned()
        .collect();
    let (status, saved) = app
        .call(
            "PATCH",
            &format!("/api/apis/{AI_API}"),
            &admin,
            Some(json!({"name": "AI Platform API v2", "permissions": kept})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["name"], "AI Platform API v2");
    let (_, roles) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    assert!(!holds(&roles, "deploy:models"), "gone from every role");
    assert!(holds(&roles, "read:datasets"), "the others stay");
    let (_, audit) = app
        .get_json("/api/audit?action=api.update", Some(&admin.cookie))
        .await;
    assert_eq!(
        audit["items"][0]["changes"][1]["before"],
        "deploy:models (Deploy models)"
    );

    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/apis/{MANAGEMENT_API}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the directory's own API stays"
    );
    let (status, _) = app
        .call("DELETE", &format!("/api/apis/{AI_API}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .get_json(&format!("/api/apis/{AI_API}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, roles) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    assert!(
        !holds(&roles, "read:datasets"),
        "no role keeps a deleted API's permission"
    );
    let (_, audit) = app
        .get_json("/api/audit?action=api.delete", Some(&admin.cookie))
        .await;
    assert_eq!(
        audit["items"][0]["changes"][0]["before"],
        "https://api.ai-application.example/"
    );
}
