//! The embedded directory's queries (`queries.rs`), compiled once for each engine: the SQL is
//! written once with `$n` placeholders, and the few places where the dialects differ (SQLite's
//! full-text trigram index and `INDEXED BY`, PostgreSQL's `ILIKE`) branch on `SQLITE`.

macro_rules! engine {
    ($name:ident, $db:ty, $sqlite:expr) => {
        #[doc = concat!("The embedded directory's queries on ", stringify!($name), ".")]
        pub mod $name {
            /// The engine.
            pub type Db = $db;
            /// Its connection pool.
            pub type Pool = sqlx::Pool<$db>;
            /// One connection.
            pub type Conn = <$db as sqlx::Database>::Connection;
            /// One row.
            pub type DbRow = <$db as sqlx::Database>::Row;
            /// Whether the engine is SQLite (else PostgreSQL).
            const SQLITE: bool = $sqlite;

            include!("queries.rs");
        }
    };
}

engine!(sqlite, sqlx::Sqlite, true);
engine!(postgres, sqlx::Postgres, false);

#[cfg(test)]
#[path = "search_tests.rs"]
mod search_tests;
