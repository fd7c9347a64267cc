//! orgdesk's proxy: serves the browser app, holds every credential, checks who may do what and
//! talks to the directory (Auth0's Management API or the embedded store).

pub mod access;
pub mod assets;
pub mod audit;
pub mod check;
pub mod config;
pub mod db;
pub mod directory;
pub mod error;
pub mod extract;
pub mod limits;
pub mod routes;
pub mod session;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use orgdesk_model::Mode;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::assets::Assets;
use crate::audit::AuditLog;
use crate::config::{Cli, FileConfig};
use crate::directory::local::{seed_if_empty, LocalDirectory};
use crate::directory::Directory;
use crate::session::demo::PERSONAS;
use crate::session::SessionStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Auth0 or the embedded store.
    pub directory: Arc<dyn Directory>,
    /// Server-side sessions.
    pub sessions: SessionStore,
    /// The audit log.
    pub audit: AuditLog,
    /// Fixed for the life of the process.
    pub settings: Arc<Settings>,
    /// Rate-limit counters.
    pub limiter: Arc<limits::RateLimiter>,
    /// When each session's role was last confirmed by the tenant (real mode; a cache).
    pub role_checks: Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>>,
}

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Demo or real mode.
    pub mode: Mode,
    /// Whether cookies are `Secure` and `__Host-` prefixed (served over https).
    pub secure_cookies: bool,
    /// The built app, when there is one.
    pub assets: Option<Assets>,
    /// The metadata keys organizations carry.
    pub schema: orgdesk_model::schema::MetadataSchema,
    /// The prefix of custom token claims.
    pub claims_namespace: String,
    /// In real mode, the AI application's `/authorize` address (without the organization).
    pub try_sign_in: Option<String>,
    /// Role names org admins may grant.
    pub grantable_roles: Vec<String>,
    /// Sign-in with Auth0 (real mode).
    pub oidc: Option<Arc<session::oidc::Oidc>>,
    /// Requests per minute.
    pub limits: limits::Limits,
    /// How long a confirmed role is trusted before a change asks the tenant again.
    pub role_recheck: std::time::Duration,
}

/// Why orgdesk could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] db::OpenError),
    /// The demo data could not be written.
    #[error("cannot seed the demo data into {path}: {source}")]
    Seed {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: sqlx::Error,
    },
    /// Real mode is not configured well enough to start.
    #[error(transparent)]
    RealMode(#[from] config::RealModeError),
    /// The configuration file is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The listen address is taken or not allowed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// The state of a demo-mode proxy: the embedded store in `data_dir`, seeded on first start.
///
/// # Errors
/// When the data folder or database cannot be used.
pub async fn demo_state(
    data_dir: &Path,
    assets_dir: &Path,
    secure_cookies: bool,
    config: &FileConfig,
) -> Result<AppState, StartError> {
    let pool = db::open(data_dir).await?;
    if seed_if_empty(&pool)
        .await
        .map_err(|source| StartError::Seed {
            path: data_dir.join("orgdesk.db"),
            source,
        })?
    {
        tracing::info!(data_dir = %data_dir.display(), "seeded the demo tenant");
    }
    let assets = Assets::load(assets_dir);
    if assets.is_none() {
        tracing::warn!(assets = %assets_dir.display(), "no built app found; the API works, the browser app does not");
    }
    Ok(AppState {
        directory: Arc::new(LocalDirectory::new(pool.clone())),
        sessions: SessionStore::new(pool.clone()),
        audit: AuditLog::new(pool),
        settings: Arc::new(Settings {
            mode: Mode::Demo,
            secure_cookies,
            assets,
            schema: config.schema(),
            claims_namespace: config.claims_namespace(),
            // Demo mode has no tenant to sign in to.
            try_sign_in: None,
            grantable_roles: config.grantable_roles(),
            oidc: None,
            limits: config.limits.unwrap_or_default(),
            role_recheck: std::time::Duration::from_secs(60),
        }),
        limiter: Arc::default(),
        role_checks: Arc::default(),
    })
}

/// The state of a real-mode proxy: the Auth0 tenant as the directory, sessions and the audit
/// log in the database in `data_dir`.
///
/// # Errors
/// When the configuration is incomplete or the database cannot be used.
pub async fn real_state(
    data_dir: &Path,
    assets_dir: &Path,
    public_url: &str,
    config: &FileConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AppState, StartError> {
    let real = config.real_mode(env)?;
    let sign_in = config.sign_in(env, public_url)?;
    let secure_cookies = public_url.to_ascii_lowercase().starts_with("https://");
    let oidc = session::oidc::Oidc::new(sign_in)
        .map_err(|err| config::RealModeError(format!("cannot build the HTTP client: {err}")))?;
    let pool = db::open(data_dir).await?;
    let client = crate::directory::auth0::Auth0Client::new(real.client)
        .map_err(|err| config::RealModeError(format!("cannot build the HTTP client: {err}")))?;
    let directory = crate::directory::auth0::Auth0Directory::new(
        Arc::new(client),
        Some(real.app.app_client_id.clone()),
    );
    let assets = Assets::load(assets_dir);
    Ok(AppState {
        directory: Arc::new(directory),
        sessions: SessionStore::new(pool.clone()),
        audit: AuditLog::new(pool),
        settings: Arc::new(Settings {
            mode: Mode::Auth0,
            secure_cookies,
            assets,
            schema: config.schema(),
            claims_namespace: config.claims_namespace(),
            try_sign_in: Some(real.app.authorize_base()),
            grantable_roles: config.grantable_roles(),
            oidc: Some(Arc::new(oidc)),
            limits: config.limits.unwrap_or_default(),
            role_recheck: std::time::Duration::from_secs(60),
        }),
        limiter: Arc::default(),
        role_checks: Arc::default(),
    })
}

/// Reads one environment variable (empty counts as unset).
#[must_use]
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Request ids: a per-process random prefix and a counter, cheap and unique enough to quote.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        Self {
            prefix: bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:06}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Logs each request by method and path only: query strings may carry codes or search text.
async fn log_requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    tracing::info!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis(), request_id = %id);
    response
}

/// The whole HTTP surface: `/healthz`, `/auth/*`, `/api/*` and the app.
pub fn app(state: AppState) -> Router {
    let csp = assets::content_security_policy(
        state
            .settings
            .assets
            .as_ref()
            .map_or(&[][..], |a| &a.inline_script_hashes[..]),
    );
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'none'"));
    let api = routes::api()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            audit::record_denied,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(routes::MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(routes::auth::routes())
        .nest("/api", api)
        .merge(assets::router(state.settings.assets.as_ref()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::limit_requests,
        ))
        .layer(middleware::from_fn(log_requests))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, RequestIds::new()))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // `same-origin`, not `no-referrer`: with the latter Chromium sends `Origin: null` on
        // same-origin form posts, which the CSRF check must then refuse.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .with_state(state)
}

/// Logs to stderr, `info` unless `RUST_LOG` says otherwise.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Runs orgdesk until Ctrl-C or SIGTERM.
///
/// # Errors
/// When it cannot start (see [`StartError`]) or the server fails.
pub async fn serve(cli: Cli) -> Result<(), StartError> {
    let config = FileConfig::load(cli.config.as_deref())?;
    let state = if cli.demo {
        demo_state(&cli.data_dir, &cli.assets, cli.is_https(), &config).await?
    } else {
        let public_url = cli
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", cli.listen));
        real_state(&cli.data_dir, &cli.assets, &public_url, &config, &env_var).await?
    };
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: cli.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    if state.settings.mode == Mode::Auth0 {
        tracing::info!("orgdesk (Auth0 tenant) is ready on http://{addr}");
        return axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve);
    }
    tracing::info!("orgdesk (demo data) is ready on http://{addr}");
    for persona in PERSONAS {
        tracing::info!(
            "  sign in as {:<15} {} <{}>, {}",
            persona.key,
            persona.name,
            persona.email,
            persona.role.label()
        );
    }
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
