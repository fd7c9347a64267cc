//! One module per screen.

pub mod not_found;
pub mod org_detail;
pub mod orgs;
pub mod upcoming;
