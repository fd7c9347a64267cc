//! An organization's enabled connections, with Auth0's rule on sign-up.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, ACME, AI_ORG};
use serde_json::json;

const DB: &str = "con_UsrPwdAuth0001";
const GOOGLE: &str = "con_GoogleOAuth002";

#[tokio::test]
async fn signup_without_membership_on_login_is_refused_with_auth0s_message() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/connections/{DB}");
    let (status, body) = app
        .call(
            "PATCH",
            &uri,
            &admin,
            Some(json!({"assign_membership_on_login": false, "is_signup_enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "Only database connections with assign_membership_on_login = true support is_signup_enabled = true.");
    assert_eq!(body["field"], "is_signup_enabled");
    let (status, saved) = app
        .call(
            "PATCH",
            &uri,
            &admin,
            Some(json!({"assign_membership_on_login": true, "is_signup_enabled": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["connection"]["strategy"], "auth0");
    assert_eq!(saved["is_signup_enabled"], true);
}

#[tokio::test]
async fn connections_are_enabled_and_disabled_by_platform_admins_only() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, created) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/connections"),
            &admin,
            Some(json!({"connection_id": GOOGLE, "assign_membership_on_login": true})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, list) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/connections"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/orgs/{AI_ORG}/connections/{GOOGLE}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/orgs/{AI_ORG}/connections/{GOOGLE}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let omar = app.sign_in("org-admin").await;
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/connections"),
            &omar,
            Some(json!({"connection_id": GOOGLE})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get_json(&format!("/api/orgs/{ACME}/connections"), Some(&omar.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_eleventh_connection_is_refused() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let pool = orgdesk_proxy::db::open(&app.dir.path().join("data"))
        .await
        .unwrap();
    for i in 0..10 {
        sqlx::query("INSERT INTO connections (id, name, strategy) VALUES (?1, ?2, 'samlp')")
            .bind(format!("con_extra{i:02}"))
            .bind(format!("extra-{i}"))
            .execute(pool.write())
            .await
            .unwrap();
    }
    // The org has one connection already; nine more make ten, the tenth more is refused.
    for i in 0..9 {
        let (status, _) = app
            .call(
                "POST",
                &format!("/api/orgs/{AI_ORG}/connections"),
                &admin,
                Some(json!({"connection_id": format!("con_extra{i:02}")})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/connections"),
            &admin,
            Some(json!({"connection_id": "con_extra09"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, list) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/connections"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 10, "nothing was written");
}
