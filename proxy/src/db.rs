//! orgdesk's SQLite database: one writer connection that every change queues for, and a pool of
//! read-only connections that never wait behind it (WAL).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data folder cannot be created or written.
    #[error("cannot use data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The database file is unreadable, corrupt or not a database.
    #[error("cannot open database {path}: {source} (move the file away to start afresh)")]
    Database {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: sqlx::Error,
    },
}

const SCHEMA: &str = include_str!("schema.sql");
/// The `user_version` from which the store has its user search index.
const SEARCH_INDEX_VERSION: i64 = 1;
/// The `user_version` from which audit rows keep a client's own request id apart.
const CLIENT_REQUEST_ID_VERSION: i64 = 2;

/// How long a change waits for the writer before the person is told to try again (503).
pub const WRITE_DEADLINE: Duration = Duration::from_secs(10);

/// What a person is told when a change could not get the writer in time (503).
pub const BUSY_MESSAGE: &str =
    "orgdesk is busy saving other changes. Nothing was saved; try again in a moment.";
/// The `Retry-After` of that answer.
pub const BUSY_RETRY_AFTER_SECS: u64 = 2;

/// The database: reads and writes go to different connections.
#[derive(Debug, Clone)]
pub struct Db {
    read: SqlitePool,
    write: SqlitePool,
}

impl Db {
    /// Connections for reading; they never wait for a write to finish.
    #[must_use]
    pub fn read(&self) -> &SqlitePool {
        &self.read
    }

    /// The single writer connection. Writes queue for it in order, so two changes never meet
    /// inside SQLite (no `SQLITE_BUSY` between them); past [`WRITE_DEADLINE`] the wait ends in
    /// `PoolTimedOut`, which the API answers with 503 and `Retry-After`.
    #[must_use]
    pub fn write(&self) -> &SqlitePool {
        if self.write.num_idle() == 0 {
            crate::metrics::METRICS.db_busy_wait();
        }
        &self.write
    }

    /// A write transaction that holds SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`): a transaction that reads and then writes can never find its snapshot
    /// out of date, even against another process sharing the file.
    ///
    /// # Errors
    /// When the writer stays busy past the deadline, or SQLite refuses.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.write().begin_with("BEGIN IMMEDIATE").await
    }

    /// Whether the database answers a read, for `/readyz`.
    ///
    /// # Errors
    /// What SQLite or the pool said.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&self.read)
            .await?;
        if version < CLIENT_REQUEST_ID_VERSION {
            return Err(sqlx::Error::Protocol(format!(
                "schema version {version}, expected {CLIENT_REQUEST_ID_VERSION}"
            )));
        }
        Ok(())
    }

    /// Closes every connection; later queries fail.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// Whether a database error means "busy, try again" rather than a fault: the writer was not
/// free within the deadline, or another process held SQLite's lock longer than `busy_timeout`.
#[must_use]
pub fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            // SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes (517 BUSY_SNAPSHOT…).
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0);
            matches!(code & 0xff, 5 | 6)
        }
        _ => false,
    }
}

/// Opens (creating when missing) `orgdesk.db` in `data_dir` and brings its schema up to date.
///
/// # Errors
/// When the folder cannot be created or written, or the file is not a usable database.
pub async fn open(data_dir: &Path) -> Result<Db, OpenError> {
    let dir_error = |source| OpenError::DataDir {
        path: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(dir_error)?;
    let metadata = std::fs::metadata(data_dir).map_err(dir_error)?;
    if metadata.permissions().readonly() {
        return Err(dir_error(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the folder is read-only",
        )));
    }
    let path = data_dir.join("orgdesk.db");
    let db_error = |source| OpenError::Database {
        path: path.clone(),
        source,
    };
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(db_error)?
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a commit is on disk (the WAL fsynced) before the answer leaves, so an audit row
        // that was acknowledged survives a power cut. NORMAL could lose the last commits.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        // Only another process sharing the file (a bench writer, an operator's sqlite3) can
        // hold the lock; within orgdesk writes queue for the one writer connection.
        .busy_timeout(Duration::from_secs(5));
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(WRITE_DEADLINE)
        .connect_with(options.clone())
        .await
        .map_err(db_error)?;
    migrate(&write).await.map_err(db_error)?;
    let read = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(WRITE_DEADLINE)
        .connect_with(options.read_only(true))
        .await
        .map_err(db_error)?;
    Ok(Db { read, write })
}

/// Brings a database of any earlier orgdesk up to the current schema, in place.
async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(SCHEMA).execute(pool).await?;
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(pool)
        .await?;
    if version < SEARCH_INDEX_VERSION {
        // Stores written before the user search index existed get it built once.
        sqlx::raw_sql("INSERT INTO users_search (users_search) VALUES ('rebuild')")
            .execute(pool)
            .await?;
    }
    if version < CLIENT_REQUEST_ID_VERSION {
        let has_column: bool = sqlx::query_scalar(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('audit_log') WHERE name = 'client_request_id'",
        )
        .fetch_one(pool)
        .await?;
        if !has_column {
            sqlx::raw_sql("ALTER TABLE audit_log ADD COLUMN client_request_id TEXT")
                .execute(pool)
                .await?;
        }
    }
    sqlx::raw_sql(&format!(
        "PRAGMA user_version = {CLIENT_REQUEST_ID_VERSION}"
    ))
    .execute(pool)
    .await?;
    Ok(())
}

/// Seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
