//! orgdesk's own record of the last look-up of each domain's TXT record: when, and what it
//! found. Auth0 keeps only pending or verified, so "failed" and "last checked" live here, in
//! orgdesk's database, in both modes.

use std::collections::HashMap;

use orgdesk_model::OrgId;

use crate::db::{now, Store};
use crate::on_store;

/// One look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Unix seconds.
    pub checked_at: i64,
    /// Whether the expected record was found.
    pub ok: bool,
    /// What was found instead, in words.
    pub message: Option<String>,
}

type Row = (String, i64, bool, Option<String>);

const SELECT: &str =
    "SELECT domain_id, checked_at, ok, message FROM domain_checks WHERE org_id = $1";
const UPSERT: &str = "INSERT INTO domain_checks (org_id, domain_id, checked_at, ok, message) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (org_id, domain_id) DO UPDATE SET checked_at = excluded.checked_at, ok = excluded.ok, message = excluded.message";
const DELETE: &str = "DELETE FROM domain_checks WHERE org_id = $1 AND domain_id = $2";

/// The last check of each of an organization's domains, by domain id.
///
/// # Errors
/// When the database cannot be read.
pub async fn of_org(store: &Store, org: &OrgId) -> Result<HashMap<String, Check>, sqlx::Error> {
    let rows: Vec<Row> =
        on_store!(read store, ex => sqlx::query_as(SELECT).bind(org.as_str()).fetch_all(ex).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, checked_at, ok, message)| {
            (
                id,
                Check {
                    checked_at,
                    ok,
                    message,
                },
            )
        })
        .collect())
}

/// Records a look-up made now.
///
/// # Errors
/// When the database cannot be written.
pub async fn record(
    store: &Store,
    org: &OrgId,
    domain_id: &str,
    outcome: &Result<(), String>,
) -> Result<Check, sqlx::Error> {
    let check = Check {
        checked_at: now(),
        ok: outcome.is_ok(),
        message: outcome.clone().err(),
    };
    on_store!(write store, ex => sqlx::query(UPSERT)
        .bind(org.as_str())
        .bind(domain_id)
        .bind(check.checked_at)
        .bind(check.ok)
        .bind(check.message.as_deref())
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(check)
}

/// Forgets a removed domain's checks.
///
/// # Errors
/// When the database cannot be written.
pub async fn forget(store: &Store, org: &OrgId, domain_id: &str) -> Result<(), sqlx::Error> {
    on_store!(write store, ex => sqlx::query(DELETE)
        .bind(org.as_str())
        .bind(domain_id)
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(())
}
