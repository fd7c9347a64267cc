//! Users and connections.

use gloo_net::http::Method;
use orgdesk_model::users::{Connection, NewUserInput, User, UserDetail};

use super::{encode, get, send_json, ApiError};

/// One user with their organizations.
///
/// # Errors
/// 403 unless a platform admin; 404 when there is no such user.
pub async fn get_one(user_id: String) -> Result<UserDetail, ApiError> {
    get(&format!("/api/users/{}", encode(&user_id))).await
}

/// Creates a user.
///
/// # Errors
/// 400 naming the field; 409 on the email field when it is taken.
pub async fn create(input: NewUserInput) -> Result<User, ApiError> {
    send_json(Method::POST, "/api/users", &input).await
}

/// The tenant's connections.
///
/// # Errors
/// 403 for members.
pub async fn connections() -> Result<Vec<Connection>, ApiError> {
    get("/api/connections").await
}
