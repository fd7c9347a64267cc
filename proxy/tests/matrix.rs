//! Every member, invitation, connection, role, user, tenant-settings and status route as each persona: the expected
//! status, and no directory call at all for a denied request.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, AI_ORG};
use serde_json::{json, Value};

const SAM: &str = "auth0%7C6651f0a2c3d4e5f6a7b8c9d3";
const MEI: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d6";
const PERSONAS: [&str; 4] = ["platform-admin", "org-admin", "org-admin-acme", "member"];

struct Route {
    method: &'static str,
    uri: String,
    body: Option<Value>,
    /// Expected status for platform admin, org admin of AI Organization, org admin of Acme,
    /// member of AI Organization.
    expect: [u16; 4],
}

fn route(method: &'static str, uri: String, body: Option<Value>, expect: [u16; 4]) -> Route {
    Route {
        method,
        uri,
        body,
        expect,
    }
}

fn routes() -> Vec<Route> {
    let org = format!("/api/orgs/{AI_ORG}");
    vec![
        route("GET", format!("{org}/members"), None, [200, 200, 404, 200]),
        route(
            "POST",
            format!("{org}/members"),
            Some(json!({"members": [MEI]})),
            [204, 204, 404, 403],
        ),
        route(
            "DELETE",
            format!("{org}/members"),
            Some(json!({"members": [MEI]})),
            [204, 204, 404, 403],
        ),
        route(
            "GET",
            format!("{org}/members/{SAM}/roles"),
            None,
            [200, 200, 404, 200],
        ),
        route(
            "POST",
            format!("{org}/members/{SAM}/roles"),
            Some(json!({"roles": ["rol_viewer00004"]})),
            [204, 204, 404, 403],
        ),
        route(
            "DELETE",
            format!("{org}/members/{SAM}/roles"),
            Some(json!({"roles": ["rol_dataSci00002"]})),
            [204, 204, 404, 403],
        ),
        route(
            "GET",
            format!("{org}/invitations"),
            None,
            [200, 200, 404, 403],
        ),
        route(
            "POST",
            format!("{org}/invitations"),
            Some(json!({"invitee_email": "m@example.com", "inviter_name": "T"})),
            [201, 201, 404, 403],
        ),
        route(
            "DELETE",
            format!("{org}/invitations/uinv_Ab4Cd6Ef8Gh0Ij2K"),
            None,
            [204, 204, 404, 403],
        ),
        route(
            "GET",
            format!("{org}/connections"),
            None,
            [200, 200, 404, 200],
        ),
        route(
            "POST",
            format!("{org}/connections"),
            Some(json!({"connection_id": "con_GoogleOAuth002"})),
            [201, 403, 403, 403],
        ),
        route(
            "PATCH",
            format!("{org}/connections/con_UsrPwdAuth0001"),
            Some(json!({"assign_membership_on_login": true})),
            [200, 403, 403, 403],
        ),
        route(
            "DELETE",
            format!("{org}/connections/con_UsrPwdAuth0001"),
            None,
            [204, 403, 403, 403],
        ),
        route(
            "GET",
            format!("{org}/claims-preview?user_id={SAM}"),
            None,
            [200, 200, 404, 200],
        ),
        route("GET", "/api/roles".into(), None, [200, 200, 200, 403]),
        route(
            "GET",
            "/api/users?q=priya".into(),
            None,
            [200, 200, 200, 403],
        ),
        route(
            "GET",
            format!("/api/users/{SAM}"),
            None,
            [200, 403, 403, 403],
        ),
        route(
            "POST",
            "/api/users".into(),
            Some(
                json!({"connection": "Username-Password-Authentication", "email": "n@example.com", "password": "Str0ng-pass!"}),
            ),
            [201, 403, 403, 403],
        ),
        route("GET", "/api/connections".into(), None, [200, 200, 200, 403]),
        route(
            "GET",
            "/api/tenant/settings".into(),
            None,
            [200, 403, 403, 403],
        ),
        route(
            "PATCH",
            "/api/tenant/settings".into(),
            Some(json!({"friendly_name": "Renamed"})),
            [200, 403, 403, 403],
        ),
        route("GET", "/api/status".into(), None, [200, 200, 200, 200]),
    ]
}

#[tokio::test]
async fn every_route_answers_each_persona_as_the_access_table_says() {
    let mut cells = 0;
    for route in routes() {
        for (persona, expected) in PERSONAS.iter().zip(route.expect) {
            // A fresh store per cell, so that one persona's change cannot decide another's answer.
            let app = TestApp::new().await;
            let who = app.sign_in(persona).await;
            let before = app.directory_calls();
            let (status, body) = app
                .call(route.method, &route.uri, &who, route.body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::from_u16(expected).unwrap(),
                "{} {} as {persona}: {body}",
                route.method,
                route.uri
            );
            if expected == 403 || expected == 404 {
                assert_eq!(
                    app.directory_calls(),
                    before,
                    "{} {} as {persona} reached the directory",
                    route.method,
                    route.uri
                );
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 88);
}
