//! `orgdesk-bench tenant`: writes a large synthetic tenant into a fresh embedded store, serves
//! it on loopback, and times the requests the app makes most — org list, org search, a page of a
//! 20,000-member organization, user search — over HTTP with keep-alive. `--keep DIR` writes the
//! tenant into DIR and leaves it there, for the browser's part of the benchmark;
//! `--database-url` runs the same on PostgreSQL, in a database made for the run and dropped
//! after it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use orgdesk_proxy::directory::local::seed_if_empty;
use orgdesk_proxy::directory::local::synthetic::{self, Size, BIG_ORG};
use serde_json::{json, Value};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Client {
    async fn get(&self, path: &str) -> anyhow::Result<(Duration, Value)> {
        let started = Instant::now();
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        let elapsed = started.elapsed();
        anyhow::ensure!(status.is_success(), "{path}: {status} {body}");
        Ok((elapsed, body))
    }
}

fn figure(name: &str, mut times: Vec<Duration>) -> Value {
    times.sort_unstable();
    json!({
        "name": name,
        "requests": times.len(),
        "p50_ms": percentile(&times, 0.50),
        "p99_ms": percentile(&times, 0.99),
    })
}

/// Runs the tenant benchmark and returns its figures.
pub async fn run(
    smoke: bool,
    keep: Option<PathBuf>,
    database_url: Option<String>,
) -> anyhow::Result<Value> {
    let size = if smoke {
        Size {
            orgs: 200,
            users: 2_000,
            big_org_members: 500,
        }
    } else {
        Size {
            orgs: 10_000,
            users: 100_000,
            big_org_members: 20_000,
        }
    };
    let requests: usize = if smoke { 40 } else { 400 };
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("orgdesk-bench-{}", std::process::id()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    // On PostgreSQL: a database of the run's own, dropped at the end.
    let scratch = match &database_url {
        Some(url) => Some(Scratch::create(url).await?),
        None => None,
    };
    let storage = match &scratch {
        Some(scratch) => orgdesk_proxy::Storage::Url(scratch.url.clone()),
        None => orgdesk_proxy::Storage::Dir(dir.clone()),
    };
    let store = storage.open().await?;
    seed_if_empty(&store).await?;
    let started = Instant::now();
    synthetic::generate(&store, size)
        .await
        .context("writing the synthetic tenant")?;
    let generated = started.elapsed();
    if let orgdesk_proxy::db::Store::Postgres(pg) = &store {
        // Fresh statistics, as autovacuum would gather them soon after a bulk load.
        sqlx::query("ANALYZE").execute(pg.pool()).await?;
    }
    store.close().await;

    let config = orgdesk_proxy::config::FileConfig {
        limits: Some(orgdesk_proxy::limits::Limits {
            sign_in_per_minute: u32::MAX,
            mutations_per_minute_per_session: u32::MAX,
            mutations_per_minute_per_address: u32::MAX,
        }),
        ..Default::default()
    };
    let state = orgdesk_proxy::demo_state(storage, Path::new("no-assets"), false, &config).await?;
    let engine = match &state.db {
        orgdesk_proxy::db::Store::Sqlite(_) => "sqlite",
        orgdesk_proxy::db::Store::Postgres(_) => "postgres",
    };
    let cookie = crate::sign_in(&state.sessions).await?;
    let state_db = state.db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = orgdesk_proxy::app(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client {
        http: reqwest::Client::new(),
        base,
        cookie,
    };

    // Warm the connection and SQLite's page cache.
    for _ in 0..10 {
        client.get("/api/orgs?page=0&per_page=50").await?;
    }
    let pages = (size.orgs / 50).max(1) as usize;
    let mut list = Vec::with_capacity(requests);
    for i in 0..requests {
        list.push(
            client
                .get(&format!("/api/orgs?page={}&per_page=50", i % pages))
                .await?
                .0,
        );
    }
    let words = [
        "acme",
        "globex",
        "customer 0",
        "hooli",
        "99",
        "quantum",
        "stark",
        "tyrell",
    ];
    let mut search = Vec::with_capacity(requests);
    for i in 0..requests {
        let q = words[i % words.len()].replace(' ', "%20");
        search.push(client.get(&format!("/api/orgs?q={q}&per_page=50")).await?.0);
    }
    let mut members = Vec::with_capacity(requests);
    let mut from: Option<String> = None;
    for _ in 0..requests {
        let path = match &from {
            Some(cursor) => format!("/api/orgs/{BIG_ORG}/members?take=100&from={cursor}"),
            None => format!("/api/orgs/{BIG_ORG}/members?take=100"),
        };
        let (elapsed, body) = client.get(&path).await?;
        members.push(elapsed);
        from = body["next"].as_str().map(str::to_owned);
    }
    let mut users = Vec::with_capacity(requests);
    for i in 0..requests {
        users.push(
            client
                .get(&format!("/api/users?q=person{:03}", i % 1000))
                .await?
                .0,
        );
    }
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if let Some(scratch) = scratch {
        state_db.close().await;
        scratch.drop_database().await?;
    }
    Ok(json!({
        "engine": engine,
        "tenant": {
            "orgs": size.orgs,
            "users": size.users,
            "big_org_members": size.big_org_members,
            "generate_ms": generated.as_secs_f64() * 1000.0,
        },
        "figures": [
            figure("org list (page of 50)", list),
            figure("org search", search),
            figure("member page (100 of the big org)", members),
            figure("user search", users),
        ],
    }))
}

/// A database made for one run on a PostgreSQL server.
struct Scratch {
    admin: String,
    name: String,
    url: String,
}

impl Scratch {
    async fn create(admin: &str) -> anyhow::Result<Self> {
        let name = format!("orgdesk_bench_{}", std::process::id());
        let pool = sqlx::PgPool::connect(admin).await?;
        // One statement each: neither may run inside a transaction block.
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await?;
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await?;
        pool.close().await;
        let (server, _) = admin
            .rsplit_once('/')
            .context("--database-url names a database")?;
        Ok(Self {
            admin: admin.to_owned(),
            url: format!("{server}/{name}"),
            name,
        })
    }

    async fn drop_database(self) -> anyhow::Result<()> {
        let pool = sqlx::PgPool::connect(&self.admin).await?;
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&pool)
        .await?;
        pool.close().await;
        Ok(())
    }
}
