//! Before a change in real mode, whether the caller still holds their role in the tenant, and
//! when each session's role was last confirmed by the tenant (real mode re-checks it before a
//! change, at most once per `role_recheck`): in memory for a single orgdesk, in PostgreSQL for replicas,
//! so that a check made on one counts on all and a lost role is asked again everywhere.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orgdesk_model::{OrgId, Role};

use crate::access::Action;
use crate::audit::{AuditAction, Entry};
use crate::db::{now, PgDb};
use crate::directory::DirectoryError;
use crate::error::AppError;
use crate::extract::ReqId;
use crate::session::Session;
use crate::AppState;

/// The record of confirmed roles.
#[derive(Debug)]
pub struct RoleChecks {
    memory: Mutex<HashMap<String, Instant>>,
    shared: Option<PgDb>,
}

impl RoleChecks {
    /// Checks kept in this process.
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            memory: Mutex::default(),
            shared: None,
        }
    }

    /// Checks every replica on `db` shares.
    #[must_use]
    pub fn shared(db: PgDb) -> Self {
        Self {
            memory: Mutex::default(),
            shared: Some(db),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the session's role was confirmed within `ttl`.
    pub async fn recently_checked(&self, id_hash: &str, ttl: Duration) -> bool {
        if ttl.is_zero() {
            return false;
        }
        match &self.shared {
            None => self
                .memory()
                .get(id_hash)
                .is_some_and(|at| at.elapsed() < ttl),
            Some(db) => {
                let since = now() - i64::try_from(ttl.as_secs()).unwrap_or(60);
                sqlx::query_scalar::<_, i64>(
                    "SELECT checked_at FROM role_checks WHERE session_hash = $1 AND checked_at > $2",
                )
                .bind(id_hash)
                .bind(since)
                .fetch_optional(db.pool())
                .await
                // Unknown counts as not checked: the tenant is asked again.
                .is_ok_and(|found| found.is_some())
            }
        }
    }

    /// Notes a confirmed role, or forgets the session when the role is gone.
    pub async fn note(&self, id_hash: &str, holds: bool) {
        if !holds {
            self.forget(id_hash).await;
            return;
        }
        match &self.shared {
            None => {
                let mut memory = self.memory();
                if memory.len() > 10_000 {
                    // Checks older than an hour are older than any sensible re-check time.
                    memory.retain(|_, at| at.elapsed() < Duration::from_secs(3_600));
                }
                memory.insert(id_hash.to_owned(), Instant::now());
            }
            Some(db) => {
                let noted = sqlx::query(
                    "INSERT INTO role_checks (session_hash, checked_at) VALUES ($1, $2) \
                     ON CONFLICT (session_hash) DO UPDATE SET checked_at = $2",
                )
                .bind(id_hash)
                .bind(now())
                .execute(db.pool())
                .await;
                if let Err(err) = noted {
                    tracing::warn!(error = %err, "could not note a role check");
                }
            }
        }
    }

    /// Forgets a session (it ended, or its role is gone).
    pub async fn forget(&self, id_hash: &str) {
        self.memory().remove(id_hash);
        if let Some(db) = &self.shared {
            let forgotten = sqlx::query("DELETE FROM role_checks WHERE session_hash = $1")
                .bind(id_hash)
                .execute(db.pool())
                .await;
            if let Err(err) = forgotten {
                tracing::warn!(error = %err, "could not forget a role check");
            }
        }
    }
}

/// [`authorize`](crate::access::authorize) for a change, and then, in real mode, that the caller's role still holds in
/// the tenant: checked against Auth0 at most once a minute per session (sign-in counts as a
/// check). A lost role ends the session. The tenant is asked only after the table has allowed
/// the change, so a denied request still makes no directory call.
///
/// # Errors
/// As [`authorize`](crate::access::authorize); 401 when the role no longer holds; 503 when Auth0 cannot be asked.
pub async fn authorize_change(
    state: &AppState,
    session: &Session,
    action: Action,
    org: Option<&OrgId>,
) -> Result<(), AppError> {
    crate::access::authorize(session, action, org)?;
    recheck_role(state, session).await
}

/// In real mode, whether the session's role still holds in the tenant, asked at most once per
/// `role_recheck` (a minute) per session; a lost role ends the session (401) and is audited.
///
/// # Errors
/// 401 when the role is gone; the directory's error when Auth0 cannot be asked.
pub async fn recheck_role(state: &AppState, session: &Session) -> Result<(), AppError> {
    let Some(oidc) = state.settings.oidc.as_deref() else {
        // Demo personas do not change.
        return Ok(());
    };
    if state
        .role_checks
        .recently_checked(&session.id_hash, state.settings.role_recheck)
        .await
    {
        return Ok(());
    }
    let holds = match (session.role, &session.org_id) {
        (Role::PlatformAdmin, _) => state
            .directory
            .user_roles(&session.user.id)
            .await?
            .iter()
            .any(|r| r.name == oidc.config().platform_admin_role),
        (Role::OrgAdmin, Some(org)) => {
            match state.directory.member_roles(org, &session.user.id).await {
                Ok(roles) => roles.iter().any(|r| r.name == oidc.config().org_admin_role),
                Err(DirectoryError::NotFound) => false,
                Err(err) => return Err(err.into()),
            }
        }
        _ => false,
    };
    state.role_checks.note(&session.id_hash, holds).await;
    if holds {
        return Ok(());
    }
    tracing::info!(user = %session.user.id, "role no longer held; session ended");
    state
        .audit
        .record(
            session,
            &ReqId::default(),
            Entry {
                org_id: session.org_id.as_ref(),
                action: AuditAction::RoleLost,
                changes: &[],
                outcome: "session ended",
            },
        )
        .await?;
    state.sessions.end(session).await?;
    Err(AppError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_check_lasts_its_time_and_is_forgotten_when_the_session_ends() {
        let ttl = Duration::from_millis(50);
        let checks = RoleChecks::in_memory();
        assert!(!checks.recently_checked("s", ttl).await);
        checks.note("s", true).await;
        assert!(checks.recently_checked("s", ttl).await);
        assert!(
            !checks.recently_checked("s", Duration::ZERO).await,
            "zero: always ask"
        );
        checks.forget("s").await;
        assert!(!checks.recently_checked("s", ttl).await);
        checks.note("s", true).await;
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(!checks.recently_checked("s", ttl).await, "expired");
        checks.note("s", true).await;
        checks.note("s", false).await;
        assert!(
            !checks.recently_checked("s", ttl).await,
            "a lost role is forgotten"
        );
    }
}
