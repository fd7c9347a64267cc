//! An organization's logo, or its initials on its brand colour when there is no logo or the logo
//! does not load — never a broken image.

use leptos::prelude::*;
use orgdesk_model::Organization;

/// The org's logo or initials.
#[component]
pub fn OrgAvatar(
    /// The organization.
    org: Organization,
    /// `sm` in tables, `lg` in page headers.
    #[prop(default = "sm")]
    size: &'static str,
) -> impl IntoView {
    let (loaded, set_loaded) = signal(false);
    let (failed, set_failed) = signal(false);
    let initials = org.initials();
    let color = org.primary_color().map(ToString::to_string);
    let has_color = color.is_some();
    let logo = org.logo_url().map(ToString::to_string);
    view! {
        <span
            class=format!("od-avatar od-avatar--{size}")
            class:od-avatar--branded=has_color
            class:od-avatar--loaded=loaded
            style:background-color=color
            aria-hidden="true"
        >
            <span class="od-avatar__initials">{initials}</span>
            {logo.map(|src| view! {
                <Show when=move || !failed.get()>
                    <img
                        class="od-avatar__img"
                        src=src.clone()
                        alt=""
                        referrerpolicy="no-referrer"
                        on:load=move |_| set_loaded.set(true)
                        on:error=move |_| set_failed.set(true)
                    />
                </Show>
            })}
        </span>
    }
}
