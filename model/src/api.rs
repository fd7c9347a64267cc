//! The shapes of the proxy's JSON API that the browser app and the tests rely on.

use serde::{Deserialize, Serialize};

use crate::diff::Change;
use crate::schema::MetadataSchema;
use crate::validate::OrgId;

/// A page of a paged list: `{"items": [...], "total": N}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows match in all.
    pub total: u64,
}

/// Every error the proxy returns: `{"error", "message", "field"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code (`not_found`, `invalid_input`, …).
    pub error: String,
    /// What went wrong, in words a person can act on.
    pub message: String,
    /// The input field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On a conflict, what is stored now, so the person can compare and reapply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
}

/// A page of a checkpoint-paged list: `{"items": [...], "next": "<cursor>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Where the next page starts; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// What a signed-in person may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the AI product: every organization and the tenant.
    PlatformAdmin,
    /// Administers one customer organization.
    OrgAdmin,
    /// Belongs to one organization and may read it.
    Member,
}

impl Role {
    /// The wire name, as in `/api/me`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "platform_admin",
            Self::OrgAdmin => "org_admin",
            Self::Member => "member",
        }
    }

    /// Parses the wire name.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "platform_admin" => Some(Self::PlatformAdmin),
            "org_admin" => Some(Self::OrgAdmin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    /// How the role is named on screen.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::PlatformAdmin => "Platform admin",
            Self::OrgAdmin => "Org admin",
            Self::Member => "Member",
        }
    }
}

/// Where the proxy's directory lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The embedded store with demo data.
    Demo,
    /// A real Auth0 tenant.
    Auth0,
}

/// The signed-in person, as `GET /api/me` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Who they are.
    pub user: MeUser,
    /// What they may be.
    pub role: Role,
    /// The one organization an org admin or member belongs to.
    pub org_id: Option<OrgId>,
    /// What the app may offer them (`orgs:read`, `orgs:write`, …).
    pub capabilities: Vec<String>,
    /// The value every mutating call must send in `x-csrf-token`.
    pub csrf_token: String,
    /// Demo or real mode.
    pub mode: Mode,
    /// In real mode, the start of an Auth0 `/authorize` address for the AI application, to
    /// which the branding studio appends `&organization=<id>` ("Try the real sign-in").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub try_sign_in: Option<String>,
}

/// The person behind a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeUser {
    /// The directory's user id (`auth0|…`).
    pub id: String,
    /// Their email address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their avatar, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
}

impl Me {
    /// Whether the app should offer an action that needs `capability`.
    #[must_use]
    pub fn can(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }
}

/// How many members and invitations an organization has (what deleting it takes along).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCounts {
    /// Members.
    pub members: u64,
    /// Pending invitations.
    pub invitations: u64,
}

/// `GET /api/metadata-schema`: the schema and Auth0's limits, for the app's forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaInfo {
    /// The keys.
    #[serde(flatten)]
    pub schema: MetadataSchema,
    /// The prefix of custom token claims.
    pub claims_namespace: String,
    /// Auth0's limit on keys.
    pub max_keys: usize,
    /// Auth0's limit on a value's length.
    pub max_value_len: usize,
}

/// One audit record, as `/api/audit` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing id (the cursor of the list).
    pub id: i64,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// Who: user id.
    pub actor_id: String,
    /// Who: email.
    pub actor_email: String,
    /// Their role at the time.
    pub actor_role: String,
    /// The organization concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// What was done (`org.create`, `org.update`, `org.delete`, …).
    pub action: String,
    /// Field by field, before → after.
    pub changes: Vec<Change>,
    /// `ok`, or what went wrong.
    pub outcome: String,
    /// The request, to match with logs: orgdesk's own id, never one a client chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The `x-request-id` the client sent, if any: kept as the client's word, beside orgdesk's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// Whether the directory behind orgdesk answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Upstream {
    /// The embedded store: always there.
    Embedded,
    /// Auth0, not asked anything yet.
    Unknown,
    /// Auth0 answered the last call.
    Ok,
    /// Auth0 did not answer the last call.
    Unreachable,
}

/// How the directory is doing, as `GET /api/status` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// Demo (embedded store) or a real Auth0 tenant.
    pub mode: Mode,
    /// Whether the directory answers.
    pub upstream: Upstream,
    /// The last problem with the upstream, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The Management API budget as Auth0 last reported it (real mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// A rate-limit budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests per window.
    pub limit: u64,
    /// Requests left in this window.
    pub remaining: u64,
    /// When the window resets (Unix seconds).
    pub reset: u64,
}

impl RateLimit {
    /// Whether less than a fifth of the budget is left.
    #[must_use]
    pub fn is_low(&self) -> bool {
        self.remaining.saturating_mul(5) < self.limit
    }
}
