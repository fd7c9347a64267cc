//! The token claims a member carries when signing in to an organization: the segmentation of
//! the AI product, made visible.

use serde_json::{Map, Value};

use crate::org::Organization;
use crate::schema::{FieldKind, MetadataField, MetadataSchema};

/// Who the preview is for; without one the preview shows the organization's part only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimsMember {
    /// The user id (`sub`).
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their roles in the organization.
    pub roles: Vec<String>,
    /// The permissions those roles grant.
    pub permissions: Vec<String>,
}

fn claim_value(field: &MetadataField, value: &str) -> Value {
    match &field.kind {
        FieldKind::ManyOf { .. } => Value::Array(
            MetadataField::split(value)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        FieldKind::Number { .. } => value
            .parse::<i64>()
            .map_or_else(|_| Value::String(value.to_owned()), Value::from),
        FieldKind::Text | FieldKind::OneOf { .. } => Value::String(value.to_owned()),
    }
}

/// The claims: Auth0's own `org_id` and `org_name`, and one namespaced claim for every schema
/// key that names a claim and has a value. `namespace` prefixes custom claims, as Auth0 requires
/// (`https://ai.example.com/`).
#[must_use]
pub fn claims_preview(
    org: &Organization,
    schema: &MetadataSchema,
    namespace: &str,
    member: Option<&ClaimsMember>,
) -> Map<String, Value> {
    let mut claims = Map::new();
    if let Some(member) = member {
        claims.insert("sub".into(), Value::String(member.user_id.clone()));
        claims.insert("email".into(), Value::String(member.email.clone()));
    }
    claims.insert("org_id".into(), Value::String(org.id.to_string()));
    claims.insert("org_name".into(), Value::String(org.name.to_string()));
    for field in &schema.fields {
        let (Some(claim), Some(value)) = (&field.claim, org.metadata.get(&field.key)) else {
            continue;
        };
        claims.insert(format!("{namespace}{claim}"), claim_value(field, value));
    }
    if let Some(member) = member {
        claims.insert(
            format!("{namespace}roles"),
            Value::Array(member.roles.iter().cloned().map(Value::String).collect()),
        );
        claims.insert(
            "permissions".into(),
            Value::Array(
                member
                    .permissions
                    .iter()
                    .cloned()
                    .map(Value::String)
                    .collect(),
            ),
        );
    }
    claims
}

/// Whether a claim name is one of the organization-specific ones (to highlight it).
#[must_use]
pub fn is_org_claim(name: &str, namespace: &str) -> bool {
    name == "org_id"
        || name == "org_name"
        || (name.starts_with(namespace) && !name.ends_with("/roles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_org_carries_its_models_region_and_quota() {
        let org: Organization = serde_json::from_str(
            r#"{"id":"org_ai1","name":"ai-organization","metadata":{"tenant_id":"tenant12345","ai_models":"gpt-4o,claude-sonnet","data_region":"us","monthly_token_quota":"5000000","unrelated":"x"}}"#,
        )
        .expect("test org");
        let claims = claims_preview(
            &org,
            &MetadataSchema::default(),
            "https://ai.example.com/",
            None,
        );
        assert_eq!(claims["org_id"], "org_ai1");
        assert_eq!(claims["org_name"], "ai-organization");
        assert_eq!(
            claims["https://ai.example.com/allowed_models"],
            serde_json::json!(["gpt-4o", "claude-sonnet"])
        );
        assert_eq!(claims["https://ai.example.com/data_region"], "us");
        assert_eq!(claims["https://ai.example.com/token_quota"], 5_000_000);
        assert_eq!(claims["https://ai.example.com/tenant_id"], "tenant12345");
        assert!(
            !claims.contains_key("unrelated"),
            "keys without a claim stay out of tokens"
        );
    }

    #[test]
    fn a_member_adds_identity_roles_and_permissions() {
        let org: Organization =
            serde_json::from_str(r#"{"id":"org_ai1","name":"a"}"#).expect("org");
        let member = ClaimsMember {
            user_id: "auth0|1".into(),
            email: "user@example.com".into(),
            roles: vec!["data-scientist".into()],
            permissions: vec!["run:inference".into()],
        };
        let claims = claims_preview(
            &org,
            &MetadataSchema::default(),
            "https://ns/",
            Some(&member),
        );
        assert_eq!(claims["sub"], "auth0|1");
        assert_eq!(
            claims["https://ns/roles"],
            serde_json::json!(["data-scientist"])
        );
        assert!(is_org_claim("https://ns/allowed_models", "https://ns/"));
        assert!(!is_org_claim("sub", "https://ns/"));
    }
}
