//! How the directory is doing (real mode: Auth0's health and rate-limit budget).

use orgdesk_model::api::StatusInfo;

use super::{get, ApiError};

/// Mode, upstream health and the budget left.
///
/// # Errors
/// 401 without a session.
pub async fn status() -> Result<StatusInfo, ApiError> {
    get("/api/status").await
}
