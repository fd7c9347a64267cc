//! An organization's verified domains.

use gloo_net::http::Method;
use orgdesk_model::domains::{Domain, DomainList, DomainPatchInput, NewDomainInput};
use orgdesk_model::OrgId;

use super::{encode, get, send_json, send_no_content, ApiError};

fn domains_path(org: &OrgId) -> String {
    format!("/api/orgs/{}/domains", encode(org.as_str()))
}

fn domain_path(org: &OrgId, id: &str) -> String {
    format!("{}/{}", domains_path(org), encode(id))
}

/// The organization's domains with their last checks.
///
/// # Errors
/// 404 for another organization.
pub async fn list(org: OrgId) -> Result<Vec<Domain>, ApiError> {
    get::<DomainList>(&domains_path(&org))
        .await
        .map(|l| l.items)
}

/// Adds a domain, pending until its TXT record is found.
///
/// # Errors
/// 400 on the field `domain`; 409 when an organization has it already.
pub async fn add(org: OrgId, domain: String) -> Result<Domain, ApiError> {
    send_json(
        Method::POST,
        &domains_path(&org),
        &NewDomainInput { domain },
    )
    .await
}

/// Looks the domain's TXT record up now.
///
/// # Errors
/// 503 when the DNS resolver did not answer (nothing changed).
pub async fn verify(org: OrgId, id: String) -> Result<Domain, ApiError> {
    let path = format!("{}/verify", domain_path(&org, &id));
    send_json(Method::POST, &path, &serde_json::json!({})).await
}

/// Switches organization discovery for the domain.
///
/// # Errors
/// 404 when the domain is not the organization's.
pub async fn set_discovery(org: OrgId, id: String, on: bool) -> Result<Domain, ApiError> {
    send_json(
        Method::PATCH,
        &domain_path(&org, &id),
        &DomainPatchInput {
            use_for_organization_discovery: on,
        },
    )
    .await
}

/// Removes the domain.
///
/// # Errors
/// 404 when the domain is not the organization's.
pub async fn remove(org: OrgId, id: String) -> Result<(), ApiError> {
    send_no_content(Method::DELETE, &domain_path(&org, &id)).await
}
