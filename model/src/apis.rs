//! APIs (Auth0's resource servers) and the permissions they define: what an access token for
//! the AI product may carry (`invoke:gpt-4o`, `read:datasets`), and so what a role or a
//! machine-to-machine application can be given.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::diff::{Change, ValueKind};
use crate::validate::ValidationError;

/// The longest API name Auth0 takes.
pub const API_NAME_MAX: usize = 200;
/// The longest identifier Auth0 takes.
pub const API_IDENTIFIER_MAX: usize = 600;
/// The longest permission value Auth0 takes.
pub const PERMISSION_VALUE_MAX: usize = 280;
/// The longest permission description orgdesk sends.
pub const PERMISSION_DESCRIPTION_MAX: usize = 500;
/// The most permissions orgdesk lets one API define.
pub const PERMISSIONS_MAX: usize = 500;
/// Shortest access-token lifetime, in seconds.
pub const TOKEN_LIFETIME_MIN: u32 = 60;
/// Longest access-token lifetime Auth0 allows (30 days), in seconds.
pub const TOKEN_LIFETIME_MAX: u32 = 2_592_000;
/// The lifetime of a new API's tokens unless told otherwise (a day, Auth0's default).
pub const TOKEN_LIFETIME_DEFAULT: u32 = 86_400;
/// How new APIs sign their tokens.
pub const SIGNING_ALG: &str = "RS256";

/// One permission an API defines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ApiPermission {
    /// What a token carries (`invoke:gpt-4o`).
    pub value: String,
    /// What it allows, for people.
    #[serde(default)]
    pub description: String,
}

/// An API as orgdesk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Api {
    /// The directory's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its identifier: the `audience` tokens are asked for. Never changes.
    pub identifier: String,
    /// How its tokens are signed.
    pub signing_alg: String,
    /// How long its access tokens last, in seconds.
    pub token_lifetime: u32,
    /// Whether role-based access control decides what a token may carry.
    pub rbac: bool,
    /// Whether the granted permissions are written into the access token.
    pub permissions_in_token: bool,
    /// The permissions it defines, in order of value.
    #[serde(default)]
    pub permissions: Vec<ApiPermission>,
    /// The directory's own API (Auth0's Management API): neither changed nor deleted here.
    #[serde(default)]
    pub system: bool,
}

impl Api {
    /// What creating this API wrote, for the audit: every field from nothing.
    #[must_use]
    pub fn created(&self) -> Vec<Change> {
        let empty = Self {
            id: self.id.clone(),
            name: String::new(),
            identifier: String::new(),
            signing_alg: self.signing_alg.clone(),
            token_lifetime: self.token_lifetime,
            rbac: self.rbac,
            permissions_in_token: self.permissions_in_token,
            permissions: Vec::new(),
            system: self.system,
        };
        let mut changes = vec![Change {
            field: "identifier".into(),
            label: "Identifier".into(),
            kind: ValueKind::Text,
            before: None,
            after: Some(self.identifier.clone()),
        }];
        changes.extend(empty.changes(self));
        changes
    }

    /// Every field that differs between two versions of an API, for the review and the audit.
    #[must_use]
    pub fn changes(&self, after: &Self) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut push = |field: &str, label: &str, before: String, now: String| {
            if before != now {
                changes.push(Change {
                    field: field.to_owned(),
                    label: label.to_owned(),
                    kind: ValueKind::Text,
                    before: (!before.is_empty()).then_some(before),
                    after: (!now.is_empty()).then_some(now),
                });
            }
        };
        push("name", "Name", self.name.clone(), after.name.clone());
        push(
            "token_lifetime",
            "Token lifetime (seconds)",
            self.token_lifetime.to_string(),
            after.token_lifetime.to_string(),
        );
        let line = |p: &ApiPermission| {
            if p.description.is_empty() {
                p.value.clone()
            } else {
                format!("{} ({})", p.value, p.description)
            }
        };
        let before: BTreeSet<String> = self.permissions.iter().map(line).collect();
        let now: BTreeSet<String> = after.permissions.iter().map(line).collect();
        for gone in before.difference(&now) {
            push("permissions", "Permission", gone.clone(), String::new());
        }
        for added in now.difference(&before) {
            push("permissions", "Permission", String::new(), added.clone());
        }
        changes
    }

    /// This API with `patch` applied.
    #[must_use]
    pub fn apply(&self, patch: &ApiPatch) -> Self {
        let mut next = self.clone();
        if let Some(name) = &patch.name {
            next.name.clone_from(name);
        }
        if let Some(lifetime) = patch.token_lifetime {
            next.token_lifetime = lifetime;
        }
        if let Some(permissions) = &patch.permissions {
            next.permissions.clone_from(permissions);
        }
        next
    }
}

/// `GET /api/apis`: every API, the directory's own first, then by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiList {
    /// The APIs.
    pub items: Vec<Api>,
}

/// A new API, as the form and `POST /api/apis` send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApiInput {
    /// Its name.
    pub name: String,
    /// Its identifier, an absolute URI.
    pub identifier: String,
    /// Its first permissions.
    #[serde(default)]
    pub permissions: Vec<ApiPermission>,
    /// Token lifetime in seconds (a day when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,
}

/// A new API whose every field follows the rules. Created RS256, with RBAC on and the
/// permissions in the access token, which is what the AI product's backend checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApi {
    /// The id to keep, when a snapshot is restored into the embedded store; Auth0 assigns
    /// its own and ignores it.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its identifier.
    pub identifier: String,
    /// Its permissions, sorted by value.
    pub permissions: Vec<ApiPermission>,
    /// Token lifetime in seconds.
    pub token_lifetime: u32,
}

impl NewApiInput {
    /// Checks every rule.
    ///
    /// # Errors
    /// The first field that breaks one, with what to do.
    pub fn parse(self) -> Result<NewApi, ValidationError> {
        Ok(NewApi {
            id: None,
            name: api_name(&self.name)?,
            identifier: api_identifier(&self.identifier)?,
            permissions: permissions(self.permissions)?,
            token_lifetime: token_lifetime(self.token_lifetime.unwrap_or(TOKEN_LIFETIME_DEFAULT))?,
        })
    }
}

/// A change to an API, as `PATCH /api/apis/{id}` takes it; `None` keeps a field. The
/// identifier is not among them: it never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPatchInput {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,
    /// The whole new list of permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<ApiPermission>>,
}

/// A checked change to an API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiPatch {
    /// New name.
    pub name: Option<String>,
    /// New token lifetime in seconds.
    pub token_lifetime: Option<u32>,
    /// The whole new list of permissions, sorted by value.
    pub permissions: Option<Vec<ApiPermission>>,
}

impl ApiPatchInput {
    /// Checks every rule.
    ///
    /// # Errors
    /// The first field that breaks one, with what to do.
    pub fn parse(self) -> Result<ApiPatch, ValidationError> {
        Ok(ApiPatch {
            name: self.name.as_deref().map(api_name).transpose()?,
            token_lifetime: self.token_lifetime.map(token_lifetime).transpose()?,
            permissions: self.permissions.map(permissions).transpose()?,
        })
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// An API's name: not empty, at most [`API_NAME_MAX`] characters.
///
/// # Errors
/// When it is empty or too long.
pub fn api_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("name", "Give the API a name."));
    }
    if name.chars().count() > API_NAME_MAX {
        return Err(invalid(
            "name",
            format!("Use at most {API_NAME_MAX} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("name", "Use one line of text."));
    }
    Ok(name.to_owned())
}

/// An API's identifier: an absolute URI (`https://api.example.com/`, `urn:ai:models`), without
/// spaces, at most [`API_IDENTIFIER_MAX`] characters.
///
/// # Errors
/// When it is not an absolute URI.
pub fn api_identifier(identifier: &str) -> Result<String, ValidationError> {
    let identifier = identifier.trim();
    let error = || {
        invalid(
            "identifier",
            "Use an absolute URI, such as https://api.example.com/ (it cannot be changed later).",
        )
    };
    if identifier.len() > API_IDENTIFIER_MAX {
        return Err(invalid(
            "identifier",
            format!("Use at most {API_IDENTIFIER_MAX} characters."),
        ));
    }
    let (scheme, rest) = identifier.split_once(':').ok_or_else(error)?;
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest_ok = !rest.is_empty()
        && rest != "//"
        && rest
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
    if !scheme_ok || !rest_ok {
        return Err(error());
    }
    Ok(identifier.to_owned())
}

/// Whether `value` may name a permission: 1 to [`PERMISSION_VALUE_MAX`] letters, digits and
/// `: . _ - / * +`, no spaces. The form asks this as the value is typed.
///
/// # Errors
/// What is wrong with it.
pub fn permission_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("Name the permission, e.g. invoke:gpt-4o.".into());
    }
    if value.chars().count() > PERMISSION_VALUE_MAX {
        return Err(format!("Use at most {PERMISSION_VALUE_MAX} characters."));
    }
    if let Some(c) = value.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-' | '/' | '*' | '+'))
    }) {
        let shown = if c.is_whitespace() {
            "a space".to_owned()
        } else {
            format!("“{c}”")
        };
        return Err(format!(
            "Use letters, digits and : . _ - / * + only (not {shown}), e.g. invoke:gpt-4o."
        ));
    }
    Ok(())
}

fn permissions(list: Vec<ApiPermission>) -> Result<Vec<ApiPermission>, ValidationError> {
    if list.len() > PERMISSIONS_MAX {
        return Err(invalid(
            "permissions",
            format!("An API can define at most {PERMISSIONS_MAX} permissions."),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, permission) in list.into_iter().enumerate() {
        let value = permission.value.trim().to_owned();
        permission_value(&value).map_err(|m| invalid(&format!("permissions[{i}].value"), m))?;
        if !seen.insert(value.clone()) {
            return Err(invalid(
                &format!("permissions[{i}].value"),
                format!("{value} is listed twice."),
            ));
        }
        let description = permission.description.trim().to_owned();
        if description.chars().count() > PERMISSION_DESCRIPTION_MAX {
            return Err(invalid(
                &format!("permissions[{i}].description"),
                format!("Use at most {PERMISSION_DESCRIPTION_MAX} characters."),
            ));
        }
        if description.chars().any(char::is_control) {
            return Err(invalid(
                &format!("permissions[{i}].description"),
                "Use one line of text.",
            ));
        }
        out.push(ApiPermission { value, description });
    }
    out.sort();
    Ok(out)
}

fn token_lifetime(seconds: u32) -> Result<u32, ValidationError> {
    if (TOKEN_LIFETIME_MIN..=TOKEN_LIFETIME_MAX).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(invalid(
            "token_lifetime",
            format!(
                "Use {TOKEN_LIFETIME_MIN} seconds to {} days.",
                TOKEN_LIFETIME_MAX / 86_400
            ),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn permission(value: &str) -> ApiPermission {
        ApiPermission {
            value: value.into(),
            description: String::new(),
        }
    }

    #[test]
    fn identifiers_are_absolute_uris() {
        for ok in [
            "https://api.example.com/",
            "https://api.ai-application.example/v1",
            "urn:ai:models",
        ] {
            assert_eq!(api_identifier(ok).as_deref(), Ok(ok), "{ok}");
        }
        for bad in [
            "",
            "api.example.com",
            "https://",
            "https://api example.com",
            "1http://x",
            ":x",
        ] {
            let err = api_identifier(bad).unwrap_err();
            assert_eq!(err.field, "identifier", "{bad}");
        }
    }

    #[test]
    fn permission_values_follow_the_rule_and_say_what_is_wrong() {
        for ok in ["invoke:gpt-4o", "read:datasets", "models/*", "a.b_c-d+e"] {
            assert_eq!(permission_value(ok), Ok(()), "{ok}");
        }
        assert!(permission_value("").is_err());
        assert!(permission_value("invoke gpt")
            .unwrap_err()
            .contains("not a space"));
        assert!(permission_value("invoke:gpt\"4").unwrap_err().contains('"'));
        assert!(permission_value(&"x".repeat(PERMISSION_VALUE_MAX + 1)).is_err());
    }

    #[test]
    fn a_new_api_is_checked_whole_and_its_permissions_sorted() {
        let api = NewApiInput {
            name: "  AI Platform API ".into(),
            identifier: "https://api.ai.example/".into(),
            permissions: vec![permission("read:datasets"), permission(" invoke:gpt-4o ")],
            token_lifetime: None,
        }
        .parse()
        .unwrap();
        assert_eq!(api.name, "AI Platform API");
        assert_eq!(api.token_lifetime, TOKEN_LIFETIME_DEFAULT);
        assert_eq!(
            api.permissions,
            vec![permission("invoke:gpt-4o"), permission("read:datasets")]
        );

        let twice = NewApiInput {
            name: "x".into(),
            identifier: "urn:x".into(),
            permissions: vec![permission("a:b"), permission("a:b")],
            token_lifetime: None,
        }
        .parse()
        .unwrap_err();
        assert_eq!(twice.field, "permissions[1].value");

        let short = NewApiInput {
            name: "x".into(),
            identifier: "urn:x".into(),
            permissions: vec![],
            token_lifetime: Some(5),
        }
        .parse()
        .unwrap_err();
        assert_eq!(short.field, "token_lifetime");
    }

    #[test]
    fn the_identifier_cannot_be_patched() {
        let err = serde_json::from_str::<ApiPatchInput>(r#"{"identifier":"urn:y"}"#).unwrap_err();
        assert!(err.to_string().contains("identifier"), "{err}");
    }

    #[test]
    fn changes_name_each_permission_added_or_removed() {
        let before = Api {
            id: "1".into(),
            name: "AI".into(),
            identifier: "urn:ai".into(),
            signing_alg: SIGNING_ALG.into(),
            token_lifetime: 3600,
            rbac: true,
            permissions_in_token: true,
            permissions: vec![permission("a:1"), permission("b:2")],
            system: false,
        };
        let after = before.apply(&ApiPatch {
            name: Some("AI models".into()),
            token_lifetime: None,
            permissions: Some(vec![permission("b:2"), permission("c:3")]),
        });
        let changes = before.changes(&after);
        let shown: Vec<(&str, Option<&str>, Option<&str>)> = changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("name", Some("AI"), Some("AI models")),
                ("permissions", Some("a:1"), None),
                ("permissions", None, Some("c:3")),
            ]
        );
    }
}
