//! Tenant settings (platform admins): name, logo, support contacts and the custom error page,
//! checked as typed, saved after a review of the changes; the tenant's flags, read-only.

use leptos::prelude::*;
use leptos_router::components::A;
use orgdesk_model::tenant::{ErrorPage, TenantSettings, TenantSettingsInput};
use orgdesk_model::validate::ValidationError;

use crate::api;
use crate::components::diff_view::ReviewDialog;
use crate::components::error_view::ErrorView;
use crate::components::export_links::ExportLinks;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;
use crate::components::text_field::{InputKind, TextField};
use crate::hooks::mutation_with_errors;

/// The Settings screen.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let settings = LocalResource::new(move || {
        version.track();
        api::tenant::settings()
    });
    view! {
        <PageHeader title="Settings"/>
        <p class="od-muted od-page-lead">"The tenant's own settings, shared by every organization: what people see on the sign-in page, in emails and when sign-in fails."</p>
        <Transition fallback=|| view! { <TableSkeleton rows=6/> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(current) => view! {
                        <SettingsForm current reload=Callback::new(move |()| version.update(|v| *v += 1))/>
                    }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The first rule the typed settings break, shown beside its field.
#[derive(Debug, Clone, Copy)]
struct FieldErrors(Memo<Option<ValidationError>>);

impl FieldErrors {
    /// The message for `field`, while it breaks a rule.
    fn of(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.0.get().filter(|e| e.field == field).map(|e| e.message))
    }
}

#[component]
fn SettingsForm(current: TenantSettings, reload: Callback<()>) -> impl IntoView {
    let stored = StoredValue::new(current.clone());
    let name = RwSignal::new(current.friendly_name.clone());
    let picture = RwSignal::new(current.picture_url.clone());
    let email = RwSignal::new(current.support_email.clone());
    let url = RwSignal::new(current.support_url.clone());
    let page_html = RwSignal::new(current.error_page.html.clone());
    let page_url = RwSignal::new(current.error_page.url.clone());
    let log_link = RwSignal::new(current.error_page.show_log_link);
    // Only what differs from the stored settings is sent.
    let change = Memo::new(move |_| {
        let stored = stored.get_value();
        let differs = |typed: String, saved: &str| (typed.trim() != saved).then_some(typed);
        let page = ErrorPage {
            html: page_html.get(),
            url: page_url.get(),
            show_log_link: log_link.get(),
        };
        TenantSettingsInput {
            friendly_name: differs(name.get(), &stored.friendly_name),
            picture_url: differs(picture.get(), &stored.picture_url),
            support_email: differs(email.get(), &stored.support_email),
            support_url: differs(url.get(), &stored.support_url),
            error_page: (page != stored.error_page).then_some(page),
            flags: None,
        }
    });
    let parsed = Memo::new(move |_| change.get().parse());
    let errors = FieldErrors(Memo::new(move |_| parsed.get().err()));
    let changes = Memo::new(move |_| match parsed.get() {
        Ok(change) => {
            let before = stored.get_value();
            before.changes(&before.apply(&change))
        }
        Err(_) => Vec::new(),
    });
    let reviewing = RwSignal::new(false);
    let save = mutation_with_errors(
        "Not saved",
        api::tenant::update,
        move |saved: &TenantSettings| {
            reviewing.set(false);
            stored.set_value(saved.clone());
            reload.run(());
            Some("Settings saved".to_owned())
        },
        move |_| {
            reviewing.set(false);
            false
        },
    );
    let close = Callback::new(move |()| reviewing.set(false));
    let flags: Vec<(String, bool)> = current.flags.into_iter().collect();
    view! {
        <div class="od-settings">
            <IdentitySection name picture email url errors/>
            <ErrorPageSection page_url page_html log_link errors/>
            <div class="od-save">
                <button class="od-button od-button--primary" data-testid="save"
                    disabled=move || parsed.get().is_err() || changes.get().is_empty() aria-disabled=save.busy()
                    on:click=move |_| reviewing.set(true)>
                    "Save settings"
                </button>
                {move || reviewing.get().then(|| view! {
                    <ReviewDialog lead="You are about to change the tenant's settings:" changes=changes.get()
                        pending=save.pending() on_close=close
                        on_confirm=Callback::new(move |()| {
                            if let Ok(change) = parsed.get_untracked() {
                                save.dispatch(change);
                            }
                        })/>
                })}
            </div>
            <FlagsSection flags/>
            <section class="od-card od-section" aria-labelledby="export-title">
                <h2 class="od-card__title" id="export-title">"Configuration as code"</h2>
                <p class="od-muted">"The whole tenant — settings, APIs, roles, organizations with their connections and members, and the members' users (never their passwords) — as code to keep in a repository. Invitations have no resource in these tools; each download lists them in invitations.csv."</p>
                <ExportLinks/>
                <p class="od-muted">"To bring a file back, or to compare the tenant with one: " <A href="/import">"Import & export"</A>"."</p>
            </section>
        </div>
    }
}

/// The tenant's name, logo and where people find help.
#[component]
fn IdentitySection(
    name: RwSignal<String>,
    picture: RwSignal<String>,
    email: RwSignal<String>,
    url: RwSignal<String>,
    errors: FieldErrors,
) -> impl IntoView {
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Identity and support"</h2>
            <TextField id="friendly-name" label="Name" help="Shown on the sign-in page and in emails; 1–255 characters."
                value=name error=errors.of("friendly_name")/>
            <div class="od-settings__logo">
                <TextField id="picture-url" label="Logo" help="An https:// address of the tenant's logo."
                    value=picture error=errors.of("picture_url") kind=InputKind::Url/>
                {move || {
                    let src = picture.get();
                    (src.starts_with("https://") && errors.of("picture_url").get().is_none())
                        .then(|| view! { <img class="od-settings__logo-preview" src=src alt="Logo preview"/> })
                }}
            </div>
            <TextField id="support-email" label="Support email" help="Where people write when sign-in does not work."
                value=email error=errors.of("support_email") kind=InputKind::Email/>
            <TextField id="support-url" label="Support page" help="An https:// page with help for people who cannot sign in."
                value=url error=errors.of("support_url") kind=InputKind::Url/>
        </section>
    }
}

/// What Auth0 shows when sign-in fails.
#[component]
fn ErrorPageSection(
    page_url: RwSignal<String>,
    page_html: RwSignal<String>,
    log_link: RwSignal<bool>,
    errors: FieldErrors,
) -> impl IntoView {
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Custom error page"</h2>
            <p class="od-muted">"What Auth0 shows when sign-in fails: a page of your own (redirect), or this HTML."</p>
            <TextField id="error-url" label="Redirect to" help="Leave empty to show the HTML below instead."
                value=page_url error=errors.of("error_page.url") kind=InputKind::Url/>
            <div class="od-field">
                <label class="od-field__label" for="error-html">"HTML"</label>
                <textarea id="error-html" class="od-input od-textarea" rows="6" spellcheck="false"
                    prop:value=move || page_html.get() on:input=move |ev| page_html.set(event_target_value(&ev))></textarea>
                {move || match errors.of("error_page.html").get() {
                    Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                    None => view! { <p class="od-field__help">"Liquid HTML; at most 32 KB."</p> }.into_any(),
                }}
            </div>
            <label class="od-check">
                <input type="checkbox" prop:checked=move || log_link.get()
                    on:change=move |ev| log_link.set(event_target_checked(&ev))/>
                "Show a link to the sign-in log on the error page"
            </label>
        </section>
    }
}

/// The tenant's flags, read-only.
#[component]
fn FlagsSection(flags: Vec<(String, bool)>) -> impl IntoView {
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Tenant flags"</h2>
            <p class="od-muted">"Shown for reference; change them in the Auth0 dashboard."</p>
            {if flags.is_empty() {
                view! { <p class="od-muted">"No flags are set."</p> }.into_any()
            } else {
                view! {
                    <ul class="od-flags">
                        {flags.into_iter().map(|(flag, on)| view! {
                            <li class="od-flags__row">
                                <code>{flag}</code>
                                <span class=if on { "od-badge od-badge--ok" } else { "od-badge" }>{if on { "on" } else { "off" }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
