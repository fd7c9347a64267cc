//! Screens that load as they are needed. In the split release build each is a chunk of its
//! own, fetched the first time it is shown (or ahead of time, once the browser is idle); a
//! chunk that fails to load is said so in the screen, with Retry. Unsplit builds link every
//! screen in and show it at once.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::components::skeleton::PageSkeleton;
use crate::pages::apis::{ApiDetailPage, ApisPage};
use crate::pages::audit::AuditPage;
use crate::pages::branding::BrandingStudio;
use crate::pages::connections::ConnectionsTab;
use crate::pages::domains::DomainsTab;
use crate::pages::import::ImportPage;
use crate::pages::invitations::InvitationsTab;
use crate::pages::members::MembersTab;
use crate::pages::org_access::AccessTab;
use crate::pages::org_detail::{org_shown, OrgDetail, OrgShown, OverviewTab};
use crate::pages::orgs::CreateOrg;
use crate::pages::roles::{RoleDetailPage, RolesPage};
use crate::pages::settings::SettingsPage;
use crate::pages::users::{UserDetailPage, UsersPage};

/// A chunk could not be fetched or started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkFailed;

/// What loading a screen's chunk gives: the screen, or that its code could not be fetched.
/// One boxed type for every screen, so that `Lazy` and the router's code for it are compiled
/// once rather than once per screen (about 10 % of the first screen's wasm).
pub type Loading = Pin<Box<dyn Future<Output = Result<AnyView, ChunkFailed>>>>;

/// A route's view that shows the screen `load` gives, through [`Lazy`]. Every lazy route has
/// this one type.
pub fn route(load: fn() -> Loading) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    move || view! { <Lazy load=Callback::new(move |()| load())/> }.into_any()
}

/// Shows the screen `load` gives, with a skeleton while its chunk loads, and a message with
/// Retry when it cannot be loaded.
#[component]
pub fn Lazy(
    /// Loads the screen.
    load: Callback<(), Loading>,
) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    view! {
        <Suspense fallback=|| view! { <PageSkeleton/> }>
            {move || {
                attempt.track();
                // The chunk's promise lives on this one thread; the wrapper says so to Suspense.
                Suspend::new(SendWrapper::new(async move {
                    match load.run(()).await {
                        Ok(view) => {
                            screen_shown();
                            view
                        }
                        Err(ChunkFailed) => view! { <ChunkError retry=Callback::new(move |()| attempt.update(|a| *a += 1))/> }.into_any(),
                    }
                }))
            }}
        </Suspense>
    }
}

/// What a screen says when its code could not be loaded. When the server now serves another
/// build than the one this page came from, the code asked for is gone for good: the person is
/// told to reload rather than to retry.
#[component]
fn ChunkError(retry: Callback<()>) -> impl IntoView {
    // Asked once, in the background; a plain signal rather than a resource keeps this view,
    // which must stay in the first screen's code (it is what shows when chunks cannot load),
    // small.
    let updated = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if app_was_updated().await == Some(true) {
            let _ = updated.try_set(true);
        }
    });
    let reload = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <section class="od-card od-error" role="alert" data-testid="chunk-error">
            {move || if updated.get() {
                view! {
                    <h2 class="od-card__title">"orgdesk was updated"</h2>
                    <p>"A new version was installed since this page was opened. Reload to use it; nothing you saved is lost."</p>
                    <div class="od-modal__actions">
                        <button class="od-button od-button--primary" on:click=reload>"Reload"</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <h2 class="od-card__title">"This screen could not be loaded"</h2>
                    <p>"The connection may have dropped. The rest of orgdesk keeps working."</p>
                    <div class="od-modal__actions">
                        <button class="od-button" on:click=reload>"Reload the page"</button>
                        <button class="od-button od-button--primary" on:click=move |_| retry.run(())>"Retry"</button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// The build folder (`/app-…/`) a page names, if any.
fn build_folder(html: &str) -> Option<&str> {
    let start = html.find("/app-")?;
    let rest = &html[start..];
    let end = rest[1..].find('/')? + 2;
    Some(&rest[..end])
}

/// Whether the server's page names another build than the one running.
async fn app_was_updated() -> Option<bool> {
    let document = web_sys::window()?.document()?;
    let running = document
        .query_selector("link[rel=modulepreload]")
        .ok()??
        .get_attribute("href")?;
    let served = gloo_net::http::Request::get("/")
        .header("cache-control", "no-cache")
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let (running, served) = (build_folder(&running)?, build_folder(&served)?);
    Some(running != served)
}

thread_local! {
    static PREFETCH_SCHEDULED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Said by a screen once it shows its content. The first time, the other screens' chunks are
/// fetched after that frame has been drawn, when the browser has nothing else to do: moving
/// around then needs no wait, and the first screen never shares the network or the main
/// thread with them.
pub fn screen_shown() {
    if PREFETCH_SCHEDULED.with(|scheduled| scheduled.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let after_frame = wasm_bindgen::closure::Closure::once_into_js(when_idle);
    let _ = window.request_animation_frame(after_frame.unchecked_ref());
}

/// Runs the prefetch when the browser is idle (in a second where it cannot tell).
fn when_idle() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let start = wasm_bindgen::closure::Closure::once_into_js(|| {
        leptos::task::spawn_local(async {
            prefetch_all().await;
            prefetch_dialogs().await;
            // Said on the page for whoever needs to know the app is fully loaded (tests).
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-prefetched", "");
            }
        });
    });
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match idle {
        Some(request_idle) => {
            let _ = request_idle.call1(&window, &start);
        }
        None => {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                start.unchecked_ref(),
                1_000,
            );
        }
    }
}

/// Declares the lazily loaded screens. Each line names the screen's loader, its chunk and its
/// preload function, and the view it shows: `loader: chunk / preload => { view }`.
macro_rules! screens {
    ($( $(#[$doc:meta])* $name:ident : $chunk:ident / $preload:ident => $body:block )*) => {
        #[cfg(feature = "split")]
        mod split {
            use super::*;

            impl From<wasm_split_helpers::SplitLoaderError> for ChunkFailed {
                fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
                    Self
                }
            }

            $(
                $(#[$doc])*
                #[wasm_split_helpers::wasm_split($chunk, fallible, preload($preload))]
                pub fn $name() -> Result<AnyView, ChunkFailed> {
                    Ok($body.into_any())
                }
            )*

            /// Fetches every screen's chunk that is not loaded yet, one after the other.
            pub async fn prefetch_all() {
                $( let _ = $preload().await; )*
            }
        }

        #[cfg(not(feature = "split"))]
        mod split {
            use super::*;

            $(
                $(#[$doc])*
                #[allow(clippy::unused_async)]
                pub async fn $name() -> Result<AnyView, ChunkFailed> {
                    Ok($body.into_any())
                }
            )*

            /// Nothing to fetch: every screen is linked in.
            #[allow(clippy::unused_async)]
            pub async fn prefetch_all() {}
        }

        $(
            $(#[$doc])*
            pub fn $name() -> Loading {
                Box::pin(split::$name())
            }
        )*

        pub use split::prefetch_all;
    };
}

screens! {
    /// An organization's page: header and tabs around the tab's route.
    org_page: org_page_chunk / preload_org_page => { view! { <OrgDetail/> } }
    /// An organization's overview.
    overview: overview_chunk / preload_overview => { view! { <OverviewTab/> } }
    /// The branding studio.
    branding: branding_chunk / preload_branding => {
        org_shown().map(|OrgShown { org, reload }| view! { <BrandingStudio org reload/> })
    }
    /// AI access and the claims preview.
    access: access_chunk / preload_access => {
        org_shown().map(|OrgShown { org, reload }| view! { <AccessTab org reload/> })
    }
    /// Members and their roles.
    members: members_chunk / preload_members => {
        org_shown().map(|shown| view! { <MembersTab org_id=shown.org.id/> })
    }
    /// Pending invitations.
    invitations: invitations_chunk / preload_invitations => {
        org_shown().map(|shown| view! { <InvitationsTab org_id=shown.org.id/> })
    }
    /// Enabled connections.
    connections: connections_chunk / preload_connections => {
        org_shown().map(|shown| view! { <ConnectionsTab org_id=shown.org.id/> })
    }
    /// Verified domains.
    domains: domains_chunk / preload_domains => {
        org_shown().map(|shown| view! { <DomainsTab org_id=shown.org.id/> })
    }
    /// The Users screen.
    users: users_chunk / preload_users => { view! { <UsersPage/> } }
    /// One user.
    user_detail: user_detail_chunk / preload_user_detail => { view! { <UserDetailPage/> } }
    /// The Roles screen.
    roles: roles_chunk / preload_roles => { view! { <RolesPage/> } }
    /// One role (platform admins).
    role_detail: role_detail_chunk / preload_role_detail => { view! { <RoleDetailPage/> } }
    /// Tenant settings.
    settings: settings_chunk / preload_settings => { view! { <SettingsPage/> } }
    /// The Audit screen.
    audit: audit_chunk / preload_audit => { view! { <AuditPage/> } }
    /// The APIs screen.
    apis: apis_chunk / preload_apis => { view! { <ApisPage/> } }
    /// One API.
    api_detail: api_detail_chunk / preload_api_detail => { view! { <ApiDetailPage/> } }
    /// Import & export: configuration as code.
    import: import_chunk / preload_import => { view! { <ImportPage/> } }
}

/// The dialog that creates an organization: only platform admins open it, so the first screen
/// does not carry its form and rules.
#[cfg(feature = "split")]
#[wasm_split_helpers::wasm_split(create_org_chunk, fallible, preload(preload_create_org))]
pub fn create_org(on_close: Callback<()>) -> Result<AnyView, ChunkFailed> {
    Ok(view! { <CreateOrg on_close/> }.into_any())
}

/// The dialog that creates an organization.
#[cfg(not(feature = "split"))]
#[allow(clippy::unused_async)]
pub async fn create_org(on_close: Callback<()>) -> Result<AnyView, ChunkFailed> {
    Ok(view! { <CreateOrg on_close/> }.into_any())
}

/// Fetches the dialogs' chunks that are not loaded yet.
async fn prefetch_dialogs() {
    #[cfg(feature = "split")]
    {
        let _ = preload_create_org().await;
    }
}
