//! Organizations.

use orgdesk_model::{OrgId, Organization, Page};

use super::{encode, get, ApiError};

/// One page of organizations whose name or display name contains `q`.
///
/// # Errors
/// Whatever the proxy answers instead of a page.
pub async fn list(q: String, page: u32, per_page: u32) -> Result<Page<Organization>, ApiError> {
    let mut url = format!("/api/orgs?page={page}&per_page={per_page}");
    let q = q.trim();
    if !q.is_empty() {
        url.push_str("&q=");
        url.push_str(&encode(q));
    }
    get(&url).await
}

/// One organization.
///
/// # Errors
/// 404 when it does not exist or is not the caller's to see.
pub async fn get_one(id: OrgId) -> Result<Organization, ApiError> {
    get(&format!("/api/orgs/{}", encode(id.as_str()))).await
}
