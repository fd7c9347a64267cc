//! Single sign-on set-up links for an organization's IT admin.

use gloo_net::http::Method;
use orgdesk_model::sso::{AutoJoinInput, SsoTicket, SsoTicketInput};
use orgdesk_model::users::OrgConnection;
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

/// Turns auto-join on or off for one of the organization's single sign-on connections.
///
/// # Errors
/// 400 without a verified domain, or for a connection that is not single sign-on.
pub async fn set_auto_join(
    org: OrgId,
    connection_id: String,
    on: bool,
) -> Result<OrgConnection, ApiError> {
    let path = format!(
        "/api/orgs/{}/sso-connections/{}",
        encode(org.as_str()),
        encode(&connection_id)
    );
    send_json(
        Method::PATCH,
        &path,
        &AutoJoinInput {
            assign_membership_on_login: on,
        },
    )
    .await
}
