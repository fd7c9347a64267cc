//! APIs (resource servers) and their permissions (platform admins).

use gloo_net::http::Method;
use orgdesk_model::apis::{Api, ApiList, ApiPatchInput, NewApiInput};

use super::{encode, get, send_json, send_no_content, ApiError};

/// Every API, the directory's own first.
///
/// # Errors
/// 403 for anyone but platform admins.
pub async fn list() -> Result<Vec<Api>, ApiError> {
    get::<ApiList>("/api/apis").await.map(|list| list.items)
}

/// One API.
///
/// # Errors
/// 404 when there is no such API.
pub async fn get_one(id: String) -> Result<Api, ApiError> {
    get(&format!("/api/apis/{}", encode(&id))).await
}

/// Creates an API.
///
/// # Errors
/// 400 naming the field at fault, 409 when the identifier is taken.
pub async fn create(input: NewApiInput) -> Result<Api, ApiError> {
    send_json(Method::POST, "/api/apis", &input).await
}

/// Changes an API's name, token lifetime or permissions.
///
/// # Errors
/// 400 naming the field at fault, 409 for the directory's own API.
pub async fn update(id: String, patch: ApiPatchInput) -> Result<Api, ApiError> {
    send_json(Method::PATCH, &format!("/api/apis/{}", encode(&id)), &patch).await
}

/// Deletes an API; every role loses its permissions.
///
/// # Errors
/// 404 when it is gone already, 409 for the directory's own API.
pub async fn delete(id: String) -> Result<(), ApiError> {
    send_no_content(Method::DELETE, &format!("/api/apis/{}", encode(&id))).await
}
