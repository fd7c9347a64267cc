//! A tenant's configuration as one document: what an export writes and an import reads.
//!
//! Everything refers to everything else the way a person would: connections and roles by name,
//! users by id. Ids are kept so that code exports can write `import` blocks and an import into an
//! empty embedded store can restore the same ids.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apis::ApiPermission;
use crate::roles::PermissionRef;
use crate::tenant::TenantSettings;
use crate::{Branding, DisplayName, Metadata, OrgId, OrgName};

/// The value of [`Snapshot::format`]; a file without it is not an orgdesk snapshot.
pub const FORMAT: &str = "orgdesk-snapshot/1";

/// The formats an export is written in: `GET /api/export?format=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// A Pulumi Python program with `import.json`, zipped.
    PulumiPython,
    /// Terraform HCL for the auth0 provider with `import {}` blocks, zipped.
    Terraform,
    /// auth0-deploy-cli's `tenant.yaml`, zipped with the pages it refers to.
    DeployCli,
    /// orgdesk's own snapshot, which an import reads back.
    Json,
}

impl ExportFormat {
    /// Every format, in the order they are offered.
    pub const ALL: [Self; 4] = [
        Self::PulumiPython,
        Self::Terraform,
        Self::DeployCli,
        Self::Json,
    ];

    /// The value of the `format` parameter.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PulumiPython => "pulumi-python",
            Self::Terraform => "terraform",
            Self::DeployCli => "deploy-cli",
            Self::Json => "json",
        }
    }

    /// What people call it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::PulumiPython => "Pulumi (Python)",
            Self::Terraform => "Terraform",
            Self::DeployCli => "auth0-deploy-cli",
            Self::Json => "orgdesk snapshot",
        }
    }

    /// What the download holds.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Self::PulumiPython => {
                "A program using pulumi_auth0, with import.json to adopt what exists."
            }
            Self::Terraform => "HCL for the auth0 provider, with import blocks.",
            Self::DeployCli => "tenant.yaml for a0deploy; users and members are not in it.",
            Self::Json => "JSON that orgdesk can import and compare.",
        }
    }
}

/// What an export covers: the whole tenant, or one organization with what its members need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Tenant settings, APIs, every role, every organization and their members.
    Tenant,
    /// One organization, its members, the roles they hold and its invitations.
    Org(OrgId),
}

/// A tenant's configuration, or one organization's part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`FORMAT`].
    pub format: String,
    /// The tenant's settings; absent from one organization's export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantSettings>,
    /// The connections it names, with their kind (their settings stay in the directory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<ConnectionEntry>,
    /// APIs (never the directory's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<ApiEntry>,
    /// Roles with what they grant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleEntry>,
    /// Organizations with their connections and members.
    #[serde(default)]
    pub organizations: Vec<OrgEntry>,
    /// The members' user records, never with a password.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserEntry>,
    /// Pending invitations; no code tool has a resource for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invitations: Vec<InvitationEntry>,
}

/// A connection the snapshot names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionEntry {
    /// Its name (`Username-Password-Authentication`).
    pub name: String,
    /// Its kind: `auth0` for databases, `samlp`, `google-oauth2`, …
    pub strategy: String,
}

/// An API and the permissions it defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiEntry {
    /// The directory's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The audience tokens are asked for.
    pub identifier: String,
    /// Access token lifetime in seconds.
    pub token_lifetime: u32,
    /// How its tokens are signed (`RS256`).
    pub signing_alg: String,
    /// Whether roles decide what a token may carry.
    #[serde(default)]
    pub rbac: bool,
    /// Whether the granted permissions are written into the access token.
    #[serde(default)]
    pub permissions_in_token: bool,
    /// The permissions it defines.
    #[serde(default)]
    pub permissions: Vec<ApiPermission>,
}

/// A role and the permissions it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleEntry {
    /// The directory's id (`rol_…`).
    pub id: String,
    /// Its name, unique in the tenant.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// What it grants.
    #[serde(default)]
    pub permissions: Vec<PermissionRef>,
}

/// An organization with its enabled connections and members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgEntry {
    /// The directory's id.
    pub id: OrgId,
    /// The name used in URLs and sign-in.
    pub name: OrgName,
    /// The name people see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
    /// Logo and colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    /// Metadata (AI models, data region, quota, …).
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Enabled connections, by connection name.
    #[serde(default)]
    pub connections: Vec<OrgConnectionEntry>,
    /// Members and their roles.
    #[serde(default)]
    pub members: Vec<MemberEntry>,
}

/// A connection enabled on an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConnectionEntry {
    /// The connection's name (`Username-Password-Authentication`).
    pub name: String,
    /// Members signing in through it join the organization.
    #[serde(default)]
    pub assign_membership_on_login: bool,
    /// Shown as a button on the sign-in page.
    #[serde(default)]
    pub show_as_button: bool,
    /// People may sign up through it.
    #[serde(default)]
    pub is_signup_enabled: bool,
}

/// A member of an organization and their roles there, by role name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberEntry {
    /// The user's id; the user is in [`Snapshot::users`].
    pub user_id: String,
    /// Role names.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A user, without a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// The connection they sign in with, by name.
    pub connection: String,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: bool,
    /// Metadata the user may change.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_metadata: BTreeMap<String, String>,
    /// Metadata only the application changes (`organization_id`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub app_metadata: BTreeMap<String, String>,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationEntry {
    /// The organization's name.
    pub organization: String,
    /// Who is invited.
    pub invitee_email: String,
    /// Who invited them.
    pub inviter_name: String,
    /// Role names they get on accepting.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The connection they sign up on, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
}

impl Snapshot {
    /// An empty snapshot of the current format.
    #[must_use]
    pub fn new() -> Self {
        Self {
            format: FORMAT.into(),
            ..Self::default()
        }
    }

    /// The user with this id.
    #[must_use]
    pub fn user(&self, user_id: &str) -> Option<&UserEntry> {
        self.users.iter().find(|u| u.user_id == user_id)
    }

    /// The organization with this id.
    #[must_use]
    pub fn org_by_id(&self, id: &str) -> Option<&OrgEntry> {
        self.organizations.iter().find(|o| o.id.as_str() == id)
    }

    /// The role with this name.
    #[must_use]
    pub fn role_named(&self, name: &str) -> Option<&RoleEntry> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// The names of the connections the organizations enable, sorted, each once.
    #[must_use]
    pub fn connection_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .organizations
            .iter()
            .flat_map(|o| o.connections.iter().map(|c| c.name.as_str()))
            .chain(self.users.iter().map(|u| u.connection.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The invitations as CSV (RFC 4180), for the code formats that have no place for them.
    #[must_use]
    pub fn invitations_csv(&self) -> String {
        let mut out =
            String::from("organization,invitee_email,inviter_name,roles,connection,expires_at\r\n");
        for invitation in &self.invitations {
            let fields = [
                invitation.organization.as_str(),
                invitation.invitee_email.as_str(),
                invitation.inviter_name.as_str(),
                &invitation.roles.join(" "),
                invitation.connection.as_deref().unwrap_or(""),
                &invitation.expires_at.to_string(),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// One CSV field, quoted when it must be. A leading `=`, `+`, `-` or `@` is prefixed with `'`
/// so that a spreadsheet does not run an invitee's name as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(name: &str) -> OrgEntry {
        OrgEntry {
            id: OrgId::parse("org_abc123").expect("an org id"),
            name: OrgName::parse(name).expect("an org name"),
            display_name: None,
            branding: None,
            metadata: Metadata::default(),
            connections: vec![OrgConnectionEntry {
                name: "Username-Password-Authentication".into(),
                assign_membership_on_login: false,
                show_as_button: true,
                is_signup_enabled: false,
            }],
            members: Vec::new(),
        }
    }

    #[test]
    fn a_snapshot_refuses_a_field_it_does_not_know() {
        let text = r#"{"format":"orgdesk-snapshot/1","organizations":[],"passwords":["x"]}"#;
        let err = serde_json::from_str::<Snapshot>(text).expect_err("refused");
        assert!(err.to_string().contains("passwords"), "{err}");
    }

    #[test]
    fn a_snapshot_checks_an_organizations_name_with_the_same_rule_as_the_form() {
        let text = r#"{"format":"orgdesk-snapshot/1","organizations":[{"id":"org_abc123","name":"Not A Slug"}]}"#;
        assert!(serde_json::from_str::<Snapshot>(text).is_err());
    }

    #[test]
    fn connection_names_are_listed_once_in_order() {
        let mut snapshot = Snapshot::new();
        snapshot.organizations = vec![org("b-org"), org("a-org")];
        assert_eq!(
            snapshot.connection_names(),
            ["Username-Password-Authentication"]
        );
    }

    #[test]
    fn invitations_csv_quotes_commas_and_defuses_formulas() {
        let mut snapshot = Snapshot::new();
        snapshot.invitations.push(InvitationEntry {
            organization: "ai-organization".into(),
            invitee_email: "new@example.com".into(),
            inviter_name: "=HYPERLINK(\"x\"), Inc".into(),
            roles: vec!["viewer".into(), "data-scientist".into()],
            connection: None,
            expires_at: 1_700_000_000,
        });
        let csv = snapshot.invitations_csv();
        let row = csv.lines().nth(1).expect("a row");
        assert_eq!(
            row,
            "ai-organization,new@example.com,\"'=HYPERLINK(\"\"x\"\"), Inc\",viewer data-scientist,,1700000000"
        );
    }
}
