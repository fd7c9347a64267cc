//! orgdesk's domain: organizations, their branding and metadata, and every validation rule,
//! shared by the browser app and the proxy so that a rule is written once and enforced twice.
#![warn(missing_docs)]

pub mod api;
pub mod apis;
pub mod bulk;
pub mod claims;
pub mod contrast;
pub mod diff;
pub mod domains;
pub mod import;
pub mod input;
pub mod m2m;
pub mod members;
pub mod org;
pub mod roles;
pub mod schema;
pub mod snapshot;
pub mod sso;
pub mod tenant;
pub mod users;
pub mod validate;

pub use api::{ErrorBody, Me, MeUser, Mode, Page, Role};
pub use org::{Branding, Colors, Organization};
pub use validate::{
    Color, DisplayName, LogoUrl, Metadata, OrgId, OrgName, ValidationError, METADATA_MAX_KEYS,
    METADATA_MAX_VALUE_LEN,
};
