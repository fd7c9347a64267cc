//! An organization's enabled connections.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::users::{
    check_connection_flags, ConnectionRef, OrgConnection, OrgConnectionInput,
};
use orgdesk_model::OrgId;

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org_id}/connections", get(list).post(enable))
        .route(
            "/orgs/{org_id}/connections/{connection_id}",
            axum::routing::patch(change).delete(disable),
        )
}

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
) -> Result<Json<Vec<OrgConnection>>, AppError> {
    access::authorize(&session, Action::ReadOrg, Some(&org))?;
    Ok(Json(state.directory.org_connections(&org).await?))
}

fn flags_change(before: Option<&OrgConnection>, after: Option<&OrgConnection>) -> Vec<Change> {
    let describe = |c: &OrgConnection| {
        format!(
            "{} (membership on login: {}, button: {}, sign-up: {})",
            c.connection.name, c.assign_membership_on_login, c.show_as_button, c.is_signup_enabled
        )
    };
    vec![Change {
        field: "connections".into(),
        label: "Connection".into(),
        kind: ValueKind::Text,
        before: before.map(describe),
        after: after.map(describe),
    }]
}

pub(super) async fn save(
    state: &AppState,
    session: &Session,
    org: &OrgId,
    connection_id: &str,
    input: &OrgConnectionInput,
    request_id: &ReqId,
) -> Result<OrgConnection, AppError> {
    let catalogue = state.directory.list_connections().await?;
    let known = catalogue
        .iter()
        .find(|c| c.id == connection_id)
        .ok_or_else(|| {
            AppError::Invalid(orgdesk_model::ValidationError {
                field: "connection_id".into(),
                message: format!("There is no connection {connection_id}."),
            })
        })?;
    let current = state.directory.org_connections(org).await?;
    let before = current
        .iter()
        .find(|c| c.connection_id == connection_id)
        .cloned();
    let merged = OrgConnection {
        connection_id: connection_id.to_owned(),
        assign_membership_on_login: input.assign_membership_on_login.unwrap_or(
            before
                .as_ref()
                .is_some_and(|b| b.assign_membership_on_login),
        ),
        show_as_button: input
            .show_as_button
            .unwrap_or(before.as_ref().is_none_or(|b| b.show_as_button)),
        is_signup_enabled: input
            .is_signup_enabled
            .unwrap_or(before.as_ref().is_some_and(|b| b.is_signup_enabled)),
        connection: ConnectionRef {
            name: known.name.clone(),
            strategy: known.strategy.clone(),
        },
    };
    check_connection_flags(
        &known.strategy,
        merged.assign_membership_on_login,
        merged.is_signup_enabled,
    )?;
    let saved = state.directory.put_org_connection(org, &merged).await?;
    let action = if before.is_some() {
        AuditAction::ConnectionsUpdate
    } else {
        AuditAction::ConnectionsEnable
    };
    super::record_change(
        state,
        session,
        request_id,
        Some(org),
        action,
        &flags_change(before.as_ref(), Some(&saved)),
    )
    .await?;
    Ok(saved)
}

async fn enable(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<OrgConnectionInput>,
) -> Result<(StatusCode, Json<OrgConnection>), AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageConnections, Some(&org)).await?;
    let connection_id = input.connection_id.clone().ok_or_else(|| {
        AppError::Invalid(orgdesk_model::ValidationError {
            field: "connection_id".into(),
            message: "Name the connection to enable.".into(),
        })
    })?;
    let saved = save(&state, &session, &org, &connection_id, &input, &request_id).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

async fn change(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, connection_id)): ApiPath<(OrgId, String)>,
    ApiJson(input): ApiJson<OrgConnectionInput>,
) -> Result<Json<OrgConnection>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageConnections, Some(&org)).await?;
    let enabled = state.directory.org_connections(&org).await?;
    if !enabled.iter().any(|c| c.connection_id == connection_id) {
        return Err(AppError::NotFound);
    }
    Ok(Json(
        save(&state, &session, &org, &connection_id, &input, &request_id).await?,
    ))
}

async fn disable(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, connection_id)): ApiPath<(OrgId, String)>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageConnections, Some(&org)).await?;
    let enabled = state.directory.org_connections(&org).await?;
    let before = enabled
        .iter()
        .find(|c| c.connection_id == connection_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    state
        .directory
        .delete_org_connection(&org, &connection_id)
        .await?;
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org),
        AuditAction::ConnectionsDisable,
        &flags_change(Some(&before), None),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
