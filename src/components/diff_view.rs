//! A change shown field by field: before → after, colours as swatches.

use leptos::prelude::*;
use orgdesk_model::diff::{Change, ValueKind};
use orgdesk_model::Color;

use crate::components::modal::Modal;
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

/// "Review your changes": what a save would change, then Back to editing or Confirm and save.
#[component]
pub fn ReviewDialog(
    /// The line above the changes ("You are about to change:").
    lead: &'static str,
    /// What the save changes.
    changes: Vec<Change>,
    /// Whether the save is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Saves.
    on_confirm: Callback<()>,
    /// Back to editing.
    on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <Modal title="Review your changes" on_close>
            <p class="od-muted">{lead}</p>
            <ChangeList changes/>
            <div class="od-modal__actions">
                <button class="od-button" on:click=move |_| on_close.run(())>"Back to editing"</button>
                <button class="od-button od-button--primary" data-testid="confirm"
                    aria-disabled=move || pending.get().then_some("true")
                    on:click=move |_| if !pending.get_untracked() { on_confirm.run(()); }>
                    {move || if pending.get() { "Saving…" } else { "Confirm and save" }}
                </button>
            </div>
        </Modal>
    }
}
