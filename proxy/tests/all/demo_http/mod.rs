//! Signing in to a demo orgdesk over real HTTP, as a browser would: the persona form, then
//! `/api/me` for the CSRF token.

#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;

/// A signed-in person: the session cookie (`name=value`) and the CSRF token.
pub struct SignedIn {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in as `persona` at `base` (`http://host:port`).
pub async fn sign_in(http: &reqwest::Client, base: &str, persona: &str) -> SignedIn {
    let response = http
        .post(format!("{base}/auth/demo-login"))
        .header("origin", base)
        .form(&[("persona", persona)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "demo sign-in");
    let name = orgdesk_proxy::session::cookie_name(false);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let me: Value = http
        .get(format!("{base}/api/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    SignedIn {
        cookie,
        csrf: me["csrf_token"].as_str().unwrap().to_owned(),
    }
}
