//! The organization's machine-to-machine applications, on its Access tab: the backends that call
//! the AI product's API for this organization, what their tokens carry (a preview with
//! `org_id`), and — for platform admins — creating one, giving it an existing grant, rotating its
//! secret and taking its access away. A secret is shown once, in a dialog, and kept nowhere.

use leptos::prelude::*;
use orgdesk_model::api::Capability;
use orgdesk_model::apis::Api;
use orgdesk_model::m2m::{
    token_preview, ClientCredentialsQuota, ClientGrantInfo, M2mApp, NewM2mInput, TokenQuota,
};
use orgdesk_model::validate::ValidationError;
use orgdesk_model::{Me, OrgId};

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::components::diff_view::ReviewDialog;
use crate::components::error_view::ErrorView;
use crate::components::modal::{Modal, Tone};
use crate::components::shown_once::ShownOnce;
use crate::components::skeleton::TableSkeleton;
use crate::components::text_field::TextField;
use crate::hooks::{mutation, mutation_with_errors};

/// A secret to show once: whose, and the secret.
#[derive(Clone)]
struct Shown {
    name: String,
    secret: String,
}

/// The section, for whoever may read the organization's applications.
#[component]
pub fn M2mSection(org_id: OrgId) -> impl IntoView {
    let manage = use_context::<Me>().is_some_and(|me| me.can(Capability::ManageM2m));
    let version = RwSignal::new(0u32);
    let org = StoredValue::new(org_id);
    let apps = LocalResource::new(move || {
        version.track();
        api::m2m::list(org.get_value())
    });
    let reload = Callback::new(move |()| version.update(|v| *v += 1));
    let shown = RwSignal::new(None::<Shown>);
    let creating = RwSignal::new(false);
    let associating = RwSignal::new(false);
    let previewed = RwSignal::new(None::<M2mApp>);
    view! {
        <section class="od-card od-section" aria-labelledby="m2m-title" data-testid="m2m">
            <div class="od-section__head">
                <h2 class="od-card__title" id="m2m-title">"Machine-to-machine applications"</h2>
                {manage.then(|| view! {
                    <div class="od-section__actions">
                        <button class="od-button" on:click=move |_| associating.set(true)>"Add existing grant"</button>
                        <button class="od-button od-button--primary" on:click=move |_| creating.set(true)>"New application"</button>
                    </div>
                })}
            </div>
            <p class="od-muted od-section__lead">"Backends that call the AI product's API for this organization. Their tokens name the organization (org_id) and carry only the permissions granted here."</p>
            <QuotaEditor org=org.get_value() manage/>
            <Transition fallback=|| view! { <TableSkeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Ok(apps) if apps.is_empty() => view! {
                            <p class="od-empty" data-testid="m2m-empty">"No application may ask for tokens for this organization yet."</p>
                        }.into_any(),
                        Ok(apps) => view! { <M2mTable apps manage org=org.get_value() reload shown previewed/> }.into_any(),
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
            {move || previewed.get().map(|app| {
                let token = serde_json::to_string_pretty(&token_preview(&app, org.get_value().as_str())).unwrap_or_default();
                view! {
                    <div class="od-m2m__token">
                        <h3 class="od-m2m__token-title">{format!("An access token of {}", app.name)}</h3>
                        <p class="od-muted">"What it carries when it asks for a token with this organization (client credentials):"</p>
                        <pre class="od-json" data-testid="m2m-token" tabindex="0" aria-label="M2M token claims"><code>{token}</code></pre>
                    </div>
                }
            })}
        </section>
        <Show when=move || creating.get()>
            <CreateM2m org=org.get_value() on_close=Callback::new(move |made: Option<Shown>| {
                creating.set(false);
                if let Some(made) = made {
                    shown.set(Some(made));
                    reload.run(());
                }
            })/>
        </Show>
        <Show when=move || associating.get()>
            <AssociateGrant org=org.get_value() on_close=Callback::new(move |done: bool| {
                associating.set(false);
                if done {
                    reload.run(());
                }
            })/>
        </Show>
        {move || shown.get().map(|once| view! {
            <SecretOnce once on_close=Callback::new(move |()| shown.set(None))/>
        })}
    }
}

#[component]
fn M2mTable(
    apps: Vec<M2mApp>,
    manage: bool,
    org: OrgId,
    reload: Callback<()>,
    shown: RwSignal<Option<Shown>>,
    previewed: RwSignal<Option<M2mApp>>,
) -> impl IntoView {
    let rotating = RwSignal::new(None::<M2mApp>);
    let removing = RwSignal::new(None::<M2mApp>);
    let org = StoredValue::new(org);
    let rotate = mutation(
        "Secret not rotated",
        move |app: M2mApp| {
            let org = org.get_value();
            async move {
                let rotated = api::m2m::rotate_secret(org, app.client_id.clone()).await?;
                Ok(Shown {
                    name: app.name,
                    secret: rotated.client_secret.0,
                })
            }
        },
        move |made: &Shown| {
            rotating.set(None);
            shown.set(Some(made.clone()));
            None
        },
    );
    let remove = mutation(
        "Not removed",
        move |app: M2mApp| {
            let org = org.get_value();
            async move {
                api::m2m::remove(org, app.client_id.clone()).await?;
                Ok(app.name)
            }
        },
        move |name: &String| {
            removing.set(None);
            previewed.set(None);
            reload.run(());
            Some(format!("{name} no longer has access"))
        },
    );
    view! {
        <div class="od-m2m__table">
            <table class="od-table">
                <caption class="od-visually-hidden">"Machine-to-machine applications"</caption>
                <thead><tr>
                    <th scope="col">"Application"</th>
                    <th scope="col">"API"</th>
                    <th scope="col">"Permissions"</th>
                    <th scope="col"><span class="od-visually-hidden">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {apps.into_iter().map(|app| {
                        let for_preview = app.clone();
                        let for_rotate = app.clone();
                        let for_remove = app.clone();
                        let client_id = app.client_id.clone();
                        view! {
                            <tr data-client=app.client_id.clone()>
                                <td>
                                    <strong>{app.name.clone()}</strong>
                                    <div class="od-m2m__id"><code class="od-id">{app.client_id.clone()}</code><CopyButton value=client_id label="client id"/></div>
                                </td>
                                <td><code class="od-id">{app.api_identifier.clone()}</code></td>
                                <td>
                                    <ul class="od-role__permissions">
                                        {app.permissions.iter().map(|p| view! { <li><code>{p.clone()}</code></li> }).collect_view()}
                                    </ul>
                                </td>
                                <td class="od-table__actions"><div class="od-m2m__actions">
                                    <button class="od-button" on:click=move |_| previewed.set(Some(for_preview.clone()))>"Token preview"</button>
                                    {manage.then(|| view! {
                                        <button class="od-button" on:click=move |_| rotating.set(Some(for_rotate.clone()))>"Rotate secret"</button>
                                        <button class="od-button od-button--danger-text" on:click=move |_| removing.set(Some(for_remove.clone()))>"Remove"</button>
                                    })}
                                </div></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {move || rotating.get().map(|app| {
            let target = app.clone();
            view! {
                <Modal title=format!("Rotate the secret of {}?", app.name) tone=Tone::Danger on_close=Callback::new(move |()| rotating.set(None))>
                    <p>"The current secret stops working at once: every service using it fails to get tokens until it is given the new one, which is shown once."</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=move |_| rotating.set(None)>"Cancel"</button>
                        <button class="od-button od-button--danger" data-testid="confirm-rotate" aria-disabled=rotate.busy()
                            on:click=move |_| { rotate.dispatch(target.clone()); }>
                            {move || if rotate.pending().get() { "Rotating…" } else { "Rotate secret" }}
                        </button>
                    </div>
                </Modal>
            }
        })}
        {move || removing.get().map(|app| {
            let target = app.clone();
            view! {
                <Modal title=format!("Remove {}?", app.name) tone=Tone::Danger on_close=Callback::new(move |()| removing.set(None))>
                    <p>"It can no longer get tokens for this organization. The application and its grants to other organizations stay."</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=move |_| removing.set(None)>"Cancel"</button>
                        <button class="od-button od-button--danger" data-testid="confirm-remove" aria-disabled=remove.busy()
                            on:click=move |_| { remove.dispatch(target.clone()); }>"Remove access"</button>
                    </div>
                </Modal>
            }
        })}
    }
}

/// The secret, once: copy it now; closing the dialog forgets it.
#[component]
fn SecretOnce(once: Shown, on_close: Callback<()>) -> impl IntoView {
    view! {
        <ShownOnce
            title=format!("The secret of {}", once.name)
            note="orgdesk does not keep it and can never show it again; if it is lost, rotate it."
            label="Client secret"
            field_id="client-secret"
            copy_label="client secret"
            value=once.secret
            done_label="I have stored it"
            done_testid="secret-done"
            on_close/>
    }
}

/// The dialog that creates an application: its name, an API and permissions among the API's.
#[component]
fn CreateM2m(org: OrgId, on_close: Callback<Option<Shown>>) -> impl IntoView {
    let apis = LocalResource::new(api::apis::list);
    view! {
        <Modal title="New machine-to-machine application" on_close=Callback::new(move |()| on_close.run(None))>
            <Transition fallback=|| view! { <TableSkeleton rows=2/> }>
                {move || {
                    let org = org.clone();
                    Suspend::new(async move {
                        match apis.await {
                            Ok(apis) => {
                                let apis: Vec<Api> = apis.into_iter().filter(|a| !a.system).collect();
                                view! { <CreateM2mForm org apis on_close/> }.into_any()
                            }
                            Err(err) => view! { <ErrorView err/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </Modal>
    }
}

#[component]
fn CreateM2mForm(org: OrgId, apis: Vec<Api>, on_close: Callback<Option<Shown>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let api_identifier = RwSignal::new(
        apis.first()
            .map(|a| a.identifier.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(Vec::<String>::new());
    let apis = StoredValue::new(apis);
    let touched = RwSignal::new(false);
    let input = Memo::new(move |_| NewM2mInput {
        name: name.get(),
        api_identifier: api_identifier.get(),
        permissions: chosen.get(),
    });
    let parsed = Memo::new(move |_| input.get().parse());
    let server_error = RwSignal::new(None::<ValidationError>);
    let error = Memo::new(move |_| {
        server_error
            .get()
            .or_else(|| touched.get().then(|| parsed.get().err()).flatten())
    });
    let org = StoredValue::new(org);
    let create = mutation_with_errors(
        "Not created",
        move |input: NewM2mInput| api::m2m::create(org.get_value(), input),
        move |made: &orgdesk_model::m2m::M2mCreated| {
            on_close.run(Some(Shown {
                name: made.app.name.clone(),
                secret: made.client_secret.0.clone(),
            }));
            Some(format!("Created {}", made.app.name))
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
    let message = move |field: &'static str| {
        Signal::derive(move || {
            error
                .get()
                .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                .map(|e| e.message)
        })
    };
    let permissions_error = message("permissions");
    let permissions_of = move || {
        apis.with_value(|apis| {
            apis.iter()
                .find(|a| a.identifier == api_identifier.get())
                .map(|a| a.permissions.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <form class="od-form" on:submit=move |ev| {
            ev.prevent_default();
            touched.set(true);
            if parsed.get_untracked().is_ok() {
                create.dispatch(input.get_untracked());
            }
        } on:input=move |_| { touched.set(true); server_error.set(None); }>
            <TextField id="m2m-name" label="Name" help="Which backend this is, e.g. Batch inference pipeline." value=name error=message("name")/>
            <div class="od-field">
                <label class="od-field__label" for="m2m-api">"API"</label>
                <select id="m2m-api" class="od-input" on:change=move |ev| {
                    api_identifier.set(event_target_value(&ev));
                    chosen.set(Vec::new());
                }>
                    {apis.get_value().into_iter().map(|api| {
                        let identifier = api.identifier.clone();
                        view! { <option value=identifier.clone() selected=move || api_identifier.get() == identifier>{format!("{} ({})", api.name, api.identifier)}</option> }
                    }).collect_view()}
                </select>
                <p class="od-field__help">"The audience of its tokens."</p>
            </div>
            <fieldset class="od-fieldset">
                <legend class="od-field__label">"Permissions"</legend>
                <ul class="od-grants__list">
                    {move || permissions_of().into_iter().enumerate().map(|(i, permission)| {
                        let id = format!("m2m-permission-{i}");
                        let value = permission.value.clone();
                        let toggled = value.clone();
                        view! {
                            <li class="od-grants__item">
                                <input type="checkbox" id=id.clone() data-permission=value.clone()
                                    prop:checked=move || chosen.with(|c| c.contains(&value))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        touched.set(true);
                                        chosen.update(|c| {
                                            c.retain(|p| p != &toggled);
                                            if on { c.push(toggled.clone()); }
                                        });
                                    }/>
                                <label for=id>
                                    <code>{permission.value.clone()}</code>
                                    {(!permission.description.is_empty()).then(|| view! { <span class="od-muted">{permission.description.clone()}</span> })}
                                </label>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || permissions_error.get().map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
            </fieldset>
            <p class="od-muted">"Its tokens must name this organization; no other organization can use it unless given its grant."</p>
            <div class="od-modal__actions">
                <button type="button" class="od-button" on:click=move |_| on_close.run(None)>"Cancel"</button>
                <button type="submit" class="od-button od-button--primary" data-testid="create-m2m"
                    disabled=move || parsed.get().is_err() aria-disabled=create.busy()>
                    {move || if create.pending().get() { "Creating…" } else { "Create application" }}
                </button>
            </div>
        </form>
    }
}

/// The dialog that gives the organization an existing client grant.
#[component]
fn AssociateGrant(org: OrgId, on_close: Callback<bool>) -> impl IntoView {
    let org = StoredValue::new(org);
    let grants = LocalResource::new(move || {
        let org = org.get_value();
        async move {
            let held = api::m2m::list(org).await?;
            let all = api::m2m::client_grants().await?;
            Ok::<Vec<ClientGrantInfo>, api::ApiError>(
                all.into_iter()
                    .filter(|g| !held.iter().any(|h| h.grant_id == g.id))
                    .collect(),
            )
        }
    });
    let picked = RwSignal::new(String::new());
    let associate = mutation(
        "Not added",
        move |grant_id: String| api::m2m::associate(org.get_value(), grant_id),
        move |app: &M2mApp| {
            on_close.run(true);
            Some(format!(
                "{} may now ask for tokens for this organization",
                app.name
            ))
        },
    );
    view! {
        <Modal title="Add an existing grant" on_close=Callback::new(move |()| on_close.run(false))>
            <Transition fallback=|| view! { <TableSkeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match grants.await {
                        Ok(grants) if grants.is_empty() => view! {
                            <p class="od-empty">"Every grant that allows organizations is already this organization's."</p>
                        }.into_any(),
                        Ok(grants) => {
                            if picked.get_untracked().is_empty() {
                                picked.set(grants[0].id.clone());
                            }
                            view! {
                                <div class="od-field">
                                    <label class="od-field__label" for="m2m-grant">"Client grant"</label>
                                    <select id="m2m-grant" class="od-input" on:change=move |ev| picked.set(event_target_value(&ev))>
                                        {grants.into_iter().map(|g| view! {
                                            <option value=g.id.clone()>{format!("{} → {} ({})", g.client_name, g.api_identifier, g.permissions.join(" "))}</option>
                                        }).collect_view()}
                                    </select>
                                    <p class="od-field__help">"Only grants whose organization usage allows or requires an organization."</p>
                                </div>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
            <div class="od-modal__actions">
                <button class="od-button" on:click=move |_| on_close.run(false)>"Cancel"</button>
                <button class="od-button od-button--primary" data-testid="associate-grant"
                    disabled=move || picked.get().is_empty() aria-disabled=associate.busy()
                    on:click=move |_| { associate.dispatch(picked.get_untracked()); }>"Add grant"</button>
            </div>
        </Modal>
    }
}

/// The organization's quota of M2M tokens (Auth0's `token_quota.client_credentials`): read by
/// org admins, set by platform admins after a review.
#[component]
fn QuotaEditor(org: OrgId, manage: bool) -> impl IntoView {
    let org = StoredValue::new(org);
    let version = RwSignal::new(0u32);
    let quota = LocalResource::new(move || {
        version.track();
        api::m2m::token_quota(org.get_value())
    });
    view! {
        <div class="od-quota" data-testid="token-quota">
            <h3 class="od-quota__title">"M2M token quota"</h3>
            <Transition fallback=|| view! { <p class="od-muted">"Loading the quota…"</p> }>
                {move || Suspend::new(async move {
                    match quota.await {
                        Ok(current) if manage => view! {
                            <QuotaForm org=org.get_value() current reload=Callback::new(move |()| version.update(|v| *v += 1))/>
                        }.into_any(),
                        Ok(current) => view! { <p data-testid="quota-words">{quota_words(&current)}</p> }.into_any(),
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

fn quota_words(quota: &TokenQuota) -> String {
    TokenQuota::default()
        .changes(quota)
        .first()
        .and_then(|c| c.after.clone())
        .map_or_else(
            || "None of its own: the tenant's default quota applies.".to_owned(),
            |words| format!("Client-credentials tokens: {words}."),
        )
}

#[component]
fn QuotaForm(org: OrgId, current: TokenQuota, reload: Callback<()>) -> impl IntoView {
    let held = current.client_credentials.unwrap_or_default();
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let per_hour = RwSignal::new(number(held.per_hour));
    let per_day = RwSignal::new(number(held.per_day));
    let enforce = RwSignal::new(current.client_credentials.is_none_or(|c| c.enforce));
    let stored = StoredValue::new(current);
    let typed = Memo::new(move |_| {
        let read = |text: String| -> Result<Option<u32>, ()> {
            let text = text.trim().to_owned();
            if text.is_empty() {
                Ok(None)
            } else {
                text.parse::<u32>().map(Some).map_err(|_| ())
            }
        };
        match (read(per_hour.get()), read(per_day.get())) {
            (Ok(hour), Ok(day)) => TokenQuota {
                client_credentials: Some(ClientCredentialsQuota {
                    enforce: enforce.get(),
                    per_day: day,
                    per_hour: hour,
                }),
            }
            .check(),
            _ => Err(ValidationError {
                field: "client_credentials".into(),
                message: "Give whole numbers of tokens.".into(),
            }),
        }
    });
    let wanted = RwSignal::new(None::<TokenQuota>);
    let changes = Memo::new(move |_| {
        wanted
            .get()
            .map(|w| stored.get_value().changes(&w))
            .unwrap_or_default()
    });
    let org = StoredValue::new(org);
    let save = mutation(
        "Quota not saved",
        move |quota: TokenQuota| api::m2m::set_token_quota(org.get_value(), quota),
        move |_| {
            wanted.set(None);
            reload.run(());
            Some("Saved the token quota".to_owned())
        },
    );
    let error = move || typed.get().err().map(|e| e.message);
    let has_quota = stored.get_value().client_credentials.is_some();
    view! {
        <p class="od-muted">{quota_words(&stored.get_value())}" Auth0 counts the tokens issued for this organization; leave a limit empty for none."</p>
        <div class="od-quota__fields">
            <div class="od-field">
                <label class="od-field__label" for="quota-hour">"Per hour"</label>
                <input id="quota-hour" class="od-input" type="number" inputmode="numeric" min="1"
                    prop:value=move || per_hour.get() on:input=move |ev| per_hour.set(event_target_value(&ev))/>
            </div>
            <div class="od-field">
                <label class="od-field__label" for="quota-day">"Per day"</label>
                <input id="quota-day" class="od-input" type="number" inputmode="numeric" min="1"
                    prop:value=move || per_day.get() on:input=move |ev| per_day.set(event_target_value(&ev))/>
            </div>
            <label class="od-check od-quota__enforce">
                <input type="checkbox" id="quota-enforce" prop:checked=move || enforce.get()
                    on:change=move |ev| enforce.set(event_target_checked(&ev))/>
                "Refuse tokens beyond it"
            </label>
        </div>
        {move || (!per_hour.get().is_empty() || !per_day.get().is_empty()).then(error).flatten()
            .map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
        <div class="od-save">
            {has_quota.then(|| view! {
                <button class="od-button" data-testid="remove-quota" aria-disabled=save.busy()
                    on:click=move |_| wanted.set(Some(TokenQuota::default()))>"Remove quota"</button>
            })}
            <button class="od-button od-button--primary" data-testid="save-quota"
                disabled=move || typed.get().map_or(true, |q| stored.get_value().changes(&q).is_empty()) aria-disabled=save.busy()
                on:click=move |_| wanted.set(typed.get_untracked().ok())>"Save quota"</button>
        </div>
        {move || wanted.get().map(|quota| view! {
            <ReviewDialog lead="You are about to change how many M2M tokens this organization may get:" changes=changes.get()
                pending=save.pending() on_close=Callback::new(move |()| wanted.set(None))
                on_confirm=Callback::new(move |()| { save.dispatch(quota); })/>
        })}
    }
}
