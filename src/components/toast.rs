//! Toasts: short messages about what just happened, in a corner, gone after a few seconds.

use std::time::Duration;

use leptos::prelude::*;

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
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// Shows a message; `detail` is a smaller second line (a request id, say).
    pub fn push(&self, kind: ToastKind, message: impl Into<String>, detail: Option<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|list| {
            list.push(Toast {
                id,
                kind,
                message: message.into(),
                detail,
            });
        });
        let list = self.list;
        set_timeout(
            move || list.update(|list| list.retain(|t| t.id != id)),
            Duration::from_secs(if kind == ToastKind::Error { 8 } else { 4 }),
        );
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|list| list.retain(|t| t.id != id));
    }
}

/// Makes [`Toasts`] available to everything below.
pub fn provide_toaster() {
    provide_context(Toasts {
        list: RwSignal::new(Vec::new()),
        next: StoredValue::new(0),
    });
}

/// The toasts from context, if a toaster was provided.
#[must_use]
pub fn use_toasts() -> Option<Toasts> {
    use_context::<Toasts>()
}

/// Renders the current toasts; place once, near the root.
#[component]
pub fn Toaster() -> impl IntoView {
    let toasts = use_toasts();
    let list = move || toasts.map(|t| t.list.get()).unwrap_or_default();
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
                        on:click=move |_| {
                            if let Some(t) = toasts {
                                t.dismiss(toast.id);
                            }
                        }
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
