//! Configuration as code: where the exports are downloaded from.

use orgdesk_model::snapshot::ExportFormat;
use orgdesk_model::OrgId;

/// The address of an export: the whole tenant, or one organization. The browser downloads it
/// with the session cookie, like any page.
#[must_use]
pub fn download_url(format: ExportFormat, org: Option<&OrgId>) -> String {
    match org {
        Some(org) => format!("/api/export?format={}&org_id={org}", format.as_str()),
        None => format!("/api/export?format={}", format.as_str()),
    }
}
