//! orgdesk's browser app: a Leptos single-page admin console over the proxy's JSON API.

pub mod api;
pub mod app;
pub mod components;
pub mod hooks;
pub mod lazy;
pub mod org_cache;
pub mod pages;
