//! Organizations the app has just listed, read or saved. Moving between an organization's tabs,
//! or opening one from the list, shows what is already here instead of spending another
//! Management API call; entries are fresh for 30 s, as long as the proxy keeps its own index of
//! organizations, and a save or a delete replaces or drops its entry at once.

use leptos::prelude::*;
use orgdesk_model::{OrgId, Organization};

/// How long an entry is shown without asking the proxy again, in milliseconds.
const FRESH_MS: f64 = 30_000.0;
/// How many organizations are kept (a few pages of the list).
const CAPACITY: usize = 200;

/// The cache, shared through the context.
#[derive(Clone, Copy)]
pub struct OrgCache(StoredValue<Vec<(Organization, f64)>>);

impl OrgCache {
    /// An empty cache, provided to the app.
    pub fn provide() {
        provide_context(Self(StoredValue::new(Vec::new())));
    }

    /// The cache of the app, when there is one.
    #[must_use]
    pub fn get() -> Option<Self> {
        use_context::<Self>()
    }

    /// The organization with `id`, when it was seen in the last 30 s.
    #[must_use]
    pub fn fresh(&self, id: &OrgId) -> Option<Organization> {
        let now = js_sys::Date::now();
        self.0.with_value(|entries| {
            entries
                .iter()
                .find(|(org, at)| &org.id == id && now - at < FRESH_MS)
                .map(|(org, _)| org.clone())
        })
    }

    /// Keeps `orgs` as they are now.
    pub fn put(&self, orgs: impl IntoIterator<Item = Organization>) {
        let now = js_sys::Date::now();
        self.0.update_value(|entries| {
            for org in orgs {
                entries.retain(|(kept, _)| kept.id != org.id);
                entries.push((org, now));
            }
            let excess = entries.len().saturating_sub(CAPACITY);
            entries.drain(..excess);
        });
    }

    /// Drops the organization with `id` (it was deleted).
    pub fn forget(&self, id: &OrgId) {
        self.0
            .update_value(|entries| entries.retain(|(org, _)| &org.id != id));
    }
}
