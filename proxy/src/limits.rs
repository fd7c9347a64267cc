//! Rate limits on sign-in and on mutations, per client address and per session: a fixed
//! window counter, in memory for a single orgdesk (losing it on restart only resets the
//! windows), or in PostgreSQL, where every replica counts against the same windows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::AppState;

/// How many requests a client may make per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Sign-in attempts (login, callback, demo sign-in) per client address.
    pub sign_in_per_minute: u32,
    /// Mutating API calls per session.
    pub mutations_per_minute_per_session: u32,
    /// Mutating API calls per client address.
    pub mutations_per_minute_per_address: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_per_minute: 30,
            // A bulk invitation of a few hundred addresses is one person's minute of work.
            mutations_per_minute_per_session: 600,
            mutations_per_minute_per_address: 1_200,
        }
    }
}

const WINDOW: Duration = Duration::from_secs(60);

/// The counters.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    shared: Option<crate::db::PgDb>,
    /// When this process last dropped old shared windows (Unix seconds).
    last_sweep: std::sync::atomic::AtomicI64,
}

impl RateLimiter {
    /// Counters every replica on `db` shares.
    #[must_use]
    pub fn shared(db: crate::db::PgDb) -> Self {
        Self {
            windows: Mutex::default(),
            shared: Some(db),
            last_sweep: std::sync::atomic::AtomicI64::new(0),
        }
    }

    /// Counts one request under `key`, in the shared windows when there are any.
    ///
    /// # Errors
    /// The seconds until the window ends, when over `limit`.
    pub async fn count(&self, key: &str, limit: u32) -> Result<(), u64> {
        let Some(db) = &self.shared else {
            return self.hit(key, limit);
        };
        let now = crate::db::now();
        let window = i64::try_from(WINDOW.as_secs()).unwrap_or(60);
        // One statement: start a window, or count in the current one.
        let counted: Result<(i64, i64), sqlx::Error> = sqlx::query_as(
            "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               count = CASE WHEN rate_limits.window_start <= $2 - $3 THEN 1 ELSE rate_limits.count + 1 END, \
               window_start = CASE WHEN rate_limits.window_start <= $2 - $3 THEN $2 ELSE rate_limits.window_start END \
             RETURNING window_start, count",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .fetch_one(db.pool())
        .await;
        match counted {
            Ok((start, count)) if count > i64::from(limit) => {
                Err(u64::try_from(start + window - now).unwrap_or(1).max(1))
            }
            Ok(_) => {
                let swept = self.last_sweep.load(std::sync::atomic::Ordering::Relaxed);
                if now - swept >= 2 * window
                    && self
                        .last_sweep
                        .compare_exchange(
                            swept,
                            now,
                            std::sync::atomic::Ordering::Relaxed,
                            std::sync::atomic::Ordering::Relaxed,
                        )
                        .is_ok()
                {
                    // Now and then, windows long past are dropped.
                    let _ = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
                        .bind(now - 2 * window)
                        .execute(db.pool())
                        .await;
                }
                Ok(())
            }
            Err(err) => {
                // A database that does not answer fails the request itself; the limit is not
                // what should refuse it.
                tracing::warn!(error = %err, "could not count a request against its limit");
                Ok(())
            }
        }
    }

    /// Counts one request under `key`; `Err(seconds)` when over `limit` in this window.
    ///
    /// # Errors
    /// The seconds until the window ends.
    pub fn hit(&self, key: &str, limit: u32) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 50_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > limit {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        Ok(())
    }
}

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Applies the limits before a request reaches its handler.
pub async fn limit_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limits = state.settings.limits;
    // The client's address, from a trusted proxy's headers or the TCP peer (crate::server).
    let address = request
        .extensions()
        .get::<crate::server::ClientInfo>()
        .map_or_else(|| "local".to_owned(), |info| info.ip.to_string());
    let path = request.uri().path();
    let mut checks: Vec<(String, u32)> = Vec::new();
    if matches!(path, "/auth/login" | "/auth/callback" | "/auth/demo-login") {
        checks.push((format!("sign-in:{address}"), limits.sign_in_per_minute));
    } else if path.starts_with("/api/") && !request.method().is_safe() {
        checks.push((
            format!("mutations:{address}"),
            limits.mutations_per_minute_per_address,
        ));
        if let Some(cookie) = crate::session::read_cookie(
            request.headers(),
            crate::session::cookie_name(state.settings.secure_cookies),
        ) {
            checks.push((
                format!("session:{}", short_hash(cookie)),
                limits.mutations_per_minute_per_session,
            ));
        }
    }
    for (key, limit) in checks {
        if let Err(retry_after) = state.limiter.count(&key, limit).await {
            tracing::warn!(path, "rate limit reached");
            return AppError::TooManyRequests { retry_after }.into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_the_limit_then_refuses() {
        let limiter = RateLimiter::default();
        for _ in 0..3 {
            assert!(limiter.hit("k", 3).is_ok());
        }
        let retry = limiter.hit("k", 3).expect_err("over the limit");
        assert!((1..=60).contains(&retry));
        assert!(limiter.hit("other", 3).is_ok());
    }
}
