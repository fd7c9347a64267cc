//! `GET /api/export` on the demo tenant: the snapshot holds the starting program's values, the
//! code formats are zips of the files that belong together, scoping comes from the session.

#![allow(clippy::unwrap_used)]

use std::io::Read;

use axum::http::{header, StatusCode};
use orgdesk_model::snapshot::Snapshot;

use crate::common::{Signed, TestApp};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
const ACME: &str = "org_acmeR0b8Tn3Vw5";

/// The status, headers and bytes of an export.
async fn download(
    app: &TestApp,
    who: &Signed,
    query: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    app.download(who, &format!("/api/export?{query}")).await
}

/// The names and texts of a zip's files.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().into_owned(), text)
        })
        .collect()
}

#[tokio::test]
async fn the_demo_tenants_snapshot_holds_the_starting_programs_values() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let (status, headers, body) = download(&app, &ada, "format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"tenant.orgdesk.json\""
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let snapshot: Snapshot = serde_json::from_slice(&body).unwrap();

    let tenant = snapshot.tenant.as_ref().unwrap();
    assert_eq!(tenant.friendly_name, "My AI Application");
    assert_eq!(tenant.support_email, "support@example.com");
    assert_eq!(tenant.support_url, "https://support.example.com");
    assert!(tenant.error_page.html.contains("Something went wrong"));

    assert_eq!(snapshot.organizations.len(), 12);
    let ai = snapshot.org_by_id(AI_ORG).unwrap();
    assert_eq!(ai.name.as_str(), "ai-organization");
    assert_eq!(
        ai.display_name.as_ref().unwrap().as_str(),
        "AI Organization"
    );
    let colors = ai.branding.as_ref().unwrap().colors.as_ref().unwrap();
    assert_eq!(colors.primary.as_ref().unwrap().as_str(), "#0000ff");
    assert_eq!(ai.metadata.get("tenant_id"), Some("tenant12345"));
    assert_eq!(ai.connections[0].name, "Username-Password-Authentication");

    let user = snapshot
        .users
        .iter()
        .find(|u| u.email == "user@example.com")
        .unwrap();
    assert_eq!(user.connection, "Username-Password-Authentication");
    assert!(user.email_verified);
    assert_eq!(user.user_metadata["role"], "data-scientist");
    assert_eq!(user.app_metadata["organization_id"], AI_ORG);
    let membership = ai
        .members
        .iter()
        .find(|m| m.user_id == user.user_id)
        .unwrap();
    assert_eq!(membership.roles, ["data-scientist"]);

    // Every member is a user of the export; the admin who belongs to no organization is not.
    assert_eq!(snapshot.users.len(), 9);
    assert!(snapshot
        .users
        .iter()
        .all(|u| u.email != "admin@example.com"));
    assert_eq!(snapshot.roles.len(), 4);
    assert!(snapshot.roles.iter().all(|r| !r.permissions.is_empty()));
    assert!(!snapshot.apis.is_empty());
    assert!(snapshot
        .invitations
        .iter()
        .any(|i| i.organization == "ai-organization"));
    // No password, no secret, nothing orgdesk keeps for itself.
    let text = String::from_utf8(body).unwrap();
    assert!(
        !text.contains("password") && !text.contains("secret"),
        "{text}"
    );
}

#[tokio::test]
async fn each_code_format_is_a_zip_of_its_files_with_the_invitations_beside_them() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let export_dir = std::env::var("ORGDESK_EXPORT_DIR").ok();
    if let Some(dir) = &export_dir {
        let (_, _, json) = download(&app, &ada, "format=json").await;
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(format!("{dir}/tenant.orgdesk.json"), json).unwrap();
    }
    for (format, filename, files) in [
        (
            "pulumi-python",
            "tenant.pulumi.zip",
            &[
                "__main__.py",
                "Pulumi.yaml",
                "requirements.txt",
                "import.json",
                "invitations.csv",
            ][..],
        ),
        (
            "terraform",
            "tenant.terraform.zip",
            &["main.tf", "invitations.csv"][..],
        ),
        (
            "deploy-cli",
            "tenant.deploy-cli.zip",
            &["tenant.yaml", "pages/error_page.html", "invitations.csv"][..],
        ),
    ] {
        let (status, headers, body) = download(&app, &ada, &format!("format={format}")).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{filename}\"")
        );
        let unzipped = unzip(&body);
        let names: Vec<&str> = unzipped.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, files, "{format}");
        let csv = &unzipped
            .iter()
            .find(|(n, _)| n == "invitations.csv")
            .unwrap()
            .1;
        assert!(csv.contains("new.hire@ai-organization.example"), "{csv}");
        // The same tenant gives the same bytes.
        let (_, _, again) = download(&app, &ada, &format!("format={format}")).await;
        assert_eq!(again, body, "{format} is not stable");
        if let Some(dir) = &export_dir {
            std::fs::write(format!("{dir}/{filename}"), &body).unwrap();
        }
    }
}

#[tokio::test]
async fn an_org_admin_exports_only_their_own_organization_whatever_they_ask() {
    let app = TestApp::new().await;
    let omar = app.sign_in("org-admin").await;
    let (status, headers, body) = download(&app, &omar, "format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"ai-organization.orgdesk.json\""
    );
    let snapshot: Snapshot = serde_json::from_slice(&body).unwrap();
    assert!(snapshot.tenant.is_none());
    assert!(snapshot.apis.is_empty());
    let orgs: Vec<&str> = snapshot
        .organizations
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(orgs, [AI_ORG]);
    // The roles its members and invitees hold, no other.
    let roles: Vec<&str> = snapshot.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        roles,
        ["data-scientist", "ml-engineer", "org-admin", "viewer"]
    );
    assert!(snapshot.users.iter().all(|u| u
        .app_metadata
        .get("organization_id")
        .is_none_or(|o| o == AI_ORG)));

    let calls = app.directory_calls();
    let (status, _, _) = download(&app, &omar, &format!("format=json&org_id={ACME}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.directory_calls(),
        calls,
        "a denied export read the directory"
    );

    let member = app.sign_in("member").await;
    let (status, _, _) = download(&app, &member, "format=json").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = download(&app, &omar, "format=yaml").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
