//! A dialog over the page: Escape or the backdrop closes it, focus moves into it, Tab keeps
//! it there, and on closing it goes back to the control that opened the dialog.

use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::hooks::focus::restore_if_lost_else_main;

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
                         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// The elements Tab reaches inside `panel`, in order.
fn focusable(panel: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Keeps Tab and Shift+Tab inside the dialog: past its last control focus wraps to the first.
fn keep_tab_inside(panel: &web_sys::Element, ev: &web_sys::KeyboardEvent) {
    let controls = focusable(panel);
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let at = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    let inside = active.as_ref().is_some_and(|a| panel.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

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
    // Who had the focus before the dialog took it.
    let opener = SendWrapper::new(
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element()),
    );
    // Once closed, the focus goes back to the opener, or to the main region when what closed
    // the dialog removed or disabled it (a removed row, a Save with nothing left to save).
    on_cleanup(move || restore_if_lost_else_main(opener.take()));
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
                    } else if ev.key() == "Tab" {
                        if let Some(panel) = panel.get_untracked() {
                            keep_tab_inside(&panel, &ev);
                        }
                    }
                }
            >
                <h2 class="od-modal__title">{title.clone()}</h2>
                {children()}
            </div>
        </div>
    }
}
