//! orgdesk's own state on PostgreSQL (`--database-url`): sessions, sign-ins under way and the
//! audit log behave as on SQLite, migrations run once however many replicas start together,
//! and real mode audits every change under contention.

#![allow(clippy::unwrap_used)]

use crate::pg;
use crate::upstream;

use std::collections::HashMap;

use orgdesk_proxy::audit::{AuditFilter, AuditLog};
use orgdesk_proxy::config::FileConfig;
use orgdesk_proxy::db::{open_postgres, Store};
use orgdesk_proxy::session::demo::PERSONAS;
use orgdesk_proxy::session::SessionStore;
use orgdesk_proxy::Storage;
use serde_json::Value;

#[tokio::test]
async fn sessions_and_sign_ins_behave_as_on_sqlite() {
    let db = open_postgres(&pg::fresh_database().await).await.unwrap();
    let sessions = SessionStore::new(db.clone());
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, made) = sessions.create(admin.session()).await.unwrap();
    let found = sessions
        .find(&token)
        .await
        .unwrap()
        .expect("the session is found");
    assert_eq!(found.user.email, made.user.email);
    assert_eq!(found.csrf_token, made.csrf_token);
    assert_eq!(sessions.count_live().await.unwrap(), 1);
    // A store that never saw it (another replica) finds it too.
    let other = SessionStore::new(db.clone());
    assert!(other.find(&token).await.unwrap().is_some());
    sessions.end(&found).await.unwrap();
    assert!(SessionStore::new(db.clone())
        .find(&token)
        .await
        .unwrap()
        .is_none());

    let (cookie, begun) = sessions
        .begin_login("/orgs".into(), Some("org_1".into()))
        .await
        .unwrap();
    let taken = other
        .take_login(&cookie)
        .await
        .unwrap()
        .expect("taken on another replica");
    assert_eq!(taken.state, begun.state);
    assert_eq!(taken.organization.as_deref(), Some("org_1"));
    assert!(
        sessions.take_login(&cookie).await.unwrap().is_none(),
        "single use"
    );
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_purged_only_past_retention() {
    let db = open_postgres(&pg::fresh_database().await).await.unwrap();
    let now = orgdesk_proxy::db::now();
    for (age_days, action) in [(400, "old.one"), (200, "old.two"), (1, "recent")] {
        sqlx::query("INSERT INTO audit_log (at, actor_id, actor_email, actor_role, action, outcome) VALUES ($1, 'u', 'e', 'platform_admin', $2, 'ok')")
            .bind(now - age_days * 86_400)
            .bind(action)
            .execute(db.pool())
            .await
            .unwrap();
    }
    for (statement, refusal) in [
        ("UPDATE audit_log SET outcome = 'forged'", "append-only"),
        ("DELETE FROM audit_log", "retention"),
        ("TRUNCATE audit_log", "retention"),
    ] {
        let err = sqlx::query(statement).execute(db.pool()).await.unwrap_err();
        assert!(err.to_string().contains(refusal), "{statement}: {err}");
    }
    let audit = AuditLog::new(db.clone());
    assert_eq!(audit.purge(365).await.unwrap(), 1);
    let err = sqlx::query("DELETE FROM audit_log WHERE action = 'recent'")
        .execute(db.pool())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("retention"), "{err}");
    let entries = audit
        .list(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["audit.purge", "recent", "old.two"],
        "newest first"
    );
    assert_eq!(entries[0].changes[0].before.as_deref(), Some("1"));
    let only: Vec<_> = audit
        .list(&AuditFilter {
            action: Some("recent".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(only.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_migrate_once() {
    let url = pg::fresh_database().await;
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { open_postgres(&url).await })
        })
        .collect();
    let mut opened = Vec::new();
    for start in starts {
        opened.push(start.await.unwrap().expect("every replica starts"));
    }
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM orgdesk_migrations")
        .fetch_all(opened[0].pool())
        .await
        .unwrap();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for db in opened {
        Store::from(db).ping().await.unwrap();
    }
}

#[tokio::test]
async fn a_url_that_is_not_postgres_or_does_not_answer_is_named() {
    let err = open_postgres("mysql://localhost/x").await.unwrap_err();
    assert!(err.to_string().contains("postgres://"), "{err}");
    let err = open_postgres("postgres://orgdesk:hunter2@127.0.0.1:9/none")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("--database-url"), "{text}");
    assert!(
        !text.contains("hunter2"),
        "the password is never repeated: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_mode_on_postgres_audits_every_concurrent_change_once() {
    let org = r#"{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Test Organization"}"#;
    let upstream = upstream::Upstream::with_token(move |seen| {
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", path) if path.ends_with("/roles") => upstream::Reply::json(
                200,
                r#"{"roles":[{"id":"rol_1","name":"orgdesk-platform-admin"}],"start":0,"limit":100,"total":1}"#,
            ),
            ("PATCH", _) => {
                let body: Value = serde_json::from_slice(&seen.body).unwrap();
                let name = body["display_name"].as_str().unwrap_or("Test Organization");
                upstream::Reply::json(
                    200,
                    &format!(
                        r#"{{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"{name}"}}"#
                    ),
                )
            }
            _ => upstream::Reply::json(200, org),
        }
    })
    .await;
    let state = replica(&upstream, &pg::fresh_database().await, "").await;
    assert!(matches!(state.db, Store::Postgres(_)));
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, session) = state.sessions.create(admin.session()).await.unwrap();
    let app = orgdesk_proxy::app(state.clone());
    let cookie = format!("{}={token}", orgdesk_proxy::session::cookie_name(false));

    let ready = tower::ServiceExt::oneshot(
        app.clone(),
        axum::http::Request::get("/readyz")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(ready.status(), 200);

    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let request = axum::http::Request::patch("/api/orgs/org_3hbVAMF8F3wVIcEJ")
                .header("host", "orgdesk.test")
                .header("origin", "http://orgdesk.test")
                .header("cookie", &cookie)
                .header("x-csrf-token", &session.csrf_token)
                .header("x-request-id", format!("client-{i}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(format!(
                    r#"{{"display_name":"Saved by request {i}"}}"#
                )))
                .unwrap();
            let app = app.clone();
            tokio::spawn(async move {
                let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
                (
                    response.status().as_u16(),
                    response.headers()["x-request-id"]
                        .to_str()
                        .unwrap()
                        .to_owned(),
                )
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert!(
        outcomes.iter().all(|(status, _)| *status == 200),
        "{outcomes:?}"
    );
    let entries = state
        .audit
        .list(&AuditFilter {
            action: Some("org.update".into()),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for entry in &entries {
        *seen.entry(entry.request_id.clone().unwrap()).or_default() += 1;
        assert!(entry
            .client_request_id
            .as_deref()
            .unwrap()
            .starts_with("client-"));
    }
    for (_, id) in &outcomes {
        assert_eq!(seen.get(id), Some(&1), "{id} audited once");
    }
    assert_eq!(entries.len(), 100);
}

/// A stand-in tenant with one organization and a platform admin, counting role look-ups.
async fn tenant() -> upstream::Upstream {
    upstream::Upstream::with_token(move |seen| match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", path) if path.ends_with("/roles") => upstream::Reply::json(
            200,
            r#"{"roles":[{"id":"rol_1","name":"orgdesk-platform-admin"}],"start":0,"limit":100,"total":1}"#,
        ),
        ("PATCH", _) => {
            let body: Value = serde_json::from_slice(&seen.body).unwrap();
            let name = body["display_name"].as_str().unwrap_or("Test Organization");
            upstream::Reply::json(
                200,
                &format!(r#"{{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"{name}"}}"#),
            )
        }
        _ => upstream::Reply::json(
            200,
            r#"{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Test Organization"}"#,
        ),
    })
    .await
}

/// A replica in real mode on `database`.
async fn replica(
    upstream: &upstream::Upstream,
    database: &str,
    extra: &str,
) -> orgdesk_proxy::AppState {
    upstream::real_orgdesk(upstream, Storage::Url(database.to_owned()), extra).await
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    cookie: &str,
    csrf: &str,
    body: &str,
) -> u16 {
    let request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "orgdesk.test")
        .header("origin", "http://orgdesk.test")
        .header("cookie", cookie)
        .header("x-csrf-token", csrf)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap();
    tower::ServiceExt::oneshot(app.clone(), request)
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_database_share_sessions_limits_role_checks_and_the_audit_trail() {
    let upstream = tenant().await;
    let database = pg::fresh_database().await;
    let limits = "[limits]\nmutations_per_minute_per_session = 4\n";
    let a = replica(&upstream, &database, limits).await;
    let b = replica(&upstream, &database, limits).await;
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, session) = a.sessions.create(admin.session()).await.unwrap();
    let cookie = format!("{}={token}", orgdesk_proxy::session::cookie_name(false));
    let csrf = session.csrf_token.clone();
    let (app_a, app_b) = (orgdesk_proxy::app(a.clone()), orgdesk_proxy::app(b.clone()));

    // A session made on A works on B.
    assert_eq!(call(&app_b, "GET", "/api/me", &cookie, "", "").await, 200);

    // Changes alternate between replicas; the tenant is asked for the role once for both.
    let patch = |n: u32| format!(r#"{{"display_name":"Renamed {n}"}}"#);
    let org = "/api/orgs/org_3hbVAMF8F3wVIcEJ";
    assert_eq!(
        call(&app_a, "PATCH", org, &cookie, &csrf, &patch(1)).await,
        200
    );
    assert_eq!(
        call(&app_b, "PATCH", org, &cookie, &csrf, &patch(2)).await,
        200
    );
    assert_eq!(
        call(&app_a, "PATCH", org, &cookie, &csrf, &patch(3)).await,
        200
    );
    let role_lookups = upstream
        .seen()
        .iter()
        .filter(|s| s.path.ends_with("/roles"))
        .count();
    assert_eq!(role_lookups, 1, "a role check on A counts on B");

    // The limit of 4 changes a minute is counted once across both replicas.
    assert_eq!(
        call(&app_b, "PATCH", org, &cookie, &csrf, &patch(4)).await,
        200
    );
    assert_eq!(
        call(&app_a, "PATCH", org, &cookie, &csrf, &patch(5)).await,
        429
    );
    assert_eq!(
        call(&app_b, "PATCH", org, &cookie, &csrf, &patch(6)).await,
        429
    );

    // One audit trail, in order, whichever replica wrote it and whichever reads it.
    let trail = b
        .audit
        .list(&AuditFilter {
            action: Some("org.update".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let names: Vec<&str> = trail
        .iter()
        .map(|e| e.changes[0].after.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["Renamed 4", "Renamed 3", "Renamed 2", "Renamed 1"]);

    // Signing out on A ends the session on B within a second.
    assert_eq!(call(&app_b, "GET", "/api/me", &cookie, "", "").await, 200);
    assert_eq!(
        call(&app_a, "POST", "/auth/logout", &cookie, &csrf, "").await,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(call(&app_b, "GET", "/api/me", &cookie, "", "").await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_replica_drops_the_org_index_kept_by_the_other() {
    let name = std::sync::Arc::new(std::sync::Mutex::new("Test Organization".to_owned()));
    let current = name.clone();
    let upstream = upstream::Upstream::with_token(move |seen| {
        let org = |display: &str| {
            format!(r#"{{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"{display}"}}"#)
        };
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", path) if path.ends_with("/roles") => upstream::Reply::json(
                200,
                r#"{"roles":[{"id":"rol_1","name":"orgdesk-platform-admin"}],"start":0,"limit":100,"total":1}"#,
            ),
            ("GET", "/api/v2/organizations") => {
                let display = current.lock().unwrap().clone();
                upstream::Reply::json(200, &format!(r#"{{"organizations":[{}]}}"#, org(&display)))
            }
            ("PATCH", _) => {
                let body: Value = serde_json::from_slice(&seen.body).unwrap();
                let display = body["display_name"].as_str().unwrap().to_owned();
                *current.lock().unwrap() = display.clone();
                upstream::Reply::json(200, &org(&display))
            }
            _ => upstream::Reply::json(200, &org(&current.lock().unwrap().clone())),
        }
    })
    .await;
    let database = pg::fresh_database().await;
    let a = replica(&upstream, &database, "").await;
    let b = replica(&upstream, &database, "").await;
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, session) = a.sessions.create(admin.session()).await.unwrap();
    let cookie = format!("{}={token}", orgdesk_proxy::session::cookie_name(false));
    let (app_a, app_b) = (orgdesk_proxy::app(a), orgdesk_proxy::app(b));
    let search = |app: axum::Router| {
        let cookie = cookie.clone();
        async move {
            let request = axum::http::Request::get("/api/orgs?q=organization")
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
            let bytes = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            let page: Value = serde_json::from_slice(&bytes).unwrap();
            page["items"][0]["display_name"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // B searches: Auth0 cannot, so B reads every organization once and keeps the index.
    assert_eq!(search(app_b.clone()).await, "Test Organization");
    let lists = || {
        upstream
            .seen()
            .iter()
            .filter(|s| s.method == "GET" && s.path == "/api/v2/organizations")
            .count()
    };
    assert_eq!(search(app_b.clone()).await, "Test Organization");
    assert_eq!(lists(), 1, "the second search used B's index");

    // A renames the organization; B hears of it and reads the index again.
    let status = call(
        &app_a,
        "PATCH",
        "/api/orgs/org_3hbVAMF8F3wVIcEJ",
        &cookie,
        &session.csrf_token,
        r#"{"display_name":"Renamed on A"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let started = std::time::Instant::now();
    loop {
        if search(app_b.clone()).await == "Renamed on A" {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "B still shows the old name"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    eprintln!("B saw A's change after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgres_is_a_clear_503_and_orgdesk_recovers_without_a_restart() {
    let cluster = pg::PrivateCluster::start();
    let upstream = tenant().await;
    let state = replica(&upstream, &cluster.url(), "").await;
    let admin = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, _) = state.sessions.create(admin.session()).await.unwrap();
    let cookie = format!("{}={token}", orgdesk_proxy::session::cookie_name(false));
    let app = orgdesk_proxy::app(state);
    let get = |uri: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let request = axum::http::Request::get(uri)
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .unwrap();
            let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
            let status = response.status().as_u16();
            let retry = response.headers().contains_key("retry-after");
            let bytes = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, retry, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    assert_eq!(get("/readyz").await.0, 200);
    // A session read moments ago is reused for a second; wait past it.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    cluster.stop();
    let down = std::time::Instant::now();
    let (status, retry, body) = get("/api/me").await;
    assert_eq!(status, 503, "{body}");
    assert!(retry, "with Retry-After");
    assert!(
        body.contains("Nothing was saved; try again in a moment"),
        "{body}"
    );
    assert_eq!(
        get("/readyz").await.0,
        503,
        "not ready while the database is down"
    );
    assert_eq!(get("/healthz").await.0, 200, "but alive");
    // Down for 10 s in all.
    tokio::time::sleep(std::time::Duration::from_secs(10).saturating_sub(down.elapsed())).await;

    cluster.resume();
    let back = std::time::Instant::now();
    loop {
        let (status, _, body) = get("/api/me").await;
        if status == 200 {
            break;
        }
        assert!(
            back.elapsed() < std::time::Duration::from_secs(10),
            "recovered: {status} {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    eprintln!(
        "answering again {:?} after PostgreSQL came back",
        back.elapsed()
    );
    assert_eq!(get("/readyz").await.0, 200);
}

#[tokio::test]
async fn the_runtime_role_works_with_only_the_documented_grants_and_cannot_alter_the_audit() {
    let database = pg::fresh_database().await;
    let name = database.rsplit('/').next().unwrap().to_owned();
    let (owner, app) = (format!("{name}_owner"), format!("{name}_app"));
    let admin = sqlx::PgPool::connect(&database).await.unwrap();
    sqlx::raw_sql(&format!(
        "CREATE ROLE {owner} LOGIN; CREATE ROLE {app} LOGIN; ALTER DATABASE {name} OWNER TO {owner}; ALTER SCHEMA public OWNER TO {owner};"
    ))
    .execute(&admin)
    .await
    .unwrap();
    admin.close().await;
    let as_role = |role: &str| database.replacen("orgdesk@", &format!("{role}@"), 1);

    // The owner starts orgdesk once (the migrations), then grants what README says.
    let owned = open_postgres(&as_role(&owner)).await.unwrap();
    sqlx::raw_sql(&orgdesk_proxy::db::PG_GRANTS.replace("orgdesk_app", &app))
        .execute(owned.pool())
        .await
        .unwrap();
    // Some audit history, old enough to purge.
    sqlx::query("INSERT INTO audit_log (at, actor_id, actor_email, actor_role, action, outcome) VALUES ($1, 'u', 'e', 'platform_admin', 'org.update', 'ok')")
        .bind(orgdesk_proxy::db::now() - 400 * 86_400)
        .execute(owned.pool())
        .await
        .unwrap();

    // The runtime role starts without touching the schema and does all orgdesk does.
    let db = open_postgres(&as_role(&app)).await.unwrap();
    let sessions = SessionStore::new(db.clone());
    let person = PERSONAS.iter().find(|p| p.key == "platform-admin").unwrap();
    let (token, session) = sessions.create(person.session()).await.unwrap();
    assert!(sessions.find(&token).await.unwrap().is_some());
    let (cookie, _) = sessions.begin_login("/".into(), None).await.unwrap();
    assert!(sessions.take_login(&cookie).await.unwrap().is_some());
    let limiter = orgdesk_proxy::limits::RateLimiter::shared(db.clone());
    assert!(limiter.count("k", 5).await.is_ok());
    let checks = orgdesk_proxy::session::role_checks::RoleChecks::shared(db.clone());
    checks.note(&session.id_hash, true).await;
    assert!(
        checks
            .recently_checked(&session.id_hash, std::time::Duration::from_secs(60))
            .await
    );
    let audit = AuditLog::new(db.clone());
    audit
        .record(
            &session,
            &orgdesk_proxy::extract::ReqId::default(),
            orgdesk_proxy::audit::Entry {
                org_id: None,
                action: orgdesk_proxy::audit::AuditAction::OrgUpdate,
                changes: &[],
                outcome: "ok",
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.purge(365).await.unwrap(), 1, "the purge, by its rule");
    let actions: Vec<String> = audit
        .list(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.to_string())
        .collect();
    assert_eq!(actions, ["audit.purge", "org.update"]);
    sessions.end(&session).await.unwrap();

    // But the audit log is append-only for it, whatever a bug or an intruder would try.
    for statement in [
        "UPDATE audit_log SET outcome = 'forged'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "UPDATE audit_retention SET days = 1",
    ] {
        let err = sqlx::query(statement).execute(db.pool()).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{statement}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_pace_auth0_as_one_client_of_the_tenants_budget() {
    // Every answer says 9 of 100 requests are left (under a fifth), resetting in 4 s: calls are
    // spread one slot each until the reset, across both replicas together.
    let upstream = upstream::Upstream::with_token(|_| {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 4;
        upstream::Reply::json(
            200,
            r#"{"id":"org_3hbVAMF8F3wVIcEJ","name":"test-organization298","display_name":"Test Organization"}"#,
        )
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "9")
        .with_header("x-ratelimit-reset", &reset.to_string())
    })
    .await;
    let database = pg::fresh_database().await;
    let a = replica(&upstream, &database, "").await;
    let b = replica(&upstream, &database, "").await;
    let org = orgdesk_model::OrgId::parse("org_3hbVAMF8F3wVIcEJ").unwrap();
    // A learns the budget; B has never heard from Auth0 itself.
    a.directory.get_org(&org).await.unwrap();
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..6)
        .map(|i| {
            let directory = if i % 2 == 0 {
                a.directory.clone()
            } else {
                b.directory.clone()
            };
            let org = org.clone();
            tokio::spawn(async move { directory.get_org(&org).await.unwrap() })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    let took = started.elapsed();
    eprintln!("6 calls from two replicas under a low budget took {took:?}");
    // One slot every 300–400 ms for both together (alone, each would need about half this).
    assert!(took >= std::time::Duration::from_millis(1_400), "{took:?}");
    assert_eq!(upstream.api_requests(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_replicas_starting_together_on_an_empty_database_seed_it_once() {
    let database = pg::fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        let database = database.clone();
        let assets = dir.path().join("no-assets");
        tokio::spawn(async move {
            orgdesk_proxy::demo_state(
                Storage::Url(database),
                &assets,
                false,
                &FileConfig::default(),
            )
            .await
        })
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.await.unwrap().unwrap(), b.await.unwrap().unwrap());
    let orgs = a
        .directory
        .list_orgs(&orgdesk_proxy::directory::OrgQuery {
            q: None,
            page: 0,
            per_page: 100,
            only: None,
        })
        .await
        .unwrap();
    let seeded = orgs.total;
    assert!(seeded >= 3, "the demo organizations are there");
    let names: std::collections::BTreeSet<String> =
        orgs.items.iter().map(|o| o.name.to_string()).collect();
    assert_eq!(names.len() as u64, seeded, "each once");
    // The other replica sees the same tenant, and finds people by any part of their address.
    let found = b.directory.search_users("EXAMPLE", 50, None).await.unwrap();
    assert!(
        !found.is_empty(),
        "search is case-insensitive on PostgreSQL too"
    );
    let ai = b
        .directory
        .list_orgs(&orgdesk_proxy::directory::OrgQuery {
            q: Some("ai org".into()),
            page: 0,
            per_page: 10,
            only: None,
        })
        .await
        .unwrap();
    assert_eq!(
        ai.items[0].id.as_str(),
        orgdesk_proxy::directory::local::seed::AI_ORGANIZATION_ID
    );
}
