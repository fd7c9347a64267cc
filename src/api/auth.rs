//! Signing out.

use serde::Deserialize;

use super::{post_empty, ApiError};

#[derive(Deserialize)]
struct LoggedOut {
    redirect_to: String,
}

/// Ends the session and returns where the browser should go next.
///
/// # Errors
/// When the proxy refuses or cannot be reached.
pub async fn logout() -> Result<String, ApiError> {
    let answer: LoggedOut = post_empty("/auth/logout").await?;
    Ok(answer.redirect_to)
}
