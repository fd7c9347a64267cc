//! `GET` and `PATCH /api/tenant/settings`: the tenant's own settings (platform admins).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::error::AppError;
use crate::extract::{ApiJson, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/tenant/settings", get(read).patch(update))
}

async fn read(
    session: Session,
    State(state): State<AppState>,
) -> Result<Json<TenantSettings>, AppError> {
    access::authorize(&session, Action::ReadTenant, None)?;
    Ok(Json(state.directory.tenant_settings().await?))
}

async fn update(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<TenantSettingsInput>,
) -> Result<Json<TenantSettings>, AppError> {
    role_checks::authorize_change(&state, &session, Action::EditTenant, None).await?;
    let change = input.parse()?;
    let current = state.directory.tenant_settings().await?;
    let changes = current.changes(&current.apply(&change));
    if changes.is_empty() {
        return Ok(Json(current));
    }
    let saved = state.directory.update_tenant_settings(&change).await?;
    super::record_change(
        &state,
        &session,
        &request_id,
        None,
        AuditAction::TenantUpdate,
        &changes,
    )
    .await?;
    Ok(Json(saved))
}
