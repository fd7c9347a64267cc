//! `GET /api/audit`: the audit log, newest first; org admins see their own org's records only.

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
    Router::new().route("/audit", get(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    org_id: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    before: Option<String>,
    take: Option<u32>,
}

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<CursorPage<AuditEntry>>, AppError> {
    access::authorize(&session, Action::ReadAudit, None)?;
    let requested = params
        .org_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .map(|id| OrgId::parse(id).map_err(|_| AppError::NotFound))
        .transpose()?;
    // An org admin's scope comes from the session; asking for another org finds nothing.
    let org_id = match (session.role, requested) {
        (Role::PlatformAdmin, requested) => requested,
        (_, Some(requested)) => {
            access::authorize(&session, Action::ReadAudit, Some(&requested))?;
            Some(requested)
        }
        (_, None) => Some(session.org_id.clone().ok_or(AppError::NotFound)?),
    };
    let take = params.take.unwrap_or(50).clamp(1, 100);
    let before = params
        .before
        .as_deref()
        .map(|cursor| {
            cursor
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest("The cursor is not valid.".into()))
        })
        .transpose()?;
    let filter = AuditFilter {
        org_id,
        actor: params.actor.filter(|a| !a.is_empty()),
        action: params.action.filter(|a| !a.is_empty()),
        before,
        limit: take + 1,
    };
    let mut items = state.audit.list(&filter).await?;
    let next = if items.len() > take as usize {
        items.truncate(take as usize);
        items.last().map(|entry| entry.id.to_string())
    } else {
        None
    };
    Ok(Json(CursorPage { items, next }))
}
