//! The JSON API under `/api`, one module per resource.

mod apis;
mod audit;
pub mod auth;
mod connections;
mod domains;
mod export;
mod import;
mod m2m;
mod me;
mod members;
mod orgs;
mod roles;
mod schema;
mod signin;
pub mod sso;

mod tenant;
mod users;

use axum::Router;
use orgdesk_model::diff::Change;
use orgdesk_model::OrgId;

use crate::audit::{AuditAction, Entry};
use crate::error::AppError;
use crate::extract::ReqId;
use crate::session::Session;
use crate::AppState;

/// The largest JSON body the API reads; an organization with full metadata is about 8 KB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route under `/api` (nested there); unknown ones answer 404 in the API's error shape.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(me::routes())
        .merge(orgs::routes())
        .merge(members::routes())
        .merge(audit::routes())
        .merge(schema::routes())
        .merge(users::routes())
        .merge(connections::routes())
        .merge(tenant::routes())
        .merge(apis::routes())
        .merge(roles::routes())
        .merge(m2m::routes())
        .merge(domains::routes())
        .merge(sso::routes())
        .merge(export::routes())
        .merge(import::routes())
        .fallback(|| async { AppError::NotFound })
}

/// Audits a change that was made: to one organization's things, or (`org` `None`) to the
/// whole tenant's.
pub(crate) async fn record_change(
    state: &AppState,
    session: &Session,
    request_id: &ReqId,
    org: Option<&OrgId>,
    action: AuditAction,
    changes: &[Change],
) -> Result<(), AppError> {
    state
        .audit
        .record(
            session,
            request_id,
            Entry {
                org_id: org,
                action,
                changes,
                outcome: "ok",
            },
        )
        .await
}

/// Audits a change to something of the whole tenant (an API, a role), not of one organization.
async fn record_tenant_change(
    state: &AppState,
    session: &Session,
    request_id: &ReqId,
    action: AuditAction,
    changes: &[Change],
) -> Result<(), AppError> {
    record_change(state, session, request_id, None, action, changes).await
}

/// 404 unless the organization exists.
async fn existing_org(state: &AppState, org: &OrgId) -> Result<(), AppError> {
    state
        .directory
        .get_org(org)
        .await?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// Audits a change to one organization's things (its M2M access, its domains).
async fn record_org_change(
    state: &AppState,
    session: &Session,
    request_id: &ReqId,
    org: &OrgId,
    action: AuditAction,
    changes: &[Change],
) -> Result<(), AppError> {
    record_change(state, session, request_id, Some(org), action, changes).await
}
