//! The directory port: what the routes ask of Auth0 or of the embedded store.

pub mod local;

use async_trait::async_trait;
pub use orgdesk_model::api::OrgCounts;
use orgdesk_model::input::NewOrg;
use orgdesk_model::{Branding, DisplayName, Metadata, OrgId, Organization, Page, ValidationError};

/// The largest page a caller may ask for (Auth0's own limit).
pub const MAX_PER_PAGE: u32 = 100;

/// A request for one page of organizations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgQuery {
    /// Text that the name or display name must contain (case-insensitive).
    pub q: Option<String>,
    /// Page number, from 0.
    pub page: u32,
    /// Rows per page, 1–100.
    pub per_page: u32,
    /// When set, only this organization may appear (org admins and members).
    pub only: Option<OrgId>,
}

/// A change to one organization; `None` leaves a part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgUpdate {
    /// New display name.
    pub display_name: Option<DisplayName>,
    /// New branding; `Some(None)` removes it.
    pub branding: Option<Option<Branding>>,
    /// New metadata, replacing the old whole (Auth0's PATCH semantics).
    pub metadata: Option<Metadata>,
}

/// What can go wrong in the directory, independent of the backend.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what exists (a taken name, …).
    #[error("{0}")]
    Conflict(String),
    /// The input breaks one of the directory's rules.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Metadata changed since the caller read it; nothing was written.
    #[error("the organization changed since it was read")]
    Stale(Box<Organization>),
    /// The directory cannot answer now.
    #[error("{message}")]
    Unavailable {
        /// What to tell the person.
        message: String,
        /// Seconds to wait.
        retry_after: Option<u64>,
    },
    /// A fault that the person cannot fix.
    #[error("{0}")]
    Internal(String),
}

impl From<sqlx::Error> for DirectoryError {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(format!("store: {err}"))
    }
}

/// Organizations, members, roles and the rest, as Auth0's Management API offers them.
#[async_trait]
pub trait Directory: Send + Sync {
    /// One page of organizations in a stable order (by name).
    async fn list_orgs(&self, query: &OrgQuery) -> Result<Page<Organization>, DirectoryError>;

    /// One organization, or `None` when there is no such id.
    async fn get_org(&self, id: &OrgId) -> Result<Option<Organization>, DirectoryError>;

    /// Creates an organization; a taken name is a `Conflict`.
    async fn create_org(&self, org: &NewOrg) -> Result<Organization, DirectoryError>;

    /// Changes an organization. With `expected_metadata`, the change is made only if the stored
    /// metadata still equals it (otherwise `Stale` with the current organization).
    async fn update_org(
        &self,
        id: &OrgId,
        update: &OrgUpdate,
        expected_metadata: Option<&Metadata>,
    ) -> Result<Organization, DirectoryError>;

    /// Deletes an organization with its memberships and invitations.
    async fn delete_org(&self, id: &OrgId) -> Result<(), DirectoryError>;

    /// Members and invitations of an organization.
    async fn org_counts(&self, id: &OrgId) -> Result<OrgCounts, DirectoryError>;
}
