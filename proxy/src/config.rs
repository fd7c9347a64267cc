//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use orgdesk_model::schema::{MetadataField, MetadataSchema};
use serde::Deserialize;

/// orgdesk — an admin console for the Auth0 organizations of a multi-tenant AI product.
///
/// The proxy serves the browser app and the JSON API, holds every credential, and talks to the
/// directory: the embedded SQLite store with demo data (`--demo`), or Auth0's Management API.
///
/// Real mode reads the tenant from the [auth0] section of the configuration file (see
/// orgdesk.example.toml) and its secrets only from the environment (ORGDESK_AUTH0_CLIENT_SECRET,
/// ORGDESK_LOGIN_CLIENT_SECRET) or from files; `orgdesk check` tries them against the tenant.
#[derive(Debug, Clone, Parser)]
#[command(name = "orgdesk", version, about, long_about)]
pub struct Cli {
    /// Run on the embedded store, seeded with demo data on first start, with a persona sign-in
    /// page instead of Auth0.
    #[arg(long, env = "ORGDESK_DEMO")]
    pub demo: bool,

    /// Address to listen on. Port 0 picks a free port; the chosen address is printed.
    #[arg(long, env = "ORGDESK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder for the database (sessions, audit log and, in demo mode, the directory itself).
    /// Created when missing.
    #[arg(long, env = "ORGDESK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// PostgreSQL for orgdesk's own state instead of SQLite under --data-dir:
    /// `postgres://user@host/db` — sessions, sign-ins, the audit log, shared limits and, with
    /// --demo, the embedded directory. Never logged (it may hold a password).
    #[arg(long, env = "ORGDESK_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder with the built browser app (`trunk build` output).
    #[arg(long, env = "ORGDESK_ASSETS", default_value = "dist")]
    pub assets: PathBuf,

    /// The address people use to reach orgdesk. With `https://`, cookies are `Secure` and take
    /// the `__Host-` prefix. Defaults to `http://` and the listen address.
    #[arg(long, env = "ORGDESK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Configuration file (TOML): the metadata schema and the claims namespace. Without it,
    /// `orgdesk.toml` in the working folder is read when present; otherwise the built-in schema
    /// (tenant id, AI models, data region, token quota, default model) applies.
    #[arg(long, env = "ORGDESK_CONFIG")]
    pub config: Option<PathBuf>,

    /// How to write the log: `text`, or `json` (one object a line: every request with its id,
    /// route, status and latency; never a token, cookie or secret).
    #[arg(long, env = "ORGDESK_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Serve Prometheus metrics at http://ADDR/metrics, an address apart from --listen (keep it
    /// private: it is never served on the public address).
    #[arg(long, env = "ORGDESK_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Commands other than serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Checks the real-mode configuration against the Auth0 tenant: that a token can be had
    /// with the machine-to-machine credentials, that every Management API scope orgdesk needs
    /// is granted (missing ones are named), and that organizations can be read.
    Check,
}

impl Cli {
    /// Whether people reach orgdesk over https, which decides the cookie flavour.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.to_ascii_lowercase().starts_with("https://"))
    }
}

/// The claims namespace when the configuration names none.
pub const DEFAULT_CLAIMS_NAMESPACE: &str = "https://ai.example.com/";

/// The roles an org admin may grant unless the configuration says otherwise: everything but
/// `org-admin` itself, so that admins cannot multiply.
pub const DEFAULT_GRANTABLE_ROLES: &[&str] = &["data-scientist", "ml-engineer", "viewer"];

/// What `orgdesk.toml` may say.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Prefix of the custom claims the AI application reads (Auth0 requires a namespace).
    #[serde(default)]
    pub claims_namespace: Option<String>,
    /// The metadata schema, one `[[metadata]]` table per key.
    #[serde(default)]
    pub metadata: Option<Vec<MetadataField>>,
    /// The Auth0 tenant and the AI application's client, for real mode.
    #[serde(default)]
    pub auth0: Option<Auth0App>,
    /// Role names org admins may grant (platform admins grant any).
    #[serde(default)]
    pub org_admin_grantable_roles: Option<Vec<String>>,
    /// Requests per minute for sign-in and mutations.
    #[serde(default)]
    pub limits: Option<crate::limits::Limits>,
    /// Load balancers and reverse proxies (addresses or CIDR ranges) whose `Forwarded` and
    /// `X-Forwarded-For`/`-Proto` headers are believed. Nobody else's are.
    #[serde(default)]
    pub trusted_proxies: Option<Vec<String>>,
    /// Timeouts and the shutdown deadline.
    #[serde(default)]
    pub server: Option<crate::server::ServerConfig>,
    /// How long the audit log is kept.
    #[serde(default)]
    pub audit: Option<AuditConfig>,
    /// The DNS resolver that checks organizations' domains.
    #[serde(default)]
    pub dns: Option<crate::dns::DnsConfig>,
    /// The Auth0 self-service profile single sign-on set-up links use (real mode).
    #[serde(default)]
    pub self_service: Option<SelfServiceConfig>,
}

/// The `[self_service]` section.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SelfServiceConfig {
    /// The profile's id (`ssp_…`). Without it orgdesk creates one, named "orgdesk", on the
    /// first link it makes, and uses it from then on.
    #[serde(default)]
    pub profile_id: Option<String>,
    /// The kinds of provider a created profile allows (`samlp`, `oidc`, `okta`, `waad`).
    #[serde(default)]
    pub allowed_strategies: Option<Vec<String>>,
}

/// The `[audit]` section.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Rows older than this many days are deleted (daily, and at start); the purge is itself
    /// audited. Without it every row is kept.
    #[serde(default)]
    pub retention_days: Option<u32>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line, for a log pipeline.
    Json,
}

/// The Auth0 tenant and the AI application that its members sign in to.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Auth0App {
    /// The tenant's domain (`example.eu.auth0.com` or a custom domain).
    pub domain: String,
    /// The AI application's client id (public; never a secret).
    pub app_client_id: String,
    /// Where the AI application receives sign-ins.
    pub app_redirect_uri: String,
    /// The machine-to-machine application orgdesk calls the Management API as (real mode).
    /// `ORGDESK_AUTH0_CLIENT_ID` overrides it.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A file holding that application's secret. `ORGDESK_AUTH0_CLIENT_SECRET` is read first;
    /// the secret is never written to the configuration file or the log.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// The Management API's identifier; `https://{domain}/api/v2/` unless set.
    #[serde(default)]
    pub audience: Option<String>,
    /// Where the Management API and the token endpoint are reached; `https://{domain}` unless
    /// set. Plain `http://` is accepted only for a stand-in on 127.0.0.1 or localhost.
    #[serde(default)]
    pub management_url: Option<String>,
    /// orgdesk's own application (Regular Web Application) that admins sign in to orgdesk with.
    /// Its secret comes from `ORGDESK_LOGIN_CLIENT_SECRET` or `login_client_secret_file`.
    #[serde(default)]
    pub login_client_id: Option<String>,
    /// A file holding the sign-in application's secret.
    #[serde(default)]
    pub login_client_secret_file: Option<PathBuf>,
    /// The issuer of ID tokens; `https://{domain}/` unless set (plain `http://` only on
    /// loopback, for a stand-in provider).
    #[serde(default)]
    pub issuer: Option<String>,
    /// The tenant role whose holders are platform admins.
    #[serde(default)]
    pub platform_admin_role: Option<String>,
    /// The organization role whose holders are that organization's admins.
    #[serde(default)]
    pub org_admin_role: Option<String>,
}

/// The platform-admin role unless the configuration names another.
pub const DEFAULT_PLATFORM_ADMIN_ROLE: &str = "orgdesk-platform-admin";
/// The org-admin role unless the configuration names another.
pub const DEFAULT_ORG_ADMIN_ROLE: &str = "org-admin";

/// A secret from the environment variable `var`, else from the file `setting` names.
fn secret(
    env: &dyn Fn(&str) -> Option<String>,
    var: &str,
    file: Option<&Path>,
    setting: &str,
    what: &str,
) -> Result<String, RealModeError> {
    let secret = match (env(var), file) {
        (Some(secret), _) => secret,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|err| {
                RealModeError(format!("cannot read {setting} {}: {err}", path.display()))
            })?
            .trim()
            .to_owned(),
        (None, None) => String::new(),
    };
    if secret.is_empty() {
        return Err(RealModeError(format!(
            "{what} is missing: set {var} or {setting}"
        )));
    }
    Ok(secret)
}

fn https_or_loopback(url: &str, setting: &str) -> Result<String, RealModeError> {
    let url = url.trim();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|prefix| {
            url.strip_prefix(prefix).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(':') || rest.starts_with('/')
            })
        });
    if url.starts_with("https://") || loopback {
        Ok(url.to_owned())
    } else {
        Err(RealModeError(format!(
            "{setting} must be https:// (plain http only on loopback), not “{url}”"
        )))
    }
}

/// The Management API scopes orgdesk's machine-to-machine application needs.
pub const REQUIRED_SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
    "read:users",
    "create:users",
    "update:users",
    "read:roles",
    "create:roles",
    "update:roles",
    "delete:roles",
    "read:connections",
    "read:tenant_settings",
    "update:tenant_settings",
    "read:resource_servers",
    "create:resource_servers",
    "update:resource_servers",
    "delete:resource_servers",
    "read:clients",
    "create:clients",
    "delete:clients",
    "update:client_keys",
    "read:client_grants",
    "create:client_grants",
    "read:organization_client_grants",
    "create:organization_client_grants",
    "delete:organization_client_grants",
    "read:organization_discovery_domains",
    "create:organization_discovery_domains",
    "update:organization_discovery_domains",
    "delete:organization_discovery_domains",
    "create:self_service_profiles",
    "create:sso_access_tickets",
];

/// What real mode needs to reach the tenant, read from the file and the environment.
#[derive(Debug, Clone)]
pub struct RealMode {
    /// The tenant and the AI application.
    pub app: Auth0App,
    /// How the client reaches the Management API.
    pub client: crate::directory::auth0::ClientConfig,
}

/// Why real mode cannot start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RealModeError(pub String);

impl FileConfig {
    /// The Auth0 settings for real mode, with the secret from the environment or its file.
    ///
    /// # Errors
    /// A message naming what is missing or wrong.
    pub fn real_mode(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RealMode, RealModeError> {
        let mut app = self.auth0.clone().ok_or_else(|| {
            RealModeError(
                "real mode needs an [auth0] section in orgdesk.toml (domain, client_id, app_client_id, app_redirect_uri) and the client secret in ORGDESK_AUTH0_CLIENT_SECRET; start with --demo to use the embedded store instead".into(),
            )
        })?;
        if let Some(domain) = env("ORGDESK_AUTH0_DOMAIN") {
            app.domain = domain;
        }
        if let Some(client_id) = env("ORGDESK_AUTH0_CLIENT_ID") {
            app.client_id = Some(client_id);
        }
        let domain = app.domain.trim().trim_end_matches('/').to_owned();
        if domain.is_empty() || domain.contains("://") || domain.contains('/') {
            return Err(RealModeError(format!(
                "auth0.domain must be a host name such as your-tenant.eu.auth0.com, not “{domain}”"
            )));
        }
        let client_id = app.client_id.clone().filter(|c| !c.trim().is_empty()).ok_or_else(|| {
            RealModeError("auth0.client_id (or ORGDESK_AUTH0_CLIENT_ID) names no machine-to-machine application".into())
        })?;
        let secret = secret(
            env,
            "ORGDESK_AUTH0_CLIENT_SECRET",
            app.client_secret_file.as_deref(),
            "auth0.client_secret_file",
            "the machine-to-machine client secret",
        )?;
        let mut client = crate::directory::auth0::ClientConfig::for_domain(
            &domain,
            &client_id,
            crate::directory::auth0::Secret::new(secret),
        );
        if let Some(audience) = &app.audience {
            client.audience.clone_from(audience);
        }
        if let Some(url) = &app.management_url {
            client.base_url = https_or_loopback(url.trim_end_matches('/'), "auth0.management_url")?;
        }
        Ok(RealMode { app, client })
    }

    /// orgdesk's own sign-in with Auth0, for people reaching it at `public_url`.
    ///
    /// # Errors
    /// A message naming what is missing or wrong.
    pub fn sign_in(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        public_url: &str,
    ) -> Result<crate::session::oidc::SignInConfig, RealModeError> {
        let app = self.auth0.clone().unwrap_or_default();
        let domain = env("ORGDESK_AUTH0_DOMAIN").unwrap_or_else(|| app.domain.clone());
        let client_id = env("ORGDESK_LOGIN_CLIENT_ID")
            .or(app.login_client_id.clone())
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                RealModeError(
                    "auth0.login_client_id (or ORGDESK_LOGIN_CLIENT_ID) names no application for signing in to orgdesk".into(),
                )
            })?;
        let secret = secret(
            env,
            "ORGDESK_LOGIN_CLIENT_SECRET",
            app.login_client_secret_file.as_deref(),
            "auth0.login_client_secret_file",
            "the sign-in application's secret",
        )?;
        let issuer = match &app.issuer {
            Some(issuer) => https_or_loopback(issuer, "auth0.issuer")?,
            None => format!("https://{}/", domain.trim().trim_end_matches('/')),
        };
        let public_url = public_url.trim_end_matches('/');
        Ok(crate::session::oidc::SignInConfig {
            issuer,
            client_id,
            client_secret: crate::directory::auth0::Secret::new(secret),
            redirect_uri: format!("{public_url}/auth/callback"),
            logout_return_to: format!("{public_url}/auth/login"),
            platform_admin_role: app
                .platform_admin_role
                .unwrap_or_else(|| DEFAULT_PLATFORM_ADMIN_ROLE.to_owned()),
            org_admin_role: app
                .org_admin_role
                .unwrap_or_else(|| DEFAULT_ORG_ADMIN_ROLE.to_owned()),
        })
    }
}

impl Auth0App {
    /// The `/authorize` address of the AI application's sign-in, without the organization,
    /// which the branding studio appends.
    #[must_use]
    pub fn authorize_base(&self) -> String {
        let encode = |text: &str| -> String {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        char::from(b).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect()
        };
        format!(
            "https://{}/authorize?client_id={}&response_type=code&scope=openid%20profile%20email&redirect_uri={}",
            self.domain.trim_end_matches('/'),
            encode(&self.app_client_id),
            encode(&self.app_redirect_uri)
        )
    }
}

/// Why the configuration file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// It cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// It is not valid TOML or has unknown settings.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A setting (from the file or the command line) that cannot be used.
    #[error("{0}")]
    Setting(String),
}

impl FileConfig {
    /// Reads `path`, or `orgdesk.toml` in the working folder when no path is given and it exists.
    ///
    /// # Errors
    /// When a named file cannot be read, or a file is invalid.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let default = Path::new("orgdesk.toml");
        let path = match path {
            Some(path) => path,
            None if default.exists() => default,
            None => return Ok(Self::default()),
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the text of a configuration file.
    ///
    /// # Errors
    /// The problem, in words.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|err| err.to_string())?;
        if let Some(entries) = &config.trusted_proxies {
            crate::server::parse_trusted(entries)?;
        }
        if config.audit.and_then(|a| a.retention_days) == Some(0) {
            return Err(
                "audit.retention_days must be at least 1 (leave it out to keep every row)".into(),
            );
        }
        if let Some(fields) = &config.metadata {
            let mut keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            keys.sort_unstable();
            if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
                return Err(format!("metadata key “{}” is declared twice", pair[0]));
            }
            if fields.len() > orgdesk_model::METADATA_MAX_KEYS {
                return Err(format!(
                    "{} metadata keys are declared; Auth0 allows {}",
                    fields.len(),
                    orgdesk_model::METADATA_MAX_KEYS
                ));
            }
        }
        Ok(config)
    }

    /// The schema in force.
    #[must_use]
    pub fn schema(&self) -> MetadataSchema {
        self.metadata
            .clone()
            .map_or_else(MetadataSchema::default, |fields| MetadataSchema { fields })
    }

    /// The roles org admins may grant, by name.
    #[must_use]
    pub fn grantable_roles(&self) -> Vec<String> {
        self.org_admin_grantable_roles.clone().unwrap_or_else(|| {
            DEFAULT_GRANTABLE_ROLES
                .iter()
                .map(|r| (*r).to_owned())
                .collect()
        })
    }

    /// The claims namespace in force.
    #[must_use]
    pub fn claims_namespace(&self) -> String {
        self.claims_namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_CLAIMS_NAMESPACE.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgdesk_model::schema::{Editor, FieldKind};

    #[test]
    fn a_schema_is_read_from_toml() {
        let config = FileConfig::parse(
            r#"
claims_namespace = "https://acme.ai/"

[[metadata]]
key = "tier"
label = "Tier"
kind = "one_of"
values = ["free", "pro"]
editable_by = "org_admin"
claim = "tier"
"#,
        )
        .expect("valid config");
        let schema = config.schema();
        assert_eq!(
            schema.fields[0].kind,
            FieldKind::OneOf {
                values: vec!["free".into(), "pro".into()]
            }
        );
        assert_eq!(schema.fields[0].editable_by, Editor::OrgAdmin);
        assert_eq!(config.claims_namespace(), "https://acme.ai/");
    }

    #[test]
    fn unknown_settings_and_duplicate_keys_are_refused() {
        assert!(FileConfig::parse("colour = 1").is_err());
        let twice = "[[metadata]]\nkey = \"a\"\nlabel = \"A\"\nkind = \"text\"\n[[metadata]]\nkey = \"a\"\nlabel = \"A\"\nkind = \"text\"\n";
        assert!(FileConfig::parse(twice)
            .expect_err("duplicate keys")
            .contains("twice"));
    }

    #[test]
    fn the_example_file_documents_exactly_the_built_in_defaults() {
        let example = FileConfig::parse(include_str!("../../orgdesk.example.toml"))
            .expect("the example parses");
        assert_eq!(example.schema(), MetadataSchema::default());
        assert_eq!(example.claims_namespace(), DEFAULT_CLAIMS_NAMESPACE);
    }

    /// The commented-out section `header` of the example file, uncommented.
    fn example_section(header: &str) -> String {
        let example = include_str!("../../orgdesk.example.toml");
        let start = example.find(header).expect("the section is in the example");
        example[start..]
            .lines()
            .take_while(|line| line.starts_with("# "))
            .map(|line| line.trim_start_matches("# "))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_examples_server_audit_and_proxy_settings_parse_and_show_the_defaults() {
        let server = FileConfig::parse(&example_section("# [server]")).expect("valid");
        assert_eq!(server.server, Some(crate::server::ServerConfig::default()));
        let audit = FileConfig::parse(&example_section("# [audit]")).expect("valid");
        assert_eq!(audit.audit.and_then(|a| a.retention_days), Some(400));
        let dns = FileConfig::parse(&example_section("# [dns]")).expect("valid");
        assert_eq!(
            dns.dns.and_then(|d| d.resolver),
            Some(std::net::SocketAddr::from(([127, 0, 0, 1], 53)))
        );
        let proxies = FileConfig::parse(&example_section("# trusted_proxies")).expect("valid");
        assert_eq!(proxies.trusted_proxies.map(|p| p.len()), Some(2));
        let bad = FileConfig::parse("trusted_proxies = [\"10.0.0.0/40\"]").expect_err("refused");
        assert!(bad.contains("10.0.0.0/40"), "{bad}");
        assert!(FileConfig::parse("[audit]\nretention_days = 0").is_err());
    }

    #[test]
    fn the_real_sign_in_link_is_built_from_the_configured_tenant() {
        let config = FileConfig::parse(
            "[auth0]\ndomain = \"acme.eu.auth0.com\"\napp_client_id = \"abc123\"\napp_redirect_uri = \"https://ai.example.com/callback\"\n",
        )
        .expect("valid");
        let base = config.auth0.expect("auth0 section").authorize_base();
        assert_eq!(
            base,
            "https://acme.eu.auth0.com/authorize?client_id=abc123&response_type=code&scope=openid%20profile%20email&redirect_uri=https%3A%2F%2Fai.example.com%2Fcallback"
        );
    }

    #[test]
    fn without_a_file_the_built_in_schema_applies() {
        let config = FileConfig::default();
        assert!(config.schema().field("ai_models").is_some());
        assert_eq!(config.claims_namespace(), DEFAULT_CLAIMS_NAMESPACE);
    }
}
