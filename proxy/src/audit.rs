//! The audit log: every change made through orgdesk, who made it and what it changed, written
//! before the response returns.

pub use orgdesk_model::api::AuditEntry;
use orgdesk_model::diff::Change;
use orgdesk_model::OrgId;
use sqlx::{Row, SqlitePool};

use crate::db::now;
use crate::error::AppError;
use crate::session::Session;

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this organization's.
    pub org_id: Option<OrgId>,
    /// Only this person's (email or id).
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only records older than this id (the cursor).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// The log in the database.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pool: SqlitePool,
}

impl AuditLog {
    /// The log kept in `pool`.
    #[must_use]
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Appends a record.
    ///
    /// # Errors
    /// When the database refuses; the caller then fails the request.
    pub async fn record(
        &self,
        session: &Session,
        org_id: Option<&OrgId>,
        action: &str,
        changes: &[Change],
        outcome: &str,
        request_id: Option<&str>,
    ) -> Result<(), AppError> {
        let changes = serde_json::to_string(changes)
            .map_err(|err| AppError::Internal(format!("audit: {err}")))?;
        sqlx::query("INSERT INTO audit_log (at, actor_id, actor_email, actor_role, org_id, action, changes, outcome, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .bind(now())
            .bind(&session.user.id)
            .bind(&session.user.email)
            .bind(session.role.as_str())
            .bind(org_id.map(OrgId::as_str))
            .bind(action)
            .bind(changes)
            .bind(outcome)
            .bind(request_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest records matching `filter`, newest first.
    ///
    /// # Errors
    /// When the database cannot be read.
    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        let rows = sqlx::query(
            "SELECT id, at, actor_id, actor_email, actor_role, org_id, action, changes, outcome, request_id FROM audit_log \
             WHERE (?1 IS NULL OR org_id = ?1) AND (?2 IS NULL OR actor_email = ?2 OR actor_id = ?2) \
             AND (?3 IS NULL OR action = ?3) AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?5",
        )
        .bind(filter.org_id.as_ref().map(OrgId::as_str))
        .bind(filter.actor.as_deref())
        .bind(filter.action.as_deref())
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let changes: String = row.try_get("changes")?;
                Ok(AuditEntry {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor_id: row.try_get("actor_id")?,
                    actor_email: row.try_get("actor_email")?,
                    actor_role: row.try_get("actor_role")?,
                    org_id: row.try_get("org_id")?,
                    action: row.try_get("action")?,
                    changes: serde_json::from_str(&changes).unwrap_or_default(),
                    outcome: row.try_get("outcome")?,
                    request_id: row.try_get("request_id")?,
                })
            })
            .collect()
    }
}
