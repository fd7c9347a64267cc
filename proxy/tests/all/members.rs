//! Members, roles and invitations with Auth0's rules, as each persona.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, ACME, AI_ORG};
use serde_json::{json, Value};

const SAM: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d3";
const MEI: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d6";
const VIEWER: &str = "rol_viewer00004";
const ORG_ADMIN_ROLE: &str = "rol_orgAdmin0001";

fn emails(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn members_page_to_the_end_in_email_order_with_their_roles() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let mut all = Vec::new();
    let mut uri = format!("/api/orgs/{AI_ORG}/members?take=2");
    loop {
        let (status, page) = app.get_json(&uri, Some(&admin.cookie)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(emails(&page));
        match page["next"].as_str() {
            Some(next) => uri = format!("/api/orgs/{AI_ORG}/members?take=2&from={next}"),
            None => break,
        }
    }
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert_eq!(all.len(), 4);
    let (_, page) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/members?q=user%40"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(emails(&page), ["user@example.com"]);
    assert_eq!(page["items"][0]["roles"][0]["name"], "data-scientist");
}

#[tokio::test]
async fn adding_twice_and_removing_a_non_member_are_not_errors() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for _ in 0..2 {
        let (status, _) = app
            .call(
                "POST",
                &format!("/api/orgs/{AI_ORG}/members"),
                &admin,
                Some(json!({"members": [MEI]})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (_, page) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/members?take=100"),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(
        emails(&page)
            .iter()
            .filter(|e| e.starts_with("mei@"))
            .count(),
        1
    );
    for _ in 0..2 {
        let (status, _) = app
            .call(
                "DELETE",
                &format!("/api/orgs/{AI_ORG}/members"),
                &admin,
                Some(json!({"members": [MEI]})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/members"),
            &admin,
            Some(json!({"members": ["auth0|nobody"]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn the_fifty_first_role_is_refused_and_nothing_is_written() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let pool = orgdesk_proxy::db::open(&app.dir.path().join("data"))
        .await
        .unwrap();
    let mut extra = Vec::new();
    for i in 0..50 {
        let id = format!("rol_extra{i:04}");
        sqlx::query("INSERT INTO roles (id, name) VALUES (?1, ?2)")
            .bind(&id)
            .bind(format!("extra-{i}"))
            .execute(pool.write())
            .await
            .unwrap();
        extra.push(id);
    }
    // Sam holds one role already; 50 more would make 51.
    let uri = format!(
        "/api/orgs/{AI_ORG}/members/{}/roles",
        SAM.replace('|', "%7C")
    );
    let (status, body) = app
        .call("POST", &uri, &admin, Some(json!({"roles": extra})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "roles");
    let (_, roles) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(roles.as_array().unwrap().len(), 1, "nothing was written");
    let (status, _) = app
        .call("POST", &uri, &admin, Some(json!({"roles": &extra[..49]})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, roles) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(roles.as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn org_admins_grant_only_allowed_roles() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let uri = format!(
        "/api/orgs/{AI_ORG}/members/{}/roles",
        SAM.replace('|', "%7C")
    );
    let (status, _) = app
        .call(
            "POST",
            &uri,
            &omar,
            Some(json!({"roles": [ORG_ADMIN_ROLE]})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "org admins cannot make more admins"
    );
    let (status, _) = app
        .call("POST", &uri, &omar, Some(json!({"roles": [VIEWER]})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, roles) = app.get_json(&uri, Some(&omar.cookie)).await;
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["data-scientist", "viewer"]);
    let (status, _) = app
        .call("DELETE", &uri, &omar, Some(json!({"roles": [VIEWER]})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, catalogue) = app.get_json("/api/roles", Some(&omar.cookie)).await;
    assert!(!catalogue["grantable"]
        .as_array()
        .unwrap()
        .contains(&json!(ORG_ADMIN_ROLE)));
    assert_eq!(catalogue["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn an_org_admin_cannot_touch_another_orgs_members_or_invitations() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let calls = app.directory_calls();
    let (status, _) = app
        .get_json(&format!("/api/orgs/{ACME}/members"), Some(&omar.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/orgs/{ACME}/members"),
            &omar,
            Some(json!({"members": [SAM]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/orgs/{ACME}/invitations"),
            &omar,
            Some(json!({"invitee_email": "x@example.com", "inviter_name": "Omar"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_json(&format!("/api/orgs/{ACME}/invitations"), Some(&omar.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.directory_calls(),
        calls,
        "no denied request reached the directory"
    );
}

#[tokio::test]
async fn members_read_their_org_but_change_nothing() {
    let app = TestApp::new().await;
    let sam = app.sign_in("member").await;
    let (status, _) = app
        .get_json(&format!("/api/orgs/{AI_ORG}/members"), Some(&sam.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/members"),
            &sam,
            Some(json!({"members": [MEI]})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/invitations"),
            Some(&sam.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn invitations_default_to_seven_days_and_can_be_revoked_once() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (status, created) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/invitations"),
            &omar,
            Some(json!({"invitee_email": "New.Hire@Example.com", "inviter_name": "Omar Okafor", "roles": [VIEWER], "connection_id": "con_UsrPwdAuth0001"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["invitee_email"], "new.hire@example.com");
    assert_eq!(created["roles"][0]["name"], "viewer");
    assert_eq!(
        created["expires_at"].as_i64().unwrap() - created["created_at"].as_i64().unwrap(),
        7 * 86_400
    );
    assert!(created["invitation_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));

    let (status, body) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/invitations"),
            &omar,
            Some(json!({"invitee_email": "a@example.com", "inviter_name": "Omar", "ttl_days": 31})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "ttl_days");
    let (status, _) = app
        .call("POST", &format!("/api/orgs/{AI_ORG}/invitations"), &omar, Some(json!({"invitee_email": "a@example.com", "inviter_name": "Omar", "roles": [ORG_ADMIN_ROLE]})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let id = created["id"].as_str().unwrap();
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/orgs/{AI_ORG}/invitations/{id}"),
            &omar,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/orgs/{AI_ORG}/invitations/{id}"),
            &omar,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/invitations"),
            Some(&omar.cookie),
        )
        .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "only the seeded ones are left"
    );
}

#[tokio::test]
async fn org_admins_find_their_members_by_name_and_others_only_by_exact_email() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let find = |q: &str| format!("/api/users?q={q}");
    let (_, found) = app.get_json(&find("priya"), Some(&omar.cookie)).await;
    assert_eq!(emails(&found), ["priya@ai-organization.example"]);
    let (_, found) = app.get_json(&find("mei"), Some(&omar.cookie)).await;
    assert!(
        emails(&found).is_empty(),
        "another org's user is not found by part of a name"
    );
    let (_, found) = app
        .get_json(&find("mei%40acme-robotics.example"), Some(&omar.cookie))
        .await;
    assert_eq!(emails(&found), ["mei@acme-robotics.example"]);
    let admin = app.sign_in("platform-admin").await;
    let (_, found) = app.get_json(&find("mei"), Some(&admin.cookie)).await;
    assert_eq!(emails(&found), ["mei@acme-robotics.example"]);
}

#[tokio::test]
async fn a_members_claims_carry_their_roles_permissions_and_the_orgs_models() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (status, claims) = app
        .get_json(
            &format!(
                "/api/orgs/{AI_ORG}/claims-preview?user_id={}",
                SAM.replace('|', "%7C")
            ),
            Some(&omar.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{claims}");
    assert_eq!(claims["sub"], SAM);
    assert_eq!(claims["email"], "user@example.com");
    assert_eq!(
        claims["https://ai.example.com/roles"],
        json!(["data-scientist"])
    );
    assert_eq!(
        claims["permissions"],
        json!(["create:experiments", "read:datasets", "run:inference"])
    );
    assert_eq!(
        claims["https://ai.example.com/allowed_models"],
        json!(["gpt-4o", "claude-sonnet"])
    );
    let (status, _) = app
        .get_json(
            &format!(
                "/api/orgs/{AI_ORG}/claims-preview?user_id={}",
                MEI.replace('|', "%7C")
            ),
            Some(&omar.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a member of this org");
}

#[tokio::test]
async fn a_large_organization_pages_in_email_order_to_the_end() {
    use orgdesk_proxy::directory::local::synthetic::{self, Size, BIG_ORG};
    use orgdesk_proxy::directory::local::{seed_if_empty, LocalDirectory};
    use orgdesk_proxy::directory::{Directory, MemberQuery};

    let dir = tempfile::tempdir().unwrap();
    let pool = orgdesk_proxy::db::open(dir.path()).await.unwrap();
    seed_if_empty(&pool).await.unwrap();
    // More members than LARGE_ORG_MEMBERS, so the email-index path is the one read.
    synthetic::generate(
        &pool,
        Size {
            orgs: 3,
            users: 3_000,
            big_org_members: 2_500,
        },
    )
    .await
    .unwrap();
    let store = LocalDirectory::new(pool);
    let org = orgdesk_model::OrgId::parse(BIG_ORG).unwrap();
    let mut emails = Vec::new();
    let mut from = None;
    loop {
        let page = store
            .list_members(
                &org,
                &MemberQuery {
                    from: from.clone(),
                    take: 100,
                    q: None,
                },
            )
            .await
            .unwrap();
        assert!(page.items.len() <= 100);
        assert!(page
            .items
            .iter()
            .all(|m| m.roles.iter().any(|r| r.name == "viewer")));
        emails.extend(page.items.into_iter().map(|m| m.email));
        from = page.next;
        if from.is_none() {
            break;
        }
    }
    assert_eq!(emails.len(), 2_500);
    let mut sorted = emails.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(emails, sorted, "each member once, in email order");
    let found = store
        .list_members(
            &org,
            &MemberQuery {
                from: None,
                take: 100,
                q: Some("person00012".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 10, "person000120 … person000129");
}
