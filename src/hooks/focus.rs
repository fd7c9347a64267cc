//! Where the keyboard's focus goes when what held it goes away.
//!
//! A control that is removed or disabled gives the focus to the page's body, and the next Tab
//! starts again from the top of the page. These put it somewhere that carries on.

use wasm_bindgen::JsCast;

/// Whether nothing on the page has the focus (it is on the body), or what has it is about to
/// lose it: disabled or taken off the page, which the browser only acts on at its next frame.
fn lost(document: &web_sys::Document) -> bool {
    match (document.active_element(), document.body()) {
        (Some(active), Some(body)) => {
            active == *body.unchecked_ref::<web_sys::Element>()
                || !active.is_connected()
                || active.matches(":disabled").unwrap_or(false)
        }
        _ => true,
    }
}

/// Focuses the first of `candidates` that is on the page and enabled, once what is being
/// drawn now has been drawn, and only if the focus was lost meanwhile: nothing moves when
/// the person or the page has put it somewhere already.
pub fn restore_if_lost(candidates: Vec<web_sys::Element>) {
    leptos::prelude::request_animation_frame(move || {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if !lost(&document) {
            return;
        }
        let target = candidates
            .into_iter()
            .filter(|el| el.is_connected() && !el.matches(":disabled").unwrap_or(true))
            .find_map(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            let _ = target.focus();
        }
    });
}

/// [`restore_if_lost`] onto `first`, else the page's main region.
pub fn restore_if_lost_else_main(first: Option<web_sys::Element>) {
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main").ok().flatten());
    restore_if_lost(first.into_iter().chain(main).collect());
}

/// [`restore_if_lost_else_main`] onto the element with this id.
pub fn restore_to_id_if_lost(id: &str) {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    restore_if_lost_else_main(field);
}
