//! The `orgdesk` binary: parse the configuration, then serve.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = orgdesk_proxy::config::Cli::parse();
    orgdesk_proxy::init_tracing();
    orgdesk_proxy::serve(cli).await?;
    Ok(())
}
