//! The embedded directory: a SQLite store that answers like Auth0's Management API.

mod members;
pub mod seed;
pub mod synthetic;

use std::collections::BTreeMap;

use async_trait::async_trait;
use orgdesk_model::{
    Branding, Color, Colors, DisplayName, LogoUrl, Metadata, OrgId, OrgName, Organization, Page,
};
use sqlx::Row;

use crate::db::Db;

use orgdesk_model::input::NewOrg;

use orgdesk_model::members::{Invitation, Member, NewInvitation, RoleInfo};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};

use super::{
    CursorPage, Directory, DirectoryError, MemberQuery, OrgCounts, OrgQuery, OrgUpdate, UserSummary,
};
use crate::db::now;

pub use seed::seed_if_empty;

/// The embedded store, sharing the proxy's database.
#[derive(Debug, Clone)]
pub struct LocalDirectory {
    db: Db,
}

impl LocalDirectory {
    /// A directory over an opened (and migrated) database.
    #[must_use]
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// Escapes `%`, `_` and `\` so that user text matches literally inside `LIKE`.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn org_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Organization, DirectoryError> {
    let corrupt = |err: orgdesk_model::ValidationError| {
        DirectoryError::Internal(format!("stored organization breaks a rule: {err}"))
    };
    let logo_url: Option<String> = row.try_get("logo_url")?;
    let primary: Option<String> = row.try_get("primary_color")?;
    let background: Option<String> = row.try_get("page_background")?;
    let colors = match (primary, background) {
        (None, None) => None,
        (primary, background) => Some(Colors {
            primary: primary
                .map(|c| Color::parse(&c))
                .transpose()
                .map_err(corrupt)?,
            page_background: background
                .map(|c| Color::parse(&c))
                .transpose()
                .map_err(corrupt)?,
        }),
    };
    let logo_url = logo_url
        .map(|url| LogoUrl::parse(&url))
        .transpose()
        .map_err(corrupt)?;
    let branding =
        (logo_url.is_some() || colors.is_some()).then_some(Branding { logo_url, colors });
    let metadata: String = row.try_get("metadata")?;
    let metadata: BTreeMap<String, String> = serde_json::from_str(&metadata)
        .map_err(|err| DirectoryError::Internal(format!("stored metadata: {err}")))?;
    let display_name: Option<String> = row.try_get("display_name")?;
    Ok(Organization {
        id: OrgId::parse(row.try_get("id")?).map_err(corrupt)?,
        name: OrgName::parse(row.try_get("name")?).map_err(corrupt)?,
        display_name: display_name
            .map(|name| DisplayName::parse(&name))
            .transpose()
            .map_err(corrupt)?,
        branding,
        metadata: Metadata::parse(metadata).map_err(corrupt)?,
    })
}

/// A new id in Auth0's style: a prefix and 16 letters and digits.
///
/// # Errors
/// When the system has no randomness to give.
pub fn new_id(prefix: &str) -> Result<String, DirectoryError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|err| DirectoryError::Internal(format!("random: {err}")))?;
    let suffix: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    Ok(format!("{prefix}{suffix}"))
}

fn branding_columns(
    branding: Option<&Branding>,
) -> (Option<String>, Option<String>, Option<String>) {
    let colors = branding.and_then(|b| b.colors.as_ref());
    (
        branding
            .and_then(|b| b.logo_url.as_ref())
            .map(ToString::to_string),
        colors
            .and_then(|c| c.primary.as_ref())
            .map(ToString::to_string),
        colors
            .and_then(|c| c.page_background.as_ref())
            .map(ToString::to_string),
    )
}

fn metadata_json(metadata: &Metadata) -> Result<String, DirectoryError> {
    serde_json::to_string(metadata.entries())
        .map_err(|err| DirectoryError::Internal(format!("metadata: {err}")))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

const ORG_COLUMNS: &str =
    "id, name, display_name, logo_url, primary_color, page_background, metadata";

#[async_trait]
impl Directory for LocalDirectory {
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError> {
        let pattern = query
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(like_pattern);
        let only = query.only.as_ref().map(OrgId::as_str);
        let filter =
            "WHERE (?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR display_name LIKE ?1 ESCAPE '\\') \
                      AND (?2 IS NULL OR id = ?2)";
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM orgs {filter}"))
            .bind(&pattern)
            .bind(only)
            .fetch_one(self.db.read())
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM orgs {filter} ORDER BY name LIMIT ?3 OFFSET ?4"
        ))
        .bind(&pattern)
        .bind(only)
        .bind(i64::from(query.per_page))
        .bind(i64::from(query.page) * i64::from(query.per_page))
        .fetch_all(self.db.read())
        .await?;
        let items = rows.iter().map(org_from_row).collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError> {
        let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?1"))
            .bind(id.as_str())
            .fetch_optional(self.db.read())
            .await?;
        row.as_ref().map(org_from_row).transpose()
    }

    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError> {
        let id = new_id("org_")?;
        let (logo, primary, background) = branding_columns(org.branding.as_ref());
        let result = sqlx::query("INSERT INTO orgs (id, name, display_name, logo_url, primary_color, page_background, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind(&id)
            .bind(org.name.as_str())
            .bind(org.display_name.as_ref().map(DisplayName::as_str))
            .bind(logo)
            .bind(primary)
            .bind(background)
            .bind(metadata_json(&org.metadata)?)
            .bind(now())
            .execute(self.db.write())
            .await;
        match result {
            Err(err) if is_unique_violation(&err) => {
                return Err(DirectoryError::Conflict(format!(
                    "An organization named “{}” already exists.",
                    org.name
                )))
            }
            other => other?,
        };
        let id = OrgId::parse(&id).map_err(|err| DirectoryError::Internal(err.to_string()))?;
        self.get_org(&id).await?.ok_or(DirectoryError::NotFound)
    }

    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected_metadata: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError> {
        // One transaction: the metadata comparison and the write cannot be interleaved.
        let mut tx = self.db.begin_write().await?;
        let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = ?1"))
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let current = row
            .as_ref()
            .map(org_from_row)
            .transpose()?
            .ok_or(DirectoryError::NotFound)?;
        if expected_metadata.is_some_and(|expected| *expected != current.metadata) {
            return Err(DirectoryError::Stale(Box::new(current)));
        }
        let display_name = update
            .display_name
            .as_ref()
            .or(current.display_name.as_ref());
        let branding = match &update.branding {
            Some(branding) => branding.as_ref(),
            None => current.branding.as_ref(),
        };
        let (logo, primary, background) = branding_columns(branding);
        let metadata = update.metadata.as_ref().unwrap_or(&current.metadata);
        sqlx::query("UPDATE orgs SET display_name = ?2, logo_url = ?3, primary_color = ?4, page_background = ?5, metadata = ?6 WHERE id = ?1")
            .bind(id.as_str())
            .bind(display_name.map(DisplayName::as_str))
            .bind(logo)
            .bind(primary)
            .bind(background)
            .bind(metadata_json(metadata)?)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_org(id).await?.ok_or(DirectoryError::NotFound)
    }

    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError> {
        let deleted = sqlx::query("DELETE FROM orgs WHERE id = ?1")
            .bind(id.as_str())
            .execute(self.db.write())
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(DirectoryError::NotFound);
        }
        Ok(())
    }

    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError> {
        // Like Auth0, an organization that does not exist has no counts: it is not found.
        let (members, invitations): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM org_members WHERE org_id = ?1), (SELECT COUNT(*) FROM invitations WHERE org_id = ?1) FROM orgs WHERE id = ?1",
        )
        .bind(id.as_str())
        .fetch_optional(self.db.read())
        .await?
        .ok_or(DirectoryError::NotFound)?;
        Ok(OrgCounts {
            members: u64::try_from(members).unwrap_or(0),
            invitations: u64::try_from(invitations).unwrap_or(0),
        })
    }

    async fn list_members(
        &self,
        org: &OrgId,
        query: &MemberQuery,
    ) -> Result<CursorPage<Member>, DirectoryError> {
        members::list_members(self.db.read(), org, query).await
    }

    async fn add_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        members::add_members(self.db.write(), org, user_ids).await
    }

    async fn remove_members(&self, org: &OrgId, user_ids: &[String]) -> Result<(), DirectoryError> {
        members::remove_members(self.db.write(), org, user_ids).await
    }

    async fn member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
    ) -> Result<Vec<orgdesk_model::members::RoleRef>, DirectoryError> {
        members::member_roles(self.db.read(), org, user_id).await
    }

    async fn assign_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        members::assign_member_roles(self.db.write(), org, user_id, role_ids).await
    }

    async fn remove_member_roles(
        &self,
        org: &OrgId,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), DirectoryError> {
        members::remove_member_roles(self.db.write(), org, user_id, role_ids).await
    }

    async fn list_roles(&self) -> Result<Vec<RoleInfo>, DirectoryError> {
        members::list_roles(self.db.read()).await
    }

    async fn list_invitations(&self, org: &OrgId) -> Result<Vec<Invitation>, DirectoryError> {
        members::list_invitations(self.db.read(), org).await
    }

    async fn create_invitation(
        &self,
        org: &OrgId,
        invitation: &NewInvitation,
    ) -> Result<Invitation, DirectoryError> {
        members::create_invitation(self.db.write(), org, invitation).await
    }

    async fn delete_invitation(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        members::delete_invitation(self.db.write(), org, id).await
    }

    async fn search_users(
        &self,
        q: &str,
        limit: u32,
        scope: Option<&OrgId>,
    ) -> Result<Vec<UserSummary>, DirectoryError> {
        members::search_users(self.db.read(), q, limit, scope).await
    }

    async fn get_user(
        &self,
        user_id: &str,
    ) -> Result<Option<orgdesk_model::users::User>, DirectoryError> {
        members::get_user(self.db.read(), user_id).await
    }

    async fn user_orgs(
        &self,
        user_id: &str,
    ) -> Result<Vec<orgdesk_model::users::UserOrg>, DirectoryError> {
        members::user_orgs(self.db.read(), user_id).await
    }

    async fn create_user(
        &self,
        input: &orgdesk_model::users::NewUserInput,
        app_metadata: &BTreeMap<String, String>,
    ) -> Result<orgdesk_model::users::User, DirectoryError> {
        members::create_user(self.db.write(), input, app_metadata).await
    }

    async fn list_connections(
        &self,
    ) -> Result<Vec<orgdesk_model::users::Connection>, DirectoryError> {
        members::list_connections(self.db.read()).await
    }

    async fn org_connections(
        &self,
        org: &OrgId,
    ) -> Result<Vec<orgdesk_model::users::OrgConnection>, DirectoryError> {
        members::org_connections(self.db.read(), org).await
    }

    async fn put_org_connection(
        &self,
        org: &OrgId,
        connection: &orgdesk_model::users::OrgConnection,
    ) -> Result<orgdesk_model::users::OrgConnection, DirectoryError> {
        members::put_org_connection(self.db.write(), org, connection).await
    }

    async fn delete_org_connection(
        &self,
        org: &OrgId,
        connection_id: &str,
    ) -> Result<(), DirectoryError> {
        members::delete_org_connection(self.db.write(), org, connection_id).await
    }

    async fn tenant_settings(&self) -> Result<TenantSettings, DirectoryError> {
        let text: String = sqlx::query_scalar("SELECT settings FROM tenant_settings WHERE id = 1")
            .fetch_optional(self.db.read())
            .await?
            .unwrap_or_else(|| "{}".into());
        serde_json::from_str(&text)
            .map_err(|err| DirectoryError::Internal(format!("stored tenant settings: {err}")))
    }

    async fn update_tenant_settings(
        &self,
        change: &TenantSettingsInput,
    ) -> Result<TenantSettings, DirectoryError> {
        // Read, change and write in one transaction: two saves cannot interleave.
        let mut tx = self.db.begin_write().await?;
        let text: Option<String> =
            sqlx::query_scalar("SELECT settings FROM tenant_settings WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?;
        let current: TenantSettings = serde_json::from_str(text.as_deref().unwrap_or("{}"))
            .map_err(|err| DirectoryError::Internal(format!("stored tenant settings: {err}")))?;
        let next = current.apply(change);
        let json = serde_json::to_string(&next)
            .map_err(|err| DirectoryError::Internal(format!("tenant settings: {err}")))?;
        sqlx::query(
            "INSERT INTO tenant_settings (id, settings) VALUES (1, ?1) \
             ON CONFLICT (id) DO UPDATE SET settings = excluded.settings",
        )
        .bind(json)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_in_search_text_match_literally() {
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
