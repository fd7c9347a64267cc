//! Organizations: the paged list and one organization.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::{OrgId, Organization, Page};
use serde::Deserialize;

use crate::access::{self, Action};
use crate::directory::{OrgQuery, MAX_PER_PAGE};
use crate::error::AppError;
use crate::extract::{ApiPath, ApiQuery};
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list))
        .route("/orgs/{org_id}", get(read))
}

/// The query string of `GET /api/orgs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    q: Option<String>,
    #[serde(default)]
    page: u32,
    per_page: Option<u32>,
}

const DEFAULT_PER_PAGE: u32 = 20;

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Page<Organization>>, AppError> {
    access::authorize(&session, Action::ListOrgs, None)?;
    let per_page = params.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::BadRequest(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}."
        )));
    }
    if params.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::BadRequest("The search text is too long.".into()));
    }
    let query = OrgQuery {
        q: params.q,
        page: params.page,
        per_page,
        only: access::org_scope(&session).cloned(),
    };
    Ok(Json(state.directory.list_orgs(&query).await?))
}

async fn read(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org_id): ApiPath<String>,
) -> Result<Json<Organization>, AppError> {
    let org_id = OrgId::parse(&org_id).map_err(|_| AppError::NotFound)?;
    access::authorize(&session, Action::ReadOrg, Some(&org_id))?;
    state
        .directory
        .get_org(&org_id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}
