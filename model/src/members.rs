//! Who belongs to an organization and with which roles; invitations to join it.

use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

/// Auth0 allows at most this many roles per member of an organization.
pub const MAX_ROLES_PER_MEMBER: usize = 50;
/// Invitations last 1–30 days; Auth0's default is 7.
pub const DEFAULT_INVITATION_DAYS: u32 = 7;
/// The longest validity Auth0 accepts.
pub const MAX_INVITATION_DAYS: u32 = 30;

/// A role as members carry it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RoleRef {
    /// `rol_…`.
    pub id: String,
    /// `data-scientist`.
    pub name: String,
}

/// A role of the catalogue, with what it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleInfo {
    /// `rol_…`.
    pub id: String,
    /// `data-scientist`.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The permissions it grants (`run:inference`).
    pub permissions: Vec<String>,
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The user's id (`auth0|…`).
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their avatar, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Their roles in this organization.
    #[serde(default)]
    pub roles: Vec<RoleRef>,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// `uinv_…`.
    pub id: String,
    /// Who is invited.
    pub invitee_email: String,
    /// Who invited them, as shown in the email.
    pub inviter_name: String,
    /// Roles they get on accepting.
    #[serde(default)]
    pub roles: Vec<RoleRef>,
    /// The connection they sign up on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
    /// The link that accepts it.
    pub invitation_url: String,
}

/// An email address, checked the way a sign-up form would: one `@`, a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses and lower-cases an email address.
    ///
    /// # Errors
    /// When it is not `local@domain.tld` or is longer than 254 characters.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let text = text.trim();
        let invalid = || ValidationError {
            field: "email".into(),
            message: format!("“{text}” is not an email address."),
        };
        if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(text.to_lowercase()))
    }

    /// The address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /api/orgs/{id}/invitations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInvitationInput {
    /// Who to invite.
    pub invitee_email: String,
    /// The name shown as the inviter.
    pub inviter_name: String,
    /// Role ids granted on acceptance; an empty list is not sent upstream.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The connection to sign up on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// Validity in days, 1–30 (7 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_days: Option<u32>,
    /// Whether Auth0 emails the invitation; otherwise only the link is produced.
    #[serde(default = "yes")]
    pub send_invitation_email: bool,
}

fn yes() -> bool {
    true
}

/// A validated invitation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// Who to invite.
    pub invitee_email: Email,
    /// Shown as the inviter.
    pub inviter_name: String,
    /// Role ids.
    pub roles: Vec<String>,
    /// Connection id.
    pub connection_id: Option<String>,
    /// Validity in days.
    pub ttl_days: u32,
    /// Send the email.
    pub send_invitation_email: bool,
    /// The exact expiry to keep, when a snapshot is restored into the embedded store; Auth0
    /// counts `ttl_days` from now.
    pub expires_at: Option<i64>,
}

impl NewInvitationInput {
    /// Checks every field.
    ///
    /// # Errors
    /// The first field that breaks its rule.
    pub fn parse(&self) -> Result<NewInvitation, ValidationError> {
        let invitee_email = Email::parse(&self.invitee_email).map_err(|e| e.at("invitee_email"))?;
        let inviter_name = self.inviter_name.trim();
        if inviter_name.is_empty() || inviter_name.chars().count() > 255 {
            return Err(ValidationError {
                field: "inviter_name".into(),
                message: "The inviter's name is required (at most 255 characters).".into(),
            });
        }
        let ttl_days = self.ttl_days.unwrap_or(DEFAULT_INVITATION_DAYS);
        if !(1..=MAX_INVITATION_DAYS).contains(&ttl_days) {
            return Err(ValidationError {
                field: "ttl_days".into(),
                message: format!("An invitation is valid for 1 to {MAX_INVITATION_DAYS} days."),
            });
        }
        if self.roles.len() > MAX_ROLES_PER_MEMBER {
            return Err(ValidationError {
                field: "roles".into(),
                message: format!("At most {MAX_ROLES_PER_MEMBER} roles."),
            });
        }
        let mut roles = self.roles.clone();
        roles.sort();
        roles.dedup();
        Ok(NewInvitation {
            invitee_email,
            inviter_name: inviter_name.to_owned(),
            roles,
            connection_id: self.connection_id.clone().filter(|c| !c.is_empty()),
            ttl_days,
            send_invitation_email: self.send_invitation_email,
            expires_at: None,
        })
    }
}

/// How long until `expires_at`, as people say it: "6 days", "3 h 20 min", "expired".
#[must_use]
pub fn expires_in(now: i64, expires_at: i64) -> String {
    let left = expires_at - now;
    if left <= 0 {
        return "expired".into();
    }
    let (days, hours, minutes, seconds) = (
        left / 86_400,
        left % 86_400 / 3600,
        left % 3600 / 60,
        left % 60,
    );
    match (days, hours, minutes) {
        (d, h, _) if d >= 2 => format!("{d} days {h} h"),
        (1, h, _) => format!("1 day {h} h"),
        (0, h, m) if h >= 1 => format!("{h} h {m} min"),
        (0, 0, m) if m >= 1 => format!("{m} min {seconds} s"),
        _ => format!("{seconds} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::parse(" User@Example.com ").map(String::from),
            Ok("user@example.com".into())
        );
        for bad in [
            "",
            "user",
            "user@",
            "@example.com",
            "user@example",
            "a b@example.com",
            "user@.com",
            "user@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invitations_default_to_seven_days_and_refuse_thirty_one() {
        let input = NewInvitationInput {
            invitee_email: "new@example.com".into(),
            inviter_name: "Omar".into(),
            ..NewInvitationInput::default()
        };
        assert_eq!(input.parse().map(|i| i.ttl_days), Ok(7));
        let long = NewInvitationInput {
            ttl_days: Some(31),
            ..input.clone()
        };
        assert_eq!(long.parse().map_err(|e| e.field), Err("ttl_days".into()));
        let zero = NewInvitationInput {
            ttl_days: Some(0),
            ..input.clone()
        };
        assert!(zero.parse().is_err());
        let bad = NewInvitationInput {
            invitee_email: "nope".into(),
            ..input
        };
        assert_eq!(
            bad.parse().map_err(|e| e.field),
            Err("invitee_email".into())
        );
    }

    #[test]
    fn countdowns_read_naturally() {
        assert_eq!(expires_in(0, 6 * 86_400 + 3600), "6 days 1 h");
        assert_eq!(expires_in(0, 86_400 + 7200), "1 day 2 h");
        assert_eq!(expires_in(0, 3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(expires_in(0, 125), "2 min 5 s");
        assert_eq!(expires_in(0, 9), "9 s");
        assert_eq!(expires_in(10, 10), "expired");
    }

    proptest! {
        #[test]
        fn any_simple_address_parses(local in "[a-z0-9._%+-]{1,20}", domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}") {
            let address = format!("{local}@{domain}");
            prop_assert!(Email::parse(&address).is_ok());
        }

        #[test]
        fn ttl_outside_one_to_thirty_is_refused(days in 0u32..100) {
            let input = NewInvitationInput {
                invitee_email: "a@example.com".into(),
                inviter_name: "A".into(),
                ttl_days: Some(days),
                ..NewInvitationInput::default()
            };
            prop_assert_eq!(input.parse().is_ok(), (1..=30).contains(&days));
        }
    }
}
