//! The role catalogue: what each role grants, so admins know before they assign it.

use leptos::prelude::*;

use crate::api;
use crate::components::error_view::ErrorView;
use crate::components::page_header::PageHeader;
use crate::components::skeleton::TableSkeleton;

/// The Roles screen.
#[component]
pub fn RolesPage() -> impl IntoView {
    let catalogue = LocalResource::new(api::members::catalogue);
    view! {
        <PageHeader title="Roles"/>
        <p class="od-muted od-page-lead">"The roles members can hold in an organization and the permissions each grants in the AI application's API. Roles you may grant are marked."</p>
        <Transition fallback=|| view! { <TableSkeleton rows=4/> }>
            {move || Suspend::new(async move {
                match catalogue.await {
                    Ok(catalogue) => view! {
                        <div class="od-roles">
                            {catalogue.items.into_iter().map(|role| {
                                let grantable = catalogue.grantable.contains(&role.id);
                                view! {
                                    <article class="od-card od-role" data-role=role.name.clone()>
                                        <header class="od-role__head">
                                            <h2 class="od-role__name">{role.name.clone()}</h2>
                                            {grantable.then(|| view! { <span class="od-badge od-badge--ok">"You can grant"</span> })}
                                            <code class="od-id od-role__id">{role.id.clone()}</code>
                                        </header>
                                        <p class="od-muted">{role.description.clone()}</p>
                                        <ul class="od-role__permissions">
                                            {role.permissions.iter().map(|p| view! { <li><code>{p.clone()}</code></li> }).collect_view()}
                                        </ul>
                                    </article>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorView err/> }.into_any(),
                }
            })}
        </Transition>
    }
}
