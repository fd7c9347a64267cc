//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// orgdesk — an admin console for the Auth0 organizations of a multi-tenant AI product.
///
/// The proxy serves the browser app and the JSON API, holds every credential, and talks to the
/// directory: the embedded SQLite store with demo data (`--demo`), or Auth0's Management API.
#[derive(Debug, Clone, Parser)]
#[command(name = "orgdesk", version, about, long_about)]
pub struct Cli {
    /// Run on the embedded store, seeded with demo data on first start, with a persona sign-in
    /// page instead of Auth0.
    #[arg(long, env = "ORGDESK_DEMO")]
    pub demo: bool,

    /// Address to listen on. Port 0 picks a free port; the chosen address is printed.
    #[arg(long, env = "ORGDESK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder for the database (sessions, audit log and, in demo mode, the directory itself).
    /// Created when missing.
    #[arg(long, env = "ORGDESK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Folder with the built browser app (`trunk build` output).
    #[arg(long, env = "ORGDESK_ASSETS", default_value = "dist")]
    pub assets: PathBuf,

    /// The address people use to reach orgdesk. With `https://`, cookies are `Secure` and take
    /// the `__Host-` prefix. Defaults to `http://` and the listen address.
    #[arg(long, env = "ORGDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl Cli {
    /// Whether people reach orgdesk over https, which decides the cookie flavour.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.to_ascii_lowercase().starts_with("https://"))
    }
}
