//! The JSON API under `/api`, one module per resource.

pub mod auth;
mod me;
mod orgs;

use axum::Router;

use crate::error::AppError;
use crate::AppState;

/// Every route under `/api` (nested there); unknown ones answer 404 in the API's error shape.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(me::routes())
        .merge(orgs::routes())
        .fallback(|| async { AppError::NotFound })
}
