//! `/api/import`: a file compared with the directory into a plan, then applied step by step,
//! audited with the plan's id; an unchanged tenant plans nothing; org admins import only what
//! their role may change in their own organization.

#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::{Signed, TestApp};

const AI_ORG: &str = "org_aiOrg7Qm2Xk4Lp9";
const ACME: &str = "org_acmeR0b8Tn3Vw5";

async fn export(app: &TestApp, who: &Signed, query: &str) -> String {
    let (status, _, bytes) = app.download(who, &format!("/api/export?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8(bytes).unwrap()
}

/// The deploy-cli YAML out of its zip.
async fn export_yaml(app: &TestApp, who: &Signed) -> String {
    let (_, _, bytes) = app.download(who, "/api/export?format=deploy-cli").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("tenant.yaml").unwrap(), &mut text).unwrap();
    text
}

/// Someone else changes AI Organization's metadata, as the console does.
async fn change_metadata_meanwhile(app: &TestApp, who: &Signed) {
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&who.cookie))
        .await;
    let mut metadata = org["metadata"].clone();
    metadata["ai_models"] = json!("gpt-4o");
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            who,
            Some(json!({"metadata": metadata, "base_metadata": org["metadata"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn plan(app: &TestApp, who: &Signed, file: &str, deletions: bool) -> (StatusCode, Value) {
    app.call(
        "POST",
        "/api/import/plan",
        who,
        Some(json!({"file": file, "deletions": deletions})),
    )
    .await
}

/// Applies a plan as `who`.
async fn apply(app: &TestApp, who: &Signed, plan_id: Value) -> (StatusCode, Value) {
    app.call(
        "POST",
        "/api/import/apply",
        who,
        Some(json!({ "plan_id": plan_id })),
    )
    .await
}

fn steps(plan: &Value) -> Vec<(String, String, String)> {
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap().to_owned(),
                s["kind"].as_str().unwrap().to_owned(),
                s["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_unchanged_tenant_plans_nothing_from_its_own_export_in_either_format() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let json = export(&app, &ada, "format=json").await;
    let (status, planned) = plan(&app, &ada, &json, true).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(steps(&planned), [], "{planned}");
    assert_eq!(planned["source"], "json");

    let yaml = export_yaml(&app, &ada).await;
    let (status, planned) = plan(&app, &ada, &yaml, true).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(steps(&planned), [], "{planned}");
    assert_eq!(planned["source"], "deploy-cli");
    assert!(
        planned["notes"][0].as_str().unwrap().contains("no members"),
        "{planned}"
    );
}

#[tokio::test]
async fn a_changed_colour_is_planned_back_applied_once_and_audited_with_the_plan() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let file = export(&app, &ada, &format!("format=json&org_id={AI_ORG}")).await;
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/orgs/{AI_ORG}"),
            &ada,
            Some(json!({"branding": {
                "logo_url": "https://example.com/logo.png",
                "colors": {"primary": "#5b21b6", "page_background": "#0b1437"}
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, planned) = plan(&app, &ada, &file, false).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(
        steps(&planned),
        [(
            "change".into(),
            "organization".into(),
            "ai-organization".into()
        )]
    );
    let change = &planned["steps"][0]["changes"];
    assert_eq!(change.as_array().unwrap().len(), 1, "{change}");
    assert_eq!(change[0]["field"], "branding.colors.primary");
    assert_eq!(change[0]["before"], "#5b21b6");
    assert_eq!(change[0]["after"], "#0000ff");
    let plan_id = planned["id"].as_str().unwrap().to_owned();

    let (status, applied) = apply(&app, &ada, json!(plan_id)).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["state"], "applied");
    assert_eq!(applied["done"], 1);
    assert_eq!(applied["total"], 1);
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&ada.cookie))
        .await;
    assert_eq!(org["branding"]["colors"]["primary"], "#0000ff");

    // Audited as the organization's change, with the plan's id.
    let (_, audit) = app
        .get_json(&format!("/api/audit?org_id={AI_ORG}"), Some(&ada.cookie))
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "org.update", "{entry}");
    let changes = entry["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "import_plan" && c["after"] == plan_id.as_str()),
        "{entry}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "branding.colors.primary"),
        "{entry}"
    );

    // Applying it again is refused; planning the file again finds nothing left to do.
    let (status, _) = apply(&app, &ada, json!(plan_id)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, again) = plan(&app, &ada, &file, false).await;
    assert_eq!(steps(&again), []);
    let (_, progress) = app
        .get_json(&format!("/api/import/plans/{plan_id}"), Some(&ada.cookie))
        .await;
    assert_eq!(progress["state"], "applied");
}

#[tokio::test]
async fn deletions_are_planned_only_when_asked_for() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let mut file: Value =
        serde_json::from_str(&export(&app, &ada, &format!("format=json&org_id={AI_ORG}")).await)
            .unwrap();
    // The file without its last member and with a role for someone new to it.
    let members = file["organizations"][0]["members"].as_array_mut().unwrap();
    let gone = members.pop().unwrap();
    let text = file.to_string();
    let (_, planned) = plan(&app, &ada, &text, false).await;
    assert_eq!(steps(&planned), []);
    let (_, planned) = plan(&app, &ada, &text, true).await;
    let found = steps(&planned);
    assert_eq!(found.len(), 1, "{planned}");
    assert_eq!(found[0].0, "delete");
    assert_eq!(found[0].1, "member");
    let plan_id = planned["id"].as_str().unwrap();
    let (_, applied) = apply(&app, &ada, json!(plan_id)).await;
    assert_eq!(applied["state"], "applied", "{applied}");
    let (_, list) = app
        .get_json(&format!("/api/orgs/{AI_ORG}/members"), Some(&ada.cookie))
        .await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["user_id"] != gone["user_id"]));
}

#[tokio::test]
async fn a_bad_file_is_refused_on_its_field_and_plans_nothing() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let (status, body) = plan(&app, &ada, "", false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "file");
    let mut file: Value =
        serde_json::from_str(&export(&app, &ada, &format!("format=json&org_id={AI_ORG}")).await)
            .unwrap();
    file["organizations"][0]["branding"]["colors"]["primary"] = json!("blue-ish");
    let (status, body) = plan(&app, &ada, &file.to_string(), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file");
    assert!(
        body["message"].as_str().unwrap().contains("colour")
            || body["message"].as_str().unwrap().contains("color"),
        "{body}"
    );
    // A connection the tenant does not have.
    let mut file: Value =
        serde_json::from_str(&export(&app, &ada, &format!("format=json&org_id={AI_ORG}")).await)
            .unwrap();
    file["organizations"][0]["connections"][0]["name"] = json!("no-such-connection");
    let (status, body) = plan(&app, &ada, &file.to_string(), false).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "organizations[0].connections");
}

#[tokio::test]
async fn an_org_admin_imports_only_their_own_organizations_part() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let omar = app.sign_in("org-admin").await;
    // Their own export, with their colour changed back: planned and applied.
    let own = export(&app, &omar, "format=json").await;
    app.call(
        "PATCH",
        &format!("/api/orgs/{AI_ORG}"),
        &omar,
        Some(json!({"branding": {
            "logo_url": "https://example.com/logo.png",
            "colors": {"primary": "#123456", "page_background": "#0b1437"}
        }})),
    )
    .await;
    let (status, planned) = plan(&app, &omar, &own, false).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(steps(&planned).len(), 1);
    // Ada's plan is not Omar's to apply, nor his hers.
    let (status, _) = apply(&app, &ada, planned["id"].clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, applied) = apply(&app, &omar, planned["id"].clone()).await;
    assert_eq!(applied["state"], "applied", "{applied}");

    // The whole tenant's file, or Acme's part, is refused and names what is not theirs.
    let tenant = export(&app, &ada, "format=json").await;
    let acme = export(&app, &ada, &format!("format=json&org_id={ACME}")).await;
    for file in [&tenant, &acme] {
        let calls = app.directory_calls();
        let (status, body) = plan(&app, &omar, file, false).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("acme-robotics"),
            "{body}"
        );
        let _ = calls;
    }
    // The tenant's file changes nothing of theirs, so planning it against AI Organization
    // alone would be empty: it is refused for naming other organizations, not for its content.
    let member = app.sign_in("member").await;
    let (status, _) = plan(&app, &member, &own, false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_step_whose_organization_changed_since_the_plan_stops_the_apply() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let mut file: Value =
        serde_json::from_str(&export(&app, &ada, &format!("format=json&org_id={AI_ORG}")).await)
            .unwrap();
    file["organizations"][0]["metadata"]["data_region"] = json!("eu");
    let (_, planned) = plan(&app, &ada, &file.to_string(), false).await;
    assert_eq!(steps(&planned).len(), 1, "{planned}");
    // Someone changes the metadata meanwhile.
    change_metadata_meanwhile(&app, &ada).await;
    let (_, applied) = apply(&app, &ada, planned["id"].clone()).await;
    assert_eq!(applied["state"], "stopped", "{applied}");
    assert_eq!(applied["done"], 0);
    assert!(applied["failed"]["message"]
        .as_str()
        .unwrap()
        .contains("changed by someone else"));
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&ada.cookie))
        .await;
    assert_eq!(
        org["metadata"]["ai_models"], "gpt-4o",
        "the other change is kept"
    );
    assert_eq!(org["metadata"]["data_region"], "us");
}

#[tokio::test]
async fn the_first_refused_step_stops_the_apply_and_what_came_before_it_stays() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let mut file: Value = serde_json::from_str(&export(&app, &ada, "format=json").await).unwrap();
    let orgs = file["organizations"].as_array_mut().unwrap();
    // Three changes in plan order: Acme's colour, AI Organization's region, Globex's colour.
    let acme = orgs
        .iter_mut()
        .find(|o| o["name"] == "acme-robotics")
        .unwrap();
    acme["branding"]["colors"]["primary"] = json!("#111111");
    let ai = orgs
        .iter_mut()
        .find(|o| o["name"] == "ai-organization")
        .unwrap();
    ai["metadata"]["data_region"] = json!("eu");
    let globex = orgs
        .iter_mut()
        .find(|o| o["name"] == "globex-health")
        .unwrap();
    globex["branding"]["colors"]["primary"] = json!("#222222");
    let (_, planned) = plan(&app, &ada, &file.to_string(), false).await;
    let targets: Vec<String> = steps(&planned).into_iter().map(|s| s.2).collect();
    assert_eq!(
        targets,
        ["acme-robotics", "ai-organization", "globex-health"],
        "{planned}"
    );

    // Someone changes AI Organization's metadata before the plan is applied.
    change_metadata_meanwhile(&app, &ada).await;
    let (_, applied) = apply(&app, &ada, planned["id"].clone()).await;
    assert_eq!(applied["state"], "stopped", "{applied}");
    assert_eq!(applied["done"], 1);
    assert_eq!(applied["total"], 3);
    assert_eq!(applied["failed"]["step"], 1);
    assert_eq!(applied["failed"]["target"], "ai-organization");
    let (_, acme) = app
        .get_json(&format!("/api/orgs/{ACME}"), Some(&ada.cookie))
        .await;
    assert_eq!(
        acme["branding"]["colors"]["primary"], "#111111",
        "the step before it stays"
    );
    let (_, globex) = app
        .get_json("/api/orgs/org_globexH3alth2Zq", Some(&ada.cookie))
        .await;
    assert_eq!(
        globex["branding"]["colors"]["primary"], "#0f766e",
        "no step after it ran"
    );
    let (_, progress) = app
        .get_json(
            &format!("/api/import/plans/{}", planned["id"].as_str().unwrap()),
            Some(&ada.cookie),
        )
        .await;
    assert_eq!(progress, applied);
}

#[tokio::test]
async fn a_deploy_cli_file_changes_what_it_says_and_leaves_members_alone() {
    let app = TestApp::new().await;
    let ada = app.sign_in("platform-admin").await;
    let yaml = export_yaml(&app, &ada)
        .await
        .replace(
            "display_name: \"AI Organization\"",
            "display_name: \"AI Organization (EU)\"",
        )
        .replace("name: \"acme-saml\"", "connection_id: \"acme-saml\"");
    // Deletions asked for: the members it cannot say anything about are still not removed.
    let (status, planned) = plan(&app, &ada, &yaml, true).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    assert_eq!(
        steps(&planned),
        [(
            "change".into(),
            "organization".into(),
            "ai-organization".into()
        )]
    );
    assert_eq!(
        planned["steps"][0]["changes"][0]["after"],
        "AI Organization (EU)"
    );
    let (_, applied) = apply(&app, &ada, planned["id"].clone()).await;
    assert_eq!(applied["state"], "applied", "{applied}");
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&ada.cookie))
        .await;
    assert_eq!(org["display_name"], "AI Organization (EU)");
    let (_, members) = app
        .get_json(&format!("/api/orgs/{AI_ORG}/members"), Some(&ada.cookie))
        .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 4);
}

/// Every export of a tenant, by format: the file or the zip's files, by name.
async fn every_export(app: &TestApp, who: &Signed) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for format in ["json", "pulumi-python", "terraform", "deploy-cli"] {
        let (status, _, bytes) = app
            .download(who, &format!("/api/export?format={format}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{format}");
        if format == "json" {
            files.push(("tenant.orgdesk.json".to_owned(), bytes));
            continue;
        }
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut content).unwrap();
            files.push((format!("{format}/{}", file.name().unwrap()), content));
        }
    }
    files
}

#[tokio::test]
async fn a_tenant_exported_imported_into_an_empty_store_and_exported_again_gives_the_same_files() {
    let demo = TestApp::new().await;
    let ada = demo.sign_in("platform-admin").await;
    let before = every_export(&demo, &ada).await;
    let snapshot = String::from_utf8(before[0].1.clone()).unwrap();

    // An embedded store with nothing in it: no organization, user, role, API or connection.
    let dir = tempfile::tempdir().unwrap();
    let empty = orgdesk_proxy::db::open(dir.path()).await.unwrap();
    let store = std::sync::Arc::new(orgdesk_proxy::directory::local::LocalDirectory::new(empty));
    let app = TestApp::with_directory(store).await;
    let ada = app.sign_in("platform-admin").await;
    let (status, planned) = plan(&app, &ada, &snapshot, false).await;
    assert_eq!(status, StatusCode::OK, "{planned}");
    let kinds: std::collections::BTreeMap<String, usize> =
        steps(&planned)
            .into_iter()
            .fold(Default::default(), |mut counts, (_, kind, _)| {
                *counts.entry(kind).or_default() += 1;
                counts
            });
    assert_eq!(kinds["organization"], 12, "{kinds:?}");
    assert_eq!(kinds["user"], 9, "{kinds:?}");
    let (_, applied) = apply(&app, &ada, planned["id"].clone()).await;
    assert_eq!(applied["state"], "applied", "{applied}");

    let after = every_export(&app, &ada).await;
    let names =
        |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&before));
    for ((name, was), (_, now)) in before.iter().zip(&after) {
        assert!(
            was == now,
            "{name} differs:\n--- before\n{}\n--- after\n{}",
            String::from_utf8_lossy(was),
            String::from_utf8_lossy(now)
        );
    }
    // And the tenant now says what the file says: planning it again changes nothing.
    let (_, again) = plan(&app, &ada, &snapshot, true).await;
    assert_eq!(steps(&again), [], "{again}");
}
