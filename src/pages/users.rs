//! Users: search the directory, open a user's page (organizations and roles), create users.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use orgdesk_model::users::User;

use crate::api;
use crate::components::create_user::CreateUser;
use crate::components::error_view::ErrorView;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::{DetailSkeleton, TableSkeleton};
use crate::hooks::Debounce;
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
