//! `GET /api/audit`: the audit log, newest first; `GET /api/audit.csv`: the same records as a
//! spreadsheet. Org admins see their own org's records only. There is no route that changes or
//! removes a record.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::api::CursorPage;
use orgdesk_model::{OrgId, Role};
use serde::Deserialize;

use crate::access::{self, Action};
use crate::audit::{AuditEntry, AuditFilter};
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit.csv", get(export))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    org_id: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    before: Option<String>,
    take: Option<u32>,
    /// Unix seconds.
    since: Option<i64>,
    /// Unix seconds.
    until: Option<i64>,
}

/// The most rows one export holds.
const EXPORT_MAX: u32 = 10_000;

/// The filter a caller may use: an org admin's scope comes from the session.
fn filter_for(
    session: &Session,
    params: &AuditParams,
    limit: u32,
) -> Result<AuditFilter, AppError> {
    access::authorize(session, Action::ReadAudit, None)?;
    let requested = params
        .org_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .map(|id| OrgId::parse(id).map_err(|_| AppError::NotFound))
        .transpose()?;
    // Asking for another org finds nothing.
    let org_id = match (session.role, requested) {
        (Role::PlatformAdmin, requested) => requested,
        (_, Some(requested)) => {
            access::authorize(session, Action::ReadAudit, Some(&requested))?;
            Some(requested)
        }
        (_, None) => Some(session.org_id.clone().ok_or(AppError::NotFound)?),
    };
    let before = params
        .before
        .as_deref()
        .map(|cursor| {
            cursor
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest("The cursor is not valid.".into()))
        })
        .transpose()?;
    Ok(AuditFilter {
        org_id,
        actor: params.actor.clone().filter(|a| !a.is_empty()),
        action: params.action.clone().filter(|a| !a.is_empty()),
        before,
        since: params.since,
        until: params.until,
        limit,
    })
}

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<CursorPage<AuditEntry>>, AppError> {
    let take = params.take.unwrap_or(50).clamp(1, 100);
    let filter = filter_for(&session, &params, take + 1)?;
    let mut items = state.audit.list(&filter).await?;
    let next = if items.len() > take as usize {
        items.truncate(take as usize);
        items.last().map(|entry| entry.id.to_string())
    } else {
        None
    };
    Ok(Json(CursorPage { items, next }))
}

/// One CSV cell: quoted when needed, and never read as a formula by a spreadsheet.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (empty for a time out of range).
fn iso(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn export(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let filter = filter_for(&session, &params, EXPORT_MAX)?;
    let entries = state.audit.list(&filter).await?;
    let mut csv = String::from(
        "time,actor_email,actor_id,actor_role,org_id,action,outcome,request_id,changes\r\n",
    );
    for entry in &entries {
        let changes = entry
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {} → {}",
                    c.field,
                    c.before.as_deref().unwrap_or("(none)"),
                    c.after.as_deref().unwrap_or("(none)")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let row = [
            iso(entry.at),
            entry.actor_email.clone(),
            entry.actor_id.clone(),
            entry.actor_role.clone(),
            entry.org_id.clone().unwrap_or_default(),
            entry.action.to_string(),
            entry.outcome.clone(),
            entry.request_id.clone().unwrap_or_default(),
            changes,
        ];
        csv.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"orgdesk-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::{cell, iso};

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
    }

    #[test]
    fn times_are_iso_utc() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_674_668_976), "2023-01-25T17:49:36Z");
        assert_eq!(iso(1_709_208_000), "2024-02-29T12:00:00Z");
    }
}
