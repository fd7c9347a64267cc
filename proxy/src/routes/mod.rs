//! The JSON API under `/api`, one module per resource.

mod apis;
mod audit;
pub mod auth;
mod connections;
mod me;
mod members;
mod orgs;
mod schema;
mod signin;

mod tenant;
mod users;

use axum::Router;

use crate::error::AppError;
use crate::AppState;

/// The largest JSON body the API reads; an organization with full metadata is about 8 KB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route under `/api` (nested there); unknown ones answer 404 in the API's error shape.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(me::routes())
        .merge(orgs::routes())
        .merge(members::routes())
        .merge(audit::routes())
        .merge(schema::routes())
        .merge(users::routes())
        .merge(connections::routes())
        .merge(tenant::routes())
        .merge(apis::routes())
        .fallback(|| async { AppError::NotFound })
}
