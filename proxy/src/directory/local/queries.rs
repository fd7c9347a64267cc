// The embedded directory's queries, written once: `engine.rs` compiles this file for SQLite
// and for PostgreSQL (`Pool`, `Conn`, `DbRow` and `SQLITE` differ), so one text serves both.

use std::collections::BTreeMap;

use base64::Engine as _;
use orgdesk_model::apis::{Api, ApiPatch, ApiPermission, NewApi};
use orgdesk_model::domains::{Domain, DomainName, DomainStatus, DomainVerification};
use orgdesk_model::input::NewOrg;
use orgdesk_model::members::{
    Invitation, Member, NewInvitation, RoleInfo, RoleRef, MAX_ROLES_PER_MEMBER,
};
use orgdesk_model::m2m::{ClientGrantInfo, ClientSecret, M2mApp, M2mCreated, NewM2m, TokenQuota};
use orgdesk_model::roles::{NewRole, PermissionRef, RoleHolders, RolePatch, RolePermission};
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};
use orgdesk_model::{
    Branding, Color, Colors, DisplayName, LogoUrl, Metadata, OrgId, OrgName, Organization, Page,
};
use serde_json::json;
use sqlx::Row as _;

use crate::db::now;
use crate::directory::local::new_id;
use crate::directory::local::seed::*;
use crate::directory::{
    CursorPage, DirectoryError, DomainUpdate, MemberQuery, OrgCounts, OrgQuery, OrgUpdate,
    SsoConnectionSpec, UserSummary, DOMAIN_TAKEN,
};

/// A write transaction: on SQLite it takes the write lock up front (`BEGIN IMMEDIATE`).
async fn begin(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>, sqlx::Error> {
    if SQLITE {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// Locks the rows a read-then-write transaction read (SQLite's transaction already holds the
/// one write lock).
const FOR_UPDATE: &str = if SQLITE { "" } else { " FOR UPDATE" };

/// Case-insensitive `LIKE`: SQLite's `LIKE` already is (for ASCII), PostgreSQL's is `ILIKE`.
const LIKE: &str = if SQLITE { "LIKE" } else { "ILIKE" };

fn encode_cursor(email: &str, user_id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{email}\n{user_id}"))
}

fn decode_cursor(cursor: &str) -> Result<(String, String), DirectoryError> {
    let bad = || {
        DirectoryError::Invalid(orgdesk_model::ValidationError {
            field: "from".into(),
            message: "The paging cursor is not valid; start from the first page.".into(),
        })
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (email, user_id) = text.split_once('\n').ok_or_else(bad)?;
    Ok((email.to_owned(), user_id.to_owned()))
}

/// Escapes `%`, `_` and `\` so that user text matches literally inside `LIKE`, and wraps it
/// in `%…%`.
pub(crate) fn like(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

async fn ensure_org(pool: &Pool, org: &OrgId) -> Result<(), DirectoryError> {
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM orgs WHERE id = $1")
        .bind(org.as_str())
        .fetch_optional(pool)
        .await?;
    exists.map(|_| ()).ok_or(DirectoryError::NotFound)
}

/// Fails with `Invalid` on `field` ("There is no {what} {id}.") when `sql`, a one-placeholder
/// `SELECT 1 …`, finds no row for `id`.
async fn require_known(
    conn: &mut Conn,
    sql: &str,
    id: &str,
    field: &str,
    what: &str,
) -> Result<(), DirectoryError> {
    let known: Option<i32> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    known.map(|_| ()).ok_or_else(|| {
        DirectoryError::Invalid(orgdesk_model::ValidationError {
            field: field.into(),
            message: format!("There is no {what} {id}."),
        })
    })
}

/// Fails with `NotFound` when `user_id` is not a member of `org`.
async fn require_member(
    conn: &mut Conn,
    org: &OrgId,
    user_id: &str,
) -> Result<(), DirectoryError> {
    let member: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM org_members WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str())
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    member.map(|_| ()).ok_or(DirectoryError::NotFound)
}

async fn roles_of(
    pool: &Pool,
    org: &OrgId,
    user_ids: &[String],
) -> Result<BTreeMap<String, Vec<RoleRef>>, DirectoryError> {
    let mut roles: BTreeMap<String, Vec<RoleRef>> = BTreeMap::new();
    if user_ids.is_empty() {
        return Ok(roles);
    }
    let placeholders = (0..user_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT mr.user_id, r.id, r.name FROM member_roles mr JOIN roles r ON r.id = mr.role_id \
         WHERE mr.org_id = $1 AND mr.user_id IN ({placeholders}) ORDER BY r.name"
    );
    let mut query = sqlx::query(&sql).bind(org.as_str());
    for id in user_ids {
        query = query.bind(id);
    }
    for row in query.fetch_all(pool).await? {
        roles
            .entry(row.try_get("user_id")?)
            .or_default()
            .push(RoleRef {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            });
    }
    Ok(roles)
}

/// Above this many members an organization's pages are read in email order from the users.
pub const LARGE_ORG_MEMBERS: i64 = 2_000;

pub async fn list_members(
    pool: &Pool,
    org: &OrgId,
    query: &MemberQuery,
) -> Result<CursorPage<Member>, DirectoryError> {
    ensure_org(pool, org).await?;
    let after = query.from.as_deref().map(decode_cursor).transpose()?;
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(like);
    // A large organization is read in email order straight from the users' email index,
    // checking membership row by row (a page of a 20,000-member org then costs a few hundred
    // index steps instead of sorting all its members); a small one is joined and sorted.
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(org.as_str())
        .fetch_one(pool)
        .await?;
    let source = if count > LARGE_ORG_MEMBERS {
        if SQLITE {
            "FROM users u INDEXED BY users_email \
             WHERE EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = $1 AND m.user_id = u.user_id)"
        } else {
            "FROM users u \
             WHERE EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = $1 AND m.user_id = u.user_id)"
        }
    } else {
        "FROM org_members m JOIN users u ON u.user_id = m.user_id WHERE m.org_id = $1"
    };
    // Only the conditions asked for are in the statement: a planner cannot use an index for
    // `$n IS NULL OR …` (PostgreSQL's generic plans), and SQLite loses nothing by it.
    let mut sql = format!("SELECT u.user_id, u.email, u.name, u.picture {source}");
    let mut next = 2;
    if pattern.is_some() {
        sql.push_str(&format!(
            " AND (u.email {LIKE} ${next} ESCAPE '\\' OR u.name {LIKE} ${next} ESCAPE '\\')"
        ));
        next += 1;
    }
    if after.is_some() {
        sql.push_str(&format!(
            " AND (u.email, u.user_id) > (${next}, ${})",
            next + 1
        ));
        next += 2;
    }
    sql.push_str(&format!(" ORDER BY u.email, u.user_id LIMIT ${next}"));
    let mut statement = sqlx::query(&sql).bind(org.as_str());
    if let Some(pattern) = &pattern {
        statement = statement.bind(pattern);
    }
    if let Some((email, user_id)) = &after {
        statement = statement.bind(email).bind(user_id);
    }
    let rows = statement
        .bind(i64::from(query.take) + 1)
        .fetch_all(pool)
        .await?;
    let mut members = rows
        .iter()
        .map(|row| {
            Ok(Member {
                user_id: row.try_get("user_id")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
                picture: row.try_get("picture")?,
                roles: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let next = if members.len() > query.take as usize {
        members.truncate(query.take as usize);
        members.last().map(|m| encode_cursor(&m.email, &m.user_id))
    } else {
        None
    };
    let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    let mut roles = roles_of(pool, org, &ids).await?;
    for member in &mut members {
        member.roles = roles.remove(&member.user_id).unwrap_or_default();
    }
    Ok(CursorPage {
        items: members,
        next,
    })
}

pub async fn add_members(
    pool: &Pool,
    org: &OrgId,
    user_ids: &[String],
) -> Result<(), DirectoryError> {
    ensure_org(pool, org).await?;
    let mut tx = begin(pool).await?;
    for user_id in user_ids {
        // On an unknown user nothing is written: the transaction is dropped.
        require_known(
            &mut tx,
            "SELECT 1 FROM users WHERE user_id = $1",
            user_id,
            "members",
            "user",
        )
        .await?;
        sqlx::query(
            "INSERT INTO org_members (org_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(org.as_str())
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove_members(
    pool: &Pool,
    org: &OrgId,
    user_ids: &[String],
) -> Result<(), DirectoryError> {
    ensure_org(pool, org).await?;
    let mut tx = begin(pool).await?;
    for user_id in user_ids {
        sqlx::query("DELETE FROM org_members WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn assign_member_roles(
    pool: &Pool,
    org: &OrgId,
    user_id: &str,
    role_ids: &[String],
) -> Result<(), DirectoryError> {
    ensure_org(pool, org).await?;
    let mut tx = begin(pool).await?;
    require_member(&mut tx, org, user_id).await?;
    for role_id in role_ids {
        require_known(
            &mut tx,
            "SELECT 1 FROM roles WHERE id = $1",
            role_id,
            "roles",
            "role",
        )
        .await?;
        sqlx::query(
            "INSERT INTO member_roles (org_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(org.as_str())
        .bind(user_id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE org_id = $1 AND user_id = $2")
            .bind(org.as_str())
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    if usize::try_from(count).unwrap_or(usize::MAX) > MAX_ROLES_PER_MEMBER {
        return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
            field: "roles".into(),
            message: format!(
                "A member can hold at most {MAX_ROLES_PER_MEMBER} roles in an organization."
            ),
        }));
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove_member_roles(
    pool: &Pool,
    org: &OrgId,
    user_id: &str,
    role_ids: &[String],
) -> Result<(), DirectoryError> {
    ensure_org(pool, org).await?;
    for role_id in role_ids {
        sqlx::query("DELETE FROM member_roles WHERE org_id = $1 AND user_id = $2 AND role_id = $3")
            .bind(org.as_str())
            .bind(user_id)
            .bind(role_id)
            .execute(pool)
            .await?;
    }
    Ok(())
}

pub async fn list_roles(pool: &Pool) -> Result<Vec<RoleInfo>, DirectoryError> {
    let rows = sqlx::query("SELECT id, name, description FROM roles ORDER BY name")
        .fetch_all(pool)
        .await?;
    let mut roles = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        let permissions: Vec<String> =
            sqlx::query_scalar("SELECT permission_name FROM role_permissions WHERE role_id = $1 ORDER BY permission_name")
                .bind(&id)
                .fetch_all(pool)
                .await?;
        roles.push(RoleInfo {
            id,
            name: row.try_get("name")?,
            description: row.try_get("description")?,
            permissions,
        });
    }
    Ok(roles)
}

pub async fn get_role(pool: &Pool, id: &str) -> Result<Option<RoleInfo>, DirectoryError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, description FROM roles WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    let Some((name, description)) = row else {
        return Ok(None);
    };
    let permissions: Vec<String> = sqlx::query_scalar(
        "SELECT permission_name FROM role_permissions WHERE role_id = $1 ORDER BY permission_name",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(RoleInfo {
        id: id.to_owned(),
        name,
        description,
        permissions,
    }))
}

pub async fn role_permissions(pool: &Pool, id: &str) -> Result<Vec<RolePermission>, DirectoryError> {
    if get_role(pool, id).await?.is_none() {
        return Err(DirectoryError::NotFound);
    }
    let granted: Vec<(String, String)> = sqlx::query_as(
        "SELECT resource_server_identifier, permission_name FROM role_permissions WHERE role_id = $1",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let apis = list_apis(pool).await?;
    let mut out: Vec<RolePermission> = granted
        .into_iter()
        .map(|(identifier, name)| {
            let api = apis.iter().find(|a| a.identifier == identifier);
            RolePermission {
                description: api
                    .and_then(|a| a.permissions.iter().find(|p| p.value == name))
                    .map(|p| p.description.clone())
                    .unwrap_or_default(),
                resource_server_name: api.map(|a| a.name.clone()).unwrap_or_default(),
                resource_server_identifier: identifier,
                permission_name: name,
            }
        })
        .collect();
    out.sort();
    Ok(out)
}

pub async fn role_holders(pool: &Pool, id: &str) -> Result<RoleHolders, DirectoryError> {
    let (members, organizations): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM member_roles WHERE role_id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(RoleHolders {
        members: u64::try_from(members).unwrap_or_default(),
        organizations: u64::try_from(organizations).unwrap_or_default(),
        counted_of: None,
    })
}

/// Auth0's words for a taken role name.
const ROLE_NAME_TAKEN: &str = "A role with this name already exists.";

pub async fn create_role(pool: &Pool, role: &NewRole) -> Result<RoleInfo, DirectoryError> {
    let id = match &role.id {
        Some(id) => id.clone(),
        None => new_id("rol_")?,
    };
    let result = sqlx::query("INSERT INTO roles (id, name, description) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(&role.name)
        .bind(&role.description)
        .execute(pool)
        .await;
    match result {
        Err(err) if is_unique_violation(&err) => {
            return Err(DirectoryError::Conflict(ROLE_NAME_TAKEN.into()))
        }
        other => other?,
    };
    Ok(RoleInfo {
        id,
        name: role.name.clone(),
        description: role.description.clone(),
        permissions: Vec::new(),
    })
}

pub async fn update_role(pool: &Pool, id: &str, patch: &RolePatch) -> Result<RoleInfo, DirectoryError> {
    let mut tx = begin(pool).await?;
    let row: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT name, description FROM roles WHERE id = $1{FOR_UPDATE}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (name, description) = row.ok_or(DirectoryError::NotFound)?;
    let name = patch.name.clone().unwrap_or(name);
    let description = patch.description.clone().unwrap_or(description);
    let result = sqlx::query("UPDATE roles SET name = $2, description = $3 WHERE id = $1")
        .bind(id)
        .bind(&name)
        .bind(&description)
        .execute(&mut *tx)
        .await;
    match result {
        Err(err) if is_unique_violation(&err) => {
            return Err(DirectoryError::Conflict(ROLE_NAME_TAKEN.into()))
        }
        other => other?,
    };
    tx.commit().await?;
    get_role(pool, id).await?.ok_or(DirectoryError::NotFound)
}

pub async fn delete_role(pool: &Pool, id: &str) -> Result<(), DirectoryError> {
    let mut tx = begin(pool).await?;
    // Held roles and granted permissions go with it (ON DELETE CASCADE), in one transaction.
    for statement in [
        "DELETE FROM member_roles WHERE role_id = $1",
        "DELETE FROM role_permissions WHERE role_id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut *tx).await?;
    }
    let gone = sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Locks the role `id` for the rest of the transaction; `NotFound` when there is none.
async fn lock_role(tx: &mut Conn, id: &str) -> Result<(), DirectoryError> {
    let exists: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM roles WHERE id = $1{FOR_UPDATE}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    exists.map(|_| ()).ok_or(DirectoryError::NotFound)
}

pub async fn add_role_permissions(
    pool: &Pool,
    id: &str,
    permissions: &[PermissionRef],
) -> Result<(), DirectoryError> {
    let mut tx = begin(pool).await?;
    lock_role(&mut tx, id).await?;
    for (i, permission) in permissions.iter().enumerate() {
        // Like Auth0: only a permission an API defines can be granted.
        let defined: Option<String> =
            sqlx::query_scalar("SELECT permissions FROM apis WHERE identifier = $1")
                .bind(&permission.resource_server_identifier)
                .fetch_optional(&mut *tx)
                .await?;
        let defined: Vec<ApiPermission> = defined
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|err| DirectoryError::Internal(format!("stored permissions: {err}")))?
            .unwrap_or_default();
        if !defined.iter().any(|p| p.value == permission.permission_name) {
            return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
                field: format!("permissions[{i}]"),
                message: format!(
                    "{} is not a permission of {}.",
                    permission.permission_name, permission.resource_server_identifier
                ),
            }));
        }
        sqlx::query(
            "INSERT INTO role_permissions (role_id, resource_server_identifier, permission_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&permission.resource_server_identifier)
        .bind(&permission.permission_name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove_role_permissions(
    pool: &Pool,
    id: &str,
    permissions: &[PermissionRef],
) -> Result<(), DirectoryError> {
    let mut tx = begin(pool).await?;
    lock_role(&mut tx, id).await?;
    for permission in permissions {
        sqlx::query(
            "DELETE FROM role_permissions WHERE role_id = $1 AND resource_server_identifier = $2 AND permission_name = $3",
        )
        .bind(id)
        .bind(&permission.resource_server_identifier)
        .bind(&permission.permission_name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A grant row: (id, client id, client name, audience, scope JSON, organization usage).
type GrantRow = (String, String, String, String, String, String);

const GRANT_COLUMNS: &str =
    "g.id, g.client_id, c.name, g.audience, g.scope, g.organization_usage";

fn grant_from_row(row: GrantRow) -> Result<ClientGrantInfo, DirectoryError> {
    let (id, client_id, client_name, audience, scope, usage) = row;
    let permissions: Vec<String> = serde_json::from_str(&scope)
        .map_err(|err| DirectoryError::Internal(format!("stored scope of {id}: {err}")))?;
    Ok(ClientGrantInfo {
        id,
        client_id,
        client_name,
        api_identifier: audience,
        permissions,
        organization_usage: usage,
    })
}

fn app_of(grant: ClientGrantInfo) -> M2mApp {
    M2mApp {
        client_id: grant.client_id,
        name: grant.client_name,
        grant_id: grant.id,
        api_identifier: grant.api_identifier,
        permissions: grant.permissions,
    }
}

/// A client secret for the one answer that shows it; never written anywhere.
fn new_secret() -> Result<ClientSecret, DirectoryError> {
    Ok(ClientSecret(format!(
        "{}{}{}{}",
        new_id("")?,
        new_id("")?,
        new_id("")?,
        new_id("")?
    )))
}

pub async fn list_org_m2m(pool: &Pool, org: &OrgId) -> Result<Vec<M2mApp>, DirectoryError> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM org_client_grants o JOIN client_grants g ON g.id = o.grant_id \
         JOIN clients c ON c.client_id = g.client_id WHERE o.org_id = $1 ORDER BY c.name, g.id"
    ))
    .bind(org.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| grant_from_row(row).map(app_of))
        .collect()
}

pub async fn list_client_grants(pool: &Pool) -> Result<Vec<ClientGrantInfo>, DirectoryError> {
    let rows: Vec<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM client_grants g JOIN clients c ON c.client_id = g.client_id \
         ORDER BY c.name, g.id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(grant_from_row).collect()
}

pub async fn create_org_m2m(
    pool: &Pool,
    org: &OrgId,
    app: &NewM2m,
) -> Result<M2mCreated, DirectoryError> {
    // Client, grant and association in one transaction: never a client without its grant.
    let mut tx = begin(pool).await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1")
        .bind(org.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    exists.ok_or(DirectoryError::NotFound)?;
    let client_id = format!("{}{}", new_id("")?, new_id("")?);
    let grant_id = new_id("cgr_")?;
    sqlx::query("INSERT INTO clients (client_id, name, app_type, created_at) VALUES ($1, $2, 'non_interactive', $3)")
        .bind(&client_id)
        .bind(&app.name)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO client_grants (id, client_id, audience, scope, organization_usage) VALUES ($1, $2, $3, $4, 'require')")
        .bind(&grant_id)
        .bind(&client_id)
        .bind(&app.api_identifier)
        .bind(json!(app.permissions).to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO org_client_grants (org_id, grant_id) VALUES ($1, $2)")
        .bind(org.as_str())
        .bind(&grant_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(M2mCreated {
        app: M2mApp {
            client_id,
            name: app.name.clone(),
            grant_id,
            api_identifier: app.api_identifier.clone(),
            permissions: app.permissions.clone(),
        },
        client_secret: new_secret()?,
    })
}

pub async fn associate_org_grant(
    pool: &Pool,
    org: &OrgId,
    grant_id: &str,
) -> Result<M2mApp, DirectoryError> {
    let mut tx = begin(pool).await?;
    let row: Option<GrantRow> = sqlx::query_as(&format!(
        "SELECT {GRANT_COLUMNS} FROM client_grants g JOIN clients c ON c.client_id = g.client_id WHERE g.id = $1"
    ))
    .bind(grant_id)
    .fetch_optional(&mut *tx)
    .await?;
    let grant = grant_from_row(row.ok_or(DirectoryError::NotFound)?)?;
    if grant.organization_usage == "deny" {
        // Auth0's answer when a grant does not allow organizations.
        return Err(DirectoryError::Conflict(
            "The client grant does not allow organization usage.".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO org_client_grants (org_id, grant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(org.as_str())
    .bind(grant_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(app_of(grant))
}

pub async fn remove_org_m2m(pool: &Pool, org: &OrgId, client_id: &str) -> Result<(), DirectoryError> {
    let gone = sqlx::query(
        "DELETE FROM org_client_grants WHERE org_id = $1 AND grant_id IN (SELECT id FROM client_grants WHERE client_id = $2)",
    )
    .bind(org.as_str())
    .bind(client_id)
    .execute(pool)
    .await?;
    if gone.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    Ok(())
}

pub async fn token_quota(pool: &Pool, org: &OrgId) -> Result<TokenQuota, DirectoryError> {
    let quota: Option<String> =
        sqlx::query_scalar("SELECT quota FROM org_token_quotas WHERE org_id = $1")
            .bind(org.as_str())
            .fetch_optional(pool)
            .await?;
    quota
        .map(|json| serde_json::from_str(&json))
        .transpose()
        .map_err(|err| DirectoryError::Internal(format!("stored token quota: {err}")))
        .map(Option::unwrap_or_default)
}

pub async fn set_token_quota(pool: &Pool, org: &OrgId, quota: &TokenQuota) -> Result<(), DirectoryError> {
    let mut tx = begin(pool).await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1")
        .bind(org.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    exists.ok_or(DirectoryError::NotFound)?;
    if quota.client_credentials.is_some() {
        let json = serde_json::to_string(quota)
            .map_err(|err| DirectoryError::Internal(format!("token quota: {err}")))?;
        sqlx::query(
            "INSERT INTO org_token_quotas (org_id, quota) VALUES ($1, $2) ON CONFLICT (org_id) DO UPDATE SET quota = excluded.quota",
        )
        .bind(org.as_str())
        .bind(json)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query("DELETE FROM org_token_quotas WHERE org_id = $1")
            .bind(org.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn rotate_client_secret(pool: &Pool, client_id: &str) -> Result<ClientSecret, DirectoryError> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT client_id FROM clients WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(pool)
            .await?;
    exists.ok_or(DirectoryError::NotFound)?;
    // The embedded store keeps no secret, so there is nothing to replace: the new one is the
    // only one anyone will ever see.
    new_secret()
}

fn invitation_from_row(
    row: &DbRow,
    catalogue: &[RoleInfo],
) -> Result<Invitation, DirectoryError> {
    let roles: String = row.try_get("roles")?;
    let ids: Vec<String> = serde_json::from_str(&roles).unwrap_or_default();
    Ok(Invitation {
        id: row.try_get("id")?,
        invitee_email: row.try_get("invitee_email")?,
        inviter_name: row.try_get("inviter_name")?,
        roles: crate::directory::role_refs(catalogue, &ids),
        connection_id: row.try_get("connection_id")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        invitation_url: row.try_get("invitation_url")?,
    })
}

pub async fn list_invitations(
    pool: &Pool,
    org: &OrgId,
) -> Result<Vec<Invitation>, DirectoryError> {
    ensure_org(pool, org).await?;
    let catalogue = list_roles(pool).await?;
    let rows =
        sqlx::query("SELECT * FROM invitations WHERE org_id = $1 ORDER BY created_at DESC, id")
            .bind(org.as_str())
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|row| invitation_from_row(row, &catalogue))
        .collect()
}

pub async fn create_invitation(
    pool: &Pool,
    org: &OrgId,
    invitation: &NewInvitation,
) -> Result<Invitation, DirectoryError> {
    ensure_org(pool, org).await?;
    let catalogue = list_roles(pool).await?;
    if let Some(unknown) = invitation
        .roles
        .iter()
        .find(|id| !catalogue.iter().any(|r| &r.id == *id))
    {
        return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
            field: "roles".into(),
            message: format!("There is no role {unknown}."),
        }));
    }
    if let Some(connection) = &invitation.connection_id {
        let mut conn = pool.acquire().await?;
        require_known(
            &mut conn,
            "SELECT 1 FROM connections WHERE id = $1",
            connection,
            "connection_id",
            "connection",
        )
        .await?;
    }
    let id = new_id("uinv_")?;
    let ticket = new_id("")?;
    let created = now();
    let expires = invitation
        .expires_at
        .unwrap_or(created + i64::from(invitation.ttl_days) * 86_400);
    sqlx::query("INSERT INTO invitations (id, org_id, inviter_name, invitee_email, connection_id, roles, created_at, expires_at, ticket_id, invitation_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(&id)
        .bind(org.as_str())
        .bind(&invitation.inviter_name)
        .bind(invitation.invitee_email.as_str())
        .bind(&invitation.connection_id)
        .bind(serde_json::to_string(&invitation.roles).unwrap_or_else(|_| "[]".into()))
        .bind(created)
        .bind(expires)
        .bind(&ticket)
        .bind(format!("https://login.ai-application.example/login?invitation={ticket}&organization={org}"))
        .execute(pool)
        .await?;
    let row = sqlx::query("SELECT * FROM invitations WHERE id = $1")
        .bind(&id)
        .fetch_one(pool)
        .await?;
    invitation_from_row(&row, &catalogue)
}

pub async fn delete_invitation(
    pool: &Pool,
    org: &OrgId,
    id: &str,
) -> Result<(), DirectoryError> {
    let deleted = sqlx::query("DELETE FROM invitations WHERE org_id = $1 AND id = $2")
        .bind(org.as_str())
        .bind(id)
        .execute(pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    Ok(())
}

/// Above this many users matching, a search walks the users in email order instead (they are
/// dense enough that the first page is found quickly).
const SEARCH_INDEX_MAX_MATCHES: i64 = 1000;

pub async fn search_users(
    pool: &Pool,
    q: &str,
    limit: u32,
    scope: Option<&OrgId>,
) -> Result<Vec<UserSummary>, DirectoryError> {
    let q = q.trim();
    // The trigram index answers text of three characters or more; when few users match, it
    // finds them without reading the others.
    // (PostgreSQL's trigram index serves the ILIKE below directly.)
    if SQLITE && q.chars().count() >= 3 {
        let phrase = format!("\"{}\"", q.replace('"', "\"\""));
        let matches: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT rowid FROM users_search WHERE users_search MATCH $1 LIMIT $2)",
        )
        .bind(&phrase)
        .bind(SEARCH_INDEX_MAX_MATCHES + 1)
        .fetch_one(pool)
        .await?;
        if matches <= SEARCH_INDEX_MAX_MATCHES {
            let rows = sqlx::query(
                "SELECT user_id, email, name FROM users u \
                 WHERE u.rowid IN (SELECT rowid FROM users_search WHERE users_search MATCH $1) \
                 AND ($3 IS NULL OR lower(u.email) = lower($2) \
                      OR EXISTS (SELECT 1 FROM org_members m WHERE m.user_id = u.user_id AND m.org_id = $3)) \
                 ORDER BY u.email LIMIT $4",
            )
            .bind(&phrase)
            .bind(q)
            .bind(scope.map(OrgId::as_str))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            return user_summaries(&rows);
        }
    }
    if !SQLITE && scope.is_none() && q.chars().count() >= 3 {
        // As SQLite's index above: when few users match, the trigram indexes find them all
        // and they are sorted; when many do, walking the users in email order finds a page at
        // once. (Left to itself the planner walks in email order and may read 40,000 users to
        // find 25 that sit together.)
        let pattern = like(q);
        let matches: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM users u \
             WHERE u.email {LIKE} $1 ESCAPE '\\' OR u.name {LIKE} $1 ESCAPE '\\' LIMIT $2) found"
        ))
        .bind(&pattern)
        .bind(SEARCH_INDEX_MAX_MATCHES + 1)
        .fetch_one(pool)
        .await?;
        if matches <= SEARCH_INDEX_MAX_MATCHES {
            let rows = sqlx::query(&format!(
                "WITH found AS MATERIALIZED (SELECT user_id, email, name FROM users u \
                 WHERE u.email {LIKE} $1 ESCAPE '\\' OR u.name {LIKE} $1 ESCAPE '\\') \
                 SELECT user_id, email, name FROM found ORDER BY email LIMIT $2"
            ))
            .bind(&pattern)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            return user_summaries(&rows);
        }
    }
    let rows = match scope {
        None => {
            let sql = format!(
                "SELECT user_id, email, name FROM users u \
                 WHERE u.email {LIKE} $1 ESCAPE '\\' OR u.name {LIKE} $1 ESCAPE '\\' \
                 ORDER BY u.email LIMIT $2"
            );
            sqlx::query(&sql)
                .bind(like(q))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        }
        Some(org) => {
            // Within one organization, or anyone by their exact address.
            let sql = format!(
                "SELECT user_id, email, name FROM users u \
                 WHERE lower(u.email) = lower($2) OR ((u.email {LIKE} $1 ESCAPE '\\' OR u.name {LIKE} $1 ESCAPE '\\') \
                 AND EXISTS (SELECT 1 FROM org_members m WHERE m.user_id = u.user_id AND m.org_id = $3)) \
                 ORDER BY u.email LIMIT $4"
            );
            sqlx::query(&sql)
                .bind(like(q))
                .bind(q)
                .bind(org.as_str())
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        }
    };
    user_summaries(&rows)
}

fn user_summaries(rows: &[DbRow]) -> Result<Vec<UserSummary>, DirectoryError> {
    rows.iter()
        .map(|row| {
            Ok(UserSummary {
                user_id: row.try_get("user_id")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn member_roles(
    pool: &Pool,
    org: &OrgId,
    user_id: &str,
) -> Result<Vec<RoleRef>, DirectoryError> {
    ensure_org(pool, org).await?;
    require_member(&mut *pool.acquire().await?, org, user_id).await?;
    Ok(roles_of(pool, org, &[user_id.to_owned()])
        .await?
        .remove(user_id)
        .unwrap_or_default())
}

fn user_from_row(
    row: &DbRow,
) -> Result<orgdesk_model::users::User, DirectoryError> {
    let user_metadata: String = row.try_get("user_metadata")?;
    let app_metadata: String = row.try_get("app_metadata")?;
    // Auth0 metadata may hold any JSON; orgdesk shows scalar values as text.
    let text_map = |json: &str| -> BTreeMap<String, String> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .collect()
    };
    let verified: i64 = row.try_get("email_verified")?;
    Ok(orgdesk_model::users::User {
        user_id: row.try_get("user_id")?,
        email: row.try_get("email")?,
        email_verified: verified != 0,
        name: row.try_get("name")?,
        connection: row.try_get("connection")?,
        user_metadata: text_map(&user_metadata),
        app_metadata: text_map(&app_metadata),
        created_at: row.try_get("created_at")?,
    })
}

pub async fn get_user(
    pool: &Pool,
    user_id: &str,
) -> Result<Option<orgdesk_model::users::User>, DirectoryError> {
    let row = sqlx::query("SELECT * FROM users WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_orgs(
    pool: &Pool,
    user_id: &str,
) -> Result<Vec<orgdesk_model::users::UserOrg>, DirectoryError> {
    let rows = sqlx::query("SELECT o.id, o.name, o.display_name FROM org_members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name")
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    let mut orgs = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        let org = OrgId::parse(&id).map_err(|e| DirectoryError::Internal(e.to_string()))?;
        let roles = roles_of(pool, &org, &[user_id.to_owned()])
            .await?
            .remove(user_id)
            .unwrap_or_default();
        orgs.push(orgdesk_model::users::UserOrg {
            id,
            name: row.try_get("name")?,
            display_name: row.try_get("display_name")?,
            roles,
        });
    }
    Ok(orgs)
}

pub async fn create_user(
    pool: &Pool,
    input: &orgdesk_model::users::NewUserInput,
    app_metadata: &BTreeMap<String, String>,
) -> Result<orgdesk_model::users::User, DirectoryError> {
    // Checks and insert in one write transaction: two creates of one address cannot both pass.
    let mut tx = begin(pool).await?;
    let strategy: Option<String> =
        sqlx::query_scalar("SELECT strategy FROM connections WHERE name = $1")
            .bind(&input.connection)
            .fetch_optional(&mut *tx)
            .await?;
    match strategy.as_deref() {
        Some("auth0") => {}
        Some(_) => {
            return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
                field: "connection".into(),
                message: "Users with a password can only be created on a database connection."
                    .into(),
            }))
        }
        None => {
            return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
                field: "connection".into(),
                message: format!("There is no connection {}.", input.connection),
            }))
        }
    }
    let email = input.email.trim().to_lowercase();
    let taken: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM users WHERE connection = $1 AND lower(email) = $2")
            .bind(&input.connection)
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(DirectoryError::Conflict("The user already exists.".into()));
    }
    // The embedded store keeps no password at all: demo sign-in is by persona.
    let user_id = match &input.user_id {
        Some(id) => id.clone(),
        None => format!("auth0|{}", new_id("")?.to_lowercase()),
    };
    let name = if input.name.trim().is_empty() {
        email.clone()
    } else {
        input.name.trim().to_owned()
    };
    sqlx::query("INSERT INTO users (user_id, email, email_verified, name, connection, user_metadata, app_metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&user_id)
        .bind(&email)
        .bind(i64::from(input.email_verified))
        .bind(&name)
        .bind(&input.connection)
        .bind(serde_json::to_string(&input.user_metadata).unwrap_or_else(|_| "{}".into()))
        .bind(serde_json::to_string(app_metadata).unwrap_or_else(|_| "{}".into()))
        .bind(now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    get_user(pool, &user_id)
        .await?
        .ok_or(DirectoryError::NotFound)
}

pub async fn create_connection(
    pool: &Pool,
    name: &str,
    strategy: &str,
) -> Result<orgdesk_model::users::Connection, DirectoryError> {
    let id = new_id("con_")?;
    let result = sqlx::query("INSERT INTO connections (id, name, strategy) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(name)
        .bind(strategy)
        .execute(pool)
        .await;
    match result {
        Err(err) if is_unique_violation(&err) => {
            return Err(DirectoryError::Conflict(format!(
                "A connection named “{name}” already exists."
            )))
        }
        other => other?,
    };
    Ok(orgdesk_model::users::Connection {
        id,
        name: name.to_owned(),
        strategy: strategy.to_owned(),
    })
}

pub async fn list_connections(
    pool: &Pool,
) -> Result<Vec<orgdesk_model::users::Connection>, DirectoryError> {
    let rows = sqlx::query("SELECT id, name, strategy FROM connections ORDER BY name")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(orgdesk_model::users::Connection {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                strategy: row.try_get("strategy")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn org_connections(
    pool: &Pool,
    org: &OrgId,
) -> Result<Vec<orgdesk_model::users::OrgConnection>, DirectoryError> {
    ensure_org(pool, org).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.strategy, oc.assign_membership_on_login, oc.show_as_button, oc.is_signup_enabled \
         FROM org_connections oc JOIN connections c ON c.id = oc.connection_id WHERE oc.org_id = $1 ORDER BY c.name",
    )
    .bind(org.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let flag =
                |name: &str| -> Result<bool, sqlx::Error> { Ok(row.try_get::<i64, _>(name)? != 0) };
            Ok(orgdesk_model::users::OrgConnection {
                connection_id: row.try_get("id")?,
                assign_membership_on_login: flag("assign_membership_on_login")?,
                show_as_button: flag("show_as_button")?,
                is_signup_enabled: flag("is_signup_enabled")?,
                connection: orgdesk_model::users::ConnectionRef {
                    name: row.try_get("name")?,
                    strategy: row.try_get("strategy")?,
                },
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub async fn put_org_connection(
    pool: &Pool,
    org: &OrgId,
    connection: &orgdesk_model::users::OrgConnection,
) -> Result<orgdesk_model::users::OrgConnection, DirectoryError> {
    ensure_org(pool, org).await?;
    let mut tx = begin(pool).await?;
    sqlx::query("INSERT INTO org_connections (org_id, connection_id, assign_membership_on_login, show_as_button, is_signup_enabled) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id, connection_id) DO UPDATE SET assign_membership_on_login = $3, show_as_button = $4, is_signup_enabled = $5")
        .bind(org.as_str())
        .bind(&connection.connection_id)
        .bind(i64::from(connection.assign_membership_on_login))
        .bind(i64::from(connection.show_as_button))
        .bind(i64::from(connection.is_signup_enabled))
        .execute(&mut *tx)
        .await?;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_connections WHERE org_id = $1")
        .bind(org.as_str())
        .fetch_one(&mut *tx)
        .await?;
    if usize::try_from(count).unwrap_or(usize::MAX) > orgdesk_model::users::MAX_ORG_CONNECTIONS {
        return Err(DirectoryError::Invalid(orgdesk_model::ValidationError {
            field: "connection_id".into(),
            message: format!(
                "An organization can enable at most {} connections.",
                orgdesk_model::users::MAX_ORG_CONNECTIONS
            ),
        }));
    }
    tx.commit().await?;
    org_connections(pool, org)
        .await?
        .into_iter()
        .find(|c| c.connection_id == connection.connection_id)
        .ok_or(DirectoryError::NotFound)
}

pub async fn delete_org_connection(
    pool: &Pool,
    org: &OrgId,
    connection_id: &str,
) -> Result<(), DirectoryError> {
    ensure_org(pool, org).await?;
    let deleted =
        sqlx::query("DELETE FROM org_connections WHERE org_id = $1 AND connection_id = $2")
            .bind(org.as_str())
            .bind(connection_id)
            .execute(pool)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    Ok(())
}


fn org_from_row(row: &DbRow) -> Result<Organization, DirectoryError> {
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


pub async fn list_orgs(pool: &Pool, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError> {
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(like);
    let only = query.only.as_ref().map(OrgId::as_str);
    // Only the conditions asked for (see `list_members`).
    let mut filter = String::from("WHERE TRUE");
    let mut next = 1;
    if pattern.is_some() {
        filter.push_str(&format!(
            " AND (name {LIKE} ${next} ESCAPE '\\' OR display_name {LIKE} ${next} ESCAPE '\\')"
        ));
        next += 1;
    }
    if only.is_some() {
        filter.push_str(&format!(" AND id = ${next}"));
        next += 1;
    }
    let count_sql = format!("SELECT COUNT(*) FROM orgs {filter}");
    let mut count = sqlx::query_scalar(&count_sql);
    if let Some(pattern) = &pattern {
        count = count.bind(pattern);
    }
    if let Some(only) = only {
        count = count.bind(only);
    }
    let total: i64 = count.fetch_one(pool).await?;
    let page_sql = format!(
        "SELECT {ORG_COLUMNS} FROM orgs {filter} ORDER BY name LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut page = sqlx::query(&page_sql);
    if let Some(pattern) = &pattern {
        page = page.bind(pattern);
    }
    if let Some(only) = only {
        page = page.bind(only);
    }
    let rows = page
        .bind(i64::from(query.per_page))
        .bind(i64::from(query.page) * i64::from(query.per_page))
        .fetch_all(pool)
        .await?;
    let items = rows.iter().map(org_from_row).collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        total: u64::try_from(total).unwrap_or(0),
    })
}

pub async fn get_org(pool: &Pool, id: &OrgId) -> Result<Option<Organization>, DirectoryError> {
    let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1"))
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(org_from_row).transpose()
}

pub async fn create_org(pool: &Pool, org: &NewOrg) -> Result<Organization, DirectoryError> {
    let id = match &org.id {
        Some(id) => id.as_str().to_owned(),
        None => new_id("org_")?,
    };
    let (logo, primary, background) = branding_columns(org.branding.as_ref());
    let result = sqlx::query("INSERT INTO orgs (id, name, display_name, logo_url, primary_color, page_background, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(&id)
        .bind(org.name.as_str())
        .bind(org.display_name.as_ref().map(DisplayName::as_str))
        .bind(logo)
        .bind(primary)
        .bind(background)
        .bind(metadata_json(&org.metadata)?)
        .bind(now())
        .execute(pool)
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
    get_org(pool, &id).await?.ok_or(DirectoryError::NotFound)
}

pub async fn update_org(pool: &Pool,
    id: &OrgId,
    update: &OrgUpdate,
    expected_metadata: Option<&Metadata>,
) -> Result<Organization, DirectoryError> {
    // One transaction: the metadata comparison and the write cannot be interleaved (SQLite's
    // one writer; PostgreSQL's row lock).
    let mut tx = begin(pool).await?;
    let row = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs WHERE id = $1{FOR_UPDATE}"))
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
    sqlx::query("UPDATE orgs SET display_name = $2, logo_url = $3, primary_color = $4, page_background = $5, metadata = $6 WHERE id = $1")
        .bind(id.as_str())
        .bind(display_name.map(DisplayName::as_str))
        .bind(logo)
        .bind(primary)
        .bind(background)
        .bind(metadata_json(metadata)?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    get_org(pool, id).await?.ok_or(DirectoryError::NotFound)
}

pub async fn delete_org(pool: &Pool, id: &OrgId) -> Result<(), DirectoryError> {
    let deleted = sqlx::query("DELETE FROM orgs WHERE id = $1")
        .bind(id.as_str())
        .execute(pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    Ok(())
}

pub async fn org_counts(pool: &Pool, id: &OrgId) -> Result<OrgCounts, DirectoryError> {
    // Like Auth0, an organization that does not exist has no counts: it is not found.
    let (members, invitations): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM org_members WHERE org_id = $1), (SELECT COUNT(*) FROM invitations WHERE org_id = $1) FROM orgs WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or(DirectoryError::NotFound)?;
    Ok(OrgCounts {
        members: u64::try_from(members).unwrap_or(0),
        invitations: u64::try_from(invitations).unwrap_or(0),
    })
}


pub async fn tenant_settings(pool: &Pool,) -> Result<TenantSettings, DirectoryError> {
    let text: String = sqlx::query_scalar("SELECT settings FROM tenant_settings WHERE id = 1")
        .fetch_optional(pool)
        .await?
        .unwrap_or_else(|| "{}".into());
    serde_json::from_str(&text)
        .map_err(|err| DirectoryError::Internal(format!("stored tenant settings: {err}")))
}

pub async fn update_tenant_settings(pool: &Pool,
    change: &TenantSettingsInput,
) -> Result<TenantSettings, DirectoryError> {
    // Read, change and write in one transaction: two saves cannot interleave.
    let mut tx = begin(pool).await?;
    let text: Option<String> =
        sqlx::query_scalar(&format!("SELECT settings FROM tenant_settings WHERE id = 1{FOR_UPDATE}"))
            .fetch_optional(&mut *tx)
            .await?;
    let current: TenantSettings = serde_json::from_str(text.as_deref().unwrap_or("{}"))
        .map_err(|err| DirectoryError::Internal(format!("stored tenant settings: {err}")))?;
    let next = current.apply(change);
    let json = serde_json::to_string(&next)
        .map_err(|err| DirectoryError::Internal(format!("tenant settings: {err}")))?;
    sqlx::query(
        "INSERT INTO tenant_settings (id, settings) VALUES (1, $1) \
         ON CONFLICT (id) DO UPDATE SET settings = excluded.settings",
    )
    .bind(json)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// The columns of an API row, in [`ApiRow`]'s order.
const API_COLUMNS: &str =
    "id, name, identifier, signing_alg, token_lifetime, rbac, permissions_in_token, permissions, system_api";

type ApiRow = (String, String, String, String, i64, i64, i64, String, i64);

fn api_from_row(row: ApiRow) -> Result<Api, DirectoryError> {
    let (id, name, identifier, signing_alg, lifetime, rbac, in_token, permissions, system) = row;
    let permissions: Vec<ApiPermission> = serde_json::from_str(&permissions)
        .map_err(|err| DirectoryError::Internal(format!("stored permissions of {id}: {err}")))?;
    Ok(Api {
        id,
        name,
        identifier,
        signing_alg,
        token_lifetime: u32::try_from(lifetime).unwrap_or(u32::MAX),
        rbac: rbac != 0,
        permissions_in_token: in_token != 0,
        permissions,
        system: system != 0,
    })
}

fn permissions_json(permissions: &[ApiPermission]) -> Result<String, DirectoryError> {
    serde_json::to_string(permissions)
        .map_err(|err| DirectoryError::Internal(format!("permissions: {err}")))
}

pub async fn list_apis(pool: &Pool) -> Result<Vec<Api>, DirectoryError> {
    let rows: Vec<ApiRow> = sqlx::query_as(&format!(
        "SELECT {API_COLUMNS} FROM apis ORDER BY system_api DESC, name, id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(api_from_row).collect()
}

pub async fn get_api(pool: &Pool, id: &str) -> Result<Option<Api>, DirectoryError> {
    let row: Option<ApiRow> =
        sqlx::query_as(&format!("SELECT {API_COLUMNS} FROM apis WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(api_from_row).transpose()
}

pub async fn create_api(pool: &Pool, api: &NewApi) -> Result<Api, DirectoryError> {
    // Auth0's resource server ids are 24 hexadecimal digits; these are as opaque.
    let id = match &api.id {
        Some(id) => id.clone(),
        None => new_id("rs_")?,
    };
    let result = sqlx::query(&format!(
        "INSERT INTO apis ({API_COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, 1, 1, $6, 0, $7)"
    ))
    .bind(&id)
    .bind(&api.name)
    .bind(&api.identifier)
    .bind(orgdesk_model::apis::SIGNING_ALG)
    .bind(i64::from(api.token_lifetime))
    .bind(permissions_json(&api.permissions)?)
    .bind(now())
    .execute(pool)
    .await;
    match result {
        // Auth0's own words for it.
        Err(err) if is_unique_violation(&err) => {
            return Err(DirectoryError::Conflict(
                "A resource server with the same identifier already exists.".into(),
            ))
        }
        other => other?,
    };
    get_api(pool, &id).await?.ok_or(DirectoryError::NotFound)
}

pub async fn update_api(pool: &Pool, id: &str, patch: &ApiPatch) -> Result<Api, DirectoryError> {
    // Read, change and write in one transaction: two saves cannot interleave.
    let mut tx = begin(pool).await?;
    let row: Option<ApiRow> = sqlx::query_as(&format!(
        "SELECT {API_COLUMNS} FROM apis WHERE id = $1{FOR_UPDATE}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let current = api_from_row(row.ok_or(DirectoryError::NotFound)?)?;
    let next = current.apply(patch);
    sqlx::query(
        "UPDATE apis SET name = $2, token_lifetime = $3, permissions = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(&next.name)
    .bind(i64::from(next.token_lifetime))
    .bind(permissions_json(&next.permissions)?)
    .execute(&mut *tx)
    .await?;
    // Like Auth0: a permission the API no longer defines is no role's any more.
    for gone in current
        .permissions
        .iter()
        .filter(|p| !next.permissions.iter().any(|n| n.value == p.value))
    {
        sqlx::query(
            "DELETE FROM role_permissions WHERE resource_server_identifier = $1 AND permission_name = $2",
        )
        .bind(&current.identifier)
        .bind(&gone.value)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(next)
}

pub async fn delete_api(pool: &Pool, id: &str) -> Result<(), DirectoryError> {
    let mut tx = begin(pool).await?;
    let identifier: Option<String> = sqlx::query_scalar(&format!(
        "SELECT identifier FROM apis WHERE id = $1 AND system_api = 0{FOR_UPDATE}"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let identifier = identifier.ok_or(DirectoryError::NotFound)?;
    sqlx::query("DELETE FROM role_permissions WHERE resource_server_identifier = $1")
        .bind(&identifier)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM apis WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a store the demo tenant's APIs once: the directory's own (as Auth0's Management API is
/// in every tenant) and the AI product's, defining every permission the demo roles hold. A
/// store seeded before APIs existed gets them on its next start.
async fn seed_apis_once(tx: &mut Conn) -> Result<(), sqlx::Error> {
    if seeded(tx, "apis_seeded_at").await? {
        return Ok(());
    }
    let now = now();
    for (id, name, identifier, permissions, system) in demo_apis() {
        let permissions = serde_json::to_string(&permissions)
            .map_err(|err| sqlx::Error::Protocol(format!("demo permissions: {err}")))?;
        sqlx::query(&format!(
            "INSERT INTO apis ({API_COLUMNS}, created_at) VALUES ($1, $2, $3, 'RS256', 86400, $4, $4, $5, $6, $7) ON CONFLICT (identifier) DO NOTHING"
        ))
        .bind(id)
        .bind(name)
        .bind(identifier)
        .bind(i64::from(!system))
        .bind(permissions)
        .bind(i64::from(system))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    mark_seeded(tx, "apis_seeded_at", now).await?;
    Ok(())
}

/// Whether the store already has the demo data `key` names.
async fn seeded(tx: &mut Conn, key: &str) -> Result<bool, sqlx::Error> {
    let at: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(at.is_some())
}

/// Notes that the store has the demo data `key` names, so that it is never added twice.
async fn mark_seeded(tx: &mut Conn, key: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
        .bind(key)
        .bind(at.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Gives a store the demo tenant's machine-to-machine applications once (after its
/// organizations exist): a store seeded before they existed gets them on its next start.
async fn seed_m2m_once(tx: &mut Conn) -> Result<(), sqlx::Error> {
    if seeded(tx, "m2m_seeded_at").await? {
        return Ok(());
    }
    let now = now();
    for (client_id, name, grant_id, scope, usage, org) in M2M_APPS {
        sqlx::query("INSERT INTO clients (client_id, name, app_type, created_at) VALUES ($1, $2, 'non_interactive', $3)")
            .bind(client_id)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO client_grants (id, client_id, audience, scope, organization_usage) VALUES ($1, $2, $3, $4, $5)")
            .bind(grant_id)
            .bind(client_id)
            .bind(AI_API_IDENTIFIER)
            .bind(json!(scope).to_string())
            .bind(usage)
            .execute(&mut *tx)
            .await?;
        if let Some(org) = org {
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1")
                .bind(org)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                sqlx::query("INSERT INTO org_client_grants (org_id, grant_id) VALUES ($1, $2)")
                    .bind(org)
                    .bind(grant_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    mark_seeded(tx, "m2m_seeded_at", now).await?;
    Ok(())
}

/// Gives a store the demo tenant's domains once (after its organizations exist).
async fn seed_domains_once(tx: &mut Conn) -> Result<(), sqlx::Error> {
    if seeded(tx, "domains_seeded_at").await? {
        return Ok(());
    }
    let now = now();
    for (id, org, domain, status, txt_value) in DOMAINS {
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1")
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            sqlx::query("INSERT INTO org_domains (id, org_id, domain, status, txt_value, use_for_discovery, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(org)
                .bind(domain)
                .bind(status)
                .bind(txt_value)
                .bind(true)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    mark_seeded(tx, "domains_seeded_at", now).await?;
    Ok(())
}

/// Fills an empty store with the demo tenant, once: a store that was seeded before is left as it
/// is, whatever happened to its data since.
///
/// # Errors
/// When the database refuses a write; nothing is written then.
pub async fn seed_if_empty(pool: &Pool) -> Result<bool, sqlx::Error> {
    // IMMEDIATE: two processes starting at once on one new database seed it once.
    let mut tx = begin(pool).await?;
    if !SQLITE {
        // Replicas starting together on an empty database: one seeds, the others then find it seeded.
        sqlx::query("SELECT pg_advisory_xact_lock(7368246)")
            .execute(&mut *tx)
            .await?;
    }
    let seeded: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'seeded_at'")
            .fetch_optional(&mut *tx)
            .await?;
    if seeded.is_some() {
        seed_apis_once(&mut tx).await?;
        seed_m2m_once(&mut tx).await?;
        seed_domains_once(&mut tx).await?;
        tx.commit().await?;
        return Ok(false);
    }
    seed_apis_once(&mut tx).await?;
    let now = now();

    sqlx::query("INSERT INTO tenant_settings (id, settings) VALUES (1, $1)")
        .bind(
            json!({
                "friendly_name": "My AI Application",
                "picture_url": "https://example.com/ai-application.png",
                "support_email": "support@example.com",
                "support_url": "https://support.example.com",
                "error_page": {
                    "html": "<h1>Something went wrong</h1><p>Contact support@example.com.</p>",
                    "show_log_link": false,
                    "url": "https://support.example.com/error"
                },
                "flags": {"enable_client_connections": false, "disable_clickjack_protection_headers": false}
            })
            .to_string(),
        )
        .execute(&mut *tx)
        .await?;

    for (id, name, strategy) in [
        ("con_UsrPwdAuth0001", DB_CONNECTION, "auth0"),
        ("con_GoogleOAuth002", "google-oauth2", "google-oauth2"),
        ("con_AcmeSaml000003", "acme-saml", "samlp"),
    ] {
        sqlx::query("INSERT INTO connections (id, name, strategy) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(strategy)
            .execute(&mut *tx)
            .await?;
    }

    for (id, name, description, permissions) in [
        (
            "rol_orgAdmin0001",
            "org-admin",
            "Administers one organization: members, invitations, branding.",
            &[
                "read:org",
                "update:org",
                "create:invitations",
                "read:members",
                "update:members",
            ][..],
        ),
        (
            "rol_dataSci00002",
            "data-scientist",
            "Runs experiments on the organization's datasets and models.",
            &["read:datasets", "run:inference", "create:experiments"][..],
        ),
        (
            "rol_mlEng000003",
            "ml-engineer",
            "Deploys and fine-tunes models for the organization.",
            &[
                "read:datasets",
                "run:inference",
                "deploy:models",
                "fine-tune:models",
            ][..],
        ),
        (
            "rol_viewer00004",
            "viewer",
            "Reads dashboards and results; changes nothing.",
            &["read:datasets", "read:results"][..],
        ),
    ] {
        sqlx::query("INSERT INTO roles (id, name, description) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(description)
            .execute(&mut *tx)
            .await?;
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role_id, resource_server_identifier, permission_name) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(AI_API_IDENTIFIER)
                .bind(permission)
                .execute(&mut *tx)
                .await?;
        }
    }

    for (id, name, display_name, logo, primary, background, metadata) in orgs() {
        sqlx::query("INSERT INTO orgs (id, name, display_name, logo_url, primary_color, page_background, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(name)
            .bind(display_name)
            .bind(logo)
            .bind(primary)
            .bind(background)
            .bind(metadata.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO org_connections (org_id, connection_id, assign_membership_on_login, show_as_button, is_signup_enabled) VALUES ($1, 'con_UsrPwdAuth0001', 0, 1, 0)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO org_connections (org_id, connection_id, assign_membership_on_login, show_as_button, is_signup_enabled) VALUES ($1, 'con_AcmeSaml000003', 1, 1, 0)")
        .bind(ACME_ROBOTICS_ID)
        .execute(&mut *tx)
        .await?;

    for (user_id, email, name, memberships) in USERS {
        let data_scientist = *email == "user@example.com";
        let user_metadata = if data_scientist {
            json!({"role": "data-scientist"})
        } else {
            json!({})
        };
        let app_metadata = memberships
            .first()
            .map_or_else(|| json!({}), |(org, _)| json!({"organization_id": org}));
        sqlx::query("INSERT INTO users (user_id, email, email_verified, name, connection, user_metadata, app_metadata, created_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)")
            .bind(user_id)
            .bind(email)
            .bind(name)
            .bind(DB_CONNECTION)
            .bind(user_metadata.to_string())
            .bind(app_metadata.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (org_id, roles) in *memberships {
            sqlx::query(
                "INSERT INTO org_members (org_id, user_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(org_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for role in *roles {
                sqlx::query(
                    "INSERT INTO member_roles (org_id, user_id, role_id) VALUES ($1, $2, $3)",
                )
                .bind(org_id)
                .bind(user_id)
                .bind(role)
                .execute(&mut *tx)
                .await?;
            }
        }
    }

    const WEEK: i64 = 7 * 24 * 3600;
    for (id, org_id, inviter, email, role, age) in [
        (
            "uinv_Kq3Lm8Np2Rs5Tv7W",
            AI_ORGANIZATION_ID,
            "Omar Okafor",
            "new.hire@ai-organization.example",
            "rol_dataSci00002",
            3600,
        ),
        (
            "uinv_Ab4Cd6Ef8Gh0Ij2K",
            AI_ORGANIZATION_ID,
            "Omar Okafor",
            "contractor@partner.example",
            "rol_viewer00004",
            5 * 24 * 3600,
        ),
        (
            "uinv_Zy9Xw7Vu5Ts3Rq1P",
            ACME_ROBOTICS_ID,
            "Lena Fischer",
            "robotics.lead@acme-robotics.example",
            "rol_mlEng000003",
            2 * 24 * 3600,
        ),
    ] {
        let created = now - age;
        sqlx::query("INSERT INTO invitations (id, org_id, inviter_name, invitee_email, connection_id, roles, created_at, expires_at, ticket_id, invitation_url) VALUES ($1, $2, $3, $4, 'con_UsrPwdAuth0001', $5, $6, $7, $8, $9)")
            .bind(id)
            .bind(org_id)
            .bind(inviter)
            .bind(email)
            .bind(json!([role]).to_string())
            .bind(created)
            .bind(created + WEEK)
            .bind(format!("tkt_{}", &id[5..]))
            .bind(format!("https://login.ai-application.example/login?invitation=tkt_{}&organization={org_id}", &id[5..]))
            .execute(&mut *tx)
            .await?;
    }

    sqlx::query("INSERT INTO meta (key, value) VALUES ('seeded_at', $1)")
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
    seed_m2m_once(&mut tx).await?;
    seed_domains_once(&mut tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// The columns a domain is read from.
const DOMAIN_COLUMNS: &str = "id, org_id, domain, status, txt_value, use_for_discovery";

type DomainRow = (String, String, String, String, String, bool);

/// A stored domain in Auth0's shape: the record to publish is named after the organization, as
/// Auth0 names it.
fn domain_from_row((id, org_id, domain, status, txt_value, discovery): DomainRow) -> Domain {
    Domain {
        id,
        verification: DomainVerification {
            txt_host: format!("_ss-verification.{org_id}.{domain}"),
            txt_value,
        },
        domain,
        status: if status == "verified" {
            DomainStatus::Verified
        } else {
            DomainStatus::Pending
        },
        use_for_organization_discovery: discovery,
        last_checked_at: None,
        last_check_message: None,
    }
}

pub async fn list_domains(pool: &Pool, org: &OrgId) -> Result<Vec<Domain>, DirectoryError> {
    let rows: Vec<DomainRow> = sqlx::query_as(&format!(
        "SELECT {DOMAIN_COLUMNS} FROM org_domains WHERE org_id = $1 ORDER BY created_at, id"
    ))
    .bind(org.as_str())
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(domain_from_row).collect())
}

pub async fn create_domain(
    pool: &Pool,
    org: &OrgId,
    domain: &DomainName,
) -> Result<Domain, DirectoryError> {
    ensure_org(pool, org).await?;
    let mut tx = begin(pool).await?;
    let id = new_id("ord_")?;
    let mut secret = [0u8; 16];
    getrandom::fill(&mut secret)
        .map_err(|err| DirectoryError::Internal(format!("random: {err}")))?;
    let txt_value: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let inserted = sqlx::query(
        "INSERT INTO org_domains (id, org_id, domain, status, txt_value, use_for_discovery, created_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6)",
    )
    .bind(&id)
    .bind(org.as_str())
    .bind(domain.as_str())
    .bind(&txt_value)
    .bind(true)
    .bind(now())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if is_unique_violation(&err) => {
            return Err(DirectoryError::Conflict(DOMAIN_TAKEN.into()))
        }
        Err(err) => return Err(err.into()),
    }
    tx.commit().await?;
    Ok(domain_from_row((
        id,
        org.to_string(),
        domain.to_string(),
        "pending".into(),
        txt_value,
        true,
    )))
}

pub async fn update_domain(
    pool: &Pool,
    org: &OrgId,
    id: &str,
    update: &DomainUpdate,
) -> Result<Domain, DirectoryError> {
    let mut tx = begin(pool).await?;
    let row: Option<DomainRow> = sqlx::query_as(&format!(
        "SELECT {DOMAIN_COLUMNS} FROM org_domains WHERE org_id = $1 AND id = $2"
    ))
    .bind(org.as_str())
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, org_id, domain, mut status, txt_value, mut discovery) =
        row.ok_or(DirectoryError::NotFound)?;
    if let Some(new) = update.status {
        status = if new == DomainStatus::Verified {
            "verified"
        } else {
            "pending"
        }
        .into();
    }
    if let Some(new) = update.use_for_organization_discovery {
        discovery = new;
    }
    sqlx::query("UPDATE org_domains SET status = $1, use_for_discovery = $2 WHERE id = $3")
        .bind(&status)
        .bind(discovery)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(domain_from_row((id, org_id, domain, status, txt_value, discovery)))
}

pub async fn delete_domain(pool: &Pool, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
    let gone = sqlx::query("DELETE FROM org_domains WHERE org_id = $1 AND id = $2")
        .bind(org.as_str())
        .bind(id)
        .execute(pool)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(DirectoryError::NotFound);
    }
    Ok(())
}

/// The enterprise connection a completed single sign-on set-up describes, enabled for the
/// organization as a button on its sign-in page, without membership on login (its admin turns
/// that on, knowingly). A taken name gets a number.
pub async fn create_sso_connection(
    pool: &Pool,
    org: &OrgId,
    spec: &SsoConnectionSpec,
) -> Result<orgdesk_model::users::OrgConnection, DirectoryError> {
    ensure_org(pool, org).await?;
    let id = new_id("con_")?;
    let mut tx = begin(pool).await?;
    let mut name = spec.name.clone();
    for n in 2..100 {
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM connections WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_none() {
            break;
        }
        name = format!("{}-{n}", spec.name);
    }
    sqlx::query("INSERT INTO connections (id, name, strategy) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(&name)
        .bind(spec.provider.strategy())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    put_org_connection(
        pool,
        org,
        &orgdesk_model::users::OrgConnection {
            connection_id: id,
            assign_membership_on_login: false,
            show_as_button: true,
            is_signup_enabled: false,
            connection: orgdesk_model::users::ConnectionRef {
                name,
                strategy: spec.provider.strategy().to_owned(),
            },
        },
    )
    .await
}
