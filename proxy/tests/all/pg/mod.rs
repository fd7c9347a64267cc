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

/// A PostgreSQL cluster of one test's own, which the test may stop and start again.
pub struct PrivateCluster {
    dir: std::path::PathBuf,
    port: u16,
    as_postgres: bool,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl PrivateCluster {
    fn pg(&self, program: &str) -> std::process::Command {
        let path = std::path::Path::new(PG_BIN).join(program);
        if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            std::process::Command::new(path)
        }
    }

    /// Creates and starts a cluster on a free loopback port (as the `postgres` user when
    /// running as root, since `initdb` refuses root).
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("orgdesk-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if as_postgres {
            assert!(std::process::Command::new("chown")
                .arg("postgres:postgres")
                .arg(&dir)
                .status()
                .unwrap()
                .success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            dir,
            port,
            as_postgres,
        };
        let initdb = cluster
            .pg("initdb")
            .arg("-D")
            .arg(cluster.dir.join("data"))
            .args(["-A", "trust", "-U", "orgdesk", "--no-sync", "-E", "UTF8"])
            .output()
            .unwrap();
        assert!(initdb.status.success(), "initdb: {initdb:?}");
        cluster.resume();
        cluster
    }

    /// `postgres://orgdesk@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://orgdesk@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server (again).
    pub fn resume(&self) {
        let started = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                self.port,
                self.dir.display()
            ))
            .args(["-w", "start"])
            .output()
            .unwrap();
        assert!(started.status.success(), "pg_ctl start: {started:?}");
    }

    /// Stops the server, ending every connection.
    pub fn stop(&self) {
        let stopped = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .output()
            .unwrap();
        assert!(stopped.status.success(), "pg_ctl stop: {stopped:?}");
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
