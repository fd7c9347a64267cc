//! Grey placeholders shown while data loads, shaped like what will come.

use leptos::prelude::*;

/// A table's worth of placeholder rows.
#[component]
pub fn TableSkeleton(
    /// How many rows to draw.
    #[prop(default = 6)]
    rows: usize,
) -> impl IntoView {
    view! {
        <div class="od-card od-skeleton" aria-busy="true" aria-label="Loading">
            {(0..rows)
                .map(|_| {
                    view! {
                        <div class="od-skeleton__row">
                            <span class="od-skeleton__block od-skeleton__block--avatar"></span>
                            <span class="od-skeleton__block od-skeleton__block--wide"></span>
                            <span class="od-skeleton__block"></span>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The whole page while the app finds out who is signed in.
#[component]
pub fn PageSkeleton() -> impl IntoView {
    view! {
        <div class="od-shell od-shell--loading" aria-busy="true">
            <aside class="od-sidebar"></aside>
            <main class="od-main">
                <div class="od-content">
                    <TableSkeleton/>
                </div>
            </main>
        </div>
    }
}

/// A detail page's placeholder: header and two cards.
#[component]
pub fn DetailSkeleton() -> impl IntoView {
    view! {
        <div aria-busy="true" aria-label="Loading">
            <div class="od-skeleton__header">
                <span class="od-skeleton__block od-skeleton__block--logo"></span>
                <span class="od-skeleton__block od-skeleton__block--wide"></span>
            </div>
            <TableSkeleton rows=3/>
        </div>
    }
}
