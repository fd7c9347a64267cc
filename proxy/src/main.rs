//! The `orgdesk` binary: parse the configuration, then serve (or check it).

use std::io::Write;

use clap::Parser;
use orgdesk_proxy::config::{Command, FileConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = orgdesk_proxy::config::Cli::parse();
    orgdesk_proxy::init_tracing();
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
