//! An organization's machine-to-machine applications.

use gloo_net::http::Method;
use orgdesk_model::m2m::{
    ClientGrantInfo, ClientGrantList, M2mApp, M2mCreated, M2mList, M2mRequest, NewM2mInput,
    RotatedSecret, TokenQuota,
};
use orgdesk_model::OrgId;

use super::{encode, get, send_json, send_no_content, ApiError};

fn m2m_path(org: &OrgId) -> String {
    format!("/api/orgs/{}/m2m", encode(org.as_str()))
}

/// The organization's applications, without secrets.
///
/// # Errors
/// 403 for members, 404 for another organization.
pub async fn list(org: OrgId) -> Result<Vec<M2mApp>, ApiError> {
    get::<M2mList>(&m2m_path(&org)).await.map(|l| l.items)
}

/// Creates an application for the organization; the answer holds its secret, this once.
///
/// # Errors
/// 400 naming the field at fault.
pub async fn create(org: OrgId, input: NewM2mInput) -> Result<M2mCreated, ApiError> {
    send_json(Method::POST, &m2m_path(&org), &M2mRequest::Create(input)).await
}

/// Lets the organization use an existing client grant.
///
/// # Errors
/// 400 when there is no such grant.
pub async fn associate(org: OrgId, grant_id: String) -> Result<M2mApp, ApiError> {
    send_json(
        Method::POST,
        &m2m_path(&org),
        &M2mRequest::Associate { grant_id },
    )
    .await
}

/// Takes the application's access to the organization away.
///
/// # Errors
/// 404 when it had none.
pub async fn remove(org: OrgId, client_id: String) -> Result<(), ApiError> {
    let path = format!("{}/{}", m2m_path(&org), encode(&client_id));
    send_no_content(Method::DELETE, &path).await
}

/// A new secret for the application; the old one stops working.
///
/// # Errors
/// 404 when the application is not the organization's.
pub async fn rotate_secret(org: OrgId, client_id: String) -> Result<RotatedSecret, ApiError> {
    let path = format!("{}/{}/rotate-secret", m2m_path(&org), encode(&client_id));
    send_json(Method::POST, &path, &serde_json::json!({})).await
}

/// The tenant's grants an organization may be given (platform admins).
///
/// # Errors
/// 403 for anyone else.
pub async fn client_grants() -> Result<Vec<ClientGrantInfo>, ApiError> {
    get::<ClientGrantList>("/api/client-grants")
        .await
        .map(|l| l.items)
}

fn quota_path(org: &OrgId) -> String {
    format!("/api/orgs/{}/token-quota", encode(org.as_str()))
}

/// The organization's quota of M2M tokens (empty: the tenant's default).
///
/// # Errors
/// 403 for members, 404 for another organization.
pub async fn token_quota(org: OrgId) -> Result<TokenQuota, ApiError> {
    get(&quota_path(&org)).await
}

/// Sets the quota, or removes it when `client_credentials` is absent.
///
/// # Errors
/// 400 naming the field at fault.
pub async fn set_token_quota(org: OrgId, quota: TokenQuota) -> Result<TokenQuota, ApiError> {
    send_json(Method::PUT, &quota_path(&org), &quota).await
}
