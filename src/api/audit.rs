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
    /// From this day on (`YYYY-MM-DD`, the browser's local midnight).
    pub since: String,
    /// Up to and including this day (`YYYY-MM-DD`).
    pub until: String,
}

/// Unix seconds of a `YYYY-MM-DD` day's local midnight, plus `days`.
fn day_start(day: &str, days: f64) -> Option<i64> {
    if day.len() != 10 {
        return None;
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&format!("{day}T00:00:00")));
    let millis = date.get_time();
    if millis.is_nan() {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    Some((millis / 1000.0 + days * 86_400.0) as i64)
}

/// The query string of a filter (without paging).
fn filter_query(query: &AuditQuery) -> String {
    let mut url = String::new();
    for (key, value) in [
        ("org_id", &query.org_id),
        ("actor", &query.actor),
        ("action", &query.action),
    ] {
        if !value.trim().is_empty() {
            url.push_str(&format!("&{key}={}", encode(value.trim())));
        }
    }
    if let Some(since) = day_start(&query.since, 0.0) {
        url.push_str(&format!("&since={since}"));
    }
    if let Some(until) = day_start(&query.until, 1.0) {
        url.push_str(&format!("&until={until}"));
    }
    url
}

/// Where the records matching a filter download as CSV.
#[must_use]
pub fn csv_url(query: &AuditQuery) -> String {
    format!(
        "/api/audit.csv?{}",
        filter_query(query).trim_start_matches('&')
    )
}

/// One page of records, newest first.
///
/// # Errors
/// 403 for members, 404 for another org's records.
pub async fn list(query: AuditQuery) -> Result<CursorPage<AuditEntry>, ApiError> {
    let mut url = "/api/audit?take=50".to_owned();
    url.push_str(&filter_query(&query));
    if let Some(before) = &query.before {
        url.push_str(&format!("&before={}", encode(before)));
    }
    get(&url).await
}
