//! The Invitations tab: invite people (one or many addresses) with roles and a validity, see
//! pending invitations with a live countdown, copy their links, resend or revoke them.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use orgdesk_model::api::Capability;
use orgdesk_model::members::{
    expires_in, Email, Invitation, NewInvitationInput, RoleInfo, DEFAULT_INVITATION_DAYS,
    MAX_INVITATION_DAYS,
};
use orgdesk_model::{Me, OrgId};

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::modal::{Modal, Tone};
use crate::components::skeleton::TableSkeleton;
use crate::components::toast::{use_toasts, ToastKind};
use crate::hooks::focus::restore_to_id_if_lost;
use crate::hooks::mutation_with_errors;
use crate::pages::bulk_invite::BulkInvite;

fn now_seconds() -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let now = (js_sys::Date::now() / 1000.0) as i64;
    now
}

/// The addresses typed, split on commas, semicolons, spaces and new lines, each checked.
fn parse_addresses(text: &str) -> (Vec<Email>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for part in text
        .split([',', ';', '\n', ' ', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match Email::parse(part) {
            Ok(email) if !good.contains(&email) => good.push(email),
            Ok(_) => {}
            Err(_) => bad.push(part.to_owned()),
        }
    }
    (good, bad)
}

/// The tab.
#[component]
pub fn InvitationsTab(
    /// The organization.
    org_id: OrgId,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can_invite = me.as_ref().is_some_and(|m| m.can(Capability::Invite));
    let org = StoredValue::new(org_id);
    let version = RwSignal::new(0u32);
    let invitations = LocalResource::new(move || {
        version.track();
        api::members::invitations(org.get_value())
    });
    let roles = LocalResource::new(api::members::catalogue);
    // One clock for every countdown on the page.
    let now = RwSignal::new(now_seconds());
    let tick =
        set_interval_with_handle(move || now.set(now_seconds()), Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    let reload = Callback::new(move |()| version.update(|v| *v += 1));
    let bulk = RwSignal::new(false);
    let inviter = me.as_ref().map(|m| m.user.name.clone()).unwrap_or_default();
    let bulk_dialog = move || {
        let grantable: Vec<RoleInfo> = roles
            .get()
            .and_then(Result::ok)
            .map(|c| {
                c.items
                    .into_iter()
                    .filter(|r| c.grantable.contains(&r.id))
                    .collect()
            })
            .unwrap_or_default();
        let already: Vec<String> = invitations
            .get()
            .and_then(Result::ok)
            .map(|list| list.into_iter().map(|i| i.invitee_email).collect())
            .unwrap_or_default();
        view! {
            <BulkInvite org_id=org.get_value() grantable already inviter=inviter.clone()
                on_close=Callback::new(move |changed: bool| {
                    bulk.set(false);
                    if changed {
                        reload.run(());
                    }
                })/>
        }
    };
    view! {
        <div class="od-invitations">
            {can_invite.then(|| view! {
                <div class="od-invitations__bar">
                    <button class="od-button" data-testid="bulk-open" on:click=move |_| bulk.set(true)>"Invite from a CSV file…"</button>
                </div>
            })}
            <Show when=move || bulk.get()>{bulk_dialog.clone()}</Show>
            {can_invite.then(|| view! {
                <Transition fallback=|| view! { <TableSkeleton rows=2/> }>
                    {move || Suspend::new(async move {
                        let catalogue = roles.await.ok();
                        let grantable: Vec<RoleInfo> = catalogue
                            .map(|c| c.items.into_iter().filter(|r| c.grantable.contains(&r.id)).collect())
                            .unwrap_or_default();
                        view! { <InviteForm org_id=org.get_value() grantable reload/> }
                    })}
                </Transition>
            })}
            <section class="od-card od-card--flush">
                <h2 class="od-card__title od-card__title--padded">"Pending invitations"</h2>
                <Transition fallback=|| view! { <TableSkeleton rows=3/> }>
                    {move || Suspend::new(async move {
                        match invitations.await {
                            Ok(list) if list.is_empty() => view! {
                                <div class="od-empty">
                                    <h3 class="od-empty__title">"No pending invitations"</h3>
                                    <p class="od-empty__text">"Invite someone above; they get an email, or you share the link yourself."</p>
                                </div>
                            }.into_any(),
                            Ok(list) => view! { <InvitationTable list now=now.read_only() org_id=org.get_value() can_invite reload/> }.into_any(),
                            Err(err) => view! { <ErrorView err/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

/// The form that invites one or more people.
#[component]
fn InviteForm(org_id: OrgId, grantable: Vec<RoleInfo>, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let me = use_context::<Me>();
    let emails = RwSignal::new(String::new());
    let inviter = RwSignal::new(me.map(|m| m.user.name).unwrap_or_default());
    let chosen = RwSignal::new(Vec::<String>::new());
    let days = RwSignal::new(DEFAULT_INVITATION_DAYS.to_string());
    let send_email = RwSignal::new(true);
    let connection = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let links = RwSignal::new(Vec::<(String, String)>::new());
    let org = StoredValue::new(org_id);

    let parsed = Memo::new(move |_| parse_addresses(&emails.get()));
    let days_error = Memo::new(move |_| match days.get().trim().parse::<u32>() {
        Ok(d) if (1..=MAX_INVITATION_DAYS).contains(&d) => None,
        _ => Some(format!("Between 1 and {MAX_INVITATION_DAYS} days.")),
    });
    let valid = move || {
        parsed.with(|(good, bad)| !good.is_empty() && bad.is_empty())
            && days_error.get().is_none()
            && !inviter.get().trim().is_empty()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !valid() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        links.set(Vec::new());
        let (addresses, _) = parsed.get_untracked();
        let base = NewInvitationInput {
            invitee_email: String::new(),
            inviter_name: inviter.get_untracked().trim().to_owned(),
            roles: chosen.get_untracked(),
            connection_id: Some(connection.get_untracked()).filter(|c| !c.is_empty()),
            ttl_days: days.get_untracked().trim().parse().ok(),
            send_invitation_email: send_email.get_untracked(),
        };
        spawn_local(async move {
            let mut failed = Vec::new();
            let mut made = Vec::new();
            for address in addresses {
                let input = NewInvitationInput {
                    invitee_email: address.to_string(),
                    ..base.clone()
                };
                match api::members::invite(org.get_value(), input).await {
                    Ok(invitation) => {
                        made.push((invitation.invitee_email, invitation.invitation_url))
                    }
                    Err(err) => failed.push(format!("{address}: {}", err.message)),
                }
            }
            sending.set(false);
            if !made.is_empty() {
                toasts.success(format!("Invited {}", made.len()));
            }
            for failure in &failed {
                toasts.push(ToastKind::Error, failure.clone(), None);
            }
            if failed.is_empty() {
                emails.set(String::new());
                // The emptied form disables Invite: the next addresses go where the last did.
                restore_to_id_if_lost("invitees");
            }
            if !base.send_invitation_email {
                links.set(made);
            }
            reload.run(());
        });
    };
    view! {
        <section class="od-card">
            <h2 class="od-card__title">"Invite people"</h2>
            <form class="od-invite" on:submit=submit novalidate>
                <AddressesField emails parsed/>
                <RolePicker grantable chosen/>
                <InviteOptions connection inviter days days_error send_email/>
                <div class="od-save">
                    <button type="submit" class="od-button od-button--primary" data-testid="invite" disabled=move || !valid()
                        aria-disabled=move || sending.get().then_some("true")>
                        {move || if sending.get() { "Inviting…".to_owned() } else {
                            match parsed.with(|(g, _)| g.len()) { 0 | 1 => "Invite".to_owned(), n => format!("Invite {n} people") }
                        }}
                    </button>
                </div>
            </form>
            <InvitationLinks links/>
        </section>
    }
}

/// Pending invitations with countdowns, resend and revoke.
#[component]
fn InvitationTable(
    list: Vec<Invitation>,
    now: ReadSignal<i64>,
    org_id: OrgId,
    can_invite: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let revoking = RwSignal::new(None::<Invitation>);
    let revoke = mutation_with_errors(
        "Not revoked",
        move |invitation: Invitation| async move {
            api::members::revoke(org.get_value(), invitation.id.clone()).await?;
            Ok(invitation)
        },
        move |invitation: &Invitation| {
            revoking.set(None);
            reload.run(());
            Some(format!(
                "Revoked the invitation of {}",
                invitation.invitee_email
            ))
        },
        move |_| {
            revoking.set(None);
            reload.run(());
            false
        },
    );
    let resend = mutation_with_errors(
        "Not sent again",
        move |invitation: Invitation| async move {
            // Auth0 has no resend: create the same invitation again, then revoke the old one.
            let ttl = u32::try_from((invitation.expires_at - invitation.created_at) / 86_400)
                .unwrap_or(DEFAULT_INVITATION_DAYS)
                .clamp(1, MAX_INVITATION_DAYS);
            let input = NewInvitationInput {
                invitee_email: invitation.invitee_email.clone(),
                inviter_name: invitation.inviter_name.clone(),
                roles: invitation.roles.iter().map(|r| r.id.clone()).collect(),
                connection_id: invitation.connection_id.clone(),
                ttl_days: Some(ttl),
                send_invitation_email: true,
            };
            api::members::invite(org.get_value(), input).await?;
            api::members::revoke(org.get_value(), invitation.id.clone()).await?;
            Ok(invitation)
        },
        move |invitation: &Invitation| {
            reload.run(());
            Some(format!(
                "Sent a new invitation to {} and revoked the old one (Auth0 cannot resend)",
                invitation.invitee_email
            ))
        },
        move |_| {
            reload.run(());
            false
        },
    );
    let busy = Signal::derive(move || revoke.pending().get() || resend.pending().get());
    let waiting = move || busy.get().then_some("true");
    let revoke = move |invitation: Invitation| {
        if !busy.get_untracked() {
            revoke.dispatch(invitation);
        }
    };
    let resend = move |invitation: Invitation| {
        if !busy.get_untracked() {
            resend.dispatch(invitation);
        }
    };
    view! {
        <table class="od-table">
            <thead>
                <tr>
                    <th scope="col">"Invitee"</th>
                    <th scope="col">"Roles"</th>
                    <th scope="col">"Invited by"</th>
                    <th scope="col">"Expires in"</th>
                    <th scope="col"><span class="od-visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|invitation| {
                    let expires = invitation.expires_at;
                    let (for_resend, for_revoke) = (invitation.clone(), invitation.clone());
                    view! {
                        <tr data-invitee=invitation.invitee_email.clone()>
                            <td>{invitation.invitee_email.clone()}</td>
                            <td>{invitation.roles.iter().map(|r| view! { <span class="od-chip">{r.name.clone()}</span> }).collect_view()}</td>
                            <td class="od-muted">{invitation.inviter_name.clone()}</td>
                            <td class="od-countdown" class:od-countdown--soon=move || expires - now.get() < 86_400 data-testid="countdown">
                                {move || expires_in(now.get(), expires)}
                            </td>
                            <td class="od-table__actions">
                                <CopyButton value=invitation.invitation_url.clone() label="invitation link"/>
                                {can_invite.then(|| view! {
                                    <button class="od-button od-button--ghost" aria-disabled=waiting on:click=move |_| resend(for_resend.clone())>"Resend"</button>
                                    <button class="od-button od-button--ghost od-button--danger-text" aria-disabled=waiting
                                        on:click=move |_| if !busy.get_untracked() { revoking.set(Some(for_revoke.clone())); }>"Revoke"</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {move || revoking.get().map(|invitation| {
            let target = invitation.clone();
            view! {
                <Modal title="Revoke this invitation?" tone=Tone::Danger on_close=Callback::new(move |()| revoking.set(None))>
                    <p>{format!("The link sent to {} will stop working.", invitation.invitee_email)}</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=move |_| revoking.set(None)>"Cancel"</button>
                        <button class="od-button od-button--danger" data-testid="confirm-revoke" aria-disabled=waiting
                            on:click=move |_| revoke(target.clone())>"Revoke invitation"</button>
                    </div>
                </Modal>
            }
        })}
    }
}

/// The addresses to invite, checked as typed.
#[component]
fn AddressesField(
    /// What is typed.
    emails: RwSignal<String>,
    /// The addresses found in it, and the parts that are not addresses.
    parsed: Memo<(Vec<Email>, Vec<String>)>,
) -> impl IntoView {
    view! {
        <div class="od-field od-invite__emails">
            <label class="od-field__label" for="invitees">"Email addresses"</label>
            <textarea id="invitees" class="od-input od-textarea" rows="3" placeholder="ana@example.com, li@example.com"
                prop:value=move || emails.get() on:input=move |ev| emails.set(event_target_value(&ev))></textarea>
            {move || {
                let (good, bad) = parsed.get();
                if bad.is_empty() {
                    view! { <p class="od-field__help">{format!("{} to invite. Separate addresses with commas or new lines.", good.len())}</p> }.into_any()
                } else {
                    view! { <p class="od-field__error" role="alert">{format!("Not email addresses: {}", bad.join(", "))}</p> }.into_any()
                }
            }}
        </div>
    }
}

/// The roles an invitation gives, among those the inviter may grant.
#[component]
fn RolePicker(
    /// The roles on offer.
    grantable: Vec<RoleInfo>,
    /// The ids of those chosen.
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="od-field">
            <span class="od-field__label">"Roles"</span>
            <div class="od-checks">
                {grantable.into_iter().map(|role| {
                    let id = role.id.clone();
                    let id2 = role.id.clone();
                    view! {
                        <label class="od-check" title=role.description.clone()>
                            <input type="checkbox" data-role=role.name.clone()
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |_| chosen.update(|c| if let Some(p) = c.iter().position(|x| *x == id2) { c.remove(p); } else { c.push(id2.clone()); })/>
                            {role.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </div>
            <p class="od-field__help">"Given on acceptance. With none chosen, they join without roles."</p>
        </div>
    }
}

/// Which connection, from whom, for how long, and whether Auth0 sends the email.
#[component]
fn InviteOptions(
    connection: RwSignal<String>,
    inviter: RwSignal<String>,
    days: RwSignal<String>,
    days_error: Memo<Option<String>>,
    send_email: RwSignal<bool>,
) -> impl IntoView {
    let connections = LocalResource::new(api::users::connections);
    view! {
        <div class="od-invite__row">
            <div class="od-field">
                <label class="od-field__label" for="invite-connection">"Connection"</label>
                <select id="invite-connection" class="od-input" on:change=move |ev| connection.set(event_target_value(&ev))>
                    <option value="">"The organization's default"</option>
                    {move || connections.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.clone()>{c.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="od-field">
                <label class="od-field__label" for="inviter">"Invited by"</label>
                <input id="inviter" class="od-input" prop:value=move || inviter.get() on:input=move |ev| inviter.set(event_target_value(&ev))/>
            </div>
            <div class="od-field">
                <label class="od-field__label" for="ttl">"Valid for (days)"</label>
                <input id="ttl" class="od-input od-input--short" type="number" min="1" max="30"
                    prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                {move || days_error.get().map(|m| view! { <p class="od-field__error">{m}</p> })}
            </div>
            <label class="od-check od-invite__send">
                <input type="checkbox" prop:checked=move || send_email.get() on:change=move |_| send_email.update(|s| *s = !*s)/>
                "Send the invitation email"
            </label>
        </div>
    }
}

/// The links of invitations sent without an email, to share by hand.
#[component]
fn InvitationLinks(
    /// Each invitee's address and link.
    links: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
    <Show when=move || !links.with(Vec::is_empty)>
        <div class="od-links">
            <p class="od-field__help">"No email was sent; share these links yourself:"</p>
            {move || links.get().into_iter().map(|(email, url)| view! {
                <div class="od-links__row"><span>{email}</span><code class="od-url">{url.clone()}</code><CopyButton value=url label="invitation link"/></div>
            }).collect_view()}
        </div>
    </Show>
    }
}
