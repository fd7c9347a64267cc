//! Screens whose content is still to come, saying what they will hold.

use leptos::prelude::*;

use crate::components::page_header::PageHeader;

#[component]
fn Upcoming(
    title: &'static str,
    what: &'static str,
    items: &'static [&'static str],
) -> impl IntoView {
    view! {
        <PageHeader title=title/>
        <section class="od-card od-upcoming">
            <h2 class="od-card__title">"Coming to this screen"</h2>
            <p class="od-muted">{what}</p>
            <ul class="od-upcoming__list">
                {items.iter().map(|item| view! { <li>{*item}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// Tenant settings.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Upcoming
            title="Settings"
            what="The tenant's own settings, shared by every organization."
            items=&["Friendly name, logo, support email and URL", "The custom error page", "Tenant flags"]
        />
    }
}
