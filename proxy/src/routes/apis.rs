//! `/api/apis`: the APIs (Auth0's resource servers) and the permissions they define. Platform
//! admins only; the directory's own API (Auth0's Management API) is shown but never changed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::apis::{Api, ApiList, ApiPatchInput, NewApiInput};
use orgdesk_model::diff::{Change, ValueKind};

use super::record_tenant_change;
use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::DirectoryError;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apis", get(list).post(create))
        .route("/apis/{id}", get(read).patch(update).delete(remove))
}

/// The answer to a change of the directory's own API: allowed to ask, but the API's state
/// refuses it (and so a conflict, not a denial).
fn system_api() -> AppError {
    AppError::Conflict {
        message: "Auth0's Management API belongs to Auth0: it cannot be changed or deleted.".into(),
        field: None,
    }
}

async fn list(session: Session, State(state): State<AppState>) -> Result<Json<ApiList>, AppError> {
    access::authorize(&session, Action::ReadApis, None)?;
    Ok(Json(ApiList {
        items: state.directory.list_apis().await?,
    }))
}

async fn read(
    session: Session,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Api>, AppError> {
    access::authorize(&session, Action::ReadApis, None)?;
    let api = state.directory.get_api(&id).await?;
    Ok(Json(api.ok_or(AppError::NotFound)?))
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<NewApiInput>,
) -> Result<(StatusCode, Json<Api>), AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageApis, None).await?;
    let new = input.parse()?;
    let created = match state.directory.create_api(&new).await {
        Ok(api) => api,
        Err(DirectoryError::Conflict(message)) => {
            return Err(AppError::Conflict {
                message,
                field: Some("identifier"),
            })
        }
        Err(err) => return Err(err.into()),
    };
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::ApiCreate,
        &created.created(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ApiPatchInput>,
) -> Result<Json<Api>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageApis, None).await?;
    let patch = input.parse()?;
    let current = changeable(&state, &id).await?;
    let changes = current.changes(&current.apply(&patch));
    if changes.is_empty() {
        return Ok(Json(current));
    }
    let saved = state.directory.update_api(&id, &patch).await?;
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::ApiUpdate,
        &changes,
    )
    .await?;
    Ok(Json(saved))
}

async fn remove(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageApis, None).await?;
    let current = changeable(&state, &id).await?;
    state.directory.delete_api(&id).await?;
    let changes = [Change {
        field: "identifier".into(),
        label: "Identifier".into(),
        kind: ValueKind::Text,
        before: Some(current.identifier.clone()),
        after: None,
    }];
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::ApiDelete,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The API `id`, when it exists and may be changed: never the directory's own.
async fn changeable(state: &AppState, id: &str) -> Result<Api, AppError> {
    let current = state
        .directory
        .get_api(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.system {
        return Err(system_api());
    }
    Ok(current)
}
