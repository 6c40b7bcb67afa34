//! What can go wrong below the API, in one enum.

/// What can go wrong below the API. None of it is the client's fault.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("schema migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("blocking task failed: {0}")]
    Blocking(String),
    /// The fixtures compiled into the binary do not load.
    #[error("fixtures: {0}")]
    Fixtures(String),
    /// A JSON column or value that does not (de)serialize.
    #[error("JSON of {what}: {source}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The file system refused.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// Stored data that cannot be what this code wrote.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The search engine beside the database failed; search falls back to FTS5.
    #[error("search engine: {0}")]
    Search(String),
    /// A database file cannot be backed up or served as asked (`backup`, `--read-only`).
    #[error("{0}")]
    File(String),
    #[error(
        "{path} has schema version {found}, newer than the {known} this newsdesk knows: \
         it was written by a newer release. Run that release (or newer), or restore a \
         backup; the file was left untouched"
    )]
    SchemaTooNew {
        path: String,
        found: u32,
        known: u32,
    },
}

impl From<tantivy::TantivyError> for StorageError {
    fn from(e: tantivy::TantivyError) -> Self {
        Self::Search(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// True when SQLite refused a write because it would break a foreign key: a
    /// delete of something still pointed at, or a reference to nothing. The explicit
    /// checks in `edit` catch these first with a better message; this is the net for
    /// a check someone forgot.
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(
            self,
            Self::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
        )
    }
}
