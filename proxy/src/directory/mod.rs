//! The directory port: what the routes ask of Auth0 or of the embedded store.

pub mod auth0;
pub mod local;

use async_trait::async_trait;
pub use orgdesk_model::api::{CursorPage, OrgCounts};
use orgdesk_model::apis::{Api, ApiPatch, NewApi};
use orgdesk_model::domains::{Domain, DomainName, DomainStatus};
use orgdesk_model::input::NewOrg;
use orgdesk_model::m2m::{ClientGrantInfo, ClientSecret, M2mApp, M2mCreated, NewM2m, TokenQuota};
use orgdesk_model::members::{Invitation, Member, NewInvitation, RoleInfo, RoleRef};
use orgdesk_model::roles::{NewRole, PermissionRef, RoleHolders, RolePatch, RolePermission};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};
use orgdesk_model::users::{Connection, NewUserInput, OrgConnection, User, UserOrg};
use orgdesk_model::{Branding, DisplayName, Metadata, OrgId, Organization, Page, ValidationError};

/// The largest page a caller may ask for (Auth0's own limit).
pub const MAX_PER_PAGE: u32 = 100;

/// A request for one page of organizations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgQuery {
    /// Text that the name or display name must contain (case-insensitive).
    pub q: Option<String>,
    /// Page number, from 0.
    pub page: u32,
    /// Rows per page, 1–100.
    pub per_page: u32,
    /// When set, only this organization may appear (org admins and members).
    pub only: Option<OrgId>,
}

/// A change to one organization; `None` leaves a part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgUpdate {
    /// New display name.
    pub display_name: Option<DisplayName>,
    /// New branding; `Some(None)` removes it.
    pub branding: Option<Option<Branding>>,
    /// New metadata, replacing the old whole (Auth0's PATCH semantics).
    pub metadata: Option<Metadata>,
}

/// A request for one page of an organization's members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberQuery {
    /// Where to continue (the `next` of the previous page).
    pub from: Option<String>,
    /// Rows per page, 1–100.
    pub take: u32,
    /// Text the email or name must contain.
    pub q: Option<String>,
}

/// A user as the directory lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserSummary {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
}

/// A change to one of an organization's domains. The status is set by orgdesk after it has
/// looked the TXT record up; `Failed` is orgdesk's own word and is kept by the directory as
/// pending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DomainUpdate {
    /// Verified or back to pending.
    pub status: Option<DomainStatus>,
    /// Organization discovery on or off.
    pub use_for_organization_discovery: Option<bool>,
}

/// The conflict when a domain is already another organization's (or this one's).
pub const DOMAIN_TAKEN: &str =
    "This domain is already added to an organization; a domain can belong to one organization only.";

/// A self-service single sign-on link to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoTicketRequest {
    /// The name of the connection the set-up will create.
    pub connection_name: String,
    /// The organization's verified domains, as the connection's domain aliases.
    pub domain_aliases: Vec<String>,
    /// How long the link works.
    pub ttl_sec: u32,
}

/// The enterprise connection a completed set-up creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConnectionSpec {
    /// Its name.
    pub name: String,
    /// SAML, OpenID Connect, Okta or Entra ID.
    pub provider: orgdesk_model::sso::SsoProvider,
    /// Metadata URL, issuer or domain.
    pub endpoint: String,
    /// The client id at the provider, where it has one.
    pub client_id: Option<String>,
    /// The organization's verified domains.
    pub domain_aliases: Vec<String>,
}

/// What can go wrong in the directory, independent of the backend.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what exists (a taken name, …).
    #[error("{0}")]
    Conflict(String),
    /// The input breaks one of the directory's rules.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Metadata changed since the caller read it; nothing was written.
    #[error("the organization changed since it was read")]
    Stale(Box<Organization>),
    /// The directory cannot answer now.
    #[error("{message}")]
    Unavailable {
        /// What to tell the person.
        message: String,
        /// Seconds to wait.
        retry_after: Option<u64>,
    },
    /// A change was sent but never confirmed: it may or may not have been made.
    #[error("{0}")]
    OutcomeUnknown(String),
    /// The upstream refused orgdesk itself (credentials, scopes); an operator must act.
    #[error("{0}")]
    Upstream(String),
    /// A fault that the person cannot fix.
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for DirectoryError {
    fn from(err: sqlx::Error) -> Self {
        if let Some((message, retry_after)) = crate::db::refusal(&err) {
            return Self::Unavailable {
                message: message.into(),
                retry_after: Some(retry_after),
            };
        }
        Self::Internal(format!("store: {err}"))
    }
}

/// How a directory backend is doing, as it last saw (for `GET /api/status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Whether the backend answers.
    pub upstream: orgdesk_model::api::Upstream,
    /// The last problem, in words.
    pub message: Option<String>,
    /// The rate-limit budget as the backend last reported it.
    pub rate_limit: Option<orgdesk_model::api::RateLimit>,
}

/// Organizations, members, roles and the rest, as Auth0's Management API offers them.
#[async_trait]
pub trait Directory: Send + Sync {
    /// One page of organizations in a stable order (by name).
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError>;

    /// One organization, or `None` when there is no such id.
    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError>;

    /// Creates an organization; a taken name is a `Conflict`.
    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError>;

    /// Changes an organization. With `expected_metadata`, the change is made only if the stored
    /// metadata still equals it (otherwise `Stale` with the current organization).
    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected_metadata: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError>;

    /// Deletes an organization with its memberships and invitations.
    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError>;

    /// Members and invitations of an organization.
    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError>;

    /// One page of members with their roles, in email order (checkpoint paging).
    async fn list_members(
        &self,
        org: &OrgId,
        query: &MemberQuery,
    ) -> Result<CursorPage<Member>, DirectoryError>;

    /// Adds users as members; adding a member again changes nothing.
    async fn add_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError>;

    /// Removes members; removing someone who is not a member is not an error.
    async fn remove_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError>;

    /// A member's roles; `NotFound` when they are not a member.
    async fn member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
    ) -> Result<Vec<RoleRef>, DirectoryError>;

    /// Gives a member roles (at most 50 in all).
    async fn assign_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError>;

    /// Takes roles from a member.
    async fn remove_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError>;

    /// The role catalogue with permissions.
    async fn list_roles(&self) -> Result<Vec<RoleInfo>, DirectoryError>;

    /// One role with its permissions' names, `None` when there is no such role.
    async fn get_role(&self, id: &str) -> Result<Option<RoleInfo>, DirectoryError>;

    /// What a role grants, with each permission's description and its API's name.
    async fn role_permissions(&self, id: &str) -> Result<Vec<RolePermission>, DirectoryError>;

    /// How many members hold a role, across organizations.
    async fn role_holders(&self, id: &str) -> Result<RoleHolders, DirectoryError>;

    /// Creates a role (already checked); a taken name is a `Conflict`.
    async fn create_role(&self, role: &NewRole) -> Result<RoleInfo, DirectoryError>;

    /// Renames or describes a role (already checked).
    async fn update_role(&self, id: &str, patch: &RolePatch) -> Result<RoleInfo, DirectoryError>;

    /// Deletes a role; every member holding it loses it.
    async fn delete_role(&self, id: &str) -> Result<(), DirectoryError>;

    /// Gives a role permissions (each already checked to exist); giving one again changes
    /// nothing.
    async fn add_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError>;

    /// Takes permissions from a role; taking one it does not grant is not an error.
    async fn remove_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError>;

    /// Pending invitations, newest first.
    async fn list_invitations(&self, org: &OrgId) -> Result<Vec<Invitation>, DirectoryError>;

    /// Invites someone.
    async fn create_invitation(
        &self,
        org: &OrgId,
        invitation: &NewInvitation,
    ) -> Result<Invitation, DirectoryError>;

    /// Revokes an invitation.
    async fn delete_invitation(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError>;

    /// Users whose email or name contains `q` (at most `limit`), optionally only members of
    /// `org` plus exact email matches (what an org admin may look up).
    async fn search_users(
        &self,
        q: &str,
        limit: u32,
        scope: Option<&OrgId>,
    ) -> Result<Vec<UserSummary>, DirectoryError>;

    /// One user.
    async fn get_user(&self, user_id: &str) -> Result<Option<User>, DirectoryError>;

    /// The organizations a user belongs to, with their roles in each.
    async fn user_orgs(&self, user_id: &str) -> Result<Vec<UserOrg>, DirectoryError>;

    /// Creates a user on a database connection (the input is already checked); a taken email on
    /// that connection is a `Conflict`. The password is passed on, never kept by orgdesk.
    async fn create_user(
        &self,
        input: &NewUserInput,
        app_metadata: &std::collections::BTreeMap<String, String>,
    ) -> Result<User, DirectoryError>;

    /// The tenant's connections.
    async fn list_connections(&self) -> Result<Vec<Connection>, DirectoryError>;

    /// Whether [`Directory::create_connection`] can create connections (the embedded store).
    fn creates_connections(&self) -> bool {
        false
    }

    /// Creates a connection by name and strategy, without settings: how a snapshot restored
    /// into the embedded store gets the connections it names. Auth0's connections carry
    /// settings and secrets orgdesk never sees; they are created there.
    async fn create_connection(
        &self,
        name: &str,
        _strategy: &str,
    ) -> Result<Connection, DirectoryError> {
        Err(DirectoryError::Conflict(format!(
            "orgdesk does not create connections in Auth0: create “{name}” there first."
        )))
    }

    /// The connections enabled on an organization.
    async fn org_connections(&self, org: &OrgId) -> Result<Vec<OrgConnection>, DirectoryError>;

    /// Enables a connection or changes its flags (the flags are already checked); at most 10.
    async fn put_org_connection(
        &self,
        org: &OrgId,
        connection: &OrgConnection,
    ) -> Result<OrgConnection, DirectoryError>;

    /// Disables a connection on an organization.
    async fn delete_org_connection(
        &self,
        org: &OrgId,
        connection_id: &str,
    ) -> Result<(), DirectoryError>;

    /// A user's tenant-level roles (platform-admin holders are found this way at sign-in). The
    /// embedded store has none: its people are the demo personas.
    async fn user_roles(&self, _user_id: &str) -> Result<Vec<RoleRef>, DirectoryError> {
        Ok(Vec::new())
    }

    /// The tenant's settings.
    async fn tenant_settings(&self) -> Result<TenantSettings, DirectoryError>;

    /// Changes the tenant's settings (the change is already checked).
    async fn update_tenant_settings(
        &self,
        change: &TenantSettingsInput,
    ) -> Result<TenantSettings, DirectoryError>;

    /// Every API (resource server), sorted by name; the directory's own is marked `system`.
    async fn list_apis(&self) -> Result<Vec<Api>, DirectoryError>;

    /// One API, `None` when there is no such one.
    async fn get_api(&self, id: &str) -> Result<Option<Api>, DirectoryError>;

    /// Creates an API (already checked): RS256, RBAC on, permissions in the access token.
    /// `Conflict` when its identifier is taken.
    async fn create_api(&self, api: &NewApi) -> Result<Api, DirectoryError>;

    /// Changes an API's name, token lifetime or permissions (already checked; never the
    /// directory's own API, which the route refuses first).
    async fn update_api(&self, id: &str, patch: &ApiPatch) -> Result<Api, DirectoryError>;

    /// Deletes an API (never the directory's own).
    async fn delete_api(&self, id: &str) -> Result<(), DirectoryError>;

    /// An organization's machine-to-machine applications (its associated client grants).
    async fn list_org_m2m(&self, org: &OrgId) -> Result<Vec<M2mApp>, DirectoryError>;

    /// The tenant's client grants, with their applications' names.
    async fn list_client_grants(&self) -> Result<Vec<ClientGrantInfo>, DirectoryError>;

    /// Creates an application for an organization (already checked): a `non_interactive`
    /// client, a grant to the API requiring an organization, and the grant associated with
    /// `org`. Answers with its secret, which is kept nowhere.
    async fn create_org_m2m(&self, org: &OrgId, app: &NewM2m)
        -> Result<M2mCreated, DirectoryError>;

    /// Lets an organization use an existing client grant; `NotFound` for no such grant.
    async fn associate_org_grant(
        &self,
        org: &OrgId,
        grant_id: &str,
    ) -> Result<M2mApp, DirectoryError>;

    /// Takes an application's grants from an organization; `NotFound` when it had none there.
    async fn remove_org_m2m(&self, org: &OrgId, client_id: &str) -> Result<(), DirectoryError>;

    /// An organization's token quota (empty: the tenant's default applies).
    async fn token_quota(&self, org: &OrgId) -> Result<TokenQuota, DirectoryError>;

    /// Sets (or, without `client_credentials`, removes) an organization's token quota.
    async fn set_token_quota(&self, org: &OrgId, quota: &TokenQuota) -> Result<(), DirectoryError>;

    /// A new secret for an application; the old one stops working.
    async fn rotate_client_secret(&self, client_id: &str) -> Result<ClientSecret, DirectoryError>;

    /// An organization's domains, in the order they were added.
    async fn list_domains(&self, org: &OrgId) -> Result<Vec<Domain>, DirectoryError>;

    /// Adds a domain, pending; `Conflict` when any organization has it already.
    async fn create_domain(
        &self,
        org: &OrgId,
        domain: &DomainName,
    ) -> Result<Domain, DirectoryError>;

    /// Changes a domain's status or discovery.
    async fn update_domain(
        &self,
        org: &OrgId,
        id: &str,
        update: &DomainUpdate,
    ) -> Result<Domain, DirectoryError>;

    /// Removes a domain.
    async fn delete_domain(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError>;

    /// Makes a self-service single sign-on link for the organization: its address.
    async fn create_sso_ticket(
        &self,
        org: &OrgId,
        request: &SsoTicketRequest,
    ) -> Result<String, DirectoryError>;

    /// Creates the connection a completed set-up describes, enabled for the organization. Only
    /// the embedded store has orgdesk's own set-up page; Auth0 runs its own.
    async fn create_sso_connection(
        &self,
        _org: &OrgId,
        _spec: &SsoConnectionSpec,
    ) -> Result<OrgConnection, DirectoryError> {
        Err(DirectoryError::Conflict(
            "Auth0 runs the single sign-on set-up itself: the link leads there.".into(),
        ))
    }

    /// Whether the backend can serve: for Auth0, that a Management API token can be had (a
    /// cached one counts). For `/readyz`.
    ///
    /// # Errors
    /// What is wrong, in words.
    async fn ready(&self) -> Result<(), String> {
        Ok(())
    }

    /// Drops what the backend keeps in memory about organizations (Auth0's org index), because
    /// another replica changed one.
    fn forget_cached(&self) {}

    /// How the backend is doing. Costs no upstream call.
    fn health(&self) -> Health {
        Health {
            upstream: orgdesk_model::api::Upstream::Embedded,
            message: None,
            rate_limit: None,
        }
    }
}

/// Role names for ids, for answers that show roles by name.
pub fn role_refs(catalogue: &[RoleInfo], ids: &[String]) -> Vec<RoleRef> {
    ids.iter()
        .filter_map(|id| catalogue.iter().find(|r| &r.id == id))
        .map(|r| RoleRef {
            id: r.id.clone(),
            name: r.name.clone(),
        })
        .collect()
}
