//! `newsdesk backup`: a consistent copy of a live database through SQLite's online
//! backup API.
//!
//! The copy is taken in one step, inside one read transaction: in WAL mode a reader
//! never blocks the server's writer, and a copy made in one step cannot be restarted
//! by a write made meanwhile, so it always finishes, with the database as it was when
//! it began. It is written beside its destination and renamed into place, so a backup
//! that fails halfway leaves no file that looks whole.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Result, StorageError};

/// What a finished backup copied.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    /// Database pages copied.
    pub pages: i32,
}

/// Copies the database at `db` to the new file `out`; refuses to overwrite a file.
pub fn backup(db: &Path, out: &Path) -> Result<Copied> {
    if !db.exists() {
        return Err(StorageError::File(format!(
            "no database at {}",
            db.display()
        )));
    }
    if out.exists() {
        return Err(StorageError::File(format!(
            "{} exists already; a backup never overwrites a file",
            out.display()
        )));
    }
    let source = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source.busy_timeout(std::time::Duration::from_secs(5))?;
    super::schema::refuse_newer(&source, db)?;
    let partial = partial_path(out);
    let _ = std::fs::remove_file(&partial);
    let copied = copy(&source, &partial).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::rename(&partial, out)
        .map_err(|e| StorageError::File(format!("cannot rename {}: {e}", partial.display())))?;
    Ok(copied)
}

fn copy(source: &Connection, to: &Path) -> Result<Copied> {
    let mut dest = Connection::open(to)?;
    {
        let backup = Backup::new(source, &mut dest)?;
        // -1: every page in one step, so concurrent writes cannot restart it.
        match backup.step(-1)? {
            StepResult::Done => {}
            other => {
                return Err(StorageError::File(format!(
                    "the backup did not finish: {other:?}"
                )));
            }
        }
    }
    // The copy is a file of its own: leave it in rollback-journal mode with no `-wal`
    // beside it, so copying the one file is enough (newsdesk turns WAL on at start).
    dest.pragma_update(None, "journal_mode", "DELETE")?;
    let pages = dest.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    dest.close().map_err(|(_, e)| e)?;
    Ok(Copied { pages })
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    out.with_file_name(name)
}
