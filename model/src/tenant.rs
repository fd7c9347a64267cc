//! The tenant's own settings: name, logo, support contacts, the custom error page, and the
//! flags orgdesk shows but does not change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diff::{Change, ValueKind};
use crate::members::Email;
use crate::validate::ValidationError;

/// The custom error page Auth0 shows when sign-in fails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorPage {
    /// Liquid HTML of the page; empty when Auth0's own page is used.
    #[serde(default)]
    pub html: String,
    /// A page of the AI company's to redirect to instead; empty when unset.
    #[serde(default)]
    pub url: String,
    /// Whether the page shows a link to the sign-in log.
    #[serde(default)]
    pub show_log_link: bool,
}

/// The tenant's settings as orgdesk shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettings {
    /// The name people see on the sign-in page and in emails.
    #[serde(default)]
    pub friendly_name: String,
    /// The tenant's logo.
    #[serde(default)]
    pub picture_url: String,
    /// Where people write for help.
    #[serde(default)]
    pub support_email: String,
    /// Where people go for help.
    #[serde(default)]
    pub support_url: String,
    /// The custom error page.
    #[serde(default)]
    pub error_page: ErrorPage,
    /// Tenant flags (read-only in orgdesk).
    #[serde(default)]
    pub flags: BTreeMap<String, bool>,
}

/// A change to the settings; `None` leaves a field as it is, an empty text clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSettingsInput {
    /// New friendly name (cannot be cleared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// New logo address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_url: Option<String>,
    /// New support email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// New support page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// New error page, whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_page: Option<ErrorPage>,
    /// Flags to set; flags not named keep their value. Only an import sets them (never read
    /// from a request: the console shows them for reference).
    #[serde(skip)]
    pub flags: Option<BTreeMap<String, bool>>,
}

/// The longest friendly name Auth0 takes.
pub const FRIENDLY_NAME_MAX: usize = 255;
/// The largest error page orgdesk sends (the API takes at most 64 KB per request).
pub const ERROR_PAGE_MAX: usize = 32 * 1024;

fn https_url(value: &str, field: &str, what: &str) -> Result<String, ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let error = |message: String| ValidationError {
        field: field.to_owned(),
        message,
    };
    if value.len() > 2048 {
        return Err(error(format!("{what} has at most 2048 characters.")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(error(format!("{what} cannot contain spaces.")));
    }
    let rest = value
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .map(|_| &value[8..])
        .ok_or_else(|| error(format!("{what} must start with https://.")))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return Err(error(format!("{what} needs a host name after https://.")));
    }
    if authority.contains('@') {
        return Err(error(format!(
            "{what} cannot carry a user name or password."
        )));
    }
    Ok(value.to_owned())
}

impl TenantSettingsInput {
    /// Checks every field and returns the change with values normalised.
    ///
    /// # Errors
    /// The first field that breaks its rule, named as in the API (`support_email`,
    /// `error_page.url`, …).
    pub fn parse(&self) -> Result<Self, ValidationError> {
        let friendly_name = match &self.friendly_name {
            None => None,
            Some(name) => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(ValidationError {
                        field: "friendly_name".into(),
                        message: "The tenant needs a name.".into(),
                    });
                }
                if name.chars().count() > FRIENDLY_NAME_MAX {
                    return Err(ValidationError {
                        field: "friendly_name".into(),
                        message: format!("A name has at most {FRIENDLY_NAME_MAX} characters."),
                    });
                }
                Some(name.to_owned())
            }
        };
        let support_email = match &self.support_email {
            None => None,
            Some(email) if email.trim().is_empty() => Some(String::new()),
            Some(email) => Some(
                Email::parse(email)
                    .map_err(|e| e.at("support_email"))?
                    .as_str()
                    .to_owned(),
            ),
        };
        let error_page = match &self.error_page {
            None => None,
            Some(page) => {
                if page.html.len() > ERROR_PAGE_MAX {
                    return Err(ValidationError {
                        field: "error_page.html".into(),
                        message: format!(
                            "The error page has at most {} KB of HTML.",
                            ERROR_PAGE_MAX / 1024
                        ),
                    });
                }
                Some(ErrorPage {
                    html: page.html.clone(),
                    url: https_url(&page.url, "error_page.url", "The error page address")?,
                    show_log_link: page.show_log_link,
                })
            }
        };
        Ok(Self {
            friendly_name,
            picture_url: self
                .picture_url
                .as_deref()
                .map(|u| https_url(u, "picture_url", "A logo address"))
                .transpose()?,
            support_email,
            support_url: self
                .support_url
                .as_deref()
                .map(|u| https_url(u, "support_url", "A support address"))
                .transpose()?,
            error_page,
            flags: self.flags.clone(),
        })
    }

    /// Whether it changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl TenantSettings {
    /// The settings after `change` (already parsed).
    #[must_use]
    pub fn apply(&self, change: &TenantSettingsInput) -> Self {
        let mut next = self.clone();
        if let Some(v) = &change.friendly_name {
            next.friendly_name.clone_from(v);
        }
        if let Some(v) = &change.picture_url {
            next.picture_url.clone_from(v);
        }
        if let Some(v) = &change.support_email {
            next.support_email.clone_from(v);
        }
        if let Some(v) = &change.support_url {
            next.support_url.clone_from(v);
        }
        if let Some(v) = &change.error_page {
            next.error_page = v.clone();
        }
        if let Some(flags) = &change.flags {
            next.flags
                .extend(flags.iter().map(|(k, v)| (k.clone(), *v)));
        }
        next
    }

    /// Every field that differs, for the confirmation before saving and the audit log.
    #[must_use]
    pub fn changes(&self, after: &Self) -> Vec<Change> {
        let text = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        let rows = [
            (
                "friendly_name",
                "Name",
                &self.friendly_name,
                &after.friendly_name,
            ),
            ("picture_url", "Logo", &self.picture_url, &after.picture_url),
            (
                "support_email",
                "Support email",
                &self.support_email,
                &after.support_email,
            ),
            (
                "support_url",
                "Support page",
                &self.support_url,
                &after.support_url,
            ),
            (
                "error_page.url",
                "Error page address",
                &self.error_page.url,
                &after.error_page.url,
            ),
            (
                "error_page.html",
                "Error page HTML",
                &self.error_page.html,
                &after.error_page.html,
            ),
        ];
        let mut changes: Vec<Change> = rows
            .into_iter()
            .filter(|(_, _, before, after)| before != after)
            .map(|(field, label, before, after)| Change {
                field: field.into(),
                label: label.into(),
                kind: ValueKind::Text,
                before: text(before),
                after: text(after),
            })
            .collect();
        if self.error_page.show_log_link != after.error_page.show_log_link {
            let yes_no = |b: bool| Some(if b { "shown" } else { "hidden" }.to_owned());
            changes.push(Change {
                field: "error_page.show_log_link".into(),
                label: "Log link on the error page".into(),
                kind: ValueKind::Text,
                before: yes_no(self.error_page.show_log_link),
                after: yes_no(after.error_page.show_log_link),
            });
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_is_checked_and_named() {
        let bad = |input: TenantSettingsInput| input.parse().expect_err("refused").field;
        assert_eq!(
            bad(TenantSettingsInput {
                friendly_name: Some("  ".into()),
                ..Default::default()
            }),
            "friendly_name"
        );
        assert_eq!(
            bad(TenantSettingsInput {
                support_email: Some("help".into()),
                ..Default::default()
            }),
            "support_email"
        );
        assert_eq!(
            bad(TenantSettingsInput {
                support_url: Some("http://support.example.com".into()),
                ..Default::default()
            }),
            "support_url"
        );
        assert_eq!(
            bad(TenantSettingsInput {
                picture_url: Some("https://user:pw@example.com/logo.png".into()),
                ..Default::default()
            }),
            "picture_url"
        );
        assert_eq!(
            bad(TenantSettingsInput {
                error_page: Some(ErrorPage {
                    url: "javascript:alert(1)".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            "error_page.url"
        );
    }

    #[test]
    fn values_are_normalised_and_empty_text_clears() {
        let parsed = TenantSettingsInput {
            friendly_name: Some("  My AI Application ".into()),
            support_email: Some("Support@Example.com".into()),
            support_url: Some(String::new()),
            ..Default::default()
        }
        .parse()
        .expect("valid");
        assert_eq!(parsed.friendly_name.as_deref(), Some("My AI Application"));
        assert_eq!(parsed.support_email.as_deref(), Some("support@example.com"));
        assert_eq!(parsed.support_url.as_deref(), Some(""));
    }

    #[test]
    fn changes_list_what_differs() {
        let before = TenantSettings {
            friendly_name: "A".into(),
            ..Default::default()
        };
        let after = before.apply(&TenantSettingsInput {
            friendly_name: Some("B".into()),
            error_page: Some(ErrorPage {
                show_log_link: true,
                ..Default::default()
            }),
            ..Default::default()
        });
        let changes = before.changes(&after);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].before.as_deref(), Some("A"));
        assert_eq!(changes[1].after.as_deref(), Some("shown"));
    }
}
