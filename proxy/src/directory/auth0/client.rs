//! The HTTP side of the Management API: token, rate limits, retries, timeouts, errors.
//!
//! Every call goes through [`Auth0Client::send`], which
//! - only calls allow-listed Management API paths (ids are percent-encoded segments);
//! - gets the machine-to-machine token from a cache that fetches it once however many requests
//!   race for it, keeps a still-valid token when the token endpoint is down, and drops and
//!   refetches it once on a 401;
//! - reads `x-ratelimit-*` on every answer, waits a 429 out until the reset (plus jitter) while
//!   the deadline allows and holds back new calls while the budget is spent;
//! - retries 5xx, timeouts and resets only for idempotent calls; creates retry only on 429.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// tokio's clock, which tests can move forward (it is the system's monotonic clock otherwise).
use tokio::time::Instant;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::wire::{ErrorBody, OAuthError, TokenResponse};
use crate::metrics::METRICS;

pub use crate::text::Secret;

/// How to reach the tenant.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://example.eu.auth0.com` (or a loopback address in tests).
    pub base_url: String,
    /// The machine-to-machine application's client id.
    pub client_id: String,
    /// Its secret.
    pub client_secret: Secret,
    /// The Management API's identifier, `https://{domain}/api/v2/`.
    pub audience: String,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for one request and its answer.
    pub request_timeout: Duration,
    /// How long one call may spend waiting out rate limits and retrying before giving up.
    pub deadline: Duration,
}

impl ClientConfig {
    /// Settings for a tenant domain, with the default timeouts.
    #[must_use]
    pub fn for_domain(domain: &str, client_id: &str, client_secret: Secret) -> Self {
        let domain = domain.trim_end_matches('/');
        Self {
            base_url: format!("https://{domain}"),
            client_id: client_id.to_owned(),
            client_secret,
            audience: format!("https://{domain}/api/v2/"),
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(15),
        }
    }
}

/// The rate-limit budget as Auth0 last reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in this window.
    pub remaining: Option<u64>,
    /// When the window resets (Unix seconds).
    pub reset: Option<u64>,
}

/// How the client may repeat a call that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads and writes that can be repeated safely: retried on 429, 5xx, timeouts, resets.
    Idempotent,
    /// Creates: retried only on 429, where Auth0 guarantees nothing was done.
    OnlyRateLimited,
}

/// One Management API call.
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<serde_json::Value>,
    retry: Retry,
}

impl Call {
    fn new(method: Method, segments: &[&str], retry: Retry) -> Self {
        let mut path = String::from("/api/v2");
        for segment in segments {
            path.push('/');
            path.push_str(&encode_segment(segment));
        }
        Self {
            method,
            path,
            query: Vec::new(),
            body: None,
            retry,
        }
    }

    /// A read.
    #[must_use]
    pub fn get(segments: &[&str]) -> Self {
        Self::new(Method::GET, segments, Retry::Idempotent)
    }

    /// A create: not repeated unless Auth0 said 429.
    #[must_use]
    pub fn create(segments: &[&str]) -> Self {
        Self::new(Method::POST, segments, Retry::OnlyRateLimited)
    }

    /// A POST that can be repeated safely (adding members or roles).
    #[must_use]
    pub fn post_idempotent(segments: &[&str]) -> Self {
        Self::new(Method::POST, segments, Retry::Idempotent)
    }

    /// A PATCH (repeatable: it sets values).
    #[must_use]
    pub fn patch(segments: &[&str]) -> Self {
        Self::new(Method::PATCH, segments, Retry::Idempotent)
    }

    /// A DELETE.
    #[must_use]
    pub fn delete(segments: &[&str]) -> Self {
        Self::new(Method::DELETE, segments, Retry::Idempotent)
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// Adds a query parameter when there is a value.
    #[must_use]
    pub fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Sets the JSON body.
    ///
    /// # Panics
    /// Never: the wire types always serialize.
    #[must_use]
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_value(body).unwrap_or(serde_json::Value::Null));
        self
    }

    /// The encoded path, `/api/v2/…`.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }
}

pub use crate::text::encode_segment;

/// A retried call waits this long times 2^attempt (plus jitter): 400 ms, then 800 ms, …
const RETRY_BACKOFF_BASE_MS: u64 = 200;
/// … doubling at most this many times.
const RETRY_BACKOFF_DOUBLINGS: u32 = 5;

/// The Management API paths orgdesk may call, by method; `*` is one id.
const ALLOWED: &[(&str, &str)] = &[
    ("GET POST", "organizations"),
    ("GET PATCH DELETE", "organizations/*"),
    ("GET POST DELETE", "organizations/*/members"),
    ("GET POST DELETE", "organizations/*/members/*/roles"),
    ("GET POST", "organizations/*/invitations"),
    ("GET DELETE", "organizations/*/invitations/*"),
    ("GET POST", "organizations/*/enabled_connections"),
    ("GET PATCH DELETE", "organizations/*/enabled_connections/*"),
    ("GET POST", "roles"),
    ("GET PATCH DELETE", "roles/*"),
    ("GET POST DELETE", "roles/*/permissions"),
    ("GET POST", "users"),
    ("GET PATCH", "users/*"),
    ("GET", "users/*/organizations"),
    ("GET", "users/*/roles"),
    ("GET", "users-by-email"),
    ("GET", "connections"),
    ("GET PATCH", "tenants/settings"),
    ("GET POST", "resource-servers"),
    ("GET PATCH DELETE", "resource-servers/*"),
    ("GET POST", "clients"),
    ("GET DELETE", "clients/*"),
    ("POST", "clients/*/rotate-secret"),
    ("GET POST", "client-grants"),
    ("GET POST", "organizations/*/client-grants"),
    ("DELETE", "organizations/*/client-grants/*"),
    ("GET POST", "organizations/*/discovery-domains"),
    ("PATCH DELETE", "organizations/*/discovery-domains/*"),
    ("POST", "self-service-profiles"),
    ("POST", "self-service-profiles/*/sso-ticket"),
];

/// Whether `method path` is on the allow-list.
#[must_use]
pub fn is_allowed(method: &Method, path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v2/") else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    ALLOWED.iter().any(|(methods, pattern)| {
        let pattern: Vec<&str> = pattern.split('/').collect();
        methods.split(' ').any(|m| m == method.as_str())
            && pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| !s.is_empty() && (*p == "*" || p == s))
    })
}

/// Why the token could not be had.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    /// The token endpoint said no (wrong secret, client not authorized for the API, …).
    #[error("Auth0 refused orgdesk's credentials ({error}): {description}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// OAuth error code.
        error: String,
        /// Auth0's words.
        description: String,
    },
    /// No answer.
    #[error("cannot reach Auth0's token endpoint: {0}")]
    Unreachable(String),
    /// An answer that is not a token.
    #[error("unexpected answer from Auth0's token endpoint: {0}")]
    Decode(String),
}

/// Why a call failed, before it becomes a `DirectoryError`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// Auth0 answered with an error status.
    #[error("Auth0 answered {status}: {}", body.message)]
    Status {
        /// HTTP status.
        status: u16,
        /// Auth0's error body.
        body: ErrorBody,
    },
    /// The rate limit did not reset within the deadline.
    #[error("Auth0's rate limit is spent; retry in {retry_after} s")]
    RateLimited {
        /// Seconds until the budget resets.
        retry_after: u64,
    },
    /// No answer (or only 5xx) within the deadline; nothing was changed.
    #[error("no answer from Auth0: {0}")]
    Unreachable(String),
    /// A create failed after it was sent: it may or may not have been made.
    #[error("Auth0 did not confirm the outcome: {0}")]
    OutcomeUnknown(String),
    /// The token could not be had.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// An answer orgdesk cannot read.
    #[error("unexpected answer from Auth0: {0}")]
    Decode(String),
    /// A path outside the allow-list (a bug, never sent).
    #[error("refused to call {0}: not on the allow-list")]
    NotAllowed(String),
}

struct CachedToken {
    value: Arc<str>,
    refresh_at: Instant,
    expires_at: Instant,
    scope: Option<String>,
}

/// What the client has seen of the upstream.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Health {
    /// Whether the last call got an answer (any status but 5xx).
    pub reachable: Option<bool>,
    /// The last problem, in words, without secrets.
    pub last_error: Option<String>,
}

/// A Management API client for one tenant.
pub struct Auth0Client {
    http: reqwest::Client,
    config: ClientConfig,
    token: tokio::sync::Mutex<Option<CachedToken>>,
    budget: Mutex<Budget>,
    next_slot: Mutex<Option<Instant>>,
    health: Mutex<Health>,
    calls: AtomicU64,
    token_requests: AtomicU64,
    /// With replicas on PostgreSQL: the budget and the pacing slots every replica shares.
    shared: std::sync::OnceLock<crate::db::PgDb>,
}

impl std::fmt::Debug for Auth0Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth0Client")
            .field("base_url", &self.config.base_url)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn jitter() -> Duration {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    Duration::from_millis(u64::from(u16::from_le_bytes(bytes)) % 400)
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl Auth0Client {
    /// A client; nothing is sent until the first call.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no TLS roots).
    pub fn new(config: ClientConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("orgdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| err.to_string())?;
        Ok(Self {
            http,
            config,
            token: tokio::sync::Mutex::new(None),
            budget: Mutex::new(Budget::default()),
            next_slot: Mutex::new(None),
            health: Mutex::new(Health::default()),
            calls: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            shared: std::sync::OnceLock::new(),
        })
    }

    /// Paces calls together with every other replica on `db`: the budget any of them last read
    /// from Auth0 holds for all, and spread calls take turns across all of them.
    pub fn share_pacing(&self, db: crate::db::PgDb) {
        let _ = self.shared.set(db);
    }

    /// Management API requests sent so far (token requests not included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Token requests sent so far.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// The budget as last reported.
    ///
    /// # Panics
    /// Never in practice: the lock is not held across a panic.
    pub fn budget(&self) -> Budget {
        *self
            .budget
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the client has seen of the upstream.
    pub fn health(&self) -> Health {
        self.health
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The scopes of the current token, fetching one if needed (for `orgdesk check`).
    ///
    /// # Errors
    /// When no token can be had.
    pub async fn granted_scopes(&self) -> Result<Vec<String>, TokenError> {
        self.token().await?;
        let guard = self.token.lock().await;
        Ok(guard
            .as_ref()
            .and_then(|t| t.scope.clone())
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    }

    fn note_health(&self, reachable: bool, error: Option<String>) {
        let mut health = self
            .health
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        health.reachable = Some(reachable);
        if error.is_some() || reachable {
            health.last_error = error;
        }
    }

    async fn note_budget(&self, headers: &HeaderMap) {
        let limit = header_u64(headers, "x-ratelimit-limit");
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        let reset = header_u64(headers, "x-ratelimit-reset");
        if let Some(remaining) = remaining {
            METRICS.set(
                "orgdesk_auth0_budget_remaining",
                i64::try_from(remaining).unwrap_or(i64::MAX),
            );
        }
        if limit.is_some() || remaining.is_some() || reset.is_some() {
            *self
                .budget
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Budget {
                limit,
                remaining,
                reset,
            };
            if let Some(db) = self.shared.get() {
                let wide = |v: Option<u64>| v.and_then(|v| i64::try_from(v).ok());
                if let Err(err) = db
                    .publish_budget((wide(limit), wide(remaining), wide(reset)))
                    .await
                {
                    tracing::warn!(error = %err, "could not share Auth0's budget with the other replicas");
                }
            }
        }
    }

    /// The budget this replica paces by: the shared one on PostgreSQL, else its own.
    async fn pacing_budget(&self) -> Budget {
        if let Some(db) = self.shared.get() {
            if let Ok((limit, remaining, reset)) = db.shared_budget().await {
                let narrow = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
                return Budget {
                    limit: narrow(limit),
                    remaining: narrow(remaining),
                    reset: narrow(reset),
                };
            }
        }
        self.budget()
    }

    /// Fetches a token unless a valid one is cached (for `/readyz`).
    ///
    /// # Errors
    /// When no token can be had.
    pub async fn ensure_token(&self) -> Result<(), TokenError> {
        self.token().await.map(|_| ())
    }

    /// A still-valid token, fetched once however many callers ask at the same time.
    async fn token(&self) -> Result<Arc<str>, TokenError> {
        let mut guard = self.token.lock().await;
        let now = Instant::now();
        if let Some(token) = guard.as_ref().filter(|t| t.refresh_at > now) {
            return Ok(token.value.clone());
        }
        let fetched = self.fetch_token().await;
        METRICS.inc(
            "orgdesk_auth0_token_fetches_total",
            &[("outcome", if fetched.is_ok() { "ok" } else { "failed" })],
        );
        match fetched {
            Ok(fresh) => {
                let value = fresh.value.clone();
                *guard = Some(fresh);
                Ok(value)
            }
            Err(err) => match guard.as_ref().filter(|t| t.expires_at > Instant::now()) {
                Some(still_valid) => {
                    tracing::warn!(error = %err, "could not renew the Auth0 token; using the cached one until it expires");
                    Ok(still_valid.value.clone())
                }
                None => Err(err),
            },
        }
    }

    async fn forget_token(&self, used: &Arc<str>) {
        let mut guard = self.token.lock().await;
        if guard.as_ref().is_some_and(|t| &t.value == used) {
            *guard = None;
        }
    }

    async fn fetch_token(&self) -> Result<CachedToken, TokenError> {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}/oauth/token", self.config.base_url);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose()),
            ("audience", self.config.audience.as_str()),
        ];
        let response = self
            .http
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|err| TokenError::Unreachable(describe(&err)))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|err| TokenError::Unreachable(describe(&err)))?;
        if status.is_server_error() {
            return Err(TokenError::Unreachable(format!(
                "the token endpoint answered {status}"
            )));
        }
        if !status.is_success() {
            let body: OAuthError = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(TokenError::Refused {
                status: status.as_u16(),
                error: body.error,
                description: body.error_description,
            });
        }
        let token: TokenResponse =
            serde_json::from_slice(&bytes).map_err(|err| TokenError::Decode(err.to_string()))?;
        let lifetime = Duration::from_secs(token.expires_in);
        let margin = (lifetime / 2).min(Duration::from_secs(60));
        let now = Instant::now();
        Ok(CachedToken {
            value: token.access_token.into(),
            refresh_at: now + lifetime - margin,
            expires_at: now + lifetime,
            scope: token.scope,
        })
    }

    /// Holds a call back while the budget is spent, or refuses it when the reset is past the
    /// deadline (no request is wasted on a certain 429).
    async fn pace(&self, deadline: Instant) -> Result<(), CallError> {
        let budget = self.pacing_budget().await;
        let (Some(remaining), Some(reset)) = (budget.remaining, budget.reset) else {
            return Ok(());
        };
        let now = unix_now();
        if reset <= now {
            return Ok(());
        }
        if remaining > 0 {
            // Under a fifth of the budget left: spread the calls that remain over the time to
            // the reset, one slot each, so bulk work (a CSV of invitations) never hits a 429.
            let limit = budget.limit.unwrap_or(u64::MAX);
            if remaining.saturating_mul(5) >= limit {
                return Ok(());
            }
            let interval = Duration::from_millis((reset - now) * 1000 / (remaining + 1));
            let slot = if let Some(db) = self.shared.get() {
                // Slots in Unix milliseconds, shared by every replica.
                let now_ms = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
                let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
                match db.take_pacing_slot(now_ms, interval_ms).await {
                    Ok(slot_ms) => {
                        Instant::now()
                            + Duration::from_millis(u64::try_from(slot_ms - now_ms).unwrap_or(0))
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "no shared pacing slot; pacing alone");
                        Instant::now() + interval
                    }
                }
            } else {
                let mut next = self
                    .next_slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let slot = next.map_or_else(Instant::now, |n| n.max(Instant::now()));
                *next = Some(slot + interval);
                slot
            };
            if slot > deadline {
                METRICS.inc(
                    "orgdesk_auth0_rate_limited_total",
                    &[("outcome", "refused")],
                );
                return Err(CallError::RateLimited {
                    retry_after: reset - now,
                });
            }
            tokio::time::sleep_until(slot).await;
            return Ok(());
        }
        let wait = Duration::from_secs(reset - now) + jitter();
        if Instant::now() + wait > deadline {
            METRICS.inc(
                "orgdesk_auth0_rate_limited_total",
                &[("outcome", "refused")],
            );
            return Err(CallError::RateLimited {
                retry_after: reset - now,
            });
        }
        METRICS.inc("orgdesk_auth0_rate_limited_total", &[("outcome", "waited")]);
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Sends a call and returns the status and body of a success.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn send(&self, call: &Call) -> Result<(u16, Vec<u8>), CallError> {
        if !is_allowed(&call.method, &call.path) {
            return Err(CallError::NotAllowed(format!(
                "{} {}",
                call.method, call.path
            )));
        }
        let deadline = Instant::now() + self.config.deadline;
        let url = reqwest::Url::parse(&format!("{}{}", self.config.base_url, call.path))
            .map_err(|err| CallError::NotAllowed(format!("{}: {err}", call.path)))?;
        // URL parsing resolves `.`/`..` segments (also `%2E%2E`): what is sent must be what
        // was checked.
        if url.path() != call.path {
            return Err(CallError::NotAllowed(call.path.clone()));
        }
        let operation = operation(&call.method, &call.path);
        let mut attempts = 0u32;
        let mut token_renewed = false;
        loop {
            self.pace(deadline).await?;
            let token = self.token().await?;
            attempts += 1;
            let mut request = self
                .http
                .request(call.method.clone(), url.clone())
                .bearer_auth(&token);
            if !call.query.is_empty() {
                request = request.query(&call.query);
            }
            if let Some(body) = &call.body {
                request = request.json(body);
            }
            self.calls.fetch_add(1, Ordering::Relaxed);
            let backoff = Duration::from_millis(
                RETRY_BACKOFF_BASE_MS * u64::from(2u32.pow(attempts.min(RETRY_BACKOFF_DOUBLINGS))),
            ) + jitter();
            let retry_ok = call.retry == Retry::Idempotent
                && attempts < 3
                && Instant::now() + backoff < deadline;
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => {
                    METRICS.inc(
                        "orgdesk_auth0_calls_total",
                        &[("operation", &operation), ("status", "error")],
                    );
                    let what = describe(&err);
                    self.note_health(false, Some(what.clone()));
                    if retry_ok {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(if call.retry == Retry::Idempotent || err.is_connect() {
                        CallError::Unreachable(what)
                    } else {
                        CallError::OutcomeUnknown(what)
                    });
                }
            };
            self.note_budget(response.headers()).await;
            let status = response.status();
            METRICS.inc(
                "orgdesk_auth0_calls_total",
                &[("operation", &operation), ("status", status.as_str())],
            );
            if status == reqwest::StatusCode::UNAUTHORIZED && !token_renewed {
                token_renewed = true;
                self.forget_token(&token).await;
                continue;
            }
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                self.note_health(true, Some("rate limited".into()));
                let now = unix_now();
                let reset = header_u64(response.headers(), "x-ratelimit-reset")
                    .filter(|reset| *reset >= now)
                    .or_else(|| header_u64(response.headers(), "retry-after").map(|s| now + s))
                    .unwrap_or(now + 1);
                let wait = Duration::from_secs(reset - now) + jitter();
                if Instant::now() + wait <= deadline {
                    METRICS.inc("orgdesk_auth0_rate_limited_total", &[("outcome", "waited")]);
                    tokio::time::sleep(wait).await;
                    continue;
                }
                METRICS.inc(
                    "orgdesk_auth0_rate_limited_total",
                    &[("outcome", "refused")],
                );
                return Err(CallError::RateLimited {
                    retry_after: (reset - now).max(1),
                });
            }
            if status.is_server_error() {
                let what = format!("Auth0 answered {status}");
                self.note_health(false, Some(what.clone()));
                if retry_ok {
                    tokio::time::sleep(backoff).await;
                    continue;
                }
                return Err(if call.retry == Retry::Idempotent {
                    CallError::Unreachable(what)
                } else {
                    CallError::OutcomeUnknown(what)
                });
            }
            let bytes = match response.bytes().await {
                Ok(bytes) => bytes,
                Err(err) => {
                    let what = describe(&err);
                    self.note_health(false, Some(what.clone()));
                    if retry_ok {
                        tokio::time::sleep(backoff).await;
                        continue;
                    }
                    return Err(if call.retry == Retry::Idempotent {
                        CallError::Unreachable(what)
                    } else {
                        CallError::OutcomeUnknown(what)
                    });
                }
            };
            self.note_health(true, None);
            if status.is_success() {
                return Ok((status.as_u16(), bytes.to_vec()));
            }
            let mut body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
            if body.message.is_empty() {
                body.message = status.canonical_reason().unwrap_or("error").to_owned();
            }
            return Err(CallError::Status {
                status: status.as_u16(),
                body,
            });
        }
    }

    /// Sends a call and reads a JSON answer.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn json<T: DeserializeOwned>(&self, call: &Call) -> Result<T, CallError> {
        let (_, bytes) = self.send(call).await?;
        serde_json::from_slice(&bytes).map_err(|err| CallError::Decode(err.to_string()))
    }

    /// Sends a call whose answer carries nothing orgdesk needs.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn done(&self, call: &Call) -> Result<(), CallError> {
        self.send(call).await.map(|_| ())
    }
}

/// A call's operation for the metrics: the method and the path with every id replaced, so
/// that the label never carries a user's or an organization's id.
fn operation(method: &Method, path: &str) -> String {
    const WORDS: &[&str] = &[
        "api",
        "v2",
        "organizations",
        "members",
        "roles",
        "invitations",
        "enabled_connections",
        "users",
        "connections",
        "tenants",
        "settings",
        "permissions",
        "name",
    ];
    let shape: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if WORDS.contains(&s) { s } else { "{id}" })
        .collect();
    format!("{method} /{}", shape.join("/"))
}

/// A transport error in words, without the URL (which may carry search text).
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() || err.is_decode() {
        "answer cut short"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(err);
    let mut detail = String::new();
    while let Some(inner) = source {
        detail = inner.to_string();
        source = inner.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_one_encoded_segment() {
        assert_eq!(encode_segment("auth0|63d1"), "auth0%7C63d1");
        assert_eq!(encode_segment("../../clients"), "..%2F..%2Fclients");
        assert_eq!(encode_segment(".."), "%2E%2E");
        let call = Call::get(&["users", "auth0|abc", "organizations"]);
        assert_eq!(call.path(), "/api/v2/users/auth0%7Cabc/organizations");
    }

    #[test]
    fn metric_operations_carry_no_ids() {
        assert_eq!(
            operation(
                &Method::DELETE,
                "/api/v2/organizations/org_1/members/auth0%7C1/roles"
            ),
            "DELETE /api/v2/organizations/{id}/members/{id}/roles"
        );
    }

    #[test]
    fn only_allow_listed_paths_are_called() {
        assert!(is_allowed(&Method::GET, "/api/v2/organizations"));
        assert!(is_allowed(
            &Method::DELETE,
            "/api/v2/organizations/org_1/members/auth0%7C1/roles"
        ));
        assert!(!is_allowed(&Method::DELETE, "/api/v2/users/auth0%7C1"));
        assert!(!is_allowed(&Method::PATCH, "/api/v2/clients/abc"));
        assert!(!is_allowed(&Method::DELETE, "/api/v2/client-grants/cgr_1"));
        assert!(!is_allowed(&Method::GET, "/api/v2/connections/con_1"));
        assert!(!is_allowed(&Method::GET, "/api/v2/organizations//members"));
        assert!(!is_allowed(&Method::POST, "/api/v2/tenants/settings"));
        let sneaky = Call::get(&["organizations", "../clients"]);
        assert!(is_allowed(&Method::GET, sneaky.path()));
        assert_eq!(sneaky.path(), "/api/v2/organizations/..%2Fclients");
    }
}
