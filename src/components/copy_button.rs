//! A small button that copies a value (an id) to the clipboard.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::toast::{use_toasts, ToastKind};

fn write_clipboard(text: &str) -> bool {
    // The Clipboard API is still behind web-sys's unstable flag, so call it by name.
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    write
        .dyn_ref::<js_sys::Function>()
        .is_some_and(|f| f.call1(&clipboard, &text.into()).is_ok())
}

/// Copies `value` and says so.
#[component]
pub fn CopyButton(
    /// What to copy.
    value: String,
    /// What the value is, for the button's label ("organization id").
    label: &'static str,
) -> impl IntoView {
    let toasts = use_toasts();
    let copy = move |_| {
        let ok = write_clipboard(&value);
        if ok {
            toasts.success(format!("Copied the {label}"));
        } else {
            toasts.push(ToastKind::Error, "The browser did not allow copying", None);
        }
    };
    view! {
        <button class="od-icon-button" type="button" title=format!("Copy {label}") aria-label=format!("Copy {label}") on:click=copy>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5">
                <rect x="5.5" y="5.5" width="8" height="8" rx="1.5"></rect>
                <path d="M10.5 3.5v-0.5a1.5 1.5 0 0 0-1.5-1.5h-5.5a1.5 1.5 0 0 0-1.5 1.5v5.5a1.5 1.5 0 0 0 1.5 1.5h0.5"></path>
            </svg>
        </button>
    }
}
