//! The tenant's settings.

use gloo_net::http::Method;
use orgdesk_model::tenant::{TenantSettings, TenantSettingsInput};

use super::{get, send_json, ApiError};

/// The settings.
///
/// # Errors
/// 403 for anyone but platform admins.
pub async fn settings() -> Result<TenantSettings, ApiError> {
    get("/api/tenant/settings").await
}

/// Saves a change.
///
/// # Errors
/// 400 naming the field at fault, 403 for anyone but platform admins.
pub async fn update(change: TenantSettingsInput) -> Result<TenantSettings, ApiError> {
    send_json(Method::PATCH, "/api/tenant/settings", &change).await
}
