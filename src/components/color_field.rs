//! A colour input: a swatch that opens the native picker, and a hex field, kept in sync.

use leptos::prelude::*;
use orgdesk_model::Color;

/// Label, swatch picker, hex field, and the rule's message when the hex is not a colour.
#[component]
pub fn ColorField(
    /// The field's label.
    label: &'static str,
    /// Stable id for the input (tests and `for=`).
    id: &'static str,
    /// The text as typed.
    value: RwSignal<String>,
    /// Help under the field.
    #[prop(optional)]
    help: &'static str,
    /// Whether the field can be changed.
    #[prop(into, default = Signal::from(false))]
    disabled: Signal<bool>,
) -> impl IntoView {
    let parsed = Memo::new(move |_| value.with(|v| Color::parse(v.trim())));
    let error = move || parsed.get().err().map(|e| e.message);
    // The picker needs a valid #rrggbb; while the text is invalid it keeps the last valid colour.
    let last_valid = Memo::new(move |prev: Option<&String>| {
        parsed
            .get()
            .map(|c| c.to_string())
            .unwrap_or_else(|_| prev.cloned().unwrap_or_else(|| "#000000".into()))
    });
    view! {
        <div class="od-field">
            <label class="od-field__label" for=id>{label}</label>
            <div class="od-color">
                <label class="od-color__swatch" style:background-color=move || last_valid.get() title="Pick a colour">
                    <input
                        type="color"
                        class="od-color__picker"
                        aria-label=format!("{label} picker")
                        prop:value=move || last_valid.get()
                        disabled=disabled
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
                <input
                    id=id
                    class="od-input od-color__hex"
                    class:od-input--invalid=move || error().is_some()
                    aria-invalid=move || error().is_some().to_string()
                    maxlength="7"
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=move || value.get()
                    disabled=disabled
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
            {move || match error() {
                Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                None => view! { <p class="od-field__help">{help}</p> }.into_any(),
            }}
        </div>
    }
}
