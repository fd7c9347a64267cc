//! The role editor (platform admins): roles and the permissions they grant.

use gloo_net::http::Method;
use orgdesk_model::members::RoleInfo;
use orgdesk_model::roles::{
    NewRoleInput, PermissionRef, RoleDetail, RolePatchInput, RolePermissionList,
    RolePermissionsInput,
};

use super::{encode, get, send_json, send_no_content, ApiError};

fn role_path(id: &str) -> String {
    format!("/api/roles/{}", encode(id))
}

/// One role with its permissions and who holds it.
///
/// # Errors
/// 404 when there is no such role, 403 for anyone but platform admins.
pub async fn get_one(id: String) -> Result<RoleDetail, ApiError> {
    get(&role_path(&id)).await
}

/// Creates a role.
///
/// # Errors
/// 400 naming the field at fault, 409 when the name is taken.
pub async fn create(input: NewRoleInput) -> Result<RoleInfo, ApiError> {
    send_json(Method::POST, "/api/roles", &input).await
}

/// Renames or describes a role.
///
/// # Errors
/// 400 naming the field at fault, 409 when the name is taken.
pub async fn update(id: String, patch: RolePatchInput) -> Result<RoleInfo, ApiError> {
    send_json(Method::PATCH, &role_path(&id), &patch).await
}

/// Deletes a role; every member holding it loses it.
///
/// # Errors
/// 404 when it is gone already.
pub async fn delete(id: String) -> Result<(), ApiError> {
    send_no_content(Method::DELETE, &role_path(&id)).await
}

/// Gives the role `added` and takes `removed` (either may be empty), and answers with what it
/// grants now.
///
/// # Errors
/// 400 naming a permission no API defines; what was given before a failure stays given.
pub async fn change_permissions(
    id: String,
    added: Vec<PermissionRef>,
    removed: Vec<PermissionRef>,
) -> Result<RolePermissionList, ApiError> {
    let path = format!("{}/permissions", role_path(&id));
    let mut now = None;
    for (method, permissions) in [(Method::POST, added), (Method::DELETE, removed)] {
        if !permissions.is_empty() {
            let body = RolePermissionsInput { permissions };
            now = Some(send_json(method, &path, &body).await?);
        }
    }
    match now {
        Some(list) => Ok(list),
        None => get(&path).await,
    }
}
