//! Who is calling: server-side sessions behind an HttpOnly cookie, and the CSRF checks that
//! every mutating call must pass.

pub mod demo;
pub mod oidc;
pub mod role_checks;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::Store;
use crate::on_store;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine as _;
use cookie::{Cookie, SameSite};
use orgdesk_model::{MeUser, OrgId, Role};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::db::now;
use crate::error::AppError;
use crate::AppState;

/// A session ends this long after sign-in, however active it is.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 3600;
/// A session ends after this long without a request.
pub const IDLE_LIFETIME_SECS: i64 = 2 * 3600;
/// How stale a session's idle timer may get before a request writes it again. Reading a session
/// is a shared read; writing its timer on every request made every request of every person
/// queue for SQLite's single writer.
const TOUCH_EVERY_SECS: i64 = 60;
/// The header that carries the CSRF token on every mutating call.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in person behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie value, the row's key.
    pub id_hash: String,
    /// Who they are.
    pub user: MeUser,
    /// What they may be.
    pub role: Role,
    /// Their organization, for org admins and members. Scoping always comes from here.
    pub org_id: Option<OrgId>,
    /// The token mutating calls must echo in `x-csrf-token`.
    pub csrf_token: String,
}

/// The facts a sign-in establishes.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Who signed in.
    pub user: MeUser,
    /// Their role.
    pub role: Role,
    /// Their organization, unless they are a platform admin.
    pub org_id: Option<OrgId>,
}

/// How long a session read from the database is used without reading it again. A sign-out or a
/// failed role re-check in this process takes effect at once; one made through another proxy
/// sharing the database, within this time.
const RECENT_SECS: u64 = 5;
/// How many recently read sessions are kept.
const RECENT_CAPACITY: usize = 10_000;

/// Sessions in the database, so they survive restarts and can be shared by several proxies.
/// Sessions read in the last few seconds are kept in memory: every request reads its session,
/// and under load the round trip to SQLite's threads cost more than the rest of the request.
#[derive(Debug, Clone)]
pub struct SessionStore {
    store: Store,
    /// How long a session read from the database is used without reading it again: a few
    /// seconds for a single orgdesk (a sign-out here takes effect at once), one second on
    /// PostgreSQL, where a sign-out on another replica must end it here within a second.
    recent_for: Duration,
    recent: Arc<Mutex<HashMap<String, (Session, Instant)>>>,
}

fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| AppError::Internal(format!("random: {err}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

impl SessionStore {
    /// Sessions kept in `store`.
    #[must_use]
    pub fn new(store: impl Into<Store>) -> Self {
        let store = store.into();
        let recent_for = match store {
            Store::Sqlite(_) => Duration::from_secs(RECENT_SECS),
            Store::Postgres(_) => Duration::from_secs(1),
        };
        Self {
            store,
            recent_for,
            recent: Arc::default(),
        }
    }

    fn recent(&self, id_hash: &str) -> Option<Session> {
        let recent = self.recent.lock().ok()?;
        let (session, read_at) = recent.get(id_hash)?;
        (read_at.elapsed() < self.recent_for).then(|| session.clone())
    }

    fn remember(&self, session: &Session) {
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() >= RECENT_CAPACITY {
                let horizon = self.recent_for;
                recent.retain(|_, (_, read_at)| read_at.elapsed() < horizon);
                if recent.len() >= RECENT_CAPACITY {
                    recent.clear();
                }
            }
            recent.insert(session.id_hash.clone(), (session.clone(), Instant::now()));
        }
    }

    fn forget(&self, id_hash: &str) {
        if let Ok(mut recent) = self.recent.lock() {
            recent.remove(id_hash);
        }
    }

    /// Starts a session with a fresh id; returns the cookie value, which is stored only hashed.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn create(&self, new: NewSession) -> Result<(String, Session), AppError> {
        let token = random_token()?;
        let session = Session {
            id_hash: hash_token(&token),
            user: new.user,
            role: new.role,
            org_id: new.org_id,
            csrf_token: random_token()?,
        };
        let now = now();
        on_store!(write &self.store, ex => sqlx::query("INSERT INTO sessions (id_hash, user_id, email, name, picture, role, org_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)")
            .bind(&session.id_hash)
            .bind(&session.user.id)
            .bind(&session.user.email)
            .bind(&session.user.name)
            .bind(&session.user.picture)
            .bind(session.role.as_str())
            .bind(session.org_id.as_ref().map(OrgId::as_str))
            .bind(&session.csrf_token)
            .bind(now)
            .bind(now + ABSOLUTE_LIFETIME_SECS)
            .execute(ex)
            .await
            .map(|done| done.rows_affected()))?;
        Ok((token, session))
    }

    /// The live session a cookie value stands for, touching its idle timer (at most once a
    /// minute, so that an idle session still ends within a minute of its idle lifetime).
    ///
    /// # Errors
    /// When the database cannot be read.
    pub async fn find(&self, token: &str) -> Result<Option<Session>, AppError> {
        let id_hash = hash_token(token);
        if let Some(session) = self.recent(&id_hash) {
            return Ok(Some(session));
        }
        let now = now();
        type Row = (
            String,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            i64,
        );
        let row: Option<Row> = on_store!(read &self.store, ex => sqlx::query_as("SELECT user_id, email, name, picture, role, org_id, csrf_token, last_seen_at FROM sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3")
            .bind(&id_hash)
            .bind(now)
            .bind(now - IDLE_LIFETIME_SECS)
            .fetch_optional(ex)
            .await)?;
        let Some((user_id, email, name, picture, role, org_id, csrf_token, last_seen)) = row else {
            return Ok(None);
        };
        if now - last_seen >= TOUCH_EVERY_SECS {
            // Best effort: a busy writer must not fail the request the session is for; the timer
            // is tried again on the next read.
            let touched = on_store!(write &self.store, ex => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                .bind(&id_hash)
                .bind(now)
                .execute(ex)
                .await
                .map(|done| done.rows_affected()));
            if let Err(err) = touched {
                tracing::warn!(error = %err, "could not touch a session's idle timer");
            }
        }
        let session = Session {
            id_hash,
            user: MeUser {
                id: user_id,
                email,
                name,
                picture,
            },
            role: Role::parse(&role)
                .ok_or_else(|| AppError::Internal(format!("stored session has role {role}")))?,
            org_id: org_id
                .map(|id| OrgId::parse(&id))
                .transpose()
                .map_err(|err| AppError::Internal(format!("stored session org: {err}")))?,
            csrf_token,
        };
        self.remember(&session);
        Ok(Some(session))
    }

    /// Starts a sign-in: a fresh state, nonce and PKCE verifier kept server-side; returns the
    /// pre-login cookie value (stored only hashed) and the transaction.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn begin_login(
        &self,
        return_to: String,
        organization: Option<String>,
    ) -> Result<(String, oidc::LoginTransaction), AppError> {
        let cookie = random_token()?;
        let tx = oidc::LoginTransaction {
            state: random_token()?,
            nonce: random_token()?,
            verifier: random_token()?,
            return_to,
            organization,
        };
        let now = now();
        on_store!(write &self.store, ex => sqlx::query("DELETE FROM login_transactions WHERE created_at <= $1")
            .bind(now - oidc::LOGIN_TTL_SECS)
            .execute(ex)
            .await
            .map(|done| done.rows_affected()))?;
        on_store!(write &self.store, ex => sqlx::query("INSERT INTO login_transactions (id_hash, state, nonce, verifier, return_to, organization, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(hash_token(&cookie))
            .bind(&tx.state)
            .bind(&tx.nonce)
            .bind(&tx.verifier)
            .bind(&tx.return_to)
            .bind(&tx.organization)
            .bind(now)
            .execute(ex)
            .await
            .map(|done| done.rows_affected()))?;
        Ok((cookie, tx))
    }

    /// Takes the sign-in a pre-login cookie stands for; it cannot be taken twice.
    ///
    /// # Errors
    /// When the database cannot be used.
    pub async fn take_login(
        &self,
        cookie: &str,
    ) -> Result<Option<oidc::LoginTransaction>, AppError> {
        type Row = (String, String, String, String, Option<String>, i64);
        let row: Option<Row> = on_store!(write &self.store, ex => sqlx::query_as("DELETE FROM login_transactions WHERE id_hash = $1 RETURNING state, nonce, verifier, return_to, organization, created_at")
            .bind(hash_token(cookie))
            .fetch_optional(ex)
            .await)?;
        let Some((state, nonce, verifier, return_to, organization, created_at)) = row else {
            return Ok(None);
        };
        if created_at <= now() - oidc::LOGIN_TTL_SECS {
            return Ok(None);
        }
        Ok(Some(oidc::LoginTransaction {
            state,
            nonce,
            verifier,
            return_to,
            organization,
        }))
    }

    /// Sessions alive now (for status and tests).
    ///
    /// # Errors
    /// When the database cannot be read.
    pub async fn count_live(&self) -> Result<i64, AppError> {
        Ok(
            on_store!(read &self.store, ex => sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at > $1")
                .bind(now())
                .fetch_one(ex)
                .await)?,
        )
    }

    /// Ends a session.
    ///
    /// # Errors
    /// When the database refuses the write.
    pub async fn end(&self, session: &Session) -> Result<(), AppError> {
        self.forget(&session.id_hash);
        on_store!(write &self.store, ex => sqlx::query("DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2")
            .bind(&session.id_hash)
            .bind(now())
            .execute(ex)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

/// The session cookie's name: `__Host-` prefixed when served over https, where browsers then
/// guarantee it is Secure, host-only and path `/`.
#[must_use]
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-orgdesk_session"
    } else {
        "orgdesk_session"
    }
}

/// The `Set-Cookie` value that starts a session.
#[must_use]
pub fn session_cookie(token: &str, secure: bool) -> String {
    set_cookie(
        cookie_name(secure),
        token,
        SameSite::Strict,
        ABSOLUTE_LIFETIME_SECS,
        secure,
    )
}

/// The `Set-Cookie` value that removes the session cookie.
#[must_use]
pub fn clear_cookie(secure: bool) -> String {
    set_cookie(cookie_name(secure), "", SameSite::Strict, 0, secure)
}

/// A `Set-Cookie` value for one of orgdesk's cookies: HttpOnly, for the whole site, and Secure
/// when served over https.
#[must_use]
pub fn set_cookie(
    name: &str,
    value: &str,
    same_site: SameSite,
    max_age_secs: i64,
    secure: bool,
) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .max_age(time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build()
        .to_string()
}

/// One cookie's value from the request headers.
#[must_use]
pub fn read_cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .and_then(|cookie| cookie.value_raw())
}

/// Refuses requests that a browser says came from another site, the first line of CSRF defence
/// for every state-changing request (sign-in included).
///
/// `https` is whether a trusted proxy said the client came over https; then an `http://`
/// origin is another origin.
///
/// # Errors
/// `Forbidden` when `Sec-Fetch-Site` names another site or `Origin` is not this host.
pub fn ensure_same_origin(headers: &HeaderMap, https: bool) -> Result<(), AppError> {
    const REFUSED: AppError =
        AppError::Forbidden("This request did not come from orgdesk itself, so it was refused.");
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return Err(REFUSED);
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).map(HeaderValue::as_bytes);
        let origin_host = origin.to_str().ok().and_then(|o| {
            o.strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://").filter(|_| !https))
        });
        if origin_host.map(str::as_bytes) != host || host.is_none() {
            return Err(REFUSED);
        }
    }
    Ok(())
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = read_cookie(&parts.headers, cookie_name(state.settings.secure_cookies))
            .ok_or(AppError::Unauthenticated)?;
        let session = state
            .sessions
            .find(token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !parts.method.is_safe() {
            let https = parts
                .extensions
                .get::<crate::server::ClientInfo>()
                .is_some_and(|client| client.https);
            ensure_same_origin(&parts.headers, https)?;
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default();
            if !constant_time_eq(sent, session.csrf_token.as_bytes()) {
                return Err(AppError::Forbidden(
                    "The request lacked a valid CSRF token. Reload the page and try again.",
                ));
            }
        }
        Ok(session)
    }
}

/// The path to send someone to after sign-in: a same-origin relative path, or `/`.
#[must_use]
pub fn safe_return_to(requested: Option<&str>) -> String {
    let Some(path) = requested else {
        return "/".to_owned();
    };
    let mut chars = path.chars();
    let looks_local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && path.len() <= 2048
        && path.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    // And only into the app's own screens.
    let first = path
        .get(1..)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    if looks_local && RETURN_TO_SCREENS.contains(&first) {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The app's screens a sign-in may return to (the first path segment).
pub const RETURN_TO_SCREENS: &[&str] = &[
    "", "orgs", "users", "roles", "settings", "audit", "apis", "import",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_keeps_only_local_paths() {
        assert_eq!(
            safe_return_to(Some("/orgs/org_abc?tab=branding")),
            "/orgs/org_abc?tab=branding"
        );
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/ok\r\nSet-Cookie: x=y",
            "",
            "evil",
            "%2F%2Fevil.example",
            "/%2F%2Fevil.example",
            "/auth/logout",
            "/api/orgs",
            "/ok\n",
        ] {
            assert_eq!(safe_return_to(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_return_to(None), "/");
        assert_eq!(safe_return_to(Some("/audit?org_id=x")), "/audit?org_id=x");
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; orgdesk_session_x=2; orgdesk_session=abc"),
        );
        assert_eq!(read_cookie(&headers, "orgdesk_session"), Some("abc"));
        assert_eq!(read_cookie(&headers, "missing"), None);
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        // What a browser reads back, whatever order the attributes come in.
        let secure = Cookie::parse(session_cookie("t", true)).expect("a cookie");
        assert_eq!(
            (secure.name(), secure.value()),
            ("__Host-orgdesk_session", "t")
        );
        assert_eq!(secure.path(), Some("/"));
        assert_eq!(secure.http_only(), Some(true));
        assert_eq!(secure.same_site(), Some(SameSite::Strict));
        assert_eq!(secure.secure(), Some(true));
        assert_eq!(
            secure.max_age(),
            Some(time::Duration::seconds(ABSOLUTE_LIFETIME_SECS))
        );
        let plain = Cookie::parse(session_cookie("t", false)).expect("a cookie");
        assert_eq!(plain.name(), "orgdesk_session");
        assert_eq!(plain.secure(), None);
        let cleared = Cookie::parse(clear_cookie(true)).expect("a cookie");
        assert_eq!(
            (cleared.value(), cleared.max_age()),
            ("", Some(time::Duration::ZERO))
        );
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    async fn last_seen(store: &SessionStore, session: &Session) -> i64 {
        sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE id_hash = ?1")
            .bind(&session.id_hash)
            .fetch_one(store.store.sqlite().expect("sqlite").write())
            .await
            .expect("the session row")
    }

    async fn set_last_seen(store: &SessionStore, session: &Session, at: i64) {
        sqlx::query("UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1")
            .bind(&session.id_hash)
            .bind(at)
            .execute(store.store.sqlite().expect("sqlite").write())
            .await
            .expect("setting the idle timer");
    }

    #[tokio::test]
    async fn the_idle_timer_is_written_at_most_once_a_minute_and_ends_idle_sessions() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let pool = crate::db::open(dir.path()).await.expect("the database");
        // A new store for each read, so that every read goes to the database.
        let store = || SessionStore::new(pool.clone());
        let persona = &crate::session::demo::PERSONAS[0];
        let (token, session) = store().create(persona.session()).await.expect("a session");

        let recent = now() - 30;
        set_last_seen(&store(), &session, recent).await;
        assert!(store().find(&token).await.expect("read").is_some());
        assert_eq!(
            last_seen(&store(), &session).await,
            recent,
            "seen 30 s ago: no write"
        );

        set_last_seen(&store(), &session, now() - 61).await;
        assert!(store().find(&token).await.expect("read").is_some());
        assert!(
            now() - last_seen(&store(), &session).await <= 1,
            "seen 61 s ago: touched"
        );

        set_last_seen(&store(), &session, now() - IDLE_LIFETIME_SECS - 1).await;
        assert!(
            store().find(&token).await.expect("read").is_none(),
            "idle too long"
        );
        assert!(store().find("not-a-session").await.expect("read").is_none());
    }

    #[tokio::test]
    async fn a_session_read_moments_ago_is_not_read_again_and_signing_out_ends_it_at_once() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = SessionStore::new(crate::db::open(dir.path()).await.expect("the database"));
        let persona = &crate::session::demo::PERSONAS[0];
        let (token, session) = store.create(persona.session()).await.expect("a session");
        assert_eq!(
            store.find(&token).await.expect("read"),
            Some(session.clone())
        );

        // Gone from the database behind this store's back: still known for a few seconds.
        sqlx::query("DELETE FROM sessions")
            .execute(store.store.sqlite().expect("sqlite").write())
            .await
            .expect("delete");
        assert_eq!(
            store.find(&token).await.expect("read"),
            Some(session.clone())
        );

        store.end(&session).await.expect("sign out");
        assert_eq!(
            store.find(&token).await.expect("read"),
            None,
            "signed out here: at once"
        );
    }
}
