//! The organization list: search as you type, paging, a row per org with its colour and logo.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use orgdesk_model::api::Capability;
use orgdesk_model::input::{BrandingInput, ColorsInput, NewOrgInput};
use orgdesk_model::{Color, DisplayName, Me, OrgName, Organization, Page};

use crate::api;
use crate::components::error_view::ErrorView;
use crate::components::modal::Modal;
use crate::components::org_avatar::OrgAvatar;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;
use crate::components::swatch::Swatch;
use crate::hooks::{mutation_with_errors, Debounce};
use crate::lazy::{create_org, Lazy, Loading};
use crate::org_cache::OrgCache;

/// Rows per page.
pub const PER_PAGE: u32 = 20;

/// Every organization the person may see, searchable and paged.
#[component]
pub fn OrgList() -> impl IntoView {
    let (query, set_query) = signal(String::new());
    let (page, set_page) = signal(0u32);
    let (searching, set_searching) = signal(false);
    let debounce = Debounce::new();

    let on_input = move |ev| {
        let text = event_target_value(&ev);
        debounce.run(move || {
            set_page.set(0);
            set_query.set(text);
        });
    };

    // What the list shows is kept, so that opening one of them needs no further call.
    let cache = OrgCache::get();
    let orgs = LocalResource::new(move || {
        let list = api::orgs::list_page(query.get(), page.get(), PER_PAGE);
        async move {
            let page = list.await?;
            if let Some(c) = cache {
                c.put(page.items.iter().cloned());
            }
            Ok(page)
        }
    });
    // Lives as long as the page, not as long as one load's view, so the pager can read it.
    let total = Memo::new(move |_| {
        orgs.get()
            .and_then(|result| result.ok().map(|page| page.total))
            .unwrap_or(0)
    });

    let can_create = use_context::<Me>().is_some_and(|m| m.can(Capability::CreateOrg));
    let (creating, set_creating) = signal(false);
    view! {
        <PageHeader title="Organizations">
            {can_create.then(|| view! {
                <button class="od-button od-button--primary" on:click=move |_| set_creating.set(true)>"New organization"</button>
            })}
        </PageHeader>
        <Show when=move || creating.get()>
            <Lazy load=Callback::new(move |()| -> Loading { Box::pin(create_org(Callback::new(move |()| set_creating.set(false)))) })/>
        </Show>
        <div class="od-toolbar">
            <label class="od-search">
                <span class="od-visually-hidden">"Search organizations"</span>
                <span class="od-search__icon" aria-hidden="true">"⌕"</span>
                <input
                    class="od-input od-search__input"
                    type="search"
                    placeholder="Search by name or display name"
                    autocomplete="off"
                    on:input=on_input
                />
                <Show when=move || searching.get()>
                    <span class="od-search__spinner" aria-label="Searching"></span>
                </Show>
            </label>
        </div>
        <Transition fallback=|| view! { <TableSkeleton/> } set_pending=set_searching>
            {move || Suspend::new(async move {
                match orgs.await {
                    Ok(result) => {
                        crate::lazy::screen_shown();
                        view! { <OrgTable page=result query=query.get_untracked()/> }.into_any()
                    }
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || { total.get() > 0 }>
            <Pager page set_page total/>
        </Show>
    }
}

/// The table of one page of organizations.
#[component]
pub fn OrgTable(
    /// The page to show.
    page: Page<Organization>,
    /// The search it answers, for the empty state.
    query: String,
) -> impl IntoView {
    if page.items.is_empty() {
        let text = if query.trim().is_empty() {
            "No organizations yet. Each customer of the AI product becomes one.".to_owned()
        } else {
            format!(
                "No organization’s name or display name contains “{}”.",
                query.trim()
            )
        };
        return view! {
            <section class="od-card od-empty">
                <div class="od-empty__icon" aria-hidden="true">"▦"</div>
                <h2 class="od-empty__title">"No organizations found"</h2>
                <p class="od-empty__text">{text}</p>
            </section>
        }
        .into_any();
    }
    let navigate = use_navigate();
    view! {
        <div class="od-card od-card--flush">
            <table class="od-table">
                <thead>
                    <tr>
                        <th scope="col">"Organization"</th>
                        <th scope="col">"Primary colour"</th>
                        <th scope="col" class="od-col--wide-only">"ID"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|org| {
                        let href = format!("/orgs/{}", org.id);
                        let go = {
                            let navigate = navigate.clone();
                            let href = href.clone();
                            move |_| navigate(&href, Default::default())
                        };
                        let label = org.label().to_owned();
                        let name = org.name.to_string();
                        let data_org = name.clone();
                        let id = org.id.to_string();
                        let color = org.primary_color().cloned();
                        view! {
                            <tr class="od-table__row od-table__row--link" data-org=data_org on:click=go>
                                <td>
                                    <div class="od-org-cell">
                                        <OrgAvatar org/>
                                        <div class="od-org-cell__text">
                                            <A href=href attr:class="od-org-cell__name">{label}</A>
                                            <span class="od-org-cell__slug">{name}</span>
                                        </div>
                                    </div>
                                </td>
                                <td><Swatch color with_label=true/></td>
                                <td class="od-col--wide-only"><code class="od-id">{id}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "1–20 of 57" with previous and next.
#[component]
fn Pager(
    /// The current page, from 0.
    page: ReadSignal<u32>,
    /// Changes the page.
    set_page: WriteSignal<u32>,
    /// Rows in all.
    #[prop(into)]
    total: Signal<u64>,
) -> impl IntoView {
    let first = move || u64::from(page.get()) * u64::from(PER_PAGE);
    let last = move || (first() + u64::from(PER_PAGE)).min(total.get());
    let has_next = move || last() < total.get();
    view! {
        <nav class="od-pager" aria-label="Pages">
            <span class="od-pager__range">
                {move || if total.get() == 0 { String::new() } else { format!("{}–{} of {}", first() + 1, last(), total.get()) }}
            </span>
            <button class="od-button od-button--ghost" disabled=move || page.get() == 0
                on:click=move |_| set_page.update(|p| *p = p.saturating_sub(1))>"← Previous"</button>
            <button class="od-button od-button--ghost" disabled=move || !has_next()
                on:click=move |_| set_page.update(|p| *p += 1)>"Next →"</button>
        </nav>
    }
}

/// The form that creates an organization (platform admins).
#[component]
pub fn CreateOrg(
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let primary = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let server_error = RwSignal::new(None::<(Option<String>, String)>);
    let name_error = Memo::new(move |_| {
        let text = name.get();
        if text.is_empty() && !touched.get() {
            return None;
        }
        OrgName::parse(text.trim()).err().map(|e| e.message)
    });
    let display_error = Memo::new(move |_| {
        let text = display.get();
        (!text.is_empty())
            .then(|| DisplayName::parse(&text).err())
            .flatten()
            .map(|e| e.message)
    });
    let primary_error = Memo::new(move |_| {
        let text = primary.get();
        (!text.trim().is_empty())
            .then(|| Color::parse(text.trim()).err())
            .flatten()
            .map(|e| e.message)
    });
    let field_error = move |field: &'static str| {
        server_error.with(|e| {
            e.as_ref()
                .and_then(|(f, m)| (f.as_deref() == Some(field)).then(|| m.clone()))
        })
    };
    let valid = move || {
        OrgName::parse(name.get().trim()).is_ok()
            && display_error.get().is_none()
            && primary_error.get().is_none()
    };
    let navigate = use_navigate();
    let create = mutation_with_errors(
        "Not created",
        crate::api::orgs::create,
        move |org: &Organization| {
            navigate(&format!("/orgs/{}", org.id), Default::default());
            Some(format!("Created {}", org.label()))
        },
        move |err| {
            server_error.set(Some((err.field.clone(), err.message.clone())));
            true
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if !valid() {
            return;
        }
        server_error.set(None);
        let primary = primary.get().trim().to_owned();
        create.dispatch(NewOrgInput {
            name: name.get().trim().to_owned(),
            display_name: Some(display.get()).filter(|d| !d.trim().is_empty()),
            branding: (!primary.is_empty()).then_some(BrandingInput {
                logo_url: None,
                colors: Some(ColorsInput {
                    primary: Some(primary),
                    page_background: None,
                }),
            }),
            metadata: Default::default(),
        });
    };
    view! {
        <Modal title="New organization" on_close>
            <form on:submit=submit novalidate>
                <div class="od-field">
                    <label class="od-field__label" for="new-name">"Name"</label>
                    <input id="new-name" class="od-input od-input--wide" autocomplete="off" spellcheck="false" placeholder="acme-robotics"
                        class:od-input--invalid=move || name_error.get().is_some() || field_error("name").is_some()
                        prop:value=move || name.get()
                        on:input=move |ev| { name.set(event_target_value(&ev)); server_error.set(None); }
                        on:blur=move |_| touched.set(true)/>
                    {move || match name_error.get().or_else(|| field_error("name")) {
                        Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                        None => view! { <p class="od-field__help">"Used in URLs and at sign-in: lower-case letters, digits, “-” and “_”, up to 50."</p> }.into_any(),
                    }}
                </div>
                <div class="od-field">
                    <label class="od-field__label" for="new-display">"Display name"</label>
                    <input id="new-display" class="od-input od-input--wide" placeholder="Acme Robotics"
                        prop:value=move || display.get() on:input=move |ev| display.set(event_target_value(&ev))/>
                    {move || display_error.get().map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                </div>
                <div class="od-field">
                    <label class="od-field__label" for="new-primary">"Primary colour (optional)"</label>
                    <input id="new-primary" class="od-input od-color__hex" placeholder="#635dff" maxlength="7"
                        prop:value=move || primary.get() on:input=move |ev| primary.set(event_target_value(&ev))/>
                    {move || primary_error.get().map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                </div>
                {move || server_error.get().filter(|(f, _)| f.as_deref() != Some("name")).map(|(_, m)| view! { <p class="od-field__error" role="alert">{m}</p> })}
                <div class="od-modal__actions">
                    <button type="button" class="od-button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="od-button od-button--primary" disabled=move || !valid() aria-disabled=create.busy()>
                        {move || if create.pending().get() { "Creating…" } else { "Create organization" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
