//! APIs (platform admins): the AI product's APIs and the permissions they define — what an
//! access token may carry, and so what roles and machine-to-machine applications can be given.
//! Create one, change its name, token lifetime and permissions after a review, delete it after
//! typing its identifier. The directory's own API is listed, never changed.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use orgdesk_model::api::Capability;
use orgdesk_model::apis::{
    permission_value, Api, ApiPatchInput, ApiPermission, NewApiInput, TOKEN_LIFETIME_DEFAULT,
};
use orgdesk_model::validate::ValidationError;
use orgdesk_model::Me;

use crate::api;
use crate::components::confirm_typed::DangerZone;
use crate::components::diff_view::ReviewDialog;
use crate::components::error_view::ErrorView;
use crate::components::modal::Modal;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::{DetailSkeleton, TableSkeleton};
use crate::components::text_field::TextField;
use crate::hooks::{mutation, mutation_with_errors};
use crate::pages::not_found::NotFound;

fn can(capability: Capability) -> bool {
    use_context::<Me>().is_some_and(|me| me.can(capability))
}

/// A token lifetime in words: `86400` is "1 day".
fn lifetime_words(seconds: u32) -> String {
    let plural = |n: u32, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match seconds {
        s if s % 86_400 == 0 => plural(s / 86_400, "day"),
        s if s % 3_600 == 0 => plural(s / 3_600, "hour"),
        s if s % 60 == 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

/// The APIs screen.
#[component]
pub fn ApisPage() -> impl IntoView {
    let apis = LocalResource::new(api::apis::list);
    let creating = RwSignal::new(false);
    let navigate = use_navigate();
    view! {
        <PageHeader title="APIs">
            {can(Capability::ManageApis).then(|| view! {
                <button class="od-button od-button--primary" on:click=move |_| creating.set(true)>"New API"</button>
            })}
        </PageHeader>
        <p class="od-muted od-page-lead">"The APIs the AI product's tokens are for, and the permissions each defines. Roles and machine-to-machine applications are given these permissions; a token carries those it was granted."</p>
        <Transition fallback=|| view! { <TableSkeleton rows=3/> }>
            {move || Suspend::new(async move {
                match apis.await {
                    Ok(apis) => view! { <ApiTable apis/> }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            {
                let navigate = navigate.clone();
                view! {
                    <CreateApi on_close=Callback::new(move |created: Option<Api>| {
                        creating.set(false);
                        if let Some(api) = created {
                            navigate(&format!("/apis/{}", api::encode(&api.id)), Default::default());
                        }
                    })/>
                }
            }
        </Show>
    }
}

#[component]
fn ApiTable(apis: Vec<Api>) -> impl IntoView {
    view! {
        <div class="od-card od-card--flush">
            <table class="od-table">
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Identifier"</th>
                    <th scope="col">"Permissions"</th>
                    <th scope="col">"Token lifetime"</th>
                </tr></thead>
                <tbody>
                    {apis.into_iter().map(|a| {
                        let href = format!("/apis/{}", api::encode(&a.id));
                        view! {
                            <tr data-api=a.identifier.clone()>
                                <td>
                                    <A href=href attr:class="od-org-cell__name">{a.name.clone()}</A>
                                    {a.system.then(|| view! { <span class="od-badge od-api__system">"Auth0"</span> })}
                                </td>
                                <td><code class="od-id">{a.identifier.clone()}</code></td>
                                <td>{a.permissions.len()}</td>
                                <td>{lifetime_words(a.token_lifetime)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One row of the permissions being edited; `key` keeps its inputs when others are removed.
#[derive(Clone, Copy)]
struct PermissionRow {
    key: u64,
    value: RwSignal<String>,
    description: RwSignal<String>,
}

/// The permissions being edited, in the order they were typed.
#[derive(Clone, Copy)]
struct PermissionRows {
    rows: RwSignal<Vec<PermissionRow>>,
    next: StoredValue<u64>,
}

impl PermissionRows {
    fn new(permissions: &[ApiPermission]) -> Self {
        let rows = Self {
            rows: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        };
        for p in permissions {
            rows.push(&p.value, &p.description);
        }
        rows
    }

    fn push(self, value: &str, description: &str) {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        self.rows.update(|rows| {
            rows.push(PermissionRow {
                key,
                value: RwSignal::new(value.to_owned()),
                description: RwSignal::new(description.to_owned()),
            });
        });
    }

    fn remove(self, key: u64) {
        self.rows.update(|rows| rows.retain(|r| r.key != key));
    }

    /// What the rows say, as the API takes it.
    fn permissions(self) -> Vec<ApiPermission> {
        self.rows
            .get()
            .iter()
            .map(|r| ApiPermission {
                value: r.value.get(),
                description: r.description.get(),
            })
            .collect()
    }
}

/// The permissions editor: a value and a description per row, the value's rule checked as it
/// is typed, a row added or removed with a button.
#[component]
fn PermissionsEditor(
    rows: PermissionRows,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="od-fieldset od-permissions">
            <legend class="od-field__label">"Permissions"</legend>
            <p class="od-field__help">"What a token for this API may carry, such as invoke:gpt-4o or read:datasets."</p>
            <Show when=move || rows.rows.with(Vec::is_empty)>
                <p class="od-muted">"No permissions yet."</p>
            </Show>
            <Show when=move || !rows.rows.with(Vec::is_empty)>
                // Column headings for the eye; each input has its own label for assistive tech.
                <div class="od-permissions__head" aria-hidden="true">
                    <span>"Value"</span><span>"Description"</span><span></span>
                </div>
            </Show>
            <ul class="od-permissions__list">
                <For each=move || rows.rows.get() key=|row| row.key let:row>
                    <PermissionRowView row on_remove=Callback::new(move |()| rows.remove(row.key))/>
                </For>
            </ul>
            {move || error.get().map(|message| view! { <p class="od-field__error" role="alert">{message}</p> })}
            <button type="button" class="od-button" data-testid="add-permission"
                on:click=move |_| rows.push("", "")>"Add permission"</button>
        </fieldset>
    }
}

#[component]
fn PermissionRowView(row: PermissionRow, on_remove: Callback<()>) -> impl IntoView {
    let value_id = format!("permission-value-{}", row.key);
    let description_id = format!("permission-description-{}", row.key);
    let problem = Memo::new(move |_| {
        let value = row.value.get();
        (!value.trim().is_empty())
            .then(|| permission_value(value.trim()).err())
            .flatten()
    });
    let error_id = format!("permission-error-{}", row.key);
    let described = error_id.clone();
    view! {
        <li class="od-permissions__row">
            <div class="od-field">
                <label class="od-field__label" for=value_id.clone()>"Value"</label>
                <input id=value_id class="od-input od-input--mono" autocomplete="off" spellcheck="false"
                    placeholder="invoke:gpt-4o" data-testid="permission-value"
                    class:od-input--invalid=move || problem.get().is_some()
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    aria-describedby=move || problem.get().is_some().then(|| described.clone())
                    prop:value=move || row.value.get() on:input=move |ev| row.value.set(event_target_value(&ev))/>
                {move || problem.get().map(|message| view! { <p class="od-field__error" id=error_id.clone() role="alert">{message}</p> })}
            </div>
            <div class="od-field">
                <label class="od-field__label" for=description_id.clone()>"Description"</label>
                <input id=description_id class="od-input" autocomplete="off" placeholder="Call GPT-4o"
                    data-testid="permission-description"
                    prop:value=move || row.description.get() on:input=move |ev| row.description.set(event_target_value(&ev))/>
            </div>
            <button type="button" class="od-button od-button--ghost od-permissions__remove"
                aria-label=move || format!("Remove permission {}", row.value.get())
                on:click=move |_| on_remove.run(())>"Remove"</button>
        </li>
    }
}

/// What the permissions editor says under its rows: a broken rule about the permissions that
/// no row already shows beside its value (a duplicate, an empty value, too many).
fn editor_error(error: Option<ValidationError>, rows: PermissionRows) -> Option<String> {
    let error = error.filter(|e| e.field.starts_with("permissions"))?;
    let shown_by_a_row = rows.rows.with(|rows| {
        rows.iter().any(|row| {
            let value = row.value.get();
            !value.trim().is_empty()
                && permission_value(value.trim()).err().as_ref() == Some(&error.message)
        })
    });
    (!shown_by_a_row).then_some(error.message)
}

/// The message of `error` when it is about `field`.
fn message_for(error: Option<&ValidationError>, field: &str) -> Option<String> {
    error
        .filter(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// The dialog that creates an API.
#[component]
fn CreateApi(on_close: Callback<Option<Api>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let identifier = RwSignal::new(String::new());
    let rows = PermissionRows::new(&[]);
    let touched = RwSignal::new(false);
    let input = Memo::new(move |_| NewApiInput {
        name: name.get(),
        identifier: identifier.get(),
        permissions: rows.permissions(),
        token_lifetime: Some(TOKEN_LIFETIME_DEFAULT),
    });
    let parsed = Memo::new(move |_| input.get().parse());
    let server_error = RwSignal::new(None::<ValidationError>);
    // The first broken rule, once the person has typed something; or what the proxy refused.
    let error = Memo::new(move |_| {
        server_error
            .get()
            .or_else(|| touched.get().then(|| parsed.get().err()).flatten())
    });
    let create = mutation_with_errors(
        "Not created",
        api::apis::create,
        move |api: &Api| {
            on_close.run(Some(api.clone()));
            Some(format!("Created {}", api.name))
        },
        move |err| {
            let Some(field) = err.field.clone() else {
                return false;
            };
            server_error.set(Some(ValidationError {
                field,
                message: err.message.clone(),
            }));
            true
        },
    );
    let field =
        move |name: &'static str| Signal::derive(move || message_for(error.get().as_ref(), name));
    view! {
        <Modal title="New API" on_close=Callback::new(move |()| on_close.run(None))>
            <form class="od-form" on:submit=move |ev| {
                ev.prevent_default();
                touched.set(true);
                if parsed.get_untracked().is_ok() {
                    create.dispatch(input.get_untracked());
                }
            } on:input=move |_| { touched.set(true); server_error.set(None); }>
                <TextField id="api-name" label="Name" help="How people call it, e.g. AI Platform API." value=name error=field("name")/>
                <TextField id="api-identifier" label="Identifier"
                    help="An absolute URI, e.g. https://api.example.com/. Tokens are asked for it by this name; it cannot be changed later."
                    value=identifier error=field("identifier") mono=true/>
                <PermissionsEditor rows error=Signal::derive(move || editor_error(error.get(), rows))/>
                <p class="od-muted">"Created with RS256 signing, role-based access control on, and the permissions written into the access token. Tokens last a day; change that after creating it."</p>
                <div class="od-modal__actions">
                    <button type="button" class="od-button" on:click=move |_| on_close.run(None)>"Cancel"</button>
                    <button type="submit" class="od-button od-button--primary" data-testid="create-api"
                        disabled=move || parsed.get().is_err() aria-disabled=create.busy()>
                        {move || if create.pending().get() { "Creating…" } else { "Create API" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// One API's page.
#[component]
pub fn ApiDetailPage() -> impl IntoView {
    let params = use_params_map();
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.track();
        api::apis::get_one(params.read().get("id").unwrap_or_default())
    });
    view! {
        <Transition fallback=|| view! { <DetailSkeleton/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(current) => view! {
                        <ApiDetail current reload=Callback::new(move |()| version.update(|v| *v += 1))/>
                    }.into_any(),
                    Err(err) if err.is_not_found() => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ApiDetail(current: Api, reload: Callback<()>) -> impl IntoView {
    let trail = vec![("APIs".to_owned(), "/apis".to_owned())];
    let facts = view! {
        <dl class="od-facts">
            <div><dt>"Identifier"</dt><dd><code>{current.identifier.clone()}</code></dd></div>
            <div><dt>"Signing"</dt><dd>{current.signing_alg.clone()}</dd></div>
            <div><dt>"Role-based access control"</dt><dd>{if current.rbac { "on" } else { "off" }}</dd></div>
            <div><dt>"Permissions in the access token"</dt><dd>{if current.permissions_in_token { "yes" } else { "no" }}</dd></div>
        </dl>
    };
    if current.system || !can(Capability::ManageApis) {
        let note = if current.system {
            "Auth0's own API, through which orgdesk manages the tenant. It belongs to Auth0: it is shown here, never changed."
        } else {
            "Only platform admins change APIs."
        };
        return view! {
            <PageHeader trail title=current.name.clone()/>
            <section class="od-card od-section">
                {facts}
                <p class="od-muted">{note}</p>
                <h2 class="od-card__title">"Permissions"</h2>
                {if current.permissions.is_empty() {
                    view! { <p class="od-muted">"None defined here."</p> }.into_any()
                } else {
                    view! {
                        <ul class="od-role__permissions">
                            {current.permissions.iter().map(|p| view! { <li><code>{p.value.clone()}</code>" "{p.description.clone()}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
        .into_any();
    }
    view! {
        <PageHeader trail title=current.name.clone()/>
        <section class="od-card od-section">{facts}</section>
        <ApiForm current=current.clone() reload/>
        <DeleteApi api=current/>
    }
    .into_any()
}

/// The API's name, token lifetime and permissions, saved after a review of the changes.
#[component]
fn ApiForm(current: Api, reload: Callback<()>) -> impl IntoView {
    let stored = StoredValue::new(current.clone());
    let name = RwSignal::new(current.name.clone());
    let lifetime = RwSignal::new(current.token_lifetime.to_string());
    let rows = PermissionRows::new(&current.permissions);
    let lifetime_error = Memo::new(move |_| {
        lifetime
            .get()
            .trim()
            .parse::<u32>()
            .err()
            .map(|_| "Give the lifetime in whole seconds.".to_owned())
    });
    let patch = Memo::new(move |_| {
        let stored = stored.get_value();
        let typed_lifetime = lifetime.get().trim().parse::<u32>().unwrap_or(0);
        let permissions = rows.permissions();
        let mut sorted: Vec<ApiPermission> = permissions
            .iter()
            .map(|p| ApiPermission {
                value: p.value.trim().to_owned(),
                description: p.description.trim().to_owned(),
            })
            .collect();
        sorted.sort();
        ApiPatchInput {
            name: (name.get().trim() != stored.name).then(|| name.get()),
            token_lifetime: (typed_lifetime != stored.token_lifetime).then_some(typed_lifetime),
            permissions: (sorted != stored.permissions).then_some(permissions),
        }
    });
    let parsed = Memo::new(move |_| patch.get().parse());
    let error = Memo::new(move |_| parsed.get().err());
    let changes = Memo::new(move |_| match parsed.get() {
        Ok(patch) => {
            let before = stored.get_value();
            before.changes(&before.apply(&patch))
        }
        Err(_) => Vec::new(),
    });
    let reviewing = RwSignal::new(false);
    let save = mutation_with_errors(
        "Not saved",
        move |patch: ApiPatchInput| api::apis::update(stored.get_value().id, patch),
        move |saved: &Api| {
            reviewing.set(false);
            stored.set_value(saved.clone());
            reload.run(());
            Some(format!("Saved {}", saved.name))
        },
        move |_| {
            reviewing.set(false);
            false
        },
    );
    let field =
        move |name: &'static str| Signal::derive(move || message_for(error.get().as_ref(), name));
    let lifetime_field = Signal::derive(move || {
        lifetime_error
            .get()
            .or_else(|| field("token_lifetime").get())
    });
    let lifetime_help = Signal::derive(move || {
        lifetime
            .get()
            .trim()
            .parse::<u32>()
            .map(|s| format!("{} — from 60 seconds to 30 days.", lifetime_words(s)))
            .unwrap_or_default()
    });
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Settings"</h2>
            <TextField id="api-name" label="Name" help="How people call it." value=name error=field("name")/>
            <div class="od-field">
                <label class="od-field__label" for="api-lifetime">"Token lifetime (seconds)"</label>
                <input id="api-lifetime" class="od-input" type="number" inputmode="numeric" min="60" max="2592000"
                    class:od-input--invalid=move || lifetime_field.get().is_some()
                    prop:value=move || lifetime.get() on:input=move |ev| lifetime.set(event_target_value(&ev))/>
                {move || match lifetime_field.get() {
                    Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                    None => view! { <p class="od-field__help">{lifetime_help.get()}</p> }.into_any(),
                }}
            </div>
            <PermissionsEditor rows error=Signal::derive(move || editor_error(error.get(), rows))/>
            <div class="od-save">
                <button class="od-button od-button--primary" data-testid="save"
                    disabled=move || parsed.get().is_err() || lifetime_error.get().is_some() || changes.get().is_empty() aria-disabled=save.busy()
                    on:click=move |_| reviewing.set(true)>
                    "Save API"
                </button>
                {move || reviewing.get().then(|| view! {
                    <ReviewDialog lead="You are about to change this API. Roles lose the permissions you remove:" changes=changes.get()
                        pending=save.pending() on_close=Callback::new(move |()| reviewing.set(false))
                        on_confirm=Callback::new(move |()| {
                            save.dispatch(patch.get_untracked());
                        })/>
                })}
            </div>
        </section>
    }
}

/// Deleting the API, after typing its identifier.
#[component]
fn DeleteApi(api: Api) -> impl IntoView {
    let navigate = use_navigate();
    let label = api.name.clone();
    let id = api.id.clone();
    let delete = mutation(
        "Not deleted",
        move |()| api::apis::delete(id.clone()),
        move |()| {
            navigate("/apis", Default::default());
            Some(format!("Deleted {label}"))
        },
    );
    let consequence = format!(
        "This deletes the API and its {} permissions; every role holding one of them loses it.",
        api.permissions.len()
    );
    view! {
        <DangerZone what="Delete this API"
            why="Tokens can no longer be asked for it, and every role and application loses its permissions. This cannot be undone."
            button="Delete API…" title=format!("Delete {}?", api.name) consequence=Signal::stored(consequence)
            expected=api.identifier.clone() field_id="confirm-identifier" testid="delete-api"
            pending=delete.pending() on_confirm=Callback::new(move |()| { delete.dispatch(()); })/>
    }
}
