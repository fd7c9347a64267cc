//! orgdesk's database: SQLite under `--data-dir` (one writer connection that every change
//! queues for, and read-only connections that never wait behind it), or PostgreSQL.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor as _, Sqlite, SqlitePool, Transaction};

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
    /// PostgreSQL cannot be reached or refused the schema. The URL is not repeated: it may
    /// hold a password.
    #[error("cannot use the PostgreSQL database of --database-url: {0}")]
    Postgres(sqlx::Error),
    /// The database URL names no engine orgdesk knows.
    #[error("--database-url must start with postgres:// or postgresql://")]
    UnknownEngine,
}

const SCHEMA: &str = include_str!("schema.sql");
/// The `user_version` from which the store has its user search index.
const SEARCH_INDEX_VERSION: i64 = 1;
/// The `user_version` from which audit rows keep a client's own request id apart.
const CLIENT_REQUEST_ID_VERSION: i64 = 2;

/// How long a change waits for the writer before the person is told to try again (503).
pub const WRITE_DEADLINE: Duration = Duration::from_secs(10);

/// What a person is told when the database does not answer (503).
pub const DOWN_MESSAGE: &str =
    "orgdesk cannot reach its database right now. Nothing was saved; try again in a moment.";

/// What a person is told when a change could not get the writer in time (503).
pub const BUSY_MESSAGE: &str =
    "orgdesk's database is busy and did not answer in time. Nothing was saved; try again in a moment.";
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

/// Whether a database error means "try again shortly" rather than a fault, and what to tell
/// the person: the writer was not free within the deadline, another process held SQLite's lock
/// longer than `busy_timeout`, or PostgreSQL is not answering (down, restarting, unreachable).
#[must_use]
pub fn unavailable(err: &sqlx::Error) -> Option<&'static str> {
    match err {
        // The writer queue (SQLite) or a connection (PostgreSQL) was not had in time.
        sqlx::Error::PoolTimedOut => Some(BUSY_MESSAGE),
        sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            Some(DOWN_MESSAGE)
        }
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if let Ok(sqlite) = code.parse::<i64>() {
                // SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes (517 BUSY_SNAPSHOT…).
                return matches!(sqlite & 0xff, 5 | 6).then_some(BUSY_MESSAGE);
            }
            // PostgreSQL: connection exceptions, shutting down or starting up, out of
            // resources, and serialization failures or deadlocks (safe to try again).
            let retry = code.starts_with("08")
                || code.starts_with("57P")
                || code.starts_with("53")
                || code == "40001"
                || code == "40P01";
            retry.then_some(DOWN_MESSAGE)
        }
        _ => None,
    }
}

/// The 503 for a database that does not answer, `(message, retry_after)`, noted in the log
/// and the metrics; `None` for any other error.
pub fn refusal(err: &sqlx::Error) -> Option<(&'static str, u64)> {
    let message = unavailable(err)?;
    crate::metrics::METRICS.inc("orgdesk_db_busy_refusals_total", &[]);
    tracing::warn!(error = %err, "database unavailable; answered 503");
    Some((message, BUSY_RETRY_AFTER_SECS))
}

/// Whether a database error means "busy, try again" (see [`unavailable`]).
#[must_use]
pub fn is_busy(err: &sqlx::Error) -> bool {
    unavailable(err).is_some()
}

/// orgdesk's database on PostgreSQL (`--database-url`): one pool; PostgreSQL itself keeps
/// concurrent writers apart.
#[derive(Debug, Clone)]
pub struct PgDb {
    pool: PgPool,
}

/// The versioned migrations for PostgreSQL, applied in order, each once.
const PG_MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_state.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_shared_counters.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_purge_function.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_auth0_pacing.sql"),
    ),
    (5, include_str!("../migrations/postgres/0005_directory.sql")),
    (
        6,
        include_str!("../migrations/postgres/0006_org_search.sql"),
    ),
    (7, include_str!("../migrations/postgres/0007_apis.sql")),
    (8, include_str!("../migrations/postgres/0008_m2m.sql")),
    (9, include_str!("../migrations/postgres/0009_domains.sql")),
    (
        10,
        include_str!("../migrations/postgres/0010_import_plans.sql"),
    ),
];

/// The grants orgdesk's runtime role needs (README "Running in production").
pub const PG_GRANTS: &str = include_str!("../migrations/postgres/grants.sql");

/// The advisory lock that makes replicas starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x006f_7267_6465_736b; // "orgdesk"

impl PgDb {
    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Connects to PostgreSQL and applies the migrations it lacks. Several replicas starting at
/// once take turns (an advisory lock): each migration runs once.
///
/// # Errors
/// When the server cannot be reached or a migration fails (nothing of it is applied then).
pub async fn open_postgres(url: &str) -> Result<PgDb, OpenError> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(OpenError::UnknownEngine);
    }
    let options = sqlx::postgres::PgConnectOptions::from_str(url)
        .map_err(OpenError::Postgres)?
        // Plan every statement for its own values: one organization has 20,000 members where
        // most have ten, and a plan made once for "an average organization" walks the wrong
        // index (measured: a member page 127 ms with the generic plan, 0.5 ms planned for its
        // values). Planning costs about a millisecond; an admin console can afford it.
        .options([("plan_cache_mode", "force_custom_plan")]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        // A stopped server is answered 503 within this, not after a long hang.
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .map_err(OpenError::Postgres)?;
    migrate_postgres(&pool).await.map_err(OpenError::Postgres)?;
    Ok(PgDb { pool })
}

async fn migrate_postgres(pool: &PgPool) -> Result<(), sqlx::Error> {
    // Up to date already: a runtime role without CREATE starts without touching the schema.
    let latest = PG_MIGRATIONS.last().map_or(0, |(v, _)| *v);
    let known: bool = sqlx::query_scalar("SELECT to_regclass('orgdesk_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if known {
        let current: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM orgdesk_migrations")
                .fetch_one(pool)
                .await?;
        if current.is_some_and(|v| v >= latest) {
            return Ok(());
        }
    }
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    // Statements without arguments go as one simple query, several statements at once (a
    // `raw_sql` future here would not be `Send`).
    (&mut *tx)
        .execute(
            "CREATE TABLE IF NOT EXISTS orgdesk_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM orgdesk_migrations")
        .fetch_all(&mut *tx)
        .await?;
    for (version, sql) in PG_MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        (&mut *tx).execute(*sql).await?;
        sqlx::query("INSERT INTO orgdesk_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(version)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        tracing::info!(version, "applied a PostgreSQL migration");
    }
    tx.commit().await
}

/// The channel on which replicas tell each other that an organization changed.
pub const ORGS_CHANGED: &str = "orgdesk_orgs_changed";

impl PgDb {
    /// Tells every replica listening on `channel` (this one too).
    ///
    /// # Errors
    /// When PostgreSQL does not answer.
    pub async fn notify(&self, channel: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(channel)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Calls `heard` for every notification on `channel`, for as long as the process runs,
    /// and also whenever the listening connection was lost and made again (a notification
    /// may have been missed then).
    pub fn listen(&self, channel: &'static str, heard: impl Fn() + Send + Sync + 'static) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            loop {
                let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(err) => {
                        tracing::warn!(error = %err, channel, "cannot listen; trying again");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if let Err(err) = listener.listen(channel).await {
                    tracing::warn!(error = %err, channel, "cannot listen; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                // Whatever happened before this connection listened was not heard.
                heard();
                loop {
                    match listener.try_recv().await {
                        Ok(Some(_)) => heard(),
                        // The connection was lost and is made again: assume a change was missed.
                        Ok(None) => heard(),
                        Err(err) => {
                            tracing::warn!(error = %err, channel, "listening stopped; starting again");
                            heard();
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            break;
                        }
                    }
                }
            }
        });
    }
}

/// Auth0's rate-limit budget as any replica last read it: `(limit, remaining, reset)`.
pub type SharedBudget = (Option<i64>, Option<i64>, Option<i64>);

impl PgDb {
    /// Shares what Auth0 just said of the budget with every replica.
    ///
    /// # Errors
    /// When PostgreSQL does not answer.
    pub async fn publish_budget(&self, budget: SharedBudget) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE auth0_budget SET rate_limit = COALESCE($1, rate_limit), \
             remaining = COALESCE($2, remaining), reset = COALESCE($3, reset) WHERE id = 1",
        )
        .bind(budget.0)
        .bind(budget.1)
        .bind(budget.2)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The budget as any replica last read it.
    ///
    /// # Errors
    /// When PostgreSQL does not answer.
    pub async fn shared_budget(&self) -> Result<SharedBudget, sqlx::Error> {
        sqlx::query_as("SELECT rate_limit, remaining, reset FROM auth0_budget WHERE id = 1")
            .fetch_one(&self.pool)
            .await
    }

    /// Takes the next free slot (Unix milliseconds) for a call, `interval_ms` after the last
    /// one any replica took: spread calls are spread across all replicas together.
    ///
    /// # Errors
    /// When PostgreSQL does not answer.
    pub async fn take_pacing_slot(
        &self,
        now_ms: i64,
        interval_ms: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "UPDATE auth0_budget SET next_slot_ms = GREATEST(next_slot_ms, $1) + $2 WHERE id = 1 \
             RETURNING next_slot_ms - $2",
        )
        .bind(now_ms)
        .bind(interval_ms)
        .fetch_one(&self.pool)
        .await
    }
}

/// Where orgdesk keeps its own state: SQLite under `--data-dir`, or PostgreSQL.
#[derive(Debug, Clone)]
pub enum Store {
    /// The embedded database file.
    Sqlite(Db),
    /// A PostgreSQL server (`--database-url`).
    Postgres(PgDb),
}

impl From<Db> for Store {
    fn from(db: Db) -> Self {
        Self::Sqlite(db)
    }
}

impl From<&Db> for Store {
    fn from(db: &Db) -> Self {
        Self::Sqlite(db.clone())
    }
}

impl From<&PgDb> for Store {
    fn from(db: &PgDb) -> Self {
        Self::Postgres(db.clone())
    }
}

impl From<&Store> for Store {
    fn from(store: &Store) -> Self {
        store.clone()
    }
}

impl From<PgDb> for Store {
    fn from(db: PgDb) -> Self {
        Self::Postgres(db)
    }
}

impl Store {
    /// The SQLite database, when that is the engine.
    #[must_use]
    pub fn sqlite(&self) -> Option<&Db> {
        match self {
            Self::Sqlite(db) => Some(db),
            Self::Postgres(_) => None,
        }
    }

    /// Whether the database answers and is migrated, for `/readyz`.
    ///
    /// # Errors
    /// What the database or the pool said.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(db) => db.ping().await,
            Self::Postgres(pg) => {
                let latest = PG_MIGRATIONS.last().map_or(0, |(v, _)| *v);
                let version: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(version) FROM orgdesk_migrations")
                        .fetch_one(&pg.pool)
                        .await?;
                if version.unwrap_or(0) < latest {
                    return Err(sqlx::Error::Protocol(format!(
                        "schema version {version:?}, expected {latest}"
                    )));
                }
                Ok(())
            }
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(db) => db.close().await,
            Self::Postgres(pg) => pg.pool.close().await,
        }
    }
}

/// Runs `$body` with `$ex` bound to the engine's executor, so that one SQL text (written with
/// `$1, $2, …` placeholders, numbered in the order they first appear, which both engines read
/// alike) serves SQLite and PostgreSQL. `read` uses SQLite's read-only connections, `write`
/// its one writer, `tx` a write transaction (`BEGIN IMMEDIATE` on SQLite) that `$body` commits.
#[macro_export]
macro_rules! on_store {
    (read $store:expr, $ex:ident => $body:expr) => {
        match $store {
            $crate::db::Store::Sqlite(db) => {
                let $ex = db.read();
                $body
            }
            $crate::db::Store::Postgres(pg) => {
                let $ex = pg.pool();
                $body
            }
        }
    };
    (write $store:expr, $ex:ident => $body:expr) => {
        match $store {
            $crate::db::Store::Sqlite(db) => {
                let $ex = db.write();
                $body
            }
            $crate::db::Store::Postgres(pg) => {
                let $ex = pg.pool();
                $body
            }
        }
    };
    (tx $store:expr, $tx:ident => $body:expr) => {
        match $store {
            $crate::db::Store::Sqlite(db) => {
                #[allow(unused_mut)]
                let mut $tx = db.begin_write().await?;
                $body
            }
            $crate::db::Store::Postgres(pg) => {
                #[allow(unused_mut)]
                let mut $tx = pg.pool().begin().await?;
                $body
            }
        }
    };
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
