//! An organization in Auth0's own shape: unset keys are absent, never null.

use serde::{Deserialize, Serialize};

use crate::validate::{Color, DisplayName, LogoUrl, Metadata, OrgId, OrgName};

/// One customer of the AI product, as Auth0 stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Auth0's id, `org_…`.
    pub id: OrgId,
    /// The name used in URLs and sign-in.
    pub name: OrgName,
    /// The name people see; Auth0 allows it to be unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
    /// Logo and colours of the org's sign-in page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    /// Free-form string metadata (AI models, data region, quota, …).
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

impl Organization {
    /// The display name, or the name when none is set.
    #[must_use]
    pub fn label(&self) -> &str {
        self.display_name
            .as_ref()
            .map_or(self.name.as_str(), DisplayName::as_str)
    }

    /// The primary brand colour, if set.
    #[must_use]
    pub fn primary_color(&self) -> Option<&Color> {
        self.branding
            .as_ref()
            .and_then(|b| b.colors.as_ref())
            .and_then(|c| c.primary.as_ref())
    }

    /// The logo address, if set.
    #[must_use]
    pub fn logo_url(&self) -> Option<&LogoUrl> {
        self.branding.as_ref().and_then(|b| b.logo_url.as_ref())
    }

    /// Up to two letters that stand for the organization where no logo can be shown.
    #[must_use]
    pub fn initials(&self) -> String {
        initials(self.label())
    }
}

/// The letters shown in place of a logo or an avatar: the first letter of the first two words.
#[must_use]
pub fn initials(label: &str) -> String {
    label
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Sign-in page branding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    /// The logo shown at the top of the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<LogoUrl>,
    /// The colours of the sign-in page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Colors>,
}

/// Sign-in page colours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colors {
    /// Buttons and links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Color>,
    /// Behind the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_background: Option<Color>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_shape_round_trips_with_absent_keys_omitted() {
        let json = r##"{"id":"org_abc123","name":"ai-organization","display_name":"AI Organization","branding":{"logo_url":"https://cdn.example.com/logo.png","colors":{"primary":"#0000FF"}},"metadata":{"tenant_id":"tenant12345"}}"##;
        let org: Organization = serde_json::from_str(json).expect("valid organization");
        assert_eq!(org.primary_color().map(Color::as_str), Some("#0000ff"));
        assert_eq!(org.metadata.get("tenant_id"), Some("tenant12345"));
        let back = serde_json::to_value(&org).expect("serialises");
        assert_eq!(back["branding"]["colors"].get("page_background"), None);

        let bare: Organization =
            serde_json::from_str(r#"{"id":"org_x1","name":"bare"}"#).expect("minimal org");
        assert_eq!(
            serde_json::to_string(&bare).ok().as_deref(),
            Some(r#"{"id":"org_x1","name":"bare"}"#)
        );
        assert_eq!(bare.label(), "bare");
    }

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("AI Organization"), "AO");
        assert_eq!(initials("acme-robotics"), "AR");
        assert_eq!(initials("  élan "), "É");
        assert_eq!(initials(""), "");
    }
}
