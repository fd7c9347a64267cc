//! `/api/orgs/{org_id}/m2m`: an organization's machine-to-machine applications. Org admins see
//! their own org's, without secrets; platform admins create them, associate existing grants,
//! remove them and rotate their secrets. A secret is in one answer only (with `no-store`): it is
//! never kept, logged or audited.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::m2m::{
    ClientGrantList, M2mApp, M2mList, M2mRequest, NewM2m, RotatedSecret, TokenQuota,
};
use orgdesk_model::{OrgId, ValidationError};

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::DirectoryError;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

use super::{existing_org, record_org_change as record};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org_id}/m2m", get(list).post(create))
        .route(
            "/orgs/{org_id}/m2m/{client_id}",
            axum::routing::delete(remove),
        )
        .route(
            "/orgs/{org_id}/m2m/{client_id}/rotate-secret",
            post(rotate_secret),
        )
        .route(
            "/orgs/{org_id}/token-quota",
            get(token_quota).put(set_token_quota),
        )
        .route("/client-grants", get(client_grants))
}

/// An answer that carries a secret: never cached anywhere.
fn secret_answer(status: StatusCode, body: impl serde::Serialize) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
) -> Result<Json<M2mList>, AppError> {
    access::authorize(&session, Action::ReadM2m, Some(&org))?;
    existing_org(&state, &org).await?;
    Ok(Json(M2mList {
        items: state.directory.list_org_m2m(&org).await?,
    }))
}

/// Refuses an API that does not exist, is the directory's own, or does not define a permission.
async fn ensure_grantable(state: &AppState, app: &NewM2m) -> Result<(), AppError> {
    let apis = state.directory.list_apis().await?;
    let api = apis
        .iter()
        .find(|a| a.identifier == app.api_identifier && !a.system)
        .ok_or_else(|| ValidationError {
            field: "api_identifier".into(),
            message: format!("There is no API {} to grant.", app.api_identifier),
        })?;
    if let Some((i, missing)) = app
        .permissions
        .iter()
        .enumerate()
        .find(|(_, p)| !api.permissions.iter().any(|d| &d.value == *p))
    {
        return Err(ValidationError {
            field: format!("permissions[{i}]"),
            message: format!("{} does not define {missing}.", api.name),
        }
        .into());
    }
    Ok(())
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(request): ApiJson<M2mRequest>,
) -> Result<Response, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageM2m, Some(&org)).await?;
    match request {
        M2mRequest::Create(input) => {
            let app = input.parse()?;
            existing_org(&state, &org).await?;
            ensure_grantable(&state, &app).await?;
            let app = app.sorted();
            let created = state.directory.create_org_m2m(&org, &app).await?;
            let changes = created.app.described();
            record(
                &state,
                &session,
                &request_id,
                &org,
                AuditAction::M2mCreate,
                &changes,
            )
            .await?;
            Ok(secret_answer(StatusCode::CREATED, created))
        }
        M2mRequest::Associate { grant_id } => {
            let well_formed = grant_id.starts_with("cgr_")
                && grant_id.len() <= 64
                && grant_id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !well_formed {
                return Err(ValidationError {
                    field: "grant_id".into(),
                    message: "Name a client grant (cgr_…).".into(),
                }
                .into());
            }
            existing_org(&state, &org).await?;
            let app = match state.directory.associate_org_grant(&org, &grant_id).await {
                Err(DirectoryError::NotFound) => {
                    return Err(ValidationError {
                        field: "grant_id".into(),
                        message: format!("There is no client grant {grant_id}."),
                    }
                    .into())
                }
                other => other?,
            };
            let changes = app.described();
            record(
                &state,
                &session,
                &request_id,
                &org,
                AuditAction::M2mAssociate,
                &changes,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(app)).into_response())
        }
    }
}

/// The organization's application `client_id`, or 404.
async fn associated(state: &AppState, org: &OrgId, client_id: &str) -> Result<M2mApp, AppError> {
    existing_org(state, org).await?;
    state
        .directory
        .list_org_m2m(org)
        .await?
        .into_iter()
        .find(|a| a.client_id == client_id)
        .ok_or(AppError::NotFound)
}

async fn remove(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, client_id)): ApiPath<(OrgId, String)>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageM2m, Some(&org)).await?;
    let app = associated(&state, &org, &client_id).await?;
    state.directory.remove_org_m2m(&org, &client_id).await?;
    let changes: Vec<Change> = app
        .described()
        .into_iter()
        .map(|c| Change {
            before: c.after,
            after: None,
            ..c
        })
        .collect();
    record(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::M2mRemove,
        &changes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rotate_secret(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, client_id)): ApiPath<(OrgId, String)>,
) -> Result<Response, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageM2m, Some(&org)).await?;
    let app = associated(&state, &org, &client_id).await?;
    let client_secret = state.directory.rotate_client_secret(&client_id).await?;
    // What changed, in words: the secret itself goes to the person, never to the log.
    let changes = [Change {
        field: "m2m.client_secret".into(),
        label: format!("Secret of {}", app.name),
        kind: ValueKind::Text,
        before: Some("previous secret (no longer valid)".into()),
        after: Some("new secret, shown once".into()),
    }];
    record(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::M2mRotateSecret,
        &changes,
    )
    .await?;
    Ok(secret_answer(
        StatusCode::OK,
        RotatedSecret {
            client_id,
            client_secret,
        },
    ))
}

async fn client_grants(
    session: Session,
    State(state): State<AppState>,
) -> Result<Json<ClientGrantList>, AppError> {
    access::authorize(&session, Action::ManageM2m, None)?;
    let items = state
        .directory
        .list_client_grants()
        .await?
        .into_iter()
        .filter(|g| g.organization_usage != "deny")
        .collect();
    Ok(Json(ClientGrantList { items }))
}

async fn token_quota(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
) -> Result<Json<TokenQuota>, AppError> {
    access::authorize(&session, Action::ReadM2m, Some(&org))?;
    existing_org(&state, &org).await?;
    Ok(Json(state.directory.token_quota(&org).await?))
}

/// Sets the organization's quota of M2M tokens; a body without `client_credentials` removes it.
/// It limits machine-to-machine access, so it is the M2M managers' (platform admins').
async fn set_token_quota(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(quota): ApiJson<TokenQuota>,
) -> Result<Json<TokenQuota>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageM2m, Some(&org)).await?;
    let quota = quota.check()?;
    let before = state.directory.token_quota(&org).await?;
    let changes = before.changes(&quota);
    if changes.is_empty() {
        return Ok(Json(before));
    }
    state.directory.set_token_quota(&org, &quota).await?;
    record(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::TokenQuotaUpdate,
        &changes,
    )
    .await?;
    Ok(Json(quota))
}
