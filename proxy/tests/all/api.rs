//! The API as the browser app and operators see it: sessions, CSRF, listing, scoping, errors.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{body_json, stable, TestApp, ACME, AI_ORG, HOST};

#[tokio::test]
async fn every_api_route_answers_401_without_a_session() {
    let app = TestApp::new().await;
    for uri in [
        "/api/me",
        "/api/orgs",
        &format!("/api/orgs/{AI_ORG}"),
        "/api/orgs?q=ai",
    ] {
        let (status, body) = app.get_json(uri, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(body["error"], "unauthenticated", "{uri}");
        assert!(body["message"].as_str().unwrap().contains("Sign in"));
    }
    let (status, _) = app
        .get_json("/api/me", Some("orgdesk_session=forged-value"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.directory_calls(), 0);
}

#[tokio::test]
async fn me_reports_role_org_and_capabilities() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (_, me) = app.get_json("/api/me", Some(&admin.cookie)).await;
    insta::assert_json_snapshot!("me_platform_admin", stable(me));

    let org_admin = app.sign_in("org-admin").await;
    let (_, me) = app.get_json("/api/me", Some(&org_admin.cookie)).await;
    insta::assert_json_snapshot!("me_org_admin", stable(me));
}

fn logout(cookie: &str, csrf: Option<&str>, origin: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/auth/logout")
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn a_mutation_without_the_csrf_token_is_refused() {
    let app = TestApp::new().await;
    let user = app.sign_in("member").await;

    let response = app.send(logout(&user.cookie, None, None)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(body_json(response).await["error"], "forbidden");

    let response = app.send(logout(&user.cookie, Some("wrong"), None)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let response = app
        .send(logout(
            &user.cookie,
            Some(&user.csrf),
            Some("https://evil.example"),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "foreign Origin");

    // The session survived every refused attempt, and the right token ends it.
    let (status, _) = app.get_json("/api/me", Some(&user.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let response = app
        .send(logout(
            &user.cookie,
            Some(&user.csrf),
            Some(&format!("http://{HOST}")),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _) = app.get_json("/api/me", Some(&user.cookie)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_from_another_site_is_refused() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::post("/auth/demo-login")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, "https://evil.example")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("persona=platform-admin"))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn sign_in_never_redirects_off_site() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::post("/auth/demo-login")
                .header(header::HOST, HOST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("persona=member&return_to=%2F%2Fevil.example"))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::post("/auth/demo-login")
                .header(header::HOST, HOST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("persona=member"))
                .unwrap(),
        )
        .await;
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
}

#[tokio::test]
async fn platform_admin_pages_through_every_org_in_a_stable_order() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let mut names = Vec::new();
    let mut total = 0;
    for page in 0..3 {
        let (status, body) = app
            .get_json(
                &format!("/api/orgs?page={page}&per_page=5"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        total = body["total"].as_u64().unwrap();
        for org in body["items"].as_array().unwrap() {
            names.push(org["name"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(total, 12);
    assert_eq!(names.len(), 12);
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "pages are in name order with no repeats");

    let (_, body) = app.get_json("/api/orgs?page=9", Some(&admin.cookie)).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    assert_eq!(body["total"], 12);
}

#[tokio::test]
async fn the_seeded_scenario_org_has_its_colour_logo_and_tenant_id() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let (status, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("ai_organization", org);
}

#[tokio::test]
async fn search_matches_name_or_display_name_and_treats_wildcards_literally() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let search = |q: &'static str| {
        let app = &app;
        let cookie = admin.cookie.clone();
        async move {
            let (status, body) = app
                .get_json(&format!("/api/orgs?q={q}"), Some(&cookie))
                .await;
            assert_eq!(status, StatusCode::OK);
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("robot").await, ["acme-robotics"]);
    assert_eq!(search("AI%20Org").await, ["ai-organization"]);
    assert_eq!(search("ACME").await, ["acme-robotics"]);
    assert!(search("%25").await.is_empty());
    assert!(search("zzz-nothing").await.is_empty());
}

#[tokio::test]
async fn bad_paging_parameters_are_a_400_in_the_error_shape() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for uri in [
        "/api/orgs?per_page=0",
        "/api/orgs?per_page=101",
        "/api/orgs?page=-1",
        "/api/orgs?color=red",
    ] {
        let (status, body) = app.get_json(uri, Some(&admin.cookie)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["error"], "invalid_input", "{uri}");
        assert!(body["message"].is_string());
    }
}

#[tokio::test]
async fn org_admin_sees_only_their_own_org() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (_, body) = app.get_json("/api/orgs", Some(&omar.cookie)).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["id"], AI_ORG);

    let (_, body) = app.get_json("/api/orgs?q=acme", Some(&omar.cookie)).await;
    assert_eq!(body["total"], 0, "search cannot reach other orgs");

    let (status, _) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&omar.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn org_admin_cannot_read_another_org_and_the_directory_is_not_asked() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let before = app.directory_calls();
    let (status, body) = app
        .get_json(&format!("/api/orgs/{ACME}"), Some(&omar.cookie))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another org is not found, not forbidden"
    );
    assert_eq!(body["error"], "not_found");
    assert_eq!(app.directory_calls(), before);

    let member = app.sign_in("member").await;
    let (status, _) = app
        .get_json(&format!("/api/orgs/{ACME}"), Some(&member.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.directory_calls(), before);
}

#[tokio::test]
async fn unknown_and_malformed_org_ids_are_404() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for id in ["org_doesNotExist123", "not-an-id", "org_..%2F..", "%00"] {
        let (status, body) = app
            .get_json(&format!("/api/orgs/{id}"), Some(&admin.cookie))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(body["error"], "not_found");
    }
    let (status, body) = app
        .get_json("/api/no-such-route", Some(&admin.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    for (uri, cookie) in [
        ("/healthz", None),
        ("/auth/login", None),
        ("/api/me", Some(&admin.cookie)),
        ("/api/orgs", None),
    ] {
        let mut request = Request::get(uri).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie.as_str());
        }
        let response = app.send(request.body(Body::empty()).unwrap()).await;
        let headers = response.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{uri}"
        );
        assert!(!csp.contains("unsafe-inline"), "{uri}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin", "{uri}");
        assert!(headers.contains_key("x-request-id"), "{uri}");
        if uri.starts_with("/api") {
            assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{uri}");
        }
    }
}

#[tokio::test]
async fn the_demo_sign_in_page_lists_the_personas() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::get("/auth/login?return_to=%2Forgs%2F%22%3E%3Cscript%3E")
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = common::body_text(response).await;
    for persona in ["platform-admin", "org-admin", "org-admin-acme", "member"] {
        assert!(html.contains(&format!("value=\"{persona}\"")), "{persona}");
    }
    assert!(html.contains("Ada Admin"));
    assert!(!html.contains("<script>"), "return_to is escaped");
}
