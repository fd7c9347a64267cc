//! orgdesk's browser app: a Leptos single-page admin console over the proxy's JSON API.
//!
//! The release build compiles `Debug` formatting out (`-Z fmt-debug=none`, see the xtask's
//! web.rs): `{:?}` prints nothing there, so the app never uses it.
#![warn(clippy::use_debug)]

pub mod api;
pub mod app;
pub mod components;
pub mod hooks;
pub mod lazy;
pub mod org_cache;
pub mod pages;
