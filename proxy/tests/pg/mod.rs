//! A fresh PostgreSQL database for each test, on the throwaway cluster that `cargo xtask test`
//! starts (its address in `ORGDESK_TEST_DATABASE_URL`).

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};

/// The cluster's address; these tests cannot run without one.
pub fn cluster_url() -> String {
    std::env::var("ORGDESK_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "ORGDESK_TEST_DATABASE_URL is not set: run `cargo xtask test`, which starts a \
             throwaway PostgreSQL, or point it at a server where orgdesk may create databases"
        )
    })
}

/// Creates an empty database and returns its URL.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = cluster_url();
    let name = format!(
        "orgdesk_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}
