//! orgdesk under load and faults, over real TCP: concurrent writes, stalled and trickling
//! clients, forwarding headers from trusted and untrusted peers, readiness, and an audit row
//! that cannot be written.

#![allow(clippy::unwrap_used)]

use crate::demo_http;
use crate::pg;
use crate::upstream;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use demo_http::SignedIn as Admin;
use orgdesk_proxy::config::FileConfig;
use orgdesk_proxy::session::demo::PERSONAS;
use orgdesk_proxy::AppState;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An orgdesk serving on a loopback port, stopped (and drained) when dropped or stopped.
struct Running {
    addr: SocketAddr,
    state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn demo(config: &FileConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        Self::demo_on(orgdesk_proxy::Storage::Dir(data), config, dir).await
    }

    async fn demo_on(
        storage: orgdesk_proxy::Storage,
        config: &FileConfig,
        dir: tempfile::TempDir,
    ) -> Self {
        let state =
            orgdesk_proxy::demo_state(storage, &dir.path().join("no-assets"), false, config)
                .await
                .unwrap();
        Self::serve(state, dir).await
    }

    async fn serve(state: AppState, dir: tempfile::TempDir) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(orgdesk_proxy::server::run(
            listener,
            orgdesk_proxy::app(state.clone()),
            state.settings.server,
            state.ready.clone(),
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            addr,
            state,
            stop: Some(stop),
            server,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server).await.unwrap().unwrap();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A signed-in platform admin.
async fn sign_in(http: &reqwest::Client, server: &Running) -> Admin {
    demo_http::sign_in(http, &server.origin(), "platform-admin").await
}

/// The JSON body of an answer from `app.oneshot`.
async fn json_body(response: axum::response::Response) -> Value {
    serde_json::from_slice(
        &http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes(),
    )
    .unwrap()
}

fn mutation(
    http: &reqwest::Client,
    server: &Running,
    admin: &Admin,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    http.request(method, server.url(path))
        .header("cookie", &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .header("origin", server.origin())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_saves_and_creates_give_no_5xx_and_each_success_is_audited_once() {
    contention(Running::demo(&FileConfig::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_concurrent_saves_and_creates_give_no_5xx_and_each_success_is_audited_once() {
    let storage = orgdesk_proxy::Storage::Url(pg::fresh_database().await);
    let dir = tempfile::tempdir().unwrap();
    contention(Running::demo_on(storage, &FileConfig::default(), dir).await).await;
}

/// 300 saves across the demo organizations and 60 creates, all at once.
async fn contention(server: Running) {
    let http = client();
    let admin = sign_in(&http, &server).await;
    let orgs: Value = http
        .get(server.url("/api/orgs?per_page=100"))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 3, "the demo has several organizations");

    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..360usize {
        let http = http.clone();
        let request = if i < 300 {
            let id = &ids[i % ids.len()];
            // Every save changes something, so every success has an audit row.
            let body = if i % 2 == 0 {
                json!({ "display_name": format!("Saved by request {i}") })
            } else {
                json!({ "branding": { "colors": { "primary": format!("#{:06x}", 0x10_0000 + i) } } })
            };
            mutation(
                &http,
                &server,
                &admin,
                reqwest::Method::PATCH,
                &format!("/api/orgs/{id}"),
            )
            .json(&body)
        } else {
            mutation(&http, &server, &admin, reqwest::Method::POST, "/api/orgs")
                .json(&json!({ "name": format!("contended-{i}") }))
        };
        let request = request.header("x-request-id", format!("client-{i}"));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let id = response
                .headers()
                .get("x-request-id")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            (status, id)
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let took = started.elapsed();
    let mut by_status: HashMap<u16, usize> = HashMap::new();
    for (status, _) in &outcomes {
        *by_status.entry(*status).or_default() += 1;
    }
    eprintln!("360 concurrent writes in {took:?}: {by_status:?}");
    assert!(
        outcomes.iter().all(|(status, _)| *status < 500),
        "no 5xx under contention: {by_status:?}"
    );
    assert_eq!(
        by_status.get(&200).copied().unwrap_or(0),
        300,
        "every save landed: {by_status:?}"
    );
    assert_eq!(
        by_status.get(&201).copied().unwrap_or(0),
        60,
        "every create landed"
    );

    // Each success appears in the audit log exactly once, under orgdesk's own request id; the
    // id the client sent is kept apart.
    let mut rows: Vec<(String, Option<String>)> = Vec::new();
    for action in ["org.update", "org.create"] {
        let entries = server
            .state
            .audit
            .list(&orgdesk_proxy::audit::AuditFilter {
                action: Some(action.into()),
                limit: 1_000,
                ..Default::default()
            })
            .await
            .unwrap();
        rows.extend(
            entries
                .into_iter()
                .map(|e| (e.request_id.unwrap(), e.client_request_id)),
        );
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (id, _) in &rows {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    for (_, id) in &outcomes {
        assert_eq!(
            counts.get(id.as_str()),
            Some(&1),
            "request {id} audited once"
        );
        assert!(!id.starts_with("client-"), "orgdesk issues its own ids");
    }
    assert_eq!(rows.len(), 360);
    assert!(rows
        .iter()
        .all(|(_, client)| client.as_deref().is_some_and(|c| c.starts_with("client-"))));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_are_closed_at_the_header_timeout_while_others_are_served() {
    let config = FileConfig::parse("[server]\nheader_read_timeout_secs = 2\n").unwrap();
    let server = Running::demo(&config).await;
    let http = client();
    let mut stalled = Vec::new();
    for i in 0..400 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        // Half send part of a request head, half send nothing at all.
        if i % 2 == 0 {
            stream
                .write_all(b"GET /api/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .await
                .unwrap();
        }
        stalled.push(stream);
    }
    let opened = Instant::now();
    // Normal requests are served while the stalled ones wait.
    for _ in 0..20 {
        let response = http.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let mut closed = 0;
    for mut stream in stalled {
        let mut buf = [0u8; 512];
        // Closed (EOF, possibly after a 408 the server wrote) well within the limit below.
        let read = tokio::time::timeout(Duration::from_secs(8), async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        if read.is_ok() {
            closed += 1;
        }
    }
    let took = opened.elapsed();
    eprintln!("400 stalled connections closed after {took:?}");
    assert_eq!(closed, 400, "every stalled connection was closed");
    assert!(
        took < Duration::from_secs(8),
        "closed near the 2 s timeout: {took:?}"
    );
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_is_cut_off() {
    let config = FileConfig::parse("[server]\nbody_timeout_secs = 1\n").unwrap();
    let server = Running::demo(&config).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /auth/demo-login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\npersona=",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let trickle = async {
        for _ in 0..20 {
            if stream.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    };
    let mut answer = Vec::new();
    let (_, read) = tokio::join!(trickle, async {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        // The trickling stream is read below; this one only proves the server still answers.
        s.write_all(
            format!(
                "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                server.addr
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        out
    });
    assert!(String::from_utf8_lossy(&read).starts_with("HTTP/1.1 200"));
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    eprintln!(
        "trickled body answered after {:?}: {}",
        started.elapsed(),
        text.lines().next().unwrap_or("")
    );
    assert!(
        text.starts_with("HTTP/1.1 4"),
        "the slow body was refused, not waited for: {text}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    server.stop().await;
}

/// Opens the sign-in page (sign-in is limited to 30 a minute per address) as `client`, as a
/// proxy would forward it, until refused; returns how many were allowed.
async fn sign_ins_allowed(http: &reqwest::Client, server: &Running, client: &str) -> usize {
    for n in 0..40 {
        let response = http
            .get(server.url("/auth/login"))
            .header("x-forwarded-for", client)
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            return n;
        }
    }
    40
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_count_only_from_trusted_proxies() {
    // Nobody is trusted: forged X-Forwarded-For and Forwarded values change nothing, and every
    // request counts against the peer's one bucket.
    let server = Running::demo(&FileConfig::default()).await;
    let http = client();
    let mut allowed = 0;
    for i in 0..40 {
        let response = http
            .get(server.url("/auth/login"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .header("forwarded", format!("for=198.51.100.{i};proto=https"))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            break;
        }
        allowed += 1;
    }
    assert_eq!(allowed, 30, "forged addresses changed nothing");
    server.stop().await;

    // A forged X-Forwarded-Proto from an untrusted peer does not turn an http origin foreign.
    let server = Running::demo(&FileConfig::default()).await;
    let demo_login = |server: &Running| {
        http.post(server.url("/auth/demo-login"))
            .header("origin", server.origin())
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-for", "198.51.100.20")
            .form(&[("persona", "member")])
            .send()
    };
    assert_eq!(demo_login(&server).await.unwrap().status(), 303);
    server.stop().await;

    // The loopback peer is a trusted proxy: its header names the client, and limits split.
    let config = FileConfig::parse("trusted_proxies = [\"127.0.0.1/32\", \"::1\"]\n").unwrap();
    let server = Running::demo(&config).await;
    assert_eq!(sign_ins_allowed(&http, &server, "198.51.100.7").await, 30);
    assert_eq!(
        sign_ins_allowed(&http, &server, "198.51.100.8").await,
        30,
        "another client behind the same proxy has its own budget"
    );
    // A client that prepends a forged address to the proxy's header is still itself.
    let response = http
        .get(server.url("/auth/login"))
        .header("x-forwarded-for", "198.51.100.9, 198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "the nearest hop is the client");
    // The trusted proxy says the client came over https: an http origin is another origin.
    assert_eq!(demo_login(&server).await.unwrap().status(), 403);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_database_and_shutdown() {
    let server = Running::demo(&FileConfig::default()).await;
    let http = client();
    let ready = |http: reqwest::Client, url: String| async move {
        http.get(url).send().await.unwrap().status().as_u16()
    };
    assert_eq!(ready(http.clone(), server.url("/readyz")).await, 200);
    server.state.ready.store(false, Ordering::SeqCst);
    assert_eq!(ready(http.clone(), server.url("/readyz")).await, 503);
    server.state.ready.store(true, Ordering::SeqCst);
    server.state.db.close().await;
    assert_eq!(
        ready(http.clone(), server.url("/readyz")).await,
        503,
        "an unreadable database is not ready"
    );
    assert_eq!(
        ready(http.clone(), server.url("/healthz")).await,
        200,
        "liveness does not depend on it"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_audit_row_that_cannot_be_written_is_applied_but_not_recorded_and_logged_whole() {
    let org = r#"{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Test Organization"}"#;
    let renamed =
        r#"{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Renamed"}"#;
    let upstream = upstream::Upstream::with_token(move |seen| {
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/api/v2/organizations/org_3hbVAMF8F3wVIcEJ") => {
                upstream::Reply::json(200, org)
            }
            ("PATCH", "/api/v2/organizations/org_3hbVAMF8F3wVIcEJ") => {
                upstream::Reply::json(200, renamed)
            }
            ("GET", path) if path.ends_with("/roles") => upstream::Reply::json(
                200,
                r#"{"roles":[{"id":"rol_1","name":"orgdesk-platform-admin"}],"start":0,"limit":100,"total":1}"#,
            ),
            _ => upstream::Reply::json(
                404,
                r#"{"statusCode":404,"error":"Not Found","message":"no"}"#,
            ),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let state = real_state(&upstream, dir.path()).await;
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, session) = state.sessions.create(admin.session()).await.unwrap();
    // The database turns read-only under orgdesk (a full disk or a remount behaves alike for
    // SQLite): the writer connection refuses every write from now on.
    sqlx::query("PRAGMA query_only = ON")
        .execute(state.db.sqlite().unwrap().write())
        .await
        .unwrap();

    let logs = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || LogSink(sink.clone()))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // The tests share one process: another test may have cached a span's interest as "never"
    // while no subscriber listened. Ask every callsite again now that this one does.
    tracing::callsite::rebuild_interest_cache();

    let app = orgdesk_proxy::app(state);
    let request = axum::http::Request::patch("/api/orgs/org_3hbVAMF8F3wVIcEJ")
        .header("host", "orgdesk.test")
        .header("origin", "http://orgdesk.test")
        .header(
            "cookie",
            format!("{}={token}", orgdesk_proxy::session::cookie_name(false)),
        )
        .header("x-csrf-token", &session.csrf_token)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"display_name":"Renamed"}"#))
        .unwrap();
    let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
    let status = response.status().as_u16();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = json_body(response).await;
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let seen: Vec<String> = upstream
        .seen()
        .iter()
        .map(|s| format!("{} {}?{}", s.method, s.path, s.query))
        .collect();
    assert_eq!(status, 500, "{body} {text} {seen:?}");
    assert_eq!(body["error"], "applied_not_recorded", "{body} {seen:?}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Applied, but not recorded"),
        "{message}"
    );
    assert!(
        message.contains(&id),
        "the answer quotes the request id: {message}"
    );
    assert!(
        upstream
            .seen()
            .iter()
            .any(|s| s.method == "PATCH" && s.body.windows(7).any(|w| w == b"Renamed")),
        "Auth0 did apply the change"
    );
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let entry = text
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("applied, but not recorded"))
        })
        .unwrap_or_else(|| panic!("the error log holds the entry: {text}"));
    let audit: Value =
        serde_json::from_str(entry["fields"]["audit_entry"].as_str().unwrap()).unwrap();
    assert_eq!(audit["action"], "org.update");
    assert_eq!(audit["org_id"], "org_3hbVAMF8F3wVIcEJ");
    assert_eq!(audit["request_id"], id.as_str());
    assert_eq!(audit["changes"][0]["after"], "Renamed");
    assert_eq!(audit["actor_id"], session.user.id.as_str());
    assert_eq!(
        entry["span"]["request_id"],
        id.as_str(),
        "the error line carries the request id"
    );
}

/// Real mode against `upstream`, with the secrets in place.
async fn real_state(upstream: &upstream::Upstream, dir: &std::path::Path) -> AppState {
    real_state_with(upstream, dir, "").await
}

/// Real mode against `upstream`, with more configuration before the `[auth0]` section.
async fn real_state_with(
    upstream: &upstream::Upstream,
    dir: &std::path::Path,
    before: &str,
) -> AppState {
    upstream::real_orgdesk(upstream, &dir.join("data"), before).await
}

#[tokio::test]
async fn a_request_past_its_deadline_is_answered_503() {
    let upstream = upstream::Upstream::with_token(|_| {
        upstream::Reply::After(
            Duration::from_secs(3),
            Box::new(upstream::Reply::json(
                200,
                r#"{"organizations":[],"start":0,"limit":50,"total":0}"#,
            )),
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let state = real_state_with(
        &upstream,
        dir.path(),
        "[server]\nrequest_timeout_secs = 1\n",
    )
    .await;
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, _) = state.sessions.create(admin.session()).await.unwrap();
    let app = orgdesk_proxy::app(state);
    let started = Instant::now();
    let request = axum::http::Request::get("/api/orgs")
        .header(
            "cookie",
            format!("{}={token}", orgdesk_proxy::session::cookie_name(false)),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "answered at the deadline"
    );
    let body = json_body(response).await;
    assert!(
        body["message"].as_str().unwrap().contains("within 1 s"),
        "{body}"
    );
}

#[tokio::test]
async fn in_real_mode_readiness_needs_a_management_api_token() {
    let upstream = upstream::Upstream::start(|_| upstream::Reply::json(503, "{}")).await;
    let dir = tempfile::tempdir().unwrap();
    let app = orgdesk_proxy::app(real_state(&upstream, dir.path()).await);
    let readyz = || {
        axum::http::Request::get("/readyz")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let status = |app: axum::Router| async move {
        tower::ServiceExt::oneshot(app, readyz())
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(status(app.clone()).await, 503, "no token can be had");
    upstream.set_handler(|seen| {
        assert_eq!(seen.path, "/oauth/token", "readiness asks for nothing else");
        upstream::token_reply(86_400)
    });
    assert_eq!(status(app.clone()).await, 200);
    assert_eq!(status(app).await, 200, "the cached token counts");
    assert_eq!(
        upstream.token_requests(),
        2,
        "one failed fetch, one good one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_busy_past_the_deadline_is_a_503_and_reads_go_on() {
    let server = Running::demo(&FileConfig::default()).await;
    let http = client();
    let admin = sign_in(&http, &server).await;
    let save = |name: &'static str| {
        mutation(&http, &server, &admin, reqwest::Method::POST, "/api/orgs")
            .json(&json!({ "name": name }))
            .send()
    };

    // Another process holds SQLite's write lock past orgdesk's busy timeout.
    let other = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(server._dir.path().join("data/orgdesk.db")),
    )
    .await
    .unwrap();
    let mut held = other.begin_with("BEGIN IMMEDIATE").await.unwrap();
    sqlx::query("INSERT INTO meta (key, value) VALUES ('held', 'by another process')")
        .execute(&mut *held)
        .await
        .unwrap();
    let started = Instant::now();
    let list = http
        .get(server.url("/api/orgs"))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.status(),
        200,
        "reads do not wait behind the write lock"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    let refused = save("blocked-by-another-process").await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "2");
    let body: Value = refused.json().await.unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("Nothing was saved"));
    held.rollback().await.unwrap();
    other.close().await;

    // Within orgdesk: the one writer connection is taken for longer than the 10 s deadline.
    let writer = server
        .state
        .db
        .sqlite()
        .unwrap()
        .write()
        .acquire()
        .await
        .unwrap();
    let refused = save("blocked-by-a-long-write").await.unwrap();
    assert_eq!(
        refused.status(),
        503,
        "the queue's deadline ends in 503, never 500"
    );
    drop(writer);
    let saved = save("after-the-wait").await.unwrap();
    assert_eq!(
        saved.status(),
        201,
        "and once the writer is free, saves land again"
    );
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM orgs WHERE name LIKE 'blocked-%' OR name = 'after-the-wait'",
    )
    .fetch_all(server.state.db.sqlite().unwrap().read())
    .await
    .unwrap();
    assert_eq!(names, ["after-the-wait"], "a refused save changed nothing");
    server.stop().await;
}

/// Log lines collected for a test.
struct LogSink(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_and_only_a_purge_past_retention_deletes_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = orgdesk_proxy::db::open(dir.path()).await.unwrap();
    let now = orgdesk_proxy::db::now();
    for (age_days, action) in [(400, "old.one"), (200, "old.two"), (1, "recent")] {
        sqlx::query("INSERT INTO audit_log (at, actor_id, actor_email, actor_role, action, outcome) VALUES (?1, 'u', 'e', 'platform_admin', ?2, 'ok')")
            .bind(now - age_days * 86_400)
            .bind(action)
            .execute(db.write())
            .await
            .unwrap();
    }
    let update = sqlx::query("UPDATE audit_log SET outcome = 'forged'")
        .execute(db.write())
        .await
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(db.write())
        .await
        .unwrap_err();
    assert!(delete.to_string().contains("retention"), "{delete}");

    let audit = orgdesk_proxy::audit::AuditLog::new(db.clone());
    assert_eq!(audit.purge(365).await.unwrap(), 1);
    // Even with a retention set, rows younger than it stay.
    let early = sqlx::query("DELETE FROM audit_log WHERE action = 'recent'")
        .execute(db.write())
        .await
        .unwrap_err();
    assert!(early.to_string().contains("retention"), "{early}");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(db.read())
        .await
        .unwrap();
    assert_eq!(actions, ["old.two", "recent", "audit.purge"]);
    let purge: String =
        sqlx::query_scalar("SELECT changes FROM audit_log WHERE action = 'audit.purge'")
            .fetch_one(db.read())
            .await
            .unwrap();
    assert!(purge.contains("\"before\":\"1\""), "{purge}");
    assert_eq!(audit.purge(365).await.unwrap(), 0, "nothing more to purge");
}

#[tokio::test]
async fn a_database_written_before_client_request_ids_upgrades_in_place() {
    let dir = tempfile::tempdir().unwrap();
    {
        // The audit table as orgdesk wrote it before (schema version 1).
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("orgdesk.db"))
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor_id TEXT NOT NULL, actor_email TEXT NOT NULL, actor_role TEXT NOT NULL, org_id TEXT, action TEXT NOT NULL, changes TEXT NOT NULL DEFAULT '[]', outcome TEXT NOT NULL, request_id TEXT);
             INSERT INTO audit_log (at, actor_id, actor_email, actor_role, action, outcome, request_id) VALUES (1, 'u', 'e', 'platform_admin', 'org.update', 'ok', 'r-1');
             PRAGMA user_version = 1;",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let db = orgdesk_proxy::db::open(dir.path()).await.unwrap();
    db.ping().await.unwrap();
    let audit = orgdesk_proxy::audit::AuditLog::new(db.clone());
    let entries = audit
        .list(&orgdesk_proxy::audit::AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].request_id.as_deref(), Some("r-1"));
    assert_eq!(entries[0].client_request_id, None);
}
