//! Names for the resources of generated code, shared by the Pulumi and Terraform writers, and
//! string literals that Python, HCL and YAML all read back as the same text.

use std::collections::{BTreeMap, BTreeSet};

use orgdesk_model::snapshot::Snapshot;
use orgdesk_model::tenant::TenantSettings;
use orgdesk_model::Branding;

/// The identifier of every organization, role, user, API and connection of a snapshot: lower-case
/// ASCII letters, digits and `_`, unique within the file, stable for the same snapshot.
pub struct Idents {
    orgs: BTreeMap<String, String>,
    roles: BTreeMap<String, String>,
    users: BTreeMap<String, String>,
    apis: BTreeMap<String, String>,
    connections: BTreeMap<String, String>,
}

impl Idents {
    /// Names everything in the snapshot, in the order it is written.
    pub fn new(snapshot: &Snapshot) -> Self {
        let mut taken =
            BTreeSet::from(["tenant".to_owned(), "config".to_owned(), "json".to_owned()]);
        let mut give = |text: &str, prefix: &str, suffix: &str| {
            let base = format!("{prefix}{}{suffix}", slug(text));
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        };
        let connections = snapshot
            .connection_names()
            .into_iter()
            .map(|c| (c.to_owned(), give(c, "", "_connection")))
            .collect();
        let apis = snapshot
            .apis
            .iter()
            .map(|a| (a.identifier.clone(), give(&a.name, "api_", "")))
            .collect();
        let roles = snapshot
            .roles
            .iter()
            .map(|r| (r.name.clone(), give(&r.name, "role_", "")))
            .collect();
        let orgs = snapshot
            .organizations
            .iter()
            .map(|o| (o.id.as_str().to_owned(), give(o.name.as_str(), "", "")))
            .collect();
        let users = snapshot
            .users
            .iter()
            .map(|u| (u.user_id.clone(), give(&u.email, "", "")))
            .collect();
        Self {
            orgs,
            roles,
            users,
            apis,
            connections,
        }
    }

    /// An organization's, by id.
    pub fn org(&self, id: &str) -> Option<&str> {
        self.orgs.get(id).map(String::as_str)
    }

    /// A role's, by name.
    pub fn role(&self, name: &str) -> Option<&str> {
        self.roles.get(name).map(String::as_str)
    }

    /// A user's, by id.
    pub fn user(&self, user_id: &str) -> Option<&str> {
        self.users.get(user_id).map(String::as_str)
    }

    /// An API's, by identifier.
    pub fn api(&self, identifier: &str) -> Option<&str> {
        self.apis.get(identifier).map(String::as_str)
    }

    /// A connection's lookup, by connection name.
    pub fn connection(&self, name: &str) -> Option<&str> {
        self.connections.get(name).map(String::as_str)
    }
}

/// `AI Organization` → `ai_organization`; never empty, never starting with a digit.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    match out.chars().next() {
        None => "x".into(),
        Some(c) if c.is_ascii_digit() => format!("x_{out}"),
        Some(_) => out.to_owned(),
    }
}

/// A double-quoted string with JSON's escapes, which Python and YAML read back unchanged.
pub fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The same for HCL, where `${` and `%{` would start a template.
pub fn hcl_quoted(text: &str) -> String {
    quoted(text).replace("${", "$${").replace("%{", "%%{")
}

/// The tenant's text settings that are set, in the order every format writes them.
pub fn tenant_texts(tenant: &TenantSettings) -> Vec<(&'static str, &str)> {
    [
        ("friendly_name", &tenant.friendly_name),
        ("picture_url", &tenant.picture_url),
        ("support_email", &tenant.support_email),
        ("support_url", &tenant.support_url),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(key, value)| (key, value.as_str()))
    .collect()
}

/// The tenant flags that code can set (see [`TENANT_FLAGS`]), by name.
pub fn known_flags(tenant: &TenantSettings) -> Vec<(&str, bool)> {
    tenant
        .flags
        .iter()
        .filter(|(k, _)| TENANT_FLAGS.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), *v))
        .collect()
}

/// A branding's colours by name (`primary`, `page_background`), those that are set.
pub fn colors(branding: &Branding) -> BTreeMap<String, String> {
    let mut colors = BTreeMap::new();
    if let Some(c) = branding.colors.as_ref() {
        if let Some(primary) = &c.primary {
            colors.insert("primary".to_owned(), primary.as_str().to_owned());
        }
        if let Some(background) = &c.page_background {
            colors.insert("page_background".to_owned(), background.as_str().to_owned());
        }
    }
    colors
}

/// The tenant flags the auth0 provider and `pulumi_auth0` know (terraform-provider-auth0's
/// `auth0_tenant.flags`, without the deprecated `require_pushed_authorization_requests`).
/// Auth0 answers with more; a flag outside this list cannot be written in code.
pub const TENANT_FLAGS: &[&str] = &[
    "allow_legacy_delegation_grant_types",
    "allow_legacy_ro_grant_types",
    "allow_legacy_tokeninfo_endpoint",
    "dashboard_insights_view",
    "dashboard_log_streams_next",
    "disable_clickjack_protection_headers",
    "disable_fields_map_fix",
    "disable_management_api_sms_obfuscation",
    "enable_adfs_waad_email_verification",
    "enable_apis_section",
    "enable_client_connections",
    "enable_custom_domain_in_emails",
    "enable_dynamic_client_registration",
    "enable_idtoken_api2",
    "enable_legacy_logs_search_v2",
    "enable_legacy_profile",
    "enable_pipeline2",
    "enable_public_signup_user_exists_error",
    "enable_sso",
    "mfa_show_factor_list_on_enrollment",
    "no_disclose_enterprise_connections",
    "remove_alg_from_jwks",
    "revoke_refresh_token_grant",
    "use_scope_descriptions_for_consent",
];

/// The import id of the tenant, which Auth0 does not give one: any fixed UUID serves.
pub const TENANT_IMPORT_ID: &str = "6f1c2b0e-4d5a-4e8b-9c3f-0a7d2e5b8c41";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_identifiers() {
        assert_eq!(slug("AI Organization"), "ai_organization");
        assert_eq!(slug("user@example.com"), "user_example_com");
        assert_eq!(slug("3m-corp"), "x_3m_corp");
        assert_eq!(slug("…"), "x");
    }

    #[test]
    fn hcl_strings_keep_a_dollar_brace_literal() {
        assert_eq!(hcl_quoted("a ${b} \"c\""), r#""a $${b} \"c\"""#);
    }
}
