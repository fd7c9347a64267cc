//! `/api/orgs/{org_id}/m2m` over HTTP on the embedded store: an application is created with its
//! secret shown once, listed without it to both admins of its organization and to no one else,
//! its secret rotated, and removed; bad input changes nothing.

#![allow(clippy::unwrap_used)]

use crate::common::TestApp;

use axum::http::StatusCode;
use serde_json::{json, Value};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
const ACME: &str = "org_acmeR0b8Tn3Vw5";
const AI_API: &str = "https://api.ai-application.example/";

fn client_ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["client_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_application_is_created_with_its_secret_once_and_listed_without_it() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/m2m");
    let (status, created) = app
        .call(
            "POST",
            &uri,
            &admin,
            Some(json!({
                "name": "Inference worker",
                "api_identifier": AI_API,
                "permissions": ["run:inference", "invoke:gpt-4o"]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32, "a long secret");
    assert_eq!(
        created["permissions"],
        json!(["invoke:gpt-4o", "run:inference"])
    );

    let (status, list) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(client_ids(&list).contains(&client_id));
    let shown = list.to_string();
    assert!(
        !shown.contains(&secret) && !shown.contains("client_secret"),
        "{shown}"
    );

    let omar = app.sign_in("org-admin").await;
    let (status, theirs) = app.get_json(&uri, Some(&omar.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(client_ids(&theirs).contains(&client_id));
    assert!(!theirs.to_string().contains("client_secret"));
    let (status, _) = app
        .call(
            "POST",
            &format!("{uri}/{client_id}/rotate-secret"),
            &omar,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let lena = app.sign_in("org-admin-acme").await;
    let (status, _) = app.get_json(&uri, Some(&lena.cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, acme) = app
        .get_json(&format!("/api/orgs/{ACME}/m2m"), Some(&lena.cookie))
        .await;
    assert!(!client_ids(&acme).contains(&client_id));

    let (status, rotated) = app
        .call(
            "POST",
            &format!("{uri}/{client_id}/rotate-secret"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new_secret = rotated["client_secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);

    let (_, audit) = app.get_json("/api/audit", Some(&admin.cookie)).await;
    let log = audit.to_string();
    assert!(log.contains("m2m.create") && log.contains("m2m.rotate_secret"));
    assert!(!log.contains(&secret) && !log.contains(new_secret), "{log}");

    let (status, _) = app
        .call("DELETE", &format!("{uri}/{client_id}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert!(!client_ids(&list).contains(&client_id));
    let (status, _) = app
        .call("DELETE", &format!("{uri}/{client_id}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_names_the_field_and_creates_nothing() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/m2m");
    let (_, before) = app.get_json(&uri, Some(&admin.cookie)).await;
    for (body, field) in [
        (
            json!({"name": "", "api_identifier": AI_API, "permissions": ["run:inference"]}),
            "name",
        ),
        (
            json!({"name": "W", "api_identifier": AI_API, "permissions": []}),
            "permissions",
        ),
        (
            json!({"name": "W", "api_identifier": AI_API, "permissions": ["run:inference", "invoke:gpt-9"]}),
            "permissions[1]",
        ),
        (
            json!({"name": "W", "api_identifier": "https://nowhere.example/", "permissions": ["a:b"]}),
            "api_identifier",
        ),
        (
            json!({"name": "W", "api_identifier": "https://ai-application.example.auth0.com/api/v2/", "permissions": ["read:users"]}),
            "api_identifier",
        ),
        (json!({"grant_id": "cgr_doesNotExist"}), "grant_id"),
        (json!({"grant_id": "not a grant"}), "grant_id"),
    ] {
        let (status, answer) = app.call("POST", &uri, &admin, Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
    }
    let (_, after) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn an_existing_grant_is_associated_and_only_offered_when_it_allows_organizations() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, grants) = app
        .get_json("/api/client-grants", Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    let harness = grants["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["client_name"] == "Shared evaluation harness")
        .unwrap()
        .clone();
    assert_eq!(harness["organization_usage"], "allow");
    let uri = format!("/api/orgs/{ACME}/m2m");
    let (status, associated) = app
        .call(
            "POST",
            &uri,
            &admin,
            Some(json!({"grant_id": harness["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{associated}");
    assert!(associated.get("client_secret").is_none());
    let (_, list) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert!(client_ids(&list).contains(&harness["client_id"].as_str().unwrap().to_owned()));
}

#[tokio::test]
async fn the_token_quota_is_set_checked_read_by_org_admins_and_removed() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/token-quota");
    let (status, none) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none, json!({}));
    let quota = json!({"client_credentials": {"enforce": true, "per_hour": 10, "per_day": 100}});
    let (status, saved) = app.call("PUT", &uri, &admin, Some(quota.clone())).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved, quota);
    let (status, refused) = app
        .call(
            "PUT",
            &uri,
            &admin,
            Some(json!({"client_credentials": {"per_hour": 500, "per_day": 100}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["field"], "client_credentials.per_hour");

    let omar = app.sign_in("org-admin").await;
    let (status, read) = app.get_json(&uri, Some(&omar.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, quota);
    let (status, _) = app.call("PUT", &uri, &omar, Some(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, audit) = app
        .get_json("/api/audit?action=token_quota.update", Some(&admin.cookie))
        .await;
    assert_eq!(
        audit["items"][0]["changes"][0]["after"],
        "10 per hour, 100 per day (enforced)"
    );
    let (status, removed) = app.call("PUT", &uri, &admin, Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(removed, json!({}));
    let (_, none) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(none, json!({}));
}
