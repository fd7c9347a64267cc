//! A dialog over the page: Escape or the backdrop closes it, focus moves into it.

use leptos::html;
use leptos::prelude::*;

/// What a dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    /// An ordinary dialog.
    #[default]
    Neutral,
    /// A destructive confirmation.
    Danger,
}

/// A modal dialog; render it only while it is open.
#[component]
pub fn Modal(
    /// The dialog's title.
    #[prop(into)]
    title: String,
    /// Called when the person dismisses it (Escape, backdrop, Cancel).
    on_close: Callback<()>,
    /// Danger for destructive confirmations.
    #[prop(optional)]
    tone: Tone,
    /// The content, buttons included.
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<html::Div>::new();
    Effect::new(move || {
        if let Some(panel) = panel.get() {
            // Focus the first field or button, so keyboard users start inside the dialog.
            let first = panel
                .query_selector("input:not([disabled]), select, textarea, button:not([disabled])")
                .ok()
                .flatten();
            if let Some(el) =
                first.and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div class="od-modal" on:click=move |_| on_close.run(())>
            <div
                class=match tone {
                    Tone::Neutral => "od-modal__panel",
                    Tone::Danger => "od-modal__panel od-modal__panel--danger",
                }
                role="dialog"
                aria-modal="true"
                aria-label=title.clone()
                node_ref=panel
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 class="od-modal__title">{title.clone()}</h2>
                {children()}
            </div>
        </div>
    }
}
