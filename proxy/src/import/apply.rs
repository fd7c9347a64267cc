//! Applying a plan: step by step, in order, each through the directory (which paces itself under
//! Auth0's rate limits), each audited with the plan's id; the first refusal stops it, and the
//! plan records how far it got.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::import::{ApplyState, ApplyStatus, StepAction, StepFailure};
use orgdesk_model::input::NewOrg;
use orgdesk_model::members::{Email, NewInvitation, RoleInfo, MAX_INVITATION_DAYS};
use orgdesk_model::roles::RolePatch;
use orgdesk_model::users::{Connection, ConnectionRef, NewUserInput, OrgConnection};
use orgdesk_model::OrgId;

use super::{plans, Op, Step};
use crate::audit::AuditAction;
use crate::directory::{Directory, DirectoryError, OrgUpdate};
use crate::error::AppError;
use crate::extract::ReqId;
use crate::session::Session;
use crate::AppState;

/// Applies a plan its maker made, once.
///
/// # Errors
/// `NotFound` for a plan that is not the caller's; `Conflict` for one that was applied (or is
/// being applied) already. A refused step is not an error: the answer says which and why.
pub async fn apply(
    state: &AppState,
    session: &Session,
    request_id: &ReqId,
    plan_id: &str,
) -> Result<ApplyStatus, AppError> {
    let stored = plans::get(&state.db, plan_id)
        .await?
        .filter(|p| p.created_by == session.user.id)
        .ok_or(AppError::NotFound)?;
    if !plans::claim(&state.db, plan_id).await? {
        return Err(AppError::Conflict {
            message: "This plan was applied already. Make a new plan from the file to see what is left to change.".into(),
            field: None,
        });
    }
    let mut names = Names::new(state.directory.as_ref());
    let total = u32::try_from(stored.steps.len()).unwrap_or(u32::MAX);
    let mut done = 0;
    for (index, step) in stored.steps.iter().enumerate() {
        match run(&mut names, step).await {
            Ok((action, org)) => {
                let mut changes = vec![Change {
                    field: "import_plan".into(),
                    label: "Import plan".into(),
                    kind: ValueKind::Text,
                    before: None,
                    after: Some(plan_id.to_owned()),
                }];
                changes.extend(step.shown.changes.iter().cloned());
                crate::routes::record_change(
                    state,
                    session,
                    request_id,
                    org.as_ref(),
                    action,
                    &changes,
                )
                .await?;
                done += 1;
                plans::progress(&state.db, plan_id, ApplyState::Applying, done, None).await?;
            }
            Err(err) => {
                let failed = StepFailure {
                    step: u32::try_from(index).unwrap_or(u32::MAX),
                    target: step.shown.target.clone(),
                    message: refusal(&err),
                };
                tracing::warn!(plan = plan_id, step = index, error = %err, "import step refused");
                plans::progress(&state.db, plan_id, ApplyState::Stopped, done, Some(&failed))
                    .await?;
                if done > 0 {
                    state.directory_changed().await;
                }
                return Ok(ApplyStatus {
                    plan_id: plan_id.to_owned(),
                    state: ApplyState::Stopped,
                    done,
                    total,
                    failed: Some(failed),
                });
            }
        }
    }
    plans::progress(&state.db, plan_id, ApplyState::Applied, done, None).await?;
    if done > 0 {
        state.directory_changed().await;
    }
    Ok(ApplyStatus {
        plan_id: plan_id.to_owned(),
        state: ApplyState::Applied,
        done,
        total,
        failed: None,
    })
}

/// Why a step was refused, in words.
fn refusal(err: &DirectoryError) -> String {
    match err {
        DirectoryError::NotFound => "It no longer exists in the directory.".into(),
        DirectoryError::Stale(_) => {
            "It was changed by someone else since the plan was made; make a new plan.".into()
        }
        DirectoryError::Invalid(e) => e.message.clone(),
        other => other.to_string(),
    }
}

/// Ids for the names a plan uses, looked up once and kept while it is applied.
struct Names<'a> {
    dir: &'a dyn Directory,
    orgs: HashMap<String, OrgId>,
    roles: Option<Vec<RoleInfo>>,
    connections: Option<Vec<Connection>>,
    users: HashMap<String, String>,
}

impl<'a> Names<'a> {
    fn new(dir: &'a dyn Directory) -> Self {
        Self {
            dir,
            orgs: HashMap::new(),
            roles: None,
            connections: None,
            users: HashMap::new(),
        }
    }

    async fn org(&mut self, name: &str) -> Result<OrgId, DirectoryError> {
        if let Some(id) = self.orgs.get(name) {
            return Ok(id.clone());
        }
        let id = crate::export::org_named(self.dir, name)
            .await?
            .map(|o| o.id)
            .ok_or(DirectoryError::NotFound)?;
        self.orgs.insert(name.to_owned(), id.clone());
        Ok(id)
    }

    async fn role(&mut self, name: &str) -> Result<String, DirectoryError> {
        if self.roles.is_none() {
            self.roles = Some(self.dir.list_roles().await?);
        }
        self.roles
            .iter()
            .flatten()
            .find(|r| r.name == name)
            .map(|r| r.id.clone())
            .ok_or(DirectoryError::NotFound)
    }

    async fn connection(&mut self, name: &str) -> Result<Connection, DirectoryError> {
        if self.connections.is_none() {
            self.connections = Some(self.dir.list_connections().await?);
        }
        self.connections
            .iter()
            .flatten()
            .find(|c| c.name == name)
            .cloned()
            .ok_or(DirectoryError::NotFound)
    }

    /// The directory's id of a file's user: created by this plan, the same id, or the same email.
    async fn user(&mut self, file_id: &str, email: &str) -> Result<String, DirectoryError> {
        if let Some(id) = self.users.get(file_id) {
            return Ok(id.clone());
        }
        if let Some(user) = self.dir.get_user(file_id).await? {
            return Ok(user.user_id);
        }
        let found = self.dir.search_users(email, 20, None).await?;
        found
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .map(|u| u.user_id)
            .ok_or(DirectoryError::NotFound)
    }

    async fn api_id(&self, identifier: &str) -> Result<String, DirectoryError> {
        self.dir
            .list_apis()
            .await?
            .into_iter()
            .find(|a| a.identifier == identifier && !a.system)
            .map(|a| a.id)
            .ok_or(DirectoryError::NotFound)
    }

    async fn role_ids(&mut self, names: &[String]) -> Result<Vec<String>, DirectoryError> {
        let mut ids = Vec::new();
        for name in names {
            ids.push(self.role(name).await?);
        }
        Ok(ids)
    }
}

/// A password nobody sees, meeting Auth0's policies: the user sets their own with a reset.
fn unknown_password() -> Result<String, DirectoryError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|err| DirectoryError::Internal(format!("random: {err}")))?;
    Ok(format!(
        "Aa1!{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// Does one step; answers what to audit it as and for which organization.
async fn run(
    names: &mut Names<'_>,
    step: &Step,
) -> Result<(AuditAction, Option<OrgId>), DirectoryError> {
    let dir = names.dir;
    Ok(match &step.op {
        Op::Tenant { change, flags } => {
            let mut change = change.parse()?;
            change.flags.clone_from(flags);
            dir.update_tenant_settings(&change).await?;
            (AuditAction::TenantUpdate, None)
        }
        Op::CreateConnection { name, strategy } => {
            dir.create_connection(name, strategy).await?;
            names.connections = None;
            (AuditAction::ConnectionCreate, None)
        }
        Op::CreateApi { api, id } => {
            let mut new = api.clone().parse()?;
            new.id.clone_from(id);
            dir.create_api(&new).await?;
            (AuditAction::ApiCreate, None)
        }
        Op::UpdateApi { identifier, patch } => {
            let id = names.api_id(identifier).await?;
            dir.update_api(&id, &patch.clone().parse()?).await?;
            (AuditAction::ApiUpdate, None)
        }
        Op::DeleteApi { identifier } => {
            let id = names.api_id(identifier).await?;
            dir.delete_api(&id).await?;
            (AuditAction::ApiDelete, None)
        }
        Op::CreateRole {
            role,
            permissions,
            id,
        } => {
            let mut new = role.clone().parse()?;
            new.id.clone_from(id);
            let created = dir.create_role(&new).await?;
            if !permissions.is_empty() {
                dir.add_role_permissions(&created.id, permissions).await?;
            }
            names.roles = None;
            (AuditAction::RoleCreate, None)
        }
        Op::UpdateRole {
            name,
            description,
            add,
            remove,
        } => {
            let id = names.role(name).await?;
            if let Some(description) = description {
                let patch = RolePatch {
                    name: None,
                    description: Some(description.clone()),
                };
                dir.update_role(&id, &patch).await?;
            }
            if !add.is_empty() {
                dir.add_role_permissions(&id, add).await?;
            }
            if !remove.is_empty() {
                dir.remove_role_permissions(&id, remove).await?;
            }
            (AuditAction::RoleUpdate, None)
        }
        Op::DeleteRole { name } => {
            let id = names.role(name).await?;
            dir.delete_role(&id).await?;
            names.roles = None;
            (AuditAction::RoleDelete, None)
        }
        Op::CreateOrg {
            id,
            name,
            display_name,
            branding,
            metadata,
        } => {
            let created = dir
                .create_org(&NewOrg {
                    id: id.clone(),
                    name: name.clone(),
                    display_name: display_name.clone(),
                    branding: branding.clone(),
                    metadata: metadata.clone(),
                })
                .await?;
            names.orgs.insert(name.to_string(), created.id.clone());
            (AuditAction::OrgCreate, Some(created.id))
        }
        Op::UpdateOrg {
            name,
            display_name,
            branding,
            metadata,
            base_metadata,
        } => {
            let id = names.org(name).await?;
            let update = OrgUpdate {
                display_name: display_name.clone(),
                branding: branding.clone(),
                metadata: metadata.clone(),
            };
            // Metadata is replaced whole: only if nobody changed it since the plan was made.
            let base = metadata.as_ref().map(|_| base_metadata);
            dir.update_org(&id, &update, base).await?;
            (AuditAction::OrgUpdate, Some(id))
        }
        Op::DeleteOrg { name } => {
            let id = names.org(name).await?;
            dir.delete_org(&id).await?;
            names.orgs.remove(name);
            (AuditAction::OrgDelete, Some(id))
        }
        Op::PutConnection {
            org,
            connection,
            assign_membership_on_login,
            show_as_button,
            is_signup_enabled,
        } => {
            let id = names.org(org).await?;
            let connection = names.connection(connection).await?;
            dir.put_org_connection(
                &id,
                &OrgConnection {
                    connection_id: connection.id.clone(),
                    assign_membership_on_login: *assign_membership_on_login,
                    show_as_button: *show_as_button,
                    is_signup_enabled: *is_signup_enabled,
                    connection: ConnectionRef {
                        name: connection.name,
                        strategy: connection.strategy,
                    },
                },
            )
            .await?;
            let action = if step.shown.action == StepAction::Create {
                AuditAction::ConnectionsEnable
            } else {
                AuditAction::ConnectionsUpdate
            };
            (action, Some(id))
        }
        Op::DeleteConnection { org, connection } => {
            let id = names.org(org).await?;
            let connection = names.connection(connection).await?;
            dir.delete_org_connection(&id, &connection.id).await?;
            (AuditAction::ConnectionsDisable, Some(id))
        }
        Op::CreateUser { user, org, keep_id } => {
            let mut app_metadata: BTreeMap<String, String> = user.app_metadata.clone();
            let org_id = match org {
                Some(org) => Some(names.org(org).await?),
                None => None,
            };
            if let Some(id) = &org_id {
                app_metadata.insert("organization_id".into(), id.to_string());
            }
            let input = NewUserInput {
                connection: user.connection.clone(),
                email: user.email.clone(),
                password: unknown_password()?,
                name: user.name.clone(),
                email_verified: user.email_verified,
                user_metadata: user.user_metadata.clone(),
                organization_id: None,
                user_id: keep_id.then(|| user.user_id.clone()),
            };
            input.parse()?;
            let created = dir.create_user(&input, &app_metadata).await?;
            names.users.insert(user.user_id.clone(), created.user_id);
            (AuditAction::UsersCreate, org_id)
        }
        Op::AddMember {
            org,
            user_id,
            email,
        } => {
            let id = names.org(org).await?;
            let user = names.user(user_id, email).await?;
            dir.add_members(&id, &[user]).await?;
            (AuditAction::MembersAdd, Some(id))
        }
        Op::MemberRoles {
            org,
            user_id,
            email,
            add,
            remove,
        } => {
            let id = names.org(org).await?;
            let user = names.user(user_id, email).await?;
            if !add.is_empty() {
                let roles = names.role_ids(add).await?;
                dir.assign_member_roles(&id, &user, &roles).await?;
            }
            if !remove.is_empty() {
                let roles = names.role_ids(remove).await?;
                dir.remove_member_roles(&id, &user, &roles).await?;
            }
            let action = if add.is_empty() {
                AuditAction::MemberRolesRemove
            } else {
                AuditAction::MemberRolesAdd
            };
            (action, Some(id))
        }
        Op::CreateInvitation { org, invitation } => {
            let id = names.org(org).await?;
            let roles = names.role_ids(&invitation.roles).await?;
            let connection_id = match &invitation.connection {
                Some(c) => Some(names.connection(c).await?.id),
                None => None,
            };
            let left = invitation.expires_at - crate::db::now();
            let new = NewInvitation {
                invitee_email: Email::parse(&invitation.invitee_email)?,
                inviter_name: invitation.inviter_name.clone(),
                roles,
                connection_id,
                // Auth0 counts whole days from now; the embedded store keeps the exact expiry.
                ttl_days: u32::try_from((left + 86_399) / 86_400)
                    .unwrap_or(1)
                    .clamp(1, MAX_INVITATION_DAYS),
                send_invitation_email: false,
                expires_at: Some(invitation.expires_at),
            };
            dir.create_invitation(&id, &new).await?;
            (AuditAction::InvitationsCreate, Some(id))
        }
        Op::RemoveMember { org, user_id } => {
            let id = names.org(org).await?;
            dir.remove_members(&id, std::slice::from_ref(user_id))
                .await?;
            (AuditAction::MembersRemove, Some(id))
        }
    })
}
