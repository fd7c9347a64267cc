//! Single sign-on set up by the customer's own IT admin: the link orgdesk makes for them (Auth0's
//! self-service SSO ticket), and the identity provider details the set-up asks for.

use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

/// The shortest life a set-up link may have.
pub const MIN_TICKET_TTL_SECS: u32 = 5 * 60;
/// The longest (Auth0's limit: 30 days).
pub const MAX_TICKET_TTL_SECS: u32 = 30 * 24 * 3600;
/// A link's life unless the admin asks otherwise: long enough for an IT admin to find a slot.
pub const DEFAULT_TICKET_TTL_SECS: u32 = 5 * 24 * 3600;

/// `POST /api/orgs/{id}/sso-ticket`: optional settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoTicketInput {
    /// How long the link works, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
}

impl SsoTicketInput {
    /// The link's life in seconds.
    ///
    /// # Errors
    /// On `ttl_sec` outside five minutes to 30 days.
    pub fn ttl(self) -> Result<u32, ValidationError> {
        let ttl = self.ttl_sec.unwrap_or(DEFAULT_TICKET_TTL_SECS);
        if (MIN_TICKET_TTL_SECS..=MAX_TICKET_TTL_SECS).contains(&ttl) {
            Ok(ttl)
        } else {
            Err(ValidationError::new(
                "ttl_sec",
                "A set-up link lives between 5 minutes and 30 days.",
            ))
        }
    }
}

/// The link, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoTicket {
    /// orgdesk's id of the link (not the link's secret).
    pub id: String,
    /// The address the IT admin opens.
    pub url: String,
    /// When it stops working (RFC 3339).
    pub expires_at: String,
}

/// `PATCH /api/orgs/{id}/sso-connections/{connection_id}`: whether people who sign in through
/// the organization's single sign-on connection join it (Auth0's `assign_membership_on_login`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoJoinInput {
    /// Join on first sign-in.
    pub assign_membership_on_login: bool,
}

/// Who auto-join lets in, in words, for the connection `connection` and the organization's
/// verified domains; `None` when no domain is verified, which auto-join needs.
#[must_use]
pub fn auto_join_reach(connection: &str, org: &str, verified: &[String]) -> Option<String> {
    if verified.is_empty() {
        return None;
    }
    let domains = verified
        .iter()
        .map(|d| format!("@{d}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "Everyone your identity provider lets sign in through {connection} (addresses at {domains}) becomes a member of {org} the first time they sign in, with no role until one is given. Someone removed at the identity provider can no longer sign in, but stays a member here until removed."
    ))
}

/// The kinds of identity provider the set-up offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SsoProvider {
    /// Any SAML 2.0 identity provider.
    #[serde(rename = "samlp")]
    Saml,
    /// Any OpenID Connect provider.
    #[serde(rename = "oidc")]
    Oidc,
    /// Okta Workforce.
    #[serde(rename = "okta")]
    Okta,
    /// Microsoft Entra ID.
    #[serde(rename = "waad")]
    EntraId,
}

impl SsoProvider {
    /// Every provider, in the order offered.
    pub const ALL: [SsoProvider; 4] = [Self::Saml, Self::Oidc, Self::Okta, Self::EntraId];

    /// Auth0's strategy name.
    #[must_use]
    pub fn strategy(self) -> &'static str {
        match self {
            Self::Saml => "samlp",
            Self::Oidc => "oidc",
            Self::Okta => "okta",
            Self::EntraId => "waad",
        }
    }

    /// How people call it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Saml => "SAML",
            Self::Oidc => "OpenID Connect",
            Self::Okta => "Okta",
            Self::EntraId => "Microsoft Entra ID",
        }
    }

    /// The provider of an Auth0 strategy name.
    #[must_use]
    pub fn of_strategy(strategy: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.strategy() == strategy)
    }
}

/// What the IT admin enters on the set-up page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoSetupInput {
    /// `samlp`, `oidc`, `okta` or `waad`.
    pub strategy: String,
    /// SAML: the identity provider's metadata address.
    #[serde(default)]
    pub metadata_url: String,
    /// OpenID Connect: the issuer (its discovery document is under it); Okta: the Okta domain;
    /// Entra ID: the tenant's domain.
    #[serde(default)]
    pub issuer: String,
    /// OpenID Connect, Okta and Entra ID: the application's client id at the provider.
    #[serde(default)]
    pub client_id: String,
}

/// A set-up that meets every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSetup {
    /// The kind of provider.
    pub provider: SsoProvider,
    /// The metadata address (SAML) or the issuer or domain (the others).
    pub endpoint: String,
    /// The client id, for all but SAML.
    pub client_id: Option<String>,
}

fn https_url(field: &str, value: &str, what: &str) -> Result<String, ValidationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ValidationError::new(field, format!("{what} is required.")));
    }
    let rest = value
        .strip_prefix("https://")
        .ok_or_else(|| ValidationError::new(field, format!("{what} must start with https://.")))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') || value.contains(char::is_whitespace) {
        return Err(ValidationError::new(
            field,
            format!("{what} needs a host name, such as https://idp.example.com/…"),
        ));
    }
    Ok(value.to_owned())
}

impl SsoSetupInput {
    /// Checks what was entered for the chosen provider.
    ///
    /// # Errors
    /// The first field at fault.
    pub fn check(&self) -> Result<SsoSetup, ValidationError> {
        let provider = SsoProvider::of_strategy(&self.strategy)
            .ok_or_else(|| ValidationError::new("strategy", "Choose your identity provider."))?;
        let client_id = || {
            let id = self.client_id.trim();
            if id.is_empty() || id.len() > 255 || id.contains(char::is_whitespace) {
                Err(ValidationError::new(
                    "client_id",
                    "The client id your identity provider gave this application is required (no spaces).",
                ))
            } else {
                Ok(Some(id.to_owned()))
            }
        };
        let (endpoint, client_id) = match provider {
            SsoProvider::Saml => (
                https_url("metadata_url", &self.metadata_url, "The metadata URL")?,
                None,
            ),
            SsoProvider::Oidc => (
                https_url("issuer", &self.issuer, "The issuer URL")?,
                client_id()?,
            ),
            SsoProvider::Okta | SsoProvider::EntraId => {
                let domain = self.issuer.trim().trim_start_matches("https://");
                let domain = domain.trim_end_matches('/');
                crate::domains::DomainName::parse(domain).map_err(|e| e.at("issuer"))?;
                (domain.to_ascii_lowercase(), client_id()?)
            }
        };
        Ok(SsoSetup {
            provider,
            endpoint,
            client_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(strategy: &str, metadata_url: &str, issuer: &str, client_id: &str) -> SsoSetupInput {
        SsoSetupInput {
            strategy: strategy.into(),
            metadata_url: metadata_url.into(),
            issuer: issuer.into(),
            client_id: client_id.into(),
        }
    }

    #[test]
    fn each_provider_asks_for_its_own_fields() {
        let saml = input("samlp", "https://idp.acme.example/metadata.xml", "", "")
            .check()
            .expect("saml");
        assert_eq!(saml.provider, SsoProvider::Saml);
        assert_eq!(saml.client_id, None);
        let oidc = input("oidc", "", "https://login.acme.example/", "abc")
            .check()
            .expect("oidc");
        assert_eq!(oidc.client_id.as_deref(), Some("abc"));
        let okta = input("okta", "", "https://Acme.okta.com/", "0oa1")
            .check()
            .expect("okta");
        assert_eq!(okta.endpoint, "acme.okta.com");
    }

    #[test]
    fn missing_or_wrong_fields_are_named() {
        assert_eq!(
            input("", "", "", "").check().expect_err("none").field,
            "strategy"
        );
        let e = input("samlp", "http://idp.acme.example/m", "", "")
            .check()
            .expect_err("http");
        assert_eq!(e.field, "metadata_url");
        assert!(e.message.contains("https://"));
        assert_eq!(
            input("oidc", "", "https://login.acme.example", "")
                .check()
                .expect_err("no client")
                .field,
            "client_id"
        );
        assert_eq!(
            input("waad", "", "not a domain", "x")
                .check()
                .expect_err("domain")
                .field,
            "issuer"
        );
    }

    #[test]
    fn auto_join_says_who_it_lets_in_and_needs_a_verified_domain() {
        assert_eq!(auto_join_reach("acme-samlp", "Acme", &[]), None);
        let words = auto_join_reach("acme-samlp", "Acme", &["acme.com".into()]).expect("words");
        assert!(
            words.contains("@acme.com") && words.contains("member of Acme"),
            "{words}"
        );
    }

    #[test]
    fn a_link_lives_between_five_minutes_and_thirty_days() {
        assert_eq!(SsoTicketInput::default().ttl(), Ok(DEFAULT_TICKET_TTL_SECS));
        assert!(SsoTicketInput { ttl_sec: Some(60) }.ttl().is_err());
        assert!(SsoTicketInput {
            ttl_sec: Some(MAX_TICKET_TTL_SECS + 1)
        }
        .ttl()
        .is_err());
    }
}
