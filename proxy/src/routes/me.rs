//! `GET /api/me`: who is signed in and what the app may offer them; `GET /api/status`: how the
//! directory is doing.

use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::api::StatusInfo;
use orgdesk_model::Me;

use crate::access;
use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/status", get(status))
}

async fn me(session: Session, state: axum::extract::State<AppState>) -> Json<Me> {
    Json(Me {
        capabilities: access::capabilities(session.role),
        user: session.user,
        role: session.role,
        org_id: session.org_id,
        csrf_token: session.csrf_token,
        mode: state.settings.mode,
        try_sign_in: state.settings.try_sign_in.clone(),
    })
}

/// Mode, upstream health and the rate-limit budget left; costs no upstream call.
async fn status(_session: Session, state: axum::extract::State<AppState>) -> Json<StatusInfo> {
    let health = state.directory.health();
    Json(StatusInfo {
        mode: state.settings.mode,
        upstream: health.upstream,
        message: health.message,
        rate_limit: health.rate_limit,
    })
}
