//! The proxy's integration tests, one binary: each module is one area, the helpers they share
//! are modules beside them. One binary links once, where one per file linked the whole proxy
//! seventeen times.

// Helpers.
mod clock;
mod common;
mod demo_http;
mod pg;
mod upstream;

// Areas.
mod api;
mod apis;
mod assets;
mod connections;
mod contract;
mod domains;
mod export;
mod faults;
mod import;
mod m2m;
mod members;
mod operate;
mod orgs_write;
mod postgres;
mod real_mode;
mod replay;
mod robust;
mod roles;
mod security;
mod signin;
mod sso;
mod store;
mod tenant;
mod users;
