//! What a person submits to create or change an organization, as raw text, and its parsing into
//! validated values. The form and the proxy run the same parsing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::org::{Branding, Colors, Organization};
use crate::validate::{Color, DisplayName, LogoUrl, Metadata, OrgId, OrgName, ValidationError};

/// Branding as typed: empty text means "not set".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingInput {
    /// The logo address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The colours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<ColorsInput>,
}

/// Colours as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColorsInput {
    /// Buttons and links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Behind the sign-in box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_background: Option<String>,
}

fn non_empty(text: Option<&String>) -> Option<&str> {
    text.map(|t| t.trim()).filter(|t| !t.is_empty())
}

/// Parses one colour field, reporting errors under its API name.
///
/// # Errors
/// When the text is not a colour.
pub fn parse_color(text: &str, field: &str) -> Result<Color, ValidationError> {
    Color::parse(text.trim()).map_err(|e| e.at(field))
}

impl BrandingInput {
    /// The typed values of a branding.
    #[must_use]
    pub fn from_branding(branding: Option<&Branding>) -> Self {
        let colors = branding.and_then(|b| b.colors.as_ref());
        Self {
            logo_url: branding
                .and_then(|b| b.logo_url.as_ref())
                .map(ToString::to_string),
            colors: Some(ColorsInput {
                primary: colors
                    .and_then(|c| c.primary.as_ref())
                    .map(ToString::to_string),
                page_background: colors
                    .and_then(|c| c.page_background.as_ref())
                    .map(ToString::to_string),
            }),
        }
    }

    /// Checks every field; `None` when nothing is set at all.
    ///
    /// # Errors
    /// The first field that breaks its rule, named as in the API.
    pub fn parse(&self) -> Result<Option<Branding>, ValidationError> {
        let logo_url = non_empty(self.logo_url.as_ref())
            .map(LogoUrl::parse)
            .transpose()?;
        let colors = self.colors.as_ref();
        let primary = non_empty(colors.and_then(|c| c.primary.as_ref()))
            .map(|c| parse_color(c, "branding.colors.primary"))
            .transpose()?;
        let page_background = non_empty(colors.and_then(|c| c.page_background.as_ref()))
            .map(|c| parse_color(c, "branding.colors.page_background"))
            .transpose()?;
        let colors = (primary.is_some() || page_background.is_some()).then_some(Colors {
            primary,
            page_background,
        });
        Ok((logo_url.is_some() || colors.is_some()).then_some(Branding { logo_url, colors }))
    }
}

/// `POST /api/orgs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrgInput {
    /// The name (`[a-z0-9_-]`, 1–50).
    pub name: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Branding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<BrandingInput>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// A validated new organization (metadata is checked against the schema separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    /// The id to keep, when a snapshot is restored into the embedded store; Auth0 assigns
    /// its own and ignores it.
    pub id: Option<OrgId>,
    /// The name.
    pub name: OrgName,
    /// The display name.
    pub display_name: Option<DisplayName>,
    /// Branding.
    pub branding: Option<Branding>,
    /// Metadata, within Auth0's budget.
    pub metadata: Metadata,
}

impl NewOrgInput {
    /// Checks every field.
    ///
    /// # Errors
    /// The first field that breaks its rule.
    pub fn parse(&self) -> Result<NewOrg, ValidationError> {
        Ok(NewOrg {
            id: None,
            name: OrgName::parse(self.name.trim())?,
            display_name: non_empty(self.display_name.as_ref())
                .map(DisplayName::parse)
                .transpose()?,
            branding: self
                .branding
                .as_ref()
                .map(BrandingInput::parse)
                .transpose()?
                .flatten(),
            metadata: Metadata::parse(self.metadata.clone())?,
        })
    }
}

/// `PATCH /api/orgs/{id}`: only the parts present change. Metadata is replaced whole (as Auth0
/// does), so it comes with the metadata it was edited from, to detect a concurrent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPatchInput {
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New branding (the whole of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<BrandingInput>,
    /// New metadata (the whole of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The metadata the editor started from; required with `metadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_metadata: Option<BTreeMap<String, String>>,
}

/// A validated change (metadata values are checked against the schema separately).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgPatch {
    /// New display name.
    pub display_name: Option<DisplayName>,
    /// New branding; `Some(None)` clears it.
    pub branding: Option<Option<Branding>>,
    /// New metadata, raw: the schema check normalises it.
    pub metadata: Option<BTreeMap<String, String>>,
    /// What the editor started from.
    pub base_metadata: Option<BTreeMap<String, String>>,
}

impl OrgPatchInput {
    /// Checks every field.
    ///
    /// # Errors
    /// The first field that breaks its rule, or metadata without the base it was edited from.
    pub fn parse(&self) -> Result<OrgPatch, ValidationError> {
        if self.metadata.is_some() && self.base_metadata.is_none() {
            return Err(ValidationError {
                field: "base_metadata".into(),
                message: "Send the metadata you edited from as base_metadata, so that a concurrent change is not overwritten.".into(),
            });
        }
        if self.display_name.is_none() && self.branding.is_none() && self.metadata.is_none() {
            return Err(ValidationError {
                field: String::new(),
                message: "Nothing to change.".into(),
            });
        }
        Ok(OrgPatch {
            display_name: self
                .display_name
                .as_deref()
                .map(DisplayName::parse)
                .transpose()?,
            branding: self
                .branding
                .as_ref()
                .map(BrandingInput::parse)
                .transpose()?,
            metadata: self.metadata.clone(),
            base_metadata: self.base_metadata.clone(),
        })
    }
}

/// The organization after a change whose metadata has been checked.
#[must_use]
pub fn apply(org: &Organization, patch: &OrgPatch, metadata: Option<Metadata>) -> Organization {
    let mut after = org.clone();
    if let Some(name) = &patch.display_name {
        after.display_name = Some(name.clone());
    }
    if let Some(branding) = &patch.branding {
        after.branding.clone_from(branding);
    }
    if let Some(metadata) = metadata {
        after.metadata = metadata;
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branding_errors_name_the_field() {
        let input = BrandingInput {
            logo_url: Some("javascript:alert(1)".into()),
            colors: None,
        };
        assert_eq!(
            input.parse().map_err(|e| e.field),
            Err("branding.logo_url".into())
        );
        let input = BrandingInput {
            logo_url: None,
            colors: Some(ColorsInput {
                primary: Some("#12345".into()),
                page_background: None,
            }),
        };
        assert_eq!(
            input.parse().map_err(|e| e.field),
            Err("branding.colors.primary".into())
        );
    }

    #[test]
    fn empty_branding_fields_mean_unset() {
        let input = BrandingInput {
            logo_url: Some("  ".into()),
            colors: Some(ColorsInput {
                primary: Some(String::new()),
                page_background: Some("#ABC".into()),
            }),
        };
        let branding = input.parse().expect("valid").expect("something set");
        assert_eq!(branding.logo_url, None);
        assert_eq!(
            branding
                .colors
                .and_then(|c| c.page_background)
                .map(String::from),
            Some("#aabbcc".into())
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<OrgPatchInput>(r#"{"display_name":"A","id":"org_x"}"#)
            .expect_err("unknown field");
        assert!(err.to_string().contains("unknown field `id`"), "{err}");
    }

    #[test]
    fn metadata_needs_its_base() {
        let input = OrgPatchInput {
            metadata: Some(BTreeMap::new()),
            ..OrgPatchInput::default()
        };
        assert_eq!(
            input.parse().map_err(|e| e.field),
            Err("base_metadata".into())
        );
    }
}
