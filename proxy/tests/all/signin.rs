//! Sign-in with Auth0 through the real callback handler, against a loopback identity provider
//! that mints the ID tokens each case needs (signed with test keys), and a loopback Management
//! API that answers who holds which role. Every bad token or broken flow is refused with no
//! session made.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::clock::travel;
use crate::upstream;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use base64::Engine as _;
use http_body_util::BodyExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use orgdesk_proxy::config::FileConfig;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use upstream::{Reply, Upstream};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
const OTHER_ORG: &str = "org_acmeR0b8Tn3Vw5";
const CLIENT_ID: &str = "orgdesk-login";
const KEY_A: &str = include_str!("../fixtures/oidc/key-a.pem");
const KEY_B: &str = include_str!("../fixtures/oidc/key-b.pem");
const PUBLIC_A: &str = include_str!("../fixtures/oidc/public-a.pem");
const JWKS_A: &str = include_str!("../fixtures/oidc/jwks-a.json");
const JWKS_AB: &str = include_str!("../fixtures/oidc/jwks-ab.json");

const ADA: &str = "auth0|ada0000000000000000001";
const OMAR: &str = "auth0|omar000000000000000002";
const SAM: &str = "auth0|sam00000000000000000003";
const STRANGER: &str = "auth0|nobody0000000000000004";

/// What the identity provider's token endpoint will answer next.
#[derive(Clone)]
struct Mint {
    /// The raw ID token to hand out (already signed).
    token: String,
}

#[derive(Default)]
struct Idp {
    mint: Option<Mint>,
    challenge: Option<String>,
    rotated: bool,
    jwks_down: bool,
    codes_used: Vec<String>,
}

struct World {
    app: Router,
    demoted: Arc<std::sync::atomic::AtomicBool>,
    management: Upstream,
    idp: Arc<Mutex<Idp>>,
    issuer: String,
    state: orgdesk_proxy::AppState,
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

async fn world() -> World {
    let idp_state: Arc<Mutex<Idp>> = Arc::default();
    let idp = Upstream::start(|_| Reply::json(503, "{}")).await;
    let issuer = format!("{}/", idp.base_url);
    let discovery = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{}/authorize", idp.base_url),
        "token_endpoint": format!("{}/token", idp.base_url),
        "jwks_uri": format!("{}/jwks", idp.base_url),
        "end_session_endpoint": format!("{}/session/end", idp.base_url),
    })
    .to_string();
    idp.set_handler({
        let mut fallback = provider(idp_state.clone());
        move |seen| {
            if seen.path == "/.well-known/openid-configuration" {
                Reply::json(200, &discovery)
            } else {
                fallback(seen)
            }
        }
    });
    let demoted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let omar_demoted = demoted.clone();
    let management = Upstream::with_token(move |seen| {
        let roles = |names: &[&str]| {
            let roles: Vec<Value> = names
                .iter()
                .map(|n| json!({"id": format!("rol_{n}"), "name": n}))
                .collect();
            Reply::json(200, &json!({"roles": roles, "start": 0, "limit": 100, "total": roles.len()}).to_string())
        };
        let path = seen.path.replace("%7C", "|");
        match path.as_str() {
            p if p == format!("/api/v2/users/{ADA}/roles") => roles(&["orgdesk-platform-admin"]),
            p if p.starts_with("/api/v2/users/") && p.ends_with("/roles") => roles(&[]),
            p if p == format!("/api/v2/organizations/{AI_ORG}") || p == format!("/api/v2/organizations/{OTHER_ORG}") => {
                let id = p.rsplit('/').next().unwrap();
                Reply::json(200, &json!({"id": id, "name": "ai-organization", "display_name": "AI Organization"}).to_string())
            }
            p if p == format!("/api/v2/organizations/{AI_ORG}/members/{OMAR}/roles") => {
                if omar_demoted.load(std::sync::atomic::Ordering::SeqCst) {
                    roles(&["viewer"])
                } else {
                    roles(&["org-admin"])
                }
            }
            p if p == format!("/api/v2/organizations/{AI_ORG}/members/{SAM}/roles") => roles(&["data-scientist"]),
            _ => Reply::json(404, r#"{"statusCode":404,"error":"Not Found","message":"Not found"}"#),
        }
    })
    .await;
    let config = FileConfig::parse(&format!(
        "[auth0]\ndomain = \"tenant.example.com\"\napp_client_id = \"app123\"\napp_redirect_uri = \"https://ai.example.com/callback\"\nclient_id = \"m2m\"\nmanagement_url = \"{}\"\nlogin_client_id = \"{CLIENT_ID}\"\nissuer = \"{issuer}\"\n",
        management.base_url
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap().keep();
    let env = |name: &str| match name {
        "ORGDESK_AUTH0_CLIENT_SECRET" => Some("m2m-secret".to_owned()),
        "ORGDESK_LOGIN_CLIENT_SECRET" => Some("login-secret".to_owned()),
        _ => None,
    };
    let state = orgdesk_proxy::real_state(
        &dir.join("data"),
        &dir.join("no-assets"),
        "http://orgdesk.test",
        &config,
        &env,
    )
    .await
    .unwrap();
    World {
        app: orgdesk_proxy::app(state.clone()),
        demoted,
        management,
        idp: idp_state,
        issuer,
        state,
    }
}

/// The provider's keys and token endpoint: a code is good once, with the right PKCE verifier
/// and client secret, and yields the token the case minted.
fn provider(shared: Arc<Mutex<Idp>>) -> impl FnMut(&upstream::Seen) -> Reply + Send + 'static {
    move |seen| {
        let mut idp = shared.lock().unwrap();
        match seen.path.as_str() {
            "/jwks" if idp.jwks_down => Reply::json(503, "{}"),
            "/jwks" => Reply::json(200, if idp.rotated { JWKS_AB } else { JWKS_A }),
            "/token" => {
                let form = url_pairs(&String::from_utf8_lossy(&seen.body));
                let code = form.get("code").cloned().unwrap_or_default();
                if idp.codes_used.contains(&code) {
                    return Reply::json(
                        400,
                        r#"{"error":"invalid_grant","error_description":"code already used"}"#,
                    );
                }
                idp.codes_used.push(code);
                let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                if Some(challenge) != idp.challenge
                    || form.get("client_secret").map(String::as_str) != Some("login-secret")
                {
                    return Reply::json(400, r#"{"error":"invalid_grant"}"#);
                }
                match &idp.mint {
                    Some(mint) => Reply::json(
                        200,
                        &json!({"access_token": "at", "token_type": "Bearer", "id_token": mint.token})
                            .to_string(),
                    ),
                    None => Reply::json(400, r#"{"error":"invalid_grant"}"#),
                }
            }
            _ => Reply::json(404, "{}"),
        }
    }
}

fn url_pairs(text: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{text}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// A well-formed ID token for `sub`, to be spoiled by each case.
fn claims(world: &World, sub: &str, nonce: &str, org: Option<&str>) -> Value {
    let mut claims = json!({
        "iss": world.issuer,
        "sub": sub,
        "aud": CLIENT_ID,
        "iat": now(),
        "exp": now() + 3600,
        "nonce": nonce,
        "email": format!("{}@example.com", &sub[6..10]),
        "name": "Someone",
    });
    if let Some(org) = org {
        claims["org_id"] = json!(org);
    }
    claims
}

fn sign(claims: &Value, key: &str, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(key.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// Makes the ID token of one bad-token case from the world and the nonce.
type Minter = Box<dyn Fn(&World, &str) -> String>;

/// Has the provider hand out, for this sign-in, a good token for `sub` signed with `key`.
fn mint(world: &World, started: &Started, sub: &str, org: Option<&str>, key: &str, kid: &str) {
    world.idp.lock().unwrap().mint = Some(Mint {
        token: sign(&claims(world, sub, &started.nonce, org), key, kid),
    });
}

struct Started {
    cookie: String,
    state: String,
    nonce: String,
}

async fn send(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone().oneshot(request).await.unwrap()
}

async fn start(world: &World, organization: Option<&str>) -> Started {
    let mut uri = "/auth/login?return_to=%2Forgs".to_owned();
    if let Some(org) = organization {
        uri.push_str(&format!("&organization={org}"));
    }
    let response = send(
        &world.app,
        Request::get(uri)
            .header(header::HOST, "orgdesk.test")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        location.starts_with(&format!("{}authorize?", world.issuer)),
        "{location}"
    );
    let params = url_pairs(location.split_once('?').unwrap().1);
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(params["redirect_uri"], "http://orgdesk.test/auth/callback");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params.get("organization").map(String::as_str), organization);
    world.idp.lock().unwrap().challenge = Some(params["code_challenge"].clone());
    let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.contains("SameSite=Lax") && set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("Max-Age=600"));
    Started {
        cookie: set_cookie.split(';').next().unwrap().to_owned(),
        state: params["state"].clone(),
        nonce: params["nonce"].clone(),
    }
}

async fn callback(world: &World, cookie: Option<&str>, code: &str, state: &str) -> Response<Body> {
    let mut request = Request::get(format!("/auth/callback?code={code}&state={state}"))
        .header(header::HOST, "orgdesk.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(&world.app, request.body(Body::empty()).unwrap()).await
}

fn session_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("orgdesk_session=") && !v.starts_with("orgdesk_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn me(world: &World, cookie: &str) -> Value {
    let response = send(
        &world.app,
        Request::get("/api/me")
            .header(header::HOST, "orgdesk.test")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap()
}

/// Runs one sign-in that must be refused, and checks that no session was made.
async fn refused(
    world: &World,
    started: &Started,
    code: &str,
    state: &str,
    cookie: Option<&str>,
    why: &str,
) {
    let before = world.state.sessions.count_live().await.unwrap();
    let response = callback(world, cookie, code, state).await;
    assert!(
        response.status() == StatusCode::BAD_REQUEST || response.status() == StatusCode::FORBIDDEN,
        "{why}: {}",
        response.status()
    );
    assert!(
        session_cookie(&response).is_none(),
        "{why}: a session cookie was set"
    );
    assert_eq!(
        world.state.sessions.count_live().await.unwrap(),
        before,
        "{why}: a session was made"
    );
    let _ = started;
}

#[tokio::test]
async fn the_full_flow_signs_each_role_in() {
    let world = world().await;
    for (sub, org, role, org_id) in [
        (ADA, None, "platform_admin", Value::Null),
        (OMAR, Some(AI_ORG), "org_admin", json!(AI_ORG)),
        (SAM, Some(AI_ORG), "member", json!(AI_ORG)),
    ] {
        let started = start(&world, org).await;
        let token = sign(&claims(&world, sub, &started.nonce, org), KEY_A, "key-a");
        world.idp.lock().unwrap().mint = Some(Mint { token });
        let response = callback(
            &world,
            Some(&started.cookie),
            &format!("code-{sub}"),
            &started.state,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{sub}");
        assert_eq!(response.headers()[header::LOCATION], "/orgs");
        let cookie = session_cookie(&response).expect("a session");
        let cookies: Vec<&str> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            cookies.iter().any(|c| c.starts_with("orgdesk_login=;")),
            "the pre-login cookie is cleared"
        );
        let me = me(&world, &cookie).await;
        assert_eq!(me["role"], role);
        assert_eq!(me["org_id"], org_id);
        assert_eq!(me["mode"], "auth0");
    }
    // A stranger (no platform role, no organization) is refused.
    let started = start(&world, None).await;
    let token = sign(
        &claims(&world, STRANGER, &started.nonce, None),
        KEY_A,
        "key-a",
    );
    world.idp.lock().unwrap().mint = Some(Mint { token });
    refused(
        &world,
        &started,
        "code-stranger",
        &started.state,
        Some(&started.cookie),
        "no role",
    )
    .await;
}

#[tokio::test]
async fn bad_tokens_are_refused_with_no_session() {
    let world = world().await;
    let mut n = 0;
    let cases: Vec<(&str, Minter)> = vec![
        (
            "alg none",
            Box::new(|w, nonce| {
                format!(
                    "{}.{}.",
                    b64(&json!({"alg": "none", "kid": "key-a"})),
                    b64(&claims(w, ADA, nonce, None))
                )
            }),
        ),
        (
            "HS256 signed with the RSA public key",
            Box::new(|w, nonce| {
                let mut header = Header::new(Algorithm::HS256);
                header.kid = Some("key-a".into());
                jsonwebtoken::encode(
                    &header,
                    &claims(w, ADA, nonce, None),
                    &EncodingKey::from_secret(PUBLIC_A.as_bytes()).unwrap(),
                )
                .unwrap()
            }),
        ),
        (
            "wrong iss",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["iss"] = json!("https://evil.example/");
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "iss without the trailing slash",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["iss"] = json!(w.issuer.trim_end_matches('/'));
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "wrong aud",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["aud"] = json!("someone-else");
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "several audiences without azp",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["aud"] = json!([CLIENT_ID, "someone-else"]);
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "expired",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["exp"] = json!(now() - 120);
                c["iat"] = json!(now() - 3720);
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "nbf in the future",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["nbf"] = json!(now() + 600);
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "iat in the future",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c["iat"] = json!(now() + 600);
                sign(&c, KEY_A, "key-a")
            }),
        ),
        (
            "signed by an unknown key",
            Box::new(|w, nonce| sign(&claims(w, ADA, nonce, None), KEY_B, "key-unknown")),
        ),
        (
            "a key that is not the kid's",
            Box::new(|w, nonce| sign(&claims(w, ADA, nonce, None), KEY_B, "key-a")),
        ),
        (
            "nonce mismatch",
            Box::new(|w, _| sign(&claims(w, ADA, "another-nonce", None), KEY_A, "key-a")),
        ),
        (
            "no sub",
            Box::new(|w, nonce| {
                let mut c = claims(w, ADA, nonce, None);
                c.as_object_mut().unwrap().remove("sub");
                sign(&c, KEY_A, "key-a")
            }),
        ),
    ];
    for (why, mint) in &cases {
        let started = start(&world, None).await;
        let token = mint(&world, &started.nonce);
        world.idp.lock().unwrap().mint = Some(Mint { token });
        n += 1;
        refused(
            &world,
            &started,
            &format!("code-{n}"),
            &started.state,
            Some(&started.cookie),
            why,
        )
        .await;
    }
    // Organization rules: org_id missing, or another org than the one asked for.
    for (why, org_claim) in [
        ("org_id missing", None),
        ("another organization", Some(OTHER_ORG)),
    ] {
        let started = start(&world, Some(AI_ORG)).await;
        let token = sign(
            &claims(&world, OMAR, &started.nonce, org_claim),
            KEY_A,
            "key-a",
        );
        world.idp.lock().unwrap().mint = Some(Mint { token });
        n += 1;
        refused(
            &world,
            &started,
            &format!("code-{n}"),
            &started.state,
            Some(&started.cookie),
            why,
        )
        .await;
    }
    assert_eq!(n, 15);
}

#[tokio::test]
async fn an_unknown_kid_refetches_the_keys_once_then_is_refused() {
    let world = world().await;
    let oidc = world.state.settings.oidc.clone().unwrap();
    // First sign-in fetches the keys.
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    assert_eq!(
        callback(&world, Some(&started.cookie), "c1", &started.state)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(oidc.jwks_fetches(), 1);
    // An unknown kid: one refetch, then refused; again at once: no further fetch.
    travel(std::time::Duration::from_millis(1_100)).await;
    for code in ["c2", "c3"] {
        let started = start(&world, None).await;
        mint(&world, &started, ADA, None, KEY_B, "key-b");
        refused(
            &world,
            &started,
            code,
            &started.state,
            Some(&started.cookie),
            "unknown kid",
        )
        .await;
        assert_eq!(oidc.jwks_fetches(), 2);
    }
}

#[tokio::test]
async fn a_rotated_in_key_is_accepted() {
    let world = world().await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    assert_eq!(
        callback(&world, Some(&started.cookie), "r1", &started.state)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // The provider rotates key-b in; a token signed with it is accepted after one refetch.
    world.idp.lock().unwrap().rotated = true;
    travel(std::time::Duration::from_millis(1_100)).await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_B, "key-b");
    let response = callback(&world, Some(&started.cookie), "r2", &started.state).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(session_cookie(&response).is_some());
    assert_eq!(
        world.state.settings.oidc.as_ref().unwrap().jwks_fetches(),
        2
    );
}

#[tokio::test]
async fn broken_flows_are_refused_with_no_session() {
    let world = world().await;
    let good = |w: &World, nonce: &str| sign(&claims(w, ADA, nonce, None), KEY_A, "key-a");

    // State mismatch.
    let started = start(&world, None).await;
    world.idp.lock().unwrap().mint = Some(Mint {
        token: good(&world, &started.nonce),
    });
    refused(
        &world,
        &started,
        "f1",
        "forged-state",
        Some(&started.cookie),
        "state mismatch",
    )
    .await;
    // …and the transaction is spent: the right state afterwards is refused too.
    refused(
        &world,
        &started,
        "f1b",
        &started.state,
        Some(&started.cookie),
        "spent transaction",
    )
    .await;

    // Missing pre-login cookie.
    let started = start(&world, None).await;
    world.idp.lock().unwrap().mint = Some(Mint {
        token: good(&world, &started.nonce),
    });
    refused(
        &world,
        &started,
        "f2",
        &started.state,
        None,
        "no pre-login cookie",
    )
    .await;

    // A replayed callback (same code, same state, same cookie).
    let started = start(&world, None).await;
    world.idp.lock().unwrap().mint = Some(Mint {
        token: good(&world, &started.nonce),
    });
    let first = callback(&world, Some(&started.cookie), "f3", &started.state).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    refused(
        &world,
        &started,
        "f3",
        &started.state,
        Some(&started.cookie),
        "replayed code",
    )
    .await;

    // A code the provider refuses (used elsewhere already).
    let started = start(&world, None).await;
    world.idp.lock().unwrap().mint = Some(Mint {
        token: good(&world, &started.nonce),
    });
    refused(
        &world,
        &started,
        "f3",
        &started.state,
        Some(&started.cookie),
        "provider refuses the code",
    )
    .await;

    // A malformed organization is not even sent to the provider.
    let response = send(
        &world.app,
        Request::get("/auth/login?organization=../evil")
            .header(header::HOST, "orgdesk.test")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn signing_out_ends_the_auth0_session_too() {
    let world = world().await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    let response = callback(&world, Some(&started.cookie), "o1", &started.state).await;
    let cookie = session_cookie(&response).unwrap();
    let me = me(&world, &cookie).await;
    let response = send(
        &world.app,
        Request::post("/auth/logout")
            .header(header::HOST, "orgdesk.test")
            .header(header::ORIGIN, "http://orgdesk.test")
            .header(header::COOKIE, &cookie)
            .header("x-csrf-token", me["csrf_token"].as_str().unwrap())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let target = body["redirect_to"].as_str().unwrap();
    assert!(
        target.starts_with(&format!(
            "{}session/end?client_id={CLIENT_ID}",
            world.issuer
        )),
        "{target}"
    );
    assert!(target.contains("post_logout_redirect_uri=http%3A%2F%2Forgdesk.test%2Fauth%2Flogin"));
    assert_eq!(world.state.sessions.count_live().await.unwrap(), 0);
}

#[tokio::test]
async fn a_role_is_confirmed_before_changes_and_a_lost_one_ends_the_session() {
    let mut world = world().await;
    // Ask the tenant on every change (the default is at most once a minute).
    let mut state = world.state.clone();
    let mut settings = (*state.settings).clone();
    settings.role_recheck = std::time::Duration::ZERO;
    state.settings = Arc::new(settings);
    world.app = orgdesk_proxy::app(state.clone());
    world.state = state;

    let started = start(&world, Some(AI_ORG)).await;
    mint(&world, &started, OMAR, Some(AI_ORG), KEY_A, "key-a");
    let response = callback(&world, Some(&started.cookie), "rc1", &started.state).await;
    let cookie = session_cookie(&response).unwrap();
    let me = me(&world, &cookie).await;
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let patch = |app: Router| {
        let request = Request::patch(format!("/api/orgs/{AI_ORG}"))
            .header(header::HOST, "orgdesk.test")
            .header(header::ORIGIN, "http://orgdesk.test")
            .header(header::COOKIE, &cookie)
            .header("x-csrf-token", &csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r##"{"branding":{"colors":{"primary":"#123456"}}}"##,
            ))
            .unwrap();
        app.oneshot(request)
    };
    let role_checks = |world: &World| {
        world
            .management
            .seen()
            .iter()
            .filter(|s| {
                s.path
                    .ends_with(&format!("{}/roles", OMAR.replace('|', "%7C")))
            })
            .count()
    };
    let before = role_checks(&world);
    assert_eq!(
        patch(world.app.clone()).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        role_checks(&world),
        before + 1,
        "the role was confirmed before the change"
    );

    // The tenant takes his admin role away: the next change ends the session.
    world
        .demoted
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        patch(world.app.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let response = send(
        &world.app,
        Request::get("/api/me")
            .header(header::HOST, "orgdesk.test")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "the session is gone"
    );
}

#[tokio::test]
async fn within_a_minute_a_confirmed_role_is_not_asked_again() {
    let world = world().await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    let response = callback(&world, Some(&started.cookie), "rc2", &started.state).await;
    let cookie = session_cookie(&response).unwrap();
    let me = me(&world, &cookie).await;
    let before = world.management.seen().len();
    for _ in 0..3 {
        let response = send(
            &world.app,
            Request::patch(format!("/api/orgs/{AI_ORG}"))
                .header(header::HOST, "orgdesk.test")
                .header(header::ORIGIN, "http://orgdesk.test")
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", me["csrf_token"].as_str().unwrap())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"display_name":"Renamed"}"#))
                .unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let role_calls = world.management.seen()[before..]
        .iter()
        .filter(|s| s.path.ends_with("/roles"))
        .count();
    assert_eq!(role_calls, 0, "sign-in confirmed the role a moment ago");
}

#[tokio::test]
async fn cached_keys_keep_working_while_the_jwks_endpoint_is_down() {
    let world = world().await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    assert_eq!(
        callback(&world, Some(&started.cookie), "k1", &started.state)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    world.idp.lock().unwrap().jwks_down = true;
    travel(std::time::Duration::from_millis(1_100)).await;
    // A token with an unknown key makes orgdesk try the endpoint, which fails: refused, and
    // the keys it had are kept.
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_B, "key-b");
    refused(
        &world,
        &started,
        "k2",
        &started.state,
        Some(&started.cookie),
        "unknown kid, JWKS down",
    )
    .await;
    let started = start(&world, None).await;
    mint(&world, &started, ADA, None, KEY_A, "key-a");
    assert_eq!(
        callback(&world, Some(&started.cookie), "k3", &started.state)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}
