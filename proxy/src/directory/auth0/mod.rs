//! The directory over Auth0's Management API v2.
//!
//! `client` does the HTTP (token, rate limits, retries), `api` names each Management API
//! operation, `wire` holds Auth0's bodies, and this file turns them into orgdesk's model.

pub mod api;
pub mod client;
pub mod wire;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use orgdesk_model::apis::{Api, ApiPatch, ApiPermission, NewApi};
use orgdesk_model::domains::{Domain, DomainName, DomainStatus, DomainVerification};
use orgdesk_model::input::NewOrg;
use orgdesk_model::m2m::{ClientGrantInfo, ClientSecret, M2mApp, M2mCreated, NewM2m, TokenQuota};
use orgdesk_model::members::{Invitation, Member, NewInvitation, RoleInfo, RoleRef};
use orgdesk_model::roles::{
    CountedOf, NewRole, PermissionRef, RoleHolders, RolePatch, RolePermission,
};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};
use orgdesk_model::users::{Connection, ConnectionRef, NewUserInput, OrgConnection, User, UserOrg};
use orgdesk_model::{Metadata, OrgId, Organization, Page, ValidationError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use self::api::Paging;
pub use self::client::{Auth0Client, Budget, ClientConfig, Health, Secret};
use self::client::{CallError, TokenError};
use super::{
    CursorPage, Directory, DirectoryError, DomainUpdate, MemberQuery, OrgCounts, OrgQuery,
    OrgUpdate, SsoTicketRequest, UserSummary,
};

/// How long the organization list used for searching is reused.
const ORG_INDEX_TTL: Duration = Duration::from_secs(30);
/// How long the role catalogue is reused (roles change rarely, and reading their permissions
/// costs one call per role).
const ROLES_TTL: Duration = Duration::from_secs(300);
/// Auth0's largest page.
const PAGE: u32 = 100;
/// The most organizations whose members are read to count a role's holders: beyond it the count
/// is a lower bound, said so, rather than minutes of calls under Auth0's rate limit.
const ROLE_HOLDER_ORGS: usize = 100;
/// The most pages one search reads before it stops.
const MAX_SCAN_PAGES: u32 = 20;
/// Discovery domains asked for at once (Auth0's checkpoint paging).
const DOMAINS_PAGE: u32 = 50;

type Cached<T> = Mutex<Option<(Instant, Arc<T>)>>;

/// The Auth0 backend.
#[derive(Debug)]
pub struct Auth0Directory {
    client: Arc<Auth0Client>,
    /// The AI application invitations sign in to.
    app_client_id: Option<String>,
    org_index: Cached<Vec<Organization>>,
    roles: Cached<Vec<RoleInfo>>,
    /// The self-service profile single sign-on links use: configured, or created on first use.
    sso_profile: tokio::sync::Mutex<Option<String>>,
    /// What a created profile allows.
    sso_strategies: Vec<String>,
}

impl Auth0Directory {
    /// A directory over a client; `app_client_id` is the application invitations are for.
    #[must_use]
    pub fn new(client: Arc<Auth0Client>, app_client_id: Option<String>) -> Self {
        Self {
            client,
            app_client_id,
            org_index: Mutex::new(None),
            roles: Mutex::new(None),
            sso_profile: tokio::sync::Mutex::new(None),
            sso_strategies: orgdesk_model::sso::SsoProvider::ALL
                .iter()
                .map(|p| p.strategy().to_owned())
                .collect(),
        }
    }

    /// Uses the self-service profile `profile_id` for single sign-on links, or creates one
    /// allowing `strategies` on the first link.
    #[must_use]
    pub fn with_self_service(
        mut self,
        profile_id: Option<String>,
        strategies: Option<Vec<String>>,
    ) -> Self {
        self.sso_profile = tokio::sync::Mutex::new(profile_id);
        if let Some(strategies) = strategies {
            self.sso_strategies = strategies;
        }
        self
    }

    /// The profile's id, creating it once if none is configured.
    async fn sso_profile(&self) -> Result<String, DirectoryError> {
        let mut profile = self.sso_profile.lock().await;
        if let Some(id) = profile.as_ref() {
            return Ok(id.clone());
        }
        let created = self
            .client
            .create_self_service_profile(&wire::CreateSelfServiceProfile {
                name: "orgdesk".into(),
                allowed_strategies: self.sso_strategies.clone(),
                other: serde_json::Map::new(),
            })
            .await
            .map_err(to_directory)?;
        tracing::info!(profile = %created.id, "created the self-service profile for single sign-on links; set [self_service] profile_id to keep using it");
        *profile = Some(created.id.clone());
        Ok(created.id)
    }

    /// The client, for status and counters.
    #[must_use]
    pub fn client(&self) -> &Auth0Client {
        &self.client
    }

    fn cached<T>(cache: &Cached<T>, ttl: Duration) -> Option<Arc<T>> {
        let guard = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, value)| value.clone())
    }

    fn store<T>(cache: &Cached<T>, value: Arc<T>) {
        *cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), value));
    }

    fn forget_roles(&self) {
        *self
            .roles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Every permission a role grants (offset paging to the end).
    async fn all_role_permissions(
        &self,
        id: &str,
    ) -> Result<Vec<wire::Permission>, DirectoryError> {
        let client = &self.client;
        every_page(|paging| async move {
            client
                .list_role_permissions(id, &paging)
                .await
                .map(|b| b.permissions)
        })
        .await
    }

    /// Every grant associated with an organization (offset paging to the end).
    async fn org_grants(&self, org: &OrgId) -> Result<Vec<wire::ClientGrant>, DirectoryError> {
        let client = &self.client;
        every_page(|paging| async move {
            client
                .list_org_client_grants(org.as_str(), &paging)
                .await
                .map(|b| b.client_grants)
        })
        .await
    }

    /// An application's name (asked for alone: never its secret).
    async fn client_name(&self, client_id: &str) -> Result<String, DirectoryError> {
        match self.client.get_client(client_id).await {
            Ok(client) => Ok(client.name.unwrap_or_default()),
            Err(CallError::Status { status: 404, .. }) => Ok(String::new()),
            Err(err) => Err(to_directory(err)),
        }
    }

    fn forget_orgs(&self) {
        *self
            .org_index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Every organization (checkpoint paging to the end), reused for a short while.
    async fn all_orgs(&self) -> Result<Arc<Vec<Organization>>, DirectoryError> {
        if let Some(orgs) = Self::cached(&self.org_index, ORG_INDEX_TTL) {
            return Ok(orgs);
        }
        let mut orgs = Vec::new();
        let mut from = None;
        loop {
            let page = self
                .client
                .list_organizations(&Paging::checkpoint(from, PAGE))
                .await
                .map_err(to_directory)?;
            let full = page.organizations.len() == PAGE as usize;
            for org in page.organizations {
                orgs.push(to_model(&org)?);
            }
            match page.next {
                Some(next) if full => from = Some(next),
                _ => break,
            }
        }
        orgs.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        let orgs = Arc::new(orgs);
        Self::store(&self.org_index, orgs.clone());
        Ok(orgs)
    }

    async fn role_catalogue(&self) -> Result<Arc<Vec<RoleInfo>>, DirectoryError> {
        if let Some(roles) = Self::cached(&self.roles, ROLES_TTL) {
            return Ok(roles);
        }
        let client = &self.client;
        let roles =
            every_page(|paging| async move { client.list_roles(&paging).await.map(|b| b.roles) })
                .await?;
        let mut catalogue = Vec::with_capacity(roles.len());
        for role in roles {
            let permissions = self
                .client
                .list_role_permissions(&role.id, &Paging::offset(0, PAGE))
                .await
                .map_err(to_directory)?;
            catalogue.push(RoleInfo {
                id: role.id,
                name: role.name,
                description: role.description.unwrap_or_default(),
                permissions: permissions
                    .permissions
                    .into_iter()
                    .map(|p| p.permission_name)
                    .collect(),
            });
        }
        catalogue.sort_by(|a, b| a.name.cmp(&b.name));
        let catalogue = Arc::new(catalogue);
        Self::store(&self.roles, catalogue.clone());
        Ok(catalogue)
    }

    async fn all_invitations(&self, org: &OrgId) -> Result<Vec<wire::Invitation>, DirectoryError> {
        let client = &self.client;
        every_page(|paging| async move {
            client
                .list_invitations(org.as_str(), &paging)
                .await
                .map(|b| b.invitations)
        })
        .await
    }

    fn member_paging(from: Option<String>, take: u32) -> Paging {
        Paging {
            fields: Some("user_id,email,name,picture,roles".into()),
            include_fields: Some(true),
            ..Paging::checkpoint(from, take)
        }
    }
}

fn permissions_body(permissions: &[PermissionRef]) -> wire::PermissionsBody {
    wire::PermissionsBody {
        permissions: permissions
            .iter()
            .map(|p| wire::PermissionKey {
                resource_server_identifier: p.resource_server_identifier.clone(),
                permission_name: p.permission_name.clone(),
            })
            .collect(),
    }
}

/// Every row of an offset-paged list: pages of [`PAGE`] until a short one, at most
/// [`MAX_SCAN_PAGES`] of them.
async fn every_page<T, Fut>(mut page: impl FnMut(Paging) -> Fut) -> Result<Vec<T>, DirectoryError>
where
    Fut: std::future::Future<Output = Result<Vec<T>, CallError>>,
{
    let mut all = Vec::new();
    for n in 0..MAX_SCAN_PAGES {
        let batch = page(Paging::offset(n, PAGE)).await.map_err(to_directory)?;
        let full = batch.len() == PAGE as usize;
        all.extend(batch);
        if !full {
            break;
        }
    }
    Ok(all)
}

/// Converts between orgdesk's model and Auth0's wire shape, which are the same JSON.
fn convert<T: Serialize, U: DeserializeOwned>(value: &T) -> Result<U, DirectoryError> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|err| DirectoryError::Internal(format!("Auth0 shape: {err}")))
}

/// Auth0's discovery domain as orgdesk's: Auth0 knows pending and verified only.
fn domain_of(found: wire::DiscoveryDomain) -> Domain {
    Domain {
        id: found.id,
        domain: found.domain,
        status: if found.status == "verified" {
            DomainStatus::Verified
        } else {
            DomainStatus::Pending
        },
        verification: DomainVerification {
            txt_host: found.verification_host,
            txt_value: found.verification_txt,
        },
        // Auth0 leaves the field out of some answers; it discovers by default.
        use_for_organization_discovery: found.use_for_organization_discovery.unwrap_or(true),
        last_checked_at: None,
        last_check_message: None,
    }
}

fn to_model(org: &wire::Org) -> Result<Organization, DirectoryError> {
    serde_json::to_value(org)
        .and_then(serde_json::from_value)
        .map_err(|err| {
            DirectoryError::Internal(format!(
                "Auth0 holds organization {} in a shape orgdesk cannot read: {err}",
                org.id
            ))
        })
}

fn metadata_map(metadata: &BTreeMap<String, String>) -> serde_json::Map<String, Value> {
    metadata
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

fn flat_metadata(metadata: Option<serde_json::Map<String, Value>>) -> BTreeMap<String, String> {
    metadata
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

fn to_user(user: wire::User) -> User {
    User {
        connection: user
            .identities
            .first()
            .map(|i| i.connection.clone())
            .unwrap_or_default(),
        created_at: user
            .created_at
            .as_deref()
            .and_then(wire::unix_seconds)
            .unwrap_or(0),
        email: user.email.unwrap_or_default(),
        email_verified: user.email_verified.unwrap_or(false),
        name: user.name.unwrap_or_default(),
        user_metadata: flat_metadata(user.user_metadata),
        app_metadata: flat_metadata(user.app_metadata),
        user_id: user.user_id,
    }
}

fn to_member(member: wire::Member) -> Member {
    Member {
        email: member.email.unwrap_or_default(),
        name: member.name.unwrap_or_default(),
        picture: member.picture,
        roles: member
            .roles
            .unwrap_or_default()
            .into_iter()
            .map(RoleRef::from)
            .collect(),
        user_id: member.user_id,
    }
}

fn to_invitation(invitation: wire::Invitation, catalogue: &[RoleInfo]) -> Invitation {
    Invitation {
        roles: super::role_refs(catalogue, &invitation.roles.unwrap_or_default()),
        created_at: wire::unix_seconds(&invitation.created_at).unwrap_or(0),
        expires_at: wire::unix_seconds(&invitation.expires_at).unwrap_or(0),
        id: invitation.id,
        invitee_email: invitation.invitee.email,
        inviter_name: invitation.inviter.name,
        connection_id: invitation.connection_id,
        invitation_url: invitation.invitation_url,
    }
}

fn to_org_connection(c: wire::EnabledConnection) -> OrgConnection {
    OrgConnection {
        connection_id: c.connection_id,
        assign_membership_on_login: c.assign_membership_on_login,
        show_as_button: c.show_as_button.unwrap_or(true),
        is_signup_enabled: c.is_signup_enabled.unwrap_or(false),
        connection: ConnectionRef {
            name: c.connection.name,
            strategy: c.connection.strategy,
        },
    }
}

fn to_tenant_settings(settings: wire::TenantSettings) -> TenantSettings {
    let page = settings.error_page.unwrap_or_default();
    TenantSettings {
        friendly_name: settings.friendly_name.unwrap_or_default(),
        picture_url: settings.picture_url.unwrap_or_default(),
        support_email: settings.support_email.unwrap_or_default(),
        support_url: settings.support_url.unwrap_or_default(),
        error_page: orgdesk_model::tenant::ErrorPage {
            html: page.html.unwrap_or_default(),
            url: page.url.unwrap_or_default(),
            show_log_link: page.show_log_link.unwrap_or(false),
        },
        flags: settings.flags,
    }
}

/// The token dialect that writes the granted permissions into the access token.
const PERMISSIONS_DIALECT: &str = "access_token_authz";

/// An API as orgdesk shows it. Missing fields take Auth0's defaults.
fn to_api(server: wire::ResourceServer) -> Api {
    let mut permissions: Vec<ApiPermission> = server
        .scopes
        .unwrap_or_default()
        .into_iter()
        .map(|scope| ApiPermission {
            value: scope.value,
            description: scope.description.unwrap_or_default(),
        })
        .collect();
    permissions.sort();
    let identifier = server.identifier.unwrap_or_default();
    Api {
        name: server.name.unwrap_or_else(|| identifier.clone()),
        identifier,
        signing_alg: server.signing_alg.unwrap_or_else(|| "RS256".into()),
        token_lifetime: server
            .token_lifetime
            .unwrap_or(orgdesk_model::apis::TOKEN_LIFETIME_DEFAULT),
        rbac: server.enforce_policies.unwrap_or(false),
        permissions_in_token: server
            .token_dialect
            .is_some_and(|dialect| dialect.ends_with("_authz")),
        permissions,
        system: server.is_system.unwrap_or(false),
        id: server.id,
    }
}

fn to_scope(permission: &ApiPermission) -> wire::Scope {
    wire::Scope {
        value: permission.value.clone(),
        description: (!permission.description.is_empty()).then(|| permission.description.clone()),
    }
}

/// Escapes Lucene's special characters so that search text matches literally.
fn lucene(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "+-&|!(){}[]^\"~*?:\\/ ".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// What a failed call means to the person who made the request.
#[must_use]
pub fn to_directory(err: CallError) -> DirectoryError {
    match err {
        CallError::Status { status: 404, .. } => DirectoryError::NotFound,
        CallError::Status {
            status: 409, body, ..
        } => DirectoryError::Conflict(body.message),
        CallError::Status {
            status: 400, body, ..
        } => DirectoryError::Invalid(ValidationError {
            field: String::new(),
            message: body.message,
        }),
        CallError::Status { status, body } => {
            tracing::warn!(status, error_code = ?body.error_code, message = %body.message, "Auth0 refused a call");
            DirectoryError::Upstream(format!(
                "Auth0 refused orgdesk's request ({status}): {}",
                body.message
            ))
        }
        CallError::RateLimited { retry_after } => DirectoryError::Unavailable {
            message: format!(
                "Auth0's rate limit for this tenant is spent for now. Nothing was changed; try again in {retry_after} s."
            ),
            retry_after: Some(retry_after),
        },
        CallError::Unreachable(detail) => {
            tracing::warn!(%detail, "Auth0 did not answer");
            DirectoryError::Unavailable {
                message: "Auth0 is not answering right now. Nothing was changed; try again shortly."
                    .into(),
                retry_after: Some(5),
            }
        }
        CallError::OutcomeUnknown(detail) => {
            tracing::warn!(%detail, "a create failed after it was sent");
            DirectoryError::OutcomeUnknown(
                "Auth0 did not confirm whether this was saved. Refresh to see the current state before trying again.".into(),
            )
        }
        CallError::Token(TokenError::Unreachable(detail)) => {
            tracing::warn!(%detail, "cannot reach Auth0's token endpoint");
            DirectoryError::Unavailable {
                message: "Auth0 is not answering right now. Nothing was changed; try again shortly."
                    .into(),
                retry_after: Some(5),
            }
        }
        CallError::Token(err) => {
            tracing::error!(error = %err, "no Management API token");
            DirectoryError::Upstream(
                "Auth0 refused orgdesk's credentials. An operator can run `orgdesk check` to see why."
                    .into(),
            )
        }
        CallError::Decode(detail) | CallError::NotAllowed(detail) => {
            DirectoryError::Internal(detail)
        }
    }
}

#[async_trait]
impl Directory for Auth0Directory {
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError> {
        let matches = |org: &Organization| {
            query.q.as_deref().is_none_or(|q| {
                contains(org.name.as_str(), q)
                    || org
                        .display_name
                        .as_ref()
                        .is_some_and(|d| contains(d.as_str(), q))
            })
        };
        if let Some(only) = &query.only {
            let items: Vec<Organization> = self
                .get_org(only)
                .await?
                .into_iter()
                .filter(matches)
                .collect();
            let total = items.len() as u64;
            return Ok(Page { items, total });
        }
        if query.q.as_deref().is_none_or(str::is_empty) {
            // One call: Auth0 pages and counts.
            let page = self
                .client
                .list_organizations(&Paging::offset(query.page, query.per_page))
                .await
                .map_err(to_directory)?;
            let total = page.total.unwrap_or(page.organizations.len() as u64);
            let items = page
                .organizations
                .iter()
                .map(to_model)
                .collect::<Result<_, _>>()?;
            return Ok(Page { items, total });
        }
        // Auth0 cannot search organizations: filter the (cached) list.
        let all = self.all_orgs().await?;
        let found: Vec<&Organization> = all.iter().filter(|o| matches(o)).collect();
        let start = (query.page as usize).saturating_mul(query.per_page as usize);
        Ok(Page {
            total: found.len() as u64,
            items: found
                .into_iter()
                .skip(start)
                .take(query.per_page as usize)
                .cloned()
                .collect(),
        })
    }

    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError> {
        match self.client.get_organization(id.as_str()).await {
            Ok(org) => Ok(Some(to_model(&org)?)),
            Err(CallError::Status { status: 404, .. }) => Ok(None),
            Err(err) => Err(to_directory(err)),
        }
    }

    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError> {
        let body = wire::CreateOrg {
            name: org.name.as_str().to_owned(),
            display_name: org.display_name.as_ref().map(|d| d.as_str().to_owned()),
            branding: org.branding.as_ref().map(convert).transpose()?,
            metadata: (!org.metadata.is_empty()).then(|| org.metadata.entries().clone()),
        };
        let created = self
            .client
            .create_organization(&body)
            .await
            .map_err(to_directory)?;
        self.forget_orgs();
        to_model(&created)
    }

    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected_metadata: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError> {
        if let Some(expected) = expected_metadata {
            // Auth0 has no conditional write: read, compare, then write. The window between the
            // two is small; the comparison catches every change made before the form was sent.
            let current = self.get_org(id).await?.ok_or(DirectoryError::NotFound)?;
            if &current.metadata != expected {
                return Err(DirectoryError::Stale(Box::new(current)));
            }
        }
        let body = wire::PatchOrg {
            name: None,
            display_name: update.display_name.as_ref().map(|d| d.as_str().to_owned()),
            branding: match &update.branding {
                None => None,
                Some(None) => Some(wire::Branding::default()),
                Some(Some(branding)) => Some(convert(branding)?),
            },
            metadata: update.metadata.as_ref().map(|m| m.entries().clone()),
            token_quota: None,
        };
        let updated = self
            .client
            .patch_organization(id.as_str(), &body)
            .await
            .map_err(to_directory)?;
        self.forget_orgs();
        to_model(&updated)
    }

    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError> {
        self.client
            .delete_organization(id.as_str())
            .await
            .map_err(to_directory)?;
        self.forget_orgs();
        Ok(())
    }

    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError> {
        let members = self
            .client
            .list_members(
                id.as_str(),
                &Paging {
                    fields: Some("user_id".into()),
                    include_fields: Some(true),
                    ..Paging::offset(0, 1)
                },
            )
            .await
            .map_err(to_directory)?;
        let invitations = self.all_invitations(id).await?;
        Ok(OrgCounts {
            members: members.total.unwrap_or(members.members.len() as u64),
            invitations: invitations.len() as u64,
        })
    }

    async fn list_members(
        &self,
        org: &OrgId,
        query: &MemberQuery,
    ) -> Result<CursorPage<Member>, DirectoryError> {
        let take = query.take.clamp(1, PAGE);
        let q = query.q.as_deref().filter(|q| !q.trim().is_empty());
        let mut from = query.from.clone();
        let mut items = Vec::new();
        // Auth0 cannot search members: without a query one page is one call; with one, pages
        // are read and filtered until enough match.
        for _ in 0..MAX_SCAN_PAGES {
            let page = self
                .client
                .list_members(org.as_str(), &Self::member_paging(from.clone(), take))
                .await
                .map_err(to_directory)?;
            // Auth0 gives `next` until an empty page; a short page is already the last.
            let last = page.members.len() < take as usize;
            items.extend(
                page.members
                    .into_iter()
                    .map(to_member)
                    .filter(|m| q.is_none_or(|q| contains(&m.email, q) || contains(&m.name, q))),
            );
            from = if last { None } else { page.next };
            if from.is_none() || items.len() >= take as usize {
                break;
            }
        }
        Ok(CursorPage { items, next: from })
    }

    async fn add_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        if user_ids.is_empty() {
            return Ok(());
        }
        self.client
            .add_members(
                org.as_str(),
                &wire::MembersBody {
                    members: user_ids.to_vec(),
                },
            )
            .await
            .map_err(to_directory)
    }

    async fn remove_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        if user_ids.is_empty() {
            return Ok(());
        }
        self.client
            .delete_members(
                org.as_str(),
                &wire::MembersBody {
                    members: user_ids.to_vec(),
                },
            )
            .await
            .map_err(to_directory)
    }

    async fn member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
    ) -> Result<Vec<RoleRef>, DirectoryError> {
        let page = self
            .client
            .list_member_roles(org.as_str(), user_id, &Paging::offset(0, PAGE))
            .await
            .map_err(to_directory)?;
        Ok(page.roles.into_iter().map(RoleRef::from).collect())
    }

    async fn assign_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        self.client
            .add_member_roles(
                org.as_str(),
                user_id,
                &wire::RolesBody {
                    roles: role_ids.to_vec(),
                },
            )
            .await
            .map_err(to_directory)
    }

    async fn remove_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        self.client
            .delete_member_roles(
                org.as_str(),
                user_id,
                &wire::RolesBody {
                    roles: role_ids.to_vec(),
                },
            )
            .await
            .map_err(to_directory)
    }

    async fn list_roles(&self) -> Result<Vec<RoleInfo>, DirectoryError> {
        Ok(self.role_catalogue().await?.as_ref().clone())
    }

    async fn get_role(&self, id: &str) -> Result<Option<RoleInfo>, DirectoryError> {
        let role = match self.client.get_role(id).await {
            Ok(role) => role,
            Err(CallError::Status { status: 404, .. }) => return Ok(None),
            Err(err) => return Err(to_directory(err)),
        };
        let mut permissions: Vec<String> = self
            .all_role_permissions(id)
            .await?
            .into_iter()
            .map(|p| p.permission_name)
            .collect();
        permissions.sort();
        Ok(Some(RoleInfo {
            id: role.id,
            name: role.name,
            description: role.description.unwrap_or_default(),
            permissions,
        }))
    }

    async fn role_permissions(&self, id: &str) -> Result<Vec<RolePermission>, DirectoryError> {
        let mut out: Vec<RolePermission> = self
            .all_role_permissions(id)
            .await?
            .into_iter()
            .map(|p| RolePermission {
                resource_server_identifier: p.resource_server_identifier,
                permission_name: p.permission_name,
                description: p.description.unwrap_or_default(),
                resource_server_name: p.resource_server_name.unwrap_or_default(),
            })
            .collect();
        out.sort();
        Ok(out)
    }

    async fn role_holders(&self, id: &str) -> Result<RoleHolders, DirectoryError> {
        // Auth0 lists a role's tenant-level users only; who holds it in an organization is
        // found by reading each organization's members with their roles.
        let mut holders = RoleHolders::default();
        let orgs = self.all_orgs().await?;
        if orgs.len() > ROLE_HOLDER_ORGS {
            holders.counted_of = Some(CountedOf {
                counted: ROLE_HOLDER_ORGS as u64,
                total: orgs.len() as u64,
            });
        }
        for org in orgs.iter().take(ROLE_HOLDER_ORGS) {
            let mut from = None;
            let mut here = 0u64;
            for _ in 0..MAX_SCAN_PAGES {
                let page = self
                    .client
                    .list_members(org.id.as_str(), &Self::member_paging(from.clone(), PAGE))
                    .await
                    .map_err(to_directory)?;
                let last = page.members.len() < PAGE as usize;
                here += page
                    .members
                    .iter()
                    .filter(|m| m.roles.iter().flatten().any(|r| r.id == id))
                    .count() as u64;
                from = if last { None } else { page.next };
                if from.is_none() {
                    break;
                }
            }
            holders.members += here;
            holders.organizations += u64::from(here > 0);
        }
        Ok(holders)
    }

    async fn create_role(&self, role: &NewRole) -> Result<RoleInfo, DirectoryError> {
        let created = self
            .client
            .create_role(&wire::CreateRole {
                name: role.name.clone(),
                description: role.description.clone(),
            })
            .await
            .map_err(to_directory)?;
        self.forget_roles();
        Ok(RoleInfo {
            id: created.id,
            name: created.name,
            description: created.description.unwrap_or_default(),
            permissions: Vec::new(),
        })
    }

    async fn update_role(&self, id: &str, patch: &RolePatch) -> Result<RoleInfo, DirectoryError> {
        self.client
            .patch_role(
                id,
                &wire::PatchRole {
                    name: patch.name.clone(),
                    description: patch.description.clone(),
                },
            )
            .await
            .map_err(to_directory)?;
        self.forget_roles();
        self.get_role(id).await?.ok_or(DirectoryError::NotFound)
    }

    async fn delete_role(&self, id: &str) -> Result<(), DirectoryError> {
        let result = self.client.delete_role(id).await.map_err(to_directory);
        self.forget_roles();
        result
    }

    async fn add_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        let result = self
            .client
            .add_role_permissions(id, &permissions_body(permissions))
            .await
            .map_err(to_directory);
        self.forget_roles();
        result
    }

    async fn remove_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        let result = self
            .client
            .delete_role_permissions(id, &permissions_body(permissions))
            .await
            .map_err(to_directory);
        self.forget_roles();
        result
    }

    async fn list_org_m2m(&self, org: &OrgId) -> Result<Vec<M2mApp>, DirectoryError> {
        let mut apps = Vec::new();
        for grant in self.org_grants(org).await? {
            apps.push(M2mApp {
                name: self.client_name(&grant.client_id).await?,
                client_id: grant.client_id,
                grant_id: grant.id,
                api_identifier: grant.audience,
                permissions: grant.scope,
            });
        }
        apps.sort_by(|a, b| (&a.name, &a.grant_id).cmp(&(&b.name, &b.grant_id)));
        Ok(apps)
    }

    async fn list_client_grants(&self) -> Result<Vec<ClientGrantInfo>, DirectoryError> {
        let client = &self.client;
        let names: BTreeMap<String, String> = every_page(|paging| async move {
            let paging = Paging {
                fields: Some("client_id,name".into()),
                include_fields: Some(true),
                ..paging
            };
            client.list_clients(&paging).await.map(|b| b.clients)
        })
        .await?
        .into_iter()
        .map(|c| (c.client_id, c.name.unwrap_or_default()))
        .collect();
        let mut grants: Vec<ClientGrantInfo> = every_page(|paging| async move {
            client
                .list_client_grants(&paging)
                .await
                .map(|b| b.client_grants)
        })
        .await?
        .into_iter()
        .map(|g| ClientGrantInfo {
            client_name: names.get(&g.client_id).cloned().unwrap_or_default(),
            id: g.id,
            client_id: g.client_id,
            api_identifier: g.audience,
            permissions: g.scope,
            organization_usage: g.organization_usage.unwrap_or_else(|| "deny".into()),
        })
        .collect();
        grants.sort_by(|a, b| (&a.client_name, &a.id).cmp(&(&b.client_name, &b.id)));
        Ok(grants)
    }

    async fn create_org_m2m(
        &self,
        org: &OrgId,
        app: &NewM2m,
    ) -> Result<M2mCreated, DirectoryError> {
        let client = self
            .client
            .create_client(&wire::CreateClient {
                name: app.name.clone(),
                description: None,
                app_type: Some("non_interactive".into()),
                grant_types: Some(vec!["client_credentials".into()]),
                token_endpoint_auth_method: Some("client_secret_post".into()),
                organization_usage: None,
            })
            .await
            .map_err(to_directory)?;
        let secret = client.client_secret.clone().ok_or_else(|| {
            DirectoryError::Upstream(
                "Auth0 created the application without telling its secret.".into(),
            )
        });
        let granted = async {
            let secret = secret?;
            let grant = self
                .client
                .create_client_grant(&wire::CreateClientGrant {
                    client_id: client.client_id.clone(),
                    audience: app.api_identifier.clone(),
                    scope: app.permissions.clone(),
                    organization_usage: Some("require".into()),
                    allow_any_organization: Some(false),
                })
                .await
                .map_err(to_directory)?;
            self.client
                .associate_org_client_grant(
                    org.as_str(),
                    &wire::AssociateGrant {
                        grant_id: grant.id.clone(),
                    },
                )
                .await
                .map_err(to_directory)?;
            Ok::<_, DirectoryError>((grant, secret))
        }
        .await;
        match granted {
            Ok((grant, secret)) => Ok(M2mCreated {
                app: M2mApp {
                    client_id: client.client_id,
                    name: client.name.unwrap_or_default(),
                    grant_id: grant.id,
                    api_identifier: grant.audience,
                    permissions: grant.scope,
                },
                client_secret: ClientSecret(secret),
            }),
            Err(err) => {
                // Never leave an application behind that nobody was told the secret of.
                if let Err(undo) = self.client.delete_client(&client.client_id).await {
                    tracing::warn!(client_id = %client.client_id, error = %undo, "could not delete the half-made application");
                }
                Err(err)
            }
        }
    }

    async fn associate_org_grant(
        &self,
        org: &OrgId,
        grant_id: &str,
    ) -> Result<M2mApp, DirectoryError> {
        let grant = self
            .client
            .associate_org_client_grant(
                org.as_str(),
                &wire::AssociateGrant {
                    grant_id: grant_id.to_owned(),
                },
            )
            .await
            .map_err(to_directory)?;
        Ok(M2mApp {
            name: self.client_name(&grant.client_id).await?,
            client_id: grant.client_id,
            grant_id: grant.grant_id,
            api_identifier: grant.audience,
            permissions: grant.scope,
        })
    }

    async fn remove_org_m2m(&self, org: &OrgId, client_id: &str) -> Result<(), DirectoryError> {
        let grants: Vec<wire::ClientGrant> = self
            .org_grants(org)
            .await?
            .into_iter()
            .filter(|g| g.client_id == client_id)
            .collect();
        if grants.is_empty() {
            return Err(DirectoryError::NotFound);
        }
        for grant in grants {
            self.client
                .delete_org_client_grant(org.as_str(), &grant.id)
                .await
                .map_err(to_directory)?;
        }
        Ok(())
    }

    async fn token_quota(&self, org: &OrgId) -> Result<TokenQuota, DirectoryError> {
        match self.client.get_organization(org.as_str()).await {
            Ok(found) => Ok(found.token_quota.unwrap_or_default()),
            Err(CallError::Status { status: 404, .. }) => Err(DirectoryError::NotFound),
            Err(err) => Err(to_directory(err)),
        }
    }

    async fn set_token_quota(&self, org: &OrgId, quota: &TokenQuota) -> Result<(), DirectoryError> {
        let value = if quota.client_credentials.is_some() {
            serde_json::to_value(quota)
                .map_err(|err| DirectoryError::Internal(format!("token quota: {err}")))?
        } else {
            Value::Null
        };
        self.client
            .patch_organization(
                org.as_str(),
                &wire::PatchOrg {
                    token_quota: Some(value),
                    ..wire::PatchOrg::default()
                },
            )
            .await
            .map(|_| ())
            .map_err(to_directory)
    }

    async fn rotate_client_secret(&self, client_id: &str) -> Result<ClientSecret, DirectoryError> {
        let client = self
            .client
            .rotate_client_secret(client_id)
            .await
            .map_err(to_directory)?;
        client.client_secret.map(ClientSecret).ok_or_else(|| {
            DirectoryError::Upstream("Auth0 rotated the secret without telling the new one.".into())
        })
    }

    async fn list_domains(&self, org: &OrgId) -> Result<Vec<Domain>, DirectoryError> {
        let mut all = Vec::new();
        let mut from = None;
        for _ in 0..MAX_SCAN_PAGES {
            let page = self
                .client
                .list_discovery_domains(org.as_str(), &Paging::checkpoint(from, DOMAINS_PAGE))
                .await
                .map_err(to_directory)?;
            all.extend(page.domains.into_iter().map(domain_of));
            match page.next {
                Some(next) => from = Some(next),
                None => break,
            }
        }
        Ok(all)
    }

    async fn create_domain(
        &self,
        org: &OrgId,
        domain: &DomainName,
    ) -> Result<Domain, DirectoryError> {
        self.client
            .create_discovery_domain(
                org.as_str(),
                &wire::CreateDiscoveryDomain {
                    domain: domain.to_string(),
                },
            )
            .await
            .map(domain_of)
            .map_err(|err| match to_directory(err) {
                DirectoryError::Conflict(_) => DirectoryError::Conflict(super::DOMAIN_TAKEN.into()),
                other => other,
            })
    }

    async fn update_domain(
        &self,
        org: &OrgId,
        id: &str,
        update: &DomainUpdate,
    ) -> Result<Domain, DirectoryError> {
        let body = wire::PatchDiscoveryDomain {
            status: update.status.map(|status| {
                if status == DomainStatus::Verified {
                    "verified".to_owned()
                } else {
                    "pending".to_owned()
                }
            }),
            use_for_organization_discovery: update.use_for_organization_discovery,
        };
        self.client
            .patch_discovery_domain(org.as_str(), id, &body)
            .await
            .map(domain_of)
            .map_err(to_directory)
    }

    async fn delete_domain(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        self.client
            .delete_discovery_domain(org.as_str(), id)
            .await
            .map_err(to_directory)
    }

    async fn create_sso_ticket(
        &self,
        org: &OrgId,
        request: &SsoTicketRequest,
    ) -> Result<String, DirectoryError> {
        let profile = self.sso_profile().await?;
        let options = (!request.domain_aliases.is_empty()).then(|| {
            let mut options = serde_json::Map::new();
            options.insert(
                "domain_aliases".into(),
                Value::from(request.domain_aliases.clone()),
            );
            options
        });
        let body = wire::CreateSsoTicket {
            connection_config: wire::SsoConnectionConfig {
                name: request.connection_name.clone(),
                options,
                other: serde_json::Map::new(),
            },
            enabled_organizations: vec![wire::SsoEnabledOrganization {
                organization_id: org.to_string(),
                assign_membership_on_login: false,
                show_as_button: true,
            }],
            // orgdesk verified the domains itself, through DNS.
            domain_aliases_config: Some(serde_json::json!({"domain_verification": "none"})),
            ttl_sec: Some(request.ttl_sec),
            other: serde_json::Map::new(),
        };
        self.client
            .create_sso_ticket(&profile, &body)
            .await
            .map(|answer| answer.ticket)
            .map_err(to_directory)
    }

    async fn list_invitations(&self, org: &OrgId) -> Result<Vec<Invitation>, DirectoryError> {
        let raw = self.all_invitations(org).await?;
        let needs_roles = raw
            .iter()
            .any(|i| i.roles.as_ref().is_some_and(|r| !r.is_empty()));
        let catalogue = if needs_roles {
            self.role_catalogue().await?
        } else {
            Arc::default()
        };
        let mut invitations: Vec<Invitation> = raw
            .into_iter()
            .map(|i| to_invitation(i, &catalogue))
            .collect();
        invitations.sort_by_key(|i| std::cmp::Reverse(i.created_at));
        Ok(invitations)
    }

    async fn create_invitation(
        &self,
        org: &OrgId,
        invitation: &NewInvitation,
    ) -> Result<Invitation, DirectoryError> {
        let client_id = self.app_client_id.clone().ok_or_else(|| {
            DirectoryError::Upstream(
                "Invitations need the AI application's client id (auth0.app_client_id in orgdesk.toml).".into(),
            )
        })?;
        let body = wire::CreateInvitation {
            inviter: wire::Inviter {
                name: invitation.inviter_name.clone(),
            },
            invitee: wire::Invitee {
                email: invitation.invitee_email.as_str().to_owned(),
            },
            client_id,
            connection_id: invitation.connection_id.clone(),
            ttl_sec: Some(u64::from(invitation.ttl_days) * 86_400),
            roles: (!invitation.roles.is_empty()).then(|| invitation.roles.clone()),
            send_invitation_email: Some(invitation.send_invitation_email),
        };
        let created = self
            .client
            .create_invitation(org.as_str(), &body)
            .await
            .map_err(to_directory)?;
        let catalogue = if invitation.roles.is_empty() {
            Arc::default()
        } else {
            self.role_catalogue().await?
        };
        Ok(to_invitation(created, &catalogue))
    }

    async fn delete_invitation(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        self.client
            .delete_invitation(org.as_str(), id)
            .await
            .map_err(to_directory)
    }

    async fn search_users(
        &self,
        q: &str,
        limit: u32,
        scope: Option<&OrgId>,
    ) -> Result<Vec<UserSummary>, DirectoryError> {
        let q = q.trim();
        let limit = limit.clamp(1, PAGE);
        let summary = |user_id: String, email: Option<String>, name: Option<String>| UserSummary {
            user_id,
            email: email.unwrap_or_default(),
            name: name.unwrap_or_default(),
        };
        let Some(org) = scope else {
            let query = if q.contains('@') {
                format!("email:\"{}\"", q.replace(['"', '\\'], ""))
            } else {
                let term = lucene(q);
                format!("email:{term}* OR name:{term}*")
            };
            let page = self
                .client
                .search_users(
                    &query,
                    &Paging {
                        fields: Some("user_id,email,name".into()),
                        include_fields: Some(true),
                        ..Paging::offset(0, limit)
                    },
                )
                .await
                .map_err(to_directory)?;
            return Ok(page
                .users
                .into_iter()
                .map(|u| summary(u.user_id, u.email, u.name))
                .collect());
        };
        // An org admin finds the org's members, and anyone by their exact address.
        let members = self
            .list_members(
                org,
                &MemberQuery {
                    from: None,
                    take: limit,
                    q: Some(q.to_owned()),
                },
            )
            .await?;
        let mut found: Vec<UserSummary> = members
            .items
            .into_iter()
            .map(|m| summary(m.user_id, Some(m.email), Some(m.name)))
            .collect();
        if q.contains('@') {
            for user in self.client.users_by_email(q).await.map_err(to_directory)? {
                if !found.iter().any(|f| f.user_id == user.user_id) {
                    found.push(summary(user.user_id, user.email, user.name));
                }
            }
        }
        found.truncate(limit as usize);
        Ok(found)
    }

    async fn get_user(&self, user_id: &str) -> Result<Option<User>, DirectoryError> {
        match self.client.get_user(user_id).await {
            Ok(user) => Ok(Some(to_user(user))),
            Err(CallError::Status { status: 404, .. }) => Ok(None),
            Err(err) => Err(to_directory(err)),
        }
    }

    async fn user_orgs(&self, user_id: &str) -> Result<Vec<UserOrg>, DirectoryError> {
        let page = self
            .client
            .user_organizations(user_id, &Paging::offset(0, PAGE))
            .await
            .map_err(to_directory)?;
        let mut orgs = Vec::with_capacity(page.organizations.len());
        for org in page.organizations {
            let id =
                OrgId::parse(&org.id).map_err(|err| DirectoryError::Internal(err.to_string()))?;
            let roles = self.member_roles(&id, user_id).await?;
            orgs.push(UserOrg {
                id: org.id,
                name: org.name,
                display_name: org.display_name,
                roles,
            });
        }
        Ok(orgs)
    }

    async fn create_user(
        &self,
        input: &NewUserInput,
        app_metadata: &BTreeMap<String, String>,
    ) -> Result<User, DirectoryError> {
        let body = wire::CreateUser {
            connection: input.connection.clone(),
            email: input.email.trim().to_owned(),
            password: input.password.clone(),
            name: (!input.name.trim().is_empty()).then(|| input.name.trim().to_owned()),
            email_verified: Some(input.email_verified),
            user_metadata: (!input.user_metadata.is_empty())
                .then(|| metadata_map(&input.user_metadata)),
            app_metadata: (!app_metadata.is_empty()).then(|| metadata_map(app_metadata)),
        };
        let user = self.client.create_user(&body).await.map_err(to_directory)?;
        Ok(to_user(user))
    }

    async fn list_connections(&self) -> Result<Vec<Connection>, DirectoryError> {
        let connections = self
            .client
            .list_connections(&Paging {
                page: Some(0),
                per_page: Some(PAGE),
                fields: Some("id,name,strategy".into()),
                include_fields: Some(true),
                ..Paging::default()
            })
            .await
            .map_err(to_directory)?;
        Ok(connections
            .into_iter()
            .map(|c| Connection {
                id: c.id,
                name: c.name,
                strategy: c.strategy,
            })
            .collect())
    }

    async fn org_connections(&self, org: &OrgId) -> Result<Vec<OrgConnection>, DirectoryError> {
        let page = self
            .client
            .list_enabled_connections(org.as_str(), &Paging::offset(0, PAGE))
            .await
            .map_err(to_directory)?;
        Ok(page
            .enabled_connections
            .into_iter()
            .map(to_org_connection)
            .collect())
    }

    async fn put_org_connection(
        &self,
        org: &OrgId,
        connection: &OrgConnection,
    ) -> Result<OrgConnection, DirectoryError> {
        // `is_signup_enabled` exists only on database connections.
        let signup =
            (connection.connection.strategy == "auth0").then_some(connection.is_signup_enabled);
        let patch = wire::PatchEnabledConnection {
            assign_membership_on_login: Some(connection.assign_membership_on_login),
            show_as_button: Some(connection.show_as_button),
            is_signup_enabled: signup,
        };
        let changed = match self
            .client
            .patch_enabled_connection(org.as_str(), &connection.connection_id, &patch)
            .await
        {
            Err(CallError::Status { status: 404, .. }) => {
                self.client
                    .add_enabled_connection(
                        org.as_str(),
                        &wire::AddEnabledConnection {
                            connection_id: connection.connection_id.clone(),
                            assign_membership_on_login: connection.assign_membership_on_login,
                            show_as_button: Some(connection.show_as_button),
                            is_signup_enabled: signup,
                        },
                    )
                    .await
            }
            other => other,
        }
        .map_err(to_directory)?;
        Ok(to_org_connection(changed))
    }

    async fn delete_org_connection(
        &self,
        org: &OrgId,
        connection_id: &str,
    ) -> Result<(), DirectoryError> {
        self.client
            .delete_enabled_connection(org.as_str(), connection_id)
            .await
            .map_err(to_directory)
    }

    async fn user_roles(&self, user_id: &str) -> Result<Vec<RoleRef>, DirectoryError> {
        let page = self
            .client
            .user_roles(user_id, &Paging::offset(0, PAGE))
            .await
            .map_err(to_directory)?;
        Ok(page.roles.into_iter().map(RoleRef::from).collect())
    }

    async fn tenant_settings(&self) -> Result<TenantSettings, DirectoryError> {
        let settings = self
            .client
            .get_tenant_settings()
            .await
            .map_err(to_directory)?;
        Ok(to_tenant_settings(settings))
    }

    async fn update_tenant_settings(
        &self,
        change: &TenantSettingsInput,
    ) -> Result<TenantSettings, DirectoryError> {
        let body = wire::PatchTenantSettings {
            friendly_name: change.friendly_name.clone(),
            picture_url: change.picture_url.clone(),
            support_email: change.support_email.clone(),
            support_url: change.support_url.clone(),
            error_page: change.error_page.as_ref().map(|page| wire::ErrorPage {
                html: Some(page.html.clone()),
                url: Some(page.url.clone()),
                show_log_link: Some(page.show_log_link),
            }),
            flags: change.flags.clone(),
        };
        let settings = self
            .client
            .patch_tenant_settings(&body)
            .await
            .map_err(to_directory)?;
        Ok(to_tenant_settings(settings))
    }

    async fn list_apis(&self) -> Result<Vec<Api>, DirectoryError> {
        let mut apis = Vec::new();
        for page in 0.. {
            let batch = self
                .client
                .list_resource_servers(&Paging::offset(page, PAGE), &[])
                .await
                .map_err(to_directory)?;
            let got = batch.resource_servers.len();
            apis.extend(batch.resource_servers.into_iter().map(to_api));
            let total = batch.total.unwrap_or(0);
            if got < PAGE as usize || apis.len() as u64 >= total {
                break;
            }
        }
        apis.sort_by(|a, b| (!a.system, &a.name).cmp(&(!b.system, &b.name)));
        Ok(apis)
    }

    async fn get_api(&self, id: &str) -> Result<Option<Api>, DirectoryError> {
        match self.client.get_resource_server(id).await {
            Ok(server) => Ok(Some(to_api(server))),
            Err(CallError::Status { status: 404, .. }) => Ok(None),
            Err(err) => Err(to_directory(err)),
        }
    }

    async fn create_api(&self, api: &NewApi) -> Result<Api, DirectoryError> {
        let body = wire::CreateResourceServer {
            name: api.name.clone(),
            identifier: api.identifier.clone(),
            scopes: api.permissions.iter().map(to_scope).collect(),
            signing_alg: Some(orgdesk_model::apis::SIGNING_ALG.to_owned()),
            token_lifetime: Some(api.token_lifetime),
            enforce_policies: Some(true),
            token_dialect: Some(PERMISSIONS_DIALECT.to_owned()),
        };
        let server = self
            .client
            .create_resource_server(&body)
            .await
            .map_err(to_directory)?;
        Ok(to_api(server))
    }

    async fn update_api(&self, id: &str, patch: &ApiPatch) -> Result<Api, DirectoryError> {
        let body = wire::PatchResourceServer {
            name: patch.name.clone(),
            token_lifetime: patch.token_lifetime,
            scopes: patch
                .permissions
                .as_ref()
                .map(|list| list.iter().map(to_scope).collect()),
        };
        let server = self
            .client
            .patch_resource_server(id, &body)
            .await
            .map_err(to_directory)?;
        Ok(to_api(server))
    }

    async fn delete_api(&self, id: &str) -> Result<(), DirectoryError> {
        self.client
            .delete_resource_server(id)
            .await
            .map_err(to_directory)
    }

    fn forget_cached(&self) {
        self.forget_orgs();
        self.forget_roles();
    }

    async fn ready(&self) -> Result<(), String> {
        self.client
            .ensure_token()
            .await
            .map_err(|err| format!("no Management API token: {err}"))
    }

    fn health(&self) -> super::Health {
        use orgdesk_model::api::Upstream;
        let health = self.client.health();
        let budget = self.client.budget();
        let upstream = match health.reachable {
            None => Upstream::Unknown,
            Some(true) => Upstream::Ok,
            Some(false) => Upstream::Unreachable,
        };
        let rate_limit = match (budget.limit, budget.remaining, budget.reset) {
            (Some(limit), Some(remaining), Some(reset)) => Some(orgdesk_model::api::RateLimit {
                limit,
                remaining,
                reset,
            }),
            _ => None,
        };
        super::Health {
            upstream,
            message: health.last_error,
            rate_limit,
        }
    }
}
