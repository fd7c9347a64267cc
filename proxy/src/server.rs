//! Serving orgdesk: the connection loop and its timeouts, who the client is behind trusted
//! proxies, liveness and readiness, a shutdown that drains, request logs and the metrics address.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use ipnet::IpNet;
use serde::Deserialize;
use tower::ServiceExt;
use tracing::Instrument;

use crate::error::AppError;
use crate::AppState;

/// Timeouts and the shutdown deadline (`[server]` in `orgdesk.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// A connection that has not sent a whole request head within this many seconds is
    /// closed (also an idle kept-alive connection).
    pub header_read_timeout_secs: u64,
    /// A request body that has not arrived whole within this many seconds is cut off.
    pub body_timeout_secs: u64,
    /// Every request is answered within this many seconds (503 past it).
    pub request_timeout_secs: u64,
    /// On SIGTERM, requests in flight get this many seconds to finish.
    pub shutdown_drain_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            body_timeout_secs: 15,
            // Above the Auth0 client's own deadlines (15 s for a 429, 10 s a request).
            request_timeout_secs: 30,
            shutdown_drain_secs: 20,
        }
    }
}

/// Who sent a request: the address of the person's browser, and whether it reached the edge
/// over https. Behind a trusted proxy it comes from `Forwarded`/`X-Forwarded-*`, otherwise from
/// the TCP peer; headers from anyone else are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address.
    pub ip: IpAddr,
    /// Whether a trusted proxy said the client used https.
    pub https: bool,
}

/// Parses `trusted_proxies` entries: CIDRs (`10.0.0.0/8`) or single addresses.
///
/// # Errors
/// The first entry that is neither.
pub fn parse_trusted(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|entry| {
            let entry = entry.trim();
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("trusted_proxies: “{entry}” is not an address or a CIDR range")
                })
        })
        .collect()
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    trusted.iter().any(|net| net.contains(&ip))
}

/// One `for=` of `Forwarded` or one entry of `X-Forwarded-For`: an address, maybe quoted,
/// bracketed (IPv6) or with a port.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    let inner = text.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok()
}

/// The hops a request passed, nearest last, and the protocol the first proxy saw.
fn forwarded_chain(headers: &HeaderMap) -> (Vec<Option<IpAddr>>, Option<String>) {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        let mut hops = Vec::new();
        let mut proto = None;
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            for pair in element.split(';') {
                let Some((key, value)) = pair.split_once('=') else {
                    continue;
                };
                match key.trim().to_ascii_lowercase().as_str() {
                    "for" => hops.push(parse_node(value)),
                    "proto" if proto.is_none() => {
                        proto = Some(value.trim().trim_matches('"').to_ascii_lowercase());
                    }
                    _ => {}
                }
            }
        }
        return (hops, proto);
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect();
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    (hops, proto)
}

/// Who the client is. Only when the TCP peer is a trusted proxy are the forwarding headers
/// read, from the nearest hop outwards: the first address that is not itself a trusted proxy is
/// the client (so a client cannot prepend a forged address). A malformed hop ends the walk at
/// the last address known good.
#[must_use]
pub fn client_info(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> ClientInfo {
    if !is_trusted(peer, trusted) {
        return ClientInfo {
            ip: peer,
            https: false,
        };
    }
    let (hops, proto) = forwarded_chain(headers);
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = *ip;
                if !is_trusted(*ip, trusted) {
                    break;
                }
            }
            None => break,
        }
    }
    ClientInfo {
        ip: client,
        https: proto.as_deref() == Some("https"),
    }
}

/// Sets [`ClientInfo`] on every request, for the limits, the logs and the same-origin check.
pub async fn resolve_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let info = client_info(peer, request.headers(), &state.settings.trusted_proxies);
    request.extensions_mut().insert(info);
    next.run(request).await
}

/// Answers a request that takes longer than `request_timeout_secs`: 503 for a read, and for
/// a change 502 `outcome_unknown`, since it may have been made.
pub async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = Duration::from_secs(state.settings.server.request_timeout_secs);
    let change = !request.method().is_safe();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request exceeded its deadline");
            if change {
                // Cut off mid-way, a change may or may not have been made.
                return AppError::OutcomeUnknown(format!(
                    "orgdesk could not finish this within {} s, so it may or may not have been applied. Refresh to see before trying again.",
                    limit.as_secs()
                ))
                .into_response();
            }
            AppError::Unavailable {
                message: format!(
                    "orgdesk could not finish this within {} s. Try again in a moment.",
                    limit.as_secs()
                ),
                retry_after: Some(5),
            }
            .into_response()
        }
    }
}

/// The error a request body gets when it has not arrived whole by its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// A request body that must arrive whole before a deadline, however it trickles in (a
/// per-read timeout would let one byte a second through forever).
struct DeadlineBody {
    inner: axum::body::Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.deadline.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        std::pin::Pin::new(&mut this.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Gives every request body `body_timeout_secs` to arrive whole; a body still trickling in
/// then fails to read, and the request is answered 400.
pub async fn body_deadline(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limit = Duration::from_secs(state.settings.server.body_timeout_secs);
    let request = request.map(|inner| {
        axum::body::Body::new(DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(limit)),
        })
    });
    next.run(request).await
}

/// The route a request matched, carried on the response for the log and the metrics.
#[derive(Debug, Clone)]
pub struct RouteLabel(pub String);

/// Notes the matched route (`/api/orgs/{org_id}`) on the response: a route pattern, never
/// the ids in the path.
pub async fn note_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteLabel(route));
    }
    response
}

/// Logs each request once (id, method, route, status, latency; never the query, which may
/// carry codes or search text) and counts it in the metrics. Probes are counted, not logged.
/// Everything logged while the request runs carries its id.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let id = request
        .extensions()
        .get::<tower_http::request_id::RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let client = request
        .extensions()
        .get::<ClientInfo>()
        .map(|c| c.ip.to_string())
        .unwrap_or_default();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let response = next.run(request).instrument(span.clone()).await;
    let took = started.elapsed();
    let route = response.extensions().get::<RouteLabel>().map_or_else(
        || {
            if matches!(path.as_str(), "/healthz" | "/readyz") {
                path.clone()
            } else if path.starts_with("/api/") {
                "/api/{unknown}".to_owned()
            } else {
                "static".to_owned()
            }
        },
        |r| r.0.clone(),
    );
    let status = response.status().as_u16();
    crate::metrics::METRICS.request(&route, method.as_str(), status, took);
    if !matches!(path.as_str(), "/healthz" | "/readyz") {
        let _entered = span.enter();
        tracing::info!(
            %method,
            %route,
            %path,
            status,
            latency_ms = took.as_secs_f64() * 1000.0,
            %client,
            "request"
        );
    }
    response
}

/// `GET /healthz`: the process answers (liveness). Never asks anything else.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: whether this orgdesk should be sent traffic: not shutting down, the database
/// answers and is migrated, and in real mode a Management API token can be had.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if !state.ready.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    if let Err(err) = state.db.ping().await {
        tracing::warn!(error = %err, "not ready: the database does not answer");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    if let Err(problem) = state.directory.ready().await {
        tracing::warn!(%problem, "not ready: the directory");
        return (StatusCode::SERVICE_UNAVAILABLE, "directory unavailable").into_response();
    }
    (StatusCode::OK, "ready").into_response()
}

/// Serves `app` on `listener` until `shutdown` completes; then readiness turns false, no new
/// connection is accepted, and requests in flight get `shutdown_drain_secs` to finish (their
/// connections close after the answer). Connections that do not send a whole request head
/// within `header_read_timeout_secs` are closed.
///
/// # Errors
/// Never in practice: accept errors (out of file descriptors) are logged and retried.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    config: ServerConfig,
    ready: Arc<AtomicBool>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(config.header_read_timeout_secs));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(error = %err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        serve_one(&builder, &graceful, &app, stream, peer);
    }
    ready.store(false, Ordering::SeqCst);
    // Connections the kernel already accepted into the backlog are requests in flight too:
    // serve them rather than reset them when the socket closes.
    while let Ok(Ok((stream, peer))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await
    {
        serve_one(&builder, &graceful, &app, stream, peer);
    }
    drop(listener);
    let drain = Duration::from_secs(config.shutdown_drain_secs);
    tracing::info!(
        seconds = drain.as_secs(),
        "shutting down: draining requests in flight"
    );
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the drain deadline were cut");
    } else {
        tracing::info!("every request in flight was answered");
    }
    Ok(())
}

/// Serves one connection on its own task, watched for graceful shutdown.
fn serve_one(
    builder: &hyper::server::conn::http1::Builder,
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    app: &Router,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
) {
    let _ = stream.set_nodelay(true);
    let app = app.clone();
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(request.map(axum::body::Body::new))
    });
    let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::debug!(error = %err, "connection ended");
        }
    });
}

/// Serves the metrics in Prometheus' text format on their own address (never the public one).
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve_metrics(
    addr: SocketAddr,
    state: AppState,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let router = Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let state = state.clone();
            async move {
                if let Ok(live) = state.sessions.count_live().await {
                    crate::metrics::METRICS.set("orgdesk_sessions_active", live);
                }
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    crate::metrics::METRICS.render(),
                )
            }
        }),
    );
    let handle = tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "the metrics server stopped");
        }
    });
    Ok((bound, handle))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn an_untrusted_peers_forwarding_headers_are_ignored() {
        let trusted = parse_trusted(&["10.0.0.0/8".into()]).expect("valid");
        let forged = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=198.51.100.1;proto=https"),
        ]);
        let info = client_info(ip("192.0.2.7"), &forged, &trusted);
        assert_eq!(
            info,
            ClientInfo {
                ip: ip("192.0.2.7"),
                https: false
            }
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let trusted = parse_trusted(&["10.0.0.0/8".into(), "127.0.0.1".into()]).expect("valid");
        // The client prepended a forged address; the proxy appended the real one.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = client_info(ip("127.0.0.1"), &h, &trusted);
        assert_eq!(
            info,
            ClientInfo {
                ip: ip("203.0.113.9"),
                https: true
            }
        );
        let h = headers(&[(
            "forwarded",
            "for=\"[2001:db8::7]:4711\";proto=http, for=10.2.2.2",
        )]);
        let info = client_info(ip("10.0.0.1"), &h, &trusted);
        assert_eq!(
            info,
            ClientInfo {
                ip: ip("2001:db8::7"),
                https: false
            }
        );
        let h = headers(&[("x-forwarded-for", "garbage")]);
        assert_eq!(client_info(ip("10.0.0.1"), &h, &trusted).ip, ip("10.0.0.1"));
    }

    #[test]
    fn trusted_proxies_must_be_addresses_or_ranges() {
        assert!(parse_trusted(&["10.0.0.0/8".into(), "::1".into()]).is_ok());
        let err = parse_trusted(&["10.0.0.0/33".into()]).expect_err("not a range");
        assert!(err.contains("10.0.0.0/33"));
    }
}
