//! Shared helpers: a demo-mode proxy in a temporary folder, driven without a port.

#![allow(dead_code, clippy::unwrap_used)]

pub mod dns;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use orgdesk_model::apis::{Api, ApiPatch, NewApi};
use orgdesk_model::domains::{Domain, DomainName};
use orgdesk_model::input::NewOrg;
use orgdesk_model::m2m::{ClientGrantInfo, ClientSecret, M2mApp, M2mCreated, NewM2m, TokenQuota};
use orgdesk_model::members::{Invitation, Member, NewInvitation, RoleInfo, RoleRef};
use orgdesk_model::roles::{NewRole, PermissionRef, RoleHolders, RolePatch, RolePermission};
use orgdesk_model::users::{Connection, NewUserInput, OrgConnection, User, UserOrg};
use orgdesk_model::{Metadata, OrgId, Organization, Page};
use orgdesk_proxy::directory::{
    CursorPage, Directory, DirectoryError, DomainUpdate, MemberQuery, OrgCounts, OrgQuery,
    OrgUpdate, SsoConnectionSpec, SsoTicketRequest, UserSummary,
};
use orgdesk_proxy::AppState;
use serde_json::Value;
use tower::ServiceExt;

pub const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
pub const ACME: &str = "org_acmeR0b8Tn3Vw5";
pub const HOST: &str = "orgdesk.test";

/// Counts the calls that reach the directory, to prove that denied requests make none.
pub struct Counting {
    pub inner: Arc<dyn Directory>,
    pub calls: AtomicUsize,
}

#[async_trait]
impl Directory for Counting {
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_orgs(query).await
    }
    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_org(id).await
    }
    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_org(org).await
    }
    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_org(id, update, expected).await
    }
    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_org(id).await
    }
    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.org_counts(id).await
    }
    async fn list_members(
        &self,
        org: &OrgId,
        query: &MemberQuery,
    ) -> Result<CursorPage<Member>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_members(org, query).await
    }
    async fn add_members(&self, org: &OrgId, ids: &[String]) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.add_members(org, ids).await
    }
    async fn remove_members(&self, org: &OrgId, ids: &[String]) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.remove_members(org, ids).await
    }
    async fn member_roles(&self, org: &OrgId, user: &str) -> Result<Vec<RoleRef>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.member_roles(org, user).await
    }
    async fn assign_member_roles(
        &self,
        org: &OrgId,
        user: &str,
        roles: &[String],
    ) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.assign_member_roles(org, user, roles).await
    }
    async fn remove_member_roles(
        &self,
        org: &OrgId,
        user: &str,
        roles: &[String],
    ) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.remove_member_roles(org, user, roles).await
    }
    async fn list_roles(&self) -> Result<Vec<RoleInfo>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_roles().await
    }
    async fn list_invitations(&self, org: &OrgId) -> Result<Vec<Invitation>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_invitations(org).await
    }
    async fn create_invitation(
        &self,
        org: &OrgId,
        invitation: &NewInvitation,
    ) -> Result<Invitation, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_invitation(org, invitation).await
    }
    async fn delete_invitation(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_invitation(org, id).await
    }
    async fn search_users(
        &self,
        q: &str,
        limit: u32,
        scope: Option<&OrgId>,
    ) -> Result<Vec<UserSummary>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.search_users(q, limit, scope).await
    }
    async fn get_user(&self, id: &str) -> Result<Option<User>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_user(id).await
    }
    async fn user_orgs(&self, id: &str) -> Result<Vec<UserOrg>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.user_orgs(id).await
    }
    async fn create_user(
        &self,
        input: &NewUserInput,
        app: &std::collections::BTreeMap<String, String>,
    ) -> Result<User, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_user(input, app).await
    }
    async fn list_connections(&self) -> Result<Vec<Connection>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_connections().await
    }
    fn creates_connections(&self) -> bool {
        self.inner.creates_connections()
    }
    async fn create_connection(
        &self,
        name: &str,
        strategy: &str,
    ) -> Result<Connection, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_connection(name, strategy).await
    }
    async fn org_connections(&self, org: &OrgId) -> Result<Vec<OrgConnection>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.org_connections(org).await
    }
    async fn put_org_connection(
        &self,
        org: &OrgId,
        c: &OrgConnection,
    ) -> Result<OrgConnection, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.put_org_connection(org, c).await
    }
    async fn delete_org_connection(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_org_connection(org, id).await
    }

    async fn user_roles(&self, user_id: &str) -> Result<Vec<RoleRef>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.user_roles(user_id).await
    }

    async fn tenant_settings(
        &self,
    ) -> Result<orgdesk_model::tenant::TenantSettings, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.tenant_settings().await
    }

    async fn update_tenant_settings(
        &self,
        change: &orgdesk_model::tenant::TenantSettingsInput,
    ) -> Result<orgdesk_model::tenant::TenantSettings, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_tenant_settings(change).await
    }

    async fn list_apis(&self) -> Result<Vec<Api>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_apis().await
    }
    async fn get_api(&self, id: &str) -> Result<Option<Api>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_api(id).await
    }
    async fn create_api(&self, api: &NewApi) -> Result<Api, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_api(api).await
    }
    async fn update_api(&self, id: &str, patch: &ApiPatch) -> Result<Api, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_api(id, patch).await
    }
    async fn delete_api(&self, id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_api(id).await
    }
    async fn get_role(&self, id: &str) -> Result<Option<RoleInfo>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_role(id).await
    }
    async fn role_permissions(&self, id: &str) -> Result<Vec<RolePermission>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.role_permissions(id).await
    }
    async fn role_holders(&self, id: &str) -> Result<RoleHolders, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.role_holders(id).await
    }
    async fn create_role(&self, role: &NewRole) -> Result<RoleInfo, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_role(role).await
    }
    async fn update_role(&self, id: &str, patch: &RolePatch) -> Result<RoleInfo, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_role(id, patch).await
    }
    async fn delete_role(&self, id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_role(id).await
    }
    async fn add_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.add_role_permissions(id, permissions).await
    }
    async fn remove_role_permissions(
        &self,
        id: &str,
        permissions: &[PermissionRef],
    ) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.remove_role_permissions(id, permissions).await
    }

    async fn list_org_m2m(&self, org: &OrgId) -> Result<Vec<M2mApp>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_org_m2m(org).await
    }
    async fn list_client_grants(&self) -> Result<Vec<ClientGrantInfo>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_client_grants().await
    }
    async fn create_org_m2m(
        &self,
        org: &OrgId,
        app: &NewM2m,
    ) -> Result<M2mCreated, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_org_m2m(org, app).await
    }
    async fn associate_org_grant(
        &self,
        org: &OrgId,
        grant: &str,
    ) -> Result<M2mApp, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.associate_org_grant(org, grant).await
    }
    async fn remove_org_m2m(&self, org: &OrgId, client_id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.remove_org_m2m(org, client_id).await
    }
    async fn token_quota(&self, org: &OrgId) -> Result<TokenQuota, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.token_quota(org).await
    }
    async fn set_token_quota(&self, org: &OrgId, quota: &TokenQuota) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.set_token_quota(org, quota).await
    }
    async fn rotate_client_secret(&self, client_id: &str) -> Result<ClientSecret, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.rotate_client_secret(client_id).await
    }
    async fn list_domains(&self, org: &OrgId) -> Result<Vec<Domain>, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.list_domains(org).await
    }
    async fn create_domain(
        &self,
        org: &OrgId,
        domain: &DomainName,
    ) -> Result<Domain, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_domain(org, domain).await
    }
    async fn update_domain(
        &self,
        org: &OrgId,
        id: &str,
        update: &DomainUpdate,
    ) -> Result<Domain, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.update_domain(org, id, update).await
    }
    async fn delete_domain(&self, org: &OrgId, id: &str) -> Result<(), DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.delete_domain(org, id).await
    }
    async fn create_sso_ticket(
        &self,
        org: &OrgId,
        request: &SsoTicketRequest,
    ) -> Result<String, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_sso_ticket(org, request).await
    }
    async fn create_sso_connection(
        &self,
        org: &OrgId,
        spec: &SsoConnectionSpec,
    ) -> Result<OrgConnection, DirectoryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.create_sso_connection(org, spec).await
    }

    fn health(&self) -> orgdesk_proxy::directory::Health {
        self.inner.health()
    }
}

pub struct TestApp {
    pub router: Router,
    pub counter: Arc<Counting>,
    pub dir: tempfile::TempDir,
}

pub struct Signed {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::in_dir(dir, None).await
    }

    pub async fn in_dir(dir: tempfile::TempDir, assets: Option<&Path>) -> Self {
        Self::build(dir, assets, None, None).await
    }

    /// A proxy whose domain checks ask the DNS server at `resolver`.
    pub async fn with_dns(resolver: std::net::SocketAddr) -> Self {
        Self::build(tempfile::tempdir().unwrap(), None, None, Some(resolver)).await
    }

    /// A proxy whose sessions and audit live in a temporary store and whose directory is
    /// `directory` (the Auth0 client against a loopback upstream).
    pub async fn with_directory(directory: Arc<dyn Directory>) -> Self {
        Self::build(tempfile::tempdir().unwrap(), None, Some(directory), None).await
    }

    async fn build(
        dir: tempfile::TempDir,
        assets: Option<&Path>,
        directory: Option<Arc<dyn Directory>>,
        resolver: Option<std::net::SocketAddr>,
    ) -> Self {
        let missing = dir.path().join("no-assets");
        // The tests sign in and change things far faster than a person; the limits themselves
        // are tested with the defaults in security.rs.
        let config = orgdesk_proxy::config::FileConfig {
            limits: Some(orgdesk_proxy::limits::Limits {
                sign_in_per_minute: 100_000,
                mutations_per_minute_per_session: 100_000,
                mutations_per_minute_per_address: 100_000,
            }),
            dns: Some(orgdesk_proxy::dns::DnsConfig { resolver }),
            ..Default::default()
        };
        let mut state: AppState = orgdesk_proxy::demo_state(
            &dir.path().join("data"),
            assets.unwrap_or(&missing),
            false,
            &config,
        )
        .await
        .unwrap();
        let counter = Arc::new(Counting {
            inner: directory.unwrap_or_else(|| state.directory.clone()),
            calls: AtomicUsize::new(0),
        });
        state.directory = counter.clone();
        Self {
            router: orgdesk_proxy::app(state),
            counter,
            dir,
        }
    }

    pub fn directory_calls(&self) -> usize {
        self.counter.calls.load(Ordering::SeqCst)
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.unwrap()
    }

    pub async fn sign_in(&self, persona: &str) -> Signed {
        let response = self
            .send(
                Request::post("/auth/demo-login")
                    .header(header::HOST, HOST)
                    .header(header::ORIGIN, format!("http://{HOST}"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("persona={persona}&return_to=%2Forgs")))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/orgs");
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let (status, me) = self.get_json("/api/me", Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        Signed {
            cookie,
            csrf: me["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn get_json(&self, uri: &str, cookie: Option<&str>) -> (StatusCode, Value) {
        let mut request = Request::get(uri).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self.send(request.body(Body::empty()).unwrap()).await;
        let status = response.status();
        (status, body_json(response).await)
    }
}

impl TestApp {
    /// GETs a download as `who`: its status, headers and bytes.
    pub async fn download(
        &self,
        who: &Signed,
        uri: &str,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let request = Request::get(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &who.cookie)
            .body(Body::empty())
            .unwrap();
        let response = self.send(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// Sends a JSON request as `who`, with the CSRF token and a same-origin Origin.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        who: &Signed,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::COOKIE, &who.cookie)
            .header("x-csrf-token", &who.csrf);
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = self.send(request.body(body).unwrap()).await;
        let status = response.status();
        (status, body_json(response).await)
    }
}

pub async fn body_json(response: Response<Body>) -> Value {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    }
}

pub async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The fields of an answer that differ from one run to the next, each replaced by a note of
/// what it is, so that the rest can be compared with a snapshot.
pub fn stable(mut value: Value) -> Value {
    const VOLATILE: [&str; 1] = ["csrf_token"];
    if let Value::Object(fields) = &mut value {
        for key in VOLATILE {
            if let Some(field) = fields.get_mut(key) {
                *field = Value::String(format!("[{key}]"));
            }
        }
    }
    value
}
