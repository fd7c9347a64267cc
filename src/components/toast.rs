//! Toasts: short messages about what just happened, in a corner, gone after a few seconds.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::ApiError;

/// How a toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Something worked.
    Success,
    /// Something failed.
    Error,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
    detail: Option<String>,
}

/// The toasts on screen, shared through context.
#[derive(Debug, Clone, Copy)]
struct Shelf {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

/// Where a component says what happened. Without a toaster above it (a component test),
/// messages go nowhere.
#[derive(Debug, Clone, Copy)]
pub struct Toasts(Option<Shelf>);

impl Toasts {
    /// Shows a message; `detail` is a smaller second line (a request id, say).
    pub fn push(&self, kind: ToastKind, message: impl Into<String>, detail: Option<String>) {
        if let Some(shelf) = self.0 {
            shelf.push(kind, message.into(), detail);
        }
    }

    /// Says that something worked.
    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message, None);
    }

    /// Says that a call failed, in the proxy's words, with its request id to quote;
    /// `what` names what did not happen ("Not saved").
    pub fn failure(&self, what: &str, err: &ApiError) {
        self.push(
            ToastKind::Error,
            format!("{what}: {err}"),
            request_line(err),
        );
    }

    /// Says that a load failed, in the proxy's words, with its request id to quote.
    pub fn error(&self, err: &ApiError) {
        self.push(ToastKind::Error, err.message.clone(), request_line(err));
    }

    fn list(&self) -> Vec<Toast> {
        self.0.map(|shelf| shelf.list.get()).unwrap_or_default()
    }

    fn dismiss(&self, id: u64) {
        if let Some(shelf) = self.0 {
            shelf.list.update(|list| list.retain(|t| t.id != id));
        }
    }
}

fn request_line(err: &ApiError) -> Option<String> {
    err.request_id.as_ref().map(|id| format!("Request id {id}"))
}

impl Shelf {
    fn push(&self, kind: ToastKind, message: String, detail: Option<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|list| {
            list.push(Toast {
                id,
                kind,
                message,
                detail,
            });
        });
        let list = self.list;
        set_timeout(
            move || list.update(|list| list.retain(|t| t.id != id)),
            Duration::from_secs(if kind == ToastKind::Error { 8 } else { 4 }),
        );
    }
}

/// Makes [`Toasts`] available to everything below.
pub fn provide_toaster() {
    provide_context(Shelf {
        list: RwSignal::new(Vec::new()),
        next: StoredValue::new(0),
    });
}

/// The toasts from context.
#[must_use]
pub fn use_toasts() -> Toasts {
    Toasts(use_context::<Shelf>())
}

/// Renders the current toasts; place once, near the root.
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = use_toasts();
    let list = move || toasts.list();
    view! {
        <div class="od-toaster" role="status" aria-live="polite">
            <For each=list key=|toast| toast.id let:toast>
                <div class=move || {
                    format!(
                        "od-toast {}",
                        if toast.kind == ToastKind::Error { "od-toast--error" } else { "od-toast--success" },
                    )
                }>
                    <div class="od-toast__body">
                        <div class="od-toast__message">{toast.message.clone()}</div>
                        {toast.detail.clone().map(|d| view! { <div class="od-toast__detail">{d}</div> })}
                    </div>
                    <button
                        class="od-toast__close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
