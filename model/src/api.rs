//! The shapes of the proxy's JSON API that the browser app and the tests rely on.

use serde::{Deserialize, Serialize};

use crate::diff::Change;
use crate::schema::MetadataSchema;
use crate::validate::OrgId;

/// A page of a paged list: `{"items": [...], "total": N}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows match in all.
    pub total: u64,
}

/// Every error the proxy returns: `{"error", "message", "field"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code (`not_found`, `invalid_input`, …).
    pub error: String,
    /// What went wrong, in words a person can act on.
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// When a change was made against an organization someone else has changed since, the
    /// organization as it is stored now, so the person can compare and reapply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<crate::Organization>>,
}

/// A page of a checkpoint-paged list: `{"items": [...], "next": "<cursor>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Where the next page starts; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What a signed-in person may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the AI product: every organization and the tenant.
    PlatformAdmin,
    /// Administers one customer organization.
    OrgAdmin,
    /// Belongs to one organization and may read it.
    Member,
}

impl Role {
    /// The wire name, as in `/api/me`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "platform_admin",
            Self::OrgAdmin => "org_admin",
            Self::Member => "member",
        }
    }

    /// Parses the wire name.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "platform_admin" => Some(Self::PlatformAdmin),
            "org_admin" => Some(Self::OrgAdmin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    /// How the role is named on screen.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "Platform admin",
            Self::OrgAdmin => "Org admin",
            Self::Member => "Member",
        }
    }
}

/// Where the proxy's directory lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The embedded store with demo data.
    Demo,
    /// A real Auth0 tenant.
    Auth0,
}

/// The signed-in person, as `GET /api/me` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Who they are.
    pub user: MeUser,
    /// What they may be.
    pub role: Role,
    /// The one organization an org admin or member belongs to.
    pub org_id: Option<OrgId>,
    /// What the app may offer them. Names this version does not know (from a newer orgdesk
    /// during a rolling upgrade) are left out rather than failing the whole answer.
    #[serde(deserialize_with = "known_capabilities")]
    pub capabilities: Vec<Capability>,
    /// The value every mutating call must send in `x-csrf-token`.
    pub csrf_token: String,
    /// Demo or real mode.
    pub mode: Mode,
    /// In real mode, the start of an Auth0 `/authorize` address for the AI application, to
    /// which the branding studio appends `&organization=<id>` ("Try the real sign-in").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub try_sign_in: Option<String>,
}

/// The person behind a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeUser {
    /// The directory's user id (`auth0|…`).
    pub id: String,
    /// Their email address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their avatar, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
}

fn known_capabilities<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Capability>, D::Error> {
    let names = Vec::<String>::deserialize(deserializer)?;
    Ok(names
        .into_iter()
        .filter_map(|name| Capability::try_from(name).ok())
        .collect())
}

impl Me {
    /// Whether the app should offer an action that needs `capability`.
    #[must_use]
    pub fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}

/// How many members and invitations an organization has (what deleting it takes along).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCounts {
    /// Members.
    pub members: u64,
    /// Pending invitations.
    pub invitations: u64,
}

/// `GET /api/metadata-schema`: the schema and Auth0's limits, for the app's forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaInfo {
    /// The keys.
    #[serde(flatten)]
    pub schema: MetadataSchema,
    /// The prefix of custom token claims.
    pub claims_namespace: String,
    /// Auth0's limit on keys.
    pub max_keys: usize,
    /// Auth0's limit on a value's length.
    pub max_value_len: usize,
}

/// One audit record, as `/api/audit` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing id (the cursor of the list).
    pub id: i64,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// Who: user id.
    pub actor_id: String,
    /// Who: email.
    pub actor_email: String,
    /// Their role at the time.
    pub actor_role: String,
    /// The organization concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// What was done.
    pub action: AuditAction,
    /// Field by field, before → after.
    pub changes: Vec<Change>,
    /// `ok`, or what went wrong.
    pub outcome: String,
    /// The request, to match with logs: orgdesk's own id, never one a client chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The `x-request-id` the client sent, if any: kept as the client's word, beside orgdesk's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Everything the API lets someone do. The proxy's access table decides who may; `/api/me`
/// tells the app, which offers only what is allowed. Sent as its name (`orgs:read`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Capability {
    /// List organizations (all of them, or only one's own).
    ListOrgs,
    /// Read one organization.
    ReadOrg,
    /// Read users across the tenant.
    ReadUsers,
    /// Read the role catalogue.
    ReadRoles,
    /// Read tenant settings.
    ReadTenant,
    /// Change tenant settings.
    EditTenant,
    /// Read the audit log.
    ReadAudit,
    /// Create organizations.
    CreateOrg,
    /// Delete organizations.
    DeleteOrg,
    /// Change an organization's display name.
    RenameOrg,
    /// Change an organization's logo and colours.
    EditBranding,
    /// Change an organization's metadata (which keys, the schema decides).
    EditMetadata,
    /// List an organization's members and their roles.
    ReadMembers,
    /// Add and remove members.
    ManageMembers,
    /// Give and take members' roles (org admins: only roles on the allow-list).
    AssignRoles,
    /// List invitations.
    ReadInvitations,
    /// Invite and revoke invitations.
    Invite,
    /// Look users up to add them (org admins: own members and exact emails only).
    FindUsers,
    /// Create users.
    CreateUser,
    /// List the tenant's connections.
    ReadConnections,
    /// Enable, change and disable an organization's connections (platform admins).
    ManageConnections,
    /// List the APIs (resource servers) and their permissions (platform admins).
    ReadApis,
    /// Create, change and delete APIs (platform admins).
    ManageApis,
    /// Create, rename and delete roles and change their permissions (platform admins).
    ManageRoles,
    /// See an organization's machine-to-machine applications, without secrets.
    ReadM2m,
    /// Create, associate, remove machine-to-machine applications and rotate their secrets
    /// (platform admins).
    ManageM2m,
    /// See an organization's domains and their verification.
    ReadDomains,
    /// Add, verify, switch and remove an organization's domains.
    ManageDomains,
    /// Make and revoke single sign-on set-up links for an organization's IT admin.
    ManageSso,
    /// Download the configuration as code: the whole tenant (platform admins) or one's own
    /// organization.
    ExportConfig,
    /// Plan and apply an import of configuration (org admins: their own organization's part,
    /// within what their role may change).
    ImportConfig,
}

impl Capability {
    /// Every action, for `/api/me`'s capabilities and the access matrix tests.
    pub const ALL: [Capability; 31] = [
        Capability::ListOrgs,
        Capability::ReadOrg,
        Capability::ReadUsers,
        Capability::ReadRoles,
        Capability::ReadTenant,
        Capability::EditTenant,
        Capability::ReadAudit,
        Capability::CreateOrg,
        Capability::DeleteOrg,
        Capability::RenameOrg,
        Capability::EditBranding,
        Capability::EditMetadata,
        Capability::ReadMembers,
        Capability::ManageMembers,
        Capability::AssignRoles,
        Capability::ReadInvitations,
        Capability::Invite,
        Capability::FindUsers,
        Capability::CreateUser,
        Capability::ReadConnections,
        Capability::ManageConnections,
        Capability::ReadApis,
        Capability::ManageApis,
        Capability::ManageRoles,
        Capability::ReadM2m,
        Capability::ManageM2m,
        Capability::ReadDomains,
        Capability::ManageDomains,
        Capability::ManageSso,
        Capability::ExportConfig,
        Capability::ImportConfig,
    ];

    /// The capability name the browser app sees.
    #[must_use]
    pub fn capability(self) -> &'static str {
        match self {
            Self::ListOrgs => "orgs:list",
            Self::ReadOrg => "orgs:read",
            Self::ReadUsers => "users:read",
            Self::ReadRoles => "roles:read",
            Self::ReadTenant => "tenant:read",
            Self::EditTenant => "tenant:write",
            Self::ReadAudit => "audit:read",
            Self::CreateOrg => "orgs:create",
            Self::DeleteOrg => "orgs:delete",
            Self::RenameOrg => "orgs:rename",
            Self::EditBranding => "branding:write",
            Self::EditMetadata => "metadata:write",
            Self::ReadMembers => "members:read",
            Self::ManageMembers => "members:write",
            Self::AssignRoles => "member_roles:write",
            Self::ReadInvitations => "invitations:read",
            Self::Invite => "invitations:write",
            Self::FindUsers => "users:find",
            Self::CreateUser => "users:create",
            Self::ReadConnections => "connections:read",
            Self::ManageConnections => "connections:write",
            Self::ReadApis => "apis:read",
            Self::ManageApis => "apis:write",
            Self::ManageRoles => "roles:write",
            Self::ReadM2m => "m2m:read",
            Self::ManageM2m => "m2m:write",
            Self::ReadDomains => "domains:read",
            Self::ManageDomains => "domains:write",
            Self::ManageSso => "sso:write",
            Self::ExportConfig => "config:export",
            Self::ImportConfig => "config:import",
        }
    }
}

impl From<Capability> for String {
    fn from(capability: Capability) -> Self {
        capability.capability().to_owned()
    }
}

impl TryFrom<String> for Capability {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::ALL
            .into_iter()
            .find(|c| c.capability() == name)
            .ok_or_else(|| format!("unknown capability {name}"))
    }
}

/// What an audit row records. Stored and sent as its name (`org.update`, …); a name this
/// version does not know (written by a newer orgdesk sharing the database) is kept as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum AuditAction {
    /// `org.create`: Created organization.
    OrgCreate,
    /// `org.update`: Changed organization.
    OrgUpdate,
    /// `org.delete`: Deleted organization.
    OrgDelete,
    /// `tenant.update`: Changed tenant settings.
    TenantUpdate,
    /// `auth.sign_in`: Signed in.
    SignIn,
    /// `auth.sign_out`: Signed out.
    SignOut,
    /// `auth.role_lost`: Role no longer held — signed out.
    RoleLost,
    /// `denied`: Denied attempt.
    Denied,
    /// `members.add`: Added members.
    MembersAdd,
    /// `members.remove`: Removed members.
    MembersRemove,
    /// `member_roles.add`: Gave member roles.
    MemberRolesAdd,
    /// `member_roles.remove`: Took member roles.
    MemberRolesRemove,
    /// `invitations.create`: Invited.
    InvitationsCreate,
    /// `invitations.delete`: Revoked invitation.
    InvitationsDelete,
    /// `connections.enable`: Enabled connection.
    ConnectionsEnable,
    /// `connections.update`: Changed connection.
    ConnectionsUpdate,
    /// `connections.disable`: Disabled connection.
    ConnectionsDisable,
    /// `users.create`: Created user.
    UsersCreate,
    /// `audit.purge`: Purged old audit rows.
    AuditPurge,
    /// `api.create`: Created API.
    ApiCreate,
    /// `api.update`: Changed API.
    ApiUpdate,
    /// `api.delete`: Deleted API.
    ApiDelete,
    /// `role.create`: Created role.
    RoleCreate,
    /// `role.update`: Changed role.
    RoleUpdate,
    /// `role.delete`: Deleted role.
    RoleDelete,
    /// `role_permissions.add`: Gave role permissions.
    RolePermissionsAdd,
    /// `role_permissions.remove`: Took role permissions.
    RolePermissionsRemove,
    /// `m2m.create`: Created M2M application.
    M2mCreate,
    /// `m2m.associate`: Gave organization M2M access.
    M2mAssociate,
    /// `m2m.remove`: Took organization M2M access.
    M2mRemove,
    /// `m2m.rotate_secret`: Rotated M2M secret.
    M2mRotateSecret,
    /// `token_quota.update`: Changed token quota.
    TokenQuotaUpdate,
    /// `domain.create`: Added domain.
    DomainCreate,
    /// `domain.verify`: Checked domain.
    DomainVerify,
    /// `domain.update`: Changed domain.
    DomainUpdate,
    /// `domain.delete`: Removed domain.
    DomainDelete,
    /// `sso_ticket.create`: Made SSO set-up link.
    SsoTicketCreate,
    /// `sso_ticket.revoke`: Revoked SSO set-up link.
    SsoTicketRevoke,
    /// `sso.setup`: Set up single sign-on.
    SsoSetup,
    /// `connection.create`: Created connection (restoring a snapshot into the embedded store).
    ConnectionCreate,
    /// An action this version of orgdesk does not know.
    Other(String),
}

impl AuditAction {
    /// Every action this version records.
    pub const ALL: [AuditAction; 40] = [
        Self::OrgCreate,
        Self::OrgUpdate,
        Self::OrgDelete,
        Self::TenantUpdate,
        Self::SignIn,
        Self::SignOut,
        Self::RoleLost,
        Self::Denied,
        Self::MembersAdd,
        Self::MembersRemove,
        Self::MemberRolesAdd,
        Self::MemberRolesRemove,
        Self::InvitationsCreate,
        Self::InvitationsDelete,
        Self::ConnectionsEnable,
        Self::ConnectionsUpdate,
        Self::ConnectionsDisable,
        Self::UsersCreate,
        Self::AuditPurge,
        Self::ApiCreate,
        Self::ApiUpdate,
        Self::ApiDelete,
        Self::RoleCreate,
        Self::RoleUpdate,
        Self::RoleDelete,
        Self::RolePermissionsAdd,
        Self::RolePermissionsRemove,
        Self::M2mCreate,
        Self::M2mAssociate,
        Self::M2mRemove,
        Self::M2mRotateSecret,
        Self::TokenQuotaUpdate,
        Self::DomainCreate,
        Self::DomainVerify,
        Self::DomainUpdate,
        Self::DomainDelete,
        Self::SsoTicketCreate,
        Self::SsoTicketRevoke,
        Self::SsoSetup,
        Self::ConnectionCreate,
    ];

    /// The stored name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::OrgCreate => "org.create",
            Self::OrgUpdate => "org.update",
            Self::OrgDelete => "org.delete",
            Self::TenantUpdate => "tenant.update",
            Self::SignIn => "auth.sign_in",
            Self::SignOut => "auth.sign_out",
            Self::RoleLost => "auth.role_lost",
            Self::Denied => "denied",
            Self::MembersAdd => "members.add",
            Self::MembersRemove => "members.remove",
            Self::MemberRolesAdd => "member_roles.add",
            Self::MemberRolesRemove => "member_roles.remove",
            Self::InvitationsCreate => "invitations.create",
            Self::InvitationsDelete => "invitations.delete",
            Self::ConnectionsEnable => "connections.enable",
            Self::ConnectionsUpdate => "connections.update",
            Self::ConnectionsDisable => "connections.disable",
            Self::UsersCreate => "users.create",
            Self::AuditPurge => "audit.purge",
            Self::ApiCreate => "api.create",
            Self::ApiUpdate => "api.update",
            Self::ApiDelete => "api.delete",
            Self::RoleCreate => "role.create",
            Self::RoleUpdate => "role.update",
            Self::RoleDelete => "role.delete",
            Self::RolePermissionsAdd => "role_permissions.add",
            Self::RolePermissionsRemove => "role_permissions.remove",
            Self::M2mCreate => "m2m.create",
            Self::M2mAssociate => "m2m.associate",
            Self::M2mRemove => "m2m.remove",
            Self::M2mRotateSecret => "m2m.rotate_secret",
            Self::TokenQuotaUpdate => "token_quota.update",
            Self::DomainCreate => "domain.create",
            Self::DomainVerify => "domain.verify",
            Self::DomainUpdate => "domain.update",
            Self::DomainDelete => "domain.delete",
            Self::SsoTicketCreate => "sso_ticket.create",
            Self::SsoTicketRevoke => "sso_ticket.revoke",
            Self::SsoSetup => "sso.setup",
            Self::ConnectionCreate => "connection.create",
            Self::Other(name) => name,
        }
    }

    /// Words for a person reading the log.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            Self::OrgCreate => "Created organization",
            Self::OrgUpdate => "Changed organization",
            Self::OrgDelete => "Deleted organization",
            Self::TenantUpdate => "Changed tenant settings",
            Self::SignIn => "Signed in",
            Self::SignOut => "Signed out",
            Self::RoleLost => "Role no longer held — signed out",
            Self::Denied => "Denied attempt",
            Self::MembersAdd => "Added members",
            Self::MembersRemove => "Removed members",
            Self::MemberRolesAdd => "Gave member roles",
            Self::MemberRolesRemove => "Took member roles",
            Self::InvitationsCreate => "Invited",
            Self::InvitationsDelete => "Revoked invitation",
            Self::ConnectionsEnable => "Enabled connection",
            Self::ConnectionsUpdate => "Changed connection",
            Self::ConnectionsDisable => "Disabled connection",
            Self::UsersCreate => "Created user",
            Self::AuditPurge => "Purged old audit rows",
            Self::ApiCreate => "Created API",
            Self::ApiUpdate => "Changed API",
            Self::ApiDelete => "Deleted API",
            Self::RoleCreate => "Created role",
            Self::RoleUpdate => "Changed role",
            Self::RoleDelete => "Deleted role",
            Self::RolePermissionsAdd => "Gave role permissions",
            Self::RolePermissionsRemove => "Took role permissions",
            Self::M2mCreate => "Created M2M application",
            Self::M2mAssociate => "Gave organization M2M access",
            Self::M2mRemove => "Took organization M2M access",
            Self::M2mRotateSecret => "Rotated M2M secret",
            Self::TokenQuotaUpdate => "Changed token quota",
            Self::DomainCreate => "Added domain",
            Self::DomainVerify => "Checked domain",
            Self::DomainUpdate => "Changed domain",
            Self::DomainDelete => "Removed domain",
            Self::SsoTicketCreate => "Made SSO set-up link",
            Self::SsoTicketRevoke => "Revoked SSO set-up link",
            Self::SsoSetup => "Set up single sign-on",
            Self::ConnectionCreate => "Created connection",
            Self::Other(name) => name,
        }
    }
}

impl From<String> for AuditAction {
    fn from(name: String) -> Self {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
            .unwrap_or(Self::Other(name))
    }
}

impl From<AuditAction> for String {
    fn from(action: AuditAction) -> Self {
        action.as_str().to_owned()
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the directory behind orgdesk answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Upstream {
    /// The embedded store: always there.
    Embedded,
    /// Auth0, not asked anything yet.
    Unknown,
    /// Auth0 answered the last call.
    Ok,
    /// Auth0 did not answer the last call.
    Unreachable,
}

/// How the directory is doing, as `GET /api/status` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// Demo (embedded store) or a real Auth0 tenant.
    pub mode: Mode,
    /// Whether the directory answers.
    pub upstream: Upstream,
    /// The last problem with the upstream, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The Management API budget as Auth0 last reported it (real mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// A rate-limit budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests per window.
    pub limit: u64,
    /// Requests left in this window.
    pub remaining: u64,
    /// When the window resets (Unix seconds).
    pub reset: u64,
}

impl RateLimit {
    /// Whether less than a fifth of the budget is left.
    #[must_use]
    pub fn is_low(&self) -> bool {
        self.remaining.saturating_mul(5) < self.limit
    }
}

#[cfg(test)]
mod audit_action_tests {
    use super::AuditAction;

    #[test]
    fn every_action_round_trips_by_name_and_has_its_own_label() {
        let mut names = std::collections::BTreeSet::new();
        for action in AuditAction::ALL {
            let name = action.as_str().to_owned();
            assert!(names.insert(name.clone()), "{name} twice");
            assert_eq!(AuditAction::from(name.clone()), action);
            assert_ne!(action.label(), name, "{name} has words of its own");
        }
        assert_eq!(
            AuditAction::from("something.new".to_owned()),
            AuditAction::Other("something.new".into())
        );
        let json = serde_json::to_string(&AuditAction::OrgUpdate).expect("serializes");
        assert_eq!(json, "\"org.update\"");
    }

    #[test]
    fn capabilities_travel_by_name_and_unknown_ones_are_left_out() {
        let me: super::Me = serde_json::from_value(serde_json::json!({
            "user": {"id": "auth0|1", "email": "a@example.com", "name": "A"},
            "role": "org_admin",
            "org_id": null,
            "capabilities": ["orgs:read", "something:new", "branding:write"],
            "csrf_token": "t",
            "mode": "demo"
        }))
        .expect("an answer from a newer orgdesk still reads");
        assert_eq!(
            me.capabilities,
            [super::Capability::ReadOrg, super::Capability::EditBranding]
        );
        assert!(me.can(super::Capability::EditBranding));
        let json = serde_json::to_value(&me.capabilities).expect("serializes");
        assert_eq!(json, serde_json::json!(["orgs:read", "branding:write"]));
    }
}
