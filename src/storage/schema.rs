//! The schema's versions: the migrations, in order, and what they would do to a file.
//!
//! SQLite's `user_version` counts the migrations applied. A database with a higher
//! count than this binary knows was written by a newer newsdesk: it is refused before
//! anything (even the journal mode) is changed, since migrating it down is impossible
//! and writing to it with an older understanding of its tables could corrupt it.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

use super::{Result, StorageError};

/// Logs as created the content that has no entry in the change log (written before
/// the log existed, or in bulk by `generate`); a no-op when all content is logged.
pub const LOG_UNLOGGED_CONTENT: &str = include_str!("migrations/0005_log_earlier_content.sql");

/// Logs as created the content the change log has never heard of (see
/// [`LOG_UNLOGGED_CONTENT`]), on a database at the latest schema: what is public
/// goes to the public log too, as every write's entry does.
pub fn log_unlogged_content(conn: &Connection) -> Result<()> {
    let logged: i64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| {
        r.get(0)
    })?;
    conn.execute_batch(LOG_UNLOGGED_CONTENT)?;
    conn.execute(
        concat!(
            "UPDATE changes SET is_public = 1 WHERE seq > ?1 AND (",
            "resource_type IN ('participant', 'event')",
            " OR (resource_type = 'article' AND EXISTS (SELECT 1 FROM articles a",
            " WHERE a.id = resource_id AND ",
            crate::storage::visibility::public_article!("a"),
            ")) OR (resource_type = 'quote' AND EXISTS (SELECT 1 FROM quotes q",
            " WHERE q.id = resource_id AND ",
            crate::storage::visibility::public_quote!("q"),
            ")))"
        ),
        [logged],
    )?;
    // Partners with embargo access see what the public does, and embargoed articles.
    conn.execute(
        concat!(
            "UPDATE changes SET is_early = 1 WHERE seq > ?1 AND (is_public",
            " OR (resource_type = 'article' AND EXISTS (SELECT 1 FROM articles a",
            " WHERE a.id = resource_id AND ",
            crate::storage::visibility::early_article!("a"),
            ")) OR (resource_type = 'quote' AND EXISTS (SELECT 1 FROM quotes q",
            " JOIN articles a ON a.id = q.article WHERE q.id = resource_id AND ",
            crate::storage::visibility::early_article!("a"),
            ")))"
        ),
        [logged],
    )?;
    Ok(())
}

/// Every migration, oldest first: its file name, for people, and its SQL. The list is
/// read from `migrations/` at build time (`build.rs`): a migration is one new file.
const MIGRATIONS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this binary writes: the number of migrations it knows.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|(_, sql)| M::up(sql)).collect())
}

/// The database's schema version (`PRAGMA user_version`).
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Fails, touching nothing, when the database is from a newer schema than this binary's.
pub fn refuse_newer(conn: &Connection, path: &Path) -> Result<()> {
    let found = version(conn)?;
    if found > latest() {
        return Err(StorageError::SchemaTooNew {
            path: path.display().to_string(),
            found,
            known: latest(),
        });
    }
    Ok(())
}

/// Fails unless the database is at exactly this binary's schema: a read-only replica
/// can neither migrate a file nor safely read one of another version.
pub fn require_latest(conn: &Connection, path: &Path) -> Result<()> {
    let found = version(conn)?;
    if found != latest() {
        return Err(StorageError::File(format!(
            "{} has schema version {found}, and this newsdesk serves version {}. A \
             read-only replica never migrates: upgrade the primary first (it migrates at \
             start, or run `newsdesk migrate` there) and let the change replicate, or run \
             the primary's release here",
            path.display(),
            latest()
        )));
    }
    Ok(())
}

/// What `migrate` would do to a database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The schema version the file is at; 0 for a new or empty file.
    pub current: u32,
    /// The version this binary migrates to.
    pub latest: u32,
    /// The migrations that would run, in order.
    pub pending: Vec<&'static str>,
}

/// Reads what migrating `path` would do, without writing to it (nor creating it).
pub fn plan(path: &Path) -> Result<Plan> {
    let current = if path.exists() {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        refuse_newer(&conn, path)?;
        version(&conn)?
    } else {
        0
    };
    Ok(Plan {
        current,
        latest: latest(),
        pending: MIGRATIONS[current as usize..]
            .iter()
            .map(|(name, _)| *name)
            .collect(),
    })
}

/// Migrates the file at `path` (creating it if missing) to the latest schema; returns
/// what it ran. Loading the fixtures is left to the server's first start.
pub fn migrate(path: &Path) -> Result<Plan> {
    let plan = plan(path)?;
    let mut conn = Connection::open(path)?;
    refuse_newer(&conn, path)?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
    super::init_connection(&mut conn)?;
    migrations().to_latest(&mut conn)?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_valid_and_numbered_in_order() {
        migrations().validate().expect("valid migrations");
        for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name}");
        }
    }
}
