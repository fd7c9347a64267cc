//! The embedded directory: a store in orgdesk's own database (SQLite or PostgreSQL) that
//! answers like Auth0's Management API.

pub(crate) mod engine;
pub mod seed;
pub mod synthetic;

use std::collections::BTreeMap;

use async_trait::async_trait;
use orgdesk_model::{Metadata, OrgId, Organization, Page};

use crate::db::Store;

use orgdesk_model::apis::{Api, ApiPatch, NewApi};
use orgdesk_model::domains::{Domain, DomainName};
use orgdesk_model::input::NewOrg;

use orgdesk_model::m2m::{ClientGrantInfo, ClientSecret, M2mApp, M2mCreated, NewM2m, TokenQuota};
use orgdesk_model::members::{Invitation, Member, NewInvitation, RoleInfo};
use orgdesk_model::roles::{NewRole, PermissionRef, RoleHolders, RolePatch, RolePermission};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};

use super::{
    CursorPage, Directory, DirectoryError, DomainUpdate, MemberQuery, OrgCounts, OrgQuery,
    OrgUpdate, SsoConnectionSpec, SsoTicketRequest, UserSummary,
};

pub use seed::seed_if_empty;

/// The embedded store, sharing the proxy's database.
#[derive(Debug, Clone)]
pub struct LocalDirectory {
    store: Store,
}

impl LocalDirectory {
    /// A directory over an opened (and migrated) database.
    #[must_use]
    pub fn new(store: impl Into<Store>) -> Self {
        Self {
            store: store.into(),
        }
    }
}

/// Runs one of `engine`'s queries on this directory's engine: on SQLite, `read` ones on the
/// read-only connections and `write` ones on the one writer.
macro_rules! on_engine {
    ($self:ident, read, $f:ident ( $($arg:expr),* )) => {
        match &$self.store {
            Store::Sqlite(db) => engine::sqlite::$f(db.read(), $($arg),*).await,
            Store::Postgres(pg) => engine::postgres::$f(pg.pool(), $($arg),*).await,
        }
    };
    ($self:ident, write, $f:ident ( $($arg:expr),* )) => {
        match &$self.store {
            Store::Sqlite(db) => engine::sqlite::$f(db.write(), $($arg),*).await,
            Store::Postgres(pg) => engine::postgres::$f(pg.pool(), $($arg),*).await,
        }
    };
}

/// A new id in Auth0's style: a prefix and 16 letters and digits.
///
/// # Errors
/// When the system has no randomness to give.
pub fn new_id(prefix: &str) -> Result<String, DirectoryError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|err| DirectoryError::Internal(format!("random: {err}")))?;
    let suffix: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(format!("{prefix}{suffix}"))
}

#[async_trait]
impl Directory for LocalDirectory {
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError> {
        on_engine!(self, read, list_orgs(query))
    }

    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError> {
        on_engine!(self, read, get_org(id))
    }

    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError> {
        on_engine!(self, write, create_org(org))
    }

    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected_metadata: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError> {
        on_engine!(self, write, update_org(id, update, expected_metadata))
    }

    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_org(id))
    }

    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError> {
        on_engine!(self, read, org_counts(id))
    }

    async fn list_members(
        &self,
        org: &OrgId,
        query: &MemberQuery,
    ) -> Result<CursorPage<Member>, DirectoryError> {
        on_engine!(self, read, list_members(org, query))
    }

    async fn add_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        on_engine!(self, write, add_members(org, user_ids))
    }

    async fn remove_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        on_engine!(self, write, remove_members(org, user_ids))
    }

    async fn member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
    ) -> Result<Vec<orgdesk_model::members::RoleRef>, DirectoryError> {
        on_engine!(self, read, member_roles(org, user_id))
    }

    async fn assign_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        on_engine!(self, write, assign_member_roles(org, user_id, role_ids))
    }

    async fn remove_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        on_engine!(self, write, remove_member_roles(org, user_id, role_ids))
    }

    async fn list_roles(&self) -> Result<Vec<RoleInfo>, DirectoryError> {
        on_engine!(self, read, list_roles())
    }

    async fn list_invitations(&self, org: &OrgId) -> Result<Vec<Invitation>, DirectoryError> {
        on_engine!(self, read, list_invitations(org))
    }

    async fn create_invitation(
        &self,
        org: &OrgId,
        invitation: &NewInvitation,
    ) -> Result<Invitation, DirectoryError> {
        on_engine!(self, write, create_invitation(org, invitation))
    }

    async fn delete_invitation(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_invitation(org, id))
    }

    async fn search_users(
        &self,
        q: &str,
        limit: u32,
        scope: Option<&OrgId>,
    ) -> Result<Vec<UserSummary>, DirectoryError> {
        on_engine!(self, read, search_users(q, limit, scope))
    }

    async fn get_user(
        &self,
        user_id: &str,
    ) -> Result<Option<orgdesk_model::users::User>, DirectoryError> {
        on_engine!(self, read, get_user(user_id))
    }

    async fn user_orgs(
        &self,
        user_id: &str,
    ) -> Result<Vec<orgdesk_model::users::UserOrg>, DirectoryError> {
        on_engine!(self, read, user_orgs(user_id))
    }

    async fn create_user(
        &self,
        input: &orgdesk_model::users::NewUserInput,
        app_metadata: &BTreeMap<String, String>,
    ) -> Result<orgdesk_model::users::User, DirectoryError> {
        on_engine!(self, write, create_user(input, app_metadata))
    }

    async fn list_connections(
        &self,
    ) -> Result<Vec<orgdesk_model::users::Connection>, DirectoryError> {
        on_engine!(self, read, list_connections())
    }

    fn creates_connections(&self) -> bool {
        true
    }

    async fn create_connection(
        &self,
        name: &str,
        strategy: &str,
    ) -> Result<orgdesk_model::users::Connection, DirectoryError> {
        on_engine!(self, write, create_connection(name, strategy))
    }

    async fn org_connections(
        &self,
        org: &OrgId,
    ) -> Result<Vec<orgdesk_model::users::OrgConnection>, DirectoryError> {
        on_engine!(self, read, org_connections(org))
    }

    async fn put_org_connection(
        &self,
        org: &OrgId,
        connection: &orgdesk_model::users::OrgConnection,
    ) -> Result<orgdesk_model::users::OrgConnection, DirectoryError> {
        on_engine!(self, write, put_org_connection(org, connection))
    }

    async fn delete_org_connection(
        &self,
        org: &OrgId,
        connection_id: &str,
    ) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_org_connection(org, connection_id))
    }

    async fn list_apis(&self) -> Result<Vec<Api>, DirectoryError> {
        on_engine!(self, read, list_apis())
    }

    async fn get_api(&self, id: &str) -> Result<Option<Api>, DirectoryError> {
        on_engine!(self, read, get_api(id))
    }

    async fn create_api(&self, api: &NewApi) -> Result<Api, DirectoryError> {
        on_engine!(self, write, create_api(api))
    }

    async fn update_api(&self, id: &str, patch: &ApiPatch) -> Result<Api, DirectoryError> {
        on_engine!(self, write, update_api(id, patch))
    }

    async fn delete_api(&self, id: &str) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_api(id))
    }

    async fn get_role(&self, id: &str) -> Result<Option<RoleInfo>, DirectoryError> {
        on_engine!(self, read, get_role(id))
    }

    async fn role_permissions(&self, id: &str) -> Result<Vec<RolePermission>, DirectoryError> {
        on_engine!(self, read, role_permissions(id))
    }

    async fn role_holders(&self, id: &str) -> Result<RoleHolders, DirectoryError> {
        on_engine!(self, read, role_holders(id))
    }

    async fn create_role(&self, role: &NewRole) -> Result<RoleInfo, DirectoryError> {
        on_engine!(self, write, create_role(role))
    }

    async fn update_role(&self, id: &str, patch: &RolePatch) -> Result<RoleInfo, DirectoryError> {
        on_engine!(self, write, update_role(id, patch))
    }

    async fn delete_role(&self, id: &str) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_role(id))
    }

    async fn add_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        on_engine!(self, write, add_role_permissions(id, permissions))
    }

    async fn remove_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        on_engine!(self, write, remove_role_permissions(id, permissions))
    }

    async fn list_org_m2m(&self, org: &OrgId) -> Result<Vec<M2mApp>, DirectoryError> {
        on_engine!(self, read, list_org_m2m(org))
    }

    async fn list_client_grants(&self) -> Result<Vec<ClientGrantInfo>, DirectoryError> {
        on_engine!(self, read, list_client_grants())
    }

    async fn create_org_m2m(
        &self,
        org: &OrgId,
        app: &NewM2m,
    ) -> Result<M2mCreated, DirectoryError> {
        on_engine!(self, write, create_org_m2m(org, app))
    }

    async fn associate_org_grant(
        &self,
        org: &OrgId,
        grant_id: &str,
    ) -> Result<M2mApp, DirectoryError> {
        on_engine!(self, write, associate_org_grant(org, grant_id))
    }

    async fn remove_org_m2m(&self, org: &OrgId, client_id: &str) -> Result<(), DirectoryError> {
        on_engine!(self, write, remove_org_m2m(org, client_id))
    }

    async fn token_quota(&self, org: &OrgId) -> Result<TokenQuota, DirectoryError> {
        on_engine!(self, read, token_quota(org))
    }

    async fn set_token_quota(&self, org: &OrgId, quota: &TokenQuota) -> Result<(), DirectoryError> {
        on_engine!(self, write, set_token_quota(org, quota))
    }

    async fn rotate_client_secret(&self, client_id: &str) -> Result<ClientSecret, DirectoryError> {
        on_engine!(self, read, rotate_client_secret(client_id))
    }

    async fn list_domains(&self, org: &OrgId) -> Result<Vec<Domain>, DirectoryError> {
        on_engine!(self, read, list_domains(org))
    }

    async fn create_domain(
        &self,
        org: &OrgId,
        domain: &DomainName,
    ) -> Result<Domain, DirectoryError> {
        on_engine!(self, write, create_domain(org, domain))
    }

    async fn update_domain(
        &self,
        org: &OrgId,
        id: &str,
        update: &DomainUpdate,
    ) -> Result<Domain, DirectoryError> {
        on_engine!(self, write, update_domain(org, id, update))
    }

    async fn delete_domain(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        on_engine!(self, write, delete_domain(org, id))
    }

    /// orgdesk's own set-up page: the link's secret is the ticket, and only its hash is kept
    /// (by the route, in orgdesk's own table).
    async fn create_sso_ticket(
        &self,
        org: &OrgId,
        _request: &SsoTicketRequest,
    ) -> Result<String, DirectoryError> {
        if self.get_org(org).await?.is_none() {
            return Err(DirectoryError::NotFound);
        }
        let secret = new_id("")?;
        Ok(format!("/sso-setup?ticket={secret}"))
    }

    async fn create_sso_connection(
        &self,
        org: &OrgId,
        spec: &SsoConnectionSpec,
    ) -> Result<orgdesk_model::users::OrgConnection, DirectoryError> {
        on_engine!(self, write, create_sso_connection(org, spec))
    }

    async fn tenant_settings(&self) -> Result<TenantSettings, DirectoryError> {
        on_engine!(self, read, tenant_settings())
    }

    async fn update_tenant_settings(
        &self,
        change: &TenantSettingsInput,
    ) -> Result<TenantSettings, DirectoryError> {
        on_engine!(self, write, update_tenant_settings(change))
    }
}

#[cfg(test)]
mod tests {
    use super::engine::sqlite::like as like_pattern;

    #[test]
    fn like_wildcards_in_search_text_match_literally() {
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
