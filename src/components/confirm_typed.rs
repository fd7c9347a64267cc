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
                    disabled=move || !matches.get() aria-disabled=move || pending.get().then_some("true")
                    on:click=move |_| if !pending.get_untracked() { on_confirm.run(()); }>
                    {move || if pending.get() { running } else { action }}
                </button>
            </div>
        </Modal>
    }
}

/// The danger zone at the foot of a thing's page: what deleting it does, and the button that
/// opens the typed confirmation. `open` tells the page when the dialog is up (to count what
/// goes with it, say).
#[component]
pub fn DangerZone(
    /// The row's heading ("Delete this role").
    what: &'static str,
    /// What deleting does, always shown.
    why: &'static str,
    /// The button that opens the dialog ("Delete role…").
    button: &'static str,
    /// The dialog's title.
    #[prop(into)]
    title: String,
    /// What the deletion takes with it.
    #[prop(into)]
    consequence: Signal<String>,
    /// What must be typed.
    #[prop(into)]
    expected: String,
    /// The confirmation field's id.
    field_id: &'static str,
    /// The delete button's test id.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// Whether the deletion is running.
    #[prop(into)]
    pending: Signal<bool>,
    /// Deletes.
    on_confirm: Callback<()>,
    /// Whether the dialog is open.
    #[prop(optional)]
    open: Option<RwSignal<bool>>,
) -> impl IntoView {
    let open = open.unwrap_or_else(|| RwSignal::new(false));
    let title = StoredValue::new(title);
    let expected = StoredValue::new(expected);
    view! {
        <section class="od-card od-section od-danger">
            <h2 class="od-card__title">"Danger zone"</h2>
            <div class="od-danger__row">
                <div>
                    <strong>{what}</strong>
                    <p class="od-muted">{why}</p>
                </div>
                <button class="od-button od-button--danger" on:click=move |_| open.set(true)>{button}</button>
            </div>
            <Show when=move || open.get()>
                <ConfirmTyped title=title.get_value() consequence expected=expected.get_value() field_id
                    action="Delete for ever" running="Deleting…" testid=testid.unwrap_or("delete")
                    pending on_confirm on_close=Callback::new(move |()| open.set(false))/>
            </Show>
        </section>
    }
}
