//! The Auth0 client under injected faults from a loopback upstream: rate limits, 5xx,
//! timeouts, resets, a failing token endpoint and a cold-start stampede.

#![allow(clippy::unwrap_used)]

use crate::clock::travel;
use crate::common;
use crate::upstream;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use orgdesk_model::input::NewOrgInput;
use orgdesk_model::OrgId;
use orgdesk_proxy::directory::auth0::client::{Auth0Client, CallError, ClientConfig, Secret};
use orgdesk_proxy::directory::auth0::Auth0Directory;
use orgdesk_proxy::directory::{Directory, DirectoryError};
use upstream::{script, token_reply, Reply, Upstream};

const ORG: &str = r#"{"id":"org_abcdefgh12345678","name":"acme","display_name":"Acme"}"#;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn client(upstream: &Upstream, deadline: Duration) -> Arc<Auth0Client> {
    Arc::new(
        Auth0Client::new(ClientConfig {
            base_url: upstream.base_url.clone(),
            client_id: "m2m".into(),
            client_secret: Secret::new("m2m-secret"),
            audience: "https://tenant.example/api/v2/".into(),
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_millis(500),
            deadline,
        })
        .unwrap(),
    )
}

fn directory(client: &Arc<Auth0Client>) -> Auth0Directory {
    Auth0Directory::new(client.clone(), Some("app-client".into()))
}

fn org_id() -> OrgId {
    OrgId::parse("org_abcdefgh12345678").unwrap()
}

fn rate_limited(reset: u64) -> Reply {
    Reply::json(
        429,
        r#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#,
    )
    .with_header("x-ratelimit-limit", "2")
    .with_header("x-ratelimit-remaining", "0")
    .with_header("x-ratelimit-reset", &reset.to_string())
}

#[tokio::test]
async fn a_429_is_waited_out_until_the_reset_then_succeeds() {
    let reset = unix_now() + 2;
    let upstream =
        Upstream::with_token(script(vec![rate_limited(reset)], Reply::json(200, ORG))).await;
    let client = client(&upstream, Duration::from_secs(10));
    let started = Instant::now();
    let org = directory(&client)
        .get_org(&org_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name.as_str(), "acme");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(upstream.api_requests(), 2);
}

#[tokio::test]
async fn a_429_past_the_deadline_is_a_503_with_retry_after_for_the_browser() {
    let reset = unix_now() + 60;
    let upstream = Upstream::with_token(script(vec![], rate_limited(reset))).await;
    let client = client(&upstream, Duration::from_secs(2));
    let started = Instant::now();
    let err = directory(&client).get_org(&org_id()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match &err {
        DirectoryError::Unavailable {
            retry_after: Some(seconds),
            message,
        } => {
            assert!((58..=60).contains(seconds), "retry after {seconds}");
            assert!(message.contains("rate limit"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The same through the HTTP surface: 503 with Retry-After and the message.
    let app = common::TestApp::with_directory(Arc::new(directory(&client))).await;
    let admin = app.sign_in("platform-admin").await;
    let response = app
        .send(
            axum::http::Request::get(format!("/api/orgs/{}", org_id()))
                .header("host", common::HOST)
                .header("cookie", &admin.cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((58..=60).contains(&retry));
    // The spent budget holds further calls back without spending requests on a certain 429.
    let before = upstream.api_requests();
    let again = client.get_organization("org_abcdefgh12345678").await;
    assert!(matches!(again, Err(CallError::RateLimited { .. })));
    assert_eq!(upstream.api_requests(), before);
}

#[tokio::test]
async fn a_500_on_a_read_is_retried() {
    let upstream = Upstream::with_token(script(
        vec![Reply::json(
            500,
            r#"{"statusCode":500,"error":"Internal Server Error","message":"oops"}"#,
        )],
        Reply::json(200, ORG),
    ))
    .await;
    let client = client(&upstream, Duration::from_secs(10));
    assert!(directory(&client)
        .get_org(&org_id())
        .await
        .unwrap()
        .is_some());
    assert_eq!(upstream.api_requests(), 2);
}

#[tokio::test]
async fn a_500_on_a_create_is_not_retried_and_the_outcome_is_called_unknown() {
    let upstream = Upstream::with_token(script(vec![], Reply::json(500, "{}"))).await;
    let client = client(&upstream, Duration::from_secs(10));
    let new = NewOrgInput {
        name: "acme".into(),
        ..NewOrgInput::default()
    }
    .parse()
    .unwrap();
    let err = directory(&client).create_org(&new).await.unwrap_err();
    assert_eq!(upstream.api_requests(), 1);
    match err {
        DirectoryError::OutcomeUnknown(message) => {
            assert!(message.contains("Refresh"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_and_reads_are_retried_within_the_deadline() {
    let slow = Reply::After(Duration::from_secs(3), Box::new(Reply::json(200, ORG)));
    let upstream = Upstream::with_token(script(vec![slow.clone()], Reply::json(200, ORG))).await;
    let client = client(&upstream, Duration::from_secs(10));
    let started = Instant::now();
    assert!(directory(&client)
        .get_org(&org_id())
        .await
        .unwrap()
        .is_some());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(upstream.api_requests(), 2);

    // Slow every time: the read gives up with a clear 503 instead of hanging.
    upstream.set_handler(script(vec![], slow));
    let started = Instant::now();
    let err = client
        .get_organization("org_abcdefgh12345678")
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Unreachable(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_reads() {
    let upstream = Upstream::with_token(script(vec![Reply::Reset], Reply::json(200, ORG))).await;
    let client = client(&upstream, Duration::from_secs(10));
    assert!(directory(&client)
        .get_org(&org_id())
        .await
        .unwrap()
        .is_some());
    assert_eq!(upstream.api_requests(), 2);
}

#[tokio::test]
async fn a_cached_token_keeps_working_while_the_token_endpoint_is_down() {
    let token_down = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let down = token_down.clone();
    let upstream = Upstream::start(move |seen| {
        if seen.path == "/oauth/token" {
            if down.load(std::sync::atomic::Ordering::SeqCst) {
                Reply::json(
                    503,
                    r#"{"error":"temporarily_unavailable","error_description":"down"}"#,
                )
            } else {
                // Valid for 4 s; renewed after 2 s.
                token_reply(4)
            }
        } else {
            Reply::json(200, ORG)
        }
    })
    .await;
    let client = client(&upstream, Duration::from_secs(10));
    let dir = directory(&client);
    assert!(dir.get_org(&org_id()).await.unwrap().is_some());
    token_down.store(true, std::sync::atomic::Ordering::SeqCst);
    travel(Duration::from_millis(2_300)).await;
    assert!(dir.get_org(&org_id()).await.unwrap().is_some());
    assert_eq!(upstream.token_requests(), 2, "one renewal was tried");
    // Once it has expired there is no token to use: a clear 503, not a hang.
    travel(Duration::from_millis(2_000)).await;
    let err = dir.get_org(&org_id()).await.unwrap_err();
    assert!(matches!(err, DirectoryError::Unavailable { .. }), "{err:?}");
}

#[tokio::test]
async fn a_401_drops_the_token_and_fetches_a_new_one_once() {
    let upstream = Upstream::with_token(script(
        vec![Reply::json(
            401,
            r#"{"statusCode":401,"error":"Unauthorized","message":"Expired token"}"#,
        )],
        Reply::json(200, ORG),
    ))
    .await;
    let client = client(&upstream, Duration::from_secs(10));
    assert!(directory(&client)
        .get_org(&org_id())
        .await
        .unwrap()
        .is_some());
    assert_eq!(upstream.token_requests(), 2);
    assert_eq!(upstream.api_requests(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_requests_at_cold_start_fetch_one_token() {
    let upstream = Upstream::start(|seen| {
        if seen.path == "/oauth/token" {
            Reply::After(Duration::from_millis(200), Box::new(token_reply(86_400)))
        } else {
            Reply::json(200, ORG)
        }
    })
    .await;
    let client = client(&upstream, Duration::from_secs(20));
    let dir = Arc::new(directory(&client));
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let dir = dir.clone();
            tokio::spawn(async move { dir.get_org(&org_id()).await })
        })
        .collect();
    for task in tasks {
        assert!(task.await.unwrap().unwrap().is_some());
    }
    assert_eq!(upstream.token_requests(), 1);
    assert_eq!(upstream.api_requests(), 200);
    assert_eq!(client.token_requests(), 1);
}

#[tokio::test]
async fn auth0_messages_reach_the_person_and_a_bad_secret_does_not_leak() {
    let upstream = Upstream::with_token(script(
        vec![Reply::json(
            400,
            r#"{"statusCode":400,"error":"Bad Request","message":"Only database connections with assign_membership_on_login = true support is_signup_enabled = true.","errorCode":"invalid_body"}"#,
        )],
        Reply::json(200, "{}"),
    ))
    .await;
    let client = client(&upstream, Duration::from_secs(5));
    let err = client
        .patch_enabled_connection("org_1", "con_1", &Default::default())
        .await
        .unwrap_err();
    let mapped = orgdesk_proxy::directory::auth0::to_directory(err);
    assert!(
        matches!(&mapped, DirectoryError::Invalid(e) if e.message.contains("assign_membership_on_login"))
    );

    let refused = Upstream::start(|_| {
        Reply::json(
            401,
            r#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        )
    })
    .await;
    let client = self::client(&refused, Duration::from_secs(5));
    let err = directory(&client).get_org(&org_id()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("orgdesk check"), "{text}");
    assert!(!text.contains("m2m-secret"));
    assert_eq!(refused.api_requests(), 0, "no API call without a token");
}

#[tokio::test]
async fn a_low_budget_spreads_calls_until_the_reset_instead_of_hitting_a_429() {
    // Each answer says 1 of 10 requests is left, resetting in 2 s: calls are spaced out.
    let upstream = Upstream::with_token(move |_| {
        Reply::json(200, ORG)
            .with_header("x-ratelimit-limit", "10")
            .with_header("x-ratelimit-remaining", "1")
            .with_header("x-ratelimit-reset", &(unix_now() + 2).to_string())
    })
    .await;
    let client = client(&upstream, Duration::from_secs(10));
    let dir = directory(&client);
    dir.get_org(&org_id()).await.unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        dir.get_org(&org_id()).await.unwrap();
    }
    // One slot per remaining request until the reset: about a second apart.
    assert!(
        started.elapsed() >= Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(upstream.api_requests(), 4);
}
