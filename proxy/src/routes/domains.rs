//! `/api/orgs/{org_id}/domains`: an organization's verified domains. Its admins add a domain,
//! publish the TXT record orgdesk shows, and Verify makes orgdesk look the record up through its
//! own resolver before it marks the domain verified in the directory.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::domains::{
    check_txt, discovery_change, Domain, DomainList, DomainName, DomainPatchInput, DomainStatus,
    NewDomainInput,
};
use orgdesk_model::OrgId;

use crate::access::{self, Action};
use crate::audit::AuditAction;
use crate::directory::DomainUpdate;
use crate::domain_checks::{self, Check};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

use super::{existing_org, record_org_change};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org_id}/domains", get(list).post(create))
        .route(
            "/orgs/{org_id}/domains/{domain_id}",
            patch(update).delete(remove),
        )
        .route("/orgs/{org_id}/domains/{domain_id}/verify", post(verify))
}

/// A domain as the person sees it: the directory's status, with orgdesk's last check beside it.
/// A domain the directory does not hold verified whose last check failed is shown failed.
fn with_check(mut domain: Domain, check: Option<&Check>) -> Domain {
    if let Some(check) = check {
        domain.last_checked_at = time::OffsetDateTime::from_unix_timestamp(check.checked_at)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
        if !check.ok {
            domain.last_check_message.clone_from(&check.message);
            if domain.status != DomainStatus::Verified {
                domain.status = DomainStatus::Failed;
            }
        }
    }
    domain
}

/// The organization's domains with their checks.
async fn domains_of(state: &AppState, org: &OrgId) -> Result<Vec<Domain>, AppError> {
    existing_org(state, org).await?;
    let domains = state.directory.list_domains(org).await?;
    let checks = domain_checks::of_org(&state.db, org).await?;
    Ok(domains
        .into_iter()
        .map(|d| {
            let check = checks.get(&d.id);
            with_check(d, check)
        })
        .collect())
}

/// One domain of the organization, or 404.
async fn find(state: &AppState, org: &OrgId, id: &str) -> Result<Domain, AppError> {
    domains_of(state, org)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound)
}

async fn list(
    session: Session,
    State(state): State<AppState>,
    ApiPath(org): ApiPath<OrgId>,
) -> Result<Json<DomainList>, AppError> {
    access::authorize(&session, Action::ReadDomains, Some(&org))?;
    Ok(Json(DomainList {
        items: domains_of(&state, &org).await?,
    }))
}

async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewDomainInput>,
) -> Result<(StatusCode, Json<Domain>), AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageDomains, Some(&org)).await?;
    let name = DomainName::parse(&input.domain)?;
    // The directory answers NotFound for an unknown organization itself.
    let domain = state
        .directory
        .create_domain(&org, &name)
        .await
        .map_err(|err| match AppError::from(err) {
            AppError::Conflict { message, .. } => AppError::Conflict {
                message,
                field: Some("domain"),
            },
            other => other,
        })?;
    record_org_change(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::DomainCreate,
        &[Change {
            field: format!("domains.{name}"),
            label: "Domain".into(),
            kind: ValueKind::Text,
            before: None,
            after: Some(name.to_string()),
        }],
    )
    .await?;
    Ok((StatusCode::CREATED, Json(domain)))
}

async fn update(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
    ApiJson(input): ApiJson<DomainPatchInput>,
) -> Result<Json<Domain>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageDomains, Some(&org)).await?;
    let before = find(&state, &org, &id).await?;
    let changes = discovery_change(
        &before.domain,
        before.use_for_organization_discovery,
        input.use_for_organization_discovery,
    );
    if changes.is_empty() {
        return Ok(Json(before));
    }
    let update = DomainUpdate {
        status: None,
        use_for_organization_discovery: Some(input.use_for_organization_discovery),
    };
    state.directory.update_domain(&org, &id, &update).await?;
    record_org_change(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::DomainUpdate,
        &changes,
    )
    .await?;
    Ok(Json(Domain {
        use_for_organization_discovery: input.use_for_organization_discovery,
        ..before
    }))
}

async fn remove(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageDomains, Some(&org)).await?;
    let before = find(&state, &org, &id).await?;
    state.directory.delete_domain(&org, &id).await?;
    domain_checks::forget(&state.db, &org, &id).await?;
    record_org_change(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::DomainDelete,
        &[Change {
            field: format!("domains.{}", before.domain),
            label: "Domain".into(),
            kind: ValueKind::Text,
            before: Some(before.domain.clone()),
            after: None,
        }],
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Looks the TXT record up now. Found with the expected value: the directory marks the domain
/// verified. Not found, or another value: the domain is failed (and a verified one goes back to
/// pending in the directory, so that it no longer counts as the organization's). A resolver
/// that does not answer changes nothing.
async fn verify(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
) -> Result<Json<Domain>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageDomains, Some(&org)).await?;
    let before = find(&state, &org, &id).await?;
    let found = state
        .dns
        .txt(&before.verification.txt_host)
        .await
        .map_err(|err| AppError::Unavailable {
            message: err.0,
            retry_after: Some(5),
        })?;
    let outcome = check_txt(&before.verification, &found);
    let directory_status = match (&outcome, before.status) {
        (Ok(()), DomainStatus::Verified)
        | (Err(_), DomainStatus::Pending | DomainStatus::Failed) => None,
        (Ok(()), _) => Some(DomainStatus::Verified),
        (Err(_), DomainStatus::Verified) => Some(DomainStatus::Pending),
    };
    if let Some(status) = directory_status {
        let update = DomainUpdate {
            status: Some(status),
            use_for_organization_discovery: None,
        };
        state.directory.update_domain(&org, &id, &update).await?;
    }
    let check = domain_checks::record(&state.db, &org, &id, &outcome).await?;
    let after = with_check(
        Domain {
            status: if outcome.is_ok() {
                DomainStatus::Verified
            } else {
                DomainStatus::Pending
            },
            last_check_message: None,
            ..before.clone()
        },
        Some(&check),
    );
    let changes = if before.status == after.status {
        Vec::new()
    } else {
        vec![Change {
            field: format!("domains.{}.status", before.domain),
            label: format!("Status of {}", before.domain),
            kind: ValueKind::Text,
            before: Some(before.status.label().to_owned()),
            after: Some(after.status.label().to_owned()),
        }]
    };
    // Every check is audited, also one that changed nothing: it is something someone did.
    record_org_change(
        &state,
        &session,
        &request_id,
        &org,
        AuditAction::DomainVerify,
        &changes,
    )
    .await?;
    Ok(Json(after))
}
