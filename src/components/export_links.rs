//! Links that download the configuration as code, one per format.

use leptos::prelude::*;
use orgdesk_model::snapshot::ExportFormat;
use orgdesk_model::OrgId;

use crate::api;

/// The four export formats as download links: the whole tenant, or one organization.
#[component]
pub fn ExportLinks(
    /// The organization to export; the whole tenant when absent.
    #[prop(default = None)]
    org: Option<OrgId>,
) -> impl IntoView {
    view! {
        <ul class="od-export__list">
            {ExportFormat::ALL
                .into_iter()
                .map(|format| {
                    let href = api::export::download_url(format, org.as_ref());
                    view! {
                        <li class="od-export__item">
                            // A download, not a screen: `download` keeps the router out of it.
                            <a class="od-export__link" href=href download="" rel="external" data-format=format.as_str()>
                                {format.label()}
                            </a>
                            <span class="od-export__help">{format.description()}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A disclosure in an organization's header that opens its export links.
#[component]
pub fn ExportMenu(
    /// The organization to export.
    org: OrgId,
) -> impl IntoView {
    view! {
        <details class="od-export">
            <summary class="od-button od-export__summary">"Export as code"</summary>
            <div class="od-export__panel">
                <ExportLinks org=Some(org)/>
            </div>
        </details>
    }
}
