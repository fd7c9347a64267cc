//! The embedded directory: a SQLite store that answers like Auth0's Management API.

pub mod seed;

use std::collections::BTreeMap;

use async_trait::async_trait;
use orgdesk_model::{
    Branding, Color, Colors, DisplayName, LogoUrl, Metadata, OrgId, OrgName, Organization, Page,
};
use sqlx::{Row, SqlitePool};

use super::{Directory, DirectoryError, OrgQuery};

pub use seed::seed_if_empty;

/// The embedded store, sharing the proxy's database.
#[derive(Debug, Clone)]
pub struct LocalDirectory {
    pool: SqlitePool,
}

impl LocalDirectory {
    /// A directory over an opened (and migrated) database.
    #[must_use]
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
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
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM orgs {filter} ORDER BY name LIMIT ?3 OFFSET ?4"
        ))
        .bind(&pattern)
        .bind(only)
        .bind(i64::from(query.per_page))
        .bind(i64::from(query.page) * i64::from(query.per_page))
        .fetch_all(&self.pool)
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
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(org_from_row).transpose()
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
