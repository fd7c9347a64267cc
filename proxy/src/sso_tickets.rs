//! The single sign-on set-up links orgdesk made, in orgdesk's own database (both modes): who
//! made each for which organization, until when, and whether it was revoked or used. The link
//! itself is never kept, only the SHA-256 of its secret, which is how orgdesk's own set-up page
//! (demo mode) recognises a link it made.

use orgdesk_model::OrgId;
use sha2::{Digest, Sha256};

use crate::db::{now, Store};
use crate::on_store;

/// One link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// orgdesk's id (`sst_…`).
    pub id: String,
    /// The organization it sets single sign-on up for.
    pub org_id: String,
    /// Unix seconds.
    pub expires_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When its set-up was completed, if it was.
    pub used_at: Option<i64>,
}

impl Ticket {
    /// Whether the link still works now.
    #[must_use]
    pub fn usable(&self) -> bool {
        self.revoked_at.is_none() && self.used_at.is_none() && self.expires_at > now()
    }
}

/// The hash a link's secret is kept as.
#[must_use]
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The secret of a link: its `ticket` parameter (orgdesk's page and Auth0's alike).
#[must_use]
pub fn secret_of(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ticket="))
        .map(|v| v.split('#').next().unwrap_or(v))
        .filter(|v| !v.is_empty())
}

const COLUMNS: &str = "id, org_id, expires_at, revoked_at, used_at";

type Row = (String, String, i64, Option<i64>, Option<i64>);

fn ticket((id, org_id, expires_at, revoked_at, used_at): Row) -> Ticket {
    Ticket {
        id,
        org_id,
        expires_at,
        revoked_at,
        used_at,
    }
}

/// Keeps a new link's record.
///
/// # Errors
/// When the database refuses.
pub async fn record(
    store: &Store,
    id: &str,
    org: &OrgId,
    secret: &str,
    created_by: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let hash = secret_hash(secret);
    on_store!(write store, ex => sqlx::query("INSERT INTO sso_tickets (id, org_id, secret_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(org.as_str())
        .bind(&hash)
        .bind(created_by)
        .bind(now())
        .bind(expires_at)
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

/// The link whose secret is `secret`.
///
/// # Errors
/// When the database cannot be read.
pub async fn by_secret(store: &Store, secret: &str) -> Result<Option<Ticket>, sqlx::Error> {
    let hash = secret_hash(secret);
    let sql = format!("SELECT {COLUMNS} FROM sso_tickets WHERE secret_hash = $1");
    let row: Option<Row> =
        on_store!(read store, ex => sqlx::query_as(&sql).bind(&hash).fetch_optional(ex).await)?;
    Ok(row.map(ticket))
}

/// The organization's link `id`.
///
/// # Errors
/// When the database cannot be read.
pub async fn get(store: &Store, org: &OrgId, id: &str) -> Result<Option<Ticket>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM sso_tickets WHERE org_id = $1 AND id = $2");
    let row: Option<Row> = on_store!(read store, ex => sqlx::query_as(&sql).bind(org.as_str()).bind(id).fetch_optional(ex).await)?;
    Ok(row.map(ticket))
}

/// Revokes a link; false when it was not usable any more.
///
/// # Errors
/// When the database refuses.
pub async fn revoke(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let done = on_store!(write store, ex => sqlx::query("UPDATE sso_tickets SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND used_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(done == 1)
}

/// Marks a link used by the connection its set-up created, once: false when another request
/// used, or someone revoked, it first, or it expired.
///
/// # Errors
/// When the database refuses.
pub async fn mark_used(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let now = now();
    let done = on_store!(write store, ex => sqlx::query("UPDATE sso_tickets SET used_at = $1 WHERE id = $2 AND revoked_at IS NULL AND used_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(id)
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(done == 1)
}

/// Notes which connection a used link created.
///
/// # Errors
/// When the database refuses.
pub async fn note_connection(
    store: &Store,
    id: &str,
    connection_id: &str,
) -> Result<(), sqlx::Error> {
    on_store!(write store, ex => sqlx::query("UPDATE sso_tickets SET connection_id = $1 WHERE id = $2")
        .bind(connection_id)
        .bind(id)
        .execute(ex)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_the_ticket_parameter_of_either_kind_of_link() {
        assert_eq!(secret_of("/sso-setup?ticket=abc123"), Some("abc123"));
        assert_eq!(
            secret_of("https://t.eu.auth0.com/self-service/connections-flow?ticket=FbMg3f&x=1"),
            Some("FbMg3f")
        );
        assert_eq!(secret_of("https://example.com/"), None);
        assert_eq!(secret_hash("abc").len(), 64);
    }
}
