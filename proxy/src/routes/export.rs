//! `GET /api/export`: the tenant, or one organization, as code to download.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use orgdesk_model::snapshot::Scope;
use orgdesk_model::OrgId;

use crate::access::{self, Action};
use crate::error::AppError;
use crate::export::{self, Format};
use crate::extract::ApiQuery;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/export", get(download))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportParams {
    format: Format,
    #[serde(default)]
    org_id: Option<OrgId>,
}

/// A platform admin exports the tenant, or the organization they name; anyone else only their
/// own organization, whatever the request names.
async fn download(
    session: Session,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, AppError> {
    access::authorize(&session, Action::ExportConfig, params.org_id.as_ref())?;
    let scope = match (access::org_scope(&session), params.org_id) {
        (Some(own), _) => Scope::Org(own.clone()),
        (None, Some(org)) => Scope::Org(org),
        (None, None) => Scope::Tenant,
    };
    let snapshot = export::snapshot(state.directory.as_ref(), &scope).await?;
    let stem = match &scope {
        Scope::Tenant => "tenant".to_owned(),
        Scope::Org(_) => snapshot
            .organizations
            .first()
            .map_or_else(|| "organization".to_owned(), |o| o.name.as_str().to_owned()),
    };
    let file = export::render(params.format, &snapshot, &stem).map_err(AppError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.filename),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.body,
    )
        .into_response())
}
