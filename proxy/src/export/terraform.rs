//! A snapshot as Terraform HCL for the auth0 provider: the plural resources
//! (`auth0_organization_connections`, `auth0_organization_members`, …), because the provider warns
//! against mixing them with the singular ones, and `import {}` blocks with the provider's ids.

use std::collections::BTreeMap;

use orgdesk_model::snapshot::Snapshot;

use super::names::{colors, hcl_quoted as q, known_flags, tenant_texts, Idents, TENANT_IMPORT_ID};
use super::File;

/// `main.tf` and `invitations.csv`.
pub(super) fn files(snapshot: &Snapshot) -> Vec<File> {
    let ids = Idents::new(snapshot);
    let mut hcl = Hcl::default();
    hcl.header(snapshot, &ids);
    hcl.tenant(snapshot);
    hcl.connections(snapshot, &ids);
    hcl.apis(snapshot, &ids);
    hcl.roles(snapshot, &ids);
    hcl.orgs(snapshot, &ids);
    hcl.users(snapshot, &ids);
    hcl.members(snapshot, &ids);
    let mut text = hcl.out;
    if !hcl.imports.is_empty() {
        text.push_str("\n# Adopt what exists already (Terraform 1.5 or later).\n");
        for (to, id) in &hcl.imports {
            text.push_str(&format!("\nimport {{\n  to = {to}\n  id = {}\n}}\n", q(id)));
        }
    }
    vec![
        File {
            name: "main.tf",
            text,
        },
        File {
            name: "invitations.csv",
            text: snapshot.invitations_csv(),
        },
    ]
}

#[derive(Default)]
struct Hcl {
    out: String,
    imports: Vec<(String, String)>,
}

fn object(map: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{} = {}", q(k), q(v)))
        .collect();
    format!("{{ {} }}", pairs.join(", "))
}

impl Hcl {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn header(&mut self, snapshot: &Snapshot, ids: &Idents) {
        self.line(
            "# Exported by orgdesk. Invitations have no Terraform resource: they are listed in",
        );
        self.line(
            "# invitations.csv beside this file. Passwords are never exported: each user's initial",
        );
        self.line(
            "# password is a sensitive variable, needed only when Terraform creates the user.",
        );
        self.line("");
        self.line("terraform {");
        self.line("  required_providers {");
        self.line("    auth0 = {");
        self.line("      source  = \"auth0/auth0\"");
        self.line("      version = \">= 1.0.0\"");
        self.line("    }");
        self.line("  }");
        self.line("}");
        for user in &snapshot.users {
            let var = ids.user(&user.user_id).unwrap_or_default();
            self.line("");
            self.line(&format!("variable \"{var}_password\" {{"));
            self.line(&format!(
                "  description = {}",
                q(&format!("Initial password of {}", user.email))
            ));
            self.line("  type        = string");
            self.line("  sensitive   = true");
            self.line("}");
        }
    }

    fn tenant(&mut self, snapshot: &Snapshot) {
        let Some(tenant) = &snapshot.tenant else {
            return;
        };
        self.line("");
        self.line("resource \"auth0_tenant\" \"tenant\" {");
        for (key, value) in tenant_texts(tenant) {
            self.line(&format!("  {key} = {}", q(value)));
        }
        let page = &tenant.error_page;
        self.line("");
        self.line("  error_page {");
        self.line(&format!("    html          = {}", q(&page.html)));
        self.line(&format!("    show_log_link = {}", page.show_log_link));
        self.line(&format!("    url           = {}", q(&page.url)));
        self.line("  }");
        let flags = known_flags(tenant);
        if !flags.is_empty() {
            self.line("");
            self.line("  flags {");
            for (key, value) in flags {
                self.line(&format!("    {key} = {value}"));
            }
            self.line("  }");
        }
        self.line("}");
        self.imports
            .push(("auth0_tenant.tenant".into(), TENANT_IMPORT_ID.into()));
    }

    fn connections(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for name in snapshot.connection_names() {
            let var = ids.connection(name).unwrap_or_default();
            self.line("");
            self.line(&format!("data \"auth0_connection\" \"{var}\" {{"));
            self.line(&format!("  name = {}", q(name)));
            self.line("}");
        }
    }

    fn apis(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for api in &snapshot.apis {
            let var = ids.api(&api.identifier).unwrap_or_default();
            let dialect = if api.permissions_in_token {
                "access_token_authz"
            } else {
                "access_token"
            };
            self.line("");
            self.line(&format!("resource \"auth0_resource_server\" \"{var}\" {{"));
            self.line(&format!("  name             = {}", q(&api.name)));
            self.line(&format!("  identifier       = {}", q(&api.identifier)));
            self.line(&format!("  signing_alg      = {}", q(&api.signing_alg)));
            self.line(&format!("  token_lifetime   = {}", api.token_lifetime));
            self.line(&format!("  enforce_policies = {}", api.rbac));
            self.line(&format!("  token_dialect    = {}", q(dialect)));
            self.line("}");
            self.imports
                .push((format!("auth0_resource_server.{var}"), api.id.clone()));
            if api.permissions.is_empty() {
                continue;
            }
            self.line("");
            self.line(&format!(
                "resource \"auth0_resource_server_scopes\" \"{var}\" {{"
            ));
            self.line(&format!(
                "  resource_server_identifier = auth0_resource_server.{var}.identifier"
            ));
            for permission in &api.permissions {
                self.line("");
                self.line("  scopes {");
                self.line(&format!("    name        = {}", q(&permission.value)));
                self.line(&format!("    description = {}", q(&permission.description)));
                self.line("  }");
            }
            self.line("}");
            self.imports.push((
                format!("auth0_resource_server_scopes.{var}"),
                api.identifier.clone(),
            ));
        }
    }

    fn roles(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for role in &snapshot.roles {
            let var = ids.role(&role.name).unwrap_or_default();
            self.line("");
            self.line(&format!("resource \"auth0_role\" \"{var}\" {{"));
            self.line(&format!("  name        = {}", q(&role.name)));
            self.line(&format!("  description = {}", q(&role.description)));
            self.line("}");
            self.imports
                .push((format!("auth0_role.{var}"), role.id.clone()));
            if role.permissions.is_empty() {
                continue;
            }
            self.line("");
            self.line(&format!("resource \"auth0_role_permissions\" \"{var}\" {{"));
            self.line(&format!("  role_id = auth0_role.{var}.id"));
            for permission in &role.permissions {
                let api = ids.api(&permission.resource_server_identifier).map_or_else(
                    || q(&permission.resource_server_identifier),
                    |api| format!("auth0_resource_server.{api}.identifier"),
                );
                self.line("");
                self.line("  permissions {");
                self.line(&format!(
                    "    name                       = {}",
                    q(&permission.permission_name)
                ));
                self.line(&format!("    resource_server_identifier = {api}"));
                self.line("  }");
            }
            self.line("}");
        }
    }

    fn orgs(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for org in &snapshot.organizations {
            let var = ids.org(org.id.as_str()).unwrap_or_default();
            self.line("");
            self.line(&format!("resource \"auth0_organization\" \"{var}\" {{"));
            self.line(&format!("  name         = {}", q(org.name.as_str())));
            if let Some(display_name) = &org.display_name {
                self.line(&format!("  display_name = {}", q(display_name.as_str())));
            }
            if !org.metadata.is_empty() {
                self.line(&format!(
                    "  metadata     = {}",
                    object(org.metadata.entries())
                ));
            }
            if let Some(branding) = &org.branding {
                self.line("");
                self.line("  branding {");
                if let Some(logo) = &branding.logo_url {
                    self.line(&format!("    logo_url = {}", q(logo.as_str())));
                }
                let colors = colors(branding);
                if !colors.is_empty() {
                    self.line(&format!("    colors   = {}", object(&colors)));
                }
                self.line("  }");
            }
            self.line("}");
            self.imports.push((
                format!("auth0_organization.{var}"),
                org.id.as_str().to_owned(),
            ));
            if org.connections.is_empty() {
                continue;
            }
            self.line("");
            self.line(&format!(
                "resource \"auth0_organization_connections\" \"{var}\" {{"
            ));
            self.line(&format!("  organization_id = auth0_organization.{var}.id"));
            for c in &org.connections {
                let connection = ids.connection(&c.name).unwrap_or_default();
                self.line("");
                self.line("  enabled_connections {");
                self.line(&format!(
                    "    connection_id              = data.auth0_connection.{connection}.id"
                ));
                self.line(&format!(
                    "    assign_membership_on_login = {}",
                    c.assign_membership_on_login
                ));
                self.line(&format!(
                    "    show_as_button             = {}",
                    c.show_as_button
                ));
                self.line(&format!(
                    "    is_signup_enabled          = {}",
                    c.is_signup_enabled
                ));
                self.line("  }");
            }
            self.line("}");
            self.imports.push((
                format!("auth0_organization_connections.{var}"),
                org.id.as_str().to_owned(),
            ));
        }
    }

    fn users(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for user in &snapshot.users {
            let var = ids.user(&user.user_id).unwrap_or_default();
            self.line("");
            self.line(&format!("resource \"auth0_user\" \"{var}\" {{"));
            self.line(&format!("  connection_name = {}", q(&user.connection)));
            self.line(&format!("  email           = {}", q(&user.email)));
            self.line(&format!("  name            = {}", q(&user.name)));
            self.line(&format!("  email_verified  = {}", user.email_verified));
            self.line(&format!("  password        = var.{var}_password"));
            if !user.user_metadata.is_empty() {
                self.line(&format!(
                    "  user_metadata   = jsonencode({})",
                    object(&user.user_metadata)
                ));
            }
            if !user.app_metadata.is_empty() {
                let pairs: Vec<String> = user
                    .app_metadata
                    .iter()
                    .map(|(k, v)| match (k.as_str(), ids.org(v)) {
                        ("organization_id", Some(org)) => {
                            format!("{} = auth0_organization.{org}.id", q(k))
                        }
                        _ => format!("{} = {}", q(k), q(v)),
                    })
                    .collect();
                self.line(&format!(
                    "  app_metadata    = jsonencode({{ {} }})",
                    pairs.join(", ")
                ));
            }
            self.line("}");
            self.imports
                .push((format!("auth0_user.{var}"), user.user_id.clone()));
        }
    }

    fn members(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for org in &snapshot.organizations {
            let members: Vec<(&str, &str, &[String])> = org
                .members
                .iter()
                .filter_map(|m| {
                    ids.user(&m.user_id)
                        .map(|u| (u, m.user_id.as_str(), m.roles.as_slice()))
                })
                .collect();
            if members.is_empty() {
                continue;
            }
            let var = ids.org(org.id.as_str()).unwrap_or_default();
            let list: Vec<String> = members
                .iter()
                .map(|(u, _, _)| format!("auth0_user.{u}.id"))
                .collect();
            self.line("");
            self.line(&format!(
                "resource \"auth0_organization_members\" \"{var}\" {{"
            ));
            self.line(&format!("  organization_id = auth0_organization.{var}.id"));
            self.line(&format!("  members         = [{}]", list.join(", ")));
            self.line("}");
            self.imports.push((
                format!("auth0_organization_members.{var}"),
                org.id.as_str().to_owned(),
            ));
            for (member, user_id, roles) in members {
                let roles: Vec<String> = roles
                    .iter()
                    .filter_map(|r| ids.role(r))
                    .map(|r| format!("auth0_role.{r}.id"))
                    .collect();
                if roles.is_empty() {
                    continue;
                }
                let name = format!("{var}_{member}");
                self.line("");
                self.line(&format!(
                    "resource \"auth0_organization_member_roles\" \"{name}\" {{"
                ));
                self.line(&format!("  organization_id = auth0_organization.{var}.id"));
                self.line(&format!("  user_id         = auth0_user.{member}.id"));
                self.line(&format!("  roles           = [{}]", roles.join(", ")));
                self.line(&format!(
                    "  depends_on      = [auth0_organization_members.{var}]"
                ));
                self.line("}");
                self.imports.push((
                    format!("auth0_organization_member_roles.{name}"),
                    format!("{}:{user_id}", org.id.as_str()),
                ));
            }
        }
    }
}
