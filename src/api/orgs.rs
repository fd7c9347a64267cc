//! Organizations.

use gloo_net::http::Method;
use orgdesk_model::api::{OrgCounts, SchemaInfo};
use orgdesk_model::input::{NewOrgInput, OrgPatchInput};
use orgdesk_model::users::{OrgConnection, OrgConnectionInput};
use orgdesk_model::{OrgId, Organization, Page};

use super::{encode, get, send_json, send_no_content, ApiError};

use std::cell::RefCell;

use futures_channel::oneshot;

/// The list's first page when the app opened on the list: asked for, or arrived.
enum FirstPage {
    Asked(oneshot::Receiver<Result<Page<Organization>, ApiError>>),
    Arrived(Result<Page<Organization>, ApiError>),
}

thread_local! {
    static FIRST_PAGE: RefCell<Option<FirstPage>> = const { RefCell::new(None) };
}

/// When the app opens on the organization list, asks for its first page at once, beside who is
/// signed in: both answers (preloaded by the page) are then on their way together.
pub fn ask_first_page_early(per_page: u32) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let opens_on_list = location.pathname().is_ok_and(|path| path == "/orgs")
        && location.search().is_ok_and(|search| search.is_empty());
    if !opens_on_list {
        return;
    }
    let (answer, first_page) = oneshot::channel();
    FIRST_PAGE.with(|slot| *slot.borrow_mut() = Some(FirstPage::Asked(first_page)));
    leptos::task::spawn_local(async move {
        let _ = answer.send(list(String::new(), 0, per_page).await);
    });
}

/// Waits until the first page asked for early (if any) has arrived, so that the shell and the
/// rows are drawn in one frame rather than one after the other, each with its own layout; but no
/// longer than `at_most`, so that a slow list never holds back the shell: the list then shows
/// its skeleton as before.
pub async fn first_page_arrived(at_most: std::time::Duration) {
    use futures_util::future::{select, Either};

    let Some(FirstPage::Asked(first_page)) = FIRST_PAGE.with(|slot| slot.borrow_mut().take())
    else {
        return;
    };
    let slot = match select(first_page, gloo_timers::future::sleep(at_most)).await {
        Either::Left((Ok(answer), _)) => FirstPage::Arrived(answer),
        Either::Left((Err(oneshot::Canceled), _)) => return,
        Either::Right(((), first_page)) => FirstPage::Asked(first_page),
    };
    FIRST_PAGE.with(|cell| *cell.borrow_mut() = Some(slot));
}

/// A page of the list as the list screen shows it: its first page is the one asked for early,
/// once.
///
/// # Errors
/// Whatever the proxy answers instead of a page.
pub async fn list_page(
    q: String,
    page: u32,
    per_page: u32,
) -> Result<Page<Organization>, ApiError> {
    if q.is_empty() && page == 0 {
        match FIRST_PAGE.with(|slot| slot.borrow_mut().take()) {
            Some(FirstPage::Arrived(answer)) => return answer,
            Some(FirstPage::Asked(first_page)) => {
                if let Ok(answer) = first_page.await {
                    return answer;
                }
            }
            None => {}
        }
    }
    list(q, page, per_page).await
}

/// One page of organizations whose name or display name contains `q`.
///
/// # Errors
/// Whatever the proxy answers instead of a page.
pub async fn list(q: String, page: u32, per_page: u32) -> Result<Page<Organization>, ApiError> {
    let mut url = format!("/api/orgs?page={page}&per_page={per_page}");
    let q = q.trim();
    if !q.is_empty() {
        url.push_str("&q=");
        url.push_str(&encode(q));
    }
    get(&url).await
}

/// One organization.
///
/// # Errors
/// 404 when it does not exist or is not the caller's to see.
pub async fn get_one(id: OrgId) -> Result<Organization, ApiError> {
    get(&format!("/api/orgs/{}", encode(id.as_str()))).await
}

/// Creates an organization.
///
/// # Errors
/// 400 naming the field at fault, 409 when the name is taken.
pub async fn create(input: NewOrgInput) -> Result<Organization, ApiError> {
    send_json(Method::POST, "/api/orgs", &input).await
}

/// Changes an organization.
///
/// # Errors
/// 400 naming the field, 403 for a part the caller may not change, 409 (with the current
/// organization) when its metadata changed since it was read.
pub async fn update(id: OrgId, patch: OrgPatchInput) -> Result<Organization, ApiError> {
    send_json(
        Method::PATCH,
        &format!("/api/orgs/{}", encode(id.as_str())),
        &patch,
    )
    .await
}

/// Deletes an organization.
///
/// # Errors
/// 403 unless a platform admin, 404 when it is already gone.
pub async fn delete(id: OrgId) -> Result<(), ApiError> {
    send_no_content(
        Method::DELETE,
        &format!("/api/orgs/{}", encode(id.as_str())),
    )
    .await
}

/// Members and invitations of an organization.
///
/// # Errors
/// 404 when it does not exist or is not the caller's.
pub async fn counts(id: OrgId) -> Result<OrgCounts, ApiError> {
    get(&format!("/api/orgs/{}/counts", encode(id.as_str()))).await
}

/// The metadata schema and Auth0's limits.
///
/// # Errors
/// When the proxy cannot be reached.
pub async fn schema() -> Result<SchemaInfo, ApiError> {
    get("/api/metadata-schema").await
}

/// The connections enabled on an organization.
///
/// # Errors
/// 404 when the organization is not the caller's.
pub async fn connections(id: OrgId) -> Result<Vec<OrgConnection>, ApiError> {
    get(&format!("/api/orgs/{}/connections", encode(id.as_str()))).await
}

/// Enables a connection.
///
/// # Errors
/// 400 past 10 connections; 403 unless a platform admin.
pub async fn enable_connection(
    id: OrgId,
    input: OrgConnectionInput,
) -> Result<OrgConnection, ApiError> {
    send_json(
        Method::POST,
        &format!("/api/orgs/{}/connections", encode(id.as_str())),
        &input,
    )
    .await
}

/// Changes a connection's flags.
///
/// # Errors
/// 400 with Auth0's message when sign-up is asked without membership on login.
pub async fn change_connection(
    id: OrgId,
    connection_id: String,
    input: OrgConnectionInput,
) -> Result<OrgConnection, ApiError> {
    let url = format!(
        "/api/orgs/{}/connections/{}",
        encode(id.as_str()),
        encode(&connection_id)
    );
    send_json(Method::PATCH, &url, &input).await
}

/// Disables a connection.
///
/// # Errors
/// 404 when it is not enabled.
pub async fn disable_connection(id: OrgId, connection_id: String) -> Result<(), ApiError> {
    let url = format!(
        "/api/orgs/{}/connections/{}",
        encode(id.as_str()),
        encode(&connection_id)
    );
    send_no_content(Method::DELETE, &url).await
}
