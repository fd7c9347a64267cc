//! Roles: what each grants, so admins know before they assign it. Platform admins edit them
//! here — create one, rename and describe it, tick the permissions it grants among those the
//! APIs define (each change reviewed before it is saved), and delete it once told who holds it.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use orgdesk_model::api::Capability;
use orgdesk_model::apis::Api;
use orgdesk_model::members::RoleInfo;
use orgdesk_model::roles::{
    permission_changes, NewRoleInput, PermissionRef, RoleDetail, RolePatchInput,
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

fn can_edit() -> bool {
    use_context::<Me>().is_some_and(|me| me.can(Capability::ManageRoles))
}

/// The message of `error` when it is about `field`.
fn message_for(error: Option<&ValidationError>, field: &str) -> Option<String> {
    error
        .filter(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// What a failed save said about a field, kept beside that field; `true` when it was one.
fn field_error(target: RwSignal<Option<ValidationError>>, err: &api::ApiError) -> bool {
    let Some(field) = err.field.clone() else {
        return false;
    };
    target.set(Some(ValidationError {
        field,
        message: err.message.clone(),
    }));
    true
}

/// The Roles screen.
#[component]
pub fn RolesPage() -> impl IntoView {
    let catalogue = LocalResource::new(api::members::catalogue);
    let editor = can_edit();
    let creating = RwSignal::new(false);
    let navigate = use_navigate();
    let lead = if editor {
        "The roles members can hold in an organization and the permissions each grants in the AI product's APIs. Open a role to change what it grants; org admins may grant only the roles marked so."
    } else {
        "The roles members can hold in an organization and the permissions each grants in the AI product's APIs. Roles you may grant are marked."
    };
    view! {
        <PageHeader title="Roles">
            {editor.then(|| view! {
                <button class="od-button od-button--primary" on:click=move |_| creating.set(true)>"New role"</button>
            })}
        </PageHeader>
        <p class="od-muted od-page-lead">{lead}</p>
        <Transition fallback=|| view! { <TableSkeleton rows=4/> }>
            {move || Suspend::new(async move {
                match catalogue.await {
                    Ok(catalogue) => view! {
                        <div class="od-roles">
                            {catalogue.items.into_iter().map(|role| {
                                let badge = if editor {
                                    if catalogue.org_admin_grantable.contains(&role.id) {
                                        view! { <span class="od-badge od-badge--ok">"Org admins can grant"</span> }.into_any()
                                    } else {
                                        view! { <span class="od-badge od-badge--platform">"Platform admins only"</span> }.into_any()
                                    }
                                } else if catalogue.grantable.contains(&role.id) {
                                    view! { <span class="od-badge od-badge--ok">"You can grant"</span> }.into_any()
                                } else {
                                    ().into_any()
                                };
                                view! { <RoleCard role badge editor/> }
                            }).collect_view()}
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
                    <CreateRole on_close=Callback::new(move |created: Option<RoleInfo>| {
                        creating.set(false);
                        if let Some(role) = created {
                            navigate(&format!("/roles/{}", role.id), Default::default());
                        }
                    })/>
                }
            }
        </Show>
    }
}

#[component]
fn RoleCard(role: RoleInfo, badge: AnyView, editor: bool) -> impl IntoView {
    let href = format!("/roles/{}", role.id);
    let name = role.name.clone();
    view! {
        <article class="od-card od-role" data-role=role.name.clone()>
            <header class="od-role__head">
                <h2 class="od-role__name">
                    {if editor {
                        view! { <A href=href>{name}</A> }.into_any()
                    } else {
                        name.into_any()
                    }}
                </h2>
                {badge}
                <code class="od-id od-role__id">{role.id.clone()}</code>
            </header>
            <p class="od-muted">{role.description.clone()}</p>
            {if role.permissions.is_empty() {
                view! { <p class="od-muted">"Grants no permission yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="od-role__permissions">
                        {role.permissions.iter().map(|p| view! { <li><code>{p.clone()}</code></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </article>
    }
}

/// The dialog that creates a role.
#[component]
fn CreateRole(on_close: Callback<Option<RoleInfo>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let input = Memo::new(move |_| NewRoleInput {
        name: name.get(),
        description: description.get(),
    });
    let parsed = Memo::new(move |_| input.get().parse());
    let server_error = RwSignal::new(None::<ValidationError>);
    let error = Memo::new(move |_| {
        server_error
            .get()
            .or_else(|| touched.get().then(|| parsed.get().err()).flatten())
    });
    let create = mutation_with_errors(
        "Not created",
        api::roles::create,
        move |role: &RoleInfo| {
            on_close.run(Some(role.clone()));
            Some(format!("Created {}", role.name))
        },
        move |err| field_error(server_error, err),
    );
    let field =
        move |name: &'static str| Signal::derive(move || message_for(error.get().as_ref(), name));
    view! {
        <Modal title="New role" on_close=Callback::new(move |()| on_close.run(None))>
            <form class="od-form" on:submit=move |ev| {
                ev.prevent_default();
                touched.set(true);
                if parsed.get_untracked().is_ok() {
                    create.dispatch(input.get_untracked());
                }
            } on:input=move |_| { touched.set(true); server_error.set(None); }>
                <TextField id="role-name" label="Name" help="Short and lower-case reads best in tokens, e.g. prompt-engineer." value=name error=field("name")/>
                <TextField id="role-description" label="Description" help="What it is for, in one line (up to 140 characters)." value=description error=field("description")/>
                <p class="od-muted">"A new role grants nothing until you give it permissions, on the next screen."</p>
                <div class="od-modal__actions">
                    <button type="button" class="od-button" on:click=move |_| on_close.run(None)>"Cancel"</button>
                    <button type="submit" class="od-button od-button--primary" data-testid="create-role"
                        disabled=move || parsed.get().is_err() aria-disabled=create.busy()>
                        {move || if create.pending().get() { "Creating…" } else { "Create role" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// One role's page (platform admins).
#[component]
pub fn RoleDetailPage() -> impl IntoView {
    let params = use_params_map();
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.track();
        let id = params.read().get("id").unwrap_or_default();
        async move {
            let role = api::roles::get_one(id).await?;
            let apis = api::apis::list().await?;
            Ok::<_, api::ApiError>((role, apis))
        }
    });
    view! {
        <Transition fallback=|| view! { <DetailSkeleton/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((role, apis)) => view! {
                        <RoleEditor role apis reload=Callback::new(move |()| version.update(|v| *v += 1))/>
                    }.into_any(),
                    Err(err) if err.is_not_found() => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RoleEditor(role: RoleDetail, apis: Vec<Api>, reload: Callback<()>) -> impl IntoView {
    let trail = vec![("Roles".to_owned(), "/roles".to_owned())];
    let grantable = if role.org_admin_grantable {
        "Org admins may grant this role to their members (it is on org_admin_grantable_roles)."
    } else {
        "Only platform admins grant this role: it is not on org_admin_grantable_roles."
    };
    view! {
        <PageHeader trail title=role.name.clone()/>
        <section class="od-card od-section">
            <dl class="od-facts">
                <div><dt>"Id"</dt><dd><code>{role.id.clone()}</code></dd></div>
                <div><dt>"Held by"</dt><dd data-testid="role-holders">{holders_words(&role)}</dd></div>
            </dl>
            <p class="od-muted">{grantable}</p>
        </section>
        <RoleForm role=role.clone() reload/>
        <PermissionPicker role=role.clone() apis reload/>
        <DeleteRole role/>
    }
}

fn holders_words(role: &RoleDetail) -> String {
    let counted = match (role.holders.members, role.holders.organizations) {
        (0, _) => "no one".to_owned(),
        (1, _) => "1 member".to_owned(),
        (n, 1) => format!("{n} members in 1 organization"),
        (n, orgs) => format!("{n} members in {orgs} organizations"),
    };
    match role.holders.counted_of {
        Some(of) => format!(
            "at least {counted} (counted in {} of {} organizations)",
            of.counted, of.total
        ),
        None => counted,
    }
}

/// The role's name and description, saved after a review.
#[component]
fn RoleForm(role: RoleDetail, reload: Callback<()>) -> impl IntoView {
    let stored = StoredValue::new(RoleInfo {
        id: role.id.clone(),
        name: role.name.clone(),
        description: role.description.clone(),
        permissions: Vec::new(),
    });
    let name = RwSignal::new(role.name.clone());
    let description = RwSignal::new(role.description.clone());
    let patch = Memo::new(move |_| {
        let stored = stored.get_value();
        RolePatchInput {
            name: (name.get().trim() != stored.name).then(|| name.get()),
            description: (description.get().trim() != stored.description)
                .then(|| description.get()),
        }
    });
    let parsed = Memo::new(move |_| patch.get().parse());
    let server_error = RwSignal::new(None::<ValidationError>);
    let error = Memo::new(move |_| server_error.get().or_else(|| parsed.get().err()));
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
        move |patch: RolePatchInput| api::roles::update(stored.get_value().id, patch),
        move |saved: &RoleInfo| {
            reviewing.set(false);
            stored.set_value(saved.clone());
            reload.run(());
            Some(format!("Saved {}", saved.name))
        },
        move |err| {
            reviewing.set(false);
            field_error(server_error, err)
        },
    );
    let field =
        move |name: &'static str| Signal::derive(move || message_for(error.get().as_ref(), name));
    view! {
        <section class="od-card od-section" on:input=move |_| server_error.set(None)>
            <h2 class="od-card__title">"Name and description"</h2>
            <TextField id="role-name" label="Name"
                help="Members' tokens carry it; org admins' allow-list names it, so a new name may need the allow-list changed too."
                value=name error=field("name")/>
            <TextField id="role-description" label="Description" help="What it is for, in one line." value=description error=field("description")/>
            <div class="od-save">
                <button class="od-button od-button--primary" data-testid="save-role"
                    disabled=move || parsed.get().is_err() || changes.get().is_empty() aria-disabled=save.busy()
                    on:click=move |_| reviewing.set(true)>
                    "Save role"
                </button>
                {move || reviewing.get().then(|| view! {
                    <ReviewDialog lead="You are about to change this role:" changes=changes.get()
                        pending=save.pending() on_close=Callback::new(move |()| reviewing.set(false))
                        on_confirm=Callback::new(move |()| { save.dispatch(patch.get_untracked()); })/>
                })}
            </div>
        </section>
    }
}

/// A permission a role may be given, with the words shown beside its box.
#[derive(Clone)]
struct Choice {
    key: PermissionRef,
    description: String,
}

/// The permissions the role grants, ticked among every API's; saved after a review.
#[component]
fn PermissionPicker(role: RoleDetail, apis: Vec<Api>, reload: Callback<()>) -> impl IntoView {
    let held: BTreeSet<PermissionRef> = role.permissions.iter().map(|p| p.key()).collect();
    let held = StoredValue::new(held);
    let ticked = RwSignal::new(held.get_value());
    // Every API but the directory's own, then whatever the role holds that no API defines.
    let mut groups: Vec<(String, String, Vec<Choice>)> = apis
        .iter()
        .filter(|api| !api.system)
        .map(|api| {
            let choices = api
                .permissions
                .iter()
                .map(|p| Choice {
                    key: PermissionRef {
                        resource_server_identifier: api.identifier.clone(),
                        permission_name: p.value.clone(),
                    },
                    description: p.description.clone(),
                })
                .collect();
            (api.name.clone(), api.identifier.clone(), choices)
        })
        .collect();
    let orphans: Vec<Choice> = role
        .permissions
        .iter()
        .filter(|p| {
            !groups
                .iter()
                .any(|(_, _, choices)| choices.iter().any(|c| c.key == p.key()))
        })
        .map(|p| Choice {
            key: p.key(),
            description: p.description.clone(),
        })
        .collect();
    if !orphans.is_empty() {
        groups.push(("Defined by no API any more".into(), String::new(), orphans));
    }
    let diff = Memo::new(move |_| {
        let now = ticked.get();
        let before = held.get_value();
        let added: Vec<PermissionRef> = now.difference(&before).cloned().collect();
        let removed: Vec<PermissionRef> = before.difference(&now).cloned().collect();
        (added, removed)
    });
    let changes = Memo::new(move |_| {
        let (added, removed) = diff.get();
        let mut changes = permission_changes(&removed, false);
        changes.extend(permission_changes(&added, true));
        changes
    });
    let reviewing = RwSignal::new(false);
    let id = StoredValue::new(role.id.clone());
    let save = mutation(
        "Permissions not saved",
        move |(added, removed): (Vec<PermissionRef>, Vec<PermissionRef>)| {
            api::roles::change_permissions(id.get_value(), added, removed)
        },
        move |_| {
            reviewing.set(false);
            reload.run(());
            Some("Saved the role's permissions".to_owned())
        },
    );
    Effect::new(move || {
        if save.value().get().is_some_and(|r| r.is_err()) {
            reviewing.set(false);
        }
    });
    let no_apis = groups.is_empty();
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Permissions"</h2>
            <p class="od-muted">"What a member holding this role may do: their tokens for an API carry the permissions ticked under it. Changes reach members at their next sign-in."</p>
            {no_apis.then(|| view! {
                <p class="od-muted">"No API defines permissions yet. "<A href="/apis">"Create an API"</A>" first."</p>
            })}
            {groups.into_iter().enumerate().map(|(g, (name, identifier, choices))| view! {
                <fieldset class="od-fieldset od-grants">
                    <legend class="od-grants__api">
                        <strong>{name}</strong>
                        {(!identifier.is_empty()).then(|| view! { " "<code class="od-id">{identifier.clone()}</code> })}
                    </legend>
                    {if choices.is_empty() {
                        view! { <p class="od-muted">"This API defines no permissions."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="od-grants__list">
                                {choices.into_iter().enumerate().map(|(i, choice)| {
                                    let input_id = format!("grant-{g}-{i}");
                                    let key = StoredValue::new(choice.key.clone());
                                    view! {
                                        <li class="od-grants__item">
                                            <input type="checkbox" id=input_id.clone()
                                                data-permission=choice.key.permission_name.clone()
                                                prop:checked=move || ticked.with(|t| t.contains(&key.get_value()))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    ticked.update(|t| {
                                                        if on { t.insert(key.get_value()); } else { t.remove(&key.get_value()); }
                                                    });
                                                }/>
                                            <label for=input_id>
                                                <code>{choice.key.permission_name.clone()}</code>
                                                {(!choice.description.is_empty()).then(|| view! { <span class="od-muted">{choice.description.clone()}</span> })}
                                            </label>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </fieldset>
            }).collect_view()}
            <div class="od-save">
                <span class="od-muted" aria-live="polite">{move || {
                    let (added, removed) = diff.get();
                    match (added.len(), removed.len()) {
                        (0, 0) => String::new(),
                        (a, r) => format!("{a} to give, {r} to take"),
                    }
                }}</span>
                <button class="od-button od-button--primary" data-testid="save-permissions"
                    disabled=move || changes.get().is_empty() aria-disabled=save.busy()
                    on:click=move |_| reviewing.set(true)>
                    "Save permissions"
                </button>
                {move || reviewing.get().then(|| view! {
                    <ReviewDialog lead="You are about to change what this role grants. Every member holding it is affected:" changes=changes.get()
                        pending=save.pending() on_close=Callback::new(move |()| reviewing.set(false))
                        on_confirm=Callback::new(move |()| { save.dispatch(diff.get_untracked()); })/>
                })}
            </div>
        </section>
    }
}

/// Deleting the role, after typing its name; the dialog says who holds it.
#[component]
fn DeleteRole(role: RoleDetail) -> impl IntoView {
    let navigate = use_navigate();
    let label = role.name.clone();
    let id = role.id.clone();
    let delete = mutation(
        "Not deleted",
        move |()| api::roles::delete(id.clone()),
        move |()| {
            navigate("/roles", Default::default());
            Some(format!("Deleted {label}"))
        },
    );
    let consequence = match (role.holders.members, role.holders.counted_of) {
        (0, None) => {
            "No one holds this role. Deleting it removes it from the catalogue.".to_owned()
        }
        (1, None) => {
            "1 member holds this role and loses it, with the permissions it grants.".to_owned()
        }
        _ => format!(
            "Held by {}: every holder loses it, with the permissions it grants.",
            holders_words(&role)
        ),
    };
    view! {
        <DangerZone what="Delete this role"
            why="Every member holding it loses it, and pending invitations no longer give it. This cannot be undone."
            button="Delete role…" title=format!("Delete {}?", role.name) consequence=Signal::stored(consequence)
            expected=role.name.clone() field_id="confirm-role-name" testid="delete-role"
            pending=delete.pending() on_confirm=Callback::new(move |()| { delete.dispatch(()); })/>
    }
}
