//! A one-line text field with its rule's message beside it, checked as the person types: the
//! message replaces the help and is tied to the input (`aria-invalid`, `aria-describedby`).

use leptos::prelude::*;

/// What a field holds, which decides the browser's keyboard and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    /// Plain text.
    #[default]
    Text,
    /// An address.
    Url,
    /// An email address.
    Email,
}

/// The field: label, input, and the help or the broken rule's message.
#[component]
pub fn TextField(
    /// The input's id.
    id: &'static str,
    /// Its label.
    label: &'static str,
    /// Said under it while it follows the rules.
    help: &'static str,
    /// What is typed.
    value: RwSignal<String>,
    /// The broken rule's message, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// What it holds.
    #[prop(optional)]
    kind: InputKind,
    /// Monospaced, without spell checking (identifiers, codes).
    #[prop(optional)]
    mono: bool,
) -> impl IntoView {
    let kind = match kind {
        InputKind::Text => "text",
        InputKind::Url => "url",
        InputKind::Email => "email",
    };
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="od-field">
            <label class="od-field__label" for=id>{label}</label>
            <input id=id class="od-input od-input--wide" type=kind class:od-input--mono=mono
                autocomplete="off" spellcheck=mono.then_some("false")
                class:od-input--invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| described.clone())
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            {move || match error.get() {
                Some(message) => view! { <p class="od-field__error" id=error_id.clone() role="alert">{message}</p> }.into_any(),
                None => view! { <p class="od-field__help">{help}</p> }.into_any(),
            }}
        </div>
    }
}
