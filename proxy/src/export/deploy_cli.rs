//! A snapshot as auth0-deploy-cli's `tenant.yaml`: tenant settings, APIs, roles and
//! organizations, with connections referred to by name as deploy-cli's own export does.

use serde_json::{json, Map, Value};

use orgdesk_model::snapshot::Snapshot;

use super::names::{known_flags, quoted, tenant_texts};
use super::File;

/// `tenant.yaml` and `invitations.csv`.
pub(super) fn files(snapshot: &Snapshot) -> Vec<File> {
    let mut text = String::from(
        "# Exported by orgdesk for auth0-deploy-cli: a0deploy import --input_file tenant.yaml\n\
         # Not in this file, because deploy-cli has no resource for them: users and organization\n\
         # members (the Terraform and Pulumi exports have them), and invitations (listed in\n\
         # invitations.csv beside this file).\n",
    );
    yaml(&document(snapshot), 0, &mut text);
    let mut files = vec![File {
        name: "tenant.yaml",
        text,
    }];
    if let Some(page) = snapshot.tenant.as_ref().map(|t| &t.error_page) {
        files.push(File {
            name: "pages/error_page.html",
            text: page.html.clone(),
        });
    }
    files.push(File {
        name: "invitations.csv",
        text: snapshot.invitations_csv(),
    });
    files
}

/// The document in deploy-cli's keys.
pub(super) fn document(snapshot: &Snapshot) -> Value {
    let mut doc = Map::new();
    if let Some(tenant) = &snapshot.tenant {
        let mut t = Map::new();
        for (key, value) in tenant_texts(tenant) {
            t.insert(key.into(), json!(value));
        }
        let flags: Map<String, Value> = known_flags(tenant)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), json!(v)))
            .collect();
        if !flags.is_empty() {
            t.insert("flags".into(), Value::Object(flags));
        }
        doc.insert("tenant".into(), Value::Object(t));
        // deploy-cli keeps the error page among the pages, its HTML in a file beside the YAML.
        doc.insert(
            "pages".into(),
            json!([{
                "name": "error_page",
                "html": "./pages/error_page.html",
                "show_log_link": tenant.error_page.show_log_link,
                "url": tenant.error_page.url,
            }]),
        );
    }
    if !snapshot.apis.is_empty() {
        let apis: Vec<Value> = snapshot
            .apis
            .iter()
            .map(|api| {
                json!({
                    "name": api.name,
                    "identifier": api.identifier,
                    "signing_alg": api.signing_alg,
                    "token_lifetime": api.token_lifetime,
                    "enforce_policies": api.rbac,
                    "token_dialect": if api.permissions_in_token { "access_token_authz" } else { "access_token" },
                    "scopes": api.permissions.iter().map(|p| json!({"value": p.value, "description": p.description})).collect::<Vec<_>>(),
                })
            })
            .collect();
        doc.insert("resourceServers".into(), Value::Array(apis));
    }
    if !snapshot.roles.is_empty() {
        let roles: Vec<Value> = snapshot
            .roles
            .iter()
            .map(|role| {
                json!({
                    "name": role.name,
                    "description": role.description,
                    "permissions": role.permissions.iter().map(|p| json!({
                        "permission_name": p.permission_name,
                        "resource_server_identifier": p.resource_server_identifier,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        doc.insert("roles".into(), Value::Array(roles));
    }
    let orgs: Vec<Value> = snapshot
        .organizations
        .iter()
        .map(|org| {
            let mut o = Map::new();
            o.insert("name".into(), json!(org.name.as_str()));
            if let Some(display_name) = &org.display_name {
                o.insert("display_name".into(), json!(display_name.as_str()));
            }
            if let Some(branding) = &org.branding {
                o.insert("branding".into(), json!(branding));
            }
            if !org.metadata.is_empty() {
                o.insert("metadata".into(), json!(org.metadata.entries()));
            }
            let connections: Vec<Value> = org
                .connections
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "assign_membership_on_login": c.assign_membership_on_login,
                        "show_as_button": c.show_as_button,
                        "is_signup_enabled": c.is_signup_enabled,
                    })
                })
                .collect();
            o.insert("connections".into(), Value::Array(connections));
            Value::Object(o)
        })
        .collect();
    doc.insert("organizations".into(), Value::Array(orgs));
    Value::Object(doc)
}

/// YAML in block style; every string double-quoted with JSON's escapes, so nothing in a value
/// (a `#`, a `: `, a leading `*`) can change what it means.
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(&yaml_key(key));
                out.push(':');
                nested(v, indent, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key goes on the dash's line, the rest under it.
                        let mut first = true;
                        for (key, v) in map {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                out.push_str(&" ".repeat(indent + 2));
                            }
                            out.push_str(&yaml_key(key));
                            out.push(':');
                            nested(v, indent + 2, out);
                        }
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(item));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

/// What follows `key:` — a scalar on the same line, or a block below it.
fn nested(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            yaml(v, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn yaml_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        key.to_owned()
    } else {
        quoted(key)
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_writes_nested_blocks_and_quotes_every_string() {
        let mut out = String::new();
        yaml(
            &json!({"a": {"b": "x: #y", "c": true}, "list": [{"k": 1, "l": []}, "s"], "e": {}}),
            0,
            &mut out,
        );
        assert_eq!(
            out,
            "a:\n  b: \"x: #y\"\n  c: true\ne: {}\nlist:\n  - k: 1\n    l: []\n  - \"s\"\n"
        );
    }
}
