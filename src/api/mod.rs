//! The typed client of the proxy's API: the only place in the app that knows URLs.

pub mod apis;
pub mod audit;
pub mod auth;
pub mod domains;
pub mod export;
pub mod import;
pub mod m2m;
pub mod members;
pub mod orgs;
pub mod roles;
pub mod sso;
pub mod status;
pub mod tenant;
pub mod users;

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Request, RequestBuilder};
use orgdesk_model::{ErrorBody, Me};
use serde::de::DeserializeOwned;

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A failed API call, with what the person needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status, or 0 when the proxy could not be reached.
    pub status: u16,
    /// The proxy's error code (`not_found`, `invalid_input`, …).
    pub code: String,
    /// Human words.
    pub message: String,
    /// The input field at fault, if any.
    pub field: Option<String>,
    /// The proxy's request id, to quote when reporting a problem.
    pub request_id: Option<String>,
    /// On a stale change, the organization as it is stored now.
    pub current: Option<Box<orgdesk_model::Organization>>,
}

impl ApiError {
    fn network(err: &gloo_net::Error) -> Self {
        Self {
            status: 0,
            code: "network".into(),
            message: format!(
                "orgdesk could not be reached. Check your connection and try again. ({err})"
            ),
            field: None,
            request_id: None,
            current: None,
        }
    }

    /// Whether the thing asked for does not exist (or is not the caller's to see).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// Whether a change may or may not have been made: orgdesk said so, the connection broke
    /// before an answer came, or a gateway in front of orgdesk (not orgdesk itself) answered
    /// 502/504 — the request may have reached a replica that then went away. Such a change
    /// must not be sent again blindly.
    #[must_use]
    pub fn outcome_unknown(&self) -> bool {
        self.code == "outcome_unknown"
            || self.status == 0
            || (matches!(self.status, 502 | 504) && self.code == "http_error")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// The URL of the sign-in page that brings the person back to where they are.
#[must_use]
pub fn login_url() -> String {
    let here = web_sys::window()
        .and_then(|w| w.location().pathname().ok().zip(w.location().search().ok()))
        .map(|(path, search)| format!("{path}{search}"))
        .unwrap_or_else(|| "/".into());
    format!(
        "/auth/login?return_to={}",
        js_sys::encode_uri_component(&here)
    )
}

fn go_to_login() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&login_url());
    }
}

/// What the proxy answered: its status, its request id and the body (`None` when the body
/// could not be read).
struct Answer {
    status: u16,
    request_id: Option<String>,
    body: Option<String>,
}

/// Sends a request and reads its whole answer. One boxed, non-generic future serves every call,
/// so that each typed call adds only its own decoding to the app (the wasm carried a copy of
/// the whole exchange per answer type before).
fn exchange(
    request: Result<Request, gloo_net::Error>,
) -> Pin<Box<dyn Future<Output = Result<Answer, ApiError>>>> {
    Box::pin(async move {
        let request = request.map_err(|err| ApiError::network(&err))?;
        let response = request
            .send()
            .await
            .map_err(|err| ApiError::network(&err))?;
        Ok(Answer {
            status: response.status(),
            request_id: response.headers().get("x-request-id"),
            body: response.text().await.ok(),
        })
    })
}

impl Answer {
    /// The answer when it is a success, or the error the proxy described (a 401 sends the
    /// browser to sign in).
    fn success(self) -> Result<Self, ApiError> {
        let status = self.status;
        if (200..300).contains(&status) {
            return Ok(self);
        }
        if status == 401 {
            go_to_login();
        }
        let body = self
            .body
            .as_deref()
            .and_then(|text| serde_json::from_str::<ErrorBody>(text).ok())
            .unwrap_or_else(|| ErrorBody {
                error: "http_error".into(),
                message: format!("The request failed with status {status}."),
                field: None,
                current: None,
            });
        Err(ApiError {
            status,
            code: body.error,
            message: body.message,
            field: body.field,
            request_id: self.request_id,
            current: body.current,
        })
    }

    /// The error for a success whose body this page cannot read.
    fn unreadable(self, why: &dyn fmt::Display) -> ApiError {
        ApiError {
            status: self.status,
            code: "bad_response".into(),
            message: format!("orgdesk sent an answer this page cannot read: {why}"),
            field: None,
            request_id: self.request_id,
            current: None,
        }
    }

    /// The body as `T`.
    fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let decoded = match self.body.as_deref() {
            Some(text) => serde_json::from_str::<T>(text),
            None => return Err(self.unreadable(&"the answer broke off")),
        };
        decoded.map_err(|err| self.unreadable(&err))
    }
}

async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    exchange(request).await?.success()?.decode()
}

/// GETs JSON from the proxy.
pub(crate) async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    send(
        Request::get(url)
            .header("accept", "application/json")
            .build(),
    )
    .await
}

/// Adds the CSRF token every mutating call carries.
pub(crate) fn with_csrf(builder: RequestBuilder) -> RequestBuilder {
    let token = CSRF_TOKEN.with(|t| t.borrow().clone()).unwrap_or_default();
    builder
        .header("x-csrf-token", &token)
        .header("accept", "application/json")
}

/// Sends JSON with the CSRF token and reads the JSON answer.
pub(crate) async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
    method: gloo_net::http::Method,
    url: &str,
    body: &B,
) -> Result<T, ApiError> {
    send(with_csrf(RequestBuilder::new(url).method(method)).json(body)).await
}

/// Sends a request (with a JSON body when given) and the CSRF token to a call that answers 204.
pub(crate) async fn send_no_content_with<B: serde::Serialize>(
    method: gloo_net::http::Method,
    url: &str,
    body: Option<&B>,
) -> Result<(), ApiError> {
    let builder = with_csrf(RequestBuilder::new(url).method(method));
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    };
    exchange(request).await?.success().map(|_| ())
}

/// Sends JSON to a call that answers 204.
pub(crate) async fn send_no_content_json<B: serde::Serialize>(
    method: gloo_net::http::Method,
    url: &str,
    body: &B,
) -> Result<(), ApiError> {
    send_no_content_with(method, url, Some(body)).await
}

/// Sends a request without a body to a call that answers 204.
pub(crate) async fn send_no_content(
    method: gloo_net::http::Method,
    url: &str,
) -> Result<(), ApiError> {
    send_no_content_with::<()>(method, url, None).await
}

/// POSTs without a body and reads the JSON answer.
pub(crate) async fn post_empty<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    send(with_csrf(Request::post(url)).build()).await
}

/// Who is signed in; remembers the CSRF token for later mutations.
///
/// # Errors
/// 401 when nobody is (the browser is then sent to sign in), or any other failure.
pub async fn me() -> Result<Me, ApiError> {
    let me: Me = get("/api/me").await?;
    CSRF_TOKEN.with(|t| *t.borrow_mut() = Some(me.csrf_token.clone()));
    Ok(me)
}

/// Percent-encodes one path segment or query value.
#[must_use]
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}
