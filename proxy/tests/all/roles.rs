//! `/api/roles` over HTTP on the embedded store: the editor's rules and answers, what a role's
//! permissions do to its holders, and the audit.

#![allow(clippy::unwrap_used)]

use crate::common::TestApp;

use axum::http::StatusCode;
use serde_json::{json, Value};

const AI_API: &str = "https://api.ai-application.example/";
const DATA_SCIENTIST: &str = "rol_dataSci00002";
const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["permission_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_role_is_created_given_permissions_renamed_and_each_change_audited() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, role) = app
        .call(
            "POST",
            "/api/roles",
            &admin,
            Some(json!({"name": " prompt-engineer ", "description": "Writes and tests prompts."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    assert_eq!(role["name"], "prompt-engineer");
    let id = role["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("rol_"), "{id}");

    let (status, taken) = app
        .call(
            "POST",
            "/api/roles",
            &admin,
            Some(json!({"name": "prompt-engineer"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{taken}");
    assert_eq!(taken["field"], "name");

    let uri = format!("/api/roles/{id}/permissions");
    let (status, list) = app
        .call(
            "POST",
            &uri,
            &admin,
            Some(json!({"permissions": [
                {"resource_server_identifier": AI_API, "permission_name": "invoke:gpt-4o"},
                {"resource_server_identifier": AI_API, "permission_name": "read:datasets"}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{list}");
    assert_eq!(names(&list), ["invoke:gpt-4o", "read:datasets"]);
    assert_eq!(list["items"][0]["resource_server_name"], "AI Platform API");

    // A permission no API defines is refused by name, and nothing is given.
    let (status, refused) = app
        .call(
            "POST",
            &uri,
            &admin,
            Some(json!({"permissions": [
                {"resource_server_identifier": AI_API, "permission_name": "run:inference"},
                {"resource_server_identifier": AI_API, "permission_name": "invoke:gpt-9"}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["field"], "permissions[1]");
    let (_, now) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(names(&now), ["invoke:gpt-4o", "read:datasets"]);

    let (status, list) = app
        .call(
            "DELETE",
            &uri,
            &admin,
            Some(json!({"permissions": [
                {"resource_server_identifier": AI_API, "permission_name": "read:datasets"}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(names(&list), ["invoke:gpt-4o"]);

    let (status, renamed) = app
        .call(
            "PATCH",
            &format!("/api/roles/{id}"),
            &admin,
            Some(json!({"name": "prompt-author"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "prompt-author");
    assert_eq!(renamed["permissions"], json!(["invoke:gpt-4o"]));

    let (_, catalogue) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    let listed = catalogue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(listed["permissions"], json!(["invoke:gpt-4o"]));

    let (_, audit) = app.get_json("/api/audit", Some(&admin.cookie)).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("role"))
        .collect();
    assert_eq!(
        actions,
        [
            "role.update",
            "role_permissions.remove",
            "role_permissions.add",
            "role.create"
        ]
    );
}

#[tokio::test]
async fn deleting_a_role_says_who_holds_it_first_and_takes_it_from_them() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, detail) = app
        .get_json(&format!("/api/roles/{DATA_SCIENTIST}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["holders"], json!({"members": 3, "organizations": 3}));
    assert_eq!(detail["org_admin_grantable"], true);
    assert_eq!(
        detail["permissions"][0]["resource_server_identifier"],
        AI_API
    );

    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/roles/{DATA_SCIENTIST}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .get_json(&format!("/api/roles/{DATA_SCIENTIST}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, members) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/members?per_page=50"),
            Some(&admin.cookie),
        )
        .await;
    assert!(
        !members.to_string().contains(DATA_SCIENTIST),
        "a member still holds the deleted role: {members}"
    );
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/roles/{DATA_SCIENTIST}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_role_input_names_the_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (_, before) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "a/b"}), "name"),
        (
            json!({"name": "ok", "description": "x".repeat(141)}),
            "description",
        ),
        (json!({"name": "ok", "permissions": []}), "body"),
    ] {
        let (status, answer) = app.call("POST", "/api/roles", &admin, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        if field != "body" {
            assert_eq!(answer["field"], field, "{answer}");
        }
    }
    let (status, answer) = app
        .call(
            "POST",
            &format!("/api/roles/{DATA_SCIENTIST}/permissions"),
            &admin,
            Some(json!({"permissions": []})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["field"], "permissions");
    let (_, after) = app.get_json("/api/roles", Some(&admin.cookie)).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn org_admins_read_the_catalogue_but_never_edit_it() {
    let app = TestApp::new().await;
    let org_admin = app.sign_in("org-admin").await;
    let (status, catalogue) = app.get_json("/api/roles", Some(&org_admin.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(catalogue["grantable"], catalogue["org_admin_grantable"]);
    let (status, _) = app
        .call(
            "POST",
            "/api/roles",
            &org_admin,
            Some(json!({"name": "sneaky"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, list) = app
        .get_json(
            &format!("/api/roles/{DATA_SCIENTIST}/permissions"),
            Some(&org_admin.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(names(&list).contains(&"run:inference".to_owned()));
}

/// In real mode a role's holders are counted by reading organizations' members; a tenant of
/// more organizations than orgdesk reads at once gets a lower bound that says so.
#[tokio::test]
async fn real_mode_counts_holders_in_at_most_a_hundred_organizations_and_says_so() {
    use crate::upstream::{Reply, Upstream};
    use orgdesk_proxy::directory::auth0::client::{Auth0Client, ClientConfig, Secret};
    use orgdesk_proxy::directory::auth0::Auth0Directory;
    use orgdesk_proxy::directory::Directory;
    use std::sync::Arc;
    use std::time::Duration;

    const ORGS: usize = 101;
    let server = Upstream::with_token(|seen| {
        if seen.path == "/api/v2/organizations" {
            let orgs: Vec<Value> = (0..ORGS)
                .map(|i| json!({"id": format!("org_{i:016}"), "name": format!("org-{i}")}))
                .collect();
            return Reply::json(200, &json!({ "organizations": orgs }).to_string());
        }
        if seen.path.ends_with("/members") {
            let members = json!({"members": [
                {"user_id": "auth0|1", "email": "a@example.com", "roles": [{"id": "rol_1", "name": "viewer"}]},
                {"user_id": "auth0|2", "email": "b@example.com", "roles": []}
            ]});
            return Reply::json(200, &members.to_string());
        }
        Reply::json(404, "{}")
    })
    .await;
    let client = Auth0Client::new(ClientConfig {
        base_url: server.base_url.clone(),
        client_id: "m2m".into(),
        client_secret: Secret::new("secret"),
        audience: "https://tenant/api/v2/".into(),
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(5),
    })
    .unwrap();
    let directory = Auth0Directory::new(Arc::new(client), None);
    let holders = directory.role_holders("rol_1").await.unwrap();
    assert_eq!(holders.members, 100);
    assert_eq!(holders.organizations, 100);
    let counted = holders.counted_of.unwrap();
    assert_eq!((counted.counted, counted.total), (100, 101));
    let member_reads = server
        .seen()
        .iter()
        .filter(|s| s.path.ends_with("/members"))
        .count();
    assert_eq!(member_reads, 100);
}
