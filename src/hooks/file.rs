//! Reading the file a person chose in an `<input type="file">`.

use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Reads the first file chosen in the input that fired `ev` as text, then calls `then` with its
/// name and text. Nothing happens when no file was chosen or it cannot be read as text.
pub fn read_chosen_file(ev: &leptos::ev::Event, then: impl FnOnce(String, String) + 'static) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    spawn_local(async move {
        if let Ok(value) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
            then(file.name(), value.as_string().unwrap_or_default());
        }
    });
}
