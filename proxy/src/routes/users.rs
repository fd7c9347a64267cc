//! Users: one user's page, creating users, and the connection catalogue.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::users::{Connection, NewUserInput, User, UserDetail};
use orgdesk_model::{OrgId, Role};
use serde::Deserialize;

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::{DirectoryError, UserSummary};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(find_users).post(create))
        .route("/users/{user_id}", get(read))
        .route("/connections", get(connections))
}

async fn read(
    session: Session,
    State(state): State<AppState>,
    ApiPath(user_id): ApiPath<String>,
) -> Result<Json<UserDetail>, AppError> {
    access::authorize(&session, Action::ReadUsers, None)?;
    let user = state
        .directory
        .get_user(&user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let organizations = state.directory.user_orgs(&user_id).await?;
    Ok(Json(UserDetail {
        user,
        organizations,
    }))
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<NewUserInput>,
) -> Result<(StatusCode, Json<User>), AppError> {
    role_checks::authorize_change(&state, &session, Action::CreateUser, None).await?;
    input.parse()?;
    let org = input
        .organization_id
        .as_deref()
        .map(|id| OrgId::parse(id).map_err(|e| AppError::Invalid(e.at("organization_id"))))
        .transpose()?;
    if let Some(org) = &org {
        state.directory.get_org(org).await?.ok_or_else(|| {
            AppError::Invalid(orgdesk_model::ValidationError {
                field: "organization_id".into(),
                message: "There is no such organization.".into(),
            })
        })?;
    }
    let mut app_metadata = BTreeMap::new();
    if let Some(org) = &org {
        app_metadata.insert("organization_id".to_owned(), org.to_string());
    }
    let user = match state.directory.create_user(&input, &app_metadata).await {
        Ok(user) => user,
        Err(DirectoryError::Conflict(message)) => {
            return Err(AppError::Conflict {
                message,
                field: Some("email"),
            });
        }
        Err(err) => return Err(err.into()),
    };
    if let Some(org) = &org {
        state
            .directory
            .add_members(org, std::slice::from_ref(&user.user_id))
            .await?;
    }
    // The password is not part of the record: only who was created, where.
    let change = |field: &str, label: &str, after: String| Change {
        field: field.into(),
        label: label.into(),
        kind: ValueKind::Text,
        before: None,
        after: Some(after),
    };
    let mut changes = vec![
        change("email", "User", user.email.clone()),
        change("connection", "Connection", user.connection.clone()),
    ];
    if let Some(org) = &org {
        changes.push(change("members", "Member of", org.to_string()));
    }
    super::record_change(
        &state,
        &session,
        &request_id,
        org.as_ref(),
        AuditAction::UsersCreate,
        &changes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn connections(
    session: Session,
    State(state): State<AppState>,
) -> Result<Json<Vec<Connection>>, AppError> {
    access::authorize(&session, Action::ReadConnections, None)?;
    Ok(Json(state.directory.list_connections().await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserParams {
    q: Option<String>,
}

async fn find_users(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<UserParams>,
) -> Result<Json<orgdesk_model::api::CursorPage<UserSummary>>, AppError> {
    access::authorize(&session, Action::FindUsers, None)?;
    let q = params.q.unwrap_or_default();
    if q.trim().chars().count() < 2 {
        return Ok(Json(orgdesk_model::api::CursorPage {
            items: Vec::new(),
            next: None,
        }));
    }
    // An org admin finds their own members by any part, and others only by exact email.
    let scope = match session.role {
        Role::PlatformAdmin => None,
        _ => Some(session.org_id.clone().ok_or(AppError::NotFound)?),
    };
    let items = state.directory.search_users(&q, 20, scope.as_ref()).await?;
    Ok(Json(orgdesk_model::api::CursorPage { items, next: None }))
}
