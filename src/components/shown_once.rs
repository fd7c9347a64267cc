//! A value shown once (a client secret, a set-up link): a read-only field with a copy button, in
//! a dialog that says so; closing it forgets the value.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::modal::Modal;

/// The dialog.
#[component]
pub fn ShownOnce(
    /// The dialog's title.
    #[prop(into)]
    title: String,
    /// What follows "Copy it now.": why, and what to do with it.
    #[prop(into)]
    note: String,
    /// The field's label ("Client secret").
    label: &'static str,
    /// The field's id and test id.
    field_id: &'static str,
    /// What the copy button copies, for its label ("client secret").
    copy_label: &'static str,
    /// The value.
    value: String,
    /// The button that closes the dialog ("I have stored it").
    done_label: &'static str,
    /// That button's test id.
    done_testid: &'static str,
    /// Closes the dialog.
    on_close: Callback<()>,
    /// Other actions, before the closing button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <Modal title on_close>
            <p><strong>"Copy it now."</strong>" "{note}</p>
            <div class="od-field">
                <label class="od-field__label" for=field_id>{label}</label>
                <div class="od-secret">
                    <input id=field_id class="od-input od-input--mono" readonly prop:value=value.clone() data-testid=field_id/>
                    <CopyButton value label=copy_label/>
                </div>
            </div>
            <div class="od-modal__actions">
                {children.map(|children| children())}
                <button class="od-button od-button--primary" data-testid=done_testid on:click=move |_| on_close.run(())>{done_label}</button>
            </div>
        </Modal>
    }
}
