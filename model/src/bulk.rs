//! Bulk invitations from a CSV file: parsing and per-row checks, before anything is sent.

use std::collections::BTreeSet;

use crate::members::{Email, RoleInfo};

/// One row of the file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    /// The line in the file (1-based), for messages.
    pub line: usize,
    /// The address as written.
    pub email_text: String,
    /// The address, when valid.
    pub email: Option<Email>,
    /// The role ids named (by role name in the file).
    pub role_ids: Vec<String>,
    /// The role names as written.
    pub role_names: Vec<String>,
    /// What is wrong with the row; such rows are not sent.
    pub error: Option<String>,
    /// The address already has a pending invitation or is a member: the row is skipped, which
    /// makes running the same file twice create nothing the second time.
    pub already: bool,
}

impl BulkRow {
    /// Whether the row will be sent.
    #[must_use]
    pub fn sendable(&self) -> bool {
        self.error.is_none() && !self.already
    }
}

/// Splits one CSV line into cells: commas separate, double quotes enclose, `""` is a quote.
fn cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Parses `email,roles` rows (a header line is recognised and skipped; several roles go in one
/// cell, separated by `;` or `|`, or quoted with commas). Rows are checked against the roles
/// the inviter may grant and the addresses already invited or members.
#[must_use]
pub fn parse_csv(text: &str, grantable: &[RoleInfo], already: &BTreeSet<String>) -> Vec<BulkRow> {
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cells = cells(line.trim_start_matches('\u{feff}'));
        let email_text = cells.first().cloned().unwrap_or_default();
        if line_no == 1 && email_text.eq_ignore_ascii_case("email") {
            continue;
        }
        let role_names: Vec<String> = cells
            .iter()
            .skip(1)
            .flat_map(|cell| cell.split([';', '|', ',']))
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect();
        let mut error = None;
        let email = match Email::parse(&email_text) {
            Ok(email) => Some(email),
            Err(_) => {
                error = Some(format!("“{email_text}” is not an email address."));
                None
            }
        };
        let mut role_ids = Vec::new();
        for name in &role_names {
            match grantable.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
                Some(role) => role_ids.push(role.id.clone()),
                None if error.is_none() => {
                    error = Some(format!(
                        "The role “{name}” does not exist or you cannot grant it."
                    ))
                }
                None => {}
            }
        }
        if let Some(email) = &email {
            if error.is_none() && !seen.insert(email.as_str().to_owned()) {
                error = Some("This address appears earlier in the file.".into());
            }
        }
        let is_already = email.as_ref().is_some_and(|e| already.contains(e.as_str()));
        rows.push(BulkRow {
            line: line_no,
            email_text,
            email,
            role_ids,
            role_names,
            error,
            already: is_already,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> Vec<RoleInfo> {
        ["viewer", "data-scientist"]
            .iter()
            .map(|name| RoleInfo {
                id: format!("rol_{name}"),
                name: (*name).to_owned(),
                description: String::new(),
                permissions: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn good_and_bad_rows_are_told_apart() {
        let text = "email,roles\nana@example.com,viewer\nnot-an-email,viewer\nli@example.com,\"viewer,data-scientist\"\nbo@example.com,org-admin\nANA@example.com,viewer\n\nkim@example.com";
        let rows = parse_csv(text, &roles(), &BTreeSet::new());
        let summary: Vec<(usize, bool)> =
            rows.iter().map(|r| (r.line, r.error.is_none())).collect();
        assert_eq!(
            summary,
            [
                (2, true),
                (3, false),
                (4, true),
                (5, false),
                (6, false),
                (8, true)
            ]
        );
        assert_eq!(rows[2].role_ids, ["rol_viewer", "rol_data-scientist"]);
        assert!(rows[3].error.as_deref().unwrap_or("").contains("org-admin"));
        assert!(rows[4].error.as_deref().unwrap_or("").contains("earlier"));
    }

    #[test]
    fn addresses_already_invited_are_skipped_not_failed() {
        let already = BTreeSet::from(["ana@example.com".to_owned()]);
        let rows = parse_csv(
            "ana@example.com,viewer\nli@example.com;viewer",
            &roles(),
            &already,
        );
        assert!(rows[0].already && rows[0].error.is_none() && !rows[0].sendable());
        assert!(rows[1].sendable() || rows[1].error.is_some());
    }

    #[test]
    fn quotes_and_semicolons_both_separate_roles() {
        let rows = parse_csv(
            "a@example.com,viewer;data-scientist\n\"b@example.com\",\"viewer\"",
            &roles(),
            &BTreeSet::new(),
        );
        assert_eq!(rows[0].role_ids.len(), 2);
        assert_eq!(
            rows[1].email.as_ref().map(Email::as_str),
            Some("b@example.com")
        );
    }
}
