//! Auth0 Management API v2 bodies, exactly as Auth0 sends and accepts them.
//!
//! Unset keys are absent, never null, in both directions. Nothing outside `directory/auth0/`
//! sees these types: they are turned into `orgdesk_model` types at the edge.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `{"statusCode","error","message","errorCode"?}` — `errorCode` is missing on some 404s.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status again.
    #[serde(default)]
    pub status_code: u16,
    /// The reason phrase.
    #[serde(default)]
    pub error: String,
    /// Human text, sometimes useful to the person (the `is_signup_enabled` rule).
    #[serde(default)]
    pub message: String,
    /// A machine code (`invalid_body`, `insufficient_scope`, …).
    #[serde(default)]
    pub error_code: Option<String>,
}

/// The token endpoint's OAuth-style error.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthError {
    /// `access_denied`, `invalid_client`, …
    #[serde(default)]
    pub error: String,
    /// Human text.
    #[serde(default)]
    pub error_description: String,
}

/// The client-credentials grant's answer.
#[derive(Clone, Deserialize, Serialize)]
pub struct TokenResponse {
    /// The bearer token (never logged).
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// `Bearer`.
    pub token_type: String,
    /// Granted scopes, space-separated (Auth0 sends it for M2M tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Branding colours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    /// Buttons and links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Behind the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_background: Option<String>,
}

/// An organization's branding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// The logo address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Colors>,
}

/// An organization as Auth0 answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Org {
    /// `org_…`.
    pub id: String,
    /// The unique name.
    pub name: String,
    /// The name people see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Logo and colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    /// String metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The quota of tokens issued for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_quota: Option<orgdesk_model::m2m::TokenQuota>,
}

/// `POST /organizations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// The unique name.
    pub name: String,
    /// The name people see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Logo and colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    /// String metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// `PATCH /organizations/{id}`: absent keys are kept; `metadata` replaces the old whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchOrg {
    /// A new unique name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New branding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    /// New metadata, whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// A new token quota; JSON `null` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_quota: Option<Value>,
}

/// Offset or checkpoint page of organizations.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OrgsPage {
    /// The rows.
    pub organizations: Vec<Org>,
    /// Offset paging: first row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// Offset paging: page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Offset paging with `include_totals`: all rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Checkpoint paging: where to continue; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A role as Auth0 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Role {
    /// `rol_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// What orgdesk keeps of a role when it names one: its id and name.
impl From<Role> for orgdesk_model::members::RoleRef {
    fn from(role: Role) -> Self {
        Self {
            id: role.id,
            name: role.name,
        }
    }
}

/// A page of roles (offset paging).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RolesPage {
    /// The rows.
    pub roles: Vec<Role>,
    /// First row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// A permission granted by a role.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Permission {
    /// `read:models`.
    pub permission_name: String,
    /// The API it belongs to.
    pub resource_server_identifier: String,
    /// What it allows, as the API describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The API's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_server_name: Option<String>,
}

/// `POST /roles`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
}

/// `PATCH /roles/{id}`: only what changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchRole {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A permission named for granting or taking: its API and value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionKey {
    /// The API's identifier.
    pub resource_server_identifier: String,
    /// The permission's value.
    pub permission_name: String,
}

/// `{"permissions": [...]}` for giving a role permissions or taking them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionsBody {
    /// The permissions.
    pub permissions: Vec<PermissionKey>,
}

/// A page of a role's permissions.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PermissionsPage {
    /// The rows.
    pub permissions: Vec<Permission>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// A member as the members list gives them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Member {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their roles in the org, when asked for with `fields=roles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
}

/// A page of members: checkpoint (`next` until an empty page) or offset.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MembersPage {
    /// The rows.
    pub members: Vec<Member>,
    /// Checkpoint: where to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Offset: first row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// Offset: page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Offset: all rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `{"members": [...]}` for adding and removing members.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MembersBody {
    /// User ids.
    pub members: Vec<String>,
}

/// `{"roles": [...]}` for granting and taking member roles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// Role ids.
    pub roles: Vec<String>,
}

/// Who sent an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inviter {
    /// Shown in the email.
    pub name: String,
}

/// Who is invited.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Invitee {
    /// Their address.
    pub email: String,
}

/// An invitation as Auth0 answers it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Invitation {
    /// `uinv_…`.
    pub id: String,
    /// The application the invitation signs in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Who sent it.
    pub inviter: Inviter,
    /// Who is invited.
    pub invitee: Invitee,
    /// The link to accept it.
    #[serde(default)]
    pub invitation_url: String,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub expires_at: String,
    /// The org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The connection to sign up with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Role ids given on acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// The ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
}

/// A page of invitations: Auth0 gives no `total` here, whatever is asked.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct InvitationsPage {
    /// The rows.
    pub invitations: Vec<Invitation>,
    /// First row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// Rows returned (not the page size asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Sometimes present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /organizations/{id}/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    /// Who sends it.
    pub inviter: Inviter,
    /// Who is invited.
    pub invitee: Invitee,
    /// The application to sign in to.
    pub client_id: String,
    /// The connection to sign up with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Validity in seconds (Auth0: at most 30 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u64>,
    /// Role ids given on acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Whether Auth0 sends the email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_invitation_email: Option<bool>,
}

/// One identity of a user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Identity {
    /// The connection's name.
    pub connection: String,
    /// `auth0`, `google-oauth2`, `samlp`, …
    pub provider: String,
}

/// A user as Auth0 answers them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct User {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether it is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Where they sign in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<Identity>,
    /// Editable by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<serde_json::Map<String, Value>>,
    /// Editable by admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_metadata: Option<serde_json::Map<String, Value>>,
}

/// A page of users from `GET /users`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct UsersPage {
    /// The rows.
    pub users: Vec<User>,
    /// All matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /users` on a database connection.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// The database connection's name.
    pub connection: String,
    /// Their email.
    pub email: String,
    /// Passed on, never kept.
    pub password: String,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the address counts as verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Editable by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<serde_json::Map<String, Value>>,
    /// Editable by admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_metadata: Option<serde_json::Map<String, Value>>,
}

/// `PATCH /users/{id}`: `app_metadata` and `user_metadata` are merged by Auth0.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchUser {
    /// Needed with `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// A new password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Keys to merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<serde_json::Map<String, Value>>,
    /// Keys to merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_metadata: Option<serde_json::Map<String, Value>>,
}

/// An organization a user belongs to (`GET /users/{id}/organizations`).
pub type UserOrgs = Vec<Org>;

/// A connection of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Connection {
    /// `con_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `auth0`, `google-oauth2`, `samlp`, …
    pub strategy: String,
}

/// The connection named inside an enabled connection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ConnectionRef {
    /// Its name.
    pub name: String,
    /// Its strategy.
    pub strategy: String,
}

/// A connection enabled on an organization.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct EnabledConnection {
    /// `con_…`.
    pub connection_id: String,
    /// Whether signing in through it makes the person a member.
    #[serde(default)]
    pub assign_membership_on_login: bool,
    /// Whether the sign-in box shows it as a button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    /// Whether people may sign up through it (database connections only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
    /// Name and strategy.
    pub connection: ConnectionRef,
}

/// A page of enabled connections.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct EnabledConnectionsPage {
    /// The rows.
    pub enabled_connections: Vec<EnabledConnection>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /organizations/{id}/enabled_connections`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AddEnabledConnection {
    /// `con_…`.
    pub connection_id: String,
    /// Membership on sign-in.
    pub assign_membership_on_login: bool,
    /// Button in the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    /// Sign-up through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
}

/// `PATCH /organizations/{id}/enabled_connections/{connection_id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchEnabledConnection {
    /// Membership on sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_membership_on_login: Option<bool>,
    /// Button in the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    /// Sign-up through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
}

/// The custom error page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorPage {
    /// Liquid HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Whether the log link is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_log_link: Option<bool>,
    /// A page to redirect to instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The tenant settings orgdesk shows (Auth0 has many more; they are left alone).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct TenantSettings {
    /// The tenant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// Its logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_url: Option<String>,
    /// Support address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// Support page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// The custom error page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_page: Option<ErrorPage>,
    /// Feature flags (read-only here).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, bool>,
}

/// `PATCH /tenants/settings` with only what orgdesk edits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchTenantSettings {
    /// The tenant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// Its logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_url: Option<String>,
    /// Support address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// Support page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// The custom error page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_page: Option<ErrorPage>,
    /// Flags to set (Auth0 keeps the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<std::collections::BTreeMap<String, bool>>,
}

/// Seconds since 1970 for an RFC 3339 time such as Auth0's `2023-01-25T17:49:36.176Z`.
#[must_use]
pub fn unix_seconds(iso: &str) -> Option<i64> {
    time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_become_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(
            unix_seconds("2023-01-25T17:49:36.176Z"),
            Some(1_674_668_976)
        );
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(unix_seconds("2023-13-01T00:00:00Z"), None);
    }
}

/// A permission an API defines, in Auth0's terms (a scope).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Scope {
    /// `invoke:gpt-4o`.
    pub value: String,
    /// What it allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An API as Auth0 sends it (a resource server). Every field but the id may be left out when
/// `fields` asks for fewer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ResourceServer {
    /// Auth0's id for it.
    pub id: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The audience tokens are asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Its permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
    /// `RS256`, `HS256`, `PS256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_alg: Option<String>,
    /// Access-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,
    /// RBAC on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_policies: Option<bool>,
    /// `access_token`, `access_token_authz` (with the permissions), `rfc9068_profile`,
    /// `rfc9068_profile_authz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_dialect: Option<String>,
    /// Auth0's own API (the Management API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_system: Option<bool>,
}

/// A page of APIs (offset paging).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ResourceServersPage {
    /// The rows.
    pub resource_servers: Vec<ResourceServer>,
    /// First row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /resource-servers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateResourceServer {
    /// Its name.
    pub name: String,
    /// Its identifier.
    pub identifier: String,
    /// Its permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<Scope>,
    /// How tokens are signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_alg: Option<String>,
    /// Access-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,
    /// RBAC on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_policies: Option<bool>,
    /// Which token dialect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_dialect: Option<String>,
}

/// `PATCH /resource-servers/{id}`: only what changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatchResourceServer {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New lifetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,
    /// The whole new list of permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<Scope>>,
}

/// An application (client) as orgdesk reads it. The secret is present only in the answers to
/// creating one and rotating its secret.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Client {
    /// Its client id.
    pub client_id: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its secret, when Auth0 just made one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A page of applications (offset paging).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ClientsPage {
    /// The rows.
    pub clients: Vec<Client>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /clients`: a machine-to-machine application.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// Its name.
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `non_interactive` for machine-to-machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
    /// `["client_credentials"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<Vec<String>>,
    /// How it proves itself at the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<String>,
    /// Whether its logins may name an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_usage: Option<String>,
}

/// A client grant: an application's right to tokens for an API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ClientGrant {
    /// `cgr_…`.
    pub id: String,
    /// The application.
    pub client_id: String,
    /// The API's identifier.
    pub audience: String,
    /// The permissions.
    #[serde(default)]
    pub scope: Vec<String>,
    /// `deny`, `allow` or `require`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_usage: Option<String>,
    /// Whether any organization may be named, associated or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_any_organization: Option<bool>,
}

/// A page of client grants (offset paging).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ClientGrantsPage {
    /// The rows.
    pub client_grants: Vec<ClientGrant>,
    /// All rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// `POST /client-grants`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateClientGrant {
    /// The application.
    pub client_id: String,
    /// The API's identifier.
    pub audience: String,
    /// The permissions.
    pub scope: Vec<String>,
    /// `require`: tokens must name an organization the grant is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_usage: Option<String>,
    /// `false`: only associated organizations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_any_organization: Option<bool>,
}

/// `POST /organizations/{id}/client-grants`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssociateGrant {
    /// `cgr_…`.
    pub grant_id: String,
}

/// Auth0's answer to an association.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AssociatedGrant {
    /// `cgr_…`.
    pub grant_id: String,
    /// The application.
    pub client_id: String,
    /// The API's identifier.
    pub audience: String,
    /// The permissions.
    #[serde(default)]
    pub scope: Vec<String>,
}

/// An organization's discovery domain.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DiscoveryDomain {
    /// `ord_…`.
    pub id: String,
    /// The domain name.
    pub domain: String,
    /// `pending` or `verified`.
    pub status: String,
    /// The TXT record's name.
    pub verification_host: String,
    /// The TXT record's value.
    pub verification_txt: String,
    /// Whether sign-in discovers the organization by it (absent in some answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_for_organization_discovery: Option<bool>,
}

/// A checkpoint page of discovery domains.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DiscoveryDomainsPage {
    /// The rows.
    pub domains: Vec<DiscoveryDomain>,
    /// Where to continue; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `POST /organizations/{id}/discovery-domains`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CreateDiscoveryDomain {
    /// The domain name.
    pub domain: String,
}

/// `PATCH /organizations/{id}/discovery-domains/{domain_id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PatchDiscoveryDomain {
    /// `pending` or `verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Discovery on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_for_organization_discovery: Option<bool>,
}

/// `POST /self-service-profiles`: what orgdesk sets; other fields are kept as they come.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CreateSelfServiceProfile {
    /// The profile's name.
    pub name: String,
    /// The kinds of provider the IT admin may connect.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_strategies: Vec<String>,
    /// Fields orgdesk does not set (description, branding, user attributes).
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// A self-service profile.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SelfServiceProfile {
    /// `ssp_…`.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
}

/// The connection a self-service ticket creates.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SsoConnectionConfig {
    /// The connection's name.
    pub name: String,
    /// Options orgdesk sets (`domain_aliases`) and others kept as they come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<serde_json::Map<String, Value>>,
    /// Fields orgdesk does not set.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// An organization the ticket's connection is enabled for.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SsoEnabledOrganization {
    /// `org_…`.
    pub organization_id: String,
    /// Whether people signing in through it join the organization.
    pub assign_membership_on_login: bool,
    /// Whether it shows as a button on the organization's sign-in page.
    pub show_as_button: bool,
}

/// `POST /self-service-profiles/{id}/sso-ticket`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CreateSsoTicket {
    /// The connection to create.
    pub connection_config: SsoConnectionConfig,
    /// The organizations to enable it for.
    pub enabled_organizations: Vec<SsoEnabledOrganization>,
    /// `{"domain_verification": "none"}`: orgdesk has verified the domains itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_aliases_config: Option<Value>,
    /// How long the ticket works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// Fields orgdesk does not set (enabled clients, provisioning).
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// The ticket: the address the IT admin opens.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SsoTicketAnswer {
    /// The address.
    pub ticket: String,
}
