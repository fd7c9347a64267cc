//! The proxy's part of `cargo xtask bench`.
//!
//! - `orgdesk-bench tenant [--smoke] [--keep DIR | --database-url URL]` times the proxy on a large
//!   synthetic tenant (on PostgreSQL: in a database it creates on that server and drops after)
//!   and prints the figures as one JSON object.
//! - `orgdesk-bench upstream [--orgs N] [--delay-ms N]` serves a stand-in for Auth0's Management
//!   API on loopback until stopped.
//! - `orgdesk-bench session DIR` signs the platform admin in, in the store in DIR, and prints the
//!   session cookie, so that load generators and browsers start signed in.

#![allow(clippy::print_stdout)]

mod tenant;
mod upstream;

use std::path::PathBuf;

use anyhow::Context;
use orgdesk_proxy::session::demo::PERSONAS;
use orgdesk_proxy::session::SessionStore;

/// Signs the platform admin in, in `sessions`; returns the `Cookie` header value.
pub async fn sign_in(sessions: &SessionStore) -> anyhow::Result<String> {
    let admin = PERSONAS
        .iter()
        .find(|p| p.key == "platform-admin")
        .context("the platform admin persona")?;
    let (token, _) = sessions
        .create(admin.session())
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(format!(
        "{}={token}",
        orgdesk_proxy::session::cookie_name(false)
    ))
}

/// Signs the platform admin in, in the store in `dir`; returns the `Cookie` header value.
async fn session(dir: PathBuf) -> anyhow::Result<String> {
    let pool = orgdesk_proxy::db::open(&dir).await?;
    let cookie = sign_in(&SessionStore::new(pool.clone())).await;
    pool.close().await;
    cookie
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args.first().map(String::as_str) {
        Some("tenant") => {
            let report = tenant::run(
                flag("--smoke"),
                value("--keep").map(PathBuf::from),
                value("--database-url"),
            )
            .await?;
            println!("{report}");
        }
        Some("upstream") => {
            let orgs = value("--orgs")
                .map(|n| n.parse())
                .transpose()
                .context("--orgs takes a number")?
                .unwrap_or(200);
            let delay = value("--delay-ms")
                .map(|n| n.parse())
                .transpose()
                .context("--delay-ms takes a number")?
                .unwrap_or(0);
            upstream::run(orgs, std::time::Duration::from_millis(delay)).await?;
        }
        Some("session") => {
            let dir = args.get(1).context("orgdesk-bench session DIR")?;
            println!("{}", session(PathBuf::from(dir)).await?);
        }
        _ => anyhow::bail!("usage: orgdesk-bench tenant [--smoke] [--keep DIR | --database-url POSTGRES_URL] | upstream [--orgs N] [--delay-ms N] | session DIR"),
    }
    Ok(())
}
