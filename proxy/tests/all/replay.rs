//! The Auth0 client against Auth0's own recorded traffic.
//!
//! Every interaction of every cassette in `proxy/tests/fixtures/auth0-recordings/` (a copy of the
//! team's shared recordings, so that a clean clone is self-contained; folders named by
//! `ORGDESK_EXTRA_RECORDINGS`, colon-separated, are read too) whose operation orgdesk uses is
//! replayed: the client makes the call, the loopback server checks method, path (percent-encoding
//! included), query (as pairs) and JSON body (parsed) against the recording and answers with the
//! recorded response, and the client's result is checked — parsed data for a 2xx (every field
//! the client read must equal what Auth0 sent), the right error for a 4xx. Interactions for
//! operations orgdesk does not use are listed in the output, not dropped silently.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::upstream;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orgdesk_proxy::directory::auth0::api::Paging;
use orgdesk_proxy::directory::auth0::client::{Auth0Client, CallError, ClientConfig, Secret};
use orgdesk_proxy::directory::auth0::to_directory;
use orgdesk_proxy::directory::DirectoryError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use upstream::{token_reply, Reply, Seen, Upstream, TOKEN};

#[derive(Debug, Deserialize)]
struct Cassette {
    interactions: Vec<Interaction>,
}

#[derive(Debug, Clone, Deserialize)]
struct Interaction {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[derive(Debug, Clone, Deserialize)]
struct RecordedRequest {
    method: String,
    url: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    form: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
struct RecordedResponse {
    code: u16,
    #[serde(default)]
    body: String,
    #[serde(default)]
    headers: BTreeMap<String, Vec<String>>,
}

impl RecordedRequest {
    fn parsed_url(&self) -> reqwest::Url {
        reqwest::Url::parse(&self.url).unwrap()
    }

    /// The body as JSON, or `None` for no body (`""` or `null`).
    fn json(&self) -> Option<Value> {
        let raw = self.body.as_deref().unwrap_or("").trim();
        if raw.is_empty() || raw == "null" {
            None
        } else {
            Some(serde_json::from_str(raw).unwrap())
        }
    }
}

fn pairs(query: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://x/?{query}")).unwrap();
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    pairs.sort();
    pairs
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&segment[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Differences between what the client sent and what was recorded.
fn compare(seen: &Seen, recorded: &RecordedRequest) -> Vec<String> {
    let mut problems = Vec::new();
    let url = recorded.parsed_url();
    if seen.method != recorded.method {
        problems.push(format!("method {} ≠ {}", seen.method, recorded.method));
    }
    if seen.path != url.path() {
        problems.push(format!("path {} ≠ {}", seen.path, url.path()));
    }
    if pairs(&seen.query) != pairs(url.query().unwrap_or("")) {
        problems.push(format!(
            "query {} ≠ {}",
            seen.query,
            url.query().unwrap_or("")
        ));
    }
    if !recorded.form.is_empty() {
        let sent = pairs(&String::from_utf8_lossy(&seen.body));
        let mut expected: Vec<(String, String)> = recorded
            .form
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
            .collect();
        expected.sort();
        if sent != expected {
            problems.push("form body differs".into());
        }
    } else {
        let sent: Option<Value> = if seen.body.is_empty() {
            None
        } else {
            serde_json::from_slice(&seen.body).ok()
        };
        // go-auth0 sends `{}` with a DELETE that takes no body; orgdesk sends none, which
        // Auth0 reads the same.
        let recorded_body = match recorded.json() {
            Some(Value::Object(map)) if map.is_empty() && recorded.method == "DELETE" => None,
            other => other,
        };
        if sent != recorded_body {
            problems.push(format!(
                "body {} ≠ {}",
                String::from_utf8_lossy(&seen.body),
                recorded.body.as_deref().unwrap_or("").trim()
            ));
        }
    }
    if seen.path != "/oauth/token"
        && seen.header("authorization") != Some(&format!("Bearer {TOKEN}"))
    {
        problems.push("no bearer token".into());
    }
    problems
}

/// Every value the client read equals what Auth0 sent (objects: each key of `ours`).
fn is_subset(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| is_subset(v, w))),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| is_subset(v, w))
        }
        (a, b) => a == b,
    }
}

enum Outcome {
    Called(Result<Value, CallError>),
    NotUsed(String),
}

fn value<T: Serialize>(result: Result<T, CallError>) -> Outcome {
    Outcome::Called(result.map(|v| serde_json::to_value(v).unwrap()))
}

fn body<T: DeserializeOwned>(request: &RecordedRequest) -> Result<T, String> {
    serde_json::from_value(request.json().unwrap_or(Value::Null))
        .map_err(|err| format!("sends what orgdesk never sends ({err})"))
}

fn paging(url: &reqwest::Url, extra: &[&str]) -> Result<Paging, String> {
    let mut paging = Paging::default();
    for (key, value) in url.query_pairs() {
        let bad = || format!("query {key}={value}");
        match key.as_ref() {
            "page" => paging.page = Some(value.parse().map_err(|_| bad())?),
            "per_page" => paging.per_page = Some(value.parse().map_err(|_| bad())?),
            "include_totals" => paging.include_totals = Some(value.parse().map_err(|_| bad())?),
            "from" => paging.from = Some(value.into_owned()),
            "take" => paging.take = Some(value.parse().map_err(|_| bad())?),
            "fields" => paging.fields = Some(value.into_owned()),
            "include_fields" => paging.include_fields = Some(value.parse().map_err(|_| bad())?),
            other if extra.contains(&other) => {}
            other => {
                return Err(format!(
                    "uses query parameter {other}, which orgdesk does not"
                ))
            }
        }
    }
    Ok(paging)
}

macro_rules! with_body {
    ($request:expr, |$b:ident| $call:expr) => {
        match body($request) {
            Ok($b) => value($call.await),
            Err(reason) => Outcome::NotUsed(reason),
        }
    };
}

macro_rules! with_paging {
    ($url:expr, $extra:expr, |$p:ident| $call:expr) => {
        match paging(&$url, $extra) {
            Ok($p) => value($call.await),
            Err(reason) => Outcome::NotUsed(reason),
        }
    };
}

async fn dispatch(client: &Auth0Client, request: &RecordedRequest) -> Outcome {
    let url = request.parsed_url();
    if url.path() == "/oauth/token" {
        return value(client.granted_scopes().await.map_err(CallError::Token));
    }
    let Some(rest) = url.path().strip_prefix("/api/v2/") else {
        return Outcome::NotUsed(format!("{} is not a Management API path", url.path()));
    };
    let segments: Vec<String> = rest.split('/').map(decode).collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), s.as_slice()) {
        ("GET", ["organizations"]) => {
            with_paging!(url, &[], |p| client.list_organizations(&p))
        }
        ("POST", ["organizations"]) => {
            with_body!(request, |b| client.create_organization(&b))
        }
        ("GET", ["organizations", id]) => value(client.get_organization(id).await),
        ("PATCH", ["organizations", id]) => {
            with_body!(request, |b| client.patch_organization(id, &b))
        }
        ("DELETE", ["organizations", id]) => value(client.delete_organization(id).await),
        ("GET", ["organizations", id, "members"]) => {
            with_paging!(url, &[], |p| client.list_members(id, &p))
        }
        ("POST", ["organizations", id, "members"]) => {
            with_body!(request, |b| client.add_members(id, &b))
        }
        ("DELETE", ["organizations", id, "members"]) => {
            with_body!(request, |b| client.delete_members(id, &b))
        }
        ("GET", ["organizations", id, "members", user, "roles"]) => {
            with_paging!(url, &[], |p| client.list_member_roles(id, user, &p))
        }
        ("POST", ["organizations", id, "members", user, "roles"]) => {
            with_body!(request, |b| client.add_member_roles(id, user, &b))
        }
        ("DELETE", ["organizations", id, "members", user, "roles"]) => {
            with_body!(request, |b| client.delete_member_roles(id, user, &b))
        }
        ("GET", ["organizations", id, "invitations"]) => {
            with_paging!(url, &[], |p| client.list_invitations(id, &p))
        }
        ("POST", ["organizations", id, "invitations"]) => {
            with_body!(request, |b| client.create_invitation(id, &b))
        }
        ("DELETE", ["organizations", id, "invitations", invitation]) => {
            value(client.delete_invitation(id, invitation).await)
        }
        ("GET", ["organizations", id, "enabled_connections"]) => {
            with_paging!(url, &[], |p| client.list_enabled_connections(id, &p))
        }
        ("POST", ["organizations", id, "enabled_connections"]) => {
            with_body!(request, |b| client.add_enabled_connection(id, &b))
        }
        ("PATCH", ["organizations", id, "enabled_connections", connection]) => {
            with_body!(request, |b| client
                .patch_enabled_connection(id, connection, &b))
        }
        ("DELETE", ["organizations", id, "enabled_connections", connection]) => {
            value(client.delete_enabled_connection(id, connection).await)
        }
        ("GET", ["roles"]) => with_paging!(url, &[], |p| client.list_roles(&p)),
        ("POST", ["roles"]) => with_body!(request, |b| client.create_role(&b)),
        ("GET", ["roles", id]) => value(client.get_role(id).await),
        ("PATCH", ["roles", id]) => with_body!(request, |b| client.patch_role(id, &b)),
        ("DELETE", ["roles", id]) => value(client.delete_role(id).await),
        ("GET", ["roles", id, "permissions"]) => {
            with_paging!(url, &[], |p| client.list_role_permissions(id, &p))
        }
        ("POST", ["roles", id, "permissions"]) => {
            with_body!(request, |b| client.add_role_permissions(id, &b))
        }
        ("DELETE", ["roles", id, "permissions"]) => {
            with_body!(request, |b| client.delete_role_permissions(id, &b))
        }
        ("GET", ["users"]) => {
            let q = url
                .query_pairs()
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.into_owned());
            let engine = url
                .query_pairs()
                .any(|(k, v)| k == "search_engine" && v == "v3");
            match q {
                Some(q) if engine => {
                    with_paging!(url, &["q", "search_engine"], |p| client
                        .search_users(&q, &p))
                }
                _ => Outcome::NotUsed("lists users without a v3 search".into()),
            }
        }
        ("GET", ["users-by-email"]) => {
            let email = url
                .query_pairs()
                .find(|(k, _)| k == "email")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            value(client.users_by_email(&email).await)
        }
        ("GET", ["users", id]) => value(client.get_user(id).await),
        ("POST", ["users"]) => with_body!(request, |b| client.create_user(&b)),
        ("PATCH", ["users", id]) => with_body!(request, |b| client.patch_user(id, &b)),
        ("GET", ["users", id, "organizations"]) => {
            with_paging!(url, &[], |p| client.user_organizations(id, &p))
        }
        ("GET", ["connections"]) => with_paging!(url, &[], |p| client.list_connections(&p)),
        ("GET", ["tenants", "settings"]) => value(client.get_tenant_settings().await),
        ("GET", ["resource-servers"]) => {
            let identifiers: Vec<String> = url
                .query_pairs()
                .filter(|(key, _)| key == "identifiers")
                .map(|(_, value)| value.into_owned())
                .collect();
            let identifiers: Vec<&str> = identifiers.iter().map(String::as_str).collect();
            with_paging!(url, &["identifiers"], |p| client
                .list_resource_servers(&p, &identifiers))
        }
        ("GET", ["resource-servers", id]) => value(client.get_resource_server(id).await),
        ("POST", ["resource-servers"]) => {
            with_body!(request, |b| client.create_resource_server(&b))
        }
        ("PATCH", ["resource-servers", id]) => {
            with_body!(request, |b| client.patch_resource_server(id, &b))
        }
        ("DELETE", ["resource-servers", id]) => value(client.delete_resource_server(id).await),
        ("GET", ["clients"]) => with_paging!(url, &[], |p| client.list_clients(&p)),
        ("GET", ["clients", id]) => {
            let asked: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let names_only = asked.contains(&("fields".into(), "client_id,name".into()));
            if names_only {
                value(client.get_client(id).await)
            } else {
                Outcome::NotUsed(
                    "reads a whole client; orgdesk asks for its id and name only".into(),
                )
            }
        }
        ("POST", ["clients"]) => with_body!(request, |b| client.create_client(&b)),
        ("DELETE", ["clients", id]) => value(client.delete_client(id).await),
        ("POST", ["clients", id, "rotate-secret"]) => value(client.rotate_client_secret(id).await),
        ("GET", ["client-grants"]) => {
            with_paging!(url, &[], |p| client.list_client_grants(&p))
        }
        ("POST", ["client-grants"]) => {
            with_body!(request, |b| client.create_client_grant(&b))
        }
        ("GET", ["organizations", id, "client-grants"]) => {
            with_paging!(url, &[], |p| client.list_org_client_grants(id, &p))
        }
        ("POST", ["organizations", id, "client-grants"]) => {
            with_body!(request, |b| client.associate_org_client_grant(id, &b))
        }
        ("DELETE", ["organizations", id, "client-grants", grant]) => {
            value(client.delete_org_client_grant(id, grant).await)
        }
        ("GET", ["organizations", id, "discovery-domains"]) => {
            with_paging!(url, &[], |p| client.list_discovery_domains(id, &p))
        }
        ("POST", ["organizations", id, "discovery-domains"]) => {
            with_body!(request, |b| client.create_discovery_domain(id, &b))
        }
        ("PATCH", ["organizations", id, "discovery-domains", domain]) => {
            with_body!(request, |b| client.patch_discovery_domain(id, domain, &b))
        }
        ("DELETE", ["organizations", id, "discovery-domains", domain]) => {
            value(client.delete_discovery_domain(id, domain).await)
        }
        ("POST", ["self-service-profiles"]) => {
            with_body!(request, |b| client.create_self_service_profile(&b))
        }
        ("POST", ["self-service-profiles", profile, "sso-ticket"]) => {
            with_body!(request, |b| client.create_sso_ticket(profile, &b))
        }
        ("PATCH", ["tenants", "settings"]) => {
            with_body!(request, |b| client.patch_tenant_settings(&b))
        }
        (method, _) => Outcome::NotUsed(format!("orgdesk never calls {method} /{rest}")),
    }
}

/// Checks the client's result against the recorded response.
fn check_result(result: Result<Value, CallError>, interaction: &Interaction) -> Result<(), String> {
    let response = &interaction.response;
    let recorded: Option<Value> = if response.body.trim().is_empty() {
        None
    } else {
        Some(serde_json::from_str(&response.body).map_err(|e| e.to_string())?)
    };
    if (200..300).contains(&response.code) && interaction.request.url.ends_with("/oauth/token") {
        // The token itself is never handed out; a token was obtained from the recorded answer.
        return result
            .map(|_| ())
            .map_err(|err| format!("no token from the recorded answer: {err}"));
    }
    if (200..300).contains(&response.code) {
        let ours = result
            .map_err(|err| format!("recorded {} but the client failed: {err}", response.code))?;
        match &recorded {
            None => {
                if !ours.is_null() {
                    return Err(format!("empty answer read as {ours}"));
                }
            }
            // An answer of `{}` carries nothing, and the client reads nothing from it.
            Some(Value::Object(theirs)) if theirs.is_empty() && ours.is_null() => {}
            Some(theirs) => {
                if !is_subset(&ours, theirs) {
                    return Err(format!("read {ours} from {theirs}"));
                }
                // Organizations must also pass orgdesk's own rules.
                let orgs = match theirs.get("organizations") {
                    Some(Value::Array(orgs)) => orgs.clone(),
                    _ if theirs
                        .get("id")
                        .and_then(Value::as_str)
                        .is_some_and(|id| id.starts_with("org_")) =>
                    {
                        vec![theirs.clone()]
                    }
                    _ => Vec::new(),
                };
                for org in orgs {
                    serde_json::from_value::<orgdesk_model::Organization>(org.clone()).map_err(
                        |err| format!("organization {org} breaks orgdesk's rules: {err}"),
                    )?;
                }
            }
        }
        return Ok(());
    }
    let err = match result {
        Ok(v) => {
            return Err(format!(
                "recorded {} but the client returned {v}",
                response.code
            ))
        }
        Err(err) => err,
    };
    let message = recorded
        .as_ref()
        .and_then(|b| b.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match &err {
        // Auth0 sends some 404s as `{}`: the client then words the status itself.
        CallError::Status { status, body }
            if *status == response.code && (body.message == message || message.is_empty()) => {}
        CallError::Token(_) if interaction.request.url.ends_with("/oauth/token") => {}
        other => {
            return Err(format!(
                "recorded {} {message:?} but got {other}",
                response.code
            ))
        }
    }
    let mapped = to_directory(err);
    let right = match response.code {
        404 => matches!(mapped, DirectoryError::NotFound),
        409 => matches!(&mapped, DirectoryError::Conflict(m) if *m == message),
        400 => matches!(&mapped, DirectoryError::Invalid(e) if e.message == message),
        _ => true,
    };
    if right {
        Ok(())
    } else {
        Err(format!("{} became {mapped:?}", response.code))
    }
}

fn cassettes() -> Vec<PathBuf> {
    let mut dirs =
        vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/auth0-recordings")];
    if let Ok(extra) = std::env::var("ORGDESK_EXTRA_RECORDINGS") {
        dirs.extend(
            extra
                .split(':')
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
        );
    }
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("cannot read recordings in {}: {err}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[derive(Default)]
struct Tally {
    covered: usize,
    not_used: Vec<String>,
    failures: Vec<String>,
}

async fn replay_cassette(path: &Path, tally: &mut Tally) {
    let text = std::fs::read_to_string(path).unwrap();
    let cassette: Cassette = serde_yaml::from_str(&text).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let expected: Arc<Mutex<Option<Interaction>>> = Arc::default();
    let problems: Arc<Mutex<Vec<String>>> = Arc::default();
    let (slot, found) = (expected.clone(), problems.clone());
    let server = Upstream::start(move |seen| {
        let current = slot.lock().unwrap().take();
        match current {
            Some(interaction)
                if seen.path != "/oauth/token"
                    || interaction.request.url.ends_with("/oauth/token") =>
            {
                found
                    .lock()
                    .unwrap()
                    .extend(compare(seen, &interaction.request));
                let response = interaction.response;
                let content_type = response
                    .headers
                    .get("Content-Type")
                    .and_then(|v| v.first())
                    .cloned()
                    .unwrap_or_else(|| "application/json".into());
                Reply::Answer {
                    status: response.code,
                    headers: vec![("content-type".into(), content_type)],
                    body: response.body,
                }
            }
            other => {
                *slot.lock().unwrap() = other;
                if seen.path == "/oauth/token" {
                    token_reply(86_400)
                } else {
                    found
                        .lock()
                        .unwrap()
                        .push(format!("unexpected {} {}", seen.method, seen.path));
                    Reply::json(500, "{}")
                }
            }
        }
    })
    .await;
    let client = Auth0Client::new(ClientConfig {
        base_url: server.base_url.clone(),
        client_id: "test-client_id".into(),
        client_secret: Secret::new("test-client_secret"),
        audience: "test-audience".into(),
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(5),
    })
    .unwrap();
    for (index, interaction) in cassette.interactions.iter().enumerate() {
        let label = format!(
            "{name} #{index} {} {}",
            interaction.request.method,
            interaction.request.parsed_url().path()
        );
        *expected.lock().unwrap() = Some(interaction.clone());
        problems.lock().unwrap().clear();
        let before = server.seen().len();
        match dispatch(&client, &interaction.request).await {
            Outcome::NotUsed(reason) => {
                expected.lock().unwrap().take();
                tally.not_used.push(format!("{label}: {reason}"));
            }
            Outcome::Called(result) => {
                let mut issues = problems.lock().unwrap().clone();
                if expected.lock().unwrap().is_some() {
                    issues.push("the client made no matching request".into());
                }
                let sent = server.seen().len() - before;
                if sent > 2 {
                    issues.push(format!("{sent} requests for one call"));
                }
                if let Err(problem) = check_result(result, interaction) {
                    issues.push(problem);
                }
                if issues.is_empty() {
                    tally.covered += 1;
                } else {
                    tally
                        .failures
                        .push(format!("{label}: {}", issues.join("; ")));
                }
            }
        }
    }
}

#[tokio::test]
async fn every_recorded_interaction_orgdesk_uses_replays_exactly() {
    let mut tally = Tally::default();
    let files = cassettes();
    for path in &files {
        replay_cassette(path, &mut tally).await;
    }
    eprintln!(
        "replayed {} cassettes: {} interactions covered, {} for operations orgdesk does not use",
        files.len(),
        tally.covered,
        tally.not_used.len()
    );
    for line in &tally.not_used {
        eprintln!("  not used: {line}");
    }
    for line in &tally.failures {
        eprintln!("  FAILED: {line}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} interactions failed",
        tally.failures.len()
    );
    // 133 interactions of the shipped recordings; extra recordings only add to it.
    assert!(
        tally.covered >= 230,
        "only {} interactions covered",
        tally.covered
    );
}
