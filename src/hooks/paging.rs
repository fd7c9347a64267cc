//! A list fetched a page at a time by cursor, kept as one growing list.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use orgdesk_model::api::CursorPage;

use crate::api::ApiError;
use crate::components::toast::{use_toasts, Toasts};

type Fetch<T> =
    Rc<dyn Fn(Option<String>) -> Pin<Box<dyn Future<Output = Result<CursorPage<T>, ApiError>>>>>;

/// The rows loaded so far and where the next page starts. [`CursorPages::restart`] starts
/// over (a new search); an answer to a search that was replaced meanwhile is dropped.
pub struct CursorPages<T: 'static> {
    /// Every row loaded, in order.
    pub rows: RwSignal<Vec<T>>,
    /// Where the next page starts; `None` once the last page is in.
    pub next: RwSignal<Option<String>>,
    /// Whether a page is on its way.
    pub loading: RwSignal<bool>,
    /// Whether any answer came yet (before it, the list is loading, not empty).
    pub loaded_once: RwSignal<bool>,
    /// The last failure, in the proxy's words.
    pub error: RwSignal<Option<String>>,
    generation: RwSignal<u64>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
    toasts: Toasts,
}

impl<T: 'static> Clone for CursorPages<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for CursorPages<T> {}

impl<T: Send + Sync + 'static> CursorPages<T> {
    /// Pages that `fetch` gets, given the cursor to start from (`None`: the first page).
    /// Nothing is fetched until [`Self::restart`].
    pub fn new<Fut>(fetch: impl Fn(Option<String>) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<CursorPage<T>, ApiError>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move |from| Box::pin(fetch(from)));
        Self {
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            loaded_once: RwSignal::new(false),
            error: RwSignal::new(None),
            generation: RwSignal::new(0),
            fetch: StoredValue::new_local(fetch),
            toasts: use_toasts(),
        }
    }

    /// Counts the restarts: a list shown from these pages scrolls to its top when it changes.
    #[must_use]
    pub fn generation(&self) -> Signal<u64> {
        self.generation.into()
    }

    /// Drops what is loaded and fetches the first page again.
    pub fn restart(&self) {
        self.generation.update(|g| *g += 1);
        self.rows.set(Vec::new());
        self.next.set(None);
        self.load(None);
    }

    /// Fetches the next page, unless one is on its way or the last is in.
    pub fn load_more(&self) {
        if self.loading.get_untracked() {
            return;
        }
        if let Some(cursor) = self.next.get_untracked() {
            self.load(Some(cursor));
        }
    }

    fn load(&self, from: Option<String>) {
        let this = *self;
        let current = this.generation.get_untracked();
        this.loading.set(true);
        let answer = this.fetch.with_value(|fetch| fetch(from.clone()));
        spawn_local(async move {
            let result = answer.await;
            // A newer search replaced this one while it was on its way.
            if this.generation.try_get_untracked() != Some(current) {
                return;
            }
            this.loading.set(false);
            this.loaded_once.set(true);
            match result {
                Ok(page) => {
                    if from.is_none() {
                        this.rows.set(page.items);
                    } else {
                        this.rows.update(|r| r.extend(page.items));
                    }
                    this.next.set(page.next);
                    this.error.set(None);
                }
                Err(err) => {
                    this.toasts.error(&err);
                    this.error.set(Some(err.message));
                }
            }
        });
    }
}
