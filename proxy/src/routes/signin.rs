//! Sign-in with Auth0 (real mode): `/auth/login` starts the authorization code flow, and
//! `/auth/callback` finishes it — single-use transaction, state, PKCE, ID token validation,
//! role resolution from the tenant — and only then makes a session with a new id.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use orgdesk_model::{MeUser, OrgId, Role};
use serde::Deserialize;

use crate::audit::{AuditAction, Entry};
use crate::directory::DirectoryError;
use crate::error::AppError;
use crate::extract::ReqId;
use crate::session::oidc::{self, IdClaims, Oidc, SignInError};
use crate::session::{self, NewSession};
use crate::text::escape_html as escape;
use crate::AppState;

/// `?code=&state=` or `?error=&error_description=&state=`.
#[derive(Debug, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// A page that says why a sign-in did not happen, with a way to start again.
fn problem(status: StatusCode, message: &str, secure: bool) -> Response {
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · orgdesk</title><link rel="stylesheet" href="/auth/login.css"></head>
<body><main class="signin">
<div class="signin__brand"><span class="signin__mark" aria-hidden="true">od</span> orgdesk</div>
<h1>You are not signed in</h1>
<p class="signin__lead" data-testid="signin-problem">{}</p>
<p><a class="signin__again" href="/auth/login">Sign in again</a></p>
</main></body></html>"#,
        escape(message)
    );
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")], Html(page)).into_response();
    if let Ok(value) = HeaderValue::from_str(&oidc::clear_login_cookie(secure)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn oidc_of(state: &AppState) -> Result<&Oidc, AppError> {
    state
        .settings
        .oidc
        .as_deref()
        .ok_or_else(|| AppError::Unavailable {
            message: "Sign-in with Auth0 is not configured on this server.".into(),
            retry_after: None,
        })
}

/// Starts a sign-in: a transaction kept server-side, bound to a short `Lax` cookie, and a
/// redirect to the provider.
///
/// # Errors
/// When sign-in is not configured or the provider cannot be reached.
pub async fn start(
    state: &AppState,
    return_to: Option<&str>,
    organization: Option<&str>,
) -> Result<Response, AppError> {
    let oidc = oidc_of(state)?;
    let organization = organization
        .filter(|o| !o.is_empty())
        .map(|o| OrgId::parse(o).map(|id| id.to_string()))
        .transpose()
        .map_err(|_| AppError::BadRequest("That is not an organization id.".into()))?;
    let (cookie, tx) = state
        .sessions
        .begin_login(session::safe_return_to(return_to), organization)
        .await?;
    let url = oidc
        .authorize_url(
            &tx.state,
            &tx.nonce,
            &tx.verifier,
            tx.organization.as_deref(),
        )
        .await
        .map_err(|err| AppError::Unavailable {
            message: err.to_string(),
            retry_after: Some(10),
        })?;
    let mut response = Redirect::to(&url).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&oidc::login_cookie(&cookie, state.settings.secure_cookies))
            .map_err(|_| AppError::Internal("cookie header".into()))?,
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Decides the role from the tenant: holders of the platform-admin role are platform admins;
/// otherwise the organization signed in to decides (its admin role, or membership).
async fn resolve(
    state: &AppState,
    oidc: &Oidc,
    claims: &IdClaims,
) -> Result<NewSession, SignInError> {
    let unavailable = |err: DirectoryError| SignInError::Provider(err.to_string());
    let user = MeUser {
        id: claims.sub.clone(),
        email: claims.email.clone(),
        name: if claims.name.is_empty() {
            claims.email.clone()
        } else {
            claims.name.clone()
        },
        picture: claims.picture.clone(),
    };
    let tenant_roles = state
        .directory
        .user_roles(&claims.sub)
        .await
        .map_err(unavailable)?;
    if tenant_roles
        .iter()
        .any(|r| r.name == oidc.config().platform_admin_role)
    {
        return Ok(NewSession {
            user,
            role: Role::PlatformAdmin,
            org_id: None,
        });
    }
    let Some(org) = &claims.org_id else {
        return Err(SignInError::Denied(
            "orgdesk is for the admins of an organization: sign in through your organization's sign-in link.".into(),
        ));
    };
    let org = OrgId::parse(org).map_err(|_| SignInError::Token("malformed org_id".into()))?;
    if state
        .directory
        .get_org(&org)
        .await
        .map_err(unavailable)?
        .is_none()
    {
        return Err(SignInError::Token("unknown organization".into()));
    }
    let roles = match state.directory.member_roles(&org, &claims.sub).await {
        Ok(roles) => roles,
        Err(DirectoryError::NotFound) => {
            return Err(SignInError::Denied(
                "You are not a member of that organization.".into(),
            ))
        }
        Err(err) => return Err(unavailable(err)),
    };
    let role = if roles.iter().any(|r| r.name == oidc.config().org_admin_role) {
        Role::OrgAdmin
    } else {
        Role::Member
    };
    Ok(NewSession {
        user,
        role,
        org_id: Some(org),
    })
}

async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    params: CallbackParams,
) -> Result<(NewSession, String), SignInError> {
    let oidc = state
        .settings
        .oidc
        .as_deref()
        .ok_or_else(|| SignInError::Flow("Sign-in with Auth0 is not configured.".into()))?;
    let expired = || {
        SignInError::Flow(
            "This sign-in has expired or was already used. Start again from the sign-in page."
                .into(),
        )
    };
    let cookie = session::read_cookie(
        headers,
        oidc::login_cookie_name(state.settings.secure_cookies),
    )
    .ok_or_else(expired)?;
    // Taken (and deleted) before anything else: whatever happens next, it cannot be replayed.
    let tx = state
        .sessions
        .take_login(cookie)
        .await
        .map_err(|err| SignInError::Provider(err.to_string()))?
        .ok_or_else(expired)?;
    let returned = params.state.unwrap_or_default();
    if !oidc::same_secret(&returned, &tx.state) {
        return Err(SignInError::Flow(
            "The sign-in came back with the wrong state. Start again.".into(),
        ));
    }
    if let Some(error) = params.error {
        let detail = params.error_description.unwrap_or(error);
        return Err(SignInError::Flow(format!(
            "Auth0 did not sign you in: {detail}"
        )));
    }
    let code = params
        .code
        .ok_or_else(|| SignInError::Flow("The sign-in came back without a code.".into()))?;
    let id_token = oidc.exchange(&code, &tx.verifier).await?;
    let claims = oidc
        .validate(&id_token, &tx.nonce, tx.organization.as_deref())
        .await?;
    let new = resolve(state, oidc, &claims).await?;
    Ok((new, tx.return_to))
}

/// Finishes a sign-in.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(params): axum::extract::Query<CallbackParams>,
) -> Response {
    let secure = state.settings.secure_cookies;
    match finish(&state, &headers, params).await {
        Ok((new, return_to)) => {
            let created = state.sessions.create(new).await;
            match created {
                Ok((token, signed_in)) => {
                    tracing::info!(user = %signed_in.user.id, role = signed_in.role.as_str(), "signed in");
                    // The role was just resolved: that counts as the first check.
                    state.role_checks.note(&signed_in.id_hash, true).await;
                    if let Err(err) = state
                        .audit
                        .record(
                            &signed_in,
                            &ReqId::default(),
                            Entry {
                                org_id: signed_in.org_id.as_ref(),
                                action: AuditAction::SignIn,
                                changes: &[],
                                outcome: "ok",
                            },
                        )
                        .await
                    {
                        return err.into_response();
                    }
                    let mut response = Redirect::to(&return_to).into_response();
                    *response.status_mut() = StatusCode::SEE_OTHER;
                    let headers = response.headers_mut();
                    for cookie in [
                        session::session_cookie(&token, secure),
                        oidc::clear_login_cookie(secure),
                    ] {
                        if let Ok(value) = HeaderValue::from_str(&cookie) {
                            headers.append(header::SET_COOKIE, value);
                        }
                    }
                    response
                }
                Err(err) => err.into_response(),
            }
        }
        Err(err) => {
            tracing::warn!(reason = %err, "sign-in refused");
            let status = match err {
                SignInError::Provider(_) => StatusCode::BAD_GATEWAY,
                SignInError::Denied(_) => StatusCode::FORBIDDEN,
                SignInError::Flow(_) | SignInError::Token(_) => StatusCode::BAD_REQUEST,
            };
            problem(status, &err.to_string(), secure)
        }
    }
}
