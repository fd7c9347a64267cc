//! auth0-deploy-cli's `tenant.yaml` read into a snapshot: the tenant's settings, APIs, roles and
//! organizations with their connections. Everything else it may hold (clients, connections'
//! own settings, rules, …) is listed in the plan's notes and left alone.

use std::collections::BTreeMap;

use serde::Deserialize;

use orgdesk_model::apis::ApiPermission;
use orgdesk_model::roles::PermissionRef;
use orgdesk_model::snapshot::{ApiEntry, OrgConnectionEntry, OrgEntry, RoleEntry, Snapshot};
use orgdesk_model::tenant::TenantSettings;
use orgdesk_model::{Branding, DisplayName, Metadata, OrgId, OrgName};

use super::{Parsed, Source};

#[derive(Deserialize, Default)]
struct Document {
    #[serde(default)]
    tenant: Option<Tenant>,
    #[serde(default)]
    pages: Vec<Page>,
    #[serde(default, rename = "resourceServers")]
    resource_servers: Vec<ResourceServer>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    organizations: Vec<Organization>,
    #[serde(flatten)]
    other: BTreeMap<String, serde_norway::Value>,
}

#[derive(Deserialize, Default)]
struct Tenant {
    friendly_name: Option<String>,
    picture_url: Option<String>,
    support_email: Option<String>,
    support_url: Option<String>,
    #[serde(default)]
    flags: BTreeMap<String, bool>,
}

#[derive(Deserialize)]
struct Page {
    name: String,
    url: Option<String>,
    show_log_link: Option<bool>,
}

#[derive(Deserialize)]
struct ResourceServer {
    name: String,
    identifier: String,
    token_lifetime: Option<u32>,
    signing_alg: Option<String>,
    enforce_policies: Option<bool>,
    token_dialect: Option<String>,
    #[serde(default)]
    scopes: Vec<Scope>,
}

#[derive(Deserialize)]
struct Scope {
    value: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct Role {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    permissions: Vec<PermissionRef>,
}

#[derive(Deserialize)]
struct Organization {
    name: OrgName,
    display_name: Option<DisplayName>,
    branding: Option<Branding>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    connections: Vec<Connection>,
}

#[derive(Deserialize)]
struct Connection {
    /// deploy-cli's own export names the connection; its schema also allows `connection_id`
    /// holding a name.
    name: Option<String>,
    connection_id: Option<String>,
    #[serde(default)]
    assign_membership_on_login: bool,
    #[serde(default)]
    show_as_button: bool,
    #[serde(default)]
    is_signup_enabled: bool,
}

/// Reads the YAML; the message says what is wrong.
pub(super) fn parse(text: &str) -> Result<Parsed, String> {
    let doc: Document = serde_norway::from_str(text)
        .map_err(|err| format!("This is neither an orgdesk snapshot nor auth0-deploy-cli YAML orgdesk can read: {err}."))?;
    let mut snapshot = Snapshot::new();
    let mut tenant_fields = Vec::new();
    let whole_tenant = doc.tenant.is_some();
    if let Some(tenant) = doc.tenant {
        if !tenant.flags.is_empty() {
            tenant_fields.push("flags");
        }
        let mut settings = TenantSettings {
            flags: tenant.flags,
            ..TenantSettings::default()
        };
        for (field, value, slot) in [
            (
                "friendly_name",
                tenant.friendly_name,
                &mut settings.friendly_name,
            ),
            ("picture_url", tenant.picture_url, &mut settings.picture_url),
            (
                "support_email",
                tenant.support_email,
                &mut settings.support_email,
            ),
            ("support_url", tenant.support_url, &mut settings.support_url),
        ] {
            if let Some(value) = value {
                *slot = value;
                tenant_fields.push(field);
            }
        }
        if let Some(page) = doc.pages.iter().find(|p| p.name == "error_page") {
            if let Some(url) = &page.url {
                settings.error_page.url.clone_from(url);
                tenant_fields.push("error_page.url");
            }
            if let Some(show) = page.show_log_link {
                settings.error_page.show_log_link = show;
                tenant_fields.push("error_page.show_log_link");
            }
        }
        snapshot.tenant = Some(settings);
    }
    for api in doc.resource_servers {
        snapshot.apis.push(ApiEntry {
            id: String::new(),
            name: api.name,
            identifier: api.identifier,
            token_lifetime: api.token_lifetime.unwrap_or(86_400),
            signing_alg: api.signing_alg.unwrap_or_else(|| "RS256".into()),
            rbac: api.enforce_policies.unwrap_or(false),
            permissions_in_token: api.token_dialect.is_some_and(|d| d.ends_with("_authz")),
            permissions: api
                .scopes
                .into_iter()
                .map(|s| ApiPermission {
                    value: s.value,
                    description: s.description,
                })
                .collect(),
        });
    }
    for role in doc.roles {
        snapshot.roles.push(RoleEntry {
            id: String::new(),
            name: role.name,
            description: role.description,
            permissions: role.permissions,
        });
    }
    for org in doc.organizations {
        let mut connections = Vec::new();
        for c in org.connections {
            let Some(name) = c.name.or(c.connection_id) else {
                return Err(format!(
                    "A connection of organization “{}” has no name.",
                    org.name
                ));
            };
            connections.push(OrgConnectionEntry {
                name,
                assign_membership_on_login: c.assign_membership_on_login,
                show_as_button: c.show_as_button,
                is_signup_enabled: c.is_signup_enabled,
            });
        }
        snapshot.organizations.push(OrgEntry {
            // deploy-cli knows no ids: organizations are matched by name.
            id: OrgId::parse("org_0").map_err(|e| e.message)?,
            name: org.name,
            display_name: org.display_name,
            branding: org.branding,
            metadata: org.metadata,
            connections,
            members: Vec::new(),
        });
    }
    let mut notes = vec![
        "auth0-deploy-cli files have no members or users: orgdesk leaves them as they are."
            .to_owned(),
    ];
    let ignored: Vec<&str> = doc
        .other
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "exclude" | "include"))
        .collect();
    if !ignored.is_empty() {
        notes.push(format!(
            "orgdesk does not manage {}; they are left as they are.",
            ignored.join(", ")
        ));
    }
    if doc.pages.iter().any(|p| p.name == "error_page") {
        notes.push(
            "The error page's HTML is in a file beside the YAML; only its address and log link are read."
                .to_owned(),
        );
    }
    Ok(Parsed {
        snapshot,
        source: Source::DeployCli,
        whole_tenant,
        members: false,
        tenant_fields,
        ids: false,
        notes,
    })
}
