//! The confirmation of a change that cannot be undone: the person types the thing's name (or
//! identifier) before the button that does it is enabled.

use leptos::prelude::*;

use crate::components::modal::{Modal, Tone};

/// A danger dialog: what goes, a field that must hold `expected`, Cancel and the action.
/// Render it only while it is open.
#[component]
pub fn ConfirmTyped(
    /// The dialog's title (`Delete Acme?`).
    #[prop(into)]
    title: String,
    /// What the action takes with it, in words; may change while the dialog is open (counts).
    #[prop(into)]
    consequence: Signal<String>,
    /// What must be typed.
    #[prop(into)]
    expected: String,
    /// The field's id.
    field_id: &'static str,
    /// The action's button, and its words while it runs.
    action: &'static str,
    /// Said on the button while the action runs.
    running: &'static str,
    /// Whether the action is running.
    #[prop(into)]
    pending: Signal<bool>,
    /// Does it (the field matched).
    on_confirm: Callback<()>,
    /// Closes the dialog.
    on_close: Callback<()>,
    /// The action button's test id.
    #[prop(optional, into)]
    testid: Option<&'static str>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let shown = expected.clone();
    let matches = Memo::new(move |_| typed.get().trim() == expected);
    view! {
        <Modal title tone=Tone::Danger on_close>
            <p>{move || consequence.get()}</p>
            <div class="od-field">
                <label class="od-field__label" for=field_id>
                    "Type " <code>{shown}</code> " to confirm"
                </label>
                <input id=field_id class="od-input od-input--wide" autocomplete="off" spellcheck="false"
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <div class="od-modal__actions">
                <button class="od-button" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button class="od-button od-button--danger" data-testid=testid
                    disabled=move || !matches.get() || pending.get()
                    on:click=move |_| on_confirm.run(())>
                    {move || if pending.get() { running } else { action }}
                </button>
            </div>
        </Modal>
    }
}
