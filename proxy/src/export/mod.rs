//! Configuration as code: the tenant read into one snapshot, and that snapshot written as a
//! Pulumi program, Terraform, auth0-deploy-cli YAML or orgdesk's own JSON.

mod deploy_cli;
mod names;
mod pulumi;
mod terraform;
mod zip;

use std::collections::{BTreeMap, BTreeSet};

use orgdesk_model::snapshot::{
    ApiEntry, ConnectionEntry, InvitationEntry, MemberEntry, OrgConnectionEntry, OrgEntry,
    RoleEntry, Scope, Snapshot, UserEntry,
};
use orgdesk_model::{OrgId, Organization};

use crate::directory::{Directory, DirectoryError, MemberQuery, OrgQuery, MAX_PER_PAGE};

pub use orgdesk_model::snapshot::ExportFormat as Format;

/// A file to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The name the browser saves it under.
    pub filename: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// One file of an export, before it is zipped with the others.
struct File {
    name: &'static str,
    text: String,
}

/// Writes a snapshot in a format: one file for JSON, a zip where several files belong together.
///
/// # Errors
/// Only if the snapshot cannot be serialized, which would be a bug.
pub fn render(format: Format, snapshot: &Snapshot, stem: &str) -> Result<Download, String> {
    let files = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(snapshot).map_err(|e| e.to_string())?;
            text.push('\n');
            return Ok(Download {
                filename: format!("{stem}.orgdesk.json"),
                content_type: "application/json",
                body: text.into_bytes(),
            });
        }
        Format::PulumiPython => pulumi::files(snapshot),
        Format::Terraform => terraform::files(snapshot),
        Format::DeployCli => deploy_cli::files(snapshot),
    };
    let suffix = match format {
        Format::PulumiPython => "pulumi",
        other => other.as_str(),
    };
    let entries: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name, f.text.as_bytes())).collect();
    Ok(Download {
        filename: format!("{stem}.{suffix}.zip"),
        content_type: "application/zip",
        body: zip::stored(&entries)?,
    })
}

/// Reads what a scope covers out of the directory.
///
/// # Errors
/// What the directory answered; `NotFound` for an organization that does not exist.
pub async fn snapshot(dir: &dyn Directory, scope: &Scope) -> Result<Snapshot, DirectoryError> {
    match scope {
        Scope::Tenant => gather(dir, true, all_orgs(dir).await?, true).await,
        Scope::Org(id) => {
            let org = dir.get_org(id).await?.ok_or(DirectoryError::NotFound)?;
            gather(dir, false, vec![org], false).await
        }
    }
}

/// A snapshot of `orgs` with their connections, members and invitations, the members' users,
/// and the roles they hold (or every role, with `all_roles`, and then the APIs too); with
/// `tenant`, the tenant's settings and APIs as well.
///
/// # Errors
/// What the directory answered.
pub async fn gather(
    dir: &dyn Directory,
    tenant: bool,
    orgs: Vec<Organization>,
    all_roles: bool,
) -> Result<Snapshot, DirectoryError> {
    let mut snapshot = Snapshot::new();
    if tenant {
        snapshot.tenant = Some(dir.tenant_settings().await?);
    }
    let catalogue = dir.list_roles().await?;
    let tenant_connections = dir.list_connections().await?;
    let connections: BTreeMap<String, String> = tenant_connections
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();

    let mut member_ids = BTreeSet::new();
    let mut held_roles = BTreeSet::new();
    for org in orgs {
        let members = all_members(dir, &org.id).await?;
        let mut entry = org_entry(org);
        entry.connections = dir
            .org_connections(&entry.id)
            .await?
            .into_iter()
            .map(|c| OrgConnectionEntry {
                name: c.connection.name,
                assign_membership_on_login: c.assign_membership_on_login,
                show_as_button: c.show_as_button,
                is_signup_enabled: c.is_signup_enabled,
            })
            .collect();
        entry.connections.sort_by(|a, b| a.name.cmp(&b.name));
        for member in members {
            member_ids.insert(member.user_id.clone());
            let mut roles: Vec<String> = member.roles.iter().map(|r| r.name.clone()).collect();
            roles.sort();
            held_roles.extend(roles.iter().cloned());
            entry.members.push(MemberEntry {
                user_id: member.user_id,
                roles,
            });
        }
        entry.members.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        for invitation in dir.list_invitations(&entry.id).await? {
            let mut roles: Vec<String> = invitation.roles.iter().map(|r| r.name.clone()).collect();
            roles.sort();
            held_roles.extend(roles.iter().cloned());
            snapshot.invitations.push(InvitationEntry {
                organization: entry.name.as_str().to_owned(),
                invitee_email: invitation.invitee_email,
                inviter_name: invitation.inviter_name,
                roles,
                connection: invitation
                    .connection_id
                    .and_then(|id| connections.get(&id).cloned()),
                expires_at: invitation.expires_at,
            });
        }
        snapshot.organizations.push(entry);
    }
    snapshot
        .organizations
        .sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    snapshot.invitations.sort_by(|a, b| {
        (&a.organization, &a.invitee_email).cmp(&(&b.organization, &b.invitee_email))
    });

    for role in &catalogue {
        if !(tenant || all_roles || held_roles.contains(&role.name)) {
            continue;
        }
        let mut permissions: Vec<_> = dir
            .role_permissions(&role.id)
            .await?
            .into_iter()
            .map(|p| p.key())
            .collect();
        permissions.sort();
        snapshot.roles.push(RoleEntry {
            id: role.id.clone(),
            name: role.name.clone(),
            description: role.description.clone(),
            permissions,
        });
    }
    snapshot.roles.sort_by(|a, b| a.name.cmp(&b.name));

    if tenant || all_roles {
        for api in dir.list_apis().await? {
            if api.system {
                continue;
            }
            snapshot.apis.push(ApiEntry {
                id: api.id,
                name: api.name,
                identifier: api.identifier,
                token_lifetime: api.token_lifetime,
                signing_alg: api.signing_alg,
                rbac: api.rbac,
                permissions_in_token: api.permissions_in_token,
                permissions: api.permissions,
            });
        }
        snapshot
            .apis
            .sort_by(|a, b| a.identifier.cmp(&b.identifier));
    }

    for user_id in member_ids {
        let Some(user) = dir.get_user(&user_id).await? else {
            continue;
        };
        snapshot.users.push(UserEntry {
            user_id: user.user_id,
            email: user.email,
            name: user.name,
            connection: user.connection,
            email_verified: user.email_verified,
            user_metadata: user.user_metadata,
            app_metadata: user.app_metadata,
        });
    }
    snapshot
        .users
        .sort_by(|a, b| (&a.email, &a.user_id).cmp(&(&b.email, &b.user_id)));
    let named: BTreeSet<&str> = snapshot
        .connection_names()
        .into_iter()
        .chain(
            snapshot
                .invitations
                .iter()
                .filter_map(|i| i.connection.as_deref()),
        )
        .collect();
    snapshot.connections = tenant_connections
        .iter()
        .filter(|c| named.contains(c.name.as_str()))
        .map(|c| ConnectionEntry {
            name: c.name.clone(),
            strategy: c.strategy.clone(),
        })
        .collect();
    Ok(snapshot)
}

/// The organization with exactly this name, if any.
///
/// # Errors
/// What the directory answered.
pub async fn org_named(
    dir: &dyn Directory,
    name: &str,
) -> Result<Option<Organization>, DirectoryError> {
    let page = dir
        .list_orgs(&OrgQuery {
            q: Some(name.to_owned()),
            page: 0,
            per_page: MAX_PER_PAGE,
            only: None,
        })
        .await?;
    Ok(page.items.into_iter().find(|o| o.name.as_str() == name))
}

fn org_entry(org: Organization) -> OrgEntry {
    OrgEntry {
        id: org.id,
        name: org.name,
        display_name: org.display_name,
        branding: org.branding,
        metadata: org.metadata,
        connections: Vec::new(),
        members: Vec::new(),
    }
}

/// Every organization, by name.
///
/// # Errors
/// What the directory answered.
pub async fn all_orgs(dir: &dyn Directory) -> Result<Vec<Organization>, DirectoryError> {
    let mut orgs = Vec::new();
    for page in 0.. {
        let query = OrgQuery {
            page,
            per_page: MAX_PER_PAGE,
            ..OrgQuery::default()
        };
        let batch = dir.list_orgs(&query).await?;
        let done = batch.items.len() < MAX_PER_PAGE as usize
            || orgs.len() + batch.items.len() >= usize::try_from(batch.total).unwrap_or(usize::MAX);
        orgs.extend(batch.items);
        if done {
            break;
        }
    }
    orgs.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    Ok(orgs)
}

async fn all_members(
    dir: &dyn Directory,
    org: &OrgId,
) -> Result<Vec<orgdesk_model::members::Member>, DirectoryError> {
    let mut members = Vec::new();
    let mut from = None;
    loop {
        let query = MemberQuery {
            from: from.take(),
            take: MAX_PER_PAGE,
            q: None,
        };
        let page = dir.list_members(org, &query).await?;
        members.extend(page.items);
        match page.next {
            Some(next) => from = Some(next),
            None => return Ok(members),
        }
    }
}
