//! The access matrix — every `/api` route × {anonymous, member of A, org admin of A, org admin
//! of B, platform admin} × {org A, org B, an unknown id, a malformed id} — with the expected
//! status of each cell and no directory call for any denied one; then CSRF and `return_to`.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{TestApp, ACME, AI_ORG, HOST};
use serde_json::{json, Value};

const SAM: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d3";
const PRIYA: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d4";
const MEI: &str = "auth0|6651f0a2c3d4e5f6a7b8c9d6";
const UNKNOWN: &str = "org_zzzzzzzzzzzzzzzz";
const MALFORMED: &str = "not-an-org%2F..";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Anonymous,
    MemberA,
    OrgAdminA,
    OrgAdminB,
    Platform,
}

impl Who {
    const ALL: [Who; 5] = [
        Who::Anonymous,
        Who::MemberA,
        Who::OrgAdminA,
        Who::OrgAdminB,
        Who::Platform,
    ];

    fn persona(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::MemberA => Some("member"),
            Who::OrgAdminA => Some("org-admin"),
            Who::OrgAdminB => Some("org-admin-acme"),
            Who::Platform => Some("platform-admin"),
        }
    }

    fn own_org(self) -> Option<&'static str> {
        match self {
            Who::MemberA | Who::OrgAdminA => Some(AI_ORG),
            Who::OrgAdminB => Some(ACME),
            _ => None,
        }
    }
}

/// The ids a route needs inside one organization.
struct Fixture {
    org: &'static str,
    member: &'static str,
    newcomer: &'static str,
    held_role: &'static str,
    invitation: &'static str,
    m2m_client: &'static str,
    domain: &'static str,
}

fn fixture(target: &str) -> Fixture {
    if target == ACME {
        Fixture {
            org: ACME,
            member: MEI,
            newcomer: PRIYA,
            held_role: "rol_mlEng000003",
            invitation: "uinv_Zy9Xw7Vu5Ts3Rq1P",
            m2m_client: "m2mAcmeFleetSync0000000000000001",
            domain: "ord_acmeRoboticsDomain001",
        }
    } else {
        Fixture {
            org: if target == AI_ORG { AI_ORG } else { "" },
            member: SAM,
            newcomer: MEI,
            held_role: "rol_dataSci00002",
            invitation: "uinv_Ab4Cd6Ef8Gh0Ij2K",
            m2m_client: "m2mAiOrgBatchPipeline00000000001",
            domain: "ord_aiOrgLabsDomain000001",
        }
    }
}

struct OrgRoute {
    method: &'static str,
    path: fn(&str, &Fixture) -> String,
    body: fn(&Fixture) -> Option<Value>,
    /// On one's own org: platform admin, org admin, member.
    own: [u16; 3],
    /// Whether the org is checked before the permission (then a denied org admin or member of
    /// another org gets 404 even where their role could never do this).
    scope_first: bool,
}

fn enc(id: &str) -> String {
    id.replace('|', "%7C")
}

fn org_routes() -> Vec<OrgRoute> {
    let r = |method, path, body, own, scope_first| OrgRoute {
        method,
        path,
        body,
        own,
        scope_first,
    };
    vec![
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}"),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "PATCH",
            |o, _| format!("/api/orgs/{o}"),
            |_| Some(json!({"display_name": "Renamed"})),
            [200, 403, 403],
            true,
        ),
        r(
            "PATCH",
            |o, _| format!("/api/orgs/{o}"),
            |_| Some(json!({"branding": {"colors": {"primary": "#123456"}}})),
            [200, 200, 403],
            true,
        ),
        r(
            "DELETE",
            |o, _| format!("/api/orgs/{o}"),
            |_| None,
            [204, 403, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/counts"),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "GET",
            |o, f| format!("/api/orgs/{o}/claims-preview?user_id={}", enc(f.member)),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/members"),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/members"),
            |f| Some(json!({"members": [f.newcomer]})),
            [204, 204, 403],
            false,
        ),
        r(
            "DELETE",
            |o, _| format!("/api/orgs/{o}/members"),
            |f| Some(json!({"members": [f.member]})),
            [204, 204, 403],
            false,
        ),
        r(
            "GET",
            |o, f| format!("/api/orgs/{o}/members/{}/roles", enc(f.member)),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "POST",
            |o, f| format!("/api/orgs/{o}/members/{}/roles", enc(f.member)),
            |_| Some(json!({"roles": ["rol_viewer00004"]})),
            [204, 204, 403],
            false,
        ),
        r(
            "DELETE",
            |o, f| format!("/api/orgs/{o}/members/{}/roles", enc(f.member)),
            |f| Some(json!({"roles": [f.held_role]})),
            [204, 204, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/invitations"),
            |_| None,
            [200, 200, 403],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/invitations"),
            |_| Some(json!({"invitee_email": "new@example.com", "inviter_name": "T"})),
            [201, 201, 403],
            false,
        ),
        r(
            "DELETE",
            |o, f| format!("/api/orgs/{o}/invitations/{}", f.invitation),
            |_| None,
            [204, 204, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/connections"),
            |_| None,
            [200, 200, 200],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/connections"),
            |_| Some(json!({"connection_id": "con_GoogleOAuth002"})),
            [201, 403, 403],
            false,
        ),
        r(
            "PATCH",
            |o, _| format!("/api/orgs/{o}/connections/con_UsrPwdAuth0001"),
            |_| Some(json!({"assign_membership_on_login": true})),
            [200, 403, 403],
            false,
        ),
        r(
            "DELETE",
            |o, _| format!("/api/orgs/{o}/connections/con_UsrPwdAuth0001"),
            |_| None,
            [204, 403, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/token-quota"),
            |_| None,
            [200, 200, 403],
            false,
        ),
        r(
            "PUT",
            |o, _| format!("/api/orgs/{o}/token-quota"),
            |_| Some(json!({"client_credentials": {"enforce": true, "per_day": 1000}})),
            [200, 403, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/m2m"),
            |_| None,
            [200, 200, 403],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/m2m"),
            |_| {
                Some(json!({
                    "name": "Worker",
                    "api_identifier": "https://api.ai-application.example/",
                    "permissions": ["run:inference"]
                }))
            },
            [201, 403, 403],
            false,
        ),
        r(
            "DELETE",
            |o, f| format!("/api/orgs/{o}/m2m/{}", f.m2m_client),
            |_| None,
            [204, 403, 403],
            false,
        ),
        r(
            "POST",
            |o, f| format!("/api/orgs/{o}/m2m/{}/rotate-secret", f.m2m_client),
            |_| None,
            [200, 403, 403],
            false,
        ),
        r(
            "GET",
            |o, _| format!("/api/orgs/{o}/domains"),
            |_| None,
            [200, 200, 403],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/domains"),
            |_| Some(json!({"domain": "new-domain.example"})),
            [201, 201, 403],
            false,
        ),
        r(
            "PATCH",
            |o, f| format!("/api/orgs/{o}/domains/{}", f.domain),
            |_| Some(json!({"use_for_organization_discovery": false})),
            [200, 200, 403],
            false,
        ),
        r(
            "DELETE",
            |o, f| format!("/api/orgs/{o}/domains/{}", f.domain),
            |_| None,
            [204, 204, 403],
            false,
        ),
        r(
            "POST",
            |o, _| format!("/api/orgs/{o}/sso-ticket"),
            |_| Some(json!({})),
            [201, 201, 403],
            false,
        ),
        // No such link: the ticket is looked up in orgdesk's own table, never the directory.
        r(
            "DELETE",
            |o, _| format!("/api/orgs/{o}/sso-ticket/sst_none"),
            |_| None,
            [404, 404, 403],
            false,
        ),
        // The database connection is no single sign-on connection: refused on the field.
        r(
            "PATCH",
            |o, _| format!("/api/orgs/{o}/sso-connections/con_UsrPwdAuth0001"),
            |_| Some(json!({"assign_membership_on_login": true})),
            [400, 400, 403],
            false,
        ),
        // Against the loopback DNS server, which holds no record: answered, and failed.
        r(
            "POST",
            |o, f| format!("/api/orgs/{o}/domains/{}/verify", f.domain),
            |_| None,
            [200, 200, 403],
            false,
        ),
    ]
}

/// What a cell must answer.
fn expected(route: &OrgRoute, who: Who, target: &str) -> u16 {
    if who == Who::Anonymous {
        return 401;
    }
    if target == MALFORMED {
        return 404;
    }
    if who == Who::Platform {
        return if target == UNKNOWN { 404 } else { route.own[0] };
    }
    let index = if who == Who::MemberA { 2 } else { 1 };
    let own = route.own[index];
    if who.own_org() == Some(target) {
        own
    } else if own == 403 && !route.scope_first {
        403
    } else {
        404
    }
}

async fn signed(app: &TestApp, who: Who) -> common::Signed {
    match who.persona() {
        Some(persona) => app.sign_in(persona).await,
        None => common::Signed {
            cookie: "orgdesk_session=none".into(),
            csrf: String::new(),
        },
    }
}

#[tokio::test]
async fn every_api_route_answers_every_caller_and_org_as_the_table_says() {
    let mut cells = 0;
    let mut failures = Vec::new();
    // Domain checks ask a real DNS server on loopback, which knows no record.
    let dns = crate::common::dns::TestDns::start();
    let reads = TestApp::with_dns(dns.addr()).await;
    for route in org_routes() {
        for who in Who::ALL {
            for target in [AI_ORG, ACME, UNKNOWN, MALFORMED] {
                let fx = fixture(target);
                let fresh;
                let app = if route.method == "GET" {
                    &reads
                } else {
                    // A fresh store per change, so that no cell decides another's answer.
                    fresh = TestApp::with_dns(dns.addr()).await;
                    &fresh
                };
                let caller = signed(app, who).await;
                let before = app.directory_calls();
                let uri = (route.path)(target, &fx);
                let (status, body) = app
                    .call(route.method, &uri, &caller, (route.body)(&fx))
                    .await;
                let want = expected(&route, who, target);
                if status.as_u16() != want {
                    failures.push(format!(
                        "{} {uri} as {who:?}: {status} (want {want}) {body}",
                        route.method
                    ));
                }
                let denied = want == 401 || want == 403 || (want == 404 && who != Who::Platform);
                if denied && app.directory_calls() != before {
                    failures.push(format!(
                        "{} {uri} as {who:?} reached the directory",
                        route.method
                    ));
                }
                let _ = fx.org;
                cells += 1;
            }
        }
    }
    // Routes without an organization in the path: platform admin, org admin A, org admin B,
    // member A (anonymous is always 401).
    let tenant_routes: Vec<(&str, String, Option<Value>, [u16; 4])> = vec![
        ("GET", "/api/me".into(), None, [200, 200, 200, 200]),
        ("GET", "/api/status".into(), None, [200, 200, 200, 200]),
        (
            "GET",
            "/api/metadata-schema".into(),
            None,
            [200, 200, 200, 200],
        ),
        ("GET", "/api/orgs".into(), None, [200, 200, 200, 200]),
        (
            "POST",
            "/api/orgs".into(),
            Some(json!({"name": "new-org"})),
            [201, 403, 403, 403],
        ),
        ("GET", "/api/roles".into(), None, [200, 200, 200, 403]),
        ("GET", "/api/connections".into(), None, [200, 200, 200, 403]),
        (
            "GET",
            "/api/users?q=priya".into(),
            None,
            [200, 200, 200, 403],
        ),
        (
            "GET",
            format!("/api/users/{}", enc(SAM)),
            None,
            [200, 403, 403, 403],
        ),
        (
            "POST",
            "/api/users".into(),
            Some(
                json!({"connection": "Username-Password-Authentication", "email": "n@example.com", "password": "Str0ng-pass!"}),
            ),
            [201, 403, 403, 403],
        ),
        (
            "GET",
            "/api/tenant/settings".into(),
            None,
            [200, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/tenant/settings".into(),
            Some(json!({"friendly_name": "Renamed"})),
            [200, 403, 403, 403],
        ),
        ("GET", "/api/apis".into(), None, [200, 403, 403, 403]),
        (
            "POST",
            "/api/apis".into(),
            Some(json!({"name": "Models", "identifier": "https://models.example/"})),
            [201, 403, 403, 403],
        ),
        (
            "GET",
            "/api/apis/rs_aiPlatformApi0002".into(),
            None,
            [200, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/apis/rs_aiPlatformApi0002".into(),
            Some(json!({"name": "AI API"})),
            [200, 403, 403, 403],
        ),
        (
            "DELETE",
            "/api/apis/rs_aiPlatformApi0002".into(),
            None,
            [204, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/apis/rs_managementApi0001".into(),
            Some(json!({"name": "Mine now"})),
            [409, 403, 403, 403],
        ),
        (
            "POST",
            "/api/roles".into(),
            Some(json!({"name": "prompt-engineer"})),
            [201, 403, 403, 403],
        ),
        (
            "GET",
            "/api/roles/rol_viewer00004".into(),
            None,
            [200, 403, 403, 403],
        ),
        (
            "PATCH",
            "/api/roles/rol_viewer00004".into(),
            Some(json!({"description": "Reads results."})),
            [200, 403, 403, 403],
        ),
        (
            "DELETE",
            "/api/roles/rol_viewer00004".into(),
            None,
            [204, 403, 403, 403],
        ),
        (
            "GET",
            "/api/roles/rol_viewer00004/permissions".into(),
            None,
            [200, 200, 200, 403],
        ),
        (
            "POST",
            "/api/roles/rol_viewer00004/permissions".into(),
            Some(json!({"permissions": [{
                "resource_server_identifier": "https://api.ai-application.example/",
                "permission_name": "run:inference"
            }]})),
            [201, 403, 403, 403],
        ),
        (
            "DELETE",
            "/api/roles/rol_viewer00004/permissions".into(),
            Some(json!({"permissions": [{
                "resource_server_identifier": "https://api.ai-application.example/",
                "permission_name": "read:datasets"
            }]})),
            [200, 403, 403, 403],
        ),
        (
            "GET",
            "/api/client-grants".into(),
            None,
            [200, 403, 403, 403],
        ),
        ("GET", "/api/audit".into(), None, [200, 200, 200, 403]),
        (
            "GET",
            format!("/api/audit?org_id={ACME}"),
            None,
            [200, 404, 200, 403],
        ),
        // An org admin's export is their own organization, whatever the request names.
        (
            "GET",
            "/api/export?format=json".into(),
            None,
            [200, 200, 200, 403],
        ),
        (
            "GET",
            format!("/api/export?format=terraform&org_id={ACME}"),
            None,
            [200, 404, 200, 403],
        ),
        (
            "GET",
            format!("/api/export?format=json&org_id={UNKNOWN}"),
            None,
            [404, 404, 404, 403],
        ),
        // A file that names no organization plans nothing, for either admin.
        (
            "POST",
            "/api/import/plan".into(),
            Some(json!({"file": "{\"format\": \"orgdesk-snapshot/1\", \"organizations\": []}"})),
            [200, 200, 200, 403],
        ),
        (
            "POST",
            "/api/import/apply".into(),
            Some(json!({"plan_id": "imp_nosuchplan"})),
            [404, 404, 404, 403],
        ),
        (
            "GET",
            "/api/import/plans/imp_nosuchplan".into(),
            None,
            [404, 404, 404, 403],
        ),
    ];
    for (method, uri, body, want) in &tenant_routes {
        for (who, want) in [
            (Who::Anonymous, 401),
            (Who::Platform, want[0]),
            (Who::OrgAdminA, want[1]),
            (Who::OrgAdminB, want[2]),
            (Who::MemberA, want[3]),
        ] {
            let app = TestApp::new().await;
            let caller = signed(&app, who).await;
            let before = app.directory_calls();
            let (status, answer) = app.call(method, uri, &caller, body.clone()).await;
            if status.as_u16() != want {
                failures.push(format!(
                    "{method} {uri} as {who:?}: {status} (want {want}) {answer}"
                ));
            }
            // A platform admin's 404 is the directory's own answer: asking is how it is known.
            let denied = matches!(want, 401 | 403) || (want == 404 && who != Who::Platform);
            if denied && app.directory_calls() != before {
                failures.push(format!("{method} {uri} as {who:?} reached the directory"));
            }
            cells += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cells, 33 * 5 * 4 + 34 * 5);
}

fn mutation(method: &str, uri: &str, cookie: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
}

#[tokio::test]
async fn mutations_without_the_csrf_proof_are_refused_before_the_directory() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let body = || Body::from(json!({"display_name": "Hijacked"}).to_string());
    let uri = format!("/api/orgs/{AI_ORG}");
    let cases: Vec<(&str, Request<Body>)> = vec![
        (
            "no token",
            mutation("PATCH", &uri, &admin.cookie)
                .header(header::ORIGIN, format!("http://{HOST}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(body())
                .unwrap(),
        ),
        (
            "a wrong token",
            mutation("PATCH", &uri, &admin.cookie)
                .header(header::ORIGIN, format!("http://{HOST}"))
                .header("x-csrf-token", "not-the-token")
                .header(header::CONTENT_TYPE, "application/json")
                .body(body())
                .unwrap(),
        ),
        (
            "a foreign Origin",
            mutation("PATCH", &uri, &admin.cookie)
                .header(header::ORIGIN, "https://evil.example")
                .header("x-csrf-token", &admin.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body())
                .unwrap(),
        ),
        (
            "Sec-Fetch-Site: cross-site",
            mutation("PATCH", &uri, &admin.cookie)
                .header("sec-fetch-site", "cross-site")
                .header("x-csrf-token", &admin.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body())
                .unwrap(),
        ),
        (
            "a form post",
            mutation("POST", "/api/orgs", &admin.cookie)
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=evil-org"))
                .unwrap(),
        ),
        (
            "a same-site form post without the header",
            mutation("POST", "/api/orgs", &admin.cookie)
                .header(header::ORIGIN, format!("http://{HOST}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=evil-org"))
                .unwrap(),
        ),
    ];
    for (why, request) in cases {
        let before = app.directory_calls();
        let response = app.send(request).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{why}");
        assert_eq!(app.directory_calls(), before, "{why} reached the directory");
    }
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&admin.cookie))
        .await;
    assert_eq!(org["display_name"], "AI Organization");
}

#[tokio::test]
async fn return_to_never_leaves_the_app() {
    let app = TestApp::new().await;
    for evil in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/orgs\r\nSet-Cookie: x=y",
        "/orgs%0d%0aSet-Cookie:%20x=y",
        "/api/orgs",
    ] {
        let encoded: String = evil.bytes().map(|b| format!("%{b:02X}")).collect();
        let response = app
            .send(
                Request::post("/auth/demo-login")
                    .header(header::HOST, HOST)
                    .header(header::ORIGIN, format!("http://{HOST}"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!(
                        "persona=platform-admin&return_to={encoded}"
                    )))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{evil:?}");
        let location = response.headers()[header::LOCATION].to_str().unwrap();
        let kept = evil.starts_with("/orgs%0d");
        assert!(location == "/" || kept, "{evil:?} led to {location:?}");
        assert!(!location.contains('\r') && !location.contains('\n'));
    }
}

#[tokio::test]
async fn denied_mutations_are_audited_with_the_callers_own_org() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let sam = app.sign_in("member").await;
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
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/invitations"),
            &sam,
            Some(json!({"invitee_email": "x@example.com", "inviter_name": "S"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = common::Signed {
        cookie: "orgdesk_session=forged".into(),
        csrf: "x".into(),
    };
    let (status, _) = app
        .call("DELETE", &format!("/api/orgs/{AI_ORG}"), &anonymous, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let admin = app.sign_in("platform-admin").await;
    let (_, audit) = app
        .get_json("/api/audit?action=denied", Some(&admin.cookie))
        .await;
    let rows: Vec<(String, String, String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor_role"].as_str().unwrap().to_owned(),
                e["org_id"].as_str().unwrap_or("").to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
                e["changes"][0]["after"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "anonymous".into(),
                String::new(),
                "denied (401)".into(),
                format!("DELETE /api/orgs/{AI_ORG}")
            ),
            (
                "member".into(),
                AI_ORG.into(),
                "denied (403)".into(),
                format!("POST /api/orgs/{AI_ORG}/invitations")
            ),
            (
                "org_admin".into(),
                AI_ORG.into(),
                "denied (404)".into(),
                format!("PATCH /api/orgs/{ACME}")
            ),
        ]
    );
    // Omar sees his own attempt in his org's log; the org he tried is not where it is filed.
    let (_, own) = app
        .get_json("/api/audit?action=denied", Some(&omar.cookie))
        .await;
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_audit_log_exports_as_csv_within_the_callers_scope_and_filters_by_time() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &admin,
            Some(json!({"display_name": "=HYPERLINK(\"https://evil.example\")"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .send(
            Request::get("/api/audit.csv")
                .header(header::HOST, HOST)
                .header(header::COOKIE, &admin.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("orgdesk-audit.csv"));
    let csv = common::body_text(response).await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time,actor_email,actor_id,actor_role,org_id,action,outcome,request_id,changes"
    );
    let update = csv.lines().find(|l| l.contains("org.update")).unwrap();
    assert!(update.contains(",platform_admin,"), "{update}");
    // The quoted cell starts with the field's name, so the value cannot act as a formula.
    assert!(
        update.ends_with(
            r#","display_name: AI Organization → =HYPERLINK(""https://evil.example"")""#
        ),
        "{update}"
    );

    let lena = app.sign_in("org-admin-acme").await;
    let (status, _) = app
        .get_json(
            &format!("/api/audit.csv?org_id={AI_ORG}"),
            Some(&lena.cookie),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own) = app.get_json("/api/audit.csv", Some(&lena.cookie)).await;
    assert!(!own.as_str().unwrap().contains(AI_ORG));

    let (_, later) = app
        .get_json("/api/audit?since=4102444800", Some(&admin.cookie))
        .await;
    assert!(later["items"].as_array().unwrap().is_empty());
    let (_, earlier) = app
        .get_json("/api/audit?until=4102444800", Some(&admin.cookie))
        .await;
    assert!(!earlier["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn sign_in_and_mutations_are_rate_limited() {
    let dir = tempfile::tempdir().unwrap();
    let state = orgdesk_proxy::demo_state(
        &dir.path().join("data"),
        &dir.path().join("no-assets"),
        false,
        &orgdesk_proxy::config::FileConfig {
            limits: Some(orgdesk_proxy::limits::Limits {
                sign_in_per_minute: 30,
                mutations_per_minute_per_session: 120,
                mutations_per_minute_per_address: 1_000,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let app = orgdesk_proxy::app(state);
    let sign_in = || {
        Request::post("/auth/demo-login")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("persona=platform-admin"))
            .unwrap()
    };
    use tower::ServiceExt;
    let mut cookie = String::new();
    for attempt in 1..=31 {
        let response = app.clone().oneshot(sign_in()).await.unwrap();
        if attempt <= 30 {
            assert_eq!(
                response.status(),
                StatusCode::SEE_OTHER,
                "attempt {attempt}"
            );
            cookie = response.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
        } else {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            let retry: u64 = response.headers()[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry));
        }
    }
    let me = app
        .clone()
        .oneshot(
            Request::get("/api/me")
                .header(header::HOST, HOST)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let me = common::body_json(me).await;
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let mut limited = 0;
    for _ in 0..121 {
        let response = app
            .clone()
            .oneshot(
                Request::patch("/api/tenant/settings")
                    .header(header::HOST, HOST)
                    .header(header::ORIGIN, format!("http://{HOST}"))
                    .header(header::COOKIE, &cookie)
                    .header("x-csrf-token", &csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(r#"{"friendly_name":"My AI Application"}"#))
                    .unwrap(),
            )
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
            assert_eq!(common::body_json(response).await["error"], "slow_down");
        }
    }
    assert_eq!(limited, 1, "the 121st change in a minute is refused");
}

/// A small deterministic generator, so that a failing input can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }
}

#[tokio::test]
async fn no_input_makes_the_proxy_fail() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let mut rng = Rng(0x5eed_0f0d);
    let segments = [
        AI_ORG,
        ACME,
        "org_",
        "..",
        "%2e%2e",
        "%00",
        "auth0%7C1",
        "%F0%9F%92%A9",
        "members",
        "roles",
        "invitations",
        "connections",
        "con_UsrPwdAuth0001",
        "uinv_x",
        "claims-preview",
        "counts",
        "' OR 1=1 --",
        "%25",
        "a%2Fb",
        "x".repeat(300).leak(),
    ];
    let bodies = [
        "",
        "{",
        "[]",
        "null",
        "{\"display_name\":null}",
        "{\"members\":[1,2]}",
        "{\"roles\":\"x\"}",
        "{\"metadata\":{\"tenant_id\":\"\\u0000\"}}",
        "{\"branding\":{\"colors\":{\"primary\":\"#zzzzzz\"}}}",
        "{\"name\":\"-\"}",
        "{\"invitee_email\":\"a@b.c\",\"inviter_name\":\"\",\"ttl_days\":99999999999}",
        "{\"friendly_name\":\"x\",\"error_page\":{\"url\":\"https://\"}}",
        "\u{ff}\u{fe}",
        "{\"a\":",
    ];
    for _ in 0..1_500 {
        let method = rng.pick(&["GET", "POST", "PATCH", "DELETE", "PUT"]);
        let depth = 1 + rng.next() % 4;
        let mut uri = String::from("/api/");
        uri.push_str(rng.pick(&["orgs", "users", "tenant", "audit", "roles", "connections"]));
        for _ in 0..depth {
            uri.push('/');
            uri.push_str(rng.pick(&segments));
        }
        if rng.next().is_multiple_of(3) {
            uri.push_str(rng.pick(&[
                "?q=%",
                "?page=-1",
                "?per_page=100000",
                "?from=%%%",
                "?take=0",
                "?user_id=",
                "?before=x",
            ]));
        }
        let body = rng.pick(&bodies);
        let Ok(request) = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, &admin.cookie)
            .header("x-csrf-token", &admin.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
        else {
            continue;
        };
        let response = app.send(request).await;
        assert!(
            response.status().as_u16() < 500,
            "{method} {uri} with {body:?}: {}",
            response.status()
        );
    }
}
