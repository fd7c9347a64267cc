//! The frame around every screen: the sidebar with the screens this person may open, and the top
//! bar with who they are.

use leptos::prelude::*;
use leptos_router::components::A;
use orgdesk_model::api::Capability;
use orgdesk_model::org::initials;
use orgdesk_model::{Me, Mode, Role};
use wasm_bindgen::JsCast;

use crate::api;
use crate::hooks::mutation;

/// One entry of the sidebar.
struct NavItem {
    href: String,
    label: &'static str,
    icon: &'static str,
    /// Marked current only on its own address, not on the addresses below it.
    exact: bool,
}

/// The screens a person may open: never a link that would answer 403.
fn nav_items(me: &Me) -> Vec<NavItem> {
    let item = |href: String, label, icon| NavItem {
        href,
        label,
        icon,
        exact: false,
    };
    let exact = |href: String, label, icon| NavItem {
        href,
        label,
        icon,
        exact: true,
    };
    let mut items = Vec::new();
    match (&me.role, &me.org_id) {
        (Role::PlatformAdmin, _) | (_, None) => {
            items.push(item("/orgs".into(), "Organizations", "▦"));
        }
        (_, Some(org)) => {
            items.push(exact(format!("/orgs/{org}"), "My organization", "▦"));
            if me.can(Capability::ManageMembers) {
                items.push(item(format!("/orgs/{org}/members"), "Members", "☺"));
            }
            if me.can(Capability::Invite) {
                items.push(item(format!("/orgs/{org}/invitations"), "Invitations", "✉"));
            }
            if me.can(Capability::EditBranding) {
                items.push(item(format!("/orgs/{org}/branding"), "Branding", "◐"));
            }
            if me.can(Capability::ManageDomains) {
                items.push(item(format!("/orgs/{org}/domains"), "Domains & SSO", "◎"));
            }
        }
    }
    if me.can(Capability::ReadUsers) {
        items.push(item("/users".into(), "Users", "☺"));
    }
    if me.can(Capability::ReadRoles) {
        items.push(item("/roles".into(), "Roles", "⚑"));
    }
    if me.can(Capability::ReadApis) {
        items.push(item("/apis".into(), "APIs", "⌘"));
    }
    if me.can(Capability::ReadTenant) {
        items.push(item("/settings".into(), "Settings", "⚙"));
    }
    if me.can(Capability::ImportConfig) {
        items.push(item("/import".into(), "Import & export", "⇅"));
    }
    if me.can(Capability::ReadAudit) {
        items.push(item("/audit".into(), "Audit", "☰"));
    }
    items
}

/// The app's frame; `children` is the current screen.
#[component]
pub fn Shell(
    /// Who is signed in.
    me: Me,
    /// The screen.
    children: Children,
) -> impl IntoView {
    let sign_out = mutation(
        "Sign-out failed",
        |()| api::auth::logout(),
        |target: &String| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(target);
            }
            None
        },
    );
    // Real mode: a quiet dot when Auth0 is unreachable or the rate-limit budget runs low,
    // checked every 30 s (the status costs no Management API call).
    let upstream = RwSignal::new(None::<orgdesk_model::api::StatusInfo>);
    if me.mode == Mode::Auth0 {
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(status) = api::status::status().await {
                    upstream.set(Some(status));
                }
            });
        };
        refresh();
        let _ = set_interval_with_handle(refresh, std::time::Duration::from_secs(30));
    }
    let upstream_note = move || {
        let status = upstream.get()?;
        if status.upstream == orgdesk_model::api::Upstream::Unreachable {
            return Some((
                "od-status od-status--bad",
                "Auth0 unreachable".to_owned(),
                status.message.unwrap_or_default(),
            ));
        }
        let limit = status
            .rate_limit
            .filter(orgdesk_model::api::RateLimit::is_low)?;
        Some((
            "od-status od-status--low",
            "Auth0 budget low".to_owned(),
            format!(
                "{} of {} Management API requests left in this window; orgdesk paces its calls until it resets.",
                limit.remaining, limit.limit
            ),
        ))
    };
    let items = nav_items(&me);
    let role_class = format!("od-badge od-badge--{}", me.role.as_str());
    view! {
        <div class="od-shell">
            // The first stop of Tab on every screen: past the sidebar and the top bar at once.
            <a class="od-skip" href="#content" on:click=move |ev| {
                ev.prevent_default();
                if let Some(main) = document().get_element_by_id("content") {
                    let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            }>"Skip to content"</a>
            <aside class="od-sidebar">
                <div class="od-sidebar__brand">
                    <span class="od-mark" aria-hidden="true">"od"</span>
                    <span>"orgdesk"</span>
                </div>
                <nav class="od-nav" aria-label="Main">
                    {items
                        .into_iter()
                        .map(|item| view! {
                            <A href=item.href attr:class="od-nav__link" exact=item.exact>
                                <span class="od-nav__icon" aria-hidden="true">{item.icon}</span>
                                {item.label}
                            </A>
                        })
                        .collect_view()}
                </nav>
            </aside>
            <div class="od-main">
                <header class="od-topbar">
                    {(me.mode == Mode::Demo).then(|| view! {
                        <span class="od-badge od-badge--demo" title="This orgdesk runs on its embedded store, not on a real Auth0 tenant">"Demo data"</span>
                    })}
                    {move || upstream_note().map(|(class, label, detail)| view! {
                        <span class=class title=detail role="status">
                            <span class="od-status__dot" aria-hidden="true"></span>
                            {label}
                        </span>
                    })}
                    <div class="od-topbar__spacer"></div>
                    <div class="od-user">
                        <span class="od-user__avatar" aria-hidden="true">{initials(&me.user.name)}</span>
                        <span class="od-user__text">
                            <span class="od-user__name">{me.user.name.clone()}</span>
                            <span class="od-user__email">{me.user.email.clone()}</span>
                        </span>
                        <span class=role_class>{me.role.label()}</span>
                    </div>
                    <button
                        class="od-button od-button--ghost"
                        on:click=move |_| { sign_out.dispatch(()); }
                        aria-disabled=sign_out.busy()
                    >
                        {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </header>
                <main id="content" class="od-content" tabindex="-1">{children()}</main>
            </div>
        </div>
    }
}
