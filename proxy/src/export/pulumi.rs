//! A snapshot as a Pulumi Python program in the style orgdesk began from: `pulumi_auth0`
//! resources that refer to each other, passwords from config secrets, and `import.json` for
//! `pulumi import -f` to adopt the live tenant.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use orgdesk_model::snapshot::Snapshot;

use super::names::{colors, known_flags, quoted, tenant_texts, Idents, TENANT_IMPORT_ID};
use super::File;

/// `__main__.py`, `Pulumi.yaml`, `requirements.txt`, `import.json` and `invitations.csv`.
pub(super) fn files(snapshot: &Snapshot) -> Vec<File> {
    let ids = Idents::new(snapshot);
    let mut program = Program::default();
    program.header(snapshot, &ids);
    program.tenant(snapshot);
    program.connections(snapshot, &ids);
    program.apis(snapshot, &ids);
    program.roles(snapshot, &ids);
    program.orgs(snapshot, &ids);
    program.users(snapshot, &ids);
    program.members(snapshot, &ids);
    let imports = serde_json::json!({ "resources": program.imports });
    let mut import_json = serde_json::to_string_pretty(&imports).unwrap_or_default();
    import_json.push('\n');
    vec![
        File {
            name: "__main__.py",
            text: program.out,
        },
        File {
            name: "Pulumi.yaml",
            text: "name: auth0-tenant\nruntime:\n  name: python\ndescription: The Auth0 tenant, exported by orgdesk.\n".into(),
        },
        File {
            name: "requirements.txt",
            text: "pulumi>=3.0.0,<4.0.0\npulumi-auth0>=3.0.0,<4.0.0\n".into(),
        },
        File {
            name: "import.json",
            text: import_json,
        },
        File {
            name: "invitations.csv",
            text: snapshot.invitations_csv(),
        },
    ]
}

#[derive(Default)]
struct Program {
    out: String,
    imports: Vec<serde_json::Value>,
}

/// A Python dict literal of text values.
fn dict(map: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", quoted(k), quoted(v)))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

fn py_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

impl Program {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn import(&mut self, kind: &str, name: &str, id: &str) {
        self.imports.push(serde_json::json!({
            "type": format!("auth0:index/{kind}"),
            "name": name,
            "id": id,
        }));
    }

    fn header(&mut self, snapshot: &Snapshot, ids: &Idents) {
        let what = match &snapshot.tenant {
            Some(t) if !t.friendly_name.is_empty() => t.friendly_name.clone(),
            _ => snapshot
                .organizations
                .first()
                .map_or_else(|| "The tenant".into(), |o| o.name.as_str().to_owned()),
        };
        self.line(&format!(
            "\"\"\"{}, exported by orgdesk as a Pulumi program.",
            what.replace('\\', "\\\\").replace('"', "\\\"")
        ));
        self.line("");
        self.line(
            "Passwords are never exported: each user's initial password is a Pulumi config secret,",
        );
        self.line("needed only when Pulumi creates the user:");
        self.line("");
        if let Some(user) = snapshot.users.first().and_then(|u| ids.user(&u.user_id)) {
            self.line(&format!(
                "    pulumi config set --secret {user}_password '...'"
            ));
        }
        self.line("");
        self.line("To adopt the resources that exist already instead of creating them: pulumi import -f import.json");
        self.line("Invitations have no Pulumi resource: they are listed in invitations.csv beside this program.");
        self.line("\"\"\"");
        self.line("");
        self.line("import json");
        self.line("");
        self.line("import pulumi");
        self.line("import pulumi_auth0 as auth0");
        self.line("");
        self.line("config = pulumi.Config()");
    }

    fn tenant(&mut self, snapshot: &Snapshot) {
        let Some(tenant) = &snapshot.tenant else {
            return;
        };
        self.line("");
        self.line("tenant = auth0.Tenant(");
        self.line("    \"tenant\",");
        for (key, value) in tenant_texts(tenant) {
            self.line(&format!("    {key}={},", quoted(value)));
        }
        let page = &tenant.error_page;
        self.line(&format!(
            "    error_page=auth0.TenantErrorPageArgs(html={}, show_log_link={}, url={}),",
            quoted(&page.html),
            py_bool(page.show_log_link),
            quoted(&page.url)
        ));
        let flags: Vec<String> = known_flags(tenant)
            .into_iter()
            .map(|(k, v)| format!("{k}={}", py_bool(v)))
            .collect();
        if !flags.is_empty() {
            self.line(&format!(
                "    flags=auth0.TenantFlagsArgs({}),",
                flags.join(", ")
            ));
        }
        self.line(")");
        self.import("tenant:Tenant", "tenant", TENANT_IMPORT_ID);
    }

    fn connections(&mut self, snapshot: &Snapshot, ids: &Idents) {
        let names = snapshot.connection_names();
        if names.is_empty() {
            return;
        }
        self.line("");
        self.line("# Connections are looked up by name; orgdesk does not manage them.");
        for name in names {
            let var = ids.connection(name).unwrap_or_default();
            self.line(&format!(
                "{var} = auth0.get_connection(name={})",
                quoted(name)
            ));
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
            self.line(&format!("{var} = auth0.ResourceServer("));
            self.line(&format!("    {},", quoted(var)));
            self.line(&format!("    name={},", quoted(&api.name)));
            self.line(&format!("    identifier={},", quoted(&api.identifier)));
            self.line(&format!("    signing_alg={},", quoted(&api.signing_alg)));
            self.line(&format!("    token_lifetime={},", api.token_lifetime));
            self.line(&format!("    enforce_policies={},", py_bool(api.rbac)));
            self.line(&format!("    token_dialect={},", quoted(dialect)));
            self.line(")");
            self.import("resourceServer:ResourceServer", var, &api.id);
            if api.permissions.is_empty() {
                continue;
            }
            let scopes_name = format!("{var}_scopes");
            self.line(&format!("{scopes_name} = auth0.ResourceServerScopes("));
            self.line(&format!("    {},", quoted(&scopes_name)));
            self.line(&format!("    resource_server_identifier={var}.identifier,"));
            self.line("    scopes=[");
            for permission in &api.permissions {
                self.line(&format!(
                    "        auth0.ResourceServerScopesScopeArgs(name={}, description={}),",
                    quoted(&permission.value),
                    quoted(&permission.description)
                ));
            }
            self.line("    ],");
            self.line(")");
            self.import(
                "resourceServerScopes:ResourceServerScopes",
                &scopes_name,
                &api.identifier,
            );
        }
    }

    fn roles(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for role in &snapshot.roles {
            let var = ids.role(&role.name).unwrap_or_default();
            self.line("");
            self.line(&format!("{var} = auth0.Role("));
            self.line(&format!("    {},", quoted(var)));
            self.line(&format!("    name={},", quoted(&role.name)));
            self.line(&format!("    description={},", quoted(&role.description)));
            self.line(")");
            self.import("role:Role", var, &role.id);
            if role.permissions.is_empty() {
                continue;
            }
            self.line("auth0.RolePermissions(");
            self.line(&format!("    {},", quoted(&format!("{var}_permissions"))));
            self.line(&format!("    role_id={var}.id,"));
            self.line("    permissions=[");
            for permission in &role.permissions {
                let api = ids.api(&permission.resource_server_identifier).map_or_else(
                    || quoted(&permission.resource_server_identifier),
                    |api| format!("{api}.identifier"),
                );
                self.line(&format!(
                    "        auth0.RolePermissionsPermissionArgs(name={}, resource_server_identifier={api}),",
                    quoted(&permission.permission_name)
                ));
            }
            self.line("    ],");
            self.line(")");
        }
    }

    fn orgs(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for org in &snapshot.organizations {
            let var = ids.org(org.id.as_str()).unwrap_or_default();
            self.line("");
            self.line(&format!("{var} = auth0.Organization("));
            self.line(&format!("    {},", quoted(var)));
            self.line(&format!("    name={},", quoted(org.name.as_str())));
            if let Some(display_name) = &org.display_name {
                self.line(&format!(
                    "    display_name={},",
                    quoted(display_name.as_str())
                ));
            }
            if let Some(branding) = &org.branding {
                let mut args = Vec::new();
                if let Some(logo) = &branding.logo_url {
                    args.push(format!("logo_url={}", quoted(logo.as_str())));
                }
                let colors = colors(branding);
                if !colors.is_empty() {
                    args.push(format!("colors={}", dict(&colors)));
                }
                self.line(&format!(
                    "    branding=auth0.OrganizationBrandingArgs({}),",
                    args.join(", ")
                ));
            }
            if !org.metadata.is_empty() {
                self.line(&format!("    metadata={},", dict(org.metadata.entries())));
            }
            self.line(")");
            self.import("organization:Organization", var, org.id.as_str());
            if org.connections.is_empty() {
                continue;
            }
            let name = format!("{var}_connections");
            self.line("auth0.OrganizationConnections(");
            self.line(&format!("    {},", quoted(&name)));
            self.line(&format!("    organization_id={var}.id,"));
            self.line("    enabled_connections=[");
            for c in &org.connections {
                let connection = ids.connection(&c.name).unwrap_or_default();
                self.line("        auth0.OrganizationConnectionsEnabledConnectionArgs(");
                self.line(&format!("            connection_id={connection}.id,"));
                self.line(&format!(
                    "            assign_membership_on_login={},",
                    py_bool(c.assign_membership_on_login)
                ));
                self.line(&format!(
                    "            show_as_button={},",
                    py_bool(c.show_as_button)
                ));
                self.line(&format!(
                    "            is_signup_enabled={},",
                    py_bool(c.is_signup_enabled)
                ));
                self.line("        ),");
            }
            self.line("    ],");
            self.line(")");
            self.import(
                "organizationConnections:OrganizationConnections",
                &name,
                org.id.as_str(),
            );
        }
    }

    fn users(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for user in &snapshot.users {
            let var = ids.user(&user.user_id).unwrap_or_default();
            self.line("");
            self.line(&format!("{var} = auth0.User("));
            self.line(&format!("    {},", quoted(var)));
            self.line(&format!(
                "    connection_name={},",
                quoted(&user.connection)
            ));
            self.line(&format!("    email={},", quoted(&user.email)));
            self.line(&format!("    name={},", quoted(&user.name)));
            self.line(&format!(
                "    email_verified={},",
                py_bool(user.email_verified)
            ));
            self.line(&format!(
                "    password=config.require_secret({}),",
                quoted(&format!("{var}_password"))
            ));
            if !user.user_metadata.is_empty() {
                self.line(&format!(
                    "    user_metadata=json.dumps({}),",
                    dict(&user.user_metadata)
                ));
            }
            if !user.app_metadata.is_empty() {
                // An organization the export holds is referred to, so that Pulumi fills in the
                // id it gets, in this tenant or a new one.
                let referred = user
                    .app_metadata
                    .get("organization_id")
                    .and_then(|id| ids.org(id));
                match referred {
                    Some(org) => {
                        let pairs: Vec<String> = user
                            .app_metadata
                            .iter()
                            .map(|(k, v)| {
                                if k == "organization_id" {
                                    format!("{}: {org}.id", quoted(k))
                                } else {
                                    format!("{}: {}", quoted(k), quoted(v))
                                }
                            })
                            .collect();
                        self.line(&format!(
                            "    app_metadata=pulumi.Output.json_dumps({{{}}}),",
                            pairs.join(", ")
                        ));
                    }
                    None => self.line(&format!(
                        "    app_metadata=json.dumps({}),",
                        dict(&user.app_metadata)
                    )),
                }
            }
            self.line(")");
            self.import("user:User", var, &user.user_id);
        }
    }

    fn members(&mut self, snapshot: &Snapshot, ids: &Idents) {
        for org in &snapshot.organizations {
            let members: Vec<(&str, &[String])> = org
                .members
                .iter()
                .filter_map(|m| ids.user(&m.user_id).map(|u| (u, m.roles.as_slice())))
                .collect();
            if members.is_empty() {
                continue;
            }
            let var = ids.org(org.id.as_str()).unwrap_or_default();
            let members_var = format!("{var}_members");
            self.line("");
            self.line(&format!("{members_var} = auth0.OrganizationMembers("));
            self.line(&format!("    {},", quoted(&members_var)));
            self.line(&format!("    organization_id={var}.id,"));
            let list: Vec<String> = members.iter().map(|(u, _)| format!("{u}.id")).collect();
            self.line(&format!("    members=[{}],", list.join(", ")));
            self.line(")");
            self.import(
                "organizationMembers:OrganizationMembers",
                &members_var,
                org.id.as_str(),
            );
            for (member, roles) in members {
                let roles: Vec<String> = roles
                    .iter()
                    .filter_map(|r| ids.role(r))
                    .map(|r| format!("{r}.id"))
                    .collect();
                if roles.is_empty() {
                    continue;
                }
                let name = format!("{var}_{member}_roles");
                let user_id = snapshot
                    .users
                    .iter()
                    .find(|u| ids.user(&u.user_id) == Some(member))
                    .map(|u| u.user_id.as_str())
                    .unwrap_or_default();
                let mut text = String::new();
                let _ = write!(
                    text,
                    "auth0.OrganizationMemberRoles(\n    {},\n    organization_id={var}.id,\n    user_id={member}.id,\n    roles=[{}],\n    opts=pulumi.ResourceOptions(depends_on=[{members_var}]),\n)",
                    quoted(&name),
                    roles.join(", ")
                );
                self.line(&text);
                self.import(
                    "organizationMemberRoles:OrganizationMemberRoles",
                    &name,
                    &format!("{}:{user_id}", org.id.as_str()),
                );
            }
        }
    }
}
