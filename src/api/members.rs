//! Members, their roles, invitations, the role catalogue and user look-up.

use gloo_net::http::Method;
use orgdesk_model::api::CursorPage;
use orgdesk_model::members::{Invitation, Member, NewInvitationInput, RoleRef};
use orgdesk_model::roles::RoleCatalogue;
use orgdesk_model::OrgId;
use serde::{Deserialize, Serialize};

use super::{encode, get, send_json, send_no_content_json, ApiError};

fn org_path(org: &OrgId) -> String {
    format!("/api/orgs/{}", encode(org.as_str()))
}

/// One page of members (checkpoint paging).
///
/// # Errors
/// 404 when the organization is not the caller's.
pub async fn list(
    org: OrgId,
    q: String,
    from: Option<String>,
    take: u32,
) -> Result<CursorPage<Member>, ApiError> {
    let mut url = format!("{}/members?take={take}", org_path(&org));
    if !q.trim().is_empty() {
        url.push_str(&format!("&q={}", encode(q.trim())));
    }
    if let Some(from) = from {
        url.push_str(&format!("&from={}", encode(&from)));
    }
    get(&url).await
}

#[derive(Serialize)]
struct Members<'a> {
    members: &'a [String],
}

#[derive(Serialize)]
struct Roles<'a> {
    roles: &'a [String],
}

/// Adds users as members.
///
/// # Errors
/// 403 unless an admin of the organization.
pub async fn add(org: OrgId, user_ids: Vec<String>) -> Result<(), ApiError> {
    send_no_content_json(
        Method::POST,
        &format!("{}/members", org_path(&org)),
        &Members { members: &user_ids },
    )
    .await
}

/// Removes members.
///
/// # Errors
/// 403 unless an admin of the organization.
pub async fn remove(org: OrgId, user_ids: Vec<String>) -> Result<(), ApiError> {
    send_no_content_json(
        Method::DELETE,
        &format!("{}/members", org_path(&org)),
        &Members { members: &user_ids },
    )
    .await
}

/// Gives a member roles.
///
/// # Errors
/// 403 for a role the caller may not grant; 400 past 50 roles.
pub async fn assign_roles(
    org: OrgId,
    user_id: String,
    role_ids: Vec<String>,
) -> Result<(), ApiError> {
    let url = format!("{}/members/{}/roles", org_path(&org), encode(&user_id));
    send_no_content_json(Method::POST, &url, &Roles { roles: &role_ids }).await
}

/// Takes roles from a member.
///
/// # Errors
/// 403 for a role the caller may not grant.
pub async fn remove_roles(
    org: OrgId,
    user_id: String,
    role_ids: Vec<String>,
) -> Result<(), ApiError> {
    let url = format!("{}/members/{}/roles", org_path(&org), encode(&user_id));
    send_no_content_json(Method::DELETE, &url, &Roles { roles: &role_ids }).await
}

/// A member's roles.
///
/// # Errors
/// 404 when they are not a member.
pub async fn roles_of(org: OrgId, user_id: String) -> Result<Vec<RoleRef>, ApiError> {
    get(&format!(
        "{}/members/{}/roles",
        org_path(&org),
        encode(&user_id)
    ))
    .await
}

/// The role catalogue.
///
/// # Errors
/// 403 for members.
pub async fn catalogue() -> Result<RoleCatalogue, ApiError> {
    get("/api/roles").await
}

/// Pending invitations.
///
/// # Errors
/// 403 for members.
pub async fn invitations(org: OrgId) -> Result<Vec<Invitation>, ApiError> {
    get(&format!("{}/invitations", org_path(&org))).await
}

/// Invites someone.
///
/// # Errors
/// 400 naming the field; 403 for a role the caller may not grant.
pub async fn invite(org: OrgId, input: NewInvitationInput) -> Result<Invitation, ApiError> {
    send_json(
        Method::POST,
        &format!("{}/invitations", org_path(&org)),
        &input,
    )
    .await
}

/// Revokes an invitation.
///
/// # Errors
/// 404 when it is already gone.
pub async fn revoke(org: OrgId, id: String) -> Result<(), ApiError> {
    super::send_no_content(
        Method::DELETE,
        &format!("{}/invitations/{}", org_path(&org), encode(&id)),
    )
    .await
}

/// A user found by look-up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FoundUser {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
}

/// Users matching `q` that the caller may add.
///
/// # Errors
/// 403 for members.
pub async fn find_users(q: String) -> Result<Vec<FoundUser>, ApiError> {
    let page: CursorPage<FoundUser> = get(&format!("/api/users?q={}", encode(q.trim()))).await?;
    Ok(page.items)
}
