//! An organization's verified domains (Auth0's organization discovery domains): the rules a
//! domain name must meet, the TXT record that proves it is the customer's, and what a check of
//! that record found.

use serde::{Deserialize, Serialize};

use crate::diff::{Change, ValueKind};
use crate::validate::ValidationError;

/// The longest domain name DNS allows.
pub const MAX_DOMAIN_LEN: usize = 253;

/// Where a domain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainStatus {
    /// Added; its TXT record has not been found yet.
    Pending,
    /// Its TXT record was found with the expected value.
    Verified,
    /// The last check did not find the expected TXT record.
    Failed,
}

impl DomainStatus {
    /// How people call it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Verified => "Verified",
            Self::Failed => "Failed",
        }
    }
}

/// The TXT record that proves the domain is the organization's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainVerification {
    /// The record's name (`_ss-verification.org_….example.com`).
    pub txt_host: String,
    /// The value the record must carry.
    pub txt_value: String,
}

/// One of an organization's domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// The directory's id (`ord_…`).
    pub id: String,
    /// The domain name, lower case.
    pub domain: String,
    /// Pending, verified or failed.
    pub status: DomainStatus,
    /// The record to publish.
    pub verification: DomainVerification,
    /// Whether sign-in sends people with an address at this domain to this organization
    /// (home realm discovery).
    pub use_for_organization_discovery: bool,
    /// When orgdesk last looked the record up (RFC 3339), if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_checked_at: Option<String>,
    /// What that check found, in words, when it did not verify the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check_message: Option<String>,
}

/// An organization's domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainList {
    /// Every domain, in the order they were added.
    pub items: Vec<Domain>,
}

/// `POST /api/orgs/{id}/domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDomainInput {
    /// The domain to add.
    pub domain: String,
}

/// `PATCH /api/orgs/{id}/domains/{domain_id}`: only discovery can be switched; the status is
/// orgdesk's to set, after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainPatchInput {
    /// Use the domain for organization discovery, or stop.
    pub use_for_organization_discovery: bool,
}

/// A domain name that meets every rule: lower case, no trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    /// Checks a domain name a person typed: a registrable name such as `example.com` or
    /// `ai.example.co.uk`, not an address, `localhost`, a wildcard or a bare public suffix
    /// (`co.uk`). The public suffix list is consulted where it is compiled in (the proxy, feature
    /// `psl`); the form checks the rest as the person types, and the proxy checks all of it.
    ///
    /// # Errors
    /// The first rule broken, on the field `domain`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let err = |message: String| Err(ValidationError::new("domain", message));
        let name = input.trim().trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return err("A domain is required, such as example.com.".into());
        }
        if name.contains("://") || name.contains('/') || name.contains('@') {
            return err("Only the domain, such as example.com: no address, path or email.".into());
        }
        if name.contains('*') {
            return err("A wildcard cannot be verified: add each domain itself.".into());
        }
        if name.parse::<std::net::IpAddr>().is_ok()
            || name
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        {
            return err("An IP address is not a domain.".into());
        }
        if let Some(c) = name.chars().find(|c| !c.is_ascii()) {
            return err(format!(
                "“{c}” is not allowed: write an internationalised domain in its xn-- form."
            ));
        }
        if name.len() > MAX_DOMAIN_LEN {
            return err(format!(
                "A domain has at most {MAX_DOMAIN_LEN} characters; this one has {}.",
                name.len()
            ));
        }
        if name == "localhost" || name.ends_with(".localhost") {
            return err("localhost is not a domain anyone can prove to own.".into());
        }
        let labels: Vec<&str> = name.split('.').collect();
        for label in &labels {
            if label.is_empty() {
                return err("A domain has no empty parts (two dots in a row).".into());
            }
            if label.len() > 63 {
                return err(format!(
                    "“{label}” is longer than the 63 characters DNS allows."
                ));
            }
            if let Some(c) = label
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
            {
                return err(format!(
                    "“{c}” is not allowed: letters, digits and “-” only."
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return err(format!("“{label}” cannot begin or end with “-”."));
            }
        }
        if labels.len() < 2 {
            return err(format!(
                "“{name}” is a top-level domain; add the organization's own, such as {name}.example."
            ));
        }
        if labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
        {
            return err("The last part of a domain is never only digits.".into());
        }
        #[cfg(feature = "psl")]
        {
            // A name under a top-level domain the list does not know (such as the reserved
            // `.example`) counts as registrable below it, as browsers treat it.
            if psl::domain(name.as_bytes()).is_none() {
                return err(format!(
                    "“{name}” is a public suffix, shared by everyone who registers under it: add the organization's own domain."
                ));
            }
        }
        Ok(Self(name))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why adding this domain deserves a second thought, if it does.
    #[must_use]
    pub fn warning(&self) -> Option<String> {
        free_email_provider(&self.0).then(|| {
            format!(
                "{} is a free email provider: anyone can have an address there, so it proves nothing about who works for this organization. Verify your company's own domain instead.",
                self.0
            )
        })
    }
}

impl TryFrom<String> for DomainName {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DomainName> for String {
    fn from(name: DomainName) -> Self {
        name.0
    }
}

impl std::fmt::Display for DomainName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Domains where anyone can get an address.
const FREE_EMAIL_PROVIDERS: &[&str] = &[
    "163.com",
    "aol.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

/// Whether `domain` is a free email provider's.
#[must_use]
pub fn free_email_provider(domain: &str) -> bool {
    FREE_EMAIL_PROVIDERS.contains(&domain)
}

/// What a look-up of the TXT record found, against what it must carry: `Ok` when one of the
/// records carries exactly the expected value.
///
/// # Errors
/// Words for the person: nothing found, or what was found instead.
pub fn check_txt(verification: &DomainVerification, found: &[String]) -> Result<(), String> {
    if found.iter().any(|v| v.trim() == verification.txt_value) {
        return Ok(());
    }
    if found.is_empty() {
        return Err(format!(
            "No TXT record was found at {}.",
            verification.txt_host
        ));
    }
    let values: Vec<String> = found.iter().map(|v| format!("“{v}”")).collect();
    Err(format!(
        "Found {} at {}, but the record must be “{}”.",
        values.join(", "),
        verification.txt_host,
        verification.txt_value
    ))
}

/// The audit's lines for switching discovery.
#[must_use]
pub fn discovery_change(domain: &str, before: bool, after: bool) -> Vec<Change> {
    if before == after {
        return Vec::new();
    }
    let word = |on: bool| if on { "on" } else { "off" }.to_owned();
    vec![Change {
        field: format!("domains.{domain}.use_for_organization_discovery"),
        label: format!("Organization discovery for {domain}"),
        kind: ValueKind::Text,
        before: Some(word(before)),
        after: Some(word(after)),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(input: &str) -> String {
        DomainName::parse(input).expect_err(input).message
    }

    #[test]
    fn a_registrable_domain_is_kept_in_lower_case_without_its_dot() {
        assert_eq!(
            DomainName::parse(" AI-Organization.Example. ").map(String::from),
            Ok("ai-organization.example".to_owned())
        );
        assert!(DomainName::parse("ai.example.co.uk").is_ok());
        assert!(DomainName::parse("xn--bcher-kva.example").is_ok());
    }

    #[test]
    fn addresses_wildcards_and_localhost_are_refused_with_reasons() {
        assert!(refused("10.0.0.1").contains("IP address"));
        assert!(refused("::1").contains("IP address"));
        assert!(refused("*.example.com").contains("wildcard"));
        assert!(refused("localhost").contains("localhost"));
        assert!(refused("app.localhost").contains("localhost"));
        assert!(refused("com").contains("top-level"));
        assert!(refused("a..example").contains("two dots"));
        assert!(refused("-a.example").contains("begin or end"));
        assert!(refused("a_b.example").contains("“_”"));
        assert!(refused("bücher.example").contains("xn--"));
        assert!(refused("https://example.com").contains("Only the domain"));
        assert!(refused("me@example.com").contains("Only the domain"));
        assert!(refused("example.123").contains("digits"));
        assert_eq!(DomainName::parse("").expect_err("empty").field, "domain");
    }

    #[cfg(feature = "psl")]
    #[test]
    fn a_bare_public_suffix_is_refused() {
        assert!(refused("co.uk").contains("public suffix"));
        assert!(refused("github.io").contains("public suffix"));
        assert!(DomainName::parse("acme.github.io").is_ok());
        assert!(DomainName::parse("ai-organization.example").is_ok());
    }

    #[test]
    fn free_email_providers_are_warned_about_but_allowed() {
        let gmail = DomainName::parse("Gmail.com").expect("allowed");
        assert!(gmail
            .warning()
            .is_some_and(|w| w.contains("free email provider")));
        assert_eq!(DomainName::parse("acme.com").expect("ok").warning(), None);
    }

    #[test]
    fn the_txt_check_says_what_it_found() {
        let v = DomainVerification {
            txt_host: "_ss-verification.org_1.acme.com".into(),
            txt_value: "abc123".into(),
        };
        assert_eq!(check_txt(&v, &["other".into(), "abc123".into()]), Ok(()));
        assert!(check_txt(&v, &[])
            .expect_err("nothing")
            .contains("No TXT record was found at _ss-verification.org_1.acme.com"));
        let wrong = check_txt(&v, &["abc124".into()]).expect_err("wrong");
        assert!(
            wrong.contains("“abc124”") && wrong.contains("“abc123”"),
            "{wrong}"
        );
    }
}
