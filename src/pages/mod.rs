//! One module per screen.

pub mod apis;
pub mod audit;
pub mod branding;
pub mod bulk_invite;
pub mod connections;
pub mod domains;
pub mod import;
pub mod invitations;
pub mod members;
pub mod not_found;
pub mod org_access;
pub mod org_detail;
pub mod org_m2m;
pub mod orgs;
pub mod roles;
pub mod settings;
pub mod users;
