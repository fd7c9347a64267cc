//! The audit log: every change made through orgdesk, newest first, filterable.

use leptos::prelude::*;
use leptos_router::components::A;
use orgdesk_model::api::{AuditAction, AuditEntry, CursorPage};
use orgdesk_model::{Me, Role};

use crate::api;
use crate::api::audit::AuditQuery;
use crate::components::diff_view::ChangeList;
use crate::components::error_view::ErrorView;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;
use crate::hooks::{mutation, Debounce};

fn format_time(seconds: i64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0));
    String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The audit screen.
#[component]
pub fn AuditPage() -> impl IntoView {
    let me = use_context::<Me>();
    let platform = me.as_ref().is_some_and(|m| m.role == Role::PlatformAdmin);
    let org_filter = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let query = RwSignal::new(AuditQuery::default());
    let debounce = Debounce::new();
    // Text filters apply once typing pauses, the action filter at once.
    let schedule = move || {
        debounce.run(move || {
            query.set(AuditQuery {
                org_id: org_filter.get_untracked(),
                actor: actor.get_untracked(),
                action: action.get_untracked(),
                before: None,
                since: since.get_untracked(),
                until: until.get_untracked(),
            });
        });
    };
    let extra = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let first_page = LocalResource::new(move || {
        extra.set(Vec::new());
        api::audit::list(query.get())
    });
    let more = mutation(
        "Not loaded",
        move |cursor: String| {
            let mut q = query.get_untracked();
            q.before = Some(cursor);
            api::audit::list(q)
        },
        move |page: &CursorPage<AuditEntry>| {
            extra.update(|e| e.extend(page.items.iter().cloned()));
            next.set(page.next.clone());
            None
        },
    );
    view! {
        <PageHeader title="Audit"/>
        <div class="od-toolbar od-toolbar--filters">
            {platform.then(|| view! {
                <input class="od-input" placeholder="Organization id" aria-label="Filter by organization id"
                    prop:value=move || org_filter.get() on:input=move |ev| { org_filter.set(event_target_value(&ev)); schedule(); }/>
            })}
            <input class="od-input" placeholder="Person (email)" aria-label="Filter by person"
                prop:value=move || actor.get() on:input=move |ev| { actor.set(event_target_value(&ev)); schedule(); }/>
            <select class="od-input" aria-label="Filter by action" on:change=move |ev| { action.set(event_target_value(&ev)); schedule(); }>
                <option value="">"All actions"</option>
                {AuditAction::ALL
                    .into_iter()
                    .map(|a| view! { <option value=a.as_str().to_owned()>{a.label().to_owned()}</option> })
                    .collect_view()}
            </select>
            <label class="od-toolbar__date">"From"
                <input class="od-input" type="date" aria-label="From day"
                    prop:value=move || since.get() on:change=move |ev| { since.set(event_target_value(&ev)); schedule(); }/>
            </label>
            <label class="od-toolbar__date">"To"
                <input class="od-input" type="date" aria-label="To day"
                    prop:value=move || until.get() on:change=move |ev| { until.set(event_target_value(&ev)); schedule(); }/>
            </label>
            <a class="od-button" data-testid="export-csv" download="orgdesk-audit.csv"
                href=move || api::audit::csv_url(&query.get())>"Export CSV"</a>
        </div>
        <Transition fallback=|| view! { <TableSkeleton/> }>
            {move || Suspend::new(async move {
                match first_page.await {
                    Ok(page) => {
                        next.set(page.next.clone());
                        let first = page.items;
                        if first.is_empty() {
                            return view! {
                                <section class="od-card od-empty">
                                    <div class="od-empty__icon" aria-hidden="true">"☰"</div>
                                    <h2 class="od-empty__title">"No changes recorded"</h2>
                                    <p class="od-empty__text">"Every change made through orgdesk appears here: who, where, what, and the outcome."</p>
                                </section>
                            }.into_any();
                        }
                        view! {
                            <div class="od-audit">
                                {first.into_iter().map(|entry| view! { <AuditRow entry/> }).collect_view()}
                                {move || extra.get().into_iter().map(|entry| view! { <AuditRow entry/> }).collect_view()}
                            </div>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || next.get().is_some()>
            <div class="od-pager">
                <button class="od-button" aria-disabled=more.busy()
                    on:click=move |_| { if let Some(cursor) = next.get() { more.dispatch(cursor); } }>
                    {move || if more.pending().get() { "Loading…" } else { "Load older records" }}
                </button>
            </div>
        </Show>
    }
}

/// One record.
#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let ok = entry.outcome == "ok";
    view! {
        <article class="od-card od-audit__entry" data-action=entry.action.to_string()>
            <header class="od-audit__head">
                <span class="od-audit__action">{entry.action.label().to_owned()}</span>
                {entry.org_id.clone().map(|id| view! { <A href=format!("/orgs/{id}") attr:class="od-audit__org"><code>{id.clone()}</code></A> })}
                <span class=if ok { "od-badge od-badge--ok" } else { "od-badge od-badge--fail" }>{entry.outcome.clone()}</span>
                <span class="od-audit__meta">
                    {entry.actor_email.clone()}" · "{entry.actor_role.replace('_', " ")}" · "{format_time(entry.at)}
                </span>
            </header>
            {if entry.action == AuditAction::Denied {
                // A refusal changed nothing: say what was asked for, not a before and after.
                let asked = entry
                    .changes
                    .iter()
                    .find_map(|c| c.after.clone())
                    .unwrap_or_default();
                view! { <p class="od-audit__attempt">"Asked for "<code>{asked}</code>" — refused, nothing was changed."</p> }.into_any()
            } else {
                view! { <ChangeList changes=entry.changes.clone()/> }.into_any()
            }}
            {entry.request_id.clone().map(|id| view! { <p class="od-audit__request">"Request "<code>{id}</code></p> })}
        </article>
    }
}
