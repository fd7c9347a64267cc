//! How a failed load looks: a card in place of the content, and a toast.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::toast::use_toasts;

/// The failure of a load, explained where the content would have been.
#[component]
pub fn ErrorView(
    /// What failed.
    err: ApiError,
) -> impl IntoView {
    use_toasts().error(&err);
    view! {
        <div class="od-card od-error" role="alert">
            <h2 class="od-card__title">"This could not be loaded"</h2>
            <p>{err.message.clone()}</p>
            {err.request_id.clone().map(|id| view! { <p class="od-muted">"Request id: " <code>{id}</code></p> })}
        </div>
    }
}

/// Fallback for an `ErrorBoundary`: shows each error (API errors with their request id).
pub fn error_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="od-card od-error" role="alert">
            <h2 class="od-card__title">"Something went wrong"</h2>
            <ul>
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
        </div>
    }
}
