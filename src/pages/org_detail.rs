//! One organization: header, tabs, and the tab's content (overview, branding, access).

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use orgdesk_model::api::Capability;
use orgdesk_model::input::OrgPatchInput;
use orgdesk_model::{DisplayName, Me, OrgId, Organization, Role, METADATA_MAX_KEYS};

use crate::api;
use crate::components::confirm_typed::DangerZone;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::export_links::ExportMenu;
use crate::components::org_avatar::{AvatarSize, OrgAvatar};
use crate::components::page_header::PageHeader;
use crate::components::save_flow::SaveFlow;
use crate::components::skeleton::DetailSkeleton;
use crate::components::swatch::Swatch;
use crate::components::tabs::OrgTabs;
use crate::hooks::mutation;
use crate::org_cache::OrgCache;
use crate::pages::not_found::NotFound;

/// Which tab of the organization page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgTab {
    /// Name, id, branding and metadata at a glance.
    Overview,
    /// The branding studio.
    Branding,
    /// Metadata (AI access) and the claims preview.
    Access,
    /// Members and their roles.
    Members,
    /// Pending invitations.
    Invitations,
    /// Enabled connections.
    Connections,
    /// Verified domains.
    Domains,
}

impl OrgTab {
    /// The tab an address shows (`/orgs/org_…/branding` → Branding).
    #[must_use]
    pub fn of_path(path: &str) -> Self {
        match path.trim_end_matches('/').rsplit('/').next().unwrap_or("") {
            "branding" => Self::Branding,
            "access" => Self::Access,
            "members" => Self::Members,
            "invitations" => Self::Invitations,
            "connections" => Self::Connections,
            "domains" => Self::Domains,
            _ => Self::Overview,
        }
    }
}

/// The organization a tab shows, and how it tells the page it saved: given to the tabs (the
/// nested routes) by the page around them.
#[derive(Debug, Clone)]
pub struct OrgShown {
    /// The organization, as last loaded or saved.
    pub org: Organization,
    /// Shows the organization as saved.
    pub reload: Callback<Organization>,
}

/// The organization named in the address: its header and tabs, and the tab's route inside.
/// Switching tabs changes only what is inside; the header stays.
#[component]
pub fn OrgDetail() -> impl IntoView {
    let params = use_params_map();
    let cache = OrgCache::get();
    let org = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move {
            // A malformed id names nothing: the same answer as an unknown one.
            let Ok(id) = OrgId::parse(&id) else {
                return Ok::<_, api::ApiError>(None);
            };
            if let Some(org) = cache.and_then(|c| c.fresh(&id)) {
                return Ok(Some(org));
            }
            let org = api::orgs::get_one(id).await?;
            if let Some(c) = cache {
                c.put([org.clone()]);
            }
            Ok(Some(org))
        }
    });
    // After a save the page shows the organization as the proxy answered the save.
    let reload = Callback::new(move |saved: Organization| {
        if let Some(c) = cache {
            c.put([saved]);
        }
        org.refetch();
    });
    view! {
        <Transition fallback=|| view! { <DetailSkeleton/> }>
            {move || Suspend::new(async move {
                match org.await {
                    Ok(Some(org)) => view! { <OrgView org reload/> }.into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(err) if err.is_not_found() => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// An organization's page once loaded.
#[component]
fn OrgView(
    /// The organization.
    org: Organization,
    /// Shows the organization as saved.
    reload: Callback<Organization>,
) -> impl IntoView {
    provide_context(OrgShown {
        org: org.clone(),
        reload,
    });
    let location = use_location();
    let tab = Memo::new(move |_| OrgTab::of_path(&location.pathname.get()));
    let stored = StoredValue::new(org.clone());
    let can_export = use_context::<Me>().is_some_and(|me| me.can(Capability::ExportConfig));
    // Only the title, trail and current tab follow the tab; the header stays as it is.
    view! {
        {move || view! { <OrgTitle org=stored.get_value() tab=tab.get()/> }}
        <section class="od-org-header od-card">
            <OrgAvatar org=org.clone() size=AvatarSize::Large/>
            <div class="od-org-header__text">
                <h1 class="od-org-header__name">{org.label().to_owned()}</h1>
                <div class="od-org-header__meta">
                    <code>{org.name.to_string()}</code>
                    <span class="od-dot" aria-hidden="true">"·"</span>
                    <code class="od-id" data-testid="org-id">{org.id.to_string()}</code>
                    <CopyButton value=org.id.to_string() label="organization id"/>
                </div>
            </div>
            {can_export.then(|| view! { <ExportMenu org=org.id.clone()/> })}
        </section>
        {move || view! { <OrgTabs base=format!("/orgs/{}", stored.with_value(|o| o.id.clone())) current=tab.get().key()/> }}
        <Outlet/>
    }
}

impl OrgTab {
    /// The tab's key in the tab bar.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Branding => "branding",
            Self::Access => "access",
            Self::Members => "members",
            Self::Invitations => "invitations",
            Self::Connections => "connections",
            Self::Domains => "domains",
        }
    }
}

/// The page's title and trail for `tab`.
#[component]
fn OrgTitle(org: Organization, tab: OrgTab) -> impl IntoView {
    let me = use_context::<Me>();
    let trail = match me.as_ref().map(|m| m.role) {
        Some(Role::PlatformAdmin) => vec![("Organizations".to_owned(), "/orgs".to_owned())],
        _ => Vec::new(),
    };
    let base = format!("/orgs/{}", org.id);
    let title = match tab {
        OrgTab::Overview => org.label().to_owned(),
        OrgTab::Branding => "Branding".to_owned(),
        OrgTab::Access => "Access".to_owned(),
        OrgTab::Members => "Members".to_owned(),
        OrgTab::Invitations => "Invitations".to_owned(),
        OrgTab::Connections => "Connections".to_owned(),
        OrgTab::Domains => "Domains & SSO".to_owned(),
    };
    let mut trail = trail;
    if tab != OrgTab::Overview {
        trail.push((org.label().to_owned(), base.clone()));
    }
    view! { <PageHeader trail title=title title_in_trail_only=true/> }
}

/// The shown organization, for a tab.
#[must_use]
pub fn org_shown() -> Option<OrgShown> {
    use_context::<OrgShown>()
}

/// The Overview tab.
#[component]
pub fn OverviewTab() -> impl IntoView {
    org_shown().map(|OrgShown { org, reload }| view! { <Overview org reload/> })
}

/// Name, branding and metadata at a glance; rename and delete for platform admins.
#[component]
fn Overview(
    /// The organization.
    org: Organization,
    /// Shows it as saved.
    reload: Callback<Organization>,
) -> impl IntoView {
    let me = use_context::<Me>();
    let can = |cap: Capability| me.as_ref().is_some_and(|m| m.can(cap));
    let colors = org
        .branding
        .as_ref()
        .and_then(|b| b.colors.clone())
        .unwrap_or_default();
    let logo = org.logo_url().map(ToString::to_string);
    let metadata: Vec<(String, String)> = org
        .metadata
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let used = metadata.len();
    view! {
        <div class="od-grid">
            <section class="od-card">
                <h2 class="od-card__title">"Branding"</h2>
                <dl class="od-facts">
                    <dt>"Primary colour"</dt>
                    <dd><Swatch color=colors.primary.clone() with_label=true/></dd>
                    <dt>"Page background"</dt>
                    <dd><Swatch color=colors.page_background.clone() with_label=true/></dd>
                    <dt>"Logo"</dt>
                    <dd>
                        {match logo {
                            Some(url) => view! { <code class="od-url">{url}</code> }.into_any(),
                            None => view! { <span class="od-muted">"No logo set"</span> }.into_any(),
                        }}
                    </dd>
                </dl>
            </section>
            <section class="od-card">
                <h2 class="od-card__title">
                    "Metadata"
                    <span class="od-card__hint">{format!("{used} of {METADATA_MAX_KEYS} keys used")}</span>
                </h2>
                {if metadata.is_empty() {
                    view! { <p class="od-muted">"No metadata. AI models, data region and monthly AI tokens are kept here."</p> }.into_any()
                } else {
                    view! {
                        <table class="od-table od-table--compact">
                            <thead><tr><th scope="col">"Key"</th><th scope="col">"Value"</th></tr></thead>
                            <tbody>
                                {metadata.into_iter().map(|(k, v)| view! {
                                    <tr><td><code>{k}</code></td><td class="od-table__value">{v}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
        {can(Capability::RenameOrg).then(|| view! { <RenameCard org=org.clone() reload/> })}
        {can(Capability::DeleteOrg).then(|| view! { <DeleteOrg org=org.clone()/> })}
    }
}

/// Changing the display name (platform admins).
#[component]
fn RenameCard(
    /// The organization.
    org: Organization,
    /// Shows it as saved.
    reload: Callback<Organization>,
) -> impl IntoView {
    let saved = org
        .display_name
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let name = RwSignal::new(saved.clone());
    let error = Memo::new(move |_| name.with(|n| DisplayName::parse(n).err().map(|e| e.message)));
    let saved_for_changed = saved.clone();
    let changed = Memo::new(move |_| name.with(|n| *n != saved_for_changed));
    let patch = Signal::derive(move || OrgPatchInput {
        display_name: Some(name.get().trim().to_owned()),
        ..OrgPatchInput::default()
    });
    let valid = Signal::derive(move || error.get().is_none() && changed.get());
    view! {
        <section class="od-card od-section">
            <h2 class="od-card__title">"Display name"</h2>
            <div class="od-field">
                <label class="od-field__label" for="display-name">"Display name"</label>
                <input id="display-name" class="od-input od-input--wide" class:od-input--invalid=move || error.get().is_some()
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                {move || match error.get() {
                    Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                    None => view! { <p class="od-field__help">"What people see on the sign-in page and in lists; 1–255 characters."</p> }.into_any(),
                }}
            </div>
            <SaveFlow org=org.clone() patch valid on_saved=reload label="Save name"/>
        </section>
    }
}

/// Deleting the organization, after typing its name (platform admins).
#[component]
fn DeleteOrg(
    /// The organization.
    org: Organization,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let id = org.id.clone();
    let counts = LocalResource::new(move || {
        let id = id.clone();
        async move {
            if open.get() {
                api::orgs::counts(id).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let id = org.id.clone();
    let name = org.name.to_string();
    let label = org.label().to_owned();
    let deleted = org.id.clone();
    let cache = OrgCache::get();
    let delete = mutation(
        "Not deleted",
        move |()| api::orgs::delete(id.clone()),
        move |()| {
            if let Some(c) = cache {
                c.forget(&deleted);
            }
            navigate("/orgs", Default::default());
            Some(format!("Deleted {label}"))
        },
    );
    let consequence = Signal::derive(move || match counts.get() {
        Some(Ok(Some(c))) => format!(
            "This deletes the organization with its {} members and {} pending invitations.",
            c.members, c.invitations
        ),
        Some(Err(err)) => format!("Could not count what goes with it: {err}"),
        _ => "Counting members and invitations…".to_owned(),
    });
    view! {
        <DangerZone what="Delete this organization"
            why="Its members lose access through it and its invitations stop working. This cannot be undone."
            button="Delete organization…" title=format!("Delete {}?", org.label()) consequence
            expected=name field_id="confirm-name" open
            pending=delete.pending() on_confirm=Callback::new(move |()| { delete.dispatch(()); })/>
    }
}
