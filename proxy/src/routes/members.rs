//! Members, member roles, invitations, the role catalogue and user look-up.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::members::{Invitation, Member, NewInvitationInput, RoleInfo};
use orgdesk_model::{OrgId, Role};
use serde::{Deserialize, Serialize};

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::{CursorPage, MemberQuery, MAX_PER_PAGE};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{org_id}/members",
            get(list_members).post(add_members).delete(remove_members),
        )
        .route(
            "/orgs/{org_id}/members/{user_id}/roles",
            get(member_roles).post(assign_roles).delete(remove_roles),
        )
        .route(
            "/orgs/{org_id}/invitations",
            get(list_invitations).post(invite),
        )
        .route(
            "/orgs/{org_id}/invitations/{invitation_id}",
            axum::routing::delete(revoke),
        )
}

/// User ids are opaque to orgdesk (`auth0|…`, `google-oauth2|…`) but never empty or odd.
fn user_id(raw: &str) -> Result<String, AppError> {
    let ok = !raw.is_empty() && raw.len() <= 255 && raw.chars().all(|c| c.is_ascii_graphic());
    ok.then(|| raw.to_owned()).ok_or(AppError::NotFound)
}

fn change(field: &str, label: &str, before: Option<String>, after: Option<String>) -> Change {
    Change {
        field: field.into(),
        label: label.into(),
        kind: ValueKind::Text,
        before,
        after,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberParams {
    from: Option<String>,
    take: Option<u32>,
    q: Option<String>,
}

async fn list_members(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
    ApiQuery(params): ApiQuery<MemberParams>,
) -> Result<Json<CursorPage<Member>>, AppError> {
    access::authorize(&session, Action::ReadMembers, Some(&org))?;
    let take = params.take.unwrap_or(50);
    if !(1..=MAX_PER_PAGE).contains(&take) {
        return Err(AppError::BadRequest(format!(
            "take must be between 1 and {MAX_PER_PAGE}."
        )));
    }
    let query = MemberQuery {
        from: params.from.filter(|f| !f.is_empty()),
        take,
        q: params.q,
    };
    Ok(Json(state.directory.list_members(&org, &query).await?))
}

/// `{"members": ["auth0|…", …]}`, as Auth0 takes it.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct MembersBody {
    members: Vec<String>,
}

fn checked_ids(ids: &[String]) -> Result<Vec<String>, AppError> {
    if ids.is_empty() || ids.len() > 100 {
        return Err(AppError::Invalid(orgdesk_model::ValidationError {
            field: "members".into(),
            message: "Name 1 to 100 users.".into(),
        }));
    }
    ids.iter()
        .map(|id| {
            user_id(id).map_err(|_| AppError::BadRequest(format!("“{id}” is not a user id.")))
        })
        .collect()
}

async fn add_members(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(body): ApiJson<MembersBody>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageMembers, Some(&org)).await?;
    let ids = checked_ids(&body.members)?;
    state.directory.add_members(&org, &ids).await?;
    let changes: Vec<Change> = ids
        .iter()
        .map(|id| change("members", "Member", None, Some(id.clone())))
        .collect();
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org),
        AuditAction::MembersAdd,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_members(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(body): ApiJson<MembersBody>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageMembers, Some(&org)).await?;
    let ids = checked_ids(&body.members)?;
    state.directory.remove_members(&org, &ids).await?;
    let changes: Vec<Change> = ids
        .iter()
        .map(|id| change("members", "Member", Some(id.clone()), None))
        .collect();
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org),
        AuditAction::MembersRemove,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn member_roles(
    session: Session,
    State(state): State<AppState>,
    ApiPath((org, raw_user)): ApiPath<(OrgId, String)>,
) -> Result<Json<Vec<orgdesk_model::members::RoleRef>>, AppError> {
    let user = user_id(&raw_user)?;
    access::authorize(&session, Action::ReadMembers, Some(&org))?;
    Ok(Json(state.directory.member_roles(&org, &user).await?))
}

/// `{"roles": ["rol_…", …]}`, as Auth0 takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    roles: Vec<String>,
}

/// Refuses roles an org admin may not grant; platform admins grant any.
async fn ensure_grantable(
    state: &AppState,
    session: &Session,
    role_ids: &[String],
) -> Result<Vec<RoleInfo>, AppError> {
    if role_ids.is_empty() || role_ids.len() > orgdesk_model::members::MAX_ROLES_PER_MEMBER {
        return Err(AppError::Invalid(orgdesk_model::ValidationError {
            field: "roles".into(),
            message: "Name 1 to 50 roles.".into(),
        }));
    }
    if session.role == Role::PlatformAdmin {
        return Ok(Vec::new());
    }
    let catalogue = state.directory.list_roles().await?;
    for id in role_ids {
        let grantable = catalogue
            .iter()
            .find(|r| &r.id == id)
            .is_some_and(|r| state.settings.grantable_roles.contains(&r.name));
        if !grantable {
            return Err(AppError::Forbidden("Org admins cannot grant that role."));
        }
    }
    Ok(catalogue)
}

/// Gives (`add`) or takes roles, after the same checks either way, and audits each role.
async fn change_roles(
    session: &Session,
    state: &AppState,
    request_id: &ReqId,
    (org, raw_user): (OrgId, String),
    roles: &[String],
    add: bool,
) -> Result<StatusCode, AppError> {
    let user = user_id(&raw_user)?;
    role_checks::authorize_change(state, session, Action::AssignRoles, Some(&org)).await?;
    ensure_grantable(state, session, roles).await?;
    if add {
        state
            .directory
            .assign_member_roles(&org, &user, roles)
            .await?;
    } else {
        state
            .directory
            .remove_member_roles(&org, &user, roles)
            .await?;
    }
    let changes: Vec<Change> = roles
        .iter()
        .map(|role| {
            let (before, after) = if add {
                (None, Some(role.clone()))
            } else {
                (Some(role.clone()), None)
            };
            change(
                &format!("members.{user}.roles"),
                &format!("Role of {user}"),
                before,
                after,
            )
        })
        .collect();
    let action = if add {
        AuditAction::MemberRolesAdd
    } else {
        AuditAction::MemberRolesRemove
    };
    super::record_change(state, session, request_id, Some(&org), action, &changes).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn assign_roles(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(path): ApiPath<(OrgId, String)>,
    ApiJson(body): ApiJson<RolesBody>,
) -> Result<StatusCode, AppError> {
    change_roles(&session, &state, &request_id, path, &body.roles, true).await
}

async fn remove_roles(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(path): ApiPath<(OrgId, String)>,
    ApiJson(body): ApiJson<RolesBody>,
) -> Result<StatusCode, AppError> {
    change_roles(&session, &state, &request_id, path, &body.roles, false).await
}

async fn list_invitations(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
) -> Result<Json<Vec<Invitation>>, AppError> {
    access::authorize(&session, Action::ReadInvitations, Some(&org))?;
    Ok(Json(state.directory.list_invitations(&org).await?))
}

async fn invite(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewInvitationInput>,
) -> Result<(StatusCode, Json<Invitation>), AppError> {
    role_checks::authorize_change(&state, &session, Action::Invite, Some(&org)).await?;
    let invitation = input.parse()?;
    if !invitation.roles.is_empty() {
        ensure_grantable(&state, &session, &invitation.roles).await?;
    }
    let created = state.directory.create_invitation(&org, &invitation).await?;
    let roles = created
        .roles
        .iter()
        .map(|r| r.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let changes = [
        change(
            "invitee_email",
            "Invited",
            None,
            Some(created.invitee_email.clone()),
        ),
        change("roles", "Roles", None, (!roles.is_empty()).then_some(roles)),
    ];
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org),
        AuditAction::InvitationsCreate,
        &changes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn revoke(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, invitation)): ApiPath<(OrgId, String)>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::Invite, Some(&org)).await?;
    let valid = invitation
        .strip_prefix("uinv_")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()));
    if !valid {
        return Err(AppError::NotFound);
    }
    state.directory.delete_invitation(&org, &invitation).await?;
    let changes = [change(
        "invitation",
        "Invitation",
        Some(invitation.clone()),
        None,
    )];
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org),
        AuditAction::InvitationsDelete,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
