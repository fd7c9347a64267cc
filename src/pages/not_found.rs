//! The screen for an address that names nothing (or nothing the person may see).

use leptos::prelude::*;
use leptos_router::components::A;

/// Not found.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="od-empty od-not-found">
            <div class="od-empty__icon" aria-hidden="true">"404"</div>
            <h1 class="od-empty__title">"Page not found"</h1>
            <p class="od-empty__text">"There is nothing here, or it is not yours to see. Check the address, or go back to a list."</p>
            <A href="/" attr:class="od-button od-button--primary">"Go to the start"</A>
        </section>
    }
}
