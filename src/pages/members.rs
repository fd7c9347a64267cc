//! The Members tab: every member with their roles, fetched page by page as the list scrolls,
//! with only the visible rows in the page, so an organization of 20,000 stays smooth.

use leptos::prelude::*;
use leptos::task::spawn_local;
use orgdesk_model::api::Capability;
use orgdesk_model::members::{Member, RoleInfo, RoleRef};
use orgdesk_model::org::initials;
use orgdesk_model::{Me, OrgId};

use crate::api;
use crate::components::create_user::CreateUser;
use crate::components::modal::{Modal, Tone};
use crate::components::virtual_list::VirtualList;
use crate::hooks::{mutation, CursorPages, Debounce};

/// Height of one row, in CSS pixels (the list positions rows by it).
pub const ROW_HEIGHT: f64 = 60.0;
/// Height of the scrolling viewport.
pub const VIEWPORT_HEIGHT: f64 = 540.0;
/// Members fetched per request.
pub const PAGE_SIZE: u32 = 100;

/// The tab: the role catalogue (for admins), then the list.
#[component]
pub fn MembersTab(
    /// The organization.
    org_id: OrgId,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can_manage = me
        .as_ref()
        .is_some_and(|m| m.can(Capability::ManageMembers));
    let can_roles = me.as_ref().is_some_and(|m| m.can(Capability::AssignRoles));
    let grantable = RwSignal::new(Vec::<RoleInfo>::new());
    if can_roles {
        spawn_local(async move {
            if let Ok(catalogue) = api::members::catalogue().await {
                grantable.set(
                    catalogue
                        .items
                        .into_iter()
                        .filter(|r| catalogue.grantable.contains(&r.id))
                        .collect(),
                );
            }
        });
    }
    view! { <MemberList org_id can_manage grantable=grantable.read_only()/> }
}

/// The scrolling member list with search, role chips and removal.
#[component]
pub fn MemberList(
    /// The organization.
    org_id: OrgId,
    /// Whether the caller may add and remove members.
    can_manage: bool,
    /// The roles the caller may grant (empty: role chips are read-only).
    #[prop(into)]
    grantable: Signal<Vec<RoleInfo>>,
) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let query = RwSignal::new(String::new());
    let pages = CursorPages::new(move |from| {
        api::members::list(org.get_value(), query.get_untracked(), from, PAGE_SIZE)
    });
    let CursorPages {
        rows,
        next,
        loading,
        loaded_once,
        error,
        ..
    } = pages;
    let removing = RwSignal::new(None::<Member>);
    let adding = RwSignal::new(false);
    let creating = RwSignal::new(false);
    let can_create_users = use_context::<Me>().is_some_and(|m| m.can(Capability::CreateUser));
    let restart = move || pages.restart();
    Effect::new(move || {
        query.track();
        restart();
    });

    let debounce = Debounce::new();
    let on_search = move |ev| {
        let text = event_target_value(&ev);
        debounce.run(move || query.set(text));
    };

    let change_roles = mutation(
        "Roles not changed",
        move |(member, role, add): (Member, RoleRef, bool)| async move {
            let ids = vec![role.id.clone()];
            if add {
                api::members::assign_roles(org.get_value(), member.user_id.clone(), ids).await?;
            } else {
                api::members::remove_roles(org.get_value(), member.user_id.clone(), ids).await?;
            }
            Ok((member, role, add))
        },
        move |(member, role, add): &(Member, RoleRef, bool)| {
            rows.update(|all| {
                if let Some(row) = all.iter_mut().find(|m| m.user_id == member.user_id) {
                    if *add {
                        row.roles.push(role.clone());
                        row.roles.sort_by(|a, b| a.name.cmp(&b.name));
                    } else {
                        row.roles.retain(|r| r.id != role.id);
                    }
                }
            });
            Some(if *add {
                format!("Gave {} the role {}", member.name, role.name)
            } else {
                format!("Took the role {} from {}", role.name, member.name)
            })
        },
    );
    let on_role = Callback::new(move |change: (Member, RoleRef, bool)| {
        change_roles.dispatch(change);
    });

    let remove = mutation(
        "Not removed",
        move |member: Member| async move {
            api::members::remove(org.get_value(), vec![member.user_id.clone()])
                .await
                .map(|()| member)
        },
        move |member: &Member| {
            removing.set(None);
            rows.update(|all| all.retain(|m| m.user_id != member.user_id));
            Some(format!("Removed {} from the organization", member.name))
        },
    );

    let status = move || {
        let n = rows.with(Vec::len);
        if !loaded_once.get() {
            "Loading members…".to_owned()
        } else if next.get().is_some() {
            format!("{n} loaded — scroll for more")
        } else if n == 1 {
            "1 member".to_owned()
        } else {
            format!("{n} members")
        }
    };

    view! {
        <section class="od-card od-card--flush od-members">
            <div class="od-members__toolbar">
                <label class="od-search">
                    <span class="od-visually-hidden">"Search members"</span>
                    <span class="od-search__icon" aria-hidden="true">"⌕"</span>
                    <input class="od-input od-search__input" type="search" placeholder="Search by email or name" on:input=on_search/>
                </label>
                <span class="od-members__count" data-testid="member-count">{status}</span>
                {can_create_users.then(|| view! {
                    <button class="od-button" on:click=move |_| creating.set(true)>"Create user"</button>
                })}
                {can_manage.then(|| view! {
                    <button class="od-button od-button--primary" on:click=move |_| adding.set(true)>"Add members"</button>
                })}
            </div>
            {move || error.get().map(|message| view! { <p class="od-field__error od-members__error" role="alert">{message}</p> })}
            <Show when=move || loaded_once.get() && rows.with(Vec::is_empty) && !loading.get() && error.get().is_none()>
                <div class="od-empty">
                    <h2 class="od-empty__title">"No members found"</h2>
                    <p class="od-empty__text">{move || if query.get().is_empty() { "Nobody belongs to this organization yet. Add existing users or invite people.".to_owned() } else { format!("No member’s email or name contains “{}”.", query.get()) }}</p>
                </div>
            </Show>
            <VirtualList
                rows=rows
                key=|m: &Member| (m.user_id.clone(), m.roles.len())
                row=move |member: Member| view! {
                    <MemberRow member can_manage grantable on_role on_remove=Callback::new(move |m| removing.set(Some(m)))/>
                }
                row_height=ROW_HEIGHT
                viewport_height=VIEWPORT_HEIGHT
                on_near_end=Callback::new(move |()| pages.load_more())
                reset=pages.generation()
                test_id="member-list"
            />
        </section>
        {move || removing.get().map(|member| {
            let name = member.name.clone();
            let target = member.clone();
            view! {
                <Modal title=format!("Remove {name}?") tone=Tone::Danger on_close=Callback::new(move |()| removing.set(None))>
                    <p>{format!("{} ({}) will no longer belong to this organization and loses the roles held in it. Their user account stays.", member.name, member.email)}</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=move |_| removing.set(None)>"Cancel"</button>
                        <button class="od-button od-button--danger" aria-disabled=remove.busy()
                            on:click=move |_| { remove.dispatch(target.clone()); }>
                            {move || if remove.pending().get() { "Removing…" } else { "Remove member" }}
                        </button>
                    </div>
                </Modal>
            }
        })}
        <Show when=move || creating.get()>
            <CreateUser org_id=Some(org.get_value()) on_close=Callback::new(move |user: Option<orgdesk_model::users::User>| {
                creating.set(false);
                if user.is_some() {
                    restart();
                }
            })/>
        </Show>
        <Show when=move || adding.get()>
            <AddMembers org_id=org.get_value() on_close=Callback::new(move |added: bool| {
                adding.set(false);
                if added {
                    restart();
                }
            })/>
        </Show>
    }
}

/// One member.
#[component]
fn MemberRow(
    member: Member,
    can_manage: bool,
    grantable: Signal<Vec<RoleInfo>>,
    on_role: Callback<(Member, RoleRef, bool)>,
    on_remove: Callback<Member>,
) -> impl IntoView {
    let held: Vec<String> = member.roles.iter().map(|r| r.id.clone()).collect();
    let m = StoredValue::new(member.clone());
    let addable = Memo::new(move |_| {
        grantable
            .get()
            .into_iter()
            .filter(|r| !held.contains(&r.id))
            .collect::<Vec<_>>()
    });
    let can_grant = move |role: &RoleRef| grantable.with(|g| g.iter().any(|r| r.id == role.id));
    view! {
        <div class="od-member" data-member=member.user_id.clone()>
            <span class="od-member__avatar" aria-hidden="true">{initials(&member.name)}</span>
            <div class="od-member__who">
                <span class="od-member__name">{member.name.clone()}</span>
                <span class="od-member__email">{member.email.clone()}</span>
            </div>
            <div class="od-member__roles">
                {member.roles.iter().map(|role| {
                    let removable = can_grant(role);
                    let r = role.clone();
                    view! {
                        <span class="od-chip">
                            {role.name.clone()}
                            {removable.then(|| view! {
                                <button class="od-chip__remove" type="button" aria-label=format!("Take the role {}", r.name)
                                    on:click=move |_| on_role.run((m.get_value(), r.clone(), false))>"×"</button>
                            })}
                        </span>
                    }
                }).collect_view()}
                <Show when=move || !addable.with(Vec::is_empty)>
                    <select class="od-input od-member__add-role" aria-label="Give a role"
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            if let Some(role) = grantable.get_untracked().into_iter().find(|r| r.id == id) {
                                on_role.run((m.get_value(), RoleRef { id: role.id, name: role.name }, true));
                            }
                        }>
                        <option value="" selected=true>"+ Role"</option>
                        {move || addable.get().into_iter().map(|r| view! { <option value=r.id.clone()>{r.name.clone()}</option> }).collect_view()}
                    </select>
                </Show>
            </div>
            {can_manage.then(|| view! {
                <button class="od-button od-button--ghost od-member__remove" on:click=move |_| on_remove.run(m.get_value())>"Remove"</button>
            })}
        </div>
    }
}

/// Finds existing users and adds the chosen ones.
#[component]
fn AddMembers(org_id: OrgId, on_close: Callback<bool>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<api::members::FoundUser>::new());
    let found = LocalResource::new(move || {
        let q = query.get();
        async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                api::members::find_users(q).await
            }
        }
    });
    let debounce = Debounce::new();
    let org = StoredValue::new(org_id);
    let add = mutation(
        "Not added",
        move |ids: Vec<String>| api::members::add(org.get_value(), ids),
        move |()| {
            on_close.run(true);
            Some(format!("Added {} members", chosen.with_untracked(Vec::len)))
        },
    );
    view! {
        <Modal title="Add members" on_close=Callback::new(move |()| on_close.run(false))>
            <div class="od-field">
                <label class="od-field__label" for="find-users">"Find users by email or name"</label>
                <input id="find-users" class="od-input od-input--wide" type="search" autocomplete="off"
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        debounce.run(move || query.set(text));
                    }/>
                <p class="od-field__help">"Org admins find people outside their organization by their exact email."</p>
            </div>
            <ul class="od-pick">
                <Transition fallback=|| view! { <li class="od-muted">"Searching…"</li> }>
                    {move || Suspend::new(async move {
                        match found.await {
                            Ok(users) => users.into_iter().map(|user| {
                                let id = user.user_id.clone();
                                let u = user.clone();
                                let checked = move || chosen.with(|c| c.iter().any(|x| x.user_id == id));
                                view! {
                                    <li>
                                        <label class="od-pick__item">
                                            <input type="checkbox" prop:checked=checked on:change=move |_| chosen.update(|c| {
                                                if let Some(pos) = c.iter().position(|x| x.user_id == u.user_id) { c.remove(pos); } else { c.push(u.clone()); }
                                            })/>
                                            <span>{user.name.clone()}</span>
                                            <span class="od-muted">{user.email.clone()}</span>
                                        </label>
                                    </li>
                                }
                            }).collect_view().into_any(),
                            Err(err) => view! { <li class="od-field__error">{err.message}</li> }.into_any(),
                        }
                    })}
                </Transition>
            </ul>
            <div class="od-modal__actions">
                <button class="od-button" on:click=move |_| on_close.run(false)>"Cancel"</button>
                <button class="od-button od-button--primary"
                    disabled=move || chosen.with(Vec::is_empty) aria-disabled=add.busy()
                    on:click=move |_| { add.dispatch(chosen.get().into_iter().map(|u| u.user_id).collect()); }>
                    {move || match chosen.with(Vec::len) { 0 => "Add members".to_owned(), 1 => "Add 1 member".to_owned(), n => format!("Add {n} members") }}
                </button>
            </div>
        </Modal>
    }
}
