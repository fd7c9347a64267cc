//! One method per Management API operation orgdesk uses, in Auth0's own terms.
//!
//! These are what the recorded traffic is replayed against; the `Directory` implementation in
//! `mod.rs` composes them.

use super::client::{Auth0Client, Call, CallError};
use super::wire::{
    AddEnabledConnection, Connection, CreateInvitation, CreateOrg, CreateUser, EnabledConnection,
    EnabledConnectionsPage, Invitation, InvitationsPage, MembersBody, MembersPage, Org, OrgsPage,
    PatchEnabledConnection, PatchOrg, PatchTenantSettings, PatchUser, PermissionsPage, RolesBody,
    RolesPage, TenantSettings, User, UsersPage,
};
use super::wire::{
    AssociateGrant, AssociatedGrant, Client, ClientGrant, ClientGrantsPage, ClientsPage,
    CreateClient, CreateClientGrant,
};
use super::wire::{
    CreateDiscoveryDomain, DiscoveryDomain, DiscoveryDomainsPage, PatchDiscoveryDomain,
};
use super::wire::{CreateResourceServer, PatchResourceServer, ResourceServer, ResourceServersPage};
use super::wire::{CreateRole, PatchRole, PermissionsBody, Role};
use super::wire::{CreateSelfServiceProfile, CreateSsoTicket, SelfServiceProfile, SsoTicketAnswer};

/// Paging and field selection, as Auth0's list endpoints take them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    /// Offset paging: page number from 0.
    pub page: Option<u32>,
    /// Offset paging: rows per page.
    pub per_page: Option<u32>,
    /// Ask for `total` in the envelope.
    pub include_totals: Option<bool>,
    /// Checkpoint paging: where to continue.
    pub from: Option<String>,
    /// Checkpoint paging: rows per page.
    pub take: Option<u32>,
    /// Only these fields (comma-separated).
    pub fields: Option<String>,
    /// Whether `fields` lists what to include (true) or exclude.
    pub include_fields: Option<bool>,
}

impl Paging {
    /// Offset paging with totals.
    #[must_use]
    pub fn offset(page: u32, per_page: u32) -> Self {
        Self {
            page: Some(page),
            per_page: Some(per_page),
            include_totals: Some(true),
            ..Self::default()
        }
    }

    /// Checkpoint paging.
    #[must_use]
    pub fn checkpoint(from: Option<String>, take: u32) -> Self {
        Self {
            from,
            take: Some(take),
            ..Self::default()
        }
    }

    fn apply(&self, call: Call) -> Call {
        call.query_opt("page", self.page)
            .query_opt("per_page", self.per_page)
            .query_opt("include_totals", self.include_totals)
            .query_opt("from", self.from.as_deref())
            .query_opt("take", self.take)
            .query_opt("fields", self.fields.as_deref())
            .query_opt("include_fields", self.include_fields)
    }
}

impl Auth0Client {
    /// `GET /organizations` (offset or checkpoint paging).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_organizations(&self, paging: &Paging) -> Result<OrgsPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations"])))
            .await
    }

    /// `GET /organizations/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_organization(&self, id: &str) -> Result<Org, CallError> {
        self.json(&Call::get(&["organizations", id])).await
    }

    /// `POST /organizations`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_organization(&self, body: &CreateOrg) -> Result<Org, CallError> {
        self.json(&Call::create(&["organizations"]).json(body))
            .await
    }

    /// `PATCH /organizations/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_organization(&self, id: &str, body: &PatchOrg) -> Result<Org, CallError> {
        self.json(&Call::patch(&["organizations", id]).json(body))
            .await
    }

    /// `DELETE /organizations/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_organization(&self, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&["organizations", id])).await
    }

    /// `GET /organizations/{id}/members`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_members(&self, org: &str, paging: &Paging) -> Result<MembersPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "members"])))
            .await
    }

    /// `POST /organizations/{id}/members`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn add_members(&self, org: &str, body: &MembersBody) -> Result<(), CallError> {
        self.done(&Call::post_idempotent(&["organizations", org, "members"]).json(body))
            .await
    }

    /// `DELETE /organizations/{id}/members`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_members(&self, org: &str, body: &MembersBody) -> Result<(), CallError> {
        self.done(&Call::delete(&["organizations", org, "members"]).json(body))
            .await
    }

    /// `GET /organizations/{id}/members/{user_id}/roles`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_member_roles(
        &self,
        org: &str,
        user: &str,
        paging: &Paging,
    ) -> Result<RolesPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "members", user, "roles"])))
            .await
    }

    /// `POST /organizations/{id}/members/{user_id}/roles`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn add_member_roles(
        &self,
        org: &str,
        user: &str,
        body: &RolesBody,
    ) -> Result<(), CallError> {
        self.done(
            &Call::post_idempotent(&["organizations", org, "members", user, "roles"]).json(body),
        )
        .await
    }

    /// `DELETE /organizations/{id}/members/{user_id}/roles`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_member_roles(
        &self,
        org: &str,
        user: &str,
        body: &RolesBody,
    ) -> Result<(), CallError> {
        self.done(&Call::delete(&["organizations", org, "members", user, "roles"]).json(body))
            .await
    }

    /// `GET /organizations/{id}/invitations`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_invitations(
        &self,
        org: &str,
        paging: &Paging,
    ) -> Result<InvitationsPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "invitations"])))
            .await
    }

    /// `POST /organizations/{id}/invitations`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_invitation(
        &self,
        org: &str,
        body: &CreateInvitation,
    ) -> Result<Invitation, CallError> {
        self.json(&Call::create(&["organizations", org, "invitations"]).json(body))
            .await
    }

    /// `DELETE /organizations/{id}/invitations/{invitation_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_invitation(&self, org: &str, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&["organizations", org, "invitations", id]))
            .await
    }

    /// `GET /organizations/{id}/enabled_connections`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_enabled_connections(
        &self,
        org: &str,
        paging: &Paging,
    ) -> Result<EnabledConnectionsPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "enabled_connections"])))
            .await
    }

    /// `POST /organizations/{id}/enabled_connections`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn add_enabled_connection(
        &self,
        org: &str,
        body: &AddEnabledConnection,
    ) -> Result<EnabledConnection, CallError> {
        // Enabling a connection twice is refused by Auth0, so this is a create.
        self.json(&Call::create(&["organizations", org, "enabled_connections"]).json(body))
            .await
    }

    /// `PATCH /organizations/{id}/enabled_connections/{connection_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_enabled_connection(
        &self,
        org: &str,
        connection: &str,
        body: &PatchEnabledConnection,
    ) -> Result<EnabledConnection, CallError> {
        self.json(
            &Call::patch(&["organizations", org, "enabled_connections", connection]).json(body),
        )
        .await
    }

    /// `DELETE /organizations/{id}/enabled_connections/{connection_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_enabled_connection(
        &self,
        org: &str,
        connection: &str,
    ) -> Result<(), CallError> {
        self.done(&Call::delete(&[
            "organizations",
            org,
            "enabled_connections",
            connection,
        ]))
        .await
    }

    /// `GET /roles`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_roles(&self, paging: &Paging) -> Result<RolesPage, CallError> {
        self.json(&paging.apply(Call::get(&["roles"]))).await
    }

    /// `GET /roles/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_role(&self, id: &str) -> Result<Role, CallError> {
        self.json(&Call::get(&["roles", id])).await
    }

    /// `POST /roles` (Auth0 answers 200, not 201).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_role(&self, body: &CreateRole) -> Result<Role, CallError> {
        self.json(&Call::create(&["roles"]).json(body)).await
    }

    /// `PATCH /roles/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_role(&self, id: &str, body: &PatchRole) -> Result<Role, CallError> {
        self.json(&Call::patch(&["roles", id]).json(body)).await
    }

    /// `DELETE /roles/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_role(&self, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&["roles", id])).await
    }

    /// `POST /roles/{id}/permissions`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn add_role_permissions(
        &self,
        id: &str,
        body: &PermissionsBody,
    ) -> Result<(), CallError> {
        self.done(&Call::post_idempotent(&["roles", id, "permissions"]).json(body))
            .await
    }

    /// `DELETE /roles/{id}/permissions`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_role_permissions(
        &self,
        id: &str,
        body: &PermissionsBody,
    ) -> Result<(), CallError> {
        self.done(&Call::delete(&["roles", id, "permissions"]).json(body))
            .await
    }

    /// `GET /roles/{id}/permissions`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_role_permissions(
        &self,
        role: &str,
        paging: &Paging,
    ) -> Result<PermissionsPage, CallError> {
        self.json(&paging.apply(Call::get(&["roles", role, "permissions"])))
            .await
    }

    /// `GET /users?q=…&search_engine=v3` (Lucene query syntax).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn search_users(&self, q: &str, paging: &Paging) -> Result<UsersPage, CallError> {
        self.json(
            &paging
                .apply(Call::get(&["users"]))
                .query("q", q)
                .query("search_engine", "v3"),
        )
        .await
    }

    /// `GET /users-by-email?email=…` (exact, case-insensitive).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, CallError> {
        self.json(&Call::get(&["users-by-email"]).query("email", email))
            .await
    }

    /// `GET /users/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_user(&self, id: &str) -> Result<User, CallError> {
        self.json(&Call::get(&["users", id])).await
    }

    /// `POST /users`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_user(&self, body: &CreateUser) -> Result<User, CallError> {
        self.json(&Call::create(&["users"]).json(body)).await
    }

    /// `PATCH /users/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_user(&self, id: &str, body: &PatchUser) -> Result<User, CallError> {
        self.json(&Call::patch(&["users", id]).json(body)).await
    }

    /// `GET /users/{id}/organizations`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn user_organizations(
        &self,
        id: &str,
        paging: &Paging,
    ) -> Result<OrgsPage, CallError> {
        self.json(&paging.apply(Call::get(&["users", id, "organizations"])))
            .await
    }

    /// `GET /users/{id}/roles` (tenant-level roles).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn user_roles(&self, id: &str, paging: &Paging) -> Result<RolesPage, CallError> {
        self.json(&paging.apply(Call::get(&["users", id, "roles"])))
            .await
    }

    /// `GET /connections`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_connections(&self, paging: &Paging) -> Result<Vec<Connection>, CallError> {
        self.json(&paging.apply(Call::get(&["connections"]))).await
    }

    /// `GET /tenants/settings`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_tenant_settings(&self) -> Result<TenantSettings, CallError> {
        self.json(&Call::get(&["tenants", "settings"])).await
    }

    /// `PATCH /tenants/settings`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_tenant_settings(
        &self,
        body: &PatchTenantSettings,
    ) -> Result<TenantSettings, CallError> {
        self.json(&Call::patch(&["tenants", "settings"]).json(body))
            .await
    }

    /// `GET /resource-servers`, only those with the given identifiers when some are named.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_resource_servers(
        &self,
        paging: &Paging,
        identifiers: &[&str],
    ) -> Result<ResourceServersPage, CallError> {
        let mut call = paging.apply(Call::get(&["resource-servers"]));
        for identifier in identifiers {
            call = call.query("identifiers", identifier);
        }
        self.json(&call).await
    }

    /// `GET /resource-servers/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_resource_server(&self, id: &str) -> Result<ResourceServer, CallError> {
        self.json(&Call::get(&["resource-servers", id])).await
    }

    /// `POST /resource-servers`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_resource_server(
        &self,
        body: &CreateResourceServer,
    ) -> Result<ResourceServer, CallError> {
        self.json(&Call::create(&["resource-servers"]).json(body))
            .await
    }

    /// `PATCH /resource-servers/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_resource_server(
        &self,
        id: &str,
        body: &PatchResourceServer,
    ) -> Result<ResourceServer, CallError> {
        self.json(&Call::patch(&["resource-servers", id]).json(body))
            .await
    }

    /// `DELETE /resource-servers/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_resource_server(&self, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&["resource-servers", id])).await
    }

    /// `GET /clients` (with `fields`, so that no secret is ever sent).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_clients(&self, paging: &Paging) -> Result<ClientsPage, CallError> {
        self.json(&paging.apply(Call::get(&["clients"]))).await
    }

    /// `GET /clients/{id}?fields=client_id,name`: its name, never its secret.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn get_client(&self, id: &str) -> Result<Client, CallError> {
        self.json(
            &Call::get(&["clients", id])
                .query("fields", "client_id,name")
                .query("include_fields", "true"),
        )
        .await
    }

    /// `POST /clients`: the answer carries the new secret.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_client(&self, body: &CreateClient) -> Result<Client, CallError> {
        self.json(&Call::create(&["clients"]).json(body)).await
    }

    /// `DELETE /clients/{id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_client(&self, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&["clients", id])).await
    }

    /// `POST /clients/{id}/rotate-secret`: the answer carries the new secret. Not repeated: a
    /// second rotation would void the secret the first one answered with.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn rotate_client_secret(&self, id: &str) -> Result<Client, CallError> {
        self.json(&Call::create(&["clients", id, "rotate-secret"]))
            .await
    }

    /// `GET /client-grants`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_client_grants(&self, paging: &Paging) -> Result<ClientGrantsPage, CallError> {
        self.json(&paging.apply(Call::get(&["client-grants"])))
            .await
    }

    /// `POST /client-grants`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_client_grant(
        &self,
        body: &CreateClientGrant,
    ) -> Result<ClientGrant, CallError> {
        self.json(&Call::create(&["client-grants"]).json(body))
            .await
    }

    /// `GET /organizations/{id}/client-grants`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_org_client_grants(
        &self,
        org: &str,
        paging: &Paging,
    ) -> Result<ClientGrantsPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "client-grants"])))
            .await
    }

    /// `POST /organizations/{id}/client-grants`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn associate_org_client_grant(
        &self,
        org: &str,
        body: &AssociateGrant,
    ) -> Result<AssociatedGrant, CallError> {
        self.json(&Call::post_idempotent(&["organizations", org, "client-grants"]).json(body))
            .await
    }

    /// `DELETE /organizations/{id}/client-grants/{grant_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_org_client_grant(&self, org: &str, grant: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&[
            "organizations",
            org,
            "client-grants",
            grant,
        ]))
        .await
    }

    /// `GET /organizations/{id}/discovery-domains` (checkpoint paging).
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn list_discovery_domains(
        &self,
        org: &str,
        paging: &Paging,
    ) -> Result<DiscoveryDomainsPage, CallError> {
        self.json(&paging.apply(Call::get(&["organizations", org, "discovery-domains"])))
            .await
    }

    /// `POST /organizations/{id}/discovery-domains`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_discovery_domain(
        &self,
        org: &str,
        body: &CreateDiscoveryDomain,
    ) -> Result<DiscoveryDomain, CallError> {
        self.json(&Call::create(&["organizations", org, "discovery-domains"]).json(body))
            .await
    }

    /// `PATCH /organizations/{id}/discovery-domains/{domain_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn patch_discovery_domain(
        &self,
        org: &str,
        id: &str,
        body: &PatchDiscoveryDomain,
    ) -> Result<DiscoveryDomain, CallError> {
        self.json(&Call::patch(&["organizations", org, "discovery-domains", id]).json(body))
            .await
    }

    /// `DELETE /organizations/{id}/discovery-domains/{domain_id}`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn delete_discovery_domain(&self, org: &str, id: &str) -> Result<(), CallError> {
        self.done(&Call::delete(&[
            "organizations",
            org,
            "discovery-domains",
            id,
        ]))
        .await
    }

    /// `POST /self-service-profiles`.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_self_service_profile(
        &self,
        body: &CreateSelfServiceProfile,
    ) -> Result<SelfServiceProfile, CallError> {
        self.json(&Call::create(&["self-service-profiles"]).json(body))
            .await
    }

    /// `POST /self-service-profiles/{id}/sso-ticket`. Not repeated: each call makes a new link.
    ///
    /// # Errors
    /// See [`CallError`].
    pub async fn create_sso_ticket(
        &self,
        profile: &str,
        body: &CreateSsoTicket,
    ) -> Result<SsoTicketAnswer, CallError> {
        self.json(&Call::create(&["self-service-profiles", profile, "sso-ticket"]).json(body))
            .await
    }
}
