//! The tab bar of an organization's page; each tab is its own address.

use leptos::prelude::*;
use leptos_router::components::A;
use orgdesk_model::api::Capability;
use orgdesk_model::Me;

/// Links to the organization's tabs; `current` is marked for screen readers and styling.
#[component]
pub fn OrgTabs(
    /// The organization's base path (`/orgs/org_…`).
    base: String,
    /// The tab shown.
    current: &'static str,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can = |capability: Capability| me.as_ref().is_some_and(|m| m.can(capability));
    let tabs = [
        ("overview", "Overview", "", true),
        (
            "members",
            "Members",
            "/members",
            can(Capability::ReadMembers),
        ),
        (
            "invitations",
            "Invitations",
            "/invitations",
            can(Capability::ReadInvitations),
        ),
        (
            "connections",
            "Connections",
            "/connections",
            can(Capability::ReadConnections),
        ),
        (
            "domains",
            "Domains & SSO",
            "/domains",
            can(Capability::ReadDomains),
        ),
        ("branding", "Branding", "/branding", true),
        ("access", "Access", "/access", true),
    ];
    let tabs = tabs
        .into_iter()
        .filter(|(.., shown)| *shown)
        .map(|(key, label, suffix, _)| (key, label, suffix));
    view! {
        <nav class="od-tabs" aria-label="Organization">
            {tabs.into_iter().map(|(key, label, suffix)| {
                let href = format!("{base}{suffix}");
                view! {
                    <A href=href attr:class=if key == current { "od-tabs__tab od-tabs__tab--current" } else { "od-tabs__tab" } exact=true>
                        {label}
                    </A>
                }
            }).collect_view()}
        </nav>
    }
}
