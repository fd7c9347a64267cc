//! Opening the proxy's SQLite database, with errors that name the path at fault.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

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

/// Opens (creating when missing) `orgdesk.db` in `data_dir` and brings its schema up to date.
///
/// # Errors
/// When the folder cannot be created or written, or the file is not a usable database.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, OpenError> {
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
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(db_error)?;
    sqlx::raw_sql(SCHEMA)
        .execute(&pool)
        .await
        .map_err(db_error)?;
    // Stores written before the user search index existed get it built once.
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&pool)
        .await
        .map_err(db_error)?;
    if version < SEARCH_INDEX_VERSION {
        sqlx::raw_sql(&format!(
            "INSERT INTO users_search (users_search) VALUES ('rebuild'); PRAGMA user_version = {SEARCH_INDEX_VERSION};"
        ))
        .execute(&pool)
        .await
        .map_err(db_error)?;
    }
    Ok(pool)
}

/// Seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
