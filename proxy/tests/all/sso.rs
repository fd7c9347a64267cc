//! Single sign-on set-up links over HTTP on the embedded store: an org admin makes a link, the
//! IT admin (no session) walks orgdesk's own set-up page, and an enterprise connection enabled
//! for the organization appears; a used or revoked link works no more; another organization's
//! admin gets 404.

#![allow(clippy::unwrap_used)]

use crate::common::{body_text, TestApp, HOST};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";

async fn page(app: &TestApp, method: &str, uri: &str, form: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST);
    let body = match form {
        Some(form) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(form.to_owned())
        }
        None => Body::empty(),
    };
    let response = app.send(request.body(body).unwrap()).await;
    let status = response.status();
    (status, body_text(response).await)
}

fn path_of(url: &str) -> String {
    url.find("/sso-setup").map(|i| url[i..].to_owned()).unwrap()
}

#[tokio::test]
async fn an_it_admin_completes_the_set_up_and_the_connection_is_enabled_for_the_organization() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (status, link) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/sso-ticket"),
            &omar,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://{HOST}/sso-setup?ticket=")),
        "{url}"
    );
    assert!(link["expires_at"].as_str().unwrap().ends_with('Z'));
    let ticket = url.rsplit('=').next().unwrap().to_owned();

    // Step 1: the providers; step 2: SAML's field.
    let (status, html) = page(&app, "GET", &path_of(url), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Set up single sign-on for AI Organization"),
        "{html}"
    );
    assert!(html.contains(r#"value="samlp""#) && html.contains(r#"value="waad""#));
    let (_, html) = page(
        &app,
        "GET",
        &format!("{}&strategy=samlp", path_of(url)),
        None,
    )
    .await;
    assert!(html.contains(r#"name="metadata_url""#));

    // A wrong address is refused on its field, and the link still works.
    let (status, html) = page(
        &app,
        "POST",
        "/sso-setup",
        Some(&format!(
            "ticket={ticket}&strategy=samlp&metadata_url=http%3A%2F%2Fidp.acme.example%2Fm"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("must start with https://"), "{html}");

    let (status, html) = page(
        &app,
        "POST",
        "/sso-setup",
        Some(&format!(
            "ticket={ticket}&strategy=samlp&metadata_url=https%3A%2F%2Fidp.ai-organization.example%2Fmetadata.xml"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Single sign-on is set up"));

    let (_, connections) = app
        .get_json(
            &format!("/api/orgs/{AI_ORG}/connections"),
            Some(&omar.cookie),
        )
        .await;
    let created: Vec<&Value> = connections
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["connection"]["strategy"] == "samlp")
        .collect();
    assert_eq!(created.len(), 1, "{connections}");
    assert_eq!(created[0]["connection"]["name"], "ai-organization-samlp");
    assert_eq!(created[0]["show_as_button"], true);
    assert_eq!(created[0]["assign_membership_on_login"], false);

    // Auto-join: AI Organization has a verified domain, so its admin may turn it on.
    let id = created[0]["connection_id"].as_str().unwrap().to_owned();
    let (status, joined) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}/sso-connections/{id}"),
            &omar,
            Some(json!({"assign_membership_on_login": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["assign_membership_on_login"], true);
    // Not the database connection: that one is the platform admins'.
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}/sso-connections/con_UsrPwdAuth0001"),
            &omar,
            Some(json!({"assign_membership_on_login": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "connection_id");

    // Used up.
    let (status, html) = page(&app, "GET", &path_of(url), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("does not work"));

    let (_, audit) = app
        .get_json(&format!("/api/audit?org_id={AI_ORG}"), Some(&omar.cookie))
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"sso_ticket.create") && actions.contains(&"sso.setup"),
        "{actions:?}"
    );
    // The link's secret is in no audit row.
    assert!(!audit.to_string().contains(&ticket));
}

#[tokio::test]
async fn a_revoked_link_works_no_more_and_is_revoked_once() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (_, link) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/sso-ticket"),
            &admin,
            Some(json!({"ttl_sec": 3600})),
        )
        .await;
    let id = link["id"].as_str().unwrap();
    let uri = format!("/api/orgs/{AI_ORG}/sso-ticket/{id}");
    let (status, _) = app.call("DELETE", &uri, &admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = page(&app, "GET", &path_of(link["url"].as_str().unwrap()), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call("DELETE", &uri, &admin, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A lifetime outside 5 minutes to 30 days is refused on its field.
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/sso-ticket"),
            &admin,
            Some(json!({"ttl_sec": 10})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "ttl_sec");
    // A made-up link shows the same page as a used one.
    let (status, _) = page(&app, "GET", "/sso-setup?ticket=nothing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn auto_join_needs_a_verified_domain() {
    const ACME: &str = "org_acmeR0b8Tn3Vw5";
    let app = TestApp::new().await;
    let lena = app.sign_in("org-admin-acme").await;
    let (_, link) = app
        .call(
            "POST",
            &format!("/api/orgs/{ACME}/sso-ticket"),
            &lena,
            Some(json!({})),
        )
        .await;
    let url = link["url"].as_str().unwrap();
    let ticket = url.rsplit('=').next().unwrap();
    let (status, _) = page(
        &app,
        "POST",
        "/sso-setup",
        Some(&format!(
            "ticket={ticket}&strategy=okta&issuer=acme.okta.com&client_id=0oa1acme"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, connections) = app
        .get_json(&format!("/api/orgs/{ACME}/connections"), Some(&lena.cookie))
        .await;
    let okta = connections
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["connection"]["strategy"] == "okta")
        .unwrap();
    let id = okta["connection_id"].as_str().unwrap();
    // Acme's only domain is still pending.
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{ACME}/sso-connections/{id}"),
            &lena,
            Some(json!({"assign_membership_on_login": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "assign_membership_on_login");
    assert!(body["message"].as_str().unwrap().contains("Verify"));
}

#[tokio::test]
async fn another_organizations_admin_cannot_make_or_revoke_its_links() {
    let app = TestApp::new().await;
    let lena = app.sign_in("org-admin-acme").await;
    let before = app.directory_calls();
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/sso-ticket"),
            &lena,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/orgs/{AI_ORG}/sso-ticket/sst_x"),
            &lena,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.directory_calls(), before);
}
