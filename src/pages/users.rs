//! Users: search the directory, open a user's page (organizations and roles), create users.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use orgdesk_model::members::Email;
use orgdesk_model::users::{password_rules, NewUserInput, User};
use orgdesk_model::OrgId;

use crate::api;
use crate::components::error_view::ErrorView;
use crate::components::modal::Modal;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::{DetailSkeleton, TableSkeleton};
use crate::hooks::{mutation_with_errors, Debounce};
use crate::pages::not_found::NotFound;

/// The Users screen.
#[component]
pub fn UsersPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let debounce = Debounce::new();
    let found = LocalResource::new(move || {
        let q = query.get();
        async move {
            if q.trim().chars().count() < 2 {
                Ok(None)
            } else {
                api::members::find_users(q).await.map(Some)
            }
        }
    });
    let creating = RwSignal::new(false);
    let navigate = use_navigate();
    view! {
        <PageHeader title="Users">
            <button class="od-button od-button--primary" on:click=move |_| creating.set(true)>"New user"</button>
        </PageHeader>
        <div class="od-toolbar">
            <label class="od-search">
                <span class="od-visually-hidden">"Search users"</span>
                <span class="od-search__icon" aria-hidden="true">"⌕"</span>
                <input class="od-input od-search__input" type="search" placeholder="Search by email or name" autofocus
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        debounce.run(move || query.set(text));
                    }/>
            </label>
        </div>
        <Transition fallback=|| view! { <TableSkeleton rows=4/> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(None) => view! {
                        <section class="od-card od-empty">
                            <div class="od-empty__icon" aria-hidden="true">"☺"</div>
                            <h2 class="od-empty__title">"Find a user"</h2>
                            <p class="od-empty__text">"Type at least two characters of an email address or a name."</p>
                        </section>
                    }.into_any(),
                    Ok(Some(users)) if users.is_empty() => view! {
                        <section class="od-card od-empty">
                            <h2 class="od-empty__title">"No users found"</h2>
                            <p class="od-empty__text">"Nobody's email or name contains that. Create the user with “New user”."</p>
                        </section>
                    }.into_any(),
                    Ok(Some(users)) => view! {
                        <div class="od-card od-card--flush">
                            <table class="od-table">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"User id"</th></tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| {
                                        let href = format!("/users/{}", api::encode(&u.user_id));
                                        view! {
                                            <tr data-user=u.email.clone()>
                                                <td><A href=href attr:class="od-org-cell__name">{u.name.clone()}</A></td>
                                                <td>{u.email.clone()}</td>
                                                <td><code class="od-id">{u.user_id.clone()}</code></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            {
                let navigate = navigate.clone();
                view! {
                    <CreateUser org_id=None on_close=Callback::new(move |user: Option<User>| {
                        creating.set(false);
                        if let Some(user) = user {
                            navigate(&format!("/users/{}", api::encode(&user.user_id)), Default::default());
                        }
                    })/>
                }
            }
        </Show>
    }
}

/// One user's page.
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let detail = LocalResource::new(move || {
        api::users::get_one(params.read().get("id").unwrap_or_default())
    });
    view! {
        <Transition fallback=|| view! { <DetailSkeleton/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let user = detail.user;
                        let metadata = |title: &'static str, map: BTreeMap<String, String>| view! {
                            <section class="od-card">
                                <h2 class="od-card__title">{title}</h2>
                                {if map.is_empty() {
                                    view! { <p class="od-muted">"Empty."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="od-table od-table--compact"><tbody>
                                            {map.into_iter().map(|(k, v)| view! { <tr><td><code>{k}</code></td><td>{v}</td></tr> }).collect_view()}
                                        </tbody></table>
                                    }.into_any()
                                }}
                            </section>
                        };
                        view! {
                            <PageHeader trail=vec![("Users".to_owned(), "/users".to_owned())] title=user.name.clone()/>
                            <section class="od-card od-user-card">
                                <div><strong>{user.email.clone()}</strong>
                                    {if user.email_verified { view! { <span class="od-badge od-badge--ok">"verified"</span> }.into_any() } else { view! { <span class="od-badge">"not verified"</span> }.into_any() }}
                                </div>
                                <div class="od-muted">{format!("{} · on {}", user.user_id, user.connection)}</div>
                            </section>
                            <section class="od-card od-section">
                                <h2 class="od-card__title">"Organizations"</h2>
                                {if detail.organizations.is_empty() {
                                    view! { <p class="od-muted">"Not a member of any organization."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="od-user-orgs">
                                            {detail.organizations.into_iter().map(|o| view! {
                                                <li>
                                                    <A href=format!("/orgs/{}", o.id)>{o.display_name.clone().unwrap_or_else(|| o.name.clone())}</A>
                                                    {o.roles.into_iter().map(|r| view! { <span class="od-chip">{r.name}</span> }).collect_view()}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            <div class="od-grid">
                                {metadata("User metadata", user.user_metadata.clone())}
                                {metadata("App metadata", user.app_metadata.clone())}
                            </div>
                        }.into_any()
                    }
                    Err(err) if err.is_not_found() => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The form that creates a user; from an organization's page, they also become its member.
#[component]
pub fn CreateUser(
    /// The organization the user is created from, if any.
    org_id: Option<OrgId>,
    /// Closes the form, with the created user.
    on_close: Callback<Option<User>>,
) -> impl IntoView {
    let connections = LocalResource::new(api::users::connections);
    let connection = RwSignal::new("Username-Password-Authentication".to_owned());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let verified = RwSignal::new(false);
    let meta_key = RwSignal::new(String::new());
    let meta_value = RwSignal::new(String::new());
    let server_error = RwSignal::new(None::<(Option<String>, String)>);
    let org = StoredValue::new(org_id.clone());
    let email_error = Memo::new(move |_| {
        let text = email.get();
        (!text.is_empty())
            .then(|| Email::parse(&text).err())
            .flatten()
            .map(|e| e.message)
    });
    let rules = Memo::new(move |_| password_rules(&password.get()));
    let valid =
        move || Email::parse(&email.get()).is_ok() && rules.with(|r| r.iter().all(|x| x.met));
    let field_error = move |field: &'static str| {
        server_error.with(|e| {
            e.as_ref()
                .and_then(|(f, m)| (f.as_deref() == Some(field)).then(|| m.clone()))
        })
    };
    let create = mutation_with_errors(
        "Not created",
        api::users::create,
        move |user: &User| {
            on_close.run(Some(user.clone()));
            Some(format!("Created {}", user.email))
        },
        move |err| {
            server_error.set(Some((err.field.clone(), err.message.clone())));
            true
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !valid() {
            return;
        }
        server_error.set(None);
        let mut user_metadata = BTreeMap::new();
        if !meta_key.get().trim().is_empty() {
            user_metadata.insert(meta_key.get().trim().to_owned(), meta_value.get());
        }
        create.dispatch(NewUserInput {
            connection: connection.get(),
            email: email.get(),
            password: password.get(),
            name: name.get(),
            email_verified: verified.get(),
            user_metadata,
            organization_id: org.get_value().map(|o| o.to_string()),
        });
    };
    let title = if org_id.is_some() {
        "Create a user in this organization"
    } else {
        "New user"
    };
    view! {
        <Modal title=title on_close=Callback::new(move |()| on_close.run(None))>
            <form on:submit=submit novalidate autocomplete="off">
                <div class="od-field">
                    <label class="od-field__label" for="user-connection">"Connection"</label>
                    <select id="user-connection" class="od-input" on:change=move |ev| connection.set(event_target_value(&ev))>
                        {move || connections.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|c| c.is_database()).map(|c| {
                            let n = c.name.clone();
                            view! { <option value=c.name.clone() selected=move || connection.get() == n>{c.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="od-field">
                    <label class="od-field__label" for="user-email">"Email"</label>
                    <input id="user-email" class="od-input od-input--wide" type="email" prop:value=move || email.get()
                        class:od-input--invalid=move || email_error.get().is_some() || field_error("email").is_some()
                        on:input=move |ev| { email.set(event_target_value(&ev)); server_error.set(None); }/>
                    {move || email_error.get().or_else(|| field_error("email")).map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                </div>
                <div class="od-field">
                    <label class="od-field__label" for="user-password">"Password"</label>
                    <input id="user-password" class="od-input od-input--wide" type="password" autocomplete="new-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    <ul class="od-rules" aria-label="Password rules">
                        {move || rules.get().into_iter().map(|r| view! {
                            <li class=if r.met { "od-rules__rule od-rules__rule--met" } else { "od-rules__rule" }>
                                {if r.met { "✓ " } else { "○ " }}{r.label}
                            </li>
                        }).collect_view()}
                    </ul>
                    {move || field_error("password").map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                </div>
                <div class="od-field">
                    <label class="od-field__label" for="user-name">"Name"</label>
                    <input id="user-name" class="od-input od-input--wide" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <label class="od-check od-field">
                    <input type="checkbox" prop:checked=move || verified.get() on:change=move |_| verified.update(|v| *v = !*v)/>
                    "Email is verified"
                </label>
                <div class="od-field">
                    <span class="od-field__label">"User metadata"</span>
                    <div class="od-raw">
                        <input class="od-input od-raw__key-input" placeholder="role" aria-label="Metadata key"
                            prop:value=move || meta_key.get() on:input=move |ev| meta_key.set(event_target_value(&ev))/>
                        <input class="od-input od-raw__value" placeholder="data-scientist" aria-label="Metadata value"
                            prop:value=move || meta_value.get() on:input=move |ev| meta_value.set(event_target_value(&ev))/>
                    </div>
                    {org_id.as_ref().map(|o| view! { <p class="od-field__help">{format!("app_metadata.organization_id will be {o}, and the user joins the organization.")}</p> })}
                </div>
                {move || server_error.get().filter(|(f, _)| !matches!(f.as_deref(), Some("email" | "password"))).map(|(_, m)| view! { <p class="od-field__error" role="alert">{m}</p> })}
                <div class="od-modal__actions">
                    <button type="button" class="od-button" on:click=move |_| on_close.run(None)>"Cancel"</button>
                    <button type="submit" class="od-button od-button--primary" data-testid="create-user" disabled=move || !valid() || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create user" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}
