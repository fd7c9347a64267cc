//! The branding studio: logo and colours on the left, a live sign-in preview on the right, and
//! the contrast report under the controls.

use leptos::prelude::*;
use orgdesk_model::api::Capability;
use orgdesk_model::input::{BrandingInput, ColorsInput, OrgPatchInput};
use orgdesk_model::{Color, LogoUrl, Me, Organization};

use crate::components::color_field::ColorField;
use crate::components::contrast_report::ContrastReport;
use crate::components::save_flow::SaveFlow;
use crate::components::sign_in_preview::{LogoStatus, SignInPreview};

/// Auth0's Universal Login colours when an organization sets none.
pub const DEFAULT_PRIMARY: &str = "#635dff";
/// Auth0's default page background.
pub const DEFAULT_BACKGROUND: &str = "#000000";
/// The application the sign-in page names.
pub const APP_NAME: &str = "My AI Application";
/// Logos smaller than this (either side) get a warning.
pub const LOGO_MIN_PX: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Edited,
    Saved,
    SideBySide,
}

/// The studio for one organization.
#[component]
pub fn BrandingStudio(
    /// The organization as stored.
    org: Organization,
    /// Shows it as saved.
    reload: Callback<Organization>,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can_edit = me.as_ref().is_some_and(|m| m.can(Capability::EditBranding));
    let saved = BrandingInput::from_branding(org.branding.as_ref());
    let saved_colors = saved.colors.clone().unwrap_or_default();
    let logo = RwSignal::new(saved.logo_url.clone().unwrap_or_default());
    let primary = RwSignal::new(saved_colors.primary.clone().unwrap_or_default());
    let background = RwSignal::new(saved_colors.page_background.clone().unwrap_or_default());

    let input = Memo::new(move |_| BrandingInput {
        logo_url: Some(logo.get()),
        colors: Some(ColorsInput {
            primary: Some(primary.get()),
            page_background: Some(background.get()),
        }),
    });
    let parsed = Memo::new(move |_| input.get().parse());
    let saved_parsed = saved.parse().ok().flatten();
    let changed = Memo::new(move |_| parsed.get().map(|b| b != saved_parsed).unwrap_or(true));
    let valid = Signal::derive(move || can_edit && parsed.get().is_ok() && changed.get());

    // The preview shows valid edits at once and keeps the saved value while a field is invalid.
    let color_or = |text: String, saved: Option<String>, default: &str| {
        Color::parse(text.trim())
            .ok()
            .or_else(|| saved.and_then(|s| Color::parse(&s).ok()))
            .or_else(|| Color::parse(default).ok())
            .unwrap_or_else(orgdesk_model::contrast::black)
    };
    let (sp, sb) = (
        saved_colors.primary.clone(),
        saved_colors.page_background.clone(),
    );
    let edited_primary =
        Signal::derive(move || color_or(primary.get(), sp.clone(), DEFAULT_PRIMARY));
    let edited_background =
        Signal::derive(move || color_or(background.get(), sb.clone(), DEFAULT_BACKGROUND));
    let saved_logo = saved.logo_url.clone();
    let edited_logo = Signal::derive(move || {
        let text = logo.get();
        match LogoUrl::parse(text.trim()) {
            Ok(url) => Some(url.to_string()),
            Err(_) if text.trim().is_empty() => None,
            Err(_) => saved_logo.clone(),
        }
    });
    let saved_primary = color_or(String::new(), saved_colors.primary.clone(), DEFAULT_PRIMARY);
    let saved_background = color_or(
        String::new(),
        saved_colors.page_background.clone(),
        DEFAULT_BACKGROUND,
    );
    let saved_logo = saved.logo_url.clone();

    let org_name = org.label().to_owned();
    let (logo_status, set_logo_status) = signal(LogoStatus::Missing);

    let patch = Signal::derive(move || OrgPatchInput {
        branding: Some(input.get()),
        ..OrgPatchInput::default()
    });
    let on_fix = Callback::new(move |(field, color): (&'static str, Color)| {
        if field == "primary" {
            primary.set(color.to_string());
        } else {
            background.set(color.to_string());
        }
    });
    let edited = Look {
        logo: edited_logo,
        primary: edited_primary,
        background: edited_background,
    };
    let saved = Look {
        logo: Signal::derive(move || saved_logo.clone()),
        primary: Signal::derive(move || saved_primary.clone()),
        background: Signal::derive(move || saved_background.clone()),
    };

    view! {
        <div class="od-studio">
            <section class="od-card od-studio__controls" aria-label="Branding controls">
                <h2 class="od-card__title">"Branding"</h2>
                {(!can_edit).then(|| view! { <p class="od-note">"You can look at this organization's branding; only its admins can change it."</p> })}
                <LogoField logo disabled=!can_edit status=logo_status/>
                <ColorField label="Primary colour" id="primary-color" value=primary disabled=!can_edit
                    help="Buttons and links on the sign-in page."/>
                <ColorField label="Page background" id="page-background" value=background disabled=!can_edit
                    help="Fills the page behind the sign-in box."/>
                <ContrastReport
                    primary=Signal::derive(move || Color::parse(primary.get().trim()).ok())
                    background=Signal::derive(move || Color::parse(background.get().trim()).ok())
                    on_fix
                />
                {can_edit.then(|| view! {
                    <SaveFlow org=org.clone() patch valid on_saved=reload label="Save branding"/>
                })}
                {me.as_ref().and_then(|m| m.try_sign_in.clone()).map(|base| view! {
                    <p class="od-field__help">
                        <a href=format!("{base}&organization={}", org.id) target="_blank" rel="noopener noreferrer">
                            "Try the real sign-in ↗"
                        </a>
                        " — opens this organization's Auth0 sign-in with the saved branding."
                    </p>
                })}
            </section>
            <PreviewPane edited saved org_name on_logo=Callback::new(move |status| set_logo_status.set(status))/>
        </div>
    }
}

/// What a sign-in preview shows: the logo and the two colours.
#[derive(Debug, Clone, Copy)]
struct Look {
    logo: Signal<Option<String>>,
    primary: Signal<Color>,
    background: Signal<Color>,
}

/// The logo's address, checked as it is typed, with what loading it found.
#[component]
fn LogoField(
    /// What is typed.
    logo: RwSignal<String>,
    /// Whether the person may only look.
    disabled: bool,
    /// What loading the logo in the preview found.
    status: ReadSignal<LogoStatus>,
) -> impl IntoView {
    let error = Memo::new(move |_| {
        let text = logo.get();
        let text = text.trim();
        (!text.is_empty())
            .then(|| LogoUrl::parse(text).err())
            .flatten()
            .map(|e| e.message)
    });
    let warning = move || {
        match status.get() {
        LogoStatus::Failed => Some(
            "The logo could not be loaded from this address; the sign-in page would show no logo."
                .to_owned(),
        ),
        LogoStatus::Loaded(w, h) if w < LOGO_MIN_PX || h < LOGO_MIN_PX => Some(format!(
            "The logo is {w}×{h} px; at least {LOGO_MIN_PX}×{LOGO_MIN_PX} px looks sharp on every screen."
        )),
        _ => None,
    }
    };
    let note = move || match status.get() {
        LogoStatus::Loaded(w, h) => format!("Loaded, {w}×{h} px."),
        LogoStatus::Loading => "Loading…".to_owned(),
        _ => "An https:// address of a PNG or SVG, shown at most 52 px high.".to_owned(),
    };
    view! {
        <div class="od-field">
            <label class="od-field__label" for="logo-url">"Logo URL"</label>
            <input id="logo-url" class="od-input od-input--wide" type="url" spellcheck="false"
                placeholder="https://…" class:od-input--invalid=move || error.get().is_some()
                disabled=disabled
                prop:value=move || logo.get() on:input=move |ev| logo.set(event_target_value(&ev))/>
            {move || match error.get() {
                Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                None => view! { <p class="od-field__help">{note()}</p> }.into_any(),
            }}
            {move || warning().map(|w| view! { <p class="od-field__warning" role="status">{w}</p> })}
        </div>
    }
}

/// The sign-in preview: desktop or mobile frame, the edited look, the saved one, or both.
#[component]
fn PreviewPane(
    /// The look as edited.
    edited: Look,
    /// The look as saved.
    saved: Look,
    /// The name the sign-in page greets with.
    org_name: String,
    /// Told what loading the edited logo found.
    on_logo: Callback<LogoStatus>,
) -> impl IntoView {
    let (mobile, set_mobile) = signal(false);
    let (compare, set_compare) = signal(Compare::Edited);
    let name = Signal::derive(move || org_name.clone());
    let app_name = Signal::derive(|| APP_NAME.to_owned());
    let toggle = move |value: Compare, label: &'static str| {
        view! {
            <button type="button" class="od-segmented__item" aria-pressed=move || (compare.get() == value).to_string()
                on:click=move |_| set_compare.set(value)>{label}</button>
        }
    };
    view! {
        <section class="od-studio__preview" aria-label="Sign-in preview">
            <div class="od-studio__toolbar">
                <div class="od-segmented" role="group" aria-label="Frame">
                    <button type="button" class="od-segmented__item" aria-pressed=move || (!mobile.get()).to_string()
                        on:click=move |_| set_mobile.set(false)>"Desktop"</button>
                    <button type="button" class="od-segmented__item" aria-pressed=move || mobile.get().to_string()
                        on:click=move |_| set_mobile.set(true)>"Mobile"</button>
                </div>
                <div class="od-segmented" role="group" aria-label="Version">
                    {toggle(Compare::Edited, "Edited")}
                    {toggle(Compare::Saved, "Saved")}
                    {toggle(Compare::SideBySide, "Side by side")}
                </div>
            </div>
            <div class="od-studio__frames" class:od-studio__frames--split=move || compare.get() == Compare::SideBySide>
                <Show when=move || compare.get() != Compare::Saved>
                    <SignInPreview
                        logo=edited.logo primary=edited.primary background=edited.background
                        org_name=name app_name mobile caption="Edited" on_logo
                    />
                </Show>
                <Show when=move || compare.get() != Compare::Edited>
                    <SignInPreview
                        logo=saved.logo primary=saved.primary background=saved.background
                        org_name=name app_name mobile caption="Saved"
                    />
                </Show>
            </div>
        </section>
    }
}
