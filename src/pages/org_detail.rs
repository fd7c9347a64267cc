//! One organization: its header, branding and metadata.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use orgdesk_model::{Me, OrgId, Organization, Role, METADATA_MAX_KEYS};

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::components::error_view::ErrorView;
use crate::components::org_avatar::OrgAvatar;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::DetailSkeleton;
use crate::components::swatch::Swatch;
use crate::pages::not_found::NotFound;

/// The organization named in the address.
#[component]
pub fn OrgDetail() -> impl IntoView {
    let params = use_params_map();
    let org = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move {
            match OrgId::parse(&id) {
                Ok(id) => api::orgs::get_one(id).await.map(Some),
                // A malformed id names nothing: the same answer as an unknown one.
                Err(_) => Ok(None),
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <DetailSkeleton/> }>
            {move || Suspend::new(async move {
                match org.await {
                    Ok(Some(org)) => view! { <OrgView org/> }.into_any(),
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
) -> impl IntoView {
    let me = use_context::<Me>();
    let trail = match me.map(|m| m.role) {
        Some(Role::PlatformAdmin) => vec![("Organizations".to_owned(), "/orgs".to_owned())],
        _ => Vec::new(),
    };
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
        <PageHeader trail title=org.label().to_owned() title_in_trail_only=true/>
        <section class="od-org-header od-card">
            <OrgAvatar org=org.clone() size="lg"/>
            <div class="od-org-header__text">
                <h1 class="od-org-header__name">{org.label().to_owned()}</h1>
                <div class="od-org-header__meta">
                    <code>{org.name.to_string()}</code>
                    <span class="od-dot" aria-hidden="true">"·"</span>
                    <code class="od-id" data-testid="org-id">{org.id.to_string()}</code>
                    <CopyButton value=org.id.to_string() label="organization id"/>
                </div>
            </div>
        </section>
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
                    view! { <p class="od-muted">"No metadata. AI models, data region and token quota are kept here."</p> }.into_any()
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
    }
}
