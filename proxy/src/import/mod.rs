//! Configuration as code, the other way: a file read, compared with the directory into a plan
//! of steps the person reviews, and the plan applied step by step.

mod apply;
mod deploy_cli;
mod plan;
pub mod plans;

pub use apply::apply;
pub use plan::{plan, Live, Op, Step};

use orgdesk_model::snapshot::{Snapshot, FORMAT};
use orgdesk_model::ValidationError;

/// What kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// orgdesk's own JSON snapshot.
    Json,
    /// auth0-deploy-cli's YAML.
    DeployCli,
}

impl Source {
    /// The name the plan shows.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::DeployCli => "deploy-cli",
        }
    }
}

/// A file read into a snapshot, with what it covers.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// What the file says.
    pub snapshot: Snapshot,
    /// What it was.
    pub source: Source,
    /// The file is a whole tenant's: APIs, roles and organizations it lacks may be deleted.
    pub whole_tenant: bool,
    /// Members and users are in it (deploy-cli has no place for them).
    pub members: bool,
    /// The tenant settings it sets (deploy-cli files may set a few).
    pub tenant_fields: Vec<&'static str>,
    /// Whether its ids are the directory's (an orgdesk snapshot), which the embedded store keeps,
    /// or none (deploy-cli).
    pub ids: bool,
    /// What the file holds that orgdesk leaves alone.
    pub notes: Vec<String>,
}

/// Every tenant setting a snapshot carries.
pub const TENANT_FIELDS: [&str; 8] = [
    "friendly_name",
    "picture_url",
    "support_email",
    "support_url",
    "error_page.html",
    "error_page.url",
    "error_page.show_log_link",
    "flags",
];

/// Reads an uploaded file: an orgdesk JSON snapshot, or auth0-deploy-cli YAML.
///
/// # Errors
/// What is wrong with the file, on the field `file`, in words a person can act on. Every value
/// is checked by the model's own rules as it is read (names, colours, metadata).
pub fn parse(file: &str) -> Result<Parsed, ValidationError> {
    let invalid = |message: String| ValidationError {
        field: "file".into(),
        message,
    };
    if file.trim().is_empty() {
        return Err(invalid("The file is empty.".into()));
    }
    if file.trim_start().starts_with('{') {
        let snapshot: Snapshot = serde_json::from_str(file).map_err(|err| {
            invalid(format!(
                "This is not an orgdesk snapshot orgdesk can read: {err}."
            ))
        })?;
        if snapshot.format != FORMAT {
            return Err(invalid(format!(
                "This snapshot's format is “{}”; this orgdesk reads “{FORMAT}”.",
                snapshot.format
            )));
        }
        let whole_tenant = snapshot.tenant.is_some();
        return Ok(Parsed {
            tenant_fields: if whole_tenant {
                TENANT_FIELDS.to_vec()
            } else {
                Vec::new()
            },
            snapshot,
            source: Source::Json,
            whole_tenant,
            members: true,
            ids: true,
            notes: Vec::new(),
        });
    }
    deploy_cli::parse(file).map_err(invalid)
}
