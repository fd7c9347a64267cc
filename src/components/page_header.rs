//! The top of every screen: breadcrumb and title.

use leptos::prelude::*;
use leptos_router::components::A;

/// A screen's breadcrumb (links to the levels above) and title.
#[component]
pub fn PageHeader(
    /// The levels above this screen: (label, href).
    #[prop(default = Vec::new())]
    trail: Vec<(String, String)>,
    /// The screen's title.
    #[prop(into)]
    title: String,
    /// Show the title only in the breadcrumb, when the screen has its own heading below.
    #[prop(default = false)]
    title_in_trail_only: bool,
    /// Extra content on the right (actions).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="od-page-header">
            <div>
                {(!trail.is_empty()).then(|| view! {
                    <nav class="od-breadcrumb" aria-label="Breadcrumb">
                        {trail.into_iter().map(|(label, href)| view! {
                            <A href=href>{label}</A>
                            <span class="od-breadcrumb__sep" aria-hidden="true">"›"</span>
                        }).collect_view()}
                        <span aria-current="page">{title.clone()}</span>
                    </nav>
                })}
                {(!title_in_trail_only).then(|| view! { <h1 class="od-page-header__title">{title.clone()}</h1> })}
            </div>
            {children.map(|c| view! { <div class="od-page-header__actions">{c()}</div> })}
        </header>
    }
}
