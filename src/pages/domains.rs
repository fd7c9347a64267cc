//! The Domains tab: the organization's own email domains, each proven by a TXT record that
//! orgdesk looks up itself when the admin presses Verify.

use leptos::prelude::*;
use orgdesk_model::api::Capability;
use orgdesk_model::domains::{Domain, DomainName, DomainStatus};
use orgdesk_model::sso::{auto_join_reach, SsoProvider, SsoTicket};
use orgdesk_model::users::{is_enterprise, OrgConnection};
use orgdesk_model::{Me, OrgId};

use crate::api::{self, ApiError};
use crate::components::copy_button::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::modal::{Modal, Tone};
use crate::components::shown_once::ShownOnce;
use crate::components::skeleton::TableSkeleton;
use crate::hooks::focus::restore_to_id_if_lost;
use crate::hooks::{mutation, mutation_with_errors};

/// When a check ran, in the person's words.
fn checked_words(at: Option<&str>) -> String {
    match at {
        Some(at) => {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at));
            format!(
                "Last checked {}",
                String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
            )
        }
        None => "Not checked yet".to_owned(),
    }
}

/// What the list of domains is, as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Loading,
    Failed(ApiError),
    Empty,
    Listed,
}

/// The tab: verified domains and single sign-on.
#[component]
pub fn DomainsTab(
    /// The organization.
    org_id: OrgId,
) -> impl IntoView {
    let can_manage = use_context::<Me>().is_some_and(|m| m.can(Capability::ManageDomains));
    let org = StoredValue::new(org_id);
    // Asked for once; every change after that is written into the list where it stands, so
    // the cards stay put (a plain signal: a resource read here would hold the page's own
    // loading boundary).
    let domains = RwSignal::new(None::<Result<Vec<Domain>, ApiError>>);
    {
        let org = org.get_value();
        leptos::task::spawn_local(async move {
            let answer = api::domains::list(org).await;
            domains.try_set(Some(answer));
        });
    }
    let changed = Callback::new(move |change: Changed| {
        domains.update(|list| {
            if let Some(Ok(list)) = list {
                match change {
                    Changed::Added(domain) => list.push(domain),
                    Changed::Updated(domain) => {
                        if let Some(shown) = list.iter_mut().find(|d| d.id == domain.id) {
                            *shown = domain;
                        }
                    }
                    Changed::Removed(id) => list.retain(|d| d.id != id),
                }
            }
        });
    });
    let shown = Memo::new(move |_| match domains.get() {
        None => Shown::Loading,
        Some(Err(err)) => Shown::Failed(err),
        Some(Ok(list)) if list.is_empty() => Shown::Empty,
        Some(Ok(_)) => Shown::Listed,
    });
    // What auto-join needs, and whom it lets in.
    let verified = Memo::new(move |_| {
        domains
            .get()
            .and_then(Result::ok)
            .map(|list| {
                list.into_iter()
                    .filter(|d| d.status == DomainStatus::Verified)
                    .map(|d| d.domain)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Verified domains"</h2>
            <p class="od-muted">
                "Prove that your company owns its email domain: publish the TXT record shown for it with your DNS provider, then press Verify. "
                "A verified domain can send colleagues who sign in with an address there to this organization."
            </p>
            {can_manage.then(|| view! { <AddDomain org=org.get_value() on_added=changed/> })}
        </section>
        // Only a change of what the list is (loading, failed, empty, listed) draws it anew; a
        // change within it goes through the keyed cards, so a card lives as long as its domain
        // and a change elsewhere never takes the focus or an open dialog from it.
        {move || match shown.get() {
            Shown::Loading => view! { <TableSkeleton rows=2/> }.into_any(),
            Shown::Failed(err) => view! { <ErrorView err/> }.into_any(),
            Shown::Empty => view! {
                <section class="od-card od-empty">
                    <div class="od-empty__icon" aria-hidden="true">"◎"</div>
                    <h2 class="od-empty__title">"No domains yet"</h2>
                    <p class="od-empty__text">"Add your company's email domain, such as example.com, to verify it."</p>
                </section>
            }.into_any(),
            Shown::Listed => view! {
                <ul class="od-domains">
                    <For each=move || domains.get().and_then(Result::ok).unwrap_or_default() key=|domain| domain.id.clone() let(domain)>
                        <DomainCard domain org=org.get_value() can_manage on_changed=changed/>
                    </For>
                </ul>
            }.into_any(),
        }}
        <SingleSignOn org=org.get_value() verified/>
    }
}

/// Single sign-on: the enterprise connections the organization offers, and a set-up link for
/// the customer's IT admin, shown once.
#[component]
fn SingleSignOn(
    /// The organization.
    org: OrgId,
    /// Its verified domains.
    #[prop(into)]
    verified: Signal<Vec<String>>,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can_link = me.as_ref().is_some_and(|m| m.can(Capability::ManageSso));
    let can_read = me
        .as_ref()
        .is_some_and(|m| m.can(Capability::ReadConnections));
    let org = StoredValue::new(org);
    let shown = RwSignal::new(None::<SsoTicket>);
    let make = mutation(
        "No link made",
        move |()| api::sso::create(org.get_value()),
        move |ticket: &SsoTicket| {
            shown.set(Some(ticket.clone()));
            None
        },
    );
    let version = RwSignal::new(0u32);
    let org_label = use_context::<crate::pages::org_detail::OrgShown>()
        .map(|shown| shown.org.label().to_owned())
        .unwrap_or_default();
    let org_label = StoredValue::new(org_label);
    let join = mutation(
        "Not changed",
        move |(connection_id, on): (String, bool)| {
            api::sso::set_auto_join(org.get_value(), connection_id, on)
        },
        move |c: &OrgConnection| {
            version.update(|v| *v += 1);
            Some(if c.assign_membership_on_login {
                format!(
                    "Colleagues now join on their first sign-in through {}",
                    c.connection.name
                )
            } else {
                format!(
                    "Signing in through {} no longer makes anyone a member",
                    c.connection.name
                )
            })
        },
    );
    let connections = LocalResource::new(move || async move {
        version.track();
        if can_read {
            api::orgs::connections(org.get_value()).await
        } else {
            Ok(Vec::new())
        }
    });
    view! {
        <section class="od-card od-section" data-testid="sso">
            <div class="od-section__head">
                <h2 class="od-card__title">"Single sign-on"</h2>
                {can_link.then(|| view! {
                    <div class="od-section__actions">
                        <button class="od-button od-button--primary" aria-disabled=make.busy()
                            on:click=move |_| { make.dispatch(()); }>
                            {move || if make.pending().get() { "Making the link…" } else { "Set up single sign-on" }}
                        </button>
                    </div>
                })}
            </div>
            <p class="od-muted">
                "Your IT admin connects your company's identity provider (SAML, OpenID Connect, Okta or Microsoft Entra ID) through a set-up link. "
                "The connection it creates appears below and as a button on this organization's sign-in page."
            </p>
            <Transition fallback=|| view! { <TableSkeleton rows=1/> }>
                {move || Suspend::new(async move {
                    match connections.await {
                        Ok(list) => {
                            let enterprise: Vec<OrgConnection> = list.into_iter().filter(|c| is_enterprise(&c.connection.strategy)).collect();
                            if enterprise.is_empty() {
                                view! { <p class="od-field__help" data-testid="no-sso">"No single sign-on connection yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="od-sso__list">
                                        {enterprise.into_iter().map(|c| {
                                            let kind = SsoProvider::of_strategy(&c.connection.strategy).map_or_else(|| c.connection.strategy.clone(), |p| p.label().to_owned());
                                            let name = c.connection.name.clone();
                                            let id = c.connection_id.clone();
                                            let on = c.assign_membership_on_login;
                                            let reach = {
                                                let name = name.clone();
                                                move || auto_join_reach(&name, &org_label.get_value(), &verified.get())
                                            };
                                            let reach_shown = reach.clone();
                                            view! {
                                                <li class="od-sso__item" data-connection=name.clone()>
                                                    <div class="od-sso__row">
                                                        <strong>{name.clone()}</strong>
                                                        <span class="od-muted">{kind}</span>
                                                        <span class="od-badge od-badge--ok">"Enabled"</span>
                                                    </div>
                                                    {can_link.then(|| view! {
                                                        <label class="od-check">
                                                            <input type="checkbox" data-testid="auto-join" prop:checked=on
                                                                disabled=move || !on && reach().is_none()
                                                                aria-disabled=join.busy()
                                                                on:click=move |ev| if join.pending().get_untracked() { ev.prevent_default(); }
                                                                on:change=move |_| { join.dispatch((id.clone(), !on)); }/>
                                                            <span>"Colleagues join on their first sign-in"</span>
                                                        </label>
                                                    })}
                                                    <p class="od-field__help" data-testid="auto-join-reach">
                                                        {move || reach_shown().unwrap_or_else(|| "Auto-join needs a verified domain: it shows the identity provider is your company's own.".to_owned())}
                                                    </p>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        {move || shown.get().map(|ticket| view! {
            <LinkOnce ticket org=org.get_value() on_close=Callback::new(move |()| shown.set(None))/>
        })}
    }
}

/// The set-up link, once: copy it now; closing the dialog forgets it.
#[component]
fn LinkOnce(
    /// The link.
    ticket: SsoTicket,
    /// Its organization.
    org: OrgId,
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(ticket.id.clone());
    let org = StoredValue::new(org);
    let revoke = mutation(
        "Not revoked",
        move |()| api::sso::revoke(org.get_value(), id.get_value()),
        move |()| {
            on_close.run(());
            Some("The set-up link was revoked".to_owned())
        },
    );
    let until = {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&ticket.expires_at));
        String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
    };
    view! {
        <ShownOnce
            title="Set-up link for your IT admin"
            note=format!("orgdesk shows it only this once. Send it to the person who administers your identity provider; it works once, until {until}.")
            label="Set-up link"
            field_id="sso-link"
            copy_label="set-up link"
            value=ticket.url
            done_label="I have sent it"
            done_testid="sso-link-done"
            on_close>
            <button class="od-button od-button--ghost od-button--danger-text" aria-disabled=revoke.busy()
                on:click=move |_| { revoke.dispatch(()); }>"Revoke link"</button>
        </ShownOnce>
    }
}

/// The form that adds a domain: the rule as the person types, the warning for a free email
/// provider, and the proxy's refusal on the field.
#[component]
fn AddDomain(
    /// The organization.
    org: OrgId,
    /// Told the domain once it was added.
    on_added: Callback<Changed>,
) -> impl IntoView {
    let org = StoredValue::new(org);
    let text = RwSignal::new(String::new());
    let server_error = RwSignal::new(None::<String>);
    let parsed = Memo::new(move |_| {
        let value = text.get();
        (!value.trim().is_empty()).then(|| DomainName::parse(&value))
    });
    let add = mutation_with_errors(
        "Not added",
        move |domain: String| api::domains::add(org.get_value(), domain),
        move |added: &Domain| {
            text.set(String::new());
            on_added.run(Changed::Added(added.clone()));
            // The emptied field disables Add domain: the next one goes where this one did.
            restore_to_id_if_lost("new-domain");
            Some(format!(
                "Added {}: publish its TXT record, then Verify",
                added.domain
            ))
        },
        move |err| {
            let on_field = err.field.as_deref() == Some("domain");
            if on_field {
                server_error.set(Some(err.message.clone()));
            }
            on_field
        },
    );
    let error = move || {
        server_error
            .get()
            .or_else(|| parsed.get().and_then(Result::err).map(|e| e.message))
    };
    let warning = move || parsed.get().and_then(Result::ok).and_then(|d| d.warning());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(Ok(domain)) = parsed.get_untracked() {
            add.dispatch(domain.to_string());
        }
    };
    view! {
        <form class="od-domains__add" on:submit=submit novalidate>
            <div class="od-field">
                <label class="od-field__label" for="new-domain">"Domain"</label>
                <div class="od-domains__add-row">
                    <input id="new-domain" class="od-input od-input--wide" placeholder="example.com" autocomplete="off" spellcheck="false"
                        aria-describedby="new-domain-help"
                        aria-invalid=move || error().is_some().to_string()
                        class:od-input--invalid=move || error().is_some()
                        prop:value=move || text.get()
                        on:input=move |ev| { text.set(event_target_value(&ev)); server_error.set(None); }/>
                    <button type="submit" class="od-button od-button--primary"
                        disabled=move || !matches!(parsed.get(), Some(Ok(_))) aria-disabled=add.busy()>
                        {move || if add.pending().get() { "Adding…" } else { "Add domain" }}
                    </button>
                </div>
                <div id="new-domain-help">
                    {move || match (error(), warning()) {
                        (Some(message), _) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                        (None, Some(warning)) => view! { <p class="od-field__warning" role="status">{warning}</p> }.into_any(),
                        (None, None) => view! { <p class="od-field__help">"Your company's own domain, without “www” or an address: example.com."</p> }.into_any(),
                    }}
                </div>
            </div>
        </form>
    }
}

/// What a card's buttons do.
#[derive(Debug, Clone)]
enum DomainOp {
    Verify,
    Discovery(bool),
    Remove,
}

/// What a card changed, for the list it stands in.
#[derive(Debug, Clone)]
enum Changed {
    Added(Domain),
    Updated(Domain),
    Removed(String),
}

/// One domain: its status, the record to publish, and what can be done with it.
///
/// While a change is on its way the controls say so with `aria-disabled` and ignore presses,
/// rather than `disabled`, which would take the keyboard's focus away from the control just
/// used.
#[component]
fn DomainCard(
    /// The domain.
    domain: Domain,
    /// Its organization.
    org: OrgId,
    /// Whether the person may change it.
    can_manage: bool,
    /// Called after any change.
    on_changed: Callback<Changed>,
) -> impl IntoView {
    let org = StoredValue::new(org);
    let id = StoredValue::new(domain.id.clone());
    let name = domain.domain.clone();
    let current = RwSignal::new(domain);
    let confirming = RwSignal::new(false);
    let change = mutation_with_errors(
        "Not done",
        move |op: DomainOp| async move {
            let (org, id) = (org.get_value(), id.get_value());
            match op {
                DomainOp::Verify => api::domains::verify(org, id).await.map(|d| {
                    let words = match d.status {
                        DomainStatus::Verified => format!("{} is verified", d.domain),
                        _ => format!("{} is not verified yet", d.domain),
                    };
                    (words, Changed::Updated(d))
                }),
                DomainOp::Discovery(on) => {
                    api::domains::set_discovery(org, id, on).await.map(|d| {
                        let words = if on {
                            format!("Sign-in now discovers this organization by {}", d.domain)
                        } else {
                            format!(
                                "Sign-in no longer discovers this organization by {}",
                                d.domain
                            )
                        };
                        (words, Changed::Updated(d))
                    })
                }
                DomainOp::Remove => api::domains::remove(org, id.clone())
                    .await
                    .map(|()| ("Domain removed".to_owned(), Changed::Removed(id))),
            }
        },
        move |(words, done): &(String, Changed)| {
            confirming.set(false);
            if let Changed::Updated(domain) = done {
                current.set(domain.clone());
            }
            on_changed.run(done.clone());
            Some(words.clone())
        },
        // The checkbox shows what is stored again, not the press that failed.
        move |_| {
            current.update(|_| {});
            false
        },
    );
    let busy = change.pending();
    let verified = move || current.with(|d| d.status == DomainStatus::Verified);
    let discovery = move || current.with(|d| d.use_for_organization_discovery);
    let status = move || match current.with(|d| d.status) {
        DomainStatus::Verified => ("od-badge od-badge--ok", "Verified"),
        DomainStatus::Failed => ("od-badge od-badge--fail", "Failed"),
        DomainStatus::Pending => ("od-badge od-badge--pending", "Pending"),
    };
    let waiting = change.busy();
    let removing_name = name.clone();
    view! {
        <li class="od-card od-domain" data-domain=name.clone()
            data-status=move || current.with(|d| d.status.label().to_lowercase())>
            <div class="od-domain__head">
                <h3 class="od-domain__name">{name.clone()}</h3>
                <span class=move || status().0>{move || status().1}</span>
                <span class="od-muted od-domain__checked">{move || current.with(|d| checked_words(d.last_checked_at.as_deref()))}</span>
            </div>
            {move || current.with(|d| d.last_check_message.clone()).map(|message| view! {
                <p class="od-domain__message" role="status">{message}</p>
            })}
            {move || (!verified()).then(|| {
                let record = current.with(|d| d.verification.clone());
                view! {
                    <div class="od-domain__record">
                        <p class="od-field__help">"Publish this TXT record with your DNS provider, then press Verify. It can take a few minutes to be visible."</p>
                        <dl class="od-facts">
                            <div>
                                <dt>"Type"</dt>
                                <dd><code>"TXT"</code></dd>
                            </div>
                            <div>
                                <dt>"Host"</dt>
                                <dd class="od-domain__value"><code data-testid="txt-host">{record.txt_host.clone()}</code><CopyButton value=record.txt_host.clone() label="record's host"/></dd>
                            </div>
                            <div>
                                <dt>"Value"</dt>
                                <dd class="od-domain__value"><code data-testid="txt-value">{record.txt_value.clone()}</code><CopyButton value=record.txt_value.clone() label="record's value"/></dd>
                            </div>
                        </dl>
                    </div>
                }
            })}
            <div class="od-domain__actions">
                <label class="od-check">
                    <input type="checkbox" prop:checked=discovery disabled=!can_manage aria-disabled=waiting
                        on:click=move |ev| if busy.get_untracked() { ev.prevent_default(); }
                        on:change=move |_| { change.dispatch(DomainOp::Discovery(!current.with_untracked(|d| d.use_for_organization_discovery))); }/>
                    <span>"Use for organization discovery"</span>
                </label>
                {can_manage.then(|| view! {
                    <div class="od-domain__buttons">
                        <button class="od-button od-button--ghost od-button--danger-text" aria-disabled=waiting
                            on:click=move |_| if !busy.get_untracked() { confirming.set(true); }>"Remove"</button>
                        <button class="od-button od-button--primary" aria-disabled=waiting
                            on:click=move |_| if !busy.get_untracked() { change.dispatch(DomainOp::Verify); }>
                            {move || if busy.get() { "Checking…" } else if verified() { "Check again" } else { "Verify" }}
                        </button>
                    </div>
                })}
            </div>
            <Show when=move || confirming.get()>
                <Modal title=format!("Remove {removing_name}?") tone=Tone::Danger on_close=Callback::new(move |()| confirming.set(false))>
                    <p>"Sign-in stops discovering this organization by it, and it must be verified again if added back."</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        <button class="od-button od-button--danger" data-testid="confirm-remove-domain" aria-disabled=waiting
                            on:click=move |_| if !busy.get_untracked() { change.dispatch(DomainOp::Remove); }>"Remove domain"</button>
                    </div>
                </Modal>
            </Show>
        </li>
    }
}
