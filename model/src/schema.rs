//! The metadata schema: which keys an organization's metadata holds (AI models, data region,
//! quota, …), what values each takes, and who may change it. Declared in the proxy's config.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::Role;
use crate::validate::{Metadata, ValidationError, METADATA_MAX_VALUE_LEN};

/// Who may change a metadata key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Editor {
    /// Platform admins only.
    PlatformAdmin,
    /// Platform admins and the organization's own admins.
    OrgAdmin,
}

/// What values a key takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// Any text within Auth0's 255 characters.
    Text,
    /// A whole number, optionally bounded.
    Number {
        /// Smallest allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Largest allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// One of a list.
    OneOf {
        /// The allowed values.
        values: Vec<String>,
    },
    /// Any number of a list, stored as one comma-separated string.
    ManyOf {
        /// The allowed values.
        values: Vec<String>,
    },
}

/// One key of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataField {
    /// The metadata key.
    pub key: String,
    /// How the form names it.
    pub label: String,
    /// Help text under the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Its values.
    #[serde(flatten)]
    pub kind: FieldKind,
    /// Who may change it.
    #[serde(default = "platform_admin")]
    pub editable_by: Editor,
    /// Set when the organization is created and never changed after.
    #[serde(default)]
    pub locked_after_create: bool,
    /// The token claim (under the configured namespace) that carries it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
}

fn platform_admin() -> Editor {
    Editor::PlatformAdmin
}

/// Why a metadata change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataRuleError {
    /// A value breaks its key's rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The caller may not change this key.
    #[error("{message}")]
    NotEditable {
        /// The key.
        key: String,
        /// Why.
        message: String,
    },
}

impl MetadataField {
    /// Checks one value and returns it normalised (numbers without leading zeros, many-of
    /// values de-duplicated in the schema's order).
    ///
    /// # Errors
    /// When the value does not fit the key's kind.
    pub fn parse_value(&self, raw: &str) -> Result<String, ValidationError> {
        let field = format!("metadata.{}", self.key);
        let invalid = |message: String| ValidationError {
            field: field.clone(),
            message,
        };
        let raw = raw.trim();
        let value = match &self.kind {
            FieldKind::Text => raw.to_owned(),
            FieldKind::Number { min, max } => {
                let n: i64 = raw
                    .parse()
                    .map_err(|_| invalid(format!("{} must be a whole number.", self.label)))?;
                if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
                    return Err(invalid(format!(
                        "{} must be between {} and {}.",
                        self.label,
                        min.map_or("any".into(), |m| m.to_string()),
                        max.map_or("any".into(), |m| m.to_string())
                    )));
                }
                n.to_string()
            }
            FieldKind::OneOf { values } => {
                if !values.iter().any(|v| v == raw) {
                    return Err(invalid(format!(
                        "{} must be one of: {}.",
                        self.label,
                        values.join(", ")
                    )));
                }
                raw.to_owned()
            }
            FieldKind::ManyOf { values } => {
                let chosen: Vec<&str> = raw
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect();
                if let Some(unknown) = chosen.iter().find(|c| !values.iter().any(|v| v == *c)) {
                    return Err(invalid(format!(
                        "“{unknown}” is not offered for {}; choose from: {}.",
                        self.label,
                        values.join(", ")
                    )));
                }
                values
                    .iter()
                    .filter(|v| chosen.contains(&v.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(",")
            }
        };
        let len = value.chars().count();
        if len > METADATA_MAX_VALUE_LEN {
            return Err(invalid(format!(
                "{} takes {len} characters; Auth0 allows {METADATA_MAX_VALUE_LEN}.",
                self.label
            )));
        }
        Ok(value)
    }

    /// Whether someone with `role` may change this key.
    #[must_use]
    pub fn editable_by(&self, role: Role) -> bool {
        match role {
            Role::PlatformAdmin => true,
            Role::OrgAdmin => self.editable_by == Editor::OrgAdmin,
            Role::Member => false,
        }
    }

    /// A many-of value as its list.
    #[must_use]
    pub fn split(value: &str) -> Vec<String> {
        value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The metadata keys an organization may carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataSchema {
    /// The keys, in the order the form shows them.
    pub fields: Vec<MetadataField>,
}

impl MetadataSchema {
    /// The field for a key.
    #[must_use]
    pub fn field(&self, key: &str) -> Option<&MetadataField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Checks a change of metadata from `before` to `after` by someone with `role`, and returns
    /// `after` normalised. `creating` is true when the organization is being created.
    ///
    /// # Errors
    /// `NotEditable` when a changed key is not the caller's to change (or is locked);
    /// `Invalid` when a value or the whole breaks a rule.
    pub fn check_change(
        &self,
        role: Role,
        before: &Metadata,
        after: BTreeMap<String, String>,
        creating: bool,
    ) -> Result<Metadata, MetadataRuleError> {
        let mut normalised = BTreeMap::new();
        for (key, value) in after {
            let value = match self.field(&key) {
                // An empty value removes the key, as an empty form field means "not set".
                Some(_) if value.trim().is_empty() => continue,
                Some(field) => field.parse_value(&value)?,
                None => value,
            };
            normalised.insert(key, value);
        }
        // Auth0's budget first: an over-long or over-full object is bad input whoever sends it.
        let checked = Metadata::parse(normalised)?;
        let normalised = checked.entries();
        let before_map = before.entries();
        let changed = before_map
            .keys()
            .chain(normalised.keys())
            .filter(|key| before_map.get(*key) != normalised.get(*key));
        for key in changed {
            let not_editable = |message: String| MetadataRuleError::NotEditable {
                key: key.clone(),
                message,
            };
            match self.field(key) {
                Some(field) if !field.editable_by(role) => {
                    return Err(not_editable(format!(
                        "Only platform admins can change {}.",
                        field.label
                    )));
                }
                Some(field)
                    if field.locked_after_create && !creating && before_map.contains_key(key) =>
                {
                    return Err(not_editable(format!(
                        "{} is set when the organization is created and cannot change.",
                        field.label
                    )));
                }
                None if role != Role::PlatformAdmin => {
                    return Err(not_editable(format!(
                        "Only platform admins can change the metadata key “{key}”."
                    )));
                }
                _ => {}
            }
        }
        Ok(checked)
    }
}

impl Default for MetadataSchema {
    /// The schema orgdesk ships with: tenant id, AI models, data region, token quota and the
    /// default model an org admin picks among the allowed ones.
    fn default() -> Self {
        let models: Vec<String> = [
            "gpt-4o",
            "gpt-4o-mini",
            "claude-sonnet",
            "claude-haiku",
            "llama-3-70b",
            "med-llm-2",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        Self {
            fields: vec![
                MetadataField {
                    key: "tenant_id".into(),
                    label: "Tenant ID".into(),
                    help: Some("The customer's id in the AI application's own systems. Set once, at creation.".into()),
                    kind: FieldKind::Text,
                    editable_by: Editor::PlatformAdmin,
                    locked_after_create: true,
                    claim: Some("tenant_id".into()),
                },
                MetadataField {
                    key: "ai_models".into(),
                    label: "AI models".into(),
                    help: Some("The models this organization's members may call.".into()),
                    kind: FieldKind::ManyOf { values: models.clone() },
                    editable_by: Editor::PlatformAdmin,
                    locked_after_create: false,
                    claim: Some("allowed_models".into()),
                },
                MetadataField {
                    key: "data_region".into(),
                    label: "Data region".into(),
                    help: Some("Where this organization's data and inference stay.".into()),
                    kind: FieldKind::OneOf { values: vec!["us".into(), "eu".into(), "apac".into()] },
                    editable_by: Editor::PlatformAdmin,
                    locked_after_create: false,
                    claim: Some("data_region".into()),
                },
                MetadataField {
                    key: "monthly_token_quota".into(),
                    label: "Monthly AI tokens".into(),
                    help: Some("Model tokens (words in and out of the AI models) the organization may use per month. orgdesk's own setting, carried in the token's claims; not Auth0's quota of access tokens.".into()),
                    kind: FieldKind::Number { min: Some(0), max: Some(1_000_000_000_000) },
                    editable_by: Editor::PlatformAdmin,
                    locked_after_create: false,
                    claim: Some("token_quota".into()),
                },
                MetadataField {
                    key: "default_model".into(),
                    label: "Default model".into(),
                    help: Some("The model members get unless they choose another; the org's admins pick it.".into()),
                    kind: FieldKind::OneOf { values: models },
                    editable_by: Editor::OrgAdmin,
                    locked_after_create: false,
                    claim: Some("default_model".into()),
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn meta(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn many_of_values_are_checked_deduplicated_and_ordered() {
        let schema = MetadataSchema::default();
        let models = schema.field("ai_models").expect("default field");
        assert_eq!(
            models.parse_value("claude-sonnet, gpt-4o,gpt-4o"),
            Ok("gpt-4o,claude-sonnet".into())
        );
        let err = models.parse_value("gpt-5").expect_err("unknown model");
        assert_eq!(err.field, "metadata.ai_models");
    }

    #[test]
    fn numbers_and_choices_are_checked() {
        let schema = MetadataSchema::default();
        let quota = schema.field("monthly_token_quota").expect("field");
        assert_eq!(quota.parse_value("0042"), Ok("42".into()));
        assert!(quota.parse_value("-1").is_err());
        assert!(quota.parse_value("lots").is_err());
        let region = schema.field("data_region").expect("field");
        assert!(region.parse_value("eu").is_ok());
        assert!(region.parse_value("mars").is_err());
    }

    #[test]
    fn org_admins_change_only_keys_marked_for_them() {
        let schema = MetadataSchema::default();
        let before =
            Metadata::parse(meta(&[("tenant_id", "t1"), ("ai_models", "gpt-4o")])).expect("valid");
        let ok = schema.check_change(
            Role::OrgAdmin,
            &before,
            meta(&[
                ("tenant_id", "t1"),
                ("ai_models", "gpt-4o"),
                ("default_model", "gpt-4o"),
            ]),
            false,
        );
        assert!(ok.is_ok(), "{ok:?}");
        let denied = schema.check_change(
            Role::OrgAdmin,
            &before,
            meta(&[("tenant_id", "t1"), ("ai_models", "claude-sonnet")]),
            false,
        );
        assert!(
            matches!(denied, Err(MetadataRuleError::NotEditable { key, .. }) if key == "ai_models")
        );
        let raw = schema.check_change(
            Role::OrgAdmin,
            &before,
            meta(&[("tenant_id", "t1"), ("ai_models", "gpt-4o"), ("x", "y")]),
            false,
        );
        assert!(matches!(raw, Err(MetadataRuleError::NotEditable { key, .. }) if key == "x"));
    }

    #[test]
    fn tenant_id_is_locked_after_creation_even_for_platform_admins() {
        let schema = MetadataSchema::default();
        let before = Metadata::parse(meta(&[("tenant_id", "t1")])).expect("valid");
        assert!(schema
            .check_change(
                Role::PlatformAdmin,
                &before,
                meta(&[("tenant_id", "t2")]),
                false
            )
            .is_err());
        assert!(schema
            .check_change(
                Role::PlatformAdmin,
                &Metadata::default(),
                meta(&[("tenant_id", "t2")]),
                true
            )
            .is_ok());
        // A missing tenant id may be filled in later.
        assert!(schema
            .check_change(
                Role::PlatformAdmin,
                &Metadata::default(),
                meta(&[("tenant_id", "t2")]),
                false
            )
            .is_ok());
    }

    #[test]
    fn the_whole_must_fit_auth0s_budget() {
        let schema = MetadataSchema::default();
        let many: BTreeMap<_, _> = (0..26).map(|i| (format!("k{i}"), "v".into())).collect();
        let err = schema.check_change(Role::PlatformAdmin, &Metadata::default(), many, true);
        assert!(matches!(err, Err(MetadataRuleError::Invalid(e)) if e.field == "metadata"));
    }

    #[test]
    fn the_schema_reads_from_toml_like_json() {
        let json = r#"{"fields":[{"key":"tier","label":"Tier","kind":"one_of","values":["free","pro"],"editable_by":"org_admin"}]}"#;
        let schema: MetadataSchema = serde_json::from_str(json).expect("valid schema");
        assert_eq!(
            schema.fields[0].kind,
            FieldKind::OneOf {
                values: vec!["free".into(), "pro".into()]
            }
        );
        assert!(schema.fields[0].editable_by(Role::OrgAdmin));
    }

    proptest! {
        #[test]
        fn many_of_output_always_parses_again_to_itself(picks in prop::collection::vec(0usize..6, 0..8)) {
            let schema = MetadataSchema::default();
            let field = schema.field("ai_models").expect("field");
            let FieldKind::ManyOf { values } = &field.kind else { unreachable!() };
            let raw = picks.iter().map(|i| values[*i].clone()).collect::<Vec<_>>().join(" , ");
            let once = field.parse_value(&raw);
            prop_assert!(once.is_ok());
            let once = once.unwrap_or_default();
            prop_assert_eq!(field.parse_value(&once), Ok(once.clone()));
        }

        #[test]
        fn members_can_never_change_metadata(key in "[a-z_]{1,20}", value in "[a-z0-9]{1,10}") {
            let schema = MetadataSchema::default();
            let result = schema.check_change(Role::Member, &Metadata::default(), BTreeMap::from([(key, value)]), false);
            prop_assert!(result.is_err());
        }
    }
}
