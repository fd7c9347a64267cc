//! `/api/orgs/{org_id}/domains` over HTTP on the embedded store, with a real DNS server on
//! loopback: a domain is added pending with its TXT record, verified once the record is
//! published, failed when it is gone or wrong (saying what was found), switched and removed;
//! bad input and other organizations' admins change nothing.

#![allow(clippy::unwrap_used)]

use crate::common::dns::TestDns;
use crate::common::TestApp;

use axum::http::StatusCode;
use serde_json::{json, Value};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
const ACME: &str = "org_acmeR0b8Tn3Vw5";

/// The one domain of `list` with this name.
fn named<'a>(list: &'a Value, domain: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == domain)
        .unwrap_or_else(|| panic!("{domain} not in {list}"))
}

fn names(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect()
}

fn audit_actions(audit: &Value) -> Vec<String> {
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_domain_is_verified_only_once_its_txt_record_is_published_and_fails_when_it_goes() {
    let mut dns = TestDns::start();
    let app = TestApp::with_dns(dns.addr()).await;
    let omar = app.sign_in("org-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/domains");
    // The demo tenant's verified domain, whose record nobody published: a check fails it.
    let (_, list) = app.get_json(&uri, Some(&omar.cookie)).await;
    assert_eq!(
        named(&list, "ai-organization-labs.example")["status"],
        "verified"
    );
    let (_, rechecked) = app
        .call(
            "POST",
            &format!("{uri}/ord_aiOrgLabsDomain000001/verify"),
            &omar,
            None,
        )
        .await;
    assert_eq!(rechecked["status"], "failed", "{rechecked}");

    let (status, created) = app
        .call(
            "POST",
            &uri,
            &omar,
            Some(json!({"domain": "AI-Organization.example"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["domain"], "ai-organization.example");
    assert_eq!(created["status"], "pending");
    let id = created["id"].as_str().unwrap().to_owned();
    let host = created["verification"]["txt_host"]
        .as_str()
        .unwrap()
        .to_owned();
    let value = created["verification"]["txt_value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        host,
        format!("_ss-verification.{AI_ORG}.ai-organization.example")
    );
    assert_eq!(value.len(), 32);

    // Nothing published yet: the check fails and says so.
    let verify = format!("{uri}/{id}/verify");
    let (status, checked) = app.call("POST", &verify, &omar, None).await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(checked["status"], "failed");
    assert!(checked["last_check_message"]
        .as_str()
        .unwrap()
        .contains("No TXT record was found"));
    assert!(checked["last_checked_at"].is_string());

    // A wrong value: failed, with what was found.
    dns.publish(&host, "not-the-value");
    let (_, checked) = app.call("POST", &verify, &omar, None).await;
    assert_eq!(checked["status"], "failed");
    let message = checked["last_check_message"].as_str().unwrap();
    assert!(
        message.contains("“not-the-value”") && message.contains(&value),
        "{message}"
    );

    // The right value beside it: verified, in the list too.
    dns.publish(&host, &value);
    let (_, checked) = app.call("POST", &verify, &omar, None).await;
    assert_eq!(checked["status"], "verified", "{checked}");
    let (_, list) = app.get_json(&uri, Some(&omar.cookie)).await;
    let listed = named(&list, "ai-organization.example");
    assert_eq!(listed["status"], "verified");
    assert!(listed.get("last_check_message").is_none());

    // The record removed: a new check fails it again.
    dns.unpublish(&host);
    let (_, checked) = app.call("POST", &verify, &omar, None).await;
    assert_eq!(checked["status"], "failed");
    let (_, list) = app.get_json(&uri, Some(&omar.cookie)).await;
    assert_eq!(named(&list, "ai-organization.example")["status"], "failed");

    let (_, audit) = app
        .get_json(&format!("/api/audit?org_id={AI_ORG}"), Some(&omar.cookie))
        .await;
    let actions = audit_actions(&audit);
    assert_eq!(
        actions.iter().filter(|a| *a == "domain.verify").count(),
        5,
        "{actions:?}"
    );
    assert!(actions.contains(&"domain.create".to_owned()));
}

#[tokio::test]
async fn discovery_is_switched_and_a_domain_removed_with_its_checks() {
    let dns = TestDns::start();
    let app = TestApp::with_dns(dns.addr()).await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/domains");
    let (_, created) = app
        .call("POST", &uri, &admin, Some(json!({"domain": "ai-org.test"})))
        .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["use_for_organization_discovery"], true);

    let (status, switched) = app
        .call(
            "PATCH",
            &format!("{uri}/{id}"),
            &admin,
            Some(json!({"use_for_organization_discovery": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(switched["use_for_organization_discovery"], false);
    // Only discovery can be patched: the status is orgdesk's to set after a check.
    let (status, refused) = app
        .call(
            "PATCH",
            &format!("{uri}/{id}"),
            &admin,
            Some(json!({"use_for_organization_discovery": true, "status": "verified"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");

    let (status, _) = app
        .call("POST", &format!("{uri}/{id}/verify"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call("DELETE", &format!("{uri}/{id}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(names(&list), ["ai-organization-labs.example"]);
    let (status, _) = app
        .call("DELETE", &format!("{uri}/{id}"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_domains_are_refused_on_the_field_and_a_taken_one_is_a_conflict() {
    let app = TestApp::new().await;
    let admin = app.sign_in("platform-admin").await;
    let uri = format!("/api/orgs/{AI_ORG}/domains");
    for bad in [
        "10.1.2.3",
        "*.acme.com",
        "localhost",
        "co.uk",
        "github.io",
        "acme",
        "a b.com",
    ] {
        let (status, body) = app
            .call("POST", &uri, &admin, Some(json!({"domain": bad})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["field"], "domain", "{bad}");
    }
    let (_, list) = app.get_json(&uri, Some(&admin.cookie)).await;
    assert_eq!(names(&list), ["ai-organization-labs.example"]);

    let (status, _) = app
        .call(
            "POST",
            &uri,
            &admin,
            Some(json!({"domain": "acme-robotics.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/orgs/{ACME}/domains"),
            &admin,
            Some(json!({"domain": "ACME-robotics.com."})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["field"], "domain");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("one organization"));
}

#[tokio::test]
async fn another_organizations_admin_gets_404_and_reaches_nothing() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (_, created) = app
        .call(
            "POST",
            &format!("/api/orgs/{AI_ORG}/domains"),
            &omar,
            Some(json!({"domain": "ai-organization.example"})),
        )
        .await;
    let id = created["id"].as_str().unwrap();

    let lena = app.sign_in("org-admin-acme").await;
    let before = app.directory_calls();
    let (status, _) = app
        .get_json(&format!("/api/orgs/{AI_ORG}/domains"), Some(&lena.cookie))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (method, uri, body) in [
        (
            "POST",
            format!("/api/orgs/{AI_ORG}/domains"),
            Some(json!({"domain": "x.example"})),
        ),
        (
            "POST",
            format!("/api/orgs/{AI_ORG}/domains/{id}/verify"),
            None,
        ),
        ("DELETE", format!("/api/orgs/{AI_ORG}/domains/{id}"), None),
    ] {
        let (status, _) = app.call(method, &uri, &lena, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}");
    }
    assert_eq!(
        app.directory_calls(),
        before,
        "denied calls reached the directory"
    );
    // Her own organization's list is hers alone.
    let (status, list) = app
        .get_json(&format!("/api/orgs/{ACME}/domains"), Some(&lena.cookie))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&list), ["acme-robotics.example"]);
}
