//! Sign-in and sign-out. In demo mode sign-in is a page of personas served by the proxy itself.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use orgdesk_model::Mode;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{AuditAction, Entry};
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::extract::ReqId;
use crate::session::demo::{Persona, PERSONAS};
use crate::session::{self, Session};
use crate::text::escape_html as escape;
use crate::AppState;

/// Sign-in and sign-out: `/auth/login`, the callback, demo sign-in and `/auth/logout`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login_page))
        .route("/auth/login.css", get(login_css))
        .route("/auth/demo-login", post(demo_login))
        .route("/auth/logout", post(logout))
        .route("/auth/callback", get(super::signin::callback))
}

#[derive(Debug, Deserialize)]
struct LoginParams {
    return_to: Option<String>,
    organization: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<LoginParams>,
) -> Result<Response, AppError> {
    if state.settings.mode != Mode::Demo {
        return super::signin::start(
            &state,
            params.return_to.as_deref(),
            params.organization.as_deref(),
        )
        .await;
    }
    let return_to = escape(&session::safe_return_to(params.return_to.as_deref()));
    let cards: String = PERSONAS
        .iter()
        .map(|p| {
            let org = p.org.map_or_else(
                || "All organizations".to_owned(),
                |(_, name)| escape(name),
            );
            format!(
                r#"<form class="persona" method="post" action="/auth/demo-login">
  <input type="hidden" name="persona" value="{key}">
  <input type="hidden" name="return_to" value="{return_to}">
  <button type="submit" data-persona="{key}">
    <span class="persona__avatar" aria-hidden="true">{initials}</span>
    <span class="persona__text">
      <span class="persona__name">{name} <span class="persona__role persona__role--{role}">{role_label}</span></span>
      <span class="persona__meta">{email} · {org}</span>
      <span class="persona__blurb">{blurb}</span>
    </span>
  </button>
</form>"#,
                key = escape(p.key),
                initials = escape(&orgdesk_model::org::initials(p.name)),
                name = escape(p.name),
                role = p.role.as_str(),
                role_label = p.role.label(),
                email = escape(p.email),
                blurb = escape(p.blurb),
            )
        })
        .collect();
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · orgdesk</title>
<link rel="stylesheet" href="/auth/login.css">
</head>
<body>
<main class="signin">
  <div class="signin__brand"><span class="signin__mark" aria-hidden="true">od</span> orgdesk <span class="signin__badge">Demo data</span></div>
  <h1>Sign in</h1>
  <p class="signin__lead">This is a demo tenant with no Auth0 account behind it. Pick who you want to be; each persona sees only what their role allows.</p>
  {cards}
</main>
</body>
</html>"#
    );
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response())
}

async fn login_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("login.css"),
    )
}

#[derive(Debug, Deserialize)]
struct DemoLogin {
    persona: String,
    return_to: Option<String>,
}

async fn demo_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Option<axum::Extension<crate::server::ClientInfo>>,
    request_id: ReqId,
    Form(form): Form<DemoLogin>,
) -> Result<Response, AppError> {
    if state.settings.mode != Mode::Demo {
        return Err(AppError::NotFound);
    }
    // A sign-in is a state change too: refuse one started by another site (login CSRF).
    session::ensure_same_origin(&headers, client.is_some_and(|c| c.https))?;
    let persona = Persona::find(&form.persona)
        .ok_or_else(|| AppError::BadRequest("There is no such demo persona.".into()))?;
    let (token, signed_in) = state.sessions.create(persona.session()).await?;
    state
        .audit
        .record(
            &signed_in,
            &request_id,
            Entry {
                org_id: signed_in.org_id.as_ref(),
                action: AuditAction::SignIn,
                changes: &[],
                outcome: "ok",
            },
        )
        .await?;
    tracing::info!(user = %signed_in.user.email, role = signed_in.role.as_str(), "signed in (demo)");
    let target = session::safe_return_to(form.return_to.as_deref());
    let mut response = Redirect::to(&target).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::session_cookie(&token, state.settings.secure_cookies)
            .parse()
            .map_err(|_| AppError::Internal("cookie header".into()))?,
    );
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    request_id: ReqId,
    session: Session,
) -> Result<Response, AppError> {
    state.sessions.end(&session).await?;
    state.role_checks.forget(&session.id_hash).await;
    state
        .audit
        .record(
            &session,
            &request_id,
            Entry {
                org_id: session.org_id.as_ref(),
                action: AuditAction::SignOut,
                changes: &[],
                outcome: "ok",
            },
        )
        .await?;
    tracing::info!(user = %session.user.id, "signed out");
    // In real mode the Auth0 session ends too, returning to the sign-in page.
    let redirect_to = match state.settings.oidc.as_deref() {
        Some(oidc) => oidc.logout_url().await,
        None => "/auth/login".to_owned(),
    };
    let mut response = Json(json!({ "redirect_to": redirect_to })).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::clear_cookie(state.settings.secure_cookies)
            .parse()
            .map_err(|_| AppError::Internal("cookie header".into()))?,
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape(r#""><svg onload=alert(1)>"#),
            "&quot;&gt;&lt;svg onload=alert(1)&gt;"
        );
    }
}
