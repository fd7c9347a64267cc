//! Importing configuration: the plan of what a file would change, shown before anything is
//! applied, and how applying it went.

use serde::{Deserialize, Serialize};

use crate::diff::Change;

/// The largest file an import reads: a tenant of a few thousand organizations.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// `POST /api/import/plan`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The file's text: an orgdesk JSON snapshot or auth0-deploy-cli YAML.
    pub file: String,
    /// Also delete what the file does not have, in the parts it covers.
    #[serde(default)]
    pub deletions: bool,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// Creates something the directory does not have.
    Create,
    /// Changes something both have.
    Change,
    /// Deletes something the file does not have (only when deletions were asked for).
    Delete,
}

/// What a step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The tenant's settings.
    Tenant,
    /// An API and its permissions.
    Api,
    /// A role and what it grants.
    Role,
    /// An organization's name, branding and metadata.
    Organization,
    /// A connection enabled on an organization.
    Connection,
    /// A user.
    User,
    /// A member of an organization and their roles.
    Member,
    /// A pending invitation.
    Invitation,
}

impl ItemKind {
    /// How people call it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Tenant => "Tenant settings",
            Self::Api => "API",
            Self::Role => "Role",
            Self::Organization => "Organization",
            Self::Connection => "Connection",
            Self::User => "User",
            Self::Member => "Member",
            Self::Invitation => "Invitation",
        }
    }
}

/// One change a plan makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// Create, change or delete.
    pub action: StepAction,
    /// What kind of thing.
    pub kind: ItemKind,
    /// Which one, as people read it (`ai-organization`, `user@example.com in ai-organization`).
    pub target: String,
    /// The organization it belongs to, by name, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// Field by field, as every save shows it.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// What a file would change, to be applied by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Its id, for `POST /api/import/apply`.
    pub id: String,
    /// `json` (an orgdesk snapshot) or `deploy-cli`.
    pub source: String,
    /// Whether deletions were asked for.
    pub deletions: bool,
    /// The steps, in the order they are applied.
    pub steps: Vec<PlanStep>,
    /// What the file does not say, so nothing of it is touched (`deploy-cli has no members`).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Plan {
    /// How many steps of each action: (create, change, delete).
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |a| self.steps.iter().filter(|s| s.action == a).count();
        (
            count(StepAction::Create),
            count(StepAction::Change),
            count(StepAction::Delete),
        )
    }
}

/// `POST /api/import/apply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyInput {
    /// The plan to apply.
    pub plan_id: String,
}

/// Where applying a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyState {
    /// Not started.
    Planned,
    /// Steps are being applied.
    Applying,
    /// Every step was applied.
    Applied,
    /// A step was refused; the steps before it were applied, none after it.
    Stopped,
}

/// A step the directory refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFailure {
    /// Its place in the plan, from 0.
    pub step: u32,
    /// What it was about.
    pub target: String,
    /// Why, in words.
    pub message: String,
}

/// `GET /api/import/plans/{id}` and the answer of `POST /api/import/apply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyStatus {
    /// The plan.
    pub plan_id: String,
    /// Where it stands.
    pub state: ApplyState,
    /// Steps applied.
    pub done: u32,
    /// Steps in all.
    pub total: u32,
    /// The refused step, when it stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<StepFailure>,
}
