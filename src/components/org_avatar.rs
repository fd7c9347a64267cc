//! An organization's logo, or its initials on its brand colour when there is no logo or the logo
//! does not load — never a broken image.

use leptos::prelude::*;
use orgdesk_model::contrast::text_color_on;
use orgdesk_model::Organization;

/// How large an avatar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AvatarSize {
    /// In table rows.
    #[default]
    Small,
    /// In page headers.
    Large,
}

impl AvatarSize {
    fn class(self) -> &'static str {
        match self {
            Self::Small => "od-avatar od-avatar--sm",
            Self::Large => "od-avatar od-avatar--lg",
        }
    }
}

/// The org's logo or initials.
#[component]
pub fn OrgAvatar(
    /// The organization.
    org: Organization,
    /// Small in tables, large in page headers.
    #[prop(optional)]
    size: AvatarSize,
) -> impl IntoView {
    let (loaded, set_loaded) = signal(false);
    let (failed, set_failed) = signal(false);
    let initials = org.initials();
    // The initials in white or black, whichever reads on the org's colour.
    let ink = org.primary_color().map(|c| text_color_on(c).to_string());
    let color = org.primary_color().map(ToString::to_string);
    let has_color = color.is_some();
    let logo = org.logo_url().map(ToString::to_string);
    view! {
        <span
            class=size.class()
            class:od-avatar--branded=has_color
            class:od-avatar--loaded=loaded
            style:background-color=color
            style:color=ink
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
