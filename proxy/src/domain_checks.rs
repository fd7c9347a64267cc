//! orgdesk's own record of the last look-up of each domain's TXT record: when, and what it
//! found. Auth0 keeps only pending or verified, so "failed" and "last checked" live here, in
//! orgdesk's database, in both modes.

use std::collections::HashMap;

use orgdesk_model::OrgId;

use crate::db::{now, Store};

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
    let rows: Vec<Row> = match store {
        Store::Sqlite(db) => {
            sqlx::query_as(SELECT)
                .bind(org.as_str())
                .fetch_all(db.read())
                .await?
        }
        Store::Postgres(pg) => {
            sqlx::query_as(SELECT)
                .bind(org.as_str())
                .fetch_all(pg.pool())
                .await?
        }
    };
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
    macro_rules! run {
        ($pool:expr) => {
            sqlx::query(UPSERT)
                .bind(org.as_str())
                .bind(domain_id)
                .bind(check.checked_at)
                .bind(check.ok)
                .bind(check.message.as_deref())
                .execute($pool)
                .await?
        };
    }
    match store {
        Store::Sqlite(db) => {
            run!(db.write());
        }
        Store::Postgres(pg) => {
            run!(pg.pool());
        }
    }
    Ok(check)
}

/// Forgets a removed domain's checks.
///
/// # Errors
/// When the database cannot be written.
pub async fn forget(store: &Store, org: &OrgId, domain_id: &str) -> Result<(), sqlx::Error> {
    match store {
        Store::Sqlite(db) => {
            sqlx::query(DELETE)
                .bind(org.as_str())
                .bind(domain_id)
                .execute(db.write())
                .await?;
        }
        Store::Postgres(pg) => {
            sqlx::query(DELETE)
                .bind(org.as_str())
                .bind(domain_id)
                .execute(pg.pool())
                .await?;
        }
    }
    Ok(())
}
