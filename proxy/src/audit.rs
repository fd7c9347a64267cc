//! The audit log: every change made through orgdesk, who made it and what it changed, written
//! before the response returns.

use crate::db::{now, Store};
use crate::error::AppError;
use crate::extract::ReqId;
use crate::on_store;
use crate::session::Session;
pub use orgdesk_model::api::{AuditAction, AuditEntry};
use orgdesk_model::diff::Change;
use orgdesk_model::OrgId;

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
    /// Only records at or after this time (Unix seconds).
    pub since: Option<i64>,
    /// Only records before this time (Unix seconds).
    pub until: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// What one audit row says happened (who did it comes from the session).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The organization concerned, if one.
    pub org_id: Option<&'a OrgId>,
    /// What was done.
    pub action: AuditAction,
    /// Field by field, before → after (secret fields are redacted when written).
    pub changes: &'a [Change],
    /// `ok`, or what went wrong.
    pub outcome: &'a str,
}

/// Who did something.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// User id, or `anonymous`.
    pub id: &'a str,
    /// Email, or empty.
    pub email: &'a str,
    /// Role, or `anonymous`.
    pub role: &'a str,
}

/// Values of fields that name a secret never reach the log.
fn redact(change: &Change) -> Change {
    let secret = ["password", "secret", "token"]
        .iter()
        .any(|word| change.field.to_ascii_lowercase().contains(word));
    if secret {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[redacted]".to_owned());
        Change {
            before: hidden(&change.before),
            after: hidden(&change.after),
            ..change.clone()
        }
    } else {
        change.clone()
    }
}

/// The log in the database.
#[derive(Debug, Clone)]
pub struct AuditLog {
    store: Store,
}

impl AuditLog {
    /// The log kept in `store`.
    #[must_use]
    pub fn new(store: impl Into<Store>) -> Self {
        Self {
            store: store.into(),
        }
    }

    /// Appends a record.
    ///
    /// # Errors
    /// When the database refuses; the caller then fails the request.
    pub async fn record(
        &self,
        session: &Session,
        request_id: &ReqId,
        entry: Entry<'_>,
    ) -> Result<(), AppError> {
        let actor = Actor {
            id: &session.user.id,
            email: &session.user.email,
            role: session.role.as_str(),
        };
        self.append(
            &actor,
            entry.org_id,
            entry.action,
            entry.changes,
            entry.outcome,
            request_id,
        )
        .await
    }

    /// Appends a record for any actor (also the anonymous caller of a denied request).
    ///
    /// The change it records has already been made. When the row cannot be written, the whole
    /// entry goes to the error log (so that nothing is lost) and the answer is
    /// [`AppError::NotRecorded`]: "applied, but not recorded", never a plain failure.
    ///
    /// # Errors
    /// [`AppError::NotRecorded`] when the database refuses.
    pub async fn append(
        &self,
        actor: &Actor<'_>,
        org_id: Option<&OrgId>,
        action: AuditAction,
        changes: &[Change],
        outcome: &str,
        request_id: &ReqId,
    ) -> Result<(), AppError> {
        let redacted: Vec<Change> = changes.iter().map(redact).collect();
        let changes = serde_json::to_string(&redacted)
            .map_err(|err| AppError::Internal(format!("audit: {err}")))?;
        let at = now();
        let written = on_store!(write &self.store, ex => sqlx::query("INSERT INTO audit_log (at, actor_id, actor_email, actor_role, org_id, action, changes, outcome, request_id, client_request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(at)
            .bind(actor.id)
            .bind(actor.email)
            .bind(actor.role)
            .bind(org_id.map(OrgId::as_str))
            .bind(action.as_str())
            .bind(&changes)
            .bind(outcome)
            .bind(request_id.id.as_deref())
            .bind(request_id.client.as_deref())
            .execute(ex)
            .await
            .map(|done| done.rows_affected()));
        if let Err(err) = written {
            crate::metrics::METRICS.inc("orgdesk_audit_write_failures_total", &[]);
            let entry = serde_json::json!({
                "at": at,
                "actor_id": actor.id,
                "actor_email": actor.email,
                "actor_role": actor.role,
                "org_id": org_id.map(OrgId::as_str),
                "action": action.as_str(),
                "changes": redacted,
                "outcome": outcome,
                "request_id": request_id.id,
                "client_request_id": request_id.client,
            });
            tracing::error!(
                error = %err,
                audit_entry = %entry,
                request_id = request_id.id.as_deref().unwrap_or("-"),
                "applied, but not recorded: the audit row could not be written"
            );
            return Err(AppError::NotRecorded {
                request_id: request_id.id.clone(),
            });
        }
        Ok(())
    }

    /// Deletes the rows older than `days` and records the purge itself, in one transaction.
    /// The retention is written to the database first: its trigger refuses to delete any row
    /// younger than that, whatever the statement says.
    ///
    /// # Errors
    /// When the database refuses; then nothing is deleted.
    pub async fn purge(&self, days: u32) -> Result<u64, sqlx::Error> {
        let cutoff = now() - i64::from(days) * 86_400;
        let changes = |deleted: u64| {
            serde_json::to_string(&[
                Change {
                    field: "rows".into(),
                    label: "Rows deleted".into(),
                    kind: orgdesk_model::diff::ValueKind::Text,
                    before: Some(deleted.to_string()),
                    after: None,
                },
                Change {
                    field: "retention_days".into(),
                    label: "Retention (days)".into(),
                    kind: orgdesk_model::diff::ValueKind::Text,
                    before: None,
                    after: Some(days.to_string()),
                },
            ])
            .unwrap_or_else(|_| "[]".into())
        };
        const RECORD: &str = "INSERT INTO audit_log (at, actor_id, actor_email, actor_role, org_id, action, changes, outcome) VALUES ($1, 'orgdesk', '', 'system', NULL, 'audit.purge', $2, 'ok')";
        let days_i32 = i32::try_from(days).unwrap_or(i32::MAX);
        let sqlite = matches!(self.store, Store::Sqlite(_));
        on_store!(tx &self.store, tx => {
            let deleted = if sqlite {
                // The retention is written first: the schema's guard refuses to delete any row
                // younger than it, whatever the statement says.
                sqlx::query("UPDATE audit_retention SET days = $1 WHERE id = 1")
                    .bind(days_i32)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM audit_log WHERE at < $1")
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            } else {
                // On PostgreSQL the purge runs with the schema owner's rights (orgdesk's role
                // may not delete audit rows itself), by the function's one rule.
                let deleted: i64 = sqlx::query_scalar("SELECT orgdesk_purge_audit($1)")
                    .bind(days_i32)
                    .fetch_one(&mut *tx)
                    .await?;
                u64::try_from(deleted).unwrap_or(0)
            };
            if deleted > 0 {
                sqlx::query(RECORD)
                    .bind(now())
                    .bind(changes(deleted))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(deleted)
        })
    }

    /// The newest records matching `filter`, newest first.
    ///
    /// # Errors
    /// When the database cannot be read.
    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_store!(read &self.store, ex => sqlx::query_as(
            "SELECT id, at, actor_id, actor_email, actor_role, org_id, action, changes, outcome, request_id, client_request_id FROM audit_log \
             WHERE ($1 IS NULL OR org_id = $1) AND ($2 IS NULL OR actor_email = $2 OR actor_id = $2) \
             AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR id < $4) \
             AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7) ORDER BY id DESC LIMIT $5",
        )
        .bind(filter.org_id.as_ref().map(OrgId::as_str))
        .bind(filter.actor.as_deref())
        .bind(filter.action.as_deref())
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .bind(filter.since)
        .bind(filter.until)
        .fetch_all(ex)
        .await)?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    at,
                    actor_id,
                    actor_email,
                    actor_role,
                    org_id,
                    action,
                    changes,
                    outcome,
                    request_id,
                    client_request_id,
                )| AuditEntry {
                    id,
                    at,
                    actor_id,
                    actor_email,
                    actor_role,
                    org_id,
                    action: AuditAction::from(action),
                    changes: serde_json::from_str(&changes).unwrap_or_default(),
                    outcome,
                    request_id,
                    client_request_id,
                },
            )
            .collect())
    }
}

/// Records mutations that were refused (401, 403, the 404 of another org, 429): who tried,
/// what, and the outcome. The org recorded is the caller's own, from the session — never from
/// the request.
pub async fn record_denied(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    if matches!(
        method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    // Nested under /api: the original URI carries the full path.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(
            || request.uri().path().to_owned(),
            |uri| uri.path().to_owned(),
        );
    let request_id = ReqId {
        id: request
            .extensions()
            .get::<tower_http::request_id::RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .map(str::to_owned),
        client: request
            .extensions()
            .get::<crate::extract::ClientRequestId>()
            .map(|id| id.0.clone()),
    };
    let token = crate::session::read_cookie(
        request.headers(),
        crate::session::cookie_name(state.settings.secure_cookies),
    )
    .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status().as_u16();
    if !matches!(status, 401 | 403 | 404 | 429) {
        return response;
    }
    let session = match &token {
        Some(token) => state.sessions.find(token).await.ok().flatten(),
        None => None,
    };
    if status == 404
        && session
            .as_ref()
            .is_some_and(|s| s.role == orgdesk_model::Role::PlatformAdmin)
    {
        // A platform admin's 404 is a missing thing, not a refusal.
        return response;
    }
    let actor = session.as_ref().map_or(
        Actor {
            id: "anonymous",
            email: "",
            role: "anonymous",
        },
        |s| Actor {
            id: &s.user.id,
            email: &s.user.email,
            role: s.role.as_str(),
        },
    );
    let change = Change {
        field: "request".into(),
        label: "Request".into(),
        kind: orgdesk_model::diff::ValueKind::Text,
        before: None,
        after: Some(format!("{method} {path}")),
    };
    if let Err(err) = state
        .audit
        .append(
            &actor,
            session.as_ref().and_then(|s| s.org_id.as_ref()),
            AuditAction::Denied,
            &[change],
            &format!("denied ({status})"),
            &request_id,
        )
        .await
    {
        tracing::error!(error = %err, "could not record a denied request");
    }
    response
}
