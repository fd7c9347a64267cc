//! The audit log.

use orgdesk_model::api::{AuditEntry, CursorPage};

use super::{encode, get, ApiError};

/// Which records to list; empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// One organization's records.
    pub org_id: String,
    /// One person's records (email).
    pub actor: String,
    /// One action's records.
    pub action: String,
    /// Records older than this cursor.
    pub before: Option<String>,
}

/// One page of records, newest first.
///
/// # Errors
/// 403 for members, 404 for another org's records.
pub async fn list(query: AuditQuery) -> Result<CursorPage<AuditEntry>, ApiError> {
    let mut url = "/api/audit?take=50".to_owned();
    for (key, value) in [
        ("org_id", &query.org_id),
        ("actor", &query.actor),
        ("action", &query.action),
    ] {
        if !value.trim().is_empty() {
            url.push_str(&format!("&{key}={}", encode(value.trim())));
        }
    }
    if let Some(before) = &query.before {
        url.push_str(&format!("&before={}", encode(before)));
    }
    get(&url).await
}
