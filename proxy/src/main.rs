//! The `orgdesk` binary: parse the configuration, then serve (or check it).

use std::io::Write;

use clap::Parser;
use orgdesk_proxy::config::{Command, FileConfig};

/// Every request allocates many small strings (JSON in, JSON out); glibc's allocator spent a
/// fifth of the proxy's time under load on them, mimalloc a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = orgdesk_proxy::config::Cli::parse();
    orgdesk_proxy::init_tracing(cli.log_format);
    if let Some(Command::Check) = cli.command {
        let config = FileConfig::load(cli.config.as_deref())?;
        let report = orgdesk_proxy::check::check(&config, &orgdesk_proxy::env_var).await;
        let mut out = std::io::stdout().lock();
        for finding in &report.findings {
            let mark = if finding.ok { "ok  " } else { "FAIL" };
            writeln!(out, "{mark} {}", finding.text)?;
        }
        if !report.ok() {
            std::process::exit(1);
        }
        return Ok(());
    }
    orgdesk_proxy::serve(cli).await?;
    Ok(())
}
