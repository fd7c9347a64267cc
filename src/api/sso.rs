//! Single sign-on set-up links for an organization's IT admin.

use gloo_net::http::Method;
use orgdesk_model::sso::{SsoTicket, SsoTicketInput};
use orgdesk_model::OrgId;

use super::{encode, send_json, send_no_content, ApiError};

fn ticket_path(org: &OrgId) -> String {
    format!("/api/orgs/{}/sso-ticket", encode(org.as_str()))
}

/// Makes a link; the answer is the only time it is shown.
///
/// # Errors
/// 404 for another organization.
pub async fn create(org: OrgId) -> Result<SsoTicket, ApiError> {
    send_json(Method::POST, &ticket_path(&org), &SsoTicketInput::default()).await
}

/// Revokes a link that was not used yet.
///
/// # Errors
/// 409 when it was used already, or (real mode) when Auth0 cannot revoke it.
pub async fn revoke(org: OrgId, id: String) -> Result<(), ApiError> {
    let path = format!("{}/{}", ticket_path(&org), encode(&id));
    send_no_content(Method::DELETE, &path).await
}
