//! A change shown field by field: before → after, colours as swatches.

use leptos::prelude::*;
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::Color;

use crate::components::swatch::Swatch;

fn value_view(kind: ValueKind, value: Option<String>) -> AnyView {
    match (kind, value) {
        (_, None) => view! { <span class="od-muted">"not set"</span> }.into_any(),
        (ValueKind::Color, Some(v)) => {
            view! { <Swatch color=Color::parse(&v).ok() with_label=true/> }.into_any()
        }
        (ValueKind::Text, Some(v)) => view! { <code class="od-diff__text">{v}</code> }.into_any(),
    }
}

/// The list of changes.
#[component]
pub fn ChangeList(
    /// The changes.
    changes: Vec<Change>,
) -> impl IntoView {
    view! {
        <ul class="od-diff" data-testid="diff">
            {changes
                .into_iter()
                .map(|change| {
                    view! {
                        <li class="od-diff__row">
                            <span class="od-diff__label">{change.label.clone()}</span>
                            <span class="od-diff__values">
                                {value_view(change.kind, change.before.clone())}
                                <span class="od-diff__arrow" aria-label="becomes">"→"</span>
                                {value_view(change.kind, change.after.clone())}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
