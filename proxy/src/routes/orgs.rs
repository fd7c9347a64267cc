//! Organizations: the paged list and one organization.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::diff::org_changes;
use orgdesk_model::input::{apply, NewOrgInput, OrgPatchInput};
use orgdesk_model::schema::MetadataRuleError;
use orgdesk_model::{Metadata, OrgId, Organization, Page};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::{OrgCounts, OrgQuery, OrgUpdate, MAX_PER_PAGE};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/{org_id}", get(read).patch(update).delete(remove))
        .route("/orgs/{org_id}/counts", get(counts))
        .route("/orgs/{org_id}/claims-preview", get(claims_preview))
}

/// A path's org id: malformed ids name nothing, so they are 404 like unknown ones.
fn metadata_error(err: MetadataRuleError) -> AppError {
    match err {
        MetadataRuleError::Invalid(err) => AppError::Invalid(err),
        MetadataRuleError::NotEditable { .. } => {
            AppError::Forbidden("Your role cannot change that metadata key.")
        }
    }
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
/// The longest organization search text read; names and display names are far shorter.
const MAX_SEARCH_CHARS: usize = 200;

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
    if params
        .q
        .as_deref()
        .is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS)
    {
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
    ApiPath(org_id): ApiPath<OrgId>,
) -> Result<Json<Organization>, AppError> {
    access::authorize(&session, Action::ReadOrg, Some(&org_id))?;
    state
        .directory
        .get_org(&org_id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<NewOrgInput>,
) -> Result<(StatusCode, Json<Organization>), AppError> {
    role_checks::authorize_change(&state, &session, Action::CreateOrg, None).await?;
    let mut new = input.parse()?;
    new.metadata = state
        .settings
        .schema
        .check_change(
            session.role,
            &Metadata::default(),
            new.metadata.entries().clone(),
            true,
        )
        .map_err(metadata_error)?;
    let created = match state.directory.create_org(&new).await {
        Ok(org) => org,
        Err(crate::directory::DirectoryError::Conflict(message)) => {
            return Err(AppError::Conflict {
                message,
                field: Some("name"),
            })
        }
        Err(err) => return Err(err.into()),
    };
    state.directory_changed().await;
    let empty = Organization {
        id: created.id.clone(),
        name: created.name.clone(),
        display_name: None,
        branding: None,
        metadata: Metadata::default(),
    };
    let mut changes = org_changes(&empty, &created);
    changes.insert(
        0,
        orgdesk_model::diff::Change {
            field: "name".into(),
            label: "Name".into(),
            kind: orgdesk_model::diff::ValueKind::Text,
            before: None,
            after: Some(created.name.to_string()),
        },
    );
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&created.id),
        AuditAction::OrgCreate,
        &changes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn update(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org_id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<OrgPatchInput>,
) -> Result<Json<Organization>, AppError> {
    access::authorize(&session, Action::ReadOrg, Some(&org_id))?;
    let patch = input.parse()?;
    if patch.display_name.is_some() {
        role_checks::authorize_change(&state, &session, Action::RenameOrg, Some(&org_id)).await?;
    }
    if patch.branding.is_some() {
        role_checks::authorize_change(&state, &session, Action::EditBranding, Some(&org_id))
            .await?;
    }
    if patch.metadata.is_some() {
        role_checks::authorize_change(&state, &session, Action::EditMetadata, Some(&org_id))
            .await?;
    }
    // Auth0 replaces metadata whole, so this is read-modify-write: one read, one write.
    let current = state
        .directory
        .get_org(&org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (metadata, base) = match (&patch.metadata, &patch.base_metadata) {
        (Some(after), Some(base)) => {
            let base = Metadata::parse(base.clone())?;
            if base != current.metadata {
                return Err(AppError::Stale(Box::new(current)));
            }
            let checked = state
                .settings
                .schema
                .check_change(session.role, &current.metadata, after.clone(), false)
                .map_err(metadata_error)?;
            (Some(checked), Some(base))
        }
        _ => (None, None),
    };
    let after = apply(&current, &patch, metadata.clone());
    let changes = org_changes(&current, &after);
    if changes.is_empty() {
        return Ok(Json(current));
    }
    let update = OrgUpdate {
        display_name: patch.display_name,
        branding: patch.branding,
        metadata,
    };
    let saved = state
        .directory
        .update_org(&org_id, &update, base.as_ref())
        .await?;
    state.directory_changed().await;
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org_id),
        AuditAction::OrgUpdate,
        &changes,
    )
    .await?;
    Ok(Json(saved))
}

async fn remove(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org_id): ApiPath<OrgId>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::DeleteOrg, Some(&org_id)).await?;
    let current = state
        .directory
        .get_org(&org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let counts = state.directory.org_counts(&org_id).await?;
    state.directory.delete_org(&org_id).await?;
    state.directory_changed().await;
    let change = |field: &str, label: &str, before: String| orgdesk_model::diff::Change {
        field: field.into(),
        label: label.into(),
        kind: orgdesk_model::diff::ValueKind::Text,
        before: Some(before),
        after: None,
    };
    let changes = [
        change("name", "Name", current.name.to_string()),
        change("members", "Members", counts.members.to_string()),
        change("invitations", "Invitations", counts.invitations.to_string()),
    ];
    super::record_change(
        &state,
        &session,
        &request_id,
        Some(&org_id),
        AuditAction::OrgDelete,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn counts(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org_id): ApiPath<OrgId>,
) -> Result<Json<OrgCounts>, AppError> {
    access::authorize(&session, Action::ReadOrg, Some(&org_id))?;
    Ok(Json(state.directory.org_counts(&org_id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsParams {
    user_id: Option<String>,
}

async fn claims_preview(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org_id): ApiPath<OrgId>,
    ApiQuery(params): ApiQuery<ClaimsParams>,
) -> Result<Json<Map<String, Value>>, AppError> {
    access::authorize(&session, Action::ReadOrg, Some(&org_id))?;
    let member = match params.user_id.filter(|u| !u.is_empty()) {
        None => None,
        Some(user_id) => {
            access::authorize(&session, Action::ReadMembers, Some(&org_id))?;
            let roles = state.directory.member_roles(&org_id, &user_id).await?;
            let user = state
                .directory
                .get_user(&user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let catalogue = state.directory.list_roles().await?;
            let mut permissions: Vec<String> = catalogue
                .iter()
                .filter(|r| roles.iter().any(|held| held.id == r.id))
                .flat_map(|r| r.permissions.iter().cloned())
                .collect();
            permissions.sort();
            permissions.dedup();
            Some(orgdesk_model::claims::ClaimsMember {
                user_id,
                email: user.email,
                roles: roles.into_iter().map(|r| r.name).collect(),
                permissions,
            })
        }
    };
    let org = state
        .directory
        .get_org(&org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(orgdesk_model::claims::claims_preview(
        &org,
        &state.settings.schema,
        &state.settings.claims_namespace,
        member.as_ref(),
    )))
}
