//! Users of the directory: what orgdesk shows of them and how one is created.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::members::{Email, RoleRef};
use crate::validate::ValidationError;

/// A user, as the Users screen shows them. Passwords are never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// `auth0|…`.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// Their name.
    pub name: String,
    /// The connection they sign in with.
    pub connection: String,
    /// Metadata the user may change (`role = data-scientist`).
    #[serde(default)]
    pub user_metadata: BTreeMap<String, String>,
    /// Metadata only the application changes (`organization_id`).
    #[serde(default)]
    pub app_metadata: BTreeMap<String, String>,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// One organization a user belongs to, with their roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOrg {
    /// `org_…`.
    pub id: String,
    /// The org's name.
    pub name: String,
    /// The org's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Their roles there.
    pub roles: Vec<RoleRef>,
}

/// `GET /api/users/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    /// The user.
    pub user: User,
    /// Their organizations.
    pub organizations: Vec<UserOrg>,
}

/// A connection of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// `con_…`.
    pub id: String,
    /// `Username-Password-Authentication`.
    pub name: String,
    /// `auth0` for databases, `samlp`, `google-oauth2`, …
    pub strategy: String,
}

impl Connection {
    /// Whether users can be created with a password on it.
    #[must_use]
    pub fn is_database(&self) -> bool {
        self.strategy == "auth0"
    }
}

/// Whether a strategy is an enterprise connection (the only kind shown as a button).
#[must_use]
pub fn is_enterprise(strategy: &str) -> bool {
    matches!(
        strategy,
        "samlp" | "oidc" | "waad" | "adfs" | "okta" | "pingfederate" | "ad" | "google-apps"
    )
}

/// `POST /api/users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    /// The database connection's name.
    pub connection: String,
    /// Their email.
    pub email: String,
    /// Their initial password; never stored by orgdesk, never logged, never returned.
    pub password: String,
    /// Their name (the email when empty).
    #[serde(default)]
    pub name: String,
    /// Mark the email as verified.
    #[serde(default)]
    pub email_verified: bool,
    /// `user_metadata`, as text values.
    #[serde(default)]
    pub user_metadata: BTreeMap<String, String>,
    /// When created from an organization's page: it goes into `app_metadata.organization_id`
    /// and the user becomes a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The id to keep, when a snapshot is restored into the embedded store (never read from a
    /// request).
    #[serde(skip)]
    pub user_id: Option<String>,
}

/// One of Auth0's password rules ("fair" policy) and whether a password meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordRule {
    /// The rule in words.
    pub label: &'static str,
    /// Whether it is met.
    pub met: bool,
}

/// The password rules of Auth0's "fair" policy: at least 8 characters, and three of lower-case,
/// upper-case, digits and other characters.
#[must_use]
pub fn password_rules(password: &str) -> Vec<PasswordRule> {
    let lower = password.chars().any(char::is_lowercase);
    let upper = password.chars().any(char::is_uppercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let special = password.chars().any(|c| !c.is_alphanumeric());
    let kinds = [lower, upper, digit, special]
        .iter()
        .filter(|k| **k)
        .count();
    vec![
        PasswordRule {
            label: "At least 8 characters",
            met: password.chars().count() >= 8,
        },
        PasswordRule {
            label: "Three of: lower-case, upper-case, digits, special characters",
            met: kinds >= 3,
        },
    ]
}

impl NewUserInput {
    /// Checks every field (the password against the policy).
    ///
    /// # Errors
    /// The first field that breaks its rule.
    pub fn parse(&self) -> Result<Email, ValidationError> {
        if self.connection.trim().is_empty() {
            return Err(ValidationError {
                field: "connection".into(),
                message: "Choose a connection.".into(),
            });
        }
        let email = Email::parse(&self.email).map_err(|e| e.at("email"))?;
        if let Some(rule) = password_rules(&self.password).into_iter().find(|r| !r.met) {
            return Err(ValidationError {
                field: "password".into(),
                message: format!(
                    "The password does not meet the policy: {}.",
                    rule.label.to_lowercase()
                ),
            });
        }
        if self.name.chars().count() > 255 {
            return Err(ValidationError {
                field: "name".into(),
                message: "A name has at most 255 characters.".into(),
            });
        }
        crate::validate::Metadata::parse(self.user_metadata.clone()).map_err(|e| {
            let field = e.field.replacen("metadata", "user_metadata", 1);
            e.at(&field)
        })?;
        Ok(email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fair_password_policy() {
        assert!(password_rules("Str0ng!pass").iter().all(|r| r.met));
        assert!(
            !password_rules("short1A").iter().all(|r| r.met),
            "7 characters"
        );
        assert!(
            !password_rules("alllowercase").iter().all(|r| r.met),
            "one kind"
        );
        assert!(
            password_rules("lower1upper").iter().any(|r| !r.met),
            "two kinds"
        );
        assert!(password_rules("lower1Upper").iter().all(|r| r.met));
    }

    #[test]
    fn a_new_user_needs_a_valid_email_and_password() {
        let input = NewUserInput {
            connection: "Username-Password-Authentication".into(),
            email: "user@example.com".into(),
            password: "Passw0rd!".into(),
            ..NewUserInput::default()
        };
        assert!(input.parse().is_ok());
        let weak = NewUserInput {
            password: "password".into(),
            ..input.clone()
        };
        assert_eq!(weak.parse().map_err(|e| e.field), Err("password".into()));
        let bad = NewUserInput {
            email: "user".into(),
            ..input
        };
        assert_eq!(bad.parse().map_err(|e| e.field), Err("email".into()));
    }
}

/// The most connections Auth0 enables on one organization.
pub const MAX_ORG_CONNECTIONS: usize = 10;

/// The message Auth0 gives (recorded 400 `invalid_body`) for sign-up without membership.
pub const SIGNUP_NEEDS_MEMBERSHIP: &str =
    "Only database connections with assign_membership_on_login = true support is_signup_enabled = true.";

/// The connection's name and kind, as Auth0 embeds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRef {
    /// `Username-Password-Authentication`.
    pub name: String,
    /// `auth0`, `samlp`, …
    pub strategy: String,
}

/// A connection enabled on an organization, in Auth0's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgConnection {
    /// `con_…`.
    pub connection_id: String,
    /// Members signing in through it join the organization.
    pub assign_membership_on_login: bool,
    /// Shown as a button on the sign-in page (enterprise connections).
    pub show_as_button: bool,
    /// People may sign up (database connections, with membership on login).
    pub is_signup_enabled: bool,
    /// Name and kind.
    pub connection: ConnectionRef,
}

/// Enabling a connection, or changing its flags (`connection_id` is ignored on a change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgConnectionInput {
    /// `con_…` (when enabling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Members signing in through it join the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_membership_on_login: Option<bool>,
    /// Shown as a button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    /// Sign-up allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
}

/// Auth0's rule: sign-up only on database connections that also assign membership.
///
/// # Errors
/// With Auth0's own message when the combination is refused.
pub fn check_connection_flags(
    strategy: &str,
    assign_membership: bool,
    signup: bool,
) -> Result<(), ValidationError> {
    if signup && (strategy != "auth0" || !assign_membership) {
        return Err(ValidationError {
            field: "is_signup_enabled".into(),
            message: SIGNUP_NEEDS_MEMBERSHIP.into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod connection_tests {
    use super::*;

    #[test]
    fn signup_needs_a_database_connection_and_membership_on_login() {
        assert!(check_connection_flags("auth0", true, true).is_ok());
        assert!(check_connection_flags("auth0", false, false).is_ok());
        assert_eq!(
            check_connection_flags("auth0", false, true).map_err(|e| e.message),
            Err(SIGNUP_NEEDS_MEMBERSHIP.into())
        );
        assert!(check_connection_flags("samlp", true, true).is_err());
    }
}
