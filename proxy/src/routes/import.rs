//! `/api/import`: a file (orgdesk JSON or auth0-deploy-cli YAML) compared with the directory
//! into a plan, and the plan applied. Platform admins may import anything; an org admin only
//! their own organization's part, within what their role may change: the plan refuses the rest.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use orgdesk_model::import::{ApplyInput, ApplyStatus, Plan, PlanInput, MAX_IMPORT_BYTES};
use orgdesk_model::{OrgId, Role};

use crate::access::{self, Action};
use crate::directory::local::new_id;
use crate::error::AppError;
use crate::export;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::import::{self, plans, Live, Op, Step};
use crate::session::role_checks;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/import/plan",
            post(make_plan).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/import/apply", post(apply))
        .route("/import/plans/{plan_id}", get(status))
}

/// What a step needs the caller to be allowed, and on which organization (by name).
fn needs(step: &Step) -> Vec<(Action, Option<&str>)> {
    let org = step.shown.org.as_deref();
    match &step.op {
        Op::Tenant { .. } => vec![(Action::EditTenant, None)],
        Op::CreateConnection { .. } => vec![(Action::ManageConnections, None)],
        Op::CreateInvitation { .. } => vec![(Action::Invite, org)],
        Op::CreateApi { .. } | Op::UpdateApi { .. } | Op::DeleteApi { .. } => {
            vec![(Action::ManageApis, None)]
        }
        Op::CreateRole { .. } | Op::UpdateRole { .. } | Op::DeleteRole { .. } => {
            vec![(Action::ManageRoles, None)]
        }
        Op::CreateOrg { .. } => vec![(Action::CreateOrg, None)],
        Op::UpdateOrg {
            display_name,
            branding,
            metadata,
            ..
        } => {
            let mut needs = Vec::new();
            if display_name.is_some() {
                needs.push((Action::RenameOrg, org));
            }
            if branding.is_some() {
                needs.push((Action::EditBranding, org));
            }
            if metadata.is_some() {
                needs.push((Action::EditMetadata, org));
            }
            needs
        }
        Op::DeleteOrg { .. } => vec![(Action::DeleteOrg, org)],
        Op::PutConnection { .. } | Op::DeleteConnection { .. } => {
            vec![(Action::ManageConnections, org)]
        }
        Op::CreateUser { .. } => vec![(Action::CreateUser, None)],
        Op::AddMember { .. } | Op::RemoveMember { .. } => vec![(Action::ManageMembers, org)],
        Op::MemberRoles { .. } => vec![(Action::AssignRoles, org)],
    }
}

/// Refuses a plan with any step the caller may not make, naming them.
fn authorize_steps(
    state: &AppState,
    session: &Session,
    steps: &[Step],
    org_ids: &BTreeMap<String, OrgId>,
) -> Result<(), AppError> {
    let grantable = state.settings.grantable_roles.clone();
    let mut refused = Vec::new();
    for step in steps {
        let mut allowed = needs(step).into_iter().all(|(action, org)| {
            let id = org.and_then(|name| org_ids.get(name));
            // An organization the directory does not have is nobody's own: only platform
            // admins may act on it.
            if org.is_some() && id.is_none() && session.role != Role::PlatformAdmin {
                return false;
            }
            access::authorize(session, action, id).is_ok()
        });
        if let (Op::MemberRoles { add, remove, .. }, true) =
            (&step.op, session.role != Role::PlatformAdmin)
        {
            allowed &= add.iter().chain(remove).all(|r| grantable.contains(r));
        }
        if !allowed {
            refused.push(format!(
                "{} {}",
                step.shown.kind.label().to_lowercase(),
                step.shown.target
            ));
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = refused.iter().take(5).map(String::as_str).collect();
    let more = refused.len().saturating_sub(shown.len());
    Err(AppError::ForbiddenParts(format!(
        "This file changes what your role may not change: {}{}. Nothing was planned; import only your organization's part.",
        shown.join("; "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )))
}

async fn make_plan(
    session: Session,
    State(state): State<AppState>,
    ApiJson(input): ApiJson<PlanInput>,
) -> Result<Json<Plan>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ImportConfig, None).await?;
    let parsed = import::parse(&input.file)?;
    let dir = state.directory.as_ref();
    // What the file is compared with: the whole tenant for a tenant's file; otherwise the
    // organizations it names (an org admin's own only), with the whole role catalogue.
    let orgs = match access::org_scope(&session) {
        Some(own) => {
            let own = dir.get_org(own).await?.ok_or(AppError::NotFound)?;
            let others: Vec<&str> = parsed
                .snapshot
                .organizations
                .iter()
                .map(|o| o.name.as_str())
                .filter(|name| *name != own.name.as_str())
                .collect();
            if !others.is_empty() {
                let shown: Vec<&str> = others.iter().take(5).copied().collect();
                return Err(AppError::ForbiddenParts(format!(
                    "This file has organizations other than yours ({}{}). Nothing was planned; import only your organization's export.",
                    shown.join(", "),
                    if others.len() > shown.len() { format!(" and {} more", others.len() - shown.len()) } else { String::new() }
                )));
            }
            vec![own]
        }
        None if parsed.whole_tenant => export::all_orgs(dir).await?,
        None => {
            let mut found = Vec::new();
            for org in &parsed.snapshot.organizations {
                if let Some(live) = export::org_named(dir, org.name.as_str()).await? {
                    found.push(live);
                }
            }
            found
        }
    };
    let tenant = session.role == Role::PlatformAdmin && parsed.whole_tenant;
    let live_snapshot = export::gather(dir, tenant, orgs, true).await?;
    let connections = dir.list_connections().await?;
    let live = Live {
        snapshot: &live_snapshot,
        connections: &connections,
        schema: &state.settings.schema,
        role: session.role,
        directory: dir,
    };
    let (steps, notes) = import::plan(&live, &parsed, input.deletions).await?;
    let org_ids: BTreeMap<String, OrgId> = live_snapshot
        .organizations
        .iter()
        .map(|o| (o.name.as_str().to_owned(), o.id.clone()))
        .collect();
    authorize_steps(&state, &session, &steps, &org_ids)?;
    let id = new_id("imp_")?;
    plans::insert(
        &state.db,
        &id,
        &session.user.id,
        access::org_scope(&session),
        &steps,
    )
    .await?;
    Ok(Json(Plan {
        id,
        source: parsed.source.as_str().to_owned(),
        deletions: input.deletions,
        steps: steps.into_iter().map(|s| s.shown).collect(),
        notes,
    }))
}

async fn apply(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiJson(input): ApiJson<ApplyInput>,
) -> Result<Json<ApplyStatus>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ImportConfig, None).await?;
    // A plan keeps the organization an org admin made it for; a session of another does not
    // see it.
    let stored = plans::get(&state.db, &input.plan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if stored.org_id.as_deref() != access::org_scope(&session).map(OrgId::as_str) {
        return Err(AppError::NotFound);
    }
    Ok(Json(
        import::apply(&state, &session, &request_id, &input.plan_id).await?,
    ))
}

async fn status(
    session: Session,
    State(state): State<AppState>,
    ApiPath(plan_id): ApiPath<String>,
) -> Result<Json<ApplyStatus>, AppError> {
    access::authorize(&session, Action::ImportConfig, None)?;
    let stored = plans::get(&state.db, &plan_id)
        .await?
        .filter(|p| p.created_by == session.user.id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(stored.status))
}
