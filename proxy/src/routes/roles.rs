//! `/api/roles`: the role catalogue everyone who assigns roles reads, and the role editor of
//! platform admins — create, rename, describe, delete, and give or take the permissions the APIs
//! define.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::members::RoleInfo;
use orgdesk_model::roles::{
    permission_changes, NewRoleInput, PermissionRef, RoleCatalogue, RoleDetail, RolePatchInput,
    RolePermissionList, RolePermissionsInput,
};
use orgdesk_model::{Role, ValidationError};

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
        .route("/roles", get(catalogue).post(create))
        .route("/roles/{id}", get(read).patch(update).delete(remove))
        .route(
            "/roles/{id}/permissions",
            get(permissions)
                .post(add_permissions)
                .delete(remove_permissions),
        )
}

/// Whether org admins may grant `role` (the allow-list names roles).
fn org_admin_grantable(state: &AppState, role: &RoleInfo) -> bool {
    state.settings.grantable_roles.contains(&role.name)
}

async fn catalogue(
    session: Session,
    State(state): State<AppState>,
) -> Result<Json<RoleCatalogue>, AppError> {
    access::authorize(&session, Action::ReadRoles, None)?;
    let items = state.directory.list_roles().await?;
    let ids = |keep: &dyn Fn(&RoleInfo) -> bool| {
        items
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    };
    let org_admin = ids(&|r| org_admin_grantable(&state, r));
    let grantable = match session.role {
        Role::PlatformAdmin => ids(&|_| true),
        Role::OrgAdmin => org_admin.clone(),
        Role::Member => Vec::new(),
    };
    Ok(Json(RoleCatalogue {
        items,
        grantable,
        org_admin_grantable: org_admin,
    }))
}

/// The role `id`, or 404.
async fn existing(state: &AppState, id: &str) -> Result<RoleInfo, AppError> {
    state
        .directory
        .get_role(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A taken name is the name field's conflict.
fn name_conflict(err: DirectoryError) -> AppError {
    match err {
        DirectoryError::Conflict(message) => AppError::Conflict {
            message,
            field: Some("name"),
        },
        other => other.into(),
    }
}

async fn read(
    session: Session,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RoleDetail>, AppError> {
    access::authorize(&session, Action::ManageRoles, None)?;
    let role = existing(&state, &id).await?;
    let permissions = state.directory.role_permissions(&id).await?;
    let holders = state.directory.role_holders(&id).await?;
    Ok(Json(RoleDetail {
        org_admin_grantable: org_admin_grantable(&state, &role),
        id: role.id,
        name: role.name,
        description: role.description,
        permissions,
        holders,
    }))
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<NewRoleInput>,
) -> Result<(StatusCode, Json<RoleInfo>), AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageRoles, None).await?;
    let new = input.parse()?;
    let created = state
        .directory
        .create_role(&new)
        .await
        .map_err(name_conflict)?;
    state.directory_changed().await;
    let empty = RoleInfo {
        name: String::new(),
        description: String::new(),
        ..created.clone()
    };
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::RoleCreate,
        &empty.changes(&created),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RolePatchInput>,
) -> Result<Json<RoleInfo>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageRoles, None).await?;
    let patch = input.parse()?;
    let current = existing(&state, &id).await?;
    let changes = current.changes(&current.apply(&patch));
    if changes.is_empty() {
        return Ok(Json(current));
    }
    let saved = state
        .directory
        .update_role(&id, &patch)
        .await
        .map_err(name_conflict)?;
    state.directory_changed().await;
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::RoleUpdate,
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
    role_checks::authorize_change(&state, &session, Action::ManageRoles, None).await?;
    let current = existing(&state, &id).await?;
    state.directory.delete_role(&id).await?;
    state.directory_changed().await;
    let gone = RoleInfo {
        name: String::new(),
        description: String::new(),
        ..current.clone()
    };
    record_tenant_change(
        &state,
        &session,
        &request_id,
        AuditAction::RoleDelete,
        &current.changes(&gone),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn permissions(
    session: Session,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RolePermissionList>, AppError> {
    access::authorize(&session, Action::ReadRoles, None)?;
    Ok(Json(RolePermissionList {
        items: state.directory.role_permissions(&id).await?,
    }))
}

/// Refuses a permission no API defines, naming it: the same answer from both backends.
async fn ensure_defined(state: &AppState, permissions: &[PermissionRef]) -> Result<(), AppError> {
    let apis = state.directory.list_apis().await?;
    for (i, permission) in permissions.iter().enumerate() {
        let api = apis
            .iter()
            .find(|a| a.identifier == permission.resource_server_identifier);
        let message = match api {
            None => format!("There is no API {}.", permission.resource_server_identifier),
            Some(api)
                if !api
                    .permissions
                    .iter()
                    .any(|p| p.value == permission.permission_name) =>
            {
                format!(
                    "{} does not define {}.",
                    api.name, permission.permission_name
                )
            }
            Some(_) => continue,
        };
        return Err(ValidationError {
            field: format!("permissions[{i}]"),
            message,
        }
        .into());
    }
    Ok(())
}

/// Gives (`add`) or takes permissions, audits each, and answers with what the role now grants.
async fn change_permissions(
    session: &Session,
    state: &AppState,
    request_id: &ReqId,
    id: &str,
    input: RolePermissionsInput,
    add: bool,
) -> Result<Json<RolePermissionList>, AppError> {
    role_checks::authorize_change(state, session, Action::ManageRoles, None).await?;
    let wanted = input.parse()?;
    let role = existing(state, id).await?;
    if add {
        ensure_defined(state, &wanted).await?;
    }
    let held: Vec<PermissionRef> = state
        .directory
        .role_permissions(id)
        .await?
        .iter()
        .map(orgdesk_model::roles::RolePermission::key)
        .collect();
    // Only what changes is sent and audited: giving a held permission again is nothing.
    let changing: Vec<PermissionRef> = wanted
        .into_iter()
        .filter(|p| held.contains(p) != add)
        .collect();
    if !changing.is_empty() {
        if add {
            state.directory.add_role_permissions(id, &changing).await?;
        } else {
            state
                .directory
                .remove_role_permissions(id, &changing)
                .await?;
        }
        state.directory_changed().await;
        let action = if add {
            AuditAction::RolePermissionsAdd
        } else {
            AuditAction::RolePermissionsRemove
        };
        let mut changes = permission_changes(&changing, add);
        for change in &mut changes {
            change.label = format!("Permission of {}", role.name);
        }
        record_tenant_change(state, session, request_id, action, &changes).await?;
    }
    Ok(Json(RolePermissionList {
        items: state.directory.role_permissions(id).await?,
    }))
}

async fn add_permissions(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RolePermissionsInput>,
) -> Result<(StatusCode, Json<RolePermissionList>), AppError> {
    let answer = change_permissions(&session, &state, &request_id, &id, input, true).await?;
    Ok((StatusCode::CREATED, answer))
}

async fn remove_permissions(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RolePermissionsInput>,
) -> Result<Json<RolePermissionList>, AppError> {
    change_permissions(&session, &state, &request_id, &id, input, false).await
}
