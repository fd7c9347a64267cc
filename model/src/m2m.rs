//! Machine-to-machine access per organization: a customer's backend calling the AI product's
//! API with a token scoped to its organization. Each application is an Auth0 client
//! (`non_interactive`) with a client grant to one API whose organization usage is required, and
//! the grant associated with the organization. The client secret is shown once, right after
//! creation or rotation; orgdesk never keeps it.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::apis::{api_identifier, permission_value};
use crate::diff::{Change, ValueKind};
use crate::validate::ValidationError;

/// The longest application name orgdesk takes.
pub const M2M_NAME_MAX: usize = 100;
/// The most permissions one application may be granted here.
pub const M2M_PERMISSIONS_MAX: usize = 100;

/// An organization's machine-to-machine application, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct M2mApp {
    /// The application's client id.
    pub client_id: String,
    /// Its name.
    pub name: String,
    /// The client grant that lets it ask for tokens.
    pub grant_id: String,
    /// The API its tokens are for (the `audience`).
    pub api_identifier: String,
    /// What its tokens may carry.
    pub permissions: Vec<String>,
}

impl M2mApp {
    /// What creating (or associating) it wrote, for the review and the audit. Never the secret.
    #[must_use]
    pub fn described(&self) -> Vec<Change> {
        let text = |field: &str, label: &str, value: String| Change {
            field: field.into(),
            label: label.into(),
            kind: ValueKind::Text,
            before: None,
            after: (!value.is_empty()).then_some(value),
        };
        vec![
            text("m2m.name", "Application", self.name.clone()),
            text("m2m.client_id", "Client id", self.client_id.clone()),
            text("m2m.api", "API", self.api_identifier.clone()),
            text("m2m.permissions", "Permissions", self.permissions.join(" ")),
        ]
    }
}

/// `GET /api/orgs/{org_id}/m2m`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct M2mList {
    /// The organization's applications.
    pub items: Vec<M2mApp>,
}

/// A client secret, shown once. Its `Debug` never prints it, so no log line can.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(pub String);

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(…)")
    }
}

/// `POST /api/orgs/{org_id}/m2m`'s answer: the application and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct M2mCreated {
    /// The application.
    #[serde(flatten)]
    pub app: M2mApp,
    /// Its secret: shown now, never again.
    pub client_secret: ClientSecret,
}

/// `POST …/m2m/{client_id}/rotate-secret`'s answer: the new secret, this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedSecret {
    /// The application.
    pub client_id: String,
    /// Its new secret; the old one no longer works.
    pub client_secret: ClientSecret,
}

/// A client grant of the tenant that could be associated with an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientGrantInfo {
    /// `cgr_…`.
    pub id: String,
    /// The application.
    pub client_id: String,
    /// The application's name.
    #[serde(default)]
    pub client_name: String,
    /// The API.
    pub api_identifier: String,
    /// What it grants.
    pub permissions: Vec<String>,
    /// `deny`, `allow` or `require`: whether tokens may (or must) name an organization.
    pub organization_usage: String,
}

/// `GET /api/client-grants`: the grants an organization may be given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientGrantList {
    /// The grants whose organization usage is `allow` or `require`.
    pub items: Vec<ClientGrantInfo>,
}

/// `POST /api/orgs/{org_id}/m2m`: create an application, or associate an existing grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum M2mRequest {
    /// `{"grant_id"}`: an existing client grant, now usable with this organization.
    Associate {
        /// `cgr_…`.
        grant_id: String,
    },
    /// `{"name", "api_identifier", "permissions"}`: a new application.
    Create(NewM2mInput),
}

/// A new application, as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewM2mInput {
    /// Its name (`Acme batch pipeline`).
    pub name: String,
    /// The API's identifier.
    pub api_identifier: String,
    /// The permissions its tokens may carry, among the API's.
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A new application whose fields follow the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewM2m {
    /// Its name.
    pub name: String,
    /// The API's identifier.
    pub api_identifier: String,
    /// Its permissions, none twice, in the order given (so that an error's index is the
    /// sender's); [`NewM2m::sorted`] before it is stored.
    pub permissions: Vec<String>,
}

impl NewM2m {
    /// The same application with its permissions in order of value, as it is stored.
    #[must_use]
    pub fn sorted(mut self) -> Self {
        self.permissions.sort();
        self
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.to_owned(),
        message: message.into(),
    }
}

impl NewM2mInput {
    /// Checks every rule. Whether the API defines the permissions is the proxy's to check.
    ///
    /// # Errors
    /// The first field that breaks one, with what to do.
    pub fn parse(self) -> Result<NewM2m, ValidationError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(invalid(
                "name",
                "Name the application, e.g. Batch pipeline.",
            ));
        }
        if name.chars().count() > M2M_NAME_MAX {
            return Err(invalid(
                "name",
                format!("Use at most {M2M_NAME_MAX} characters."),
            ));
        }
        if name.chars().any(|c| c.is_control() || c == '<' || c == '>') {
            return Err(invalid("name", "Use one line of text, without < or >."));
        }
        let api = api_identifier(&self.api_identifier)
            .map_err(|err| invalid("api_identifier", err.message))?;
        if self.permissions.is_empty() {
            return Err(invalid("permissions", "Choose at least one permission."));
        }
        if self.permissions.len() > M2M_PERMISSIONS_MAX {
            return Err(invalid(
                "permissions",
                format!("Choose at most {M2M_PERMISSIONS_MAX} permissions."),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut permissions = Vec::with_capacity(self.permissions.len());
        for (i, value) in self.permissions.iter().enumerate() {
            let value = value.trim();
            let field = format!("permissions[{i}]");
            permission_value(value).map_err(|m| invalid(&field, m))?;
            if !seen.insert(value) {
                return Err(invalid(&field, format!("{value} is listed twice.")));
            }
            permissions.push(value.to_owned());
        }
        Ok(NewM2m {
            name: name.to_owned(),
            api_identifier: api,
            permissions,
        })
    }
}

/// What a token the application asks for with this organization carries: the M2M token
/// preview.
#[must_use]
pub fn token_preview(app: &M2mApp, org_id: &str) -> serde_json::Value {
    serde_json::json!({
        "iss": "https://<tenant>/",
        "sub": format!("{}@clients", app.client_id),
        "aud": app.api_identifier,
        "azp": app.client_id,
        "gty": "client-credentials",
        "org_id": org_id,
        "scope": app.permissions.join(" "),
        "permissions": app.permissions,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_either_an_association_or_a_new_application() {
        let associate: M2mRequest = serde_json::from_str(r#"{"grant_id":"cgr_1"}"#).unwrap();
        assert_eq!(
            associate,
            M2mRequest::Associate {
                grant_id: "cgr_1".into()
            }
        );
        let create: M2mRequest = serde_json::from_str(
            r#"{"name":"Pipeline","api_identifier":"urn:ai","permissions":["invoke:gpt-4o"]}"#,
        )
        .unwrap();
        assert!(matches!(create, M2mRequest::Create(_)));
        assert!(serde_json::from_str::<M2mRequest>(r#"{"name":"x","extra":1}"#).is_err());
    }

    #[test]
    fn a_new_application_names_what_is_wrong() {
        let ok = NewM2mInput {
            name: " Pipeline ".into(),
            api_identifier: "https://api.ai.example/".into(),
            permissions: vec!["run:inference".into(), "invoke:gpt-4o".into()],
        }
        .parse()
        .unwrap();
        assert_eq!(ok.name, "Pipeline");
        assert_eq!(ok.sorted().permissions, ["invoke:gpt-4o", "run:inference"]);
        let twice = NewM2mInput {
            name: "P".into(),
            api_identifier: "urn:ai".into(),
            permissions: vec!["a:b".into(), "a:b".into()],
        }
        .parse()
        .unwrap_err();
        assert_eq!(twice.field, "permissions[1]");
        let none = NewM2mInput {
            name: "P".into(),
            api_identifier: "urn:ai".into(),
            permissions: vec![],
        }
        .parse()
        .unwrap_err();
        assert_eq!(none.field, "permissions");
        let api = NewM2mInput {
            name: "P".into(),
            api_identifier: "ai".into(),
            permissions: vec!["a:b".into()],
        }
        .parse()
        .unwrap_err();
        assert_eq!(api.field, "api_identifier");
    }

    #[test]
    fn the_secret_never_prints_and_the_preview_names_the_org() {
        let secret = ClientSecret("s3cr3t-value".into());
        assert!(!format!("{secret:?}").contains("s3cr3t"));
        let app = M2mApp {
            client_id: "abc".into(),
            name: "P".into(),
            grant_id: "cgr_1".into(),
            api_identifier: "urn:ai".into(),
            permissions: vec!["a:b".into(), "c:d".into()],
        };
        let token = token_preview(&app, "org_1");
        assert_eq!(token["org_id"], "org_1");
        assert_eq!(token["scope"], "a:b c:d");
        assert!(app.described().iter().all(|c| c.field.starts_with("m2m.")));
    }
}

/// The most tokens a quota may allow per hour or per day.
pub const TOKEN_QUOTA_MAX: u32 = 1_000_000_000;

/// How many client-credentials tokens may be issued for an organization (Auth0's
/// `token_quota.client_credentials`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsQuota {
    /// Whether tokens beyond the quota are refused (otherwise only reported).
    #[serde(default)]
    pub enforce: bool,
    /// Tokens per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u32>,
    /// Tokens per hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<u32>,
}

/// An organization's token quota: `GET`/`PUT /api/orgs/{org_id}/token-quota`. Without
/// `client_credentials`, the tenant's default applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenQuota {
    /// The quota of client-credentials (M2M) tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_credentials: Option<ClientCredentialsQuota>,
}

impl TokenQuota {
    /// Checks the rules: a quota names a limit per hour, per day or both, each 1 to
    /// [`TOKEN_QUOTA_MAX`], and no more per hour than per day.
    ///
    /// # Errors
    /// The field at fault, with what to do.
    pub fn check(self) -> Result<Self, ValidationError> {
        let Some(quota) = self.client_credentials else {
            return Ok(self);
        };
        if quota.per_day.is_none() && quota.per_hour.is_none() {
            return Err(invalid(
                "client_credentials",
                "Give a limit per hour, per day or both, or remove the quota.",
            ));
        }
        for (field, value) in [("per_hour", quota.per_hour), ("per_day", quota.per_day)] {
            if let Some(value) = value {
                if !(1..=TOKEN_QUOTA_MAX).contains(&value) {
                    return Err(invalid(
                        &format!("client_credentials.{field}"),
                        format!("Use a whole number from 1 to {TOKEN_QUOTA_MAX}."),
                    ));
                }
            }
        }
        if let (Some(hour), Some(day)) = (quota.per_hour, quota.per_day) {
            if hour > day {
                return Err(invalid(
                    "client_credentials.per_hour",
                    "An hour cannot allow more tokens than its day.",
                ));
            }
        }
        Ok(self)
    }

    /// What changes from `self` to `after`, for the review and the audit.
    #[must_use]
    pub fn changes(&self, after: &Self) -> Vec<Change> {
        let words = |q: &Self| {
            q.client_credentials.map_or_else(
                || "tenant default".to_owned(),
                |c| {
                    let limit = |n: Option<u32>, unit: &str| n.map(|n| format!("{n} per {unit}"));
                    let limits: Vec<String> = [limit(c.per_hour, "hour"), limit(c.per_day, "day")]
                        .into_iter()
                        .flatten()
                        .collect();
                    let mode = if c.enforce {
                        "enforced"
                    } else {
                        "reported only"
                    };
                    format!("{} ({mode})", limits.join(", "))
                },
            )
        };
        let (before, now) = (words(self), words(after));
        if before == now {
            return Vec::new();
        }
        vec![Change {
            field: "m2m.quota".into(),
            label: "M2M token quota".into(),
            kind: ValueKind::Text,
            before: Some(before),
            after: Some(now),
        }]
    }
}

#[cfg(test)]
mod quota_tests {
    use super::*;

    fn quota(per_hour: Option<u32>, per_day: Option<u32>) -> TokenQuota {
        TokenQuota {
            client_credentials: Some(ClientCredentialsQuota {
                enforce: true,
                per_day,
                per_hour,
            }),
        }
    }

    #[test]
    fn a_quota_names_a_sane_limit() {
        assert!(TokenQuota::default().check().is_ok());
        assert!(quota(Some(10), Some(100)).check().is_ok());
        assert_eq!(
            quota(None, None).check().map_err(|e| e.field),
            Err("client_credentials".into())
        );
        assert_eq!(
            quota(Some(0), None).check().map_err(|e| e.field),
            Err("client_credentials.per_hour".into())
        );
        assert_eq!(
            quota(Some(200), Some(100)).check().map_err(|e| e.field),
            Err("client_credentials.per_hour".into())
        );
    }

    #[test]
    fn the_change_reads_as_words() {
        let changes = TokenQuota::default().changes(&quota(Some(10), Some(100)));
        assert_eq!(changes[0].before.as_deref(), Some("tenant default"));
        assert_eq!(
            changes[0].after.as_deref(),
            Some("10 per hour, 100 per day (enforced)")
        );
        assert!(quota(Some(1), None)
            .changes(&quota(Some(1), None))
            .is_empty());
    }
}
