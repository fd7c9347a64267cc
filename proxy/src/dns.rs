//! Looks up the TXT records that prove a domain is an organization's, through the resolver set
//! in `[dns]` (or the system's). orgdesk asks every time: nothing is cached, so Verify always
//! says what the DNS says now.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData};
use hickory_resolver::TokioResolver;
use serde::Deserialize;

/// How long one question may take before the resolver counts as not answering.
const TIMEOUT: Duration = Duration::from_secs(3);

/// The `[dns]` section of `orgdesk.toml`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DnsConfig {
    /// The resolver to ask (address and port); without it, the system's (`/etc/resolv.conf`).
    #[serde(default)]
    pub resolver: Option<SocketAddr>,
}

/// Why a look-up said nothing either way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DnsUnavailable(pub String);

/// The resolver.
pub struct Dns {
    resolver: Result<TokioResolver, String>,
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("ready", &self.resolver.is_ok())
            .finish()
    }
}

impl Dns {
    /// A resolver asking `config.resolver`, or the system's resolvers. A system without any is
    /// not an error here: each look-up then says so.
    #[must_use]
    pub fn new(config: DnsConfig) -> Self {
        let builder = match config.resolver {
            Some(server) => {
                let mut udp = ConnectionConfig::udp();
                udp.port = server.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = server.port();
                let name_server = NameServerConfig::new(server.ip(), true, vec![udp, tcp]);
                Ok(TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![name_server]),
                    TokioRuntimeProvider::default(),
                ))
            }
            None => TokioResolver::builder_tokio()
                .map_err(|err| format!("orgdesk found no DNS resolver to ask: {err}")),
        };
        let resolver = builder.and_then(|mut builder| {
            let options: &mut ResolverOpts = builder.options_mut();
            options.timeout = TIMEOUT;
            options.attempts = 1;
            // Verify must see a record published or removed a moment ago.
            options.cache_size = 0;
            builder
                .build()
                .map_err(|err| format!("orgdesk could not start its DNS resolver: {err}"))
        });
        Self { resolver }
    }

    /// The TXT records at `host`, each one's strings joined; none when the name or the record
    /// does not exist.
    ///
    /// # Errors
    /// When the resolver did not answer or answered with a failure.
    pub async fn txt(&self, host: &str) -> Result<Vec<String>, DnsUnavailable> {
        let resolver = self
            .resolver
            .as_ref()
            .map_err(|e| DnsUnavailable(e.clone()))?;
        // As ASCII: the record's name starts with `_`, which IDNA processing would refuse.
        let name = Name::from_ascii(format!("{}.", host.trim_end_matches('.'))).map_err(|err| {
            DnsUnavailable(format!("{host} is not a name DNS can ask for: {err}"))
        })?;
        match resolver.txt_lookup(name).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    RData::TXT(txt) => Some(
                        txt.txt_data
                            .iter()
                            .map(|part| String::from_utf8_lossy(part).into_owned())
                            .collect::<String>(),
                    ),
                    _ => None,
                })
                .collect()),
            Err(err) if err.is_no_records_found() || err.is_nx_domain() => Ok(Vec::new()),
            Err(err) => Err(DnsUnavailable(format!(
                "The DNS resolver did not answer for {host} ({err}). Nothing was changed; try again in a moment."
            ))),
        }
    }
}
