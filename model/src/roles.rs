//! Roles as an editor sees them: created, renamed and described, given permissions that the
//! APIs define, deleted once it is clear who holds them. What a member may reach in the AI
//! product follows from the roles they hold in their organization.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::apis::{api_identifier, permission_value};
use crate::diff::{Change, ValueKind};
use crate::members::RoleInfo;
use crate::validate::ValidationError;

/// The longest role name orgdesk takes.
pub const ROLE_NAME_MAX: usize = 50;
/// The longest role description Auth0 takes.
pub const ROLE_DESCRIPTION_MAX: usize = 140;
/// The most permissions one request may add or remove.
pub const ROLE_PERMISSIONS_PER_CHANGE_MAX: usize = 100;

/// `GET /api/roles`: every role with its permissions, and who may grant which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCatalogue {
    /// Every role, by name.
    pub items: Vec<RoleInfo>,
    /// The ids the caller may grant.
    pub grantable: Vec<String>,
    /// The ids org admins may grant (`org_admin_grantable_roles`), the same for every caller.
    #[serde(default)]
    pub org_admin_grantable: Vec<String>,
}

/// A permission named by its API and value, as Auth0 takes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PermissionRef {
    /// The API's identifier (`https://api.ai-application.example/`).
    pub resource_server_identifier: String,
    /// The permission's value (`invoke:gpt-4o`).
    pub permission_name: String,
}

/// A permission a role grants, with the words people read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RolePermission {
    /// The API's identifier.
    pub resource_server_identifier: String,
    /// The permission's value.
    pub permission_name: String,
    /// What it allows, as the API describes it.
    #[serde(default)]
    pub description: String,
    /// The API's name.
    #[serde(default)]
    pub resource_server_name: String,
}

impl RolePermission {
    /// The permission without its words.
    #[must_use]
    pub fn key(&self) -> PermissionRef {
        PermissionRef {
            resource_server_identifier: self.resource_server_identifier.clone(),
            permission_name: self.permission_name.clone(),
        }
    }
}

/// How many hold a role: memberships across organizations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolders {
    /// Members holding it, one per organization they hold it in.
    pub members: u64,
    /// Organizations where someone holds it.
    pub organizations: u64,
    /// Set when only some organizations were counted (the directory could not be asked about
    /// every one in reasonable time): the counts are then a lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_of: Option<CountedOf>,
}

/// How much of the tenant a partial count read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedOf {
    /// Organizations read.
    pub counted: u64,
    /// Organizations in the tenant.
    pub total: u64,
}

/// `GET /api/roles/{id}`: a role with its permissions in full and who holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDetail {
    /// `rol_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// What it grants, by API and value.
    pub permissions: Vec<RolePermission>,
    /// Who holds it.
    pub holders: RoleHolders,
    /// Whether org admins may grant it.
    #[serde(default)]
    pub org_admin_grantable: bool,
}

/// `GET /api/roles/{id}/permissions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePermissionList {
    /// What the role grants.
    pub items: Vec<RolePermission>,
}

/// A new role, as the form and `POST /api/roles` send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRoleInput {
    /// Its name (`data-scientist`).
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
}

/// A new role whose fields follow the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRole {
    /// The id to keep, when a snapshot is restored into the embedded store; Auth0 assigns
    /// its own and ignores it.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
}

impl NewRoleInput {
    /// Checks every rule.
    ///
    /// # Errors
    /// The first field that breaks one, with what to do.
    pub fn parse(self) -> Result<NewRole, ValidationError> {
        Ok(NewRole {
            id: None,
            name: role_name(&self.name)?,
            description: role_description(&self.description)?,
        })
    }
}

/// A change to a role, as `PATCH /api/roles/{id}` takes it; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolePatchInput {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A checked change to a role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolePatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

impl RolePatchInput {
    /// Checks every rule.
    ///
    /// # Errors
    /// The first field that breaks one, with what to do.
    pub fn parse(self) -> Result<RolePatch, ValidationError> {
        Ok(RolePatch {
            name: self.name.as_deref().map(role_name).transpose()?,
            description: self
                .description
                .as_deref()
                .map(role_description)
                .transpose()?,
        })
    }
}

/// `POST` and `DELETE /api/roles/{id}/permissions`: `{"permissions": [{…}, …]}`, as Auth0
/// takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolePermissionsInput {
    /// The permissions to add or remove.
    pub permissions: Vec<PermissionRef>,
}

impl RolePermissionsInput {
    /// Checks every rule: 1 to [`ROLE_PERMISSIONS_PER_CHANGE_MAX`] well-formed permissions,
    /// none twice, in the order given (so that an error's index is the sender's). Whether each
    /// exists is the directory's to say.
    ///
    /// # Errors
    /// The first entry that breaks one.
    pub fn parse(self) -> Result<Vec<PermissionRef>, ValidationError> {
        if self.permissions.is_empty() {
            return Err(invalid("permissions", "Choose at least one permission."));
        }
        if self.permissions.len() > ROLE_PERMISSIONS_PER_CHANGE_MAX {
            return Err(invalid(
                "permissions",
                format!("Change at most {ROLE_PERMISSIONS_PER_CHANGE_MAX} permissions at once."),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(self.permissions.len());
        for (i, permission) in self.permissions.into_iter().enumerate() {
            let field = format!("permissions[{i}]");
            let identifier =
                api_identifier(&permission.resource_server_identifier).map_err(|err| {
                    invalid(&format!("{field}.resource_server_identifier"), err.message)
                })?;
            let value = permission.permission_name.trim().to_owned();
            permission_value(&value)
                .map_err(|message| invalid(&format!("{field}.permission_name"), message))?;
            let key = PermissionRef {
                resource_server_identifier: identifier,
                permission_name: value,
            };
            if !seen.insert(key.clone()) {
                return Err(invalid(
                    &field,
                    format!("{} is listed twice.", key.permission_name),
                ));
            }
            out.push(key);
        }
        Ok(out)
    }
}

impl RoleInfo {
    /// This role with `patch` applied.
    #[must_use]
    pub fn apply(&self, patch: &RolePatch) -> Self {
        let mut next = self.clone();
        if let Some(name) = &patch.name {
            next.name.clone_from(name);
        }
        if let Some(description) = &patch.description {
            next.description.clone_from(description);
        }
        next
    }

    /// The name and description that differ between two versions, for the review and audit.
    #[must_use]
    pub fn changes(&self, after: &Self) -> Vec<Change> {
        [
            ("name", "Name", &self.name, &after.name),
            (
                "description",
                "Description",
                &self.description,
                &after.description,
            ),
        ]
        .into_iter()
        .filter(|(_, _, before, now)| before != now)
        .map(|(field, label, before, now)| text(field, label, before, now))
        .collect()
    }
}

/// The changes that adding (or removing) `permissions` makes, one per permission.
#[must_use]
pub fn permission_changes(permissions: &[PermissionRef], added: bool) -> Vec<Change> {
    permissions
        .iter()
        .map(|p| {
            let shown = format!("{} ({})", p.permission_name, p.resource_server_identifier);
            let (before, after) = if added {
                (None, Some(shown))
            } else {
                (Some(shown), None)
            };
            Change {
                field: "permissions".into(),
                label: "Permission".into(),
                kind: ValueKind::Text,
                before,
                after,
            }
        })
        .collect()
}

fn text(field: &str, label: &str, before: &str, after: &str) -> Change {
    Change {
        field: field.into(),
        label: label.into(),
        kind: ValueKind::Text,
        before: (!before.is_empty()).then(|| before.to_owned()),
        after: (!after.is_empty()).then(|| after.to_owned()),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A role's name: 1 to [`ROLE_NAME_MAX`] characters of one line. Letters, digits, spaces and
/// `- _ . :` only, so it reads the same in a token's claims as on screen.
///
/// # Errors
/// What is wrong with it, on the field `name`.
pub fn role_name(name: &str) -> Result<String, ValidationError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "name",
            "Give the role a name, e.g. data-scientist.",
        ));
    }
    if name.chars().count() > ROLE_NAME_MAX {
        return Err(invalid(
            "name",
            format!("Use at most {ROLE_NAME_MAX} characters."),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ':')))
    {
        return Err(invalid(
            "name",
            format!("Use letters, digits, spaces and - _ . : only (not “{c}”)."),
        ));
    }
    Ok(name.to_owned())
}

/// A role's description: at most [`ROLE_DESCRIPTION_MAX`] characters of one line.
///
/// # Errors
/// When it is too long or has line breaks, on the field `description`.
pub fn role_description(description: &str) -> Result<String, ValidationError> {
    let description = description.trim();
    if description.chars().count() > ROLE_DESCRIPTION_MAX {
        return Err(invalid(
            "description",
            format!("Use at most {ROLE_DESCRIPTION_MAX} characters."),
        ));
    }
    if description.chars().any(char::is_control) {
        return Err(invalid("description", "Use one line of text."));
    }
    Ok(description.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn reference(identifier: &str, value: &str) -> PermissionRef {
        PermissionRef {
            resource_server_identifier: identifier.into(),
            permission_name: value.into(),
        }
    }

    #[test]
    fn role_names_say_what_is_wrong() {
        assert_eq!(role_name("  data-scientist ").unwrap(), "data-scientist");
        assert_eq!(role_name("ML Engineer").unwrap(), "ML Engineer");
        assert!(role_name("").unwrap_err().message.contains("name"));
        assert!(role_name("a/b").unwrap_err().message.contains("“/”"));
        assert!(role_name(&"x".repeat(ROLE_NAME_MAX + 1)).is_err());
        assert_eq!(
            role_description("two\nlines").unwrap_err().field,
            "description"
        );
        assert!(role_description(&"x".repeat(ROLE_DESCRIPTION_MAX + 1)).is_err());
    }

    #[test]
    fn permission_changes_are_checked_trimmed_and_never_twice() {
        let parsed = RolePermissionsInput {
            permissions: vec![
                reference("https://api.ai.example/", "run:inference"),
                reference("https://api.ai.example/", " invoke:gpt-4o "),
            ],
        }
        .parse()
        .unwrap();
        assert_eq!(parsed[1].permission_name, "invoke:gpt-4o");

        let empty = RolePermissionsInput::default().parse().unwrap_err();
        assert_eq!(empty.field, "permissions");
        let twice = RolePermissionsInput {
            permissions: vec![reference("urn:ai", "a:b"), reference("urn:ai", "a:b")],
        }
        .parse()
        .unwrap_err();
        assert_eq!(twice.field, "permissions[1]");
        let bad = RolePermissionsInput {
            permissions: vec![reference("not a uri", "a:b")],
        }
        .parse()
        .unwrap_err();
        assert_eq!(bad.field, "permissions[0].resource_server_identifier");
        let spaced = RolePermissionsInput {
            permissions: vec![reference("urn:ai", "a b")],
        }
        .parse()
        .unwrap_err();
        assert_eq!(spaced.field, "permissions[0].permission_name");
    }

    #[test]
    fn changes_name_the_fields_that_differ() {
        let role = RoleInfo {
            id: "rol_1".into(),
            name: "viewer".into(),
            description: String::new(),
            permissions: vec![],
        };
        let after = role.apply(&RolePatch {
            name: None,
            description: Some("Reads results.".into()),
        });
        let changes = role.changes(&after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "description");
        assert_eq!(changes[0].before, None);
        assert_eq!(changes[0].after.as_deref(), Some("Reads results."));
        assert!(role.changes(&role).is_empty());
    }
}
