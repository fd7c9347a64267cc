//! `orgdesk-bench upstream`: a loopback stand-in for an Auth0 tenant's Management API, answering
//! in Auth0's own shapes (those of the recordings in proxy/tests/fixtures) from memory, fast
//! enough that it is not what a load test measures. It counts every call it answers, so the
//! benchmark can say how many Management API calls each step of a session spends:
//! `GET /__bench/calls` reads the counts, `POST /__bench/reset` zeroes them.
//!
//! Both orgdesk (real mode) and nginx are pointed at it for the proxy-overhead figure.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// The access token the stand-in hands out and expects.
pub const TOKEN: &str = "bench-m2m-token";
/// Members each organization has.
const MEMBERS: usize = 40;

#[derive(Default)]
struct Upstream {
    orgs: RwLock<Vec<Value>>,
    calls: Mutex<BTreeMap<String, u64>>,
    /// How long each Management API answer takes (Auth0's own take tens of milliseconds).
    delay: std::time::Duration,
}

impl Upstream {
    fn count(&self, key: String) {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(key).or_default() += 1;
        }
    }
}

fn org(n: usize) -> Value {
    json!({
        "id": format!("org_bench{n:011}"),
        "name": format!("customer-{n:05}"),
        "display_name": format!("Customer {n:05}"),
        "branding": {
            "logo_url": "https://example.com/logo.png",
            "colors": { "primary": "#635dff", "page_background": "#ffffff" }
        },
        "metadata": { "data_region": "eu", "ai_models": "gpt-4o,claude" }
    })
}

fn member(n: usize) -> Value {
    json!({
        "user_id": format!("auth0|bench{n:016}"),
        "email": format!("person{n:05}@customer.example"),
        "name": format!("Person {n:05}"),
        "picture": "https://example.com/p.png",
        "roles": if n.is_multiple_of(5) { json!([{ "id": "rol_orgadmin0000001", "name": "org-admin" }]) } else { json!([]) },
    })
}

/// `GET /organizations` with offset paging, as Auth0 answers it.
#[derive(serde::Serialize)]
struct OrgsPage<'a> {
    organizations: &'a [Value],
    start: usize,
    limit: usize,
    total: usize,
}

fn json_bytes<T: serde::Serialize + ?Sized>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => ([("content-type", "application/json; charset=utf-8")], body).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn auth0_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({
            "statusCode": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
        })),
    )
        .into_response()
}

fn number(query: &BTreeMap<String, String>, name: &str, default: usize) -> usize {
    query
        .get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn answer(
    State(up): State<Arc<Upstream>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Response {
    if !up.delay.is_zero() {
        tokio::time::sleep(up.delay).await;
    }
    let path = uri.path().to_owned();
    if path == "/oauth/token" && method == Method::POST {
        up.count("POST /oauth/token".into());
        return Json(json!({ "access_token": TOKEN, "expires_in": 86400, "token_type": "Bearer" }))
            .into_response();
    }
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if bearer != format!("Bearer {TOKEN}") {
        return auth0_error(StatusCode::UNAUTHORIZED, "Missing authentication");
    }
    let Some(rest) = path.strip_prefix("/api/v2/") else {
        return auth0_error(StatusCode::NOT_FOUND, "Not found");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let template = parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { "{id}" } else { *p })
        .collect::<Vec<_>>()
        .join("/");
    up.count(format!("{method} /api/v2/{template}"));

    let page = number(&query, "page", 0);
    let per_page = number(&query, "per_page", 50).min(100);
    match (method.as_str(), parts.as_slice()) {
        // Served from under the read lock, without copying the organizations.
        ("GET", ["organizations"]) => {
            let Ok(orgs) = up.orgs.read() else {
                return auth0_error(StatusCode::INTERNAL_SERVER_ERROR, "lock");
            };
            let start = (page * per_page).min(orgs.len());
            let end = (start + per_page).min(orgs.len());
            json_bytes(&OrgsPage {
                organizations: &orgs[start..end],
                start,
                limit: per_page,
                total: orgs.len(),
            })
        }
        ("GET", ["organizations", id]) => {
            let Ok(orgs) = up.orgs.read() else {
                return auth0_error(StatusCode::INTERNAL_SERVER_ERROR, "lock");
            };
            match orgs.iter().find(|o| o["id"] == *id) {
                Some(org) => json_bytes(org),
                None => auth0_error(
                    StatusCode::NOT_FOUND,
                    "No organization found by that id or name",
                ),
            }
        }
        ("PATCH", ["organizations", id]) => {
            let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
                return auth0_error(StatusCode::BAD_REQUEST, "Invalid request payload JSON format");
            };
            let Ok(mut orgs) = up.orgs.write() else {
                return auth0_error(StatusCode::INTERNAL_SERVER_ERROR, "lock");
            };
            match orgs.iter_mut().find(|o| o["id"] == *id) {
                Some(org) => {
                    if let (Some(org), Some(patch)) = (org.as_object_mut(), patch.as_object()) {
                        for (key, value) in patch {
                            org.insert(key.clone(), value.clone());
                        }
                    }
                    Json(org.clone()).into_response()
                }
                None => auth0_error(
                    StatusCode::NOT_FOUND,
                    "No organization found by that id or name",
                ),
            }
        }
        ("GET", ["organizations", _, "members"]) => {
            let take = number(&query, "take", 50).min(100);
            let from = number(&query, "from", 0);
            let members: Vec<Value> = (from..MEMBERS.min(from + take)).map(member).collect();
            let next = (from + take < MEMBERS).then(|| (from + take).to_string());
            Json(json!({ "members": members, "next": next })).into_response()
        }
        ("GET", ["organizations", _, "members", _, "roles"]) => {
            Json(json!({ "roles": [], "start": 0, "limit": 50, "total": 0 })).into_response()
        }
        // Everyone who signs in here holds the tenant role of a platform admin.
        ("GET", ["users", _, "roles"]) => Json(json!({
            "roles": [{ "id": "rol_platform0000001", "name": "orgdesk-platform-admin" }],
            "start": 0, "limit": 50, "total": 1
        }))
        .into_response(),
        ("GET", ["organizations", _, "invitations"] | ["organizations", _, "enabled_connections"]) => {
            Json(json!([])).into_response()
        }
        ("GET", ["roles"]) => Json(json!({
            "roles": [
                { "id": "rol_orgadmin0000001", "name": "org-admin", "description": "Manages one organization" },
                { "id": "rol_analyst00000001", "name": "analyst", "description": "Reads reports" }
            ],
            "start": 0, "limit": 50, "total": 2
        }))
        .into_response(),
        ("GET", ["tenants", "settings"]) => {
            Json(json!({ "friendly_name": "Bench tenant", "flags": {} })).into_response()
        }
        _ => auth0_error(StatusCode::NOT_FOUND, "Not found"),
    }
}

async fn calls(State(up): State<Arc<Upstream>>) -> Json<Value> {
    let calls = up.calls.lock().map(|c| c.clone()).unwrap_or_default();
    let token = calls.get("POST /oauth/token").copied().unwrap_or(0);
    let api: u64 = calls
        .iter()
        .filter(|(k, _)| !k.ends_with("/oauth/token"))
        .map(|(_, v)| v)
        .sum();
    Json(json!({ "api": api, "token": token, "calls": calls }))
}

async fn reset(State(up): State<Arc<Upstream>>) -> StatusCode {
    if let Ok(mut calls) = up.calls.lock() {
        calls.clear();
    }
    StatusCode::NO_CONTENT
}

/// Serves the stand-in with `orgs` organizations, each answer taking `delay`, until the process
/// is stopped; prints `ready on http://…` once it listens.
pub async fn run(orgs: usize, delay: std::time::Duration) -> anyhow::Result<()> {
    let up = Arc::new(Upstream {
        orgs: RwLock::new((0..orgs).map(org).collect()),
        calls: Mutex::default(),
        delay,
    });
    let app = Router::new()
        .route("/__bench/calls", get(calls))
        .route("/__bench/reset", post(reset))
        .fallback(answer)
        .with_state(up);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut out = std::io::stdout().lock();
    std::io::Write::write_fmt(
        &mut out,
        format_args!("ready on http://{}\n", listener.local_addr()?),
    )?;
    std::io::Write::flush(&mut out)?;
    drop(out);
    axum::serve(listener, app).await?;
    Ok(())
}
