//! Single sign-on set up by the customer's IT admin. `POST /api/orgs/{org_id}/sso-ticket` makes
//! a link (Auth0's self-service SSO ticket in real mode), shown once; `DELETE …/{id}` revokes
//! it. In demo mode the link leads to orgdesk's own set-up page (`/sso-setup`), which walks the
//! same steps as Auth0's: choose the provider, enter its details, and an enterprise connection
//! enabled for the organization is created in the embedded store.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Form, Json, Router};
use orgdesk_model::api::Mode;
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::domains::DomainStatus;
use orgdesk_model::sso::{AutoJoinInput, SsoProvider, SsoSetupInput, SsoTicket, SsoTicketInput};
use orgdesk_model::users::{is_enterprise, OrgConnection, OrgConnectionInput};
use orgdesk_model::{OrgId, Organization, ValidationError};
use serde::Deserialize;

use crate::access::Action;
use crate::audit::{Actor, AuditAction};
use crate::db::now;
use crate::directory::{local::new_id, SsoConnectionSpec, SsoTicketRequest};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ReqId};
use crate::session::role_checks;
use crate::session::Session;
use crate::sso_tickets;
use crate::text::escape_html as escape;
use crate::AppState;

use super::record_org_change;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org_id}/sso-ticket", post(create))
        .route("/orgs/{org_id}/sso-ticket/{ticket_id}", delete(revoke))
        .route(
            "/orgs/{org_id}/sso-connections/{connection_id}",
            patch(auto_join),
        )
}

/// Turns auto-join on or off for one of the organization's single sign-on connections: its
/// admin may, once a domain is verified (the people it lets in are the identity provider's, and
/// the verified domain is the proof the provider is the organization's own).
async fn auto_join(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org, connection_id)): ApiPath<(OrgId, String)>,
    ApiJson(input): ApiJson<AutoJoinInput>,
) -> Result<Json<OrgConnection>, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageSso, Some(&org)).await?;
    let enabled = state.directory.org_connections(&org).await?;
    let connection = enabled
        .iter()
        .find(|c| c.connection_id == connection_id)
        .ok_or(AppError::NotFound)?;
    if !is_enterprise(&connection.connection.strategy) {
        return Err(ValidationError {
            field: "connection_id".into(),
            message: "Auto-join is for the organization's single sign-on connections; the others are the platform admins'.".into(),
        }
        .into());
    }
    if input.assign_membership_on_login {
        let verified = state
            .directory
            .list_domains(&org)
            .await?
            .iter()
            .any(|d| d.status == DomainStatus::Verified);
        if !verified {
            return Err(ValidationError {
                field: "assign_membership_on_login".into(),
                message: "Verify one of your domains first: it shows the identity provider is your company's own.".into(),
            }
            .into());
        }
    }
    let change = OrgConnectionInput {
        assign_membership_on_login: Some(input.assign_membership_on_login),
        ..OrgConnectionInput::default()
    };
    Ok(Json(
        super::connections::save(&state, &session, &org, &connection_id, &change, &request_id)
            .await?,
    ))
}

/// orgdesk's own set-up page (demo mode), outside `/api`: the IT admin has no session.
pub fn page_routes() -> Router<AppState> {
    Router::new().route("/sso-setup", get(setup_page).post(complete_setup))
}

fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn org_of(state: &AppState, org: &OrgId) -> Result<Organization, AppError> {
    state
        .directory
        .get_org(org)
        .await?
        .ok_or(AppError::NotFound)
}

/// Makes a link for the organization's IT admin. Its domain aliases are the organization's
/// verified domains; it creates a connection shown as a button on the organization's sign-in,
/// without membership on login.
async fn create(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    headers: HeaderMap,
    ApiPath(org_id): ApiPath<OrgId>,
    ApiJson(input): ApiJson<SsoTicketInput>,
) -> Result<Response, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageSso, Some(&org_id)).await?;
    let ttl = input.ttl()?;
    let org = org_of(&state, &org_id).await?;
    let domain_aliases: Vec<String> = state
        .directory
        .list_domains(&org_id)
        .await?
        .into_iter()
        .filter(|d| d.status == DomainStatus::Verified)
        .map(|d| d.domain)
        .collect();
    let request = SsoTicketRequest {
        connection_name: format!("{}-sso", org.name),
        domain_aliases,
        ttl_sec: ttl,
    };
    let mut url = state.directory.create_sso_ticket(&org_id, &request).await?;
    if url.starts_with('/') {
        // orgdesk's own page: the address the console was opened at.
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
            url = format!("{origin}{url}");
        }
    }
    let secret = sso_tickets::secret_of(&url)
        .ok_or_else(|| AppError::BadGateway("The set-up link came back without a ticket.".into()))?
        .to_owned();
    let id = new_id("sst_")?;
    let expires_at = now() + i64::from(ttl);
    sso_tickets::record(
        &state.db,
        &id,
        &org_id,
        &secret,
        &session.user.id,
        expires_at,
    )
    .await?;
    let expires = rfc3339(expires_at);
    record_org_change(
        &state,
        &session,
        &request_id,
        &org_id,
        AuditAction::SsoTicketCreate,
        &[Change {
            field: "sso_ticket".into(),
            label: "Single sign-on set-up link".into(),
            kind: ValueKind::Text,
            before: None,
            after: Some(format!("{id}, shown once, works until {expires}")),
        }],
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(SsoTicket {
            id,
            url,
            expires_at: expires,
        }),
    )
        .into_response())
}

/// Revokes a link. In real mode Auth0 revokes a ticket only given the ticket itself, which
/// orgdesk does not keep: there the link runs out at its expiry, and the answer says so.
async fn revoke(
    session: Session,
    State(state): State<AppState>,
    request_id: ReqId,
    ApiPath((org_id, ticket_id)): ApiPath<(OrgId, String)>,
) -> Result<StatusCode, AppError> {
    role_checks::authorize_change(&state, &session, Action::ManageSso, Some(&org_id)).await?;
    let ticket = sso_tickets::get(&state.db, &org_id, &ticket_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if state.settings.mode != Mode::Demo {
        return Err(AppError::Conflict {
            message: format!(
                "Auth0 revokes a set-up link only given the link itself, which orgdesk does not keep. It stops working at {}.",
                rfc3339(ticket.expires_at)
            ),
            field: None,
        });
    }
    if !sso_tickets::revoke(&state.db, &ticket.id).await? {
        return Err(AppError::Conflict {
            message: "This link was already used or revoked.".into(),
            field: None,
        });
    }
    record_org_change(
        &state,
        &session,
        &request_id,
        &org_id,
        AuditAction::SsoTicketRevoke,
        &[Change {
            field: "sso_ticket".into(),
            label: "Single sign-on set-up link".into(),
            kind: ValueKind::Text,
            before: Some(ticket.id.clone()),
            after: Some("revoked".into()),
        }],
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
struct SetupQuery {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    strategy: String,
}

#[derive(Debug, Default, Deserialize)]
struct SetupForm {
    #[serde(default)]
    ticket: String,
    #[serde(flatten)]
    input: SsoSetupInput,
}

/// The page around a step.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Single sign-on</title><link rel="stylesheet" href="/auth/login.css"></head>
<body><main class="signin sso">
<div class="signin__brand"><span class="signin__mark" aria-hidden="true">od</span> orgdesk <span class="signin__badge">Demo data</span></div>
{body}
</main></body></html>"#,
        title = escape(title),
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

fn unusable() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not valid",
        r#"<h1>This set-up link does not work</h1>
<p class="signin__lead" data-testid="sso-problem">It has expired, was revoked or was used already. Ask your organization's admin for a new one.</p>"#,
    )
}

/// The link's ticket and organization, when it still works and orgdesk runs its own page.
async fn usable_ticket(
    state: &AppState,
    secret: &str,
) -> Result<Option<(sso_tickets::Ticket, Organization)>, AppError> {
    if state.settings.mode != Mode::Demo || secret.is_empty() {
        return Ok(None);
    }
    let Some(ticket) = sso_tickets::by_secret(&state.db, secret).await? else {
        return Ok(None);
    };
    if !ticket.usable() {
        return Ok(None);
    }
    let org = OrgId::parse(&ticket.org_id).map_err(|e| AppError::Internal(e.message))?;
    Ok(state
        .directory
        .get_org(&org)
        .await?
        .map(|org| (ticket, org)))
}

/// Step 1 (choose the provider) or, with `strategy`, step 2 (its details).
async fn setup_page(
    State(state): State<AppState>,
    Query(query): Query<SetupQuery>,
) -> Result<Response, AppError> {
    let Some((_, org)) = usable_ticket(&state, &query.ticket).await? else {
        return Ok(unusable());
    };
    match SsoProvider::of_strategy(&query.strategy) {
        None => Ok(choose_provider(&org, &query.ticket)),
        Some(provider) => Ok(details(
            StatusCode::OK,
            &org,
            &query.ticket,
            provider,
            &SsoSetupInput::default(),
            None,
        )),
    }
}

fn choose_provider(org: &Organization, ticket: &str) -> Response {
    let options: String = SsoProvider::ALL
        .iter()
        .map(|p| {
            format!(
                r#"<label class="sso__option"><input type="radio" name="strategy" value="{}" required> {}</label>"#,
                p.strategy(),
                p.label()
            )
        })
        .collect();
    page(
        StatusCode::OK,
        "Choose your identity provider",
        &format!(
            r#"<h1>Set up single sign-on for {org}</h1>
<p class="signin__lead">Step 1 of 2. Your colleagues will sign in to {org} through your company's identity provider. Which one do you use?</p>
<form method="get" action="/sso-setup" class="sso__form">
<input type="hidden" name="ticket" value="{ticket}">
<fieldset><legend>Identity provider</legend>{options}</fieldset>
<button type="submit" class="sso__submit">Continue</button>
</form>"#,
            org = escape(org.label()),
            ticket = escape(ticket),
        ),
    )
}

/// Step 2: the fields `provider` needs, with the value entered and the error, if any.
fn details(
    status: StatusCode,
    org: &Organization,
    ticket: &str,
    provider: SsoProvider,
    input: &SsoSetupInput,
    error: Option<&orgdesk_model::ValidationError>,
) -> Response {
    let field = |name: &str, label: &str, help: &str, value: &str, placeholder: &str| {
        let problem = error
            .filter(|e| e.field == name)
            .map(|e| {
                format!(
                    r#"<p class="sso__error" id="{name}-error" role="alert">{}</p>"#,
                    escape(&e.message)
                )
            })
            .unwrap_or_default();
        let described = if problem.is_empty() {
            format!("{name}-help")
        } else {
            format!("{name}-help {name}-error")
        };
        format!(
            r#"<div class="sso__field"><label for="{name}">{label}</label>
<input id="{name}" name="{name}" value="{value}" placeholder="{placeholder}" autocomplete="off" aria-describedby="{described}">
<p class="sso__help" id="{name}-help">{help}</p>{problem}</div>"#,
            value = escape(value),
        )
    };
    let fields = match provider {
        SsoProvider::Saml => field(
            "metadata_url",
            "Metadata URL",
            "Your identity provider publishes it for this application (an https:// address ending in metadata or .xml).",
            &input.metadata_url,
            "https://idp.example.com/app/metadata.xml",
        ),
        SsoProvider::Oidc => [
            field("issuer", "Issuer URL", "Its discovery document is at this address + /.well-known/openid-configuration.", &input.issuer, "https://login.example.com/"),
            field("client_id", "Client ID", "The id your provider gave this application.", &input.client_id, ""),
        ]
        .concat(),
        SsoProvider::Okta => [
            field("issuer", "Okta domain", "Such as yourcompany.okta.com.", &input.issuer, "yourcompany.okta.com"),
            field("client_id", "Client ID", "From the Okta application you created for this.", &input.client_id, ""),
        ]
        .concat(),
        SsoProvider::EntraId => [
            field("issuer", "Microsoft Entra domain", "Your tenant's primary domain, such as yourcompany.onmicrosoft.com.", &input.issuer, "yourcompany.onmicrosoft.com"),
            field("client_id", "Application (client) ID", "From the app registration you created for this.", &input.client_id, ""),
        ]
        .concat(),
    };
    page(
        status,
        provider.label(),
        &format!(
            r#"<h1>Connect {label}</h1>
<p class="signin__lead">Step 2 of 2, for {org}. <a href="/sso-setup?ticket={ticket}">Choose another provider</a></p>
<form method="post" action="/sso-setup" class="sso__form">
<input type="hidden" name="ticket" value="{ticket}">
<input type="hidden" name="strategy" value="{strategy}">
{fields}
<button type="submit" class="sso__submit">Create the connection</button>
</form>"#,
            label = provider.label(),
            org = escape(org.label()),
            ticket = escape(ticket),
            strategy = provider.strategy(),
        ),
    )
}

/// Creates the connection the form describes, enabled for the link's organization, and uses
/// the link up.
async fn complete_setup(
    State(state): State<AppState>,
    request_id: ReqId,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    let Some((ticket, org)) = usable_ticket(&state, &form.ticket).await? else {
        return Ok(unusable());
    };
    let setup = match form.input.check() {
        Ok(setup) => setup,
        Err(error) => {
            return Ok(match SsoProvider::of_strategy(&form.input.strategy) {
                Some(provider) => details(
                    StatusCode::BAD_REQUEST,
                    &org,
                    &form.ticket,
                    provider,
                    &form.input,
                    Some(&error),
                ),
                None => choose_provider(&org, &form.ticket),
            });
        }
    };
    if !sso_tickets::mark_used(&state.db, &ticket.id).await? {
        return Ok(unusable());
    }
    let domain_aliases = state
        .directory
        .list_domains(&org.id)
        .await?
        .into_iter()
        .filter(|d| d.status == DomainStatus::Verified)
        .map(|d| d.domain)
        .collect();
    let spec = SsoConnectionSpec {
        name: format!("{}-{}", org.name, setup.provider.strategy()),
        provider: setup.provider,
        endpoint: setup.endpoint.clone(),
        client_id: setup.client_id.clone(),
        domain_aliases,
    };
    let connection = state
        .directory
        .create_sso_connection(&org.id, &spec)
        .await?;
    sso_tickets::note_connection(&state.db, &ticket.id, &connection.connection_id).await?;
    state
        .audit
        .append(
            &Actor {
                id: &ticket.id,
                email: "",
                role: "it_admin",
            },
            Some(&org.id),
            AuditAction::SsoSetup,
            &[Change {
                field: format!("connections.{}", connection.connection.name),
                label: "Enterprise connection".into(),
                kind: ValueKind::Text,
                before: None,
                after: Some(format!(
                    "{} ({}), {}",
                    connection.connection.name,
                    setup.provider.label(),
                    setup.endpoint
                )),
            }],
            "ok",
            &request_id,
        )
        .await?;
    Ok(page(
        StatusCode::OK,
        "Single sign-on is set up",
        &format!(
            r#"<h1>Single sign-on is set up</h1>
<p class="signin__lead" data-testid="sso-done">{org} now offers “{name}” ({label}) on its sign-in page. You can close this page; the link no longer works.</p>"#,
            org = escape(org.label()),
            name = escape(&connection.connection.name),
            label = setup.provider.label(),
        ),
    ))
}
