//! The router and the shell: who is signed in decides which screens exist.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;
use orgdesk_model::{Me, Role};

use crate::api;
use crate::components::shell::Shell;
use crate::components::skeleton::PageSkeleton;
use crate::components::toast::{provide_toaster, Toaster};
use crate::lazy;
use crate::pages::not_found::NotFound;
use crate::pages::orgs::OrgList;

/// How long the shell waits for the list's first page, asked for beside who is signed in, so as
/// to draw both in one frame. Both are preloaded by the page, so the page is there within a few
/// milliseconds of `/api/me`; a slower list is not worth holding the shell back for.
const FIRST_PAGE_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// The whole app: sign-in check, then the shell with its routes.
#[component]
pub fn App() -> impl IntoView {
    provide_toaster();
    let me = LocalResource::new(api::me);
    api::orgs::ask_first_page_early(crate::pages::orgs::PER_PAGE);
    view! {
        <Router>
            <Transition fallback=|| view! { <PageSkeleton/> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(me) => {
                            // The timer lives on this one thread; the wrapper says so to Suspense.
                            send_wrapper::SendWrapper::new(api::orgs::first_page_arrived(FIRST_PAGE_WAIT)).await;
                            view! { <SignedIn me/> }.into_any()
                        }
                        // 401 has already sent the browser to the sign-in page.
                        Err(err) if err.status == 401 => view! { <PageSkeleton/> }.into_any(),
                        Err(err) => view! { <StartupError err/> }.into_any(),
                    }
                })}
            </Transition>
            <Toaster/>
        </Router>
    }
}

/// The app for a signed-in person.
#[component]
fn SignedIn(
    /// Who is signed in.
    me: Me,
) -> impl IntoView {
    let home = match (&me.role, &me.org_id) {
        (Role::PlatformAdmin, _) | (_, None) => "/orgs".to_owned(),
        (_, Some(org)) => format!("/orgs/{org}"),
    };
    provide_context(me.clone());
    crate::org_cache::OrgCache::provide();
    view! {
        <Shell me>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=move || view! { <Redirect path=home.clone()/> }/>
                <Route path=path!("/orgs") view=OrgList/>
                <ParentRoute path=path!("/orgs/:id") view=lazy::route(lazy::org_page)>
                    <Route path=path!("") view=lazy::route(lazy::overview)/>
                    <Route path=path!("branding") view=lazy::route(lazy::branding)/>
                    <Route path=path!("access") view=lazy::route(lazy::access)/>
                    <Route path=path!("members") view=lazy::route(lazy::members)/>
                    <Route path=path!("invitations") view=lazy::route(lazy::invitations)/>
                    <Route path=path!("connections") view=lazy::route(lazy::connections)/>
                    <Route path=path!("domains") view=lazy::route(lazy::domains)/>
                </ParentRoute>
                <Route path=path!("/users") view=lazy::route(lazy::users)/>
                <Route path=path!("/users/:id") view=lazy::route(lazy::user_detail)/>
                <Route path=path!("/roles") view=lazy::route(lazy::roles)/>
                <Route path=path!("/roles/:id") view=lazy::route(lazy::role_detail)/>
                <Route path=path!("/settings") view=lazy::route(lazy::settings)/>
                <Route path=path!("/audit") view=lazy::route(lazy::audit)/>
                <Route path=path!("/apis") view=lazy::route(lazy::apis)/>
                <Route path=path!("/apis/:id") view=lazy::route(lazy::api_detail)/>
                <Route path=path!("/import") view=lazy::route(lazy::import)/>
            </Routes>
        </Shell>
    }
}

/// Shown when the app cannot even find out who is signed in.
#[component]
fn StartupError(
    /// What went wrong.
    err: api::ApiError,
) -> impl IntoView {
    view! {
        <main class="od-startup">
            <div class="od-card od-startup__card" role="alert">
                <h1 class="od-card__title">"orgdesk cannot start"</h1>
                <p>{err.message.clone()}</p>
                {err.request_id.clone().map(|id| view! { <p class="od-muted">"Request id: " <code>{id}</code></p> })}
                <button class="od-button od-button--primary" on:click=|_| {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }>"Try again"</button>
            </div>
        </main>
    }
}
