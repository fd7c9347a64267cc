//! Users: creating one the way the seed scenario was made, looking one up, connections.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, AI_ORG};
use serde_json::json;

fn new_user(email: &str) -> serde_json::Value {
    json!({
        "connection": "Username-Password-Authentication",
        "email": email,
        "password": "Sup3r-secret!",
        "name": "New Scientist",
        "email_verified": true,
        "user_metadata": {"role": "data-scientist"},
        "organization_id": AI_ORG
    })
}

#[tokio::test]
async fn a_user_created_from_an_org_carries_its_id_and_becomes_a_member() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, user) = app
        .call(
            "POST",
            "/api/users",
            &admin,
            Some(new_user("scientist@example.com")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["app_metadata"]["organization_id"], AI_ORG);
    assert_eq!(user["user_metadata"]["role"], "data-scientist");
    assert!(
        user.get("password").is_none(),
        "a password is never returned"
    );
    let body = user.to_string();
    assert!(!body.contains("Sup3r-secret!"));

    let (_, page) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/members?q=scientist%40"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(page["items"][0]["email"], "scientist@example.com");

    let id = user["user_id"].as_str().unwrap().replace('|', "%7C");
    let (status, detail) = app
        .get_json(&format!("/api/users/{id}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["organizations"][0]["id"], AI_ORG);

    let (_, audit) = app
        .get_json("/api/audit?action=users.create", Some(&admin.cookie))
        .await;
    assert!(
        !audit.to_string().contains("Sup3r-secret!"),
        "the audit log holds no password"
    );
}

#[tokio::test]
async fn a_duplicate_email_is_a_409_on_the_email_field_and_weak_passwords_are_refused() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, body) = app
        .call(
            "POST",
            "/api/users",
            &admin,
            Some(new_user("user@example.com")),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["field"], "email");
    let mut weak = new_user("weak@example.com");
    weak["password"] = json!("password");
    let (status, body) = app.call("POST", "/api/users", &admin, Some(weak)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "password");
    let mut saml = new_user("saml@example.com");
    saml["connection"] = json!("acme-saml");
    let (status, body) = app.call("POST", "/api/users", &admin, Some(saml)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "connection");
}

#[tokio::test]
async fn only_platform_admins_create_and_read_users() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let calls = app.directory_calls();
    let (status, _) = app
        .call("POST", "/api/users", &omar, Some(new_user("x@example.com")))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get_json(
            "/api/users/auth0%7C6651f0a2c3d4e5f6a7b8c9d3",
            Some(&omar.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.directory_calls(), calls);
    let (status, connections) = app.get_json("/api/connections", Some(&omar.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(connections.as_array().unwrap().len(), 3);
}
