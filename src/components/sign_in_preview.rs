//! An imitation of Auth0's Universal Login box, painted with an organization's branding.

use leptos::html;
use leptos::prelude::*;
use orgdesk_model::contrast::text_color_on;
use orgdesk_model::org::initials;
use orgdesk_model::Color;

/// What became of the logo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoStatus {
    /// No logo address.
    Missing,
    /// Still loading.
    Loading,
    /// Loaded, with its natural size in pixels.
    Loaded(u32, u32),
    /// The address did not give an image.
    Failed,
}

/// The sign-in box the organization's users will see.
#[component]
pub fn SignInPreview(
    /// The logo address, if any.
    #[prop(into)]
    logo: Signal<Option<String>>,
    /// The primary colour (button, links).
    #[prop(into)]
    primary: Signal<Color>,
    /// The page background.
    #[prop(into)]
    background: Signal<Color>,
    /// The organization's display name.
    #[prop(into)]
    org_name: Signal<String>,
    /// The application's name.
    #[prop(into)]
    app_name: Signal<String>,
    /// Phone-sized frame instead of desktop.
    #[prop(into)]
    mobile: Signal<bool>,
    /// The caption ("Edited", "Saved").
    caption: &'static str,
    /// Told what became of the logo.
    #[prop(optional)]
    on_logo: Option<Callback<LogoStatus>>,
) -> impl IntoView {
    let (status, set_status) = signal(LogoStatus::Missing);
    let img = NodeRef::<html::Img>::new();
    Effect::new(move || {
        let next = if logo.get().is_some() {
            LogoStatus::Loading
        } else {
            LogoStatus::Missing
        };
        set_status.set(next);
    });
    Effect::new(move || {
        let current = status.get();
        if let Some(report) = on_logo {
            report.run(current);
        }
    });
    let on_load = move |_| {
        if let Some(img) = img.get() {
            set_status.set(LogoStatus::Loaded(
                img.natural_width(),
                img.natural_height(),
            ));
        }
    };
    let show_image = move || matches!(status.get(), LogoStatus::Loading | LogoStatus::Loaded(..));
    view! {
        <figure class="od-preview" class:od-preview--mobile=mobile data-caption=caption>
            <figcaption class="od-preview__caption">{caption}</figcaption>
            <div class="od-preview__page" style:background-color=move || background.get().to_string()>
                <div class="od-preview__card">
                    <div class="od-preview__logo">
                        {move || logo.get().map(|src| view! {
                            <img
                                node_ref=img
                                class="od-preview__logo-img"
                                class:od-preview__logo-img--hidden=move || !show_image()
                                src=src
                                alt=""
                                referrerpolicy="no-referrer"
                                on:load=on_load
                                on:error=move |_| set_status.set(LogoStatus::Failed)
                            />
                        })}
                        <Show when=move || !show_image()>
                            <span class="od-preview__logo-placeholder"
                                style:background-color=move || primary.get().to_string()
                                style:color=move || text_color_on(&primary.get()).to_string()>
                                {move || initials(&org_name.get())}
                            </span>
                        </Show>
                    </div>
                    <h3 class="od-preview__title">"Welcome"</h3>
                    <p class="od-preview__lead">
                        {move || format!("Log in to {} to continue to {}.", org_name.get(), app_name.get())}
                    </p>
                    <div class="od-preview__input">"Email address*"</div>
                    <div class="od-preview__input">"Password*"</div>
                    <div
                        class="od-preview__button"
                        data-testid="preview-button"
                        style:background-color=move || primary.get().to_string()
                        style:color=move || text_color_on(&primary.get()).to_string()
                    >
                        "Continue"
                    </div>
                    <p class="od-preview__foot">
                        "Don’t have an account? "
                        <span class="od-preview__link" style:color=move || primary.get().to_string()>"Sign up"</span>
                    </p>
                </div>
            </div>
        </figure>
    }
}
