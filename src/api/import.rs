//! Importing configuration: the plan, applying it, and how far applying has got.

use gloo_net::http::Method;
use orgdesk_model::import::{ApplyInput, ApplyStatus, Plan, PlanInput};

use super::{encode, get, send_json, ApiError};

/// What a file would change (nothing is changed yet).
///
/// # Errors
/// 400 naming what is wrong in the file, 403 when it changes what the caller may not.
pub async fn plan(input: PlanInput) -> Result<Plan, ApiError> {
    send_json(Method::POST, "/api/import/plan", &input).await
}

/// Applies a plan; answers when every step was applied or one was refused.
///
/// # Errors
/// 404 for a plan that is not the caller's, 409 for one applied already.
pub async fn apply(plan_id: String) -> Result<ApplyStatus, ApiError> {
    send_json(Method::POST, "/api/import/apply", &ApplyInput { plan_id }).await
}

/// How far applying a plan has got.
///
/// # Errors
/// 404 for a plan that is not the caller's.
pub async fn status(plan_id: &str) -> Result<ApplyStatus, ApiError> {
    get(&format!("/api/import/plans/{}", encode(plan_id))).await
}
