//! Creating a user: on the Users screen, and from an organization's Members tab, where the new
//! user also becomes a member.

use std::collections::BTreeMap;

use leptos::prelude::*;
use orgdesk_model::members::Email;
use orgdesk_model::users::{password_rules, NewUserInput, PasswordRule, User};
use orgdesk_model::OrgId;

use crate::api;
use crate::components::modal::Modal;
use crate::hooks::mutation_with_errors;

/// The form that creates a user; from an organization's page, they also become its member.
#[component]
pub fn CreateUser(
    /// The organization the user is created from, if any.
    org_id: Option<OrgId>,
    /// Closes the form, with the created user.
    on_close: Callback<Option<User>>,
) -> impl IntoView {
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
            user_id: None,
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
                <DatabaseConnectionSelect connection/>
                <div class="od-field">
                    <label class="od-field__label" for="user-email">"Email"</label>
                    <input id="user-email" class="od-input od-input--wide" type="email" prop:value=move || email.get()
                        class:od-input--invalid=move || email_error.get().is_some() || field_error("email").is_some()
                        on:input=move |ev| { email.set(event_target_value(&ev)); server_error.set(None); }/>
                    {move || email_error.get().or_else(|| field_error("email")).map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                </div>
                <PasswordField password rules refused=Signal::derive(move || field_error("password"))/>
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
                    <button type="submit" class="od-button od-button--primary" data-testid="create-user" disabled=move || !valid() aria-disabled=create.busy()>
                        {move || if create.pending().get() { "Creating…" } else { "Create user" }}
                    </button>
                </div>
            </form>
        </Modal>
    }
}

/// The database connections to create the user in.
#[component]
fn DatabaseConnectionSelect(
    /// The chosen connection's name.
    connection: RwSignal<String>,
) -> impl IntoView {
    let connections = LocalResource::new(api::users::connections);
    view! {
        <div class="od-field">
            <label class="od-field__label" for="user-connection">"Connection"</label>
            <select id="user-connection" class="od-input" on:change=move |ev| connection.set(event_target_value(&ev))>
                {move || connections.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|c| c.is_database()).map(|c| {
                    let n = c.name.clone();
                    view! { <option value=c.name.clone() selected=move || connection.get() == n>{c.name.clone()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The password, with each of the connection's rules ticked off as it is met.
#[component]
fn PasswordField(
    /// What is typed.
    password: RwSignal<String>,
    /// The rules, as met by what is typed.
    #[prop(into)]
    rules: Signal<Vec<PasswordRule>>,
    /// The proxy's refusal of the password, if any.
    refused: Signal<Option<String>>,
) -> impl IntoView {
    view! {
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
            {move || refused.get().map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
        </div>
    }
}
