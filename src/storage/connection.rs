//! Opening connections: the settings every connection gets, and the database file
//! itself (WAL mode, migrated, seeded).

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::{Db, Result, StorageError, schema};
use crate::domain::Rights;

/// How much of the file reads map rather than copy in with a system call each
/// page: all of it, up to the 1 TiB this build lets SQLite map
/// (`SQLITE_MAX_MMAP_SIZE`, in `.cargo/config.toml`). The mapped pages are the
/// kernel's page cache, shared by every connection.
const MMAP_SIZE: i64 = 1 << 40;

/// Settings applied to every connection, read or write.
pub(super) fn init_connection(conn: &mut Connection) -> rusqlite::Result<()> {
    init_with_rights(conn, &Rights::default())
}

/// [`init_connection`], with the newsroom's default rights in the connection's
/// `temp.newsroom_rights`, which article reads fill unset rights from. It shadows
/// the empty `main.newsroom_rights` of migration 0008, which connections opened
/// elsewhere read instead.
pub(super) fn init_with_rights(conn: &mut Connection, rights: &Rights) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Rows replaced by `INSERT OR REPLACE` fire their delete triggers too, so the
    // full-text indexes drop them (see migrations/0003_search.sql).
    conn.pragma_update(None, "recursive_triggers", "ON")?;
    // A write is acknowledged only once it is on disk.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Not on a replica's file: the process that writes it (Litestream) may shrink
    // it under a mapping, and a read past the end is a crash rather than an error.
    if !conn.is_readonly(rusqlite::MAIN_DB)? {
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
    }
    // Room for the page statements of every page size: relation lists are read
    // with one statement per relation and number of ids (`relations::by_owner`).
    conn.set_prepared_statement_cache_capacity(256);
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS newsroom_rights (copyright_holder TEXT,
            copyright_notice TEXT, usage_terms TEXT, license_url TEXT);
         DELETE FROM temp.newsroom_rights;",
    )?;
    conn.execute(
        "INSERT INTO temp.newsroom_rights VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            rights.copyright_holder,
            rights.copyright_notice,
            rights.usage_terms,
            rights.license_url
        ],
    )?;
    Ok(())
}

/// Opens (creating if needed) the database file at `path` in WAL mode, migrated to
/// the current schema and seeded with the fixtures if it never was.
pub fn open_file(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::Io {
            what: format!("cannot create {}", dir.display()),
            source,
        })?;
    }
    let mut conn = Connection::open(path)?;
    schema::refuse_newer(&conn, path)?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    Db::prepare(&mut conn)?;
    Ok(conn)
}
