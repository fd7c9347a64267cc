//! The Connections tab: which sign-in connections an organization offers, and how.

use leptos::prelude::*;
use orgdesk_model::api::Capability;
use orgdesk_model::users::{is_enterprise, OrgConnection, OrgConnectionInput, MAX_ORG_CONNECTIONS};
use orgdesk_model::{Me, OrgId};

use crate::api;
use crate::components::error_view::ErrorView;
use crate::components::skeleton::TableSkeleton;
use crate::hooks::mutation_with_errors;

/// The tab.
#[component]
pub fn ConnectionsTab(
    /// The organization.
    org_id: OrgId,
) -> impl IntoView {
    let can_edit = use_context::<Me>().is_some_and(|m| m.can(Capability::ManageConnections));
    let org = StoredValue::new(org_id);
    let version = RwSignal::new(0u32);
    let enabled = LocalResource::new(move || {
        version.track();
        api::orgs::connections(org.get_value())
    });
    let catalogue = LocalResource::new(api::users::connections);
    let chosen = RwSignal::new(String::new());
    let change = mutation_with_errors(
        "Not changed",
        move |op: ConnectionOp| async move {
            match op {
                ConnectionOp::Enable(id) => {
                    let input = OrgConnectionInput {
                        connection_id: Some(id),
                        assign_membership_on_login: Some(false),
                        ..OrgConnectionInput::default()
                    };
                    api::orgs::enable_connection(org.get_value(), input).await?;
                    Ok("Connection enabled")
                }
                ConnectionOp::Change(id, input) => {
                    api::orgs::change_connection(org.get_value(), id, input).await?;
                    Ok("Connection updated")
                }
                ConnectionOp::Disable(id) => {
                    api::orgs::disable_connection(org.get_value(), id).await?;
                    Ok("Connection disabled")
                }
            }
        },
        move |done: &&'static str| {
            version.update(|v| *v += 1);
            Some((*done).to_owned())
        },
        // What is shown is read again either way: a refusal may follow someone else's change.
        move |_| {
            version.update(|v| *v += 1);
            false
        },
    );
    let busy = change.pending();
    let run = move |op: ConnectionOp| {
        change.dispatch(op);
    };
    view! {
        <section class="od-card od-card--flush od-section">
            <Transition fallback=|| view! { <TableSkeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match enabled.await {
                        Ok(list) => {
                            let count = list.len();
                            let ids: Vec<String> = list.iter().map(|c| c.connection_id.clone()).collect();
                            let available: Vec<(String, String)> = catalogue.await.unwrap_or_default().into_iter()
                                .filter(|c| !ids.contains(&c.id)).map(|c| (c.id, c.name)).collect();
                            view! {
                                <div class="od-members__toolbar">
                                    <span class="od-members__count">{format!("{count} of {MAX_ORG_CONNECTIONS} connections enabled")}</span>
                                    {(can_edit && count < MAX_ORG_CONNECTIONS && !available.is_empty()).then(|| view! {
                                        <select class="od-input" aria-label="Connection to enable" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                            <option value="">"Choose a connection…"</option>
                                            {available.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                        </select>
                                        <button class="od-button od-button--primary" disabled=move || chosen.get().is_empty() aria-disabled=move || busy.get().then_some("true")
                                            on:click=move |_| run(ConnectionOp::Enable(chosen.get_untracked()))>"Enable"</button>
                                    })}
                                </div>
                                <table class="od-table">
                                    <thead><tr>
                                        <th scope="col">"Connection"</th>
                                        <th scope="col">"Membership on login"</th>
                                        <th scope="col">"Button on sign-in"</th>
                                        <th scope="col">"Sign-up"</th>
                                        <th scope="col"><span class="od-visually-hidden">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|c| view! { <ConnectionRow c can_edit busy run=Callback::new(run)/> }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A change to make.
#[derive(Debug, Clone)]
pub enum ConnectionOp {
    /// Enable a connection.
    Enable(String),
    /// Change a connection's flags.
    Change(String, OrgConnectionInput),
    /// Disable a connection.
    Disable(String),
}

#[component]
fn ConnectionRow(
    c: OrgConnection,
    can_edit: bool,
    busy: Memo<bool>,
    run: Callback<ConnectionOp>,
) -> impl IntoView {
    let id = c.connection_id.clone();
    let database = c.connection.strategy == "auth0";
    let enterprise = is_enterprise(&c.connection.strategy);
    let toggle = move |input: OrgConnectionInput| run.run(ConnectionOp::Change(id.clone(), input));
    let (t1, t2, t3) = (toggle.clone(), toggle.clone(), toggle);
    let (membership, button, signup) = (
        c.assign_membership_on_login,
        c.show_as_button,
        c.is_signup_enabled,
    );
    let disable_id = c.connection_id.clone();
    // While a change is on its way the controls stay focusable and ignore presses.
    let waiting = move || busy.get().then_some("true");
    let hold = move |ev: leptos::ev::MouseEvent| {
        if busy.get_untracked() {
            ev.prevent_default();
        }
    };
    view! {
        <tr data-connection=c.connection.name.clone()>
            <td><strong>{c.connection.name.clone()}</strong><div class="od-muted">{c.connection.strategy.clone()}</div></td>
            <td><input type="checkbox" aria-label="Assign membership on login" prop:checked=membership disabled=!can_edit aria-disabled=waiting on:click=hold
                on:change=move |_| t1(OrgConnectionInput { assign_membership_on_login: Some(!membership), ..OrgConnectionInput::default() })/></td>
            <td>{if enterprise {
                view! { <input type="checkbox" aria-label="Show as a button" prop:checked=button disabled=!can_edit aria-disabled=waiting on:click=hold
                    on:change=move |_| t2(OrgConnectionInput { show_as_button: Some(!button), ..OrgConnectionInput::default() })/> }.into_any()
            } else { view! { <span class="od-muted" title="Only enterprise connections show as a button">"—"</span> }.into_any() }}</td>
            <td>{if database {
                view! { <input type="checkbox" aria-label="Allow sign-up" prop:checked=signup disabled=!can_edit aria-disabled=waiting on:click=hold
                    on:change=move |_| t3(OrgConnectionInput { is_signup_enabled: Some(!signup), ..OrgConnectionInput::default() })/> }.into_any()
            } else { view! { <span class="od-muted" title="Only database connections allow sign-up">"—"</span> }.into_any() }}</td>
            <td class="od-table__actions">
                {can_edit.then(|| view! {
                    <button class="od-button od-button--ghost od-button--danger-text" aria-disabled=waiting
                        on:click=move |_| run.run(ConnectionOp::Disable(disable_id.clone()))>"Disable"</button>
                })}
            </td>
        </tr>
    }
}
