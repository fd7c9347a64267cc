//! orgdesk's proxy: serves the browser app, holds every credential, checks who may do what and
//! talks to the directory (Auth0's Management API or the embedded store).
#![warn(missing_docs)]

pub mod access;
pub mod assets;
pub mod audit;
pub mod check;
pub mod config;
pub mod db;
pub mod demo_tenant;
pub mod directory;
pub mod dns;
pub mod domain_checks;
pub mod error;
pub mod export;
pub mod extract;
pub mod import;
pub mod limits;
pub mod metrics;
pub mod routes;
pub mod server;
pub mod session;
pub mod sso_tickets;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use orgdesk_model::Mode;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::assets::Assets;
use crate::audit::AuditLog;
use crate::config::{Cli, FileConfig, LogFormat};
use crate::db::Store;
use crate::directory::local::{seed_if_empty, LocalDirectory};
use crate::directory::Directory;
use crate::session::demo::PERSONAS;
use crate::session::SessionStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// orgdesk's own database (sessions, audit, and in demo mode the directory).
    pub db: Store,
    /// False once shutdown has begun: `/readyz` then tells the load balancer to stop sending.
    pub ready: Arc<AtomicBool>,
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
    /// When each session's role was last confirmed by the tenant (real mode).
    pub role_checks: Arc<session::role_checks::RoleChecks>,
    /// The resolver that checks domains' TXT records.
    pub dns: Arc<dns::Dns>,
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
    /// Timeouts and the shutdown deadline.
    pub server: server::ServerConfig,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Audit rows older than this many days are purged (None: kept forever).
    pub audit_retention_days: Option<u32>,
    /// Which DNS resolver checks domains.
    pub dns: dns::DnsConfig,
}

impl Settings {
    /// What both modes share, from the configuration file.
    ///
    /// # Errors
    /// When `trusted_proxies` holds something that is not an address or a range.
    pub fn from_config(
        mode: Mode,
        secure_cookies: bool,
        assets: Option<Assets>,
        config: &FileConfig,
    ) -> Result<Self, config::ConfigError> {
        Ok(Self {
            mode,
            secure_cookies,
            assets,
            schema: config.schema(),
            claims_namespace: config.claims_namespace(),
            try_sign_in: None,
            grantable_roles: config.grantable_roles(),
            oidc: None,
            limits: config.limits.unwrap_or_default(),
            role_recheck: std::time::Duration::from_secs(60),
            server: config.server.unwrap_or_default(),
            trusted_proxies: server::parse_trusted(
                config.trusted_proxies.as_deref().unwrap_or_default(),
            )
            .map_err(config::ConfigError::Setting)?,
            audit_retention_days: config.audit.and_then(|a| a.retention_days),
            dns: config.dns.unwrap_or_default(),
        })
    }
}

impl AppState {
    /// The state over an opened database, a directory and the settings.
    #[must_use]
    pub fn new(db: impl Into<Store>, directory: Arc<dyn Directory>, settings: Settings) -> Self {
        let db = db.into();
        // On PostgreSQL, limits and role checks are shared by every replica on the database.
        let (limiter, role_checks) = match &db {
            Store::Sqlite(_) => (
                limits::RateLimiter::default(),
                session::role_checks::RoleChecks::in_memory(),
            ),
            Store::Postgres(pg) => (
                limits::RateLimiter::shared(pg.clone()),
                session::role_checks::RoleChecks::shared(pg.clone()),
            ),
        };
        Self {
            sessions: SessionStore::new(db.clone()),
            audit: AuditLog::new(db.clone()),
            db,
            ready: Arc::new(AtomicBool::new(true)),
            directory,
            limiter: Arc::new(limiter),
            role_checks: Arc::new(role_checks),
            dns: Arc::new(dns::Dns::new(settings.dns)),
            settings: Arc::new(settings),
        }
    }
}

impl AppState {
    /// Tells every replica that an organization or a role changed, so that none keeps a stale index or catalogue.
    pub async fn directory_changed(&self) {
        self.directory.forget_cached();
        if let Store::Postgres(pg) = &self.db {
            if let Err(err) = pg.notify(db::ORGS_CHANGED).await {
                tracing::warn!(error = %err, "could not tell the other replicas an organization changed");
            }
        }
    }
}

/// Why orgdesk could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error(transparent)]
    Database(#[from] db::OpenError),
    /// The demo data could not be written.
    #[error("cannot seed the demo data into {place}: {source}")]
    Seed {
        /// The database.
        place: String,
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

/// The state of a demo-mode proxy: the embedded directory in orgdesk's database (SQLite in a
/// folder, or PostgreSQL), seeded on first start.
///
/// # Errors
/// When the data folder or database cannot be used.
pub async fn demo_state(
    storage: impl Into<Storage>,
    assets_dir: &Path,
    secure_cookies: bool,
    config: &FileConfig,
) -> Result<AppState, StartError> {
    let storage = storage.into();
    let db = storage.open().await?;
    if seed_if_empty(&db)
        .await
        .map_err(|source| StartError::Seed {
            place: storage.describe(),
            source,
        })?
    {
        tracing::info!(store = %storage.describe(), "seeded the demo tenant");
    }
    let assets = Assets::load(assets_dir);
    if assets.is_none() {
        tracing::warn!(assets = %assets_dir.display(), "no built app found; the API works, the browser app does not");
    }
    // Demo mode has no tenant to sign in to: no `try_sign_in`, no OIDC.
    let settings = Settings::from_config(Mode::Demo, secure_cookies, assets, config)?;
    Ok(AppState::new(
        db.clone(),
        Arc::new(LocalDirectory::new(db)),
        settings,
    ))
}

/// Where orgdesk keeps its own state.
#[derive(Debug, Clone)]
pub enum Storage {
    /// SQLite, `orgdesk.db` in this folder.
    Dir(PathBuf),
    /// PostgreSQL at this URL (`--database-url`).
    Url(String),
}

impl From<&Path> for Storage {
    fn from(dir: &Path) -> Self {
        Self::Dir(dir.to_path_buf())
    }
}

impl From<&PathBuf> for Storage {
    fn from(dir: &PathBuf) -> Self {
        Self::Dir(dir.clone())
    }
}

impl Storage {
    /// Where, in words that never hold a password.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Dir(dir) => dir.join("orgdesk.db").display().to_string(),
            Self::Url(_) => "the PostgreSQL database of --database-url".into(),
        }
    }

    /// Opens (and migrates) the database.
    ///
    /// # Errors
    /// When it cannot be opened.
    pub async fn open(&self) -> Result<Store, db::OpenError> {
        Ok(match self {
            Self::Dir(dir) => Store::Sqlite(db::open(dir).await?),
            Self::Url(url) => Store::Postgres(db::open_postgres(url).await?),
        })
    }
}

/// The state of a real-mode proxy: the Auth0 tenant as the directory, sessions and the audit
/// log in orgdesk's database (SQLite in a folder, or PostgreSQL).
///
/// # Errors
/// When the configuration is incomplete or the database cannot be used.
pub async fn real_state(
    storage: impl Into<Storage>,
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
    let db = storage.into().open().await?;
    let client = crate::directory::auth0::Auth0Client::new(real.client)
        .map_err(|err| config::RealModeError(format!("cannot build the HTTP client: {err}")))?;
    if let Store::Postgres(pg) = &db {
        // The tenant's rate limit is one budget for every replica.
        client.share_pacing(pg.clone());
    }
    let self_service = config.self_service.clone().unwrap_or_default();
    let directory = crate::directory::auth0::Auth0Directory::new(
        Arc::new(client),
        Some(real.app.app_client_id.clone()),
    )
    .with_self_service(self_service.profile_id, self_service.allowed_strategies);
    let mut settings = Settings::from_config(
        Mode::Auth0,
        secure_cookies,
        Assets::load(assets_dir),
        config,
    )?;
    settings.try_sign_in = Some(real.app.authorize_base());
    settings.oidc = Some(Arc::new(oidc));
    let state = AppState::new(db, Arc::new(directory), settings);
    if let Store::Postgres(pg) = &state.db {
        // Another replica changed an organization: Auth0's org index kept here is stale.
        let directory = state.directory.clone();
        pg.listen(db::ORGS_CHANGED, move || directory.forget_cached());
    }
    Ok(state)
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
        .route_layer(middleware::from_fn(server::note_route))
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
        .route("/healthz", get(server::healthz))
        .route("/readyz", get(server::readyz))
        .merge(routes::auth::routes().route_layer(middleware::from_fn(server::note_route)))
        .merge(routes::sso::page_routes().route_layer(middleware::from_fn(server::note_route)))
        .nest("/api", api)
        .merge(assets::router(state.settings.assets.as_ref()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::limit_requests,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            server::body_deadline,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            server::deadline,
        ))
        .layer(middleware::from_fn(server::log_requests))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            server::resolve_client,
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, RequestIds::new()))
        .layer(middleware::from_fn(extract::take_client_request_id))
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

/// Logs to stderr, `info` unless `RUST_LOG` says otherwise: as text, or one JSON object a line.
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

/// Runs orgdesk until Ctrl-C or SIGTERM, then drains.
///
/// # Errors
/// When it cannot start (see [`StartError`]) or the server fails.
pub async fn serve(cli: Cli) -> Result<(), StartError> {
    let config = FileConfig::load(cli.config.as_deref())?;
    let storage = match &cli.database_url {
        Some(url) => Storage::Url(url.clone()),
        None => Storage::Dir(cli.data_dir.clone()),
    };
    let state = if cli.demo {
        demo_state(storage, &cli.assets, cli.is_https(), &config).await?
    } else {
        let public_url = cli
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", cli.listen));
        real_state(storage, &cli.assets, &public_url, &config, &env_var).await?
    };
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: cli.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    if let Some(metrics) = cli.metrics_listen {
        if metrics.ip() == addr.ip() && metrics.port() == addr.port() {
            return Err(StartError::Config(config::ConfigError::Setting(
                "--metrics-listen must differ from --listen: metrics are never served on the public address".into(),
            )));
        }
        let (bound, _) = server::serve_metrics(metrics, state.clone())
            .await
            .map_err(|source| StartError::Bind {
                addr: metrics,
                source,
            })?;
        tracing::info!("metrics on http://{bound}/metrics");
    }
    if let Some(days) = state.settings.audit_retention_days {
        spawn_audit_purge(state.audit.clone(), days);
    }
    if state.settings.mode == Mode::Auth0 {
        tracing::info!("orgdesk (Auth0 tenant) is ready on http://{addr}");
    } else {
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
    }
    let ready = state.ready.clone();
    let server = state.settings.server;
    let db = state.db.clone();
    server::run(
        listener,
        app(state),
        server,
        ready,
        server::shutdown_signal(),
    )
    .await
    .map_err(StartError::Serve)?;
    db.close().await;
    Ok(())
}

/// Purges audit rows past the retention now and once a day.
fn spawn_audit_purge(audit: AuditLog, days: u32) {
    tokio::spawn(async move {
        let mut every_day = tokio::time::interval(std::time::Duration::from_secs(86_400));
        loop {
            every_day.tick().await;
            match audit.purge(days).await {
                Ok(0) => {}
                Ok(deleted) => {
                    tracing::info!(deleted, days, "purged audit rows past the retention")
                }
                Err(err) => tracing::error!(error = %err, "could not purge the audit log"),
            }
        }
    });
}
