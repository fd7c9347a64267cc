//! The plan: what a file would change in the directory, step by step, each step checked by the
//! same rules as the form that makes the same change. Things are matched by what people name
//! them by: APIs by identifier, roles and organizations by name, connections by name, users by
//! id and then by email.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use orgdesk_model::apis::{ApiPatchInput, NewApiInput};
use orgdesk_model::diff::{org_changes, Change, ValueKind};
use orgdesk_model::import::{ItemKind, PlanStep, StepAction};
use orgdesk_model::members::Email;
use orgdesk_model::roles::{NewRoleInput, PermissionRef};
use orgdesk_model::schema::MetadataSchema;
use orgdesk_model::snapshot::{InvitationEntry, OrgEntry, Snapshot, UserEntry};
use orgdesk_model::tenant::{ErrorPage, TenantSettings, TenantSettingsInput};
use orgdesk_model::users::{check_connection_flags, Connection};
use orgdesk_model::{
    Branding, DisplayName, Metadata, OrgId, OrgName, Organization, Role, ValidationError,
};

use super::Parsed;
use crate::directory::{Directory, DirectoryError};

/// What one step does, with names resolved to ids only when it is applied (an organization
/// created by an earlier step of the same plan has no id yet when the plan is made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Changes the tenant's settings.
    Tenant {
        /// Only the fields that change.
        change: TenantSettingsInput,
        /// Flags to set.
        #[serde(default)]
        flags: Option<BTreeMap<String, bool>>,
    },
    /// Creates a connection, by name and kind (the embedded store only).
    CreateConnection {
        /// Its name.
        name: String,
        /// Its kind.
        strategy: String,
    },
    /// Creates an API.
    CreateApi {
        /// As the API form sends it.
        api: NewApiInput,
        /// The snapshot's id, which the embedded store keeps.
        id: Option<String>,
    },
    /// Changes an API's name, token lifetime or permissions.
    UpdateApi {
        /// Which API.
        identifier: String,
        /// What changes.
        patch: ApiPatchInput,
    },
    /// Deletes an API.
    DeleteApi {
        /// Which API.
        identifier: String,
    },
    /// Creates a role, then gives it its permissions.
    CreateRole {
        /// As the role form sends it.
        role: NewRoleInput,
        /// What it grants.
        permissions: Vec<PermissionRef>,
        /// The snapshot's id, which the embedded store keeps.
        id: Option<String>,
    },
    /// Changes a role's description and what it grants.
    UpdateRole {
        /// Which role.
        name: String,
        /// A new description.
        description: Option<String>,
        /// Permissions to give.
        add: Vec<PermissionRef>,
        /// Permissions to take.
        remove: Vec<PermissionRef>,
    },
    /// Deletes a role.
    DeleteRole {
        /// Which role.
        name: String,
    },
    /// Creates an organization.
    CreateOrg {
        /// The snapshot's id, which the embedded store keeps.
        id: Option<OrgId>,
        /// Its name.
        name: OrgName,
        /// Its display name.
        display_name: Option<DisplayName>,
        /// Its branding.
        branding: Option<Branding>,
        /// Its metadata, checked against the schema.
        metadata: Metadata,
    },
    /// Changes an organization.
    UpdateOrg {
        /// Which organization.
        name: String,
        /// A new display name.
        display_name: Option<DisplayName>,
        /// New branding (`Some(None)` removes it).
        branding: Option<Option<Branding>>,
        /// New metadata, whole.
        metadata: Option<Metadata>,
        /// The metadata the plan was made against: a change made since stops the step.
        base_metadata: Metadata,
    },
    /// Deletes an organization.
    DeleteOrg {
        /// Which organization.
        name: String,
    },
    /// Enables a connection on an organization, or changes its flags.
    PutConnection {
        /// Which organization.
        org: String,
        /// Which connection, by name.
        connection: String,
        /// Members signing in through it join.
        assign_membership_on_login: bool,
        /// Shown as a button.
        show_as_button: bool,
        /// Sign-up allowed.
        is_signup_enabled: bool,
    },
    /// Disables a connection on an organization.
    DeleteConnection {
        /// Which organization.
        org: String,
        /// Which connection, by name.
        connection: String,
    },
    /// Creates a user (with a random password nobody sees: they reset it to sign in).
    CreateUser {
        /// The user as the file has them.
        user: UserEntry,
        /// The organization their `app_metadata.organization_id` names, by name.
        org: Option<String>,
        /// Whether to keep the snapshot's user id (the embedded store does).
        keep_id: bool,
    },
    /// Invites someone again, with the snapshot's expiry.
    CreateInvitation {
        /// Which organization, by name.
        org: String,
        /// The invitation as the snapshot has it.
        invitation: InvitationEntry,
    },
    /// Makes a user a member.
    AddMember {
        /// Which organization.
        org: String,
        /// The user's id in the file.
        user_id: String,
        /// Their email, to find them when they were created by this plan.
        email: String,
    },
    /// Gives and takes a member's roles.
    MemberRoles {
        /// Which organization.
        org: String,
        /// The user's id in the file.
        user_id: String,
        /// Their email.
        email: String,
        /// Role names to give.
        add: Vec<String>,
        /// Role names to take.
        remove: Vec<String>,
    },
    /// Removes a member.
    RemoveMember {
        /// Which organization.
        org: String,
        /// The member's id.
        user_id: String,
    },
}

/// One step: what the person is shown, and what is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What the plan shows.
    pub shown: PlanStep,
    /// What applying it does.
    pub op: Op,
}

/// What the plan is compared with.
pub struct Live<'a> {
    /// The directory as it is, for the same scope.
    pub snapshot: &'a Snapshot,
    /// The tenant's connections.
    pub connections: &'a [Connection],
    /// The metadata schema, whose rules an imported organization's metadata meets.
    pub schema: &'a MetadataSchema,
    /// The role of the person importing, for the schema's editable keys.
    pub role: Role,
    /// Where users not in the snapshot are looked for before one is created.
    pub directory: &'a dyn Directory,
}

fn text_change(
    field: &str,
    label: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Option<Change> {
    (before != after).then(|| Change {
        field: field.to_owned(),
        label: label.to_owned(),
        kind: ValueKind::Text,
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    })
}

fn none_if_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn step(
    action: StepAction,
    kind: ItemKind,
    target: &str,
    org: Option<&str>,
    changes: Vec<Change>,
    op: Op,
) -> Step {
    Step {
        shown: PlanStep {
            action,
            kind,
            target: target.to_owned(),
            org: org.map(str::to_owned),
            changes,
        },
        op,
    }
}

fn at(field: String) -> impl Fn(ValidationError) -> ValidationError {
    move |err| ValidationError {
        field: format!("{field}.{}", err.field),
        message: err.message,
    }
}

/// Compares the file with the directory: the steps that make the directory say what the file
/// says, in the order they can be applied, and notes on what the file leaves alone.
///
/// # Errors
/// `Invalid` when the file breaks a rule (its field names where in the file), `Unavailable` and
/// the like when the directory cannot be asked.
pub async fn plan(
    live: &Live<'_>,
    file: &Parsed,
    deletions: bool,
) -> Result<(Vec<Step>, Vec<String>), DirectoryError> {
    let mut steps = Vec::new();
    let mut notes = file.notes.clone();
    let want = &file.snapshot;
    let have = live.snapshot;

    if let (Some(after), Some(before)) = (&want.tenant, &have.tenant) {
        if let Some(s) = tenant_step(before, after, &file.tenant_fields)? {
            steps.push(s);
        }
    }

    // Connections the file names that the tenant lacks: created where the directory can (the
    // embedded store); in Auth0 they must exist, and an organization naming one is refused.
    let mut connections: Vec<Connection> = live.connections.to_vec();
    if live.directory.creates_connections() {
        for c in &want.connections {
            if connections.iter().any(|t| t.name == c.name) {
                continue;
            }
            let changes = text_change("strategy", "Kind", None, Some(&c.strategy))
                .into_iter()
                .collect();
            steps.push(step(
                StepAction::Create,
                ItemKind::Connection,
                &c.name,
                None,
                changes,
                Op::CreateConnection {
                    name: c.name.clone(),
                    strategy: c.strategy.clone(),
                },
            ));
            connections.push(Connection {
                id: String::new(),
                name: c.name.clone(),
                strategy: c.strategy.clone(),
            });
        }
    }

    // APIs, by identifier.
    let live_apis: BTreeMap<&str, _> = have
        .apis
        .iter()
        .map(|a| (a.identifier.as_str(), a))
        .collect();
    for (i, api) in want.apis.iter().enumerate() {
        let field = format!("apis[{i}]");
        match live_apis.get(api.identifier.as_str()) {
            None => {
                let input = NewApiInput {
                    name: api.name.clone(),
                    identifier: api.identifier.clone(),
                    permissions: api.permissions.clone(),
                    token_lifetime: Some(api.token_lifetime),
                };
                input.clone().parse().map_err(at(field))?;
                let mut changes: Vec<Change> = [
                    text_change("name", "Name", None, Some(&api.name)),
                    text_change(
                        "token_lifetime",
                        "Token lifetime (s)",
                        None,
                        Some(&api.token_lifetime.to_string()),
                    ),
                ]
                .into_iter()
                .flatten()
                .collect();
                changes.extend(api.permissions.iter().map(|p| Change {
                    field: format!("permissions.{}", p.value),
                    label: format!("Permission {}", p.value),
                    kind: ValueKind::Text,
                    before: None,
                    after: Some(p.description.clone()),
                }));
                steps.push(step(
                    StepAction::Create,
                    ItemKind::Api,
                    &api.identifier,
                    None,
                    changes,
                    Op::CreateApi {
                        api: input,
                        id: file.ids.then(|| api.id.clone()).filter(|id| !id.is_empty()),
                    },
                ));
            }
            Some(current) => {
                let mut patch = ApiPatchInput::default();
                let mut changes = Vec::new();
                if current.name != api.name {
                    changes.extend(text_change(
                        "name",
                        "Name",
                        Some(&current.name),
                        Some(&api.name),
                    ));
                    patch.name = Some(api.name.clone());
                }
                if current.token_lifetime != api.token_lifetime {
                    changes.extend(text_change(
                        "token_lifetime",
                        "Token lifetime (s)",
                        Some(&current.token_lifetime.to_string()),
                        Some(&api.token_lifetime.to_string()),
                    ));
                    patch.token_lifetime = Some(api.token_lifetime);
                }
                let before: BTreeMap<&str, &str> = current
                    .permissions
                    .iter()
                    .map(|p| (p.value.as_str(), p.description.as_str()))
                    .collect();
                let after: BTreeMap<&str, &str> = api
                    .permissions
                    .iter()
                    .map(|p| (p.value.as_str(), p.description.as_str()))
                    .collect();
                if before != after {
                    for value in before.keys().chain(after.keys()).collect::<BTreeSet<_>>() {
                        changes.extend(text_change(
                            &format!("permissions.{value}"),
                            &format!("Permission {value}"),
                            before.get(value).copied(),
                            after.get(value).copied(),
                        ));
                    }
                    patch.permissions = Some(api.permissions.clone());
                }
                if !changes.is_empty() {
                    patch.clone().parse().map_err(at(field))?;
                    steps.push(step(
                        StepAction::Change,
                        ItemKind::Api,
                        &api.identifier,
                        None,
                        changes,
                        Op::UpdateApi {
                            identifier: api.identifier.clone(),
                            patch,
                        },
                    ));
                }
            }
        }
    }

    // Roles, by name; their permissions must be defined by an API, here or in the file.
    let defined: BTreeSet<(String, String)> = have
        .apis
        .iter()
        .chain(want.apis.iter())
        .flat_map(|a| {
            a.permissions
                .iter()
                .map(|p| (a.identifier.clone(), p.value.clone()))
        })
        .collect();
    let live_roles: BTreeMap<&str, _> = have.roles.iter().map(|r| (r.name.as_str(), r)).collect();
    for (i, role) in want.roles.iter().enumerate() {
        let field = format!("roles[{i}]");
        let perms = |ps: &[PermissionRef]| {
            ps.iter()
                .map(|p| format!("{} ({})", p.permission_name, p.resource_server_identifier))
                .collect::<BTreeSet<_>>()
        };
        match live_roles.get(role.name.as_str()) {
            None => {
                let input = NewRoleInput {
                    name: role.name.clone(),
                    description: role.description.clone(),
                };
                input.clone().parse().map_err(at(field.clone()))?;
                defined_by_an_api(&defined, have, want, &field, &role.name, &role.permissions)?;
                let mut changes: Vec<Change> = text_change(
                    "description",
                    "Description",
                    None,
                    none_if_empty(&role.description),
                )
                .into_iter()
                .collect();
                changes.extend(perms(&role.permissions).into_iter().map(|p| Change {
                    field: format!("permissions.{p}"),
                    label: "Grants".into(),
                    kind: ValueKind::Text,
                    before: None,
                    after: Some(p),
                }));
                steps.push(step(
                    StepAction::Create,
                    ItemKind::Role,
                    &role.name,
                    None,
                    changes,
                    Op::CreateRole {
                        role: input,
                        permissions: role.permissions.clone(),
                        id: file
                            .ids
                            .then(|| role.id.clone())
                            .filter(|id| !id.is_empty()),
                    },
                ));
            }
            Some(current) => {
                let mut changes: Vec<Change> = text_change(
                    "description",
                    "Description",
                    none_if_empty(&current.description),
                    none_if_empty(&role.description),
                )
                .into_iter()
                .collect();
                let before: BTreeSet<&PermissionRef> = current.permissions.iter().collect();
                let after: BTreeSet<&PermissionRef> = role.permissions.iter().collect();
                let add: Vec<PermissionRef> =
                    after.difference(&before).map(|p| (*p).clone()).collect();
                let remove: Vec<PermissionRef> =
                    before.difference(&after).map(|p| (*p).clone()).collect();
                defined_by_an_api(&defined, have, want, &field, &role.name, &add)?;
                for (p, added) in add
                    .iter()
                    .map(|p| (p, true))
                    .chain(remove.iter().map(|p| (p, false)))
                {
                    let text = format!("{} ({})", p.permission_name, p.resource_server_identifier);
                    changes.push(Change {
                        field: format!("permissions.{text}"),
                        label: "Grants".into(),
                        kind: ValueKind::Text,
                        before: (!added).then(|| text.clone()),
                        after: added.then_some(text),
                    });
                }
                if !changes.is_empty() {
                    let description =
                        (current.description != role.description).then(|| role.description.clone());
                    steps.push(step(
                        StepAction::Change,
                        ItemKind::Role,
                        &role.name,
                        None,
                        changes,
                        Op::UpdateRole {
                            name: role.name.clone(),
                            description,
                            add,
                            remove,
                        },
                    ));
                }
            }
        }
    }

    // Organizations, by name.
    let live_orgs: BTreeMap<&str, &OrgEntry> = have
        .organizations
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    for (i, org) in want.organizations.iter().enumerate() {
        let field = format!("organizations[{i}]");
        let name = org.name.as_str();
        match live_orgs.get(name) {
            None => {
                let metadata = live
                    .schema
                    .check_change(
                        live.role,
                        &Metadata::default(),
                        org.metadata.entries().clone(),
                        true,
                    )
                    .map_err(|e| metadata_error(&field, e))?;
                let mut changes = vec![Change {
                    field: "name".into(),
                    label: "Name".into(),
                    kind: ValueKind::Text,
                    before: None,
                    after: Some(name.to_owned()),
                }];
                changes.extend(org_changes(&as_org(&empty_like(org)), &as_org(org)));
                steps.push(step(
                    StepAction::Create,
                    ItemKind::Organization,
                    name,
                    Some(name),
                    changes,
                    Op::CreateOrg {
                        id: file.ids.then(|| org.id.clone()),
                        name: org.name.clone(),
                        display_name: org.display_name.clone(),
                        branding: org.branding.clone(),
                        metadata,
                    },
                ));
            }
            Some(current) => {
                // A display name cannot be removed (Auth0 keeps one once set): a file without
                // one leaves it as it is.
                let mut after = as_org(org);
                if after.display_name.is_none() {
                    after.display_name.clone_from(&current.display_name);
                }
                let changes = org_changes(&as_org(current), &after);
                if !changes.is_empty() {
                    let metadata = if current.metadata == org.metadata {
                        None
                    } else {
                        Some(
                            live.schema
                                .check_change(
                                    live.role,
                                    &current.metadata,
                                    org.metadata.entries().clone(),
                                    false,
                                )
                                .map_err(|e| metadata_error(&field, e))?,
                        )
                    };
                    steps.push(step(
                        StepAction::Change,
                        ItemKind::Organization,
                        name,
                        Some(name),
                        changes,
                        Op::UpdateOrg {
                            name: name.to_owned(),
                            display_name: (current.display_name != org.display_name)
                                .then(|| org.display_name.clone())
                                .flatten(),
                            branding: (current.branding != org.branding)
                                .then(|| org.branding.clone()),
                            metadata,
                            base_metadata: current.metadata.clone(),
                        },
                    ));
                }
            }
        }
        connection_steps(
            &connections,
            &field,
            org,
            live_orgs.get(name).copied(),
            deletions,
            &mut steps,
        )?;
    }

    // Users the members need, then the members.
    if file.members {
        let mut known: BTreeMap<String, String> = BTreeMap::new(); // file user id → live user id
        for user in &want.users {
            if let Some(found) = find_user(live, user).await? {
                known.insert(user.user_id.clone(), found);
                continue;
            }
            let org = user
                .app_metadata
                .get("organization_id")
                .and_then(|id| want.org_by_id(id))
                .map(|o| o.name.as_str().to_owned());
            let changes = [
                text_change("email", "Email", None, Some(&user.email)),
                text_change("name", "Name", None, Some(&user.name)),
                text_change("connection", "Connection", None, Some(&user.connection)),
            ]
            .into_iter()
            .flatten()
            .collect();
            steps.push(step(
                StepAction::Create,
                ItemKind::User,
                &user.email,
                None,
                changes,
                Op::CreateUser {
                    user: user.clone(),
                    org,
                    keep_id: file.ids,
                },
            ));
        }
        let role_names: BTreeSet<&str> = have
            .roles
            .iter()
            .chain(want.roles.iter())
            .map(|r| r.name.as_str())
            .collect();
        for (i, org) in want.organizations.iter().enumerate() {
            let name = org.name.as_str();
            let current: BTreeMap<&str, &[String]> = live_orgs
                .get(name)
                .map(|o| {
                    o.members
                        .iter()
                        .map(|m| (m.user_id.as_str(), m.roles.as_slice()))
                        .collect()
                })
                .unwrap_or_default();
            let mut kept = BTreeSet::new();
            for member in &org.members {
                let Some(user) = want.user(&member.user_id) else {
                    return Err(ValidationError {
                        field: format!("organizations[{i}].members"),
                        message: format!(
                            "Member {} of “{name}” is not among the file's users.",
                            member.user_id
                        ),
                    }
                    .into());
                };
                if let Some(missing) = member
                    .roles
                    .iter()
                    .find(|r| !role_names.contains(r.as_str()))
                {
                    return Err(ValidationError {
                        field: format!("organizations[{i}].members"),
                        message: format!("{} is given role “{missing}”, which neither the tenant nor the file has.", user.email),
                    }
                    .into());
                }
                let live_id = known.get(&user.user_id).cloned();
                let held: &[String] = live_id
                    .as_deref()
                    .and_then(|id| current.get(id).copied())
                    .unwrap_or(&[]);
                let target = format!("{} in {name}", user.email);
                if let Some(id) = &live_id {
                    kept.insert(id.clone());
                }
                if live_id
                    .as_deref()
                    .is_none_or(|id| !current.contains_key(id))
                {
                    let changes = text_change("member", "Member", None, Some(&user.email))
                        .into_iter()
                        .collect();
                    steps.push(step(
                        StepAction::Create,
                        ItemKind::Member,
                        &target,
                        Some(name),
                        changes,
                        Op::AddMember {
                            org: name.to_owned(),
                            user_id: user.user_id.clone(),
                            email: user.email.clone(),
                        },
                    ));
                }
                let before: BTreeSet<&String> = held.iter().collect();
                let after: BTreeSet<&String> = member.roles.iter().collect();
                if before != after {
                    let joined = |s: &BTreeSet<&String>| {
                        (!s.is_empty())
                            .then(|| s.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))
                    };
                    let changes = text_change(
                        "roles",
                        "Roles",
                        joined(&before).as_deref(),
                        joined(&after).as_deref(),
                    )
                    .into_iter()
                    .collect();
                    steps.push(step(
                        StepAction::Change,
                        ItemKind::Member,
                        &target,
                        Some(name),
                        changes,
                        Op::MemberRoles {
                            org: name.to_owned(),
                            user_id: user.user_id.clone(),
                            email: user.email.clone(),
                            add: after.difference(&before).map(|r| (*r).clone()).collect(),
                            remove: before.difference(&after).map(|r| (*r).clone()).collect(),
                        },
                    ));
                }
            }
            if deletions {
                for (user_id, _) in current.iter().filter(|(id, _)| !kept.contains(**id)) {
                    let email = have.user(user_id).map_or(*user_id, |u| u.email.as_str());
                    let changes = text_change("member", "Member", Some(email), None)
                        .into_iter()
                        .collect();
                    steps.push(step(
                        StepAction::Delete,
                        ItemKind::Member,
                        &format!("{email} in {name}"),
                        Some(name),
                        changes,
                        Op::RemoveMember {
                            org: name.to_owned(),
                            user_id: (*user_id).to_owned(),
                        },
                    ));
                }
            }
        }
        invitation_steps(
            &connections,
            have,
            want,
            &role_names,
            &mut steps,
            &mut notes,
        )?;
    } else {
        notes.dedup();
    }

    if deletions {
        if file.whole_tenant {
            let wanted: BTreeSet<&str> =
                want.organizations.iter().map(|o| o.name.as_str()).collect();
            for org in have
                .organizations
                .iter()
                .filter(|o| !wanted.contains(o.name.as_str()))
            {
                let name = org.name.as_str();
                let changes = text_change("name", "Name", Some(name), None)
                    .into_iter()
                    .collect();
                steps.push(step(
                    StepAction::Delete,
                    ItemKind::Organization,
                    name,
                    Some(name),
                    changes,
                    Op::DeleteOrg {
                        name: name.to_owned(),
                    },
                ));
            }
            let wanted: BTreeSet<&str> = want.roles.iter().map(|r| r.name.as_str()).collect();
            for role in have
                .roles
                .iter()
                .filter(|r| !wanted.contains(r.name.as_str()))
            {
                let changes = text_change("name", "Name", Some(&role.name), None)
                    .into_iter()
                    .collect();
                steps.push(step(
                    StepAction::Delete,
                    ItemKind::Role,
                    &role.name,
                    None,
                    changes,
                    Op::DeleteRole {
                        name: role.name.clone(),
                    },
                ));
            }
            let wanted: BTreeSet<&str> = want.apis.iter().map(|a| a.identifier.as_str()).collect();
            for api in have
                .apis
                .iter()
                .filter(|a| !wanted.contains(a.identifier.as_str()))
            {
                let changes = text_change("name", "Name", Some(&api.name), None)
                    .into_iter()
                    .collect();
                steps.push(step(
                    StepAction::Delete,
                    ItemKind::Api,
                    &api.identifier,
                    None,
                    changes,
                    Op::DeleteApi {
                        identifier: api.identifier.clone(),
                    },
                ));
            }
        } else {
            notes.push("This file is one organization's: deletions reach only that organization's connections and members.".to_owned());
        }
    }
    if !file.whole_tenant {
        notes.push(
            "Organizations, roles and APIs the file does not have are left as they are.".to_owned(),
        );
    }
    if file.members && !want.users.is_empty() {
        notes.push("Users are created when missing, with a password nobody knows (they set one with a password reset); existing users' profiles are not changed.".to_owned());
    }
    Ok((steps, notes))
}

/// Invitations the file has and the directory does not: invited again with the same expiry
/// (an expired one is not). None is revoked: an invitation is a person's, not configuration.
fn invitation_steps(
    connections: &[Connection],
    have: &Snapshot,
    want: &Snapshot,
    role_names: &BTreeSet<&str>,
    steps: &mut Vec<Step>,
    notes: &mut Vec<String>,
) -> Result<(), DirectoryError> {
    let now = crate::db::now();
    let pending: BTreeSet<(&str, String)> = have
        .invitations
        .iter()
        .map(|i| (i.organization.as_str(), i.invitee_email.to_lowercase()))
        .collect();
    let mut expired = 0;
    for (i, invitation) in want.invitations.iter().enumerate() {
        let field = format!("invitations[{i}]");
        let org = invitation.organization.as_str();
        if pending.contains(&(org, invitation.invitee_email.to_lowercase())) {
            continue;
        }
        if invitation.expires_at <= now {
            expired += 1;
            continue;
        }
        let refuse = |message: String| -> DirectoryError {
            ValidationError {
                field: field.clone(),
                message,
            }
            .into()
        };
        Email::parse(&invitation.invitee_email).map_err(at(field.clone()))?;
        if !want.organizations.iter().any(|o| o.name.as_str() == org) {
            return Err(refuse(format!(
                "The invitation of {} is to “{org}”, which the file does not have.",
                invitation.invitee_email
            )));
        }
        if let Some(missing) = invitation
            .roles
            .iter()
            .find(|r| !role_names.contains(r.as_str()))
        {
            return Err(refuse(format!(
                "{} is invited with role “{missing}”, which neither the tenant nor the file has.",
                invitation.invitee_email
            )));
        }
        if let Some(c) = invitation
            .connection
            .as_deref()
            .filter(|c| !connections.iter().any(|t| t.name == *c))
        {
            return Err(refuse(format!(
                "The tenant has no connection named “{c}”; create it first."
            )));
        }
        let roles = invitation.roles.join(", ");
        let changes = [
            text_change(
                "invitee_email",
                "Invitee",
                None,
                Some(&invitation.invitee_email),
            ),
            text_change("roles", "Roles", None, none_if_empty(&roles)),
        ]
        .into_iter()
        .flatten()
        .collect();
        steps.push(step(
            StepAction::Create,
            ItemKind::Invitation,
            &format!("{} to {org}", invitation.invitee_email),
            Some(org),
            changes,
            Op::CreateInvitation {
                org: org.to_owned(),
                invitation: invitation.clone(),
            },
        ));
    }
    if expired > 0 {
        notes.push(format!(
            "{expired} expired invitations in the file are not sent again."
        ));
    }
    Ok(())
}

/// Refuses permissions to give that no API defines. Auth0's own API (never exported) is not
/// known here; the directory checks its permissions itself.
fn defined_by_an_api(
    defined: &BTreeSet<(String, String)>,
    have: &Snapshot,
    want: &Snapshot,
    field: &str,
    role: &str,
    permissions: &[PermissionRef],
) -> Result<(), DirectoryError> {
    for p in permissions {
        let api_known = have
            .apis
            .iter()
            .chain(want.apis.iter())
            .any(|a| a.identifier == p.resource_server_identifier);
        if api_known
            && !defined.contains(&(
                p.resource_server_identifier.clone(),
                p.permission_name.clone(),
            ))
        {
            return Err(ValidationError {
                field: format!("{field}.permissions"),
                message: format!(
                    "Role “{role}” grants {} of {}, which that API does not define.",
                    p.permission_name, p.resource_server_identifier
                ),
            }
            .into());
        }
    }
    Ok(())
}

fn metadata_error(field: &str, err: orgdesk_model::schema::MetadataRuleError) -> DirectoryError {
    match err {
        orgdesk_model::schema::MetadataRuleError::Invalid(e) => at(field.to_owned())(e).into(),
        orgdesk_model::schema::MetadataRuleError::NotEditable { .. } => ValidationError {
            field: format!("{field}.metadata"),
            message: "The file changes a metadata key your role cannot change.".into(),
        }
        .into(),
    }
}

fn as_org(entry: &OrgEntry) -> Organization {
    Organization {
        id: entry.id.clone(),
        name: entry.name.clone(),
        display_name: entry.display_name.clone(),
        branding: entry.branding.clone(),
        metadata: entry.metadata.clone(),
    }
}

fn empty_like(entry: &OrgEntry) -> OrgEntry {
    OrgEntry {
        display_name: None,
        branding: None,
        metadata: Metadata::default(),
        connections: Vec::new(),
        members: Vec::new(),
        ..entry.clone()
    }
}

fn tenant_step(
    before: &TenantSettings,
    after: &TenantSettings,
    fields: &[&str],
) -> Result<Option<Step>, DirectoryError> {
    let mut change = TenantSettingsInput::default();
    let mut flags = None;
    let mut changes = Vec::new();
    let mut page: Option<ErrorPage> = None;
    for field in fields {
        let (label, was, now) = match *field {
            "friendly_name" => ("Friendly name", &before.friendly_name, &after.friendly_name),
            "picture_url" => ("Logo URL", &before.picture_url, &after.picture_url),
            "support_email" => ("Support email", &before.support_email, &after.support_email),
            "support_url" => ("Support URL", &before.support_url, &after.support_url),
            "error_page.html" => (
                "Error page HTML",
                &before.error_page.html,
                &after.error_page.html,
            ),
            "error_page.url" => (
                "Error page URL",
                &before.error_page.url,
                &after.error_page.url,
            ),
            "flags" => continue,
            _ => {
                if before.error_page.show_log_link != after.error_page.show_log_link {
                    changes.extend(text_change(
                        "error_page.show_log_link",
                        "Error page log link",
                        Some(&before.error_page.show_log_link.to_string()),
                        Some(&after.error_page.show_log_link.to_string()),
                    ));
                    page.get_or_insert_with(|| before.error_page.clone())
                        .show_log_link = after.error_page.show_log_link;
                }
                continue;
            }
        };
        if was == now {
            continue;
        }
        changes.extend(text_change(
            field,
            label,
            none_if_empty(was),
            none_if_empty(now),
        ));
        match *field {
            "friendly_name" => change.friendly_name = Some(now.clone()),
            "picture_url" => change.picture_url = Some(now.clone()),
            "support_email" => change.support_email = Some(now.clone()),
            "support_url" => change.support_url = Some(now.clone()),
            "error_page.html" => page
                .get_or_insert_with(|| before.error_page.clone())
                .html
                .clone_from(now),
            _ => page
                .get_or_insert_with(|| before.error_page.clone())
                .url
                .clone_from(now),
        }
    }
    if fields.contains(&"flags") {
        let moved: BTreeMap<String, bool> = after
            .flags
            .iter()
            .filter(|(k, v)| before.flags.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (flag, on) in &moved {
            changes.extend(text_change(
                &format!("flags.{flag}"),
                flag,
                before.flags.get(flag).map(|v| v.to_string()).as_deref(),
                Some(&on.to_string()),
            ));
        }
        if !moved.is_empty() {
            flags = Some(moved);
        }
    }
    if changes.is_empty() {
        return Ok(None);
    }
    change.error_page = page;
    change.parse().map_err(at("tenant".into()))?;
    Ok(Some(step(
        StepAction::Change,
        ItemKind::Tenant,
        "Tenant settings",
        None,
        changes,
        Op::Tenant { change, flags },
    )))
}

fn connection_steps(
    connections: &[Connection],
    field: &str,
    org: &OrgEntry,
    current: Option<&OrgEntry>,
    deletions: bool,
    steps: &mut Vec<Step>,
) -> Result<(), DirectoryError> {
    let name = org.name.as_str();
    let before: BTreeMap<&str, _> = current
        .map(|o| o.connections.iter().map(|c| (c.name.as_str(), c)).collect())
        .unwrap_or_default();
    for c in &org.connections {
        let Some(connection) = connections.iter().find(|t| t.name == c.name) else {
            return Err(ValidationError {
                field: format!("{field}.connections"),
                message: format!(
                    "The tenant has no connection named “{}”; create it first.",
                    c.name
                ),
            }
            .into());
        };
        check_connection_flags(
            &connection.strategy,
            c.assign_membership_on_login,
            c.is_signup_enabled,
        )
        .map_err(at(format!("{field}.connections")))?;
        let flags = |e: Option<&&orgdesk_model::snapshot::OrgConnectionEntry>| {
            e.map(|e| {
                format!(
                    "membership on sign-in {}, button {}, sign-up {}",
                    yes(e.assign_membership_on_login),
                    yes(e.show_as_button),
                    yes(e.is_signup_enabled)
                )
            })
        };
        let was = before.get(c.name.as_str());
        if was.is_some_and(|w| *w == c) {
            continue;
        }
        let changes = text_change(
            &format!("connections.{}", c.name),
            &c.name,
            flags(was).as_deref(),
            flags(Some(&c)).as_deref(),
        )
        .into_iter()
        .collect();
        let action = if was.is_some() {
            StepAction::Change
        } else {
            StepAction::Create
        };
        steps.push(step(
            action,
            ItemKind::Connection,
            &format!("{} in {name}", c.name),
            Some(name),
            changes,
            Op::PutConnection {
                org: name.to_owned(),
                connection: c.name.clone(),
                assign_membership_on_login: c.assign_membership_on_login,
                show_as_button: c.show_as_button,
                is_signup_enabled: c.is_signup_enabled,
            },
        ));
    }
    if deletions {
        let wanted: BTreeSet<&str> = org.connections.iter().map(|c| c.name.as_str()).collect();
        for gone in before.keys().filter(|c| !wanted.contains(**c)) {
            let changes = text_change(&format!("connections.{gone}"), gone, Some("enabled"), None)
                .into_iter()
                .collect();
            steps.push(step(
                StepAction::Delete,
                ItemKind::Connection,
                &format!("{gone} in {name}"),
                Some(name),
                changes,
                Op::DeleteConnection {
                    org: name.to_owned(),
                    connection: (*gone).to_owned(),
                },
            ));
        }
    }
    Ok(())
}

fn yes(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// The live id of a file's user: the same id, or the same email on the same connection.
async fn find_user(live: &Live<'_>, user: &UserEntry) -> Result<Option<String>, DirectoryError> {
    if live.snapshot.user(&user.user_id).is_some() {
        return Ok(Some(user.user_id.clone()));
    }
    if let Some(found) = live.directory.get_user(&user.user_id).await? {
        return Ok(Some(found.user_id));
    }
    let matches = live.directory.search_users(&user.email, 20, None).await?;
    for candidate in matches
        .into_iter()
        .filter(|u| u.email.eq_ignore_ascii_case(&user.email))
    {
        if let Some(found) = live.directory.get_user(&candidate.user_id).await? {
            if found.connection == user.connection {
                return Ok(Some(found.user_id));
            }
        }
    }
    Ok(None)
}
