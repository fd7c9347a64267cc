//! The user search on SQLite: its trigram index finds exactly what a scan finds.

use super::sqlite::{like, search_users};
use crate::directory::local::synthetic::{self, Size};
use sqlx::SqlitePool;

/// What a plain scan finds: every user whose email or name contains `q`, in email order.
async fn scanned(pool: &SqlitePool, q: &str, limit: u32) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT email FROM users WHERE email LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' \
         ORDER BY email LIMIT ?2",
    )
    .bind(like(q))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .expect("scan")
}

async fn searched(pool: &SqlitePool, q: &str, limit: u32) -> Vec<String> {
    search_users(pool, q, limit, None)
        .await
        .expect("search")
        .into_iter()
        .map(|u| u.email)
        .collect()
}

#[tokio::test]
async fn the_search_index_finds_what_a_scan_finds_and_is_rebuilt_for_older_stores() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let pool = crate::db::open(dir.path()).await.expect("the database");
    crate::directory::local::seed_if_empty(&pool)
        .await
        .expect("seed");
    synthetic::generate(
        &pool,
        Size {
            orgs: 10,
            users: 3_000,
            big_org_members: 100,
        },
    )
    .await
    .expect("synthetic users");
    // Rare text (the index), common text and short text (the scan), case, wildcards.
    let queries = [
        "person0012",
        "PERSON 002999",
        "person00",
        "customers.example",
        "pe",
        "priya",
        "%",
        "_0",
        "nobody-like-this",
        "\"quoted\"",
    ];
    for q in queries {
        assert_eq!(
            searched(pool.read(), q, 25).await,
            scanned(pool.read(), q, 25).await,
            "{q}"
        );
    }

    // A user renamed and one removed are found, or not, under their new state.
    sqlx::query(
        "UPDATE users SET name = 'Zebedee Quill' WHERE email = 'person000042@customers.example'",
    )
    .execute(pool.write())
    .await
    .expect("rename");
    sqlx::query("DELETE FROM org_members WHERE user_id = (SELECT user_id FROM users WHERE email = 'person000043@customers.example')")
        .execute(pool.write())
        .await
        .expect("leave orgs");
    sqlx::query("DELETE FROM users WHERE email = 'person000043@customers.example'")
        .execute(pool.write())
        .await
        .expect("delete");
    assert_eq!(
        searched(pool.read(), "zebedee", 25).await,
        ["person000042@customers.example"]
    );
    assert!(searched(pool.read(), "person000043", 25).await.is_empty());

    // A store written before the index existed gets it built when opened.
    sqlx::raw_sql(
        "INSERT INTO users_search (users_search) VALUES ('delete-all'); PRAGMA user_version = 0;",
    )
    .execute(pool.write())
    .await
    .expect("forget the index");
    assert!(
        searched(pool.read(), "zebedee", 25).await.is_empty(),
        "index emptied"
    );
    pool.close().await;
    let pool = crate::db::open(dir.path()).await.expect("reopened");
    assert_eq!(
        searched(pool.read(), "zebedee", 25).await,
        ["person000042@customers.example"]
    );
}
