//! What a change does, field by field, for the confirmation before saving and the audit log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::org::Organization;

/// How a changed value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Plain text.
    Text,
    /// A colour, shown as a swatch.
    Color,
}

/// One changed field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The field's API name (`branding.colors.primary`, `metadata.ai_models`).
    pub field: String,
    /// How people call it.
    pub label: String,
    /// How to show the values.
    pub kind: ValueKind,
    /// The value before; `None` when unset.
    pub before: Option<String>,
    /// The value after; `None` when removed.
    pub after: Option<String>,
}

fn push(
    changes: &mut Vec<Change>,
    field: &str,
    label: &str,
    kind: ValueKind,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        changes.push(Change {
            field: field.to_owned(),
            label: label.to_owned(),
            kind,
            before,
            after,
        });
    }
}

/// Every field that differs between two versions of an organization.
#[must_use]
pub fn org_changes(before: &Organization, after: &Organization) -> Vec<Change> {
    let mut changes = Vec::new();
    let text = |o: &Organization| o.display_name.as_ref().map(ToString::to_string);
    push(
        &mut changes,
        "display_name",
        "Display name",
        ValueKind::Text,
        text(before),
        text(after),
    );
    let logo = |o: &Organization| o.logo_url().map(ToString::to_string);
    push(
        &mut changes,
        "branding.logo_url",
        "Logo URL",
        ValueKind::Text,
        logo(before),
        logo(after),
    );
    let primary = |o: &Organization| o.primary_color().map(ToString::to_string);
    push(
        &mut changes,
        "branding.colors.primary",
        "Primary colour",
        ValueKind::Color,
        primary(before),
        primary(after),
    );
    let background = |o: &Organization| {
        o.branding
            .as_ref()
            .and_then(|b| b.colors.as_ref())
            .and_then(|c| c.page_background.as_ref())
            .map(ToString::to_string)
    };
    push(
        &mut changes,
        "branding.colors.page_background",
        "Page background",
        ValueKind::Color,
        background(before),
        background(after),
    );
    let (b, a) = (before.metadata.entries(), after.metadata.entries());
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        push(
            &mut changes,
            &format!("metadata.{key}"),
            key,
            ValueKind::Text,
            b.get(key).cloned(),
            a.get(key).cloned(),
        );
    }
    changes
}

/// Applies what changed from `base` to `mine` on top of `theirs`: keys the person did not touch
/// keep whatever someone else saved meanwhile (a three-way merge; on the same key, theirs loses
/// to the person's own edit, which they confirm after seeing both).
#[must_use]
pub fn rebase_metadata(
    base: &BTreeMap<String, String>,
    mine: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut merged = theirs.clone();
    for key in base.keys().chain(mine.keys()) {
        if base.get(key) != mine.get(key) {
            match mine.get(key) {
                Some(value) => merged.insert(key.clone(), value.clone()),
                None => merged.remove(key),
            };
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn rebasing_keeps_their_keys_and_applies_mine() {
        let base = map(&[("region", "us"), ("quota", "5"), ("old", "x")]);
        let mine = map(&[("region", "us"), ("quota", "42")]);
        let theirs = map(&[("region", "eu"), ("quota", "5"), ("old", "x"), ("new", "y")]);
        assert_eq!(
            rebase_metadata(&base, &mine, &theirs),
            map(&[("region", "eu"), ("quota", "42"), ("new", "y")])
        );
        assert_eq!(
            rebase_metadata(&base, &base, &theirs),
            theirs,
            "no edit, nothing of mine"
        );
    }

    fn org(json: &str) -> Organization {
        serde_json::from_str(json).expect("test org")
    }

    #[test]
    fn a_colour_change_is_one_colour_change() {
        let before = org(
            r##"{"id":"org_a","name":"a","branding":{"colors":{"primary":"#0000ff"}},"metadata":{"k":"v"}}"##,
        );
        let after = org(
            r##"{"id":"org_a","name":"a","branding":{"colors":{"primary":"#5b21b6"}},"metadata":{"k":"v"}}"##,
        );
        let changes = org_changes(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "branding.colors.primary");
        assert_eq!(changes[0].kind, ValueKind::Color);
        assert_eq!(changes[0].before.as_deref(), Some("#0000ff"));
        assert_eq!(changes[0].after.as_deref(), Some("#5b21b6"));
    }

    #[test]
    fn metadata_keys_added_and_removed_are_listed() {
        let before = org(r#"{"id":"org_a","name":"a","metadata":{"gone":"1","same":"x"}}"#);
        let after = org(r#"{"id":"org_a","name":"a","metadata":{"new":"2","same":"x"}}"#);
        let fields: Vec<_> = org_changes(&before, &after)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            fields,
            [
                ("metadata.gone".to_owned(), Some("1".to_owned()), None),
                ("metadata.new".to_owned(), None, Some("2".to_owned())),
            ]
        );
        assert!(org_changes(&before, &before).is_empty());
    }
}
