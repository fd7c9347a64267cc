//! A loopback HTTP/1.1 server standing in for Auth0: it answers from a script (recorded
//! interactions or injected faults) and keeps every request it saw. It is written on a bare
//! TCP socket so that a test can also delay an answer or reset the connection.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `POST`, …
    pub method: String,
    /// The raw path, percent-encoding kept.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Lower-cased header names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An answer.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Waits, then does the inner reply.
    After(Duration, Box<Reply>),
    /// Closes the connection with a TCP reset, without answering.
    Reset,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self::Answer {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_owned(),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self::Answer {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Answer { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

type Handler = Box<dyn FnMut(&Seen) -> Reply + Send>;

struct Inner {
    handler: Mutex<Handler>,
    seen: Mutex<Vec<Seen>>,
    token_requests: AtomicUsize,
    api_requests: AtomicUsize,
}

/// The server; it stops when dropped with the test's runtime.
#[derive(Clone)]
pub struct Upstream {
    pub base_url: String,
    inner: Arc<Inner>,
}

/// The token the server issues unless a test scripts the token endpoint itself.
pub const TOKEN: &str = "upstream-test-token";

/// A token answer.
pub fn token_reply(expires_in: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"access_token":"{TOKEN}","expires_in":{expires_in},"token_type":"Bearer","scope":"read:organizations"}}"#
        ),
    )
}

impl Upstream {
    /// Starts a server on 127.0.0.1 that answers with `handler`.
    pub async fn start(handler: impl FnMut(&Seen) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Inner {
            handler: Mutex::new(Box::new(handler)),
            seen: Mutex::new(Vec::new()),
            token_requests: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
        });
        let accept = inner.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_connection(stream, accept.clone()));
            }
        });
        Self { base_url, inner }
    }

    /// A server whose token endpoint issues [`TOKEN`] and whose API answers by `api`.
    pub async fn with_token(mut api: impl FnMut(&Seen) -> Reply + Send + 'static) -> Self {
        Self::start(move |seen| {
            if seen.path == "/oauth/token" {
                token_reply(86_400)
            } else {
                api(seen)
            }
        })
        .await
    }

    /// Replaces the handler.
    pub fn set_handler(&self, handler: impl FnMut(&Seen) -> Reply + Send + 'static) {
        *self.inner.handler.lock().unwrap() = Box::new(handler);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.seen.lock().unwrap().clone()
    }

    pub fn token_requests(&self) -> usize {
        self.inner.token_requests.load(Ordering::SeqCst)
    }

    pub fn api_requests(&self) -> usize {
        self.inner.api_requests.load(Ordering::SeqCst)
    }
}

/// A handler that answers from a queue, then with `fallback`.
pub fn script(replies: Vec<Reply>, fallback: Reply) -> impl FnMut(&Seen) -> Reply + Send {
    let mut queue: VecDeque<Reply> = replies.into();
    move |_| queue.pop_front().unwrap_or_else(|| fallback.clone())
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Seen> {
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (target, String::new()),
    };
    Some(Seen {
        method,
        path,
        query,
        headers,
        body,
    })
}

async fn serve_connection(mut stream: TcpStream, inner: Arc<Inner>) {
    let mut buffer = Vec::new();
    while let Some(seen) = read_request(&mut stream, &mut buffer).await {
        if seen.path == "/oauth/token" {
            inner.token_requests.fetch_add(1, Ordering::SeqCst);
        } else {
            inner.api_requests.fetch_add(1, Ordering::SeqCst);
        }
        let mut reply = (inner.handler.lock().unwrap())(&seen);
        inner.seen.lock().unwrap().push(seen);
        loop {
            match reply {
                Reply::After(delay, next) => {
                    tokio::time::sleep(delay).await;
                    reply = *next;
                }
                Reply::Reset => {
                    // SO_LINGER 0: closing sends a TCP reset rather than a clean close.
                    #[allow(deprecated)]
                    let _ = stream.set_linger(Some(Duration::ZERO));
                    drop(stream);
                    return;
                }
                Reply::Answer {
                    status,
                    headers,
                    body,
                } => {
                    let mut head = format!(
                        "HTTP/1.1 {status} Scripted\r\ncontent-length: {}\r\n",
                        body.len()
                    );
                    for (name, value) in headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str("\r\n");
                    if stream.write_all(head.as_bytes()).await.is_err()
                        || stream.write_all(body.as_bytes()).await.is_err()
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

/// An orgdesk in real mode against this stand-in (and `extra` configuration before its
/// `[auth0]` section), its state kept in `storage`.
pub async fn real_orgdesk(
    upstream: &Upstream,
    storage: impl Into<orgdesk_proxy::Storage>,
    extra: &str,
) -> orgdesk_proxy::AppState {
    let config = orgdesk_proxy::config::FileConfig::parse(&format!(
        "{extra}[auth0]\ndomain = \"tenant.example.com\"\napp_client_id = \"app123\"\napp_redirect_uri = \"https://ai.example.com/callback\"\nclient_id = \"m2m123\"\nmanagement_url = \"{}\"\nlogin_client_id = \"login123\"\n",
        upstream.base_url
    ))
    .unwrap();
    let env = |name: &str| match name {
        "ORGDESK_AUTH0_CLIENT_SECRET" => Some("s3cret".to_owned()),
        "ORGDESK_LOGIN_CLIENT_SECRET" => Some("login-s3cret".to_owned()),
        _ => None,
    };
    orgdesk_proxy::real_state(
        storage,
        std::path::Path::new("no-assets"),
        "http://orgdesk.test",
        &config,
        &env,
    )
    .await
    .unwrap()
}
