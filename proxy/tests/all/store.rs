//! The embedded store's life cycle: seeded once, kept across restarts, clear errors on bad data
//! folders.

#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, AI_ORG};

#[tokio::test]
async fn seeding_happens_once_and_data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let assets = dir.path().join("none");

    let state = orgdesk_proxy::demo_state(&data, &assets, false, &Default::default())
        .await
        .unwrap();
    drop(state);

    // An operator's change between two starts must not be undone by a second seeding.
    let pool = orgdesk_proxy::db::open(&data).await.unwrap();
    sqlx::query("UPDATE orgs SET display_name = 'Renamed Org' WHERE id = ?1")
        .bind(AI_ORG)
        .execute(pool.write())
        .await
        .unwrap();
    sqlx::query("DELETE FROM orgs WHERE name = 'tyrell-corp'")
        .execute(pool.write())
        .await
        .unwrap();
    pool.close().await;

    let app = TestApp::in_dir(dir, None).await;
    let admin = app.sign_in("platform-admin").await;
    let (_, org) = app
        .get_json(&format!("/api/orgs/{AI_ORG}"), Some(&admin.cookie))
        .await;
    assert_eq!(org["display_name"], "Renamed Org");
    let (_, list) = app.get_json("/api/orgs", Some(&admin.cookie)).await;
    assert_eq!(list["total"], 11, "the deleted org stays deleted");
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::in_dir(dir, None).await;
    let user = app.sign_in("member").await;
    let dir = app.dir;

    let restarted = TestApp::in_dir(dir, None).await;
    let (status, me) = restarted.get_json("/api/me", Some(&user.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["email"], "user@example.com");
}

#[tokio::test]
async fn a_corrupt_database_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("orgdesk.db"),
        b"this is not a database, just some text that is long enough",
    )
    .unwrap();
    let err = orgdesk_proxy::demo_state(&data, dir.path(), false, &Default::default())
        .await
        .err()
        .expect("a corrupt file must not open");
    let message = err.to_string();
    assert!(
        message.contains(&data.join("orgdesk.db").display().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn a_data_dir_that_is_a_file_is_a_clear_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::write(&data, b"a file").unwrap();
    let err = orgdesk_proxy::demo_state(&data, dir.path(), false, &Default::default())
        .await
        .err()
        .expect("a file is not a folder");
    assert!(
        err.to_string().contains(&data.display().to_string()),
        "{err}"
    );
}
